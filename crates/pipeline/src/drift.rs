//! How far an index is behind its corpus: which files changed, appeared or went since it
//! was built. `minga check` reports it; `minga index` is what brings the index up to date.

use std::collections::BTreeMap;
use std::path::Path;

use minga_ingest::discover;
use serde::Serialize;

use crate::sync::DATA_FILES;

/// The corpus's files against the index's records of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// Files as they were indexed.
    pub same: usize,
    /// Files whose content changed since they were indexed.
    pub changed: Vec<String>,
    /// Files the index does not hold.
    pub new: Vec<String>,
    /// Files the index holds that are no longer in the corpus.
    pub gone: Vec<String>,
}

impl Drift {
    /// Whether the index holds the corpus as it is.
    pub fn is_current(&self) -> bool {
        self.changed.is_empty() && self.new.is_empty() && self.gone.is_empty()
    }
}

/// Compares the corpus in `corpus` with `records` (each indexed file's path relative to the
/// corpus and its content's BLAKE3 hash), reading every file.
pub fn drift(
    corpus: &Path,
    records: &BTreeMap<String, String>,
) -> Result<Drift, minga_ingest::Error> {
    let discovery = discover(corpus)?;
    let mut drift = Drift::default();
    let mut seen = std::collections::BTreeSet::new();
    let present = discovery
        .files
        .iter()
        .map(|f| (f.rel.clone(), f.path.clone()))
        .chain(
            DATA_FILES
                .iter()
                .map(|name| (name.to_string(), corpus.join(name)))
                .filter(|(_, path)| path.is_file()),
        );
    for (rel, path) in present {
        seen.insert(rel.clone());
        let Some(known) = records.get(&rel) else {
            drift.new.push(rel);
            continue;
        };
        let hash = std::fs::read(&path)
            .map(|bytes| blake3::hash(&bytes).to_hex().to_string())
            .unwrap_or_default();
        if &hash == known {
            drift.same += 1;
        } else {
            drift.changed.push(rel);
        }
    }
    drift.gone = records
        .keys()
        .filter(|path| !seen.contains(*path))
        .cloned()
        .collect();
    Ok(drift)
}

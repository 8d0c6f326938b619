//! How far an index is behind its corpus: which files changed, appeared or went since it
//! was built. `minga check` reports it; `minga index` is what brings the index up to date.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use minga_ingest::discover;
use serde::Serialize;

use minga_core::DATA_FILES;

use crate::sync::{content_hash, data_hash};

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
    /// Whether the lists or the metadata rules built into Minga differ from those the index
    /// was built with (a new release): the next `minga index` reads the corpus anew.
    pub built_in: bool,
}

impl Drift {
    /// Whether the index holds the corpus as it is.
    pub fn is_current(&self) -> bool {
        self.changed.is_empty() && self.new.is_empty() && self.gone.is_empty() && !self.built_in
    }
}

/// Compares the corpus in `corpus` with `records` (each indexed file's path relative to the
/// corpus and its content's BLAKE3 hash), reading every file. A data file is recorded with
/// the hash of the list built into Minga that it is merged over too (an empty file hash when
/// the corpus does not have it) and of the metadata rules, as `sync` records it: a release
/// with other built-in lists or rules sets [`Drift::built_in`].
pub fn drift(
    corpus: &Path,
    records: &BTreeMap<String, String>,
) -> Result<Drift, minga_ingest::Error> {
    let discovery = discover(corpus)?;
    let mut drift = Drift::default();
    for file in &discovery.files {
        match records.get(&file.rel) {
            None => drift.new.push(file.rel.clone()),
            Some(known) if *known == content_hash(&file.path) => drift.same += 1,
            Some(_) => drift.changed.push(file.rel.clone()),
        }
    }
    for name in DATA_FILES {
        let hash = data_hash(corpus, name);
        let exists = corpus.join(name).is_file();
        // A record's hash is the file's, then `+` and the built-in list's (see `data_hash`).
        let had_file = |known: &str| !known.split('+').next().unwrap_or("").is_empty();
        let file_part = |h: &str| h.split('+').next().unwrap_or("").to_string();
        match records.get(name).map_or("", String::as_str) {
            known if known == hash => drift.same += usize::from(exists),
            known if exists && !had_file(known) => drift.new.push(name.to_string()),
            known if !exists && had_file(known) => drift.gone.push(name.to_string()),
            // Only the list or the rules built into this release changed.
            known if file_part(known) == file_part(&hash) => {
                drift.same += usize::from(exists);
                drift.built_in = true;
            }
            _ => drift.changed.push(name.to_string()),
        }
    }
    let present: BTreeSet<&str> = discovery.files.iter().map(|f| f.rel.as_str()).collect();
    drift.gone.extend(
        records
            .keys()
            .filter(|path| !present.contains(path.as_str()) && !DATA_FILES.contains(&path.as_str()))
            .cloned(),
    );
    Ok(drift)
}

//! Folder metadata: a `_meta.yaml` (or `_meta.yml`, `_meta.json`) gives metadata to every
//! file below its folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use minga_core::{Document, Normalizer, Warning};

use crate::Problem;
use crate::decode::decode;
use crate::meta::{Field, Metadata, YamlError, from_json_object, parse_yaml};

/// Sidecar file names, in the order they are looked for; the first found in a folder wins.
pub const SIDECAR_NAMES: [&str; 3] = ["_meta.yaml", "_meta.yml", "_meta.json"];

/// The sidecars of a corpus, each parsed once and kept.
#[derive(Debug)]
pub(crate) struct Sidecars {
    corpus: PathBuf,
    /// Folder (relative, `/`-separated, `""` for the root) → its sidecar's metadata, `None`
    /// when it has none or it is broken.
    cache: RwLock<HashMap<String, Arc<Option<Metadata>>>>,
}

impl Sidecars {
    pub(crate) fn new(corpus: &Path) -> Sidecars {
        Sidecars {
            corpus: corpus.to_path_buf(),
            cache: RwLock::new(HashMap::new()),
        }
    }

    /// The metadata the sidecars above `rel` give it, nearer folders overriding farther ones
    /// key by key. Problems with a sidecar are pushed the first time it is read, and only
    /// then.
    pub(crate) fn for_file(
        &self,
        rel: &str,
        normalizer: &Normalizer,
        problems: &mut Vec<Problem>,
    ) -> Metadata {
        let mut merged = Metadata::default();
        let mut folder = String::new();
        let mut folders = vec![String::new()];
        let segments: Vec<&str> = rel.split('/').collect();
        for segment in &segments[..segments.len().saturating_sub(1)] {
            if !folder.is_empty() {
                folder.push('/');
            }
            folder.push_str(segment);
            folders.push(folder.clone());
        }
        for folder in folders {
            if let Some(meta) = self.folder(&folder, normalizer, problems).as_ref() {
                merged.overlay(meta);
            }
        }
        merged
    }

    fn folder(
        &self,
        folder: &str,
        normalizer: &Normalizer,
        problems: &mut Vec<Problem>,
    ) -> Arc<Option<Metadata>> {
        if let Some(hit) = self
            .cache
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(folder)
        {
            return Arc::clone(hit);
        }
        let (loaded, mut found) = self.load(folder, normalizer);
        let mut cache = self
            .cache
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match cache.get(folder) {
            // Another thread loaded it meanwhile and reported its problems.
            Some(hit) => Arc::clone(hit),
            None => {
                problems.append(&mut found);
                let loaded = Arc::new(loaded);
                cache.insert(folder.to_string(), Arc::clone(&loaded));
                loaded
            }
        }
    }

    /// Reads and checks a folder's sidecar.
    fn load(&self, folder: &str, normalizer: &Normalizer) -> (Option<Metadata>, Vec<Problem>) {
        let mut problems = Vec::new();
        let dir = self.corpus.join(folder);
        let Some(name) = SIDECAR_NAMES.iter().find(|n| dir.join(n).is_file()) else {
            return (None, problems);
        };
        let rel = if folder.is_empty() {
            name.to_string()
        } else {
            format!("{folder}/{name}")
        };
        let not_applied = "not applied to the files below";
        let bytes = match std::fs::read(dir.join(name)) {
            Ok(bytes) => bytes,
            Err(e) => {
                problems.push(Problem::skipped(
                    &rel,
                    format!("cannot read: {e}; {not_applied}"),
                ));
                return (None, problems);
            }
        };
        let extension = name.rsplit('.').next().unwrap_or("yaml");
        let text = match decode(&bytes, extension) {
            Ok(decoded) => decoded.text,
            Err(reason) => {
                problems.push(Problem::skipped(&rel, format!("{reason}; {not_applied}")));
                return (None, problems);
            }
        };
        let parsed = if extension == "json" {
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(object)) => Ok(Some(from_json_object(&object, None))),
                Ok(_) => Err(YamlError::NotMapping),
                Err(e) => Err(YamlError::Invalid {
                    line: Some(e.line() as u64),
                    message: e.to_string(),
                }),
            }
        } else {
            parse_yaml(&text, 0)
        };
        let mut meta = match parsed {
            Ok(meta) => meta.unwrap_or_default(),
            Err(YamlError::Invalid { line, message }) => {
                problems.push(
                    Problem::skipped(&rel, format!("invalid sidecar ({message}); {not_applied}"))
                        .at_line(line),
                );
                return (None, problems);
            }
            Err(YamlError::NotMapping) => {
                problems.push(Problem::skipped(
                    &rel,
                    format!("expected `key: value` lines; {not_applied}"),
                ));
                return (None, problems);
            }
        };
        meta.retain_shared();
        meta.validate(&rel, &mut problems);
        // Unknown regions and institutions are reported here, once, not for every file.
        let mut probe = Document::new("sidecar", &rel);
        meta.apply(&mut probe);
        for warning in normalizer.normalize(&mut probe) {
            let field = match warning {
                Warning::UnknownRegion { .. } => Field::Regions,
                Warning::UnknownCountry(_) => Field::Country,
                Warning::UnknownInstitution(_) => Field::Institutions,
            };
            problems.push(Problem::warning(&rel, warning.to_string()).at_line(meta.line(field)));
        }
        // Lines count in the sidecar, not in the files that inherit from it.
        meta.clear_lines();
        tracing::debug!(sidecar = %rel, "sidecar loaded");
        (Some(meta), problems)
    }
}

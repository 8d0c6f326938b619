//! The corpus data files an index was built with (gazetteer, institutions, glossary), kept
//! beside the index so searches resolve names exactly as indexing did.

use std::path::{Path, PathBuf};

use minga_core::{DATA_FILES, GLOSSARY_FILE, Glossary, Normalizer};

use crate::{Error, Result};

/// Folder, inside the index folder, holding the copies.
pub(crate) const TABLES_DIR: &str = "minga-data";

/// The data files of one index.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    pub normalizer: Normalizer,
    pub glossary: Glossary,
}

impl Tables {
    /// Reads the copies kept in an index folder; missing files are empty tables.
    pub fn load(index_dir: &Path) -> Result<Tables> {
        Tables::load_from(&index_dir.join(TABLES_DIR))
    }

    /// Reads the data files of a corpus folder (or of a copy); missing files are empty.
    pub fn load_from(dir: &Path) -> Result<Tables> {
        let glossary_path = dir.join(GLOSSARY_FILE);
        Ok(Tables {
            normalizer: Normalizer::load(dir)?,
            glossary: if glossary_path.is_file() {
                Glossary::load(&glossary_path)?
            } else {
                Glossary::default()
            },
        })
    }

    /// Copies a corpus folder's data files into an index folder, replacing older copies.
    /// Files the corpus lacks are removed from the copy too.
    pub(crate) fn copy(corpus: &Path, index_dir: &Path) -> Result<()> {
        let target = index_dir.join(TABLES_DIR);
        std::fs::create_dir_all(&target).map_err(|source| io("create", &target, source))?;
        for name in DATA_FILES {
            let from = corpus.join(name);
            let to = target.join(name);
            if from.is_file() {
                // Write beside and rename, so a reader never sees half a file.
                let partial = target.join(format!("{name}.partial"));
                std::fs::copy(&from, &partial).map_err(|source| io("copy", &from, source))?;
                std::fs::rename(&partial, &to).map_err(|source| io("write", &to, source))?;
            } else if to.exists() {
                std::fs::remove_file(&to).map_err(|source| io("remove", &to, source))?;
            }
        }
        Ok(())
    }
}

/// The data files whose copy in the index folder is not the file the index was built with:
/// `recorded` gives, for a data file's name, the BLAKE3 hash (hex) recorded when it was
/// indexed (empty when the corpus had none), or `None` when nothing was recorded.
pub(crate) fn differing_copies<'a>(
    index_dir: &Path,
    recorded: impl Fn(&str) -> Option<&'a str>,
) -> Vec<&'static str> {
    let dir = index_dir.join(TABLES_DIR);
    DATA_FILES
        .into_iter()
        .filter(|name| {
            let Some(hash) = recorded(name) else {
                return false;
            };
            // A data file's record also holds the hash of the built-in list it is merged
            // over, after a `+` (see the pipeline's `data_hash`): the copy is the file's.
            let hash = hash.split('+').next().unwrap_or(hash);
            match std::fs::read(dir.join(name)) {
                Ok(bytes) => blake3::hash(&bytes).to_hex().as_str() != hash,
                Err(_) => !hash.is_empty(),
            }
        })
        .collect()
}

fn io(action: &'static str, path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        action,
        path: PathBuf::from(path),
        source,
    }
}

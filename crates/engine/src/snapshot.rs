//! A consistent copy of an index that may be being written meanwhile (a running `minga serve`
//! taking writes, a `minga index` run).
//!
//! A committed index is its `meta.json` and the segment files it names, which are never
//! changed once written: a commit writes new files and a new `meta.json`, and only then are
//! the files no longer named deleted. So the copy reads the list of segments of the last
//! commit, opens every file on it, and copies from the open files: a file deleted after it
//! was opened stays readable through its handle, and a file deleted before (a merge finished
//! between reading the list and opening it) makes the copy start again from the newer list.
//! The list is written last, as the copy's `meta.json`, so a copy cut short is not an index.

use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use tantivy::index::{SegmentComponent, SegmentMeta};

use crate::damage;
use crate::tables::TABLES_DIR;
use crate::{Error, Result};

/// How many times the copy starts again when a commit removes files before it opens them.
const ATTEMPTS: usize = 50;

/// What [`copy_index`] copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexCopy {
    /// Files copied, `meta.json` and the data files included.
    pub files: usize,
    pub bytes: u64,
    /// The commit copied (Tantivy's opstamp).
    pub opstamp: u64,
    /// How many times the copy started again because the index changed under it.
    pub retries: usize,
}

/// Copies the last commit of the index in `from` into the new folder `to` (created; it must
/// not exist), while writers may go on writing `from`.
pub fn copy_index(from: &Path, to: &Path) -> Result<IndexCopy> {
    if !from.join("meta.json").is_file() {
        return Err(Error::MissingIndex {
            path: from.to_path_buf(),
        });
    }
    damage::guard(from, || copy_commit(from, to))
}

fn copy_commit(from: &Path, to: &Path) -> Result<IndexCopy> {
    let index = crate::engine::open_index(from)?;
    for retries in 0..ATTEMPTS {
        let metas = index.load_metas()?;
        let mut names: Vec<PathBuf> = metas.segments.iter().flat_map(segment_files).collect();
        names.extend(data_files(from)?);
        let Some(open) = open_all(from, &names)? else {
            continue;
        };
        std::fs::create_dir(to).map_err(|source| Error::Io {
            action: "create",
            path: to.to_path_buf(),
            source,
        })?;
        std::fs::create_dir(to.join(TABLES_DIR)).map_err(|source| Error::Io {
            action: "create",
            path: to.join(TABLES_DIR),
            source,
        })?;
        let mut bytes = 0;
        for (name, mut file) in open {
            let target = to.join(&name);
            let mut out = File::create_new(&target).map_err(|source| Error::Io {
                action: "create",
                path: target.clone(),
                source,
            })?;
            bytes += std::io::copy(&mut file, &mut out)
                .and_then(|n| out.sync_all().map(|()| n))
                .map_err(|source| Error::Io {
                    action: "copy",
                    path: from.join(&name),
                    source,
                })?;
        }
        let meta = serde_json::to_vec_pretty(&metas).map_err(|e| Error::Corrupt(e.to_string()))?;
        let path = to.join("meta.json");
        write_synced(&path, &meta).map_err(|source| Error::Io {
            action: "write",
            path,
            source,
        })?;
        bytes += meta.len() as u64;
        for folder in [to.join(TABLES_DIR), to.to_path_buf()] {
            minga_core::sync_folder(&folder).map_err(|source| Error::Io {
                action: "sync",
                path: folder,
                source,
            })?;
        }
        return Ok(IndexCopy {
            files: names.len() + 1,
            bytes,
            opstamp: metas.opstamp,
            retries,
        });
    }
    Err(Error::Io {
        action: "copy",
        path: from.to_path_buf(),
        source: std::io::Error::other(format!(
            "the index changed under the copy {ATTEMPTS} times in a row; try again"
        )),
    })
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = File::create_new(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The files of a committed segment.
pub(crate) fn segment_files(segment: &SegmentMeta) -> Vec<PathBuf> {
    let mut components = vec![
        SegmentComponent::Postings,
        SegmentComponent::Positions,
        SegmentComponent::FastFields,
        SegmentComponent::FieldNorms,
        SegmentComponent::Terms,
        SegmentComponent::Store,
    ];
    if segment.has_deletes() {
        components.push(SegmentComponent::Delete);
    }
    components
        .into_iter()
        .map(|c| segment.relative_path(c))
        .collect()
}

/// The index's copies of the corpus's data files, relative to the index folder.
fn data_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let tables = dir.join(TABLES_DIR);
    let entries = match std::fs::read_dir(&tables) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Io {
                action: "read",
                path: tables,
                source,
            });
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            action: "read",
            path: tables.clone(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // A data file being replaced is written beside it under a hidden name first.
        if entry.path().is_file() && !name.starts_with('.') {
            names.push(Path::new(TABLES_DIR).join(name));
        }
    }
    names.sort();
    Ok(names)
}

/// Every file of `names` opened, or `None` when one is gone (a commit replaced it).
fn open_all(dir: &Path, names: &[PathBuf]) -> Result<Option<Vec<(PathBuf, File)>>> {
    let mut open = Vec::with_capacity(names.len());
    for name in names {
        match File::open(dir.join(name)) {
            Ok(file) => open.push((name.clone(), file)),
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(Error::Io {
                    action: "read",
                    path: dir.join(name),
                    source,
                });
            }
        }
    }
    Ok(Some(open))
}

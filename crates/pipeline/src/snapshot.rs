//! A backup of a corpus and its index, taken while a server keeps answering and writing.
//!
//! The index is copied first ([`minga_engine::copy_index`]: its last commit, whole), then the
//! corpus. A write acknowledged between the two is in the corpus's copy and not in the
//! index's, and a file deleted between them is in neither or only in the index: either way
//! the corpus is the source of truth, and the first `minga index` (or `minga serve` with
//! writes, which catches up at start) on the copy brings its index in step. Nothing in the
//! copy is newer in the index than in the corpus, so nothing acknowledged is lost.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use minga_engine::IndexCopy;

/// What [`snapshot`] copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Snapshot {
    pub index_files: usize,
    pub index_bytes: u64,
    /// The index's commit copied (Tantivy's opstamp).
    pub opstamp: u64,
    pub corpus_files: usize,
    pub corpus_bytes: u64,
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Why a snapshot was not taken.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{0} already exists: a snapshot goes into a new folder")]
    Exists(PathBuf),
    #[error("the corpus folder {0} does not exist")]
    NoCorpus(PathBuf),
    #[error("{0} is inside the corpus or the index it would copy")]
    Inside(PathBuf),
    #[error(transparent)]
    Index(#[from] minga_engine::Error),
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Copies the index in `index` and the corpus in `corpus` into the new folder `to`, as
/// `to/index` and `to/corpus`; restoring is pointing `--index` and `--corpus` at them.
pub fn snapshot(corpus: &Path, index: &Path, to: &Path) -> Result<Snapshot, SnapshotError> {
    let started = Instant::now();
    if to.exists() {
        return Err(SnapshotError::Exists(to.to_path_buf()));
    }
    if !corpus.is_dir() {
        return Err(SnapshotError::NoCorpus(corpus.to_path_buf()));
    }
    if let Some(parent) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io("create", parent))?;
    }
    create_dir(to)?;
    // A copy inside what it copies would copy itself.
    let real = |p: &Path| p.canonicalize().map_err(io("read", p));
    let target = real(to)?;
    if target.starts_with(real(corpus)?) || (index.exists() && target.starts_with(real(index)?)) {
        let _ = std::fs::remove_dir(to);
        return Err(SnapshotError::Inside(to.to_path_buf()));
    }
    let IndexCopy {
        files: index_files,
        bytes: index_bytes,
        opstamp,
        ..
    } = minga_engine::copy_index(index, &to.join("index"))?;
    let mut copied = (0, 0);
    copy_tree(corpus, &to.join("corpus"), &mut copied)?;
    sync_folder(to)?;
    Ok(Snapshot {
        index_files,
        index_bytes,
        opstamp,
        corpus_files: copied.0,
        corpus_bytes: copied.1,
        elapsed: started.elapsed(),
    })
}

/// Copies the folder `from` into the new folder `to`, file by file, each synced; a server's
/// file being written (a hidden `….tmp` beside its target) is left out: it is not yet
/// acknowledged, and its target holds what was.
fn copy_tree(from: &Path, to: &Path, copied: &mut (usize, u64)) -> Result<(), SnapshotError> {
    create_dir(to)?;
    let entries = std::fs::read_dir(from).map_err(io("read", from))?;
    let mut entries: Vec<_> = entries
        .collect::<Result<_, _>>()
        .map_err(io("read", from))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let path = entry.path();
        let kind = entry.file_type().map_err(io("read", &path))?;
        let lossy = name.to_string_lossy();
        if kind.is_dir() {
            copy_tree(&path, &to.join(&name), copied)?;
        } else if kind.is_file() && !(lossy.starts_with('.') && lossy.ends_with(".tmp")) {
            let target = to.join(&name);
            let mut source = match File::open(&path) {
                Ok(file) => file,
                // Deleted since the folder was listed: not in the copy.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io("read", &path)(e)),
            };
            let mut out = File::create_new(&target).map_err(io("create", &target))?;
            let bytes = std::io::copy(&mut source, &mut out)
                .and_then(|n| out.sync_all().map(|()| n))
                .map_err(io("copy", &path))?;
            copied.0 += 1;
            copied.1 += bytes;
        }
    }
    sync_folder(to)
}

fn create_dir(path: &Path) -> Result<(), SnapshotError> {
    std::fs::create_dir(path).map_err(io("create", path))
}

fn sync_folder(path: &Path) -> Result<(), SnapshotError> {
    minga_core::sync_folder(path).map_err(io("sync", path))
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> SnapshotError {
    let path = path.to_path_buf();
    move |source| SnapshotError::Io {
        action,
        path,
        source,
    }
}

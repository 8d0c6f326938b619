//! The write path below the HTTP layer: changes to named corpus files, each stored and
//! indexed all or none, committed together, with a typed error for each that failed.
//!
//! [`apply`] takes a batch of [`Change`]s, holds the index's writer lock for them (another
//! writer holding it fails them all with [`WriteError::Locked`], nothing written), and for
//! each:
//!
//! 1. checks it: the file must give documents ([`WriteError::Unreadable`] otherwise) whose
//!    ids no other file uses ([`WriteError::Conflict`]);
//! 2. stores its files under the corpus's `api/` folder durably (written to a hidden
//!    temporary file, synced, renamed into place, the folder synced), or removes them;
//! 3. indexes them.
//!
//! Then it commits once for all of them (a durable commit). If storing or committing fails
//! (a full disk: [`WriteError::DiskFull`], told by the I/O error's kind), the files of the
//! changes not committed are put back as they were, so the corpus and the index still agree.
//!
//! Because each file is synced before the commit and the commit is durable, a crash after
//! [`apply`] returns loses nothing it reported written. A crash between storing and
//! committing leaves a stored file that the next sync indexes, and at worst a hidden
//! temporary file that [`remove_leftovers`] removes. The server queues requests into
//! batches and answers each with its result; the command line can use the same path.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use minga_core::sync_folder;
use minga_engine::IndexerOptions;
use minga_ingest::Problem;
use serde::Serialize;

use crate::{FileWriter, SyncError, SyncOptions};

/// The corpus folder that holds what the API stores: `api/records/<id>.json` for records,
/// `api/files/<name>` for uploaded files.
pub const API_FOLDER: &str = "api";
/// Where records are stored, below the corpus.
pub const RECORDS_FOLDER: &str = "api/records";
/// Where uploaded files are stored, below the corpus.
pub const FILES_FOLDER: &str = "api/files";
/// The longest id a record written through the API may have, in bytes.
pub const MAX_RECORD_ID_BYTES: usize = 128;

/// Memory of the index writer a batch of changes uses (small: a write is a few documents).
const WRITER_MEMORY: usize = 32 << 20;

/// Why a change was not made; each names what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The file gives nothing to index (invalid in its format, empty, a bomb…).
    #[error("{0}")]
    Unreadable(String),
    /// An id another file uses, or a document that did not come through the API.
    #[error("{0}")]
    Conflict(String),
    /// No document has the id.
    #[error("{0}")]
    NotFound(String),
    /// A file name that would leave the corpus's `api/` folder.
    #[error("invalid file name {0:?}")]
    BadName(String),
    /// The disk (or quota) is full: nothing of the change was kept.
    #[error("the disk is full; nothing was written")]
    DiskFull,
    /// Another process (a `minga index` run) holds the index for writing.
    #[error("another process holds the index for writing")]
    Locked,
    /// The index or the machine failed; the details are in the log.
    #[error("the write failed: {0}")]
    Failed(String),
}

/// Whether `id` can name a record written through the API: 1 to [`MAX_RECORD_ID_BYTES`]
/// characters of `A-Z a-z 0-9 . _ -`, not starting with `.` or `_` (the corpus skips such
/// names). Such an id is kept as it is by the readers and is a safe file name.
pub fn is_record_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_RECORD_ID_BYTES
        && !id.starts_with(['.', '_'])
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A file to store in the corpus, at a path inside [`API_FOLDER`] (checked again here).
#[derive(Debug, Clone)]
pub struct Upload {
    /// Path relative to the corpus, `/`-separated, inside [`API_FOLDER`].
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// What a write request asks.
#[derive(Debug)]
pub enum Change {
    /// Store these files (replacing any at the same paths) and index them, all or none.
    Put(Vec<Upload>),
    /// Remove the document with this id, with the file it came from.
    Delete(String),
}

/// A document stored by a write.
#[derive(Debug, Clone, Serialize)]
pub struct Stored {
    pub id: String,
    /// The file it is stored in, relative to the corpus folder.
    pub file: String,
    /// `created`, or `updated` when the file was there before.
    pub status: &'static str,
}

/// The answer to a write.
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    /// The documents now searchable.
    pub documents: Vec<Stored>,
    /// Passages indexed from them.
    pub passages: usize,
    /// What the readers repaired or warned about (records skipped inside a batch file
    /// included).
    pub problems: Vec<Problem>,
}

/// The answer to a deletion.
#[derive(Debug, Clone, Serialize)]
pub struct Deleted {
    /// The ids of the documents removed: the one asked for, and any other document of the
    /// same uploaded file.
    pub deleted: Vec<String>,
    /// The file removed, relative to the corpus folder.
    pub file: String,
}

/// What the writer answers.
#[derive(Debug)]
pub enum Outcome {
    Written(Written),
    Deleted(Deleted),
}

/// Applies `changes` to the corpus in `corpus` and the index in `index` in one commit; one
/// result per change, in order. A change that fails leaves nothing behind; one that fails
/// the commit (a full disk) fails them all. Blocks.
pub fn apply(
    corpus: &Path,
    index: &Path,
    changes: Vec<Change>,
) -> Vec<Result<Outcome, WriteError>> {
    apply_with(corpus, index, changes, None)
}

/// [`apply`], embedding the passages written with `model` (for semantic re-ranking) when
/// one is given.
pub fn apply_with(
    corpus: &Path,
    index: &Path,
    changes: Vec<Change>,
    model: Option<std::sync::Arc<minga_semantic::Model>>,
) -> Vec<Result<Outcome, WriteError>> {
    let started = Instant::now();
    let count = changes.len();
    let options = SyncOptions {
        writer: IndexerOptions {
            memory: WRITER_MEMORY,
            threads: Some(1),
            model,
            ..IndexerOptions::default()
        },
        ..SyncOptions::default()
    };
    let all = |error: WriteError| (0..count).map(|_| Err(error.clone())).collect();
    let mut writer = match FileWriter::open(corpus, index, &options) {
        Ok(writer) => writer,
        Err(error) => return all(sync_error(&error)),
    };
    let mut journal = Journal::default();
    let mut results = Vec::with_capacity(count);
    for change in changes {
        let mark = journal.len();
        let result = match change {
            Change::Put(uploads) => put(&mut writer, corpus, uploads, &mut journal),
            Change::Delete(id) => delete(&mut writer, corpus, &id, &mut journal),
        };
        match result {
            Ok(outcome) => results.push(Ok(outcome)),
            Err(Failure::Change(error)) => {
                journal.undo_to(mark);
                results.push(Err(error));
            }
            Err(Failure::Batch(error)) => {
                journal.undo_to(0);
                return all(error);
            }
        }
    }
    if let Err(error) = writer.commit() {
        journal.undo_to(0);
        return all(sync_error(&error));
    }
    if let Err(error) = writer.finish() {
        // Committed already: the writes stand; only merging failed.
        tracing::error!(%error, "merging after a write failed");
    }
    tracing::info!(
        changes = count,
        refused = results.iter().filter(|r| r.is_err()).count(),
        took_ms = started.elapsed().as_millis() as u64,
        "writes committed"
    );
    results
}

/// Why a change failed: by itself (the others go on), or taking the whole commit down.
#[derive(Debug)]
enum Failure {
    Change(WriteError),
    Batch(WriteError),
}

impl From<WriteError> for Failure {
    fn from(error: WriteError) -> Failure {
        Failure::Change(error)
    }
}

/// Checks, stores and indexes the files of one change, all or none.
fn put(
    writer: &mut FileWriter,
    corpus: &Path,
    uploads: Vec<Upload>,
    journal: &mut Journal,
) -> Result<Outcome, Failure> {
    // 1. Check everything before touching the disk.
    let mut read = Vec::with_capacity(uploads.len());
    let mut ids: HashMap<String, String> = HashMap::new();
    for upload in uploads {
        let outcome = writer.read(&upload.rel, &upload.bytes);
        if outcome.documents.is_empty() {
            let reasons: Vec<String> = outcome.problems.iter().map(|p| p.to_string()).collect();
            return Err(WriteError::Unreadable(format!(
                "nothing to index in {}: {}",
                upload.rel,
                if reasons.is_empty() {
                    "no document".to_string()
                } else {
                    reasons.join("; ")
                }
            ))
            .into());
        }
        if !writer.has_passages(&outcome) {
            return Err(WriteError::Unreadable(format!(
                "nothing to index in {}: its title and text hold no word to search",
                upload.rel
            ))
            .into());
        }
        for document in &outcome.documents {
            let owner = ids
                .get(&document.id)
                .map(String::as_str)
                .or_else(|| writer.owner(&document.id));
            if let Some(owner) = owner.filter(|&owner| owner != upload.rel) {
                return Err(WriteError::Conflict(format!(
                    "the id {:?} is already used by {owner}",
                    document.id
                ))
                .into());
            }
            ids.insert(document.id.clone(), upload.rel.clone());
        }
        read.push((upload, outcome));
    }
    // 2. Store the files.
    let mut statuses = Vec::with_capacity(read.len());
    for (upload, _) in &read {
        let existed = journal.store(corpus, &upload.rel, &upload.bytes)?;
        statuses.push(if existed { "updated" } else { "created" });
    }
    // 3. Index them.
    let mut written = Written {
        documents: Vec::new(),
        passages: 0,
        problems: Vec::new(),
    };
    for ((upload, outcome), status) in read.into_iter().zip(statuses) {
        let documents: Vec<String> = outcome.documents.iter().map(|d| d.id.clone()).collect();
        let problems = writer
            .put(&upload.rel, &upload.bytes, outcome)
            .map_err(|e| Failure::Batch(sync_error(&e)))?;
        written.passages += writer.files().get(&upload.rel).map_or(0, |r| r.passages);
        written.problems.extend(problems);
        written
            .documents
            .extend(documents.into_iter().map(|id| Stored {
                id,
                file: upload.rel.clone(),
                status,
            }));
    }
    Ok(Outcome::Written(written))
}

/// Removes the document `id` with its file, if the API stored it.
fn delete(
    writer: &mut FileWriter,
    corpus: &Path,
    id: &str,
    journal: &mut Journal,
) -> Result<Outcome, Failure> {
    let record = format!("{RECORDS_FOLDER}/{id}.json");
    let rel = if is_record_id(id) && corpus.join(&record).is_file() {
        record
    } else {
        match writer.owner(id) {
            Some(owner) if owner.starts_with(&format!("{API_FOLDER}/")) => owner.to_string(),
            Some(owner) => {
                return Err(WriteError::Conflict(format!(
                    "the document {id:?} comes from the corpus file {owner}, not from the API: \
                     edit or remove that file and run `minga index`"
                ))
                .into());
            }
            None => {
                return Err(WriteError::NotFound(format!("no document has the id {id:?}")).into());
            }
        }
    };
    journal.remove(corpus, &rel)?;
    let mut deleted = writer.remove(&rel);
    if deleted.is_empty() {
        deleted.push(id.to_string());
    }
    Ok(Outcome::Deleted(Deleted { deleted, file: rel }))
}

/// The error a failed sync step is reported as; the details go to the log.
fn sync_error(error: &SyncError) -> WriteError {
    match error {
        SyncError::Index(minga_engine::Error::Locked { .. }) => WriteError::Locked,
        other if is_disk_full(other) => {
            tracing::error!(error = %other, "the disk is full");
            WriteError::DiskFull
        }
        other => {
            tracing::error!(error = %other, "a write failed");
            WriteError::Failed(other.to_string())
        }
    }
}

/// Whether an error comes down to a full disk (or quota, or file size limit): an I/O error
/// of that kind anywhere in its chain, as itself or as Tantivy shares it (`Arc`).
pub fn is_disk_full(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        let io = error.downcast_ref::<std::io::Error>().or_else(|| {
            error
                .downcast_ref::<std::sync::Arc<std::io::Error>>()
                .map(|arc| &**arc)
        });
        if io.is_some_and(io_is_disk_full) {
            return true;
        }
        match error.downcast_ref::<tantivy::TantivyError>() {
            Some(tantivy::TantivyError::IoError(io)) if io_is_disk_full(io) => return true,
            // Tantivy's indexing threads hand an I/O error on as its text alone: the OS
            // error code it ends with is all that is left of its kind.
            Some(tantivy::TantivyError::InternalError(text))
                if DISK_FULL_CODES
                    .iter()
                    .any(|code| text.contains(&format!("(os error {code})"))) =>
            {
                return true;
            }
            _ => {}
        }
        next = error.source();
    }
    false
}

/// The OS error codes of a full disk, quota or file size limit (EFBIG, ENOSPC, EDQUOT).
const DISK_FULL_CODES: [i32; 3] = [27, 28, 122];

/// Whether an I/O error says the disk (or quota, or file size limit) is full.
pub fn io_is_disk_full(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge
    ) || error
        .raw_os_error()
        .is_some_and(|code| DISK_FULL_CODES.contains(&code))
}

fn io_error(action: &str, path: &Path, error: std::io::Error) -> Failure {
    if io_is_disk_full(&error) {
        tracing::error!(path = %path.display(), %error, "the disk is full");
        WriteError::DiskFull.into()
    } else {
        tracing::error!(path = %path.display(), %error, "cannot {action}");
        WriteError::Failed(format!("cannot {action} {}: {error}", path.display())).into()
    }
}

/// Removes the temporary files of writes a crash interrupted, under the corpus's `api/`.
pub fn remove_leftovers(corpus: &Path) {
    for folder in [RECORDS_FOLDER, FILES_FOLDER] {
        remove_leftovers_in(&corpus.join(folder));
    }
}

fn remove_leftovers_in(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(TEMPORARY_SUFFIX) {
            tracing::warn!(file = %entry.path().display(), "removing an interrupted write");
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Ends the names of files being written; with a leading `.`, the corpus never reads them.
const TEMPORARY_SUFFIX: &str = ".tmp";

/// The file changes made in this commit, to put them back if it fails.
#[derive(Default)]
struct Journal {
    /// Each file changed, with its content before (`None`: it did not exist).
    entries: Vec<(PathBuf, Option<Vec<u8>>)>,
}

impl Journal {
    fn len(&self) -> usize {
        self.entries.len()
    }

    /// Writes `bytes` to the corpus file `rel` durably; whether it existed.
    fn store(&mut self, corpus: &Path, rel: &str, bytes: &[u8]) -> Result<bool, Failure> {
        let path = confined(corpus, rel)?;
        let before = read_previous(&path)?;
        let existed = before.is_some();
        write_durably(&path, bytes).map_err(|e| io_error("write", &path, e))?;
        self.entries.push((path, before));
        Ok(existed)
    }

    /// Removes the corpus file `rel` durably.
    fn remove(&mut self, corpus: &Path, rel: &str) -> Result<(), Failure> {
        let path = confined(corpus, rel)?;
        let before = read_previous(&path)?;
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("remove", &path, e)),
        }
        if let Some(folder) = path.parent() {
            sync_folder(folder).map_err(|e| io_error("sync", folder, e))?;
        }
        self.entries.push((path, before));
        Ok(())
    }

    /// Puts back every file changed after the first `mark` changes, newest first.
    fn undo_to(&mut self, mark: usize) {
        while self.entries.len() > mark {
            let Some((path, before)) = self.entries.pop() else {
                break;
            };
            let result = match &before {
                Some(bytes) => write_durably(&path, bytes),
                None => std::fs::remove_file(&path).and_then(|()| match path.parent() {
                    Some(folder) => sync_folder(folder),
                    None => Ok(()),
                }),
            };
            match result {
                Ok(()) => tracing::info!(file = %path.display(), "write undone"),
                Err(error) => {
                    tracing::error!(file = %path.display(), %error, "cannot undo a write")
                }
            }
        }
    }
}

fn read_previous(path: &Path) -> Result<Option<Vec<u8>>, Failure> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("read", path, e)),
    }
}

/// The path of the corpus file `rel`, its folders created, after checking that it is inside
/// the corpus folder (no `..`, no absolute path, no symbolic link leading out).
fn confined(corpus: &Path, rel: &str) -> Result<PathBuf, Failure> {
    let bad = || {
        tracing::error!(rel, "refusing a path outside the corpus");
        Failure::Change(WriteError::BadName(rel.to_string()))
    };
    let relative = Path::new(rel);
    if rel.contains('\0')
        || !relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        return Err(bad());
    }
    let path = corpus.join(relative);
    let folder = path.parent().ok_or_else(bad)?;
    match create_folders(corpus, relative) {
        Ok(true) => {}
        Ok(false) => return Err(bad()),
        Err(e) => return Err(io_error("create", folder, e)),
    }
    let root = corpus
        .canonicalize()
        .map_err(|e| io_error("open", corpus, e))?;
    let real = folder
        .canonicalize()
        .map_err(|e| io_error("open", folder, e))?;
    if !real.starts_with(&root) {
        return Err(bad());
    }
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(bad());
    }
    Ok(path)
}

/// Creates the folders of `rel` below `corpus`, syncing each parent of a folder created;
/// `false` if one of them is a symbolic link or not a folder (nothing is created through it).
fn create_folders(corpus: &Path, rel: &Path) -> std::io::Result<bool> {
    let mut folder = corpus.to_path_buf();
    let Some(parent) = rel.parent() else {
        return Ok(true);
    };
    for component in parent.components() {
        let next = folder.join(component);
        match std::fs::symlink_metadata(&next) {
            Ok(m) if m.file_type().is_dir() => {}
            Ok(_) => return Ok(false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                match std::fs::create_dir(&next) {
                    Ok(()) => sync_folder(&folder)?,
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
        }
        folder = next;
    }
    Ok(true)
}

/// Writes `bytes` to `path` so that, once this returns, a crash leaves either the old file
/// or the new one, never a part: a hidden temporary file beside it, synced, renamed into
/// place, the folder synced.
fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let folder = path
        .parent()
        .ok_or_else(|| std::io::Error::other("a file path without a folder"))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(
        ".{name}.{}.{}{TEMPORARY_SUFFIX}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        sync_folder(folder)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_corpus() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        for rel in [
            "../x.md",
            "api/../../x.md",
            "/etc/x.md",
            "api/files/a\0b.md",
            "",
        ] {
            assert!(confined(&corpus, rel).is_err(), "{rel:?}");
        }
        let inside = confined(&corpus, "api/files/x.md").unwrap();
        assert!(inside.starts_with(&corpus));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path(), corpus.join("api/out")).unwrap();
            assert!(confined(&corpus, "api/out/x.md").is_err());
        }
    }

    #[test]
    fn durable_writes_replace_whole_files_and_can_be_undone() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path();
        let mut journal = Journal::default();
        assert!(
            !journal
                .store(corpus, "api/records/a.json", b"one")
                .ok()
                .unwrap()
        );
        assert!(
            journal
                .store(corpus, "api/records/a.json", b"two")
                .ok()
                .unwrap()
        );
        journal
            .store(corpus, "api/records/b.json", b"new")
            .ok()
            .unwrap();
        assert_eq!(
            std::fs::read(corpus.join("api/records/a.json")).unwrap(),
            b"two"
        );
        journal.undo_to(1);
        assert_eq!(
            std::fs::read(corpus.join("api/records/a.json")).unwrap(),
            b"one"
        );
        assert!(!corpus.join("api/records/b.json").exists());
        journal.undo_to(0);
        assert!(!corpus.join("api/records/a.json").exists());
        let leftovers: Vec<_> = std::fs::read_dir(corpus.join("api/records"))
            .unwrap()
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn full_disks_are_recognised_through_error_chains() {
        let full = std::io::Error::from_raw_os_error(28);
        assert!(io_is_disk_full(&full));
        let wrapped = SyncError::Index(minga_engine::Error::Io {
            action: "write",
            path: "x".into(),
            source: std::io::Error::from_raw_os_error(28),
        });
        assert!(is_disk_full(&wrapped));
        let shared = SyncError::Index(minga_engine::Error::Tantivy(
            tantivy::TantivyError::IoError(std::sync::Arc::new(std::io::Error::from_raw_os_error(
                28,
            ))),
        ));
        assert!(is_disk_full(&shared));
        let threads = SyncError::Index(minga_engine::Error::Tantivy(
            tantivy::TantivyError::InternalError("'No space left on device (os error 28)'".into()),
        ));
        assert!(is_disk_full(&threads));
        // The words of a message are not a full disk.
        assert!(!is_disk_full(&std::io::Error::other(
            "No space left on device"
        )));
    }
}

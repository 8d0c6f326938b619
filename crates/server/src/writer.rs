//! The writer: the one task that changes the corpus and the index on behalf of the API.
//!
//! Write requests become [`Change`]s queued to a single task (at most
//! [`crate::Limits::pending_writes`] waiting; one more is answered 503 `overloaded`). The
//! task takes every change waiting, holds the index's writer lock for them (a `minga index`
//! run holding it makes them all 503 `index_locked`, with nothing written), and for each:
//!
//! 1. checks it: the file must give documents ([`ApiError::UnreadableDocument`] otherwise)
//!    whose ids no other file uses ([`ApiError::Conflict`]);
//! 2. stores its files under the corpus's `api/` folder durably (written to a hidden
//!    temporary file, synced, renamed into place, the folder synced), or removes them;
//! 3. indexes them.
//!
//! Then it commits once for all of them (a durable commit), makes the commit visible to
//! searches, and only then answers each request. If storing or committing fails (a full
//! disk: 507 `insufficient_storage`), the files of the changes not committed are put back
//! as they were, so the corpus and the index still agree.
//!
//! Because each acknowledged write's file is synced before the commit and the commit is
//! durable, a crash loses no acknowledged write. A crash between storing and committing
//! leaves a stored, unacknowledged file that the next start indexes (`minga serve` syncs the
//! corpus when writes are enabled), and at worst a hidden temporary file that
//! [`spawn`] removes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use minga_core::sync_folder;
use minga_engine::IndexerOptions;
use minga_ingest::Problem;
use minga_pipeline::{FileWriter, SyncError, SyncOptions};
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::error::ApiError;
use crate::state::IndexSlot;

/// The corpus folder that holds what the API stores: `api/records/<id>.json` for records,
/// `api/files/<name>` for uploaded files.
pub const API_FOLDER: &str = "api";
/// Where records are stored, below the corpus.
pub(crate) const RECORDS_FOLDER: &str = "api/records";
/// Where uploaded files are stored, below the corpus.
pub(crate) const FILES_FOLDER: &str = "api/files";

/// Changes the writer takes in one commit at most.
const MAX_CHANGES_PER_COMMIT: usize = 256;
/// Memory of the index writer the API uses (small: a write is a few documents).
const WRITER_MEMORY: usize = 32 << 20;
/// How long a stopping server waits for the writer to finish what it was given.
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

/// A file to store in the corpus, under a path already checked (see [`crate::write`]).
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    /// Path relative to the corpus, `/`-separated, inside [`API_FOLDER`].
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// What a write request asks.
#[derive(Debug)]
pub(crate) enum Change {
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
pub(crate) enum Outcome {
    Written(Written),
    Deleted(Deleted),
}

struct Job {
    change: Change,
    reply: oneshot::Sender<Result<Outcome, ApiError>>,
}

/// The handle requests use to queue changes.
#[derive(Debug, Clone)]
pub(crate) struct Writes {
    sender: mpsc::Sender<Job>,
}

impl Writes {
    /// Queues `change` and waits until it is committed and searchable (or refused).
    pub(crate) async fn submit(&self, change: Change) -> Result<Outcome, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .try_send(Job { change, reply })
            .map_err(|error| match error {
                mpsc::error::TrySendError::Full(_) => ApiError::Overloaded,
                mpsc::error::TrySendError::Closed(_) => {
                    tracing::error!("the writer has stopped");
                    ApiError::Internal
                }
            })?;
        answer.await.map_err(|_| {
            tracing::error!("the writer dropped a change");
            ApiError::Internal
        })?
    }
}

/// The writer task, for waiting until it has finished.
#[derive(Debug)]
pub struct Writer {
    task: JoinHandle<()>,
}

impl Writer {
    /// Waits (a minute at most) for the writer to commit what it was given; it stops once
    /// every request handle is gone, that is once the server has stopped.
    pub async fn stop(self) {
        match tokio::time::timeout(STOP_TIMEOUT, self.task).await {
            Ok(Ok(())) => tracing::info!("writer stopped"),
            Ok(Err(error)) => tracing::error!(%error, "the writer failed"),
            Err(_) => tracing::error!("the writer did not stop in time"),
        }
    }
}

/// What the writer works on.
struct Context {
    corpus: PathBuf,
    index: Arc<IndexSlot>,
}

/// Starts the writer for `corpus` and the index in `index`, with room for `capacity`
/// waiting changes. Removes temporary files a crash may have left under [`API_FOLDER`].
pub(crate) fn spawn(
    corpus: PathBuf,
    index: Arc<IndexSlot>,
    capacity: usize,
) -> Result<(Writes, Writer), ApiError> {
    if !corpus.is_dir() {
        tracing::error!(corpus = %corpus.display(), "the corpus folder is missing: writes cannot be stored");
        return Err(ApiError::Internal);
    }
    for folder in [RECORDS_FOLDER, FILES_FOLDER] {
        remove_leftovers(&corpus.join(folder));
    }
    let (sender, receiver) = mpsc::channel(capacity.max(1));
    let context = Arc::new(Context { corpus, index });
    let task = tokio::spawn(run(receiver, context));
    Ok((Writes { sender }, Writer { task }))
}

/// Removes the temporary files of writes a crash interrupted.
fn remove_leftovers(folder: &Path) {
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

async fn run(mut receiver: mpsc::Receiver<Job>, context: Arc<Context>) {
    while let Some(first) = receiver.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_CHANGES_PER_COMMIT {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let (changes, replies): (Vec<Change>, Vec<_>) =
            jobs.into_iter().map(|j| (j.change, j.reply)).unzip();
        let count = changes.len();
        let context = context.clone();
        let results = tokio::task::spawn_blocking(move || apply(&context, changes))
            .await
            .unwrap_or_else(|error| {
                tracing::error!(%error, "the writer's worker failed");
                (0..count).map(|_| Err(ApiError::Internal)).collect()
            });
        for (reply, result) in replies.into_iter().zip(results) {
            // A client that went away no longer waits for its answer; the write stands.
            let _ = reply.send(result);
        }
    }
}

/// Applies `changes` in one commit; one result per change, in order. Blocks.
fn apply(context: &Context, changes: Vec<Change>) -> Vec<Result<Outcome, ApiError>> {
    let started = Instant::now();
    let count = changes.len();
    let options = SyncOptions {
        writer: IndexerOptions {
            memory: WRITER_MEMORY,
            threads: Some(1),
            ..IndexerOptions::default()
        },
        ..SyncOptions::default()
    };
    let all = |error: ApiError| (0..count).map(|_| Err(error.clone())).collect();
    let mut writer = match FileWriter::open(&context.corpus, context.index.dir(), &options) {
        Ok(writer) => writer,
        Err(error) => return all(sync_error(&error)),
    };
    let mut journal = Journal::default();
    let mut results = Vec::with_capacity(count);
    for change in changes {
        let mark = journal.len();
        let result = match change {
            Change::Put(uploads) => put(&mut writer, &context.corpus, uploads, &mut journal),
            Change::Delete(id) => delete(&mut writer, &context.corpus, &id, &mut journal),
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
    if let Err(error) = context.index.reload() {
        tracing::error!(%error, "cannot reload the index after a write");
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
    Change(ApiError),
    Batch(ApiError),
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Failure {
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
            return Err(ApiError::UnreadableDocument(format!(
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
        for document in &outcome.documents {
            let owner = ids
                .get(&document.id)
                .map(String::as_str)
                .or_else(|| writer.owner(&document.id));
            if let Some(owner) = owner.filter(|&owner| owner != upload.rel) {
                return Err(ApiError::Conflict(format!(
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
    let rel = if crate::write::is_record_id(id) && corpus.join(&record).is_file() {
        record
    } else {
        match writer.owner(id) {
            Some(owner) if owner.starts_with(&format!("{API_FOLDER}/")) => owner.to_string(),
            Some(owner) => {
                return Err(ApiError::Conflict(format!(
                    "the document {id:?} comes from the corpus file {owner}, not from the API: \
                     edit or remove that file and run `minga index`"
                ))
                .into());
            }
            None => {
                return Err(ApiError::NotFound(format!("no document has the id {id:?}")).into());
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

/// The error a failed sync step is answered with; the details go to the log.
fn sync_error(error: &SyncError) -> ApiError {
    match error {
        SyncError::Index(minga_engine::Error::Locked { .. }) => ApiError::IndexLocked,
        other if is_disk_full(other) => {
            tracing::error!(error = %other, "the disk is full");
            ApiError::InsufficientStorage
        }
        other => {
            tracing::error!(error = %other, "a write failed");
            ApiError::Internal
        }
    }
}

/// Whether an error comes down to a full disk (or quota, or file size limit).
fn is_disk_full(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && io_is_disk_full(io)
        {
            return true;
        }
        let text = error.to_string();
        if text.contains("No space left on device")
            || text.contains("os error 28")
            || text.contains("Disk quota exceeded")
            || text.contains("File too large")
        {
            return true;
        }
        next = error.source();
    }
    false
}

pub(crate) fn io_is_disk_full(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge
    ) || matches!(error.raw_os_error(), Some(27 | 28 | 122))
}

fn io_error(action: &str, path: &Path, error: std::io::Error) -> Failure {
    if io_is_disk_full(&error) {
        tracing::error!(path = %path.display(), %error, "the disk is full");
        ApiError::InsufficientStorage.into()
    } else {
        tracing::error!(path = %path.display(), %error, "cannot {action}");
        ApiError::Internal.into()
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
        Failure::Change(ApiError::BadParameter(format!("invalid file name {rel:?}")))
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
        assert!(!is_disk_full(&std::io::Error::other("nope")));
    }
}

//! The writer: the one task that changes the corpus and the index on behalf of the API.
//!
//! Write requests become [`Change`]s queued to a single task (at most
//! [`crate::Limits::pending_writes`] waiting; one more is answered 503 `overloaded`). The
//! task takes every change waiting and hands them to [`minga_pipeline::apply`], which
//! checks, stores and indexes each, all or none, and commits them together (see there for
//! what a crash or a full disk leaves); then it makes the commit visible to searches, and
//! only then answers each request, its [`WriteError`] turned into the API's error.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use minga_pipeline::{Change, Outcome, WriteError};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::error::ApiError;
use crate::state::IndexSlot;

/// Changes the writer takes in one commit at most.
const MAX_CHANGES_PER_COMMIT: usize = 256;
/// How long a stopping server waits for the writer to finish what it was given.
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

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
    minga_pipeline::remove_leftovers(&corpus);
    let (sender, receiver) = mpsc::channel(capacity.max(1));
    let context = Arc::new(Context { corpus, index });
    let task = tokio::spawn(run(receiver, context));
    Ok((Writes { sender }, Writer { task }))
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
        let results = tokio::task::spawn_blocking(move || {
            let results = minga_pipeline::apply_with(
                &context.corpus,
                context.index.dir(),
                changes,
                context.index.model(),
            );
            // Answered once searchable: the commit made visible first.
            if let Err(error) = context.index.reload() {
                tracing::error!(%error, "cannot reload the index after a write");
            }
            results
                .into_iter()
                .map(|result| result.map_err(api_error))
                .collect::<Vec<_>>()
        })
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

/// The API's answer to a change that was not made.
fn api_error(error: WriteError) -> ApiError {
    match error {
        WriteError::Unreadable(message) => ApiError::UnreadableDocument(message),
        WriteError::Conflict(message) => ApiError::Conflict(message),
        WriteError::NotFound(message) => ApiError::NotFound(message),
        WriteError::BadName(name) => ApiError::BadParameter(format!("invalid file name {name:?}")),
        WriteError::DiskFull => ApiError::InsufficientStorage,
        WriteError::Locked => ApiError::IndexLocked,
        // Logged where it happened; the client is told no more.
        WriteError::Failed(_) => ApiError::Internal,
    }
}

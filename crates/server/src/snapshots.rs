//! `POST /api/snapshots`: a backup of the corpus and the index, taken while the server goes
//! on answering and writing (see `minga_pipeline::snapshot`), into a new folder under the
//! server's snapshot folder. Behind the API key, one at a time.

use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minga_pipeline::SnapshotError;
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

/// Where snapshots go, and the corpus they copy with the index.
#[derive(Debug)]
pub(crate) struct Snapshots {
    pub(crate) corpus: PathBuf,
    pub(crate) folder: PathBuf,
    /// Held while a snapshot is taken: a second one meanwhile is refused, not queued.
    pub(crate) busy: tokio::sync::Mutex<()>,
}

/// `POST /api/snapshots`.
pub async fn create(State(state): State<AppState>) -> Result<Response, ApiError> {
    let snapshots: Arc<Snapshots> = state.snapshots()?;
    let index = state.index_dir().to_path_buf();
    let _busy = snapshots
        .busy
        .try_lock()
        .map_err(|_| ApiError::Overloaded)?;
    let name = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "minga-[year][month][day]T[hour][minute][second].[subsecond digits:3]Z"
        ))
        .map_err(|_| ApiError::Internal)?;
    let to = snapshots.folder.join(&name);
    let corpus = snapshots.corpus.clone();
    let taken = tokio::task::spawn_blocking(move || minga_pipeline::snapshot(&corpus, &index, &to))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(|e| match e {
            SnapshotError::Io { ref source, .. } if minga_pipeline::io_is_disk_full(source) => {
                ApiError::InsufficientStorage
            }
            e => {
                tracing::error!(error = %e, "snapshot failed");
                ApiError::Internal
            }
        })?;
    tracing::info!(snapshot = %name, files = taken.index_files + taken.corpus_files, "snapshot taken");
    let mut body = serde_json::to_value(taken).map_err(|_| ApiError::Internal)?;
    body["snapshot"] = json!(snapshots.folder.join(&name).display().to_string());
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

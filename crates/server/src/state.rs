//! What every handler shares: the index being served, the search permits, who may do what,
//! and the writer.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use minga_engine::{Engine, Error as EngineError};
use tokio::sync::Semaphore;

use crate::config::{Access, Limits};
use crate::error::ApiError;
use crate::writer::{Writer, Writes};

/// The state behind [`crate::app`]: cheap to clone, shared by every request.
#[derive(Debug, Clone)]
pub struct AppState {
    index: Arc<IndexSlot>,
    searches: Arc<Semaphore>,
    limits: Limits,
    access: Arc<Access>,
    writes: Option<Writes>,
    snapshots: Option<Arc<crate::snapshots::Snapshots>>,
}

impl AppState {
    /// Serves an engine already open.
    pub fn new(mut engine: Engine, limits: Limits) -> AppState {
        let dir = engine.dir().to_path_buf();
        engine.remember_answers(limits.answer_cache_bytes);
        AppState::with_slot(
            IndexSlot {
                dir,
                engine: RwLock::new(Some(Arc::new(engine))),
                answer_cache_bytes: limits.answer_cache_bytes,
                model: None,
            },
            limits,
        )
    }

    /// Serves the index in `dir`, opening it now if it is there and as soon as it appears
    /// if it is not (until then, searches are answered 503 `index_unavailable`). An index
    /// that is there but cannot be used is an error. Blocks: call it off the async threads.
    pub fn open(dir: &Path, limits: Limits) -> Result<AppState, EngineError> {
        AppState::open_with(dir, limits, None)
    }

    /// [`AppState::open`], re-ranking by meaning with `model` when one is given.
    pub fn open_with(
        dir: &Path,
        limits: Limits,
        model: Option<Arc<minga_semantic::Model>>,
    ) -> Result<AppState, EngineError> {
        let engine = match Engine::open(dir) {
            Ok(engine) => {
                let mut engine = engine.with_model(model.clone());
                engine.remember_answers(limits.answer_cache_bytes);
                Some(Arc::new(engine))
            }
            Err(EngineError::MissingIndex { .. }) => {
                tracing::warn!(index = %dir.display(), "no index yet; waiting for `minga index`");
                None
            }
            Err(e) => return Err(e),
        };
        Ok(AppState::with_slot(
            IndexSlot {
                dir: dir.to_path_buf(),
                engine: RwLock::new(engine),
                answer_cache_bytes: limits.answer_cache_bytes,
                model,
            },
            limits,
        ))
    }

    fn with_slot(slot: IndexSlot, limits: Limits) -> AppState {
        AppState {
            index: Arc::new(slot),
            searches: Arc::new(Semaphore::new(limits.max_searches)),
            limits,
            access: Arc::new(Access::default()),
            writes: None,
            snapshots: None,
        }
    }

    /// The same state with these access rules. With an API key, writes are accepted and
    /// stored under `corpus`'s `api/` folder: this starts the writer task (call it inside a
    /// Tokio runtime), which [`Writer::stop`] waits for once the server is done.
    pub fn with_access(
        mut self,
        access: Access,
        corpus: &Path,
    ) -> Result<(AppState, Option<Writer>), ApiError> {
        let writer = match access.api_key {
            Some(_) => {
                let (writes, writer) = crate::writer::spawn(
                    corpus.to_path_buf(),
                    self.index.clone(),
                    self.limits.pending_writes,
                )?;
                self.writes = Some(writes);
                Some(writer)
            }
            None => None,
        };
        self.access = Arc::new(access);
        Ok((self, writer))
    }

    /// The same state taking snapshots of `corpus` and the index into new folders under
    /// `folder` (`POST /api/snapshots`, behind the key).
    pub fn with_snapshots(mut self, corpus: &Path, folder: &Path) -> AppState {
        self.snapshots = Some(Arc::new(crate::snapshots::Snapshots {
            corpus: corpus.to_path_buf(),
            folder: folder.to_path_buf(),
            busy: tokio::sync::Mutex::new(()),
        }));
        self
    }

    /// Where snapshots go; without an API key there are none.
    pub(crate) fn snapshots(&self) -> Result<Arc<crate::snapshots::Snapshots>, ApiError> {
        self.snapshots.clone().ok_or(ApiError::WritesDisabled)
    }

    /// The folder of the index served.
    pub(crate) fn index_dir(&self) -> &Path {
        self.index.dir()
    }

    /// The limits requests are held to.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Who may read and write.
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// The writer, when writes are enabled.
    pub(crate) fn writes(&self) -> Result<&Writes, ApiError> {
        self.writes.as_ref().ok_or(ApiError::WritesDisabled)
    }

    /// Runs `work` on the engine in a blocking thread, holding a search permit for as long
    /// as it runs (even past a timeout). With every permit taken, it fails at once with
    /// [`ApiError::Overloaded`] rather than queueing.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, EngineError> + Send + 'static,
    {
        let permit = self
            .searches
            .clone()
            .try_acquire_owned()
            .map_err(|_| ApiError::Overloaded)?;
        self.run_unlimited(move |engine| {
            let _permit = permit;
            work(engine)
        })
        .await
    }

    /// [`AppState::run`] without taking a permit, for health checks.
    pub(crate) async fn run_unlimited<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, EngineError> + Send + 'static,
    {
        let index = self.index.clone();
        let result = tokio::task::spawn_blocking(move || {
            let engine = index.engine()?;
            work(&engine)
        })
        .await?;
        Ok(result?)
    }
}

/// The engine of one index folder, opened once it exists.
#[derive(Debug)]
pub(crate) struct IndexSlot {
    dir: PathBuf,
    engine: RwLock<Option<Arc<Engine>>>,
    /// Memory for the engine's remembered answers, given when it is opened.
    answer_cache_bytes: usize,
    /// The model the engine re-ranks with, given when it is opened.
    model: Option<Arc<minga_semantic::Model>>,
}

impl IndexSlot {
    /// The model passages written through the API are embedded with, if any.
    pub(crate) fn model(&self) -> Option<Arc<minga_semantic::Model>> {
        self.model.clone()
    }

    /// The index folder.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Makes the latest commit visible to searches now (opening the index if it was not
    /// open yet). Blocks.
    pub(crate) fn reload(&self) -> Result<(), EngineError> {
        let open = self.engine.read().ok().and_then(|e| e.clone());
        match open {
            Some(engine) => engine.reload(),
            None => self.engine().map(|_| ()),
        }
    }

    /// The open engine, opening it first if the index has appeared since. Blocks.
    pub(crate) fn engine(&self) -> Result<Arc<Engine>, EngineError> {
        if let Some(engine) = self.engine.read().ok().and_then(|e| e.clone()) {
            return Ok(engine);
        }
        let mut engine = Engine::open(&self.dir)?.with_model(self.model.clone());
        engine.remember_answers(self.answer_cache_bytes);
        let engine = Arc::new(engine);
        tracing::info!(index = %self.dir.display(), "index opened");
        if let Ok(mut slot) = self.engine.write() {
            if let Some(existing) = slot.as_ref() {
                return Ok(existing.clone());
            }
            *slot = Some(engine.clone());
        }
        Ok(engine)
    }
}

//! Minga's HTTP layer: the JSON API (`/api/search`, `/api/documents/{id}`, `/api/facets`,
//! `/api/stats`), briefs to download (`/api/brief`), the write API (`POST /api/documents`,
//! `DELETE /api/documents/{id}`, behind an API key), backups (`POST /api/snapshots`, behind
//! the key too), health checks, the OpenAPI description
//! and the search page, on axum.
//!
//! It is a thin layer over [`minga_engine`] (and [`minga_brief`] for rendering briefs): it
//! turns requests into engine requests, runs them in blocking threads under a limit of
//! searches at once, and turns the answers and the errors into JSON. It owns no search
//! logic. The index it serves is updated by `minga index` (the engine picks up new commits
//! by itself) and, when writes are enabled, by its one writer task, which stores what the
//! API is sent in the corpus folder and indexes it through [`minga_pipeline`].
//!
//! ```no_run
//! # async fn example() -> Result<(), minga_server::Error> {
//! let config = minga_server::Config {
//!     addr: "127.0.0.1:7878".parse().expect("a valid address"),
//!     index_dir: "index".into(),
//!     corpus_dir: "corpus".into(),
//!     snapshot_dir: "snapshots".into(),
//!     limits: minga_server::Limits::default(),
//!     access: minga_server::Access::default(),
//!     model: None,
//! };
//! let server = minga_server::Server::bind(config).await?;
//! println!("serving http://{}/", server.local_addr());
//! server.run(async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```

mod api;
mod assets;
mod auth;
mod brief;
mod config;
mod error;
mod limits;
mod openapi;
mod params;
mod server;
mod snapshots;
mod state;
mod write;
mod writer;

pub use assets::CONTENT_SECURITY_POLICY;
pub use auth::{ApiKey, MIN_API_KEY_BYTES};
pub use brief::{BRIEF_PARAMETERS, BriefParams};
pub use config::{
    Access, Config, DEFAULT_ANSWER_CACHE_BYTES, DEFAULT_BODY_LIMIT, DEFAULT_HEADER_TIMEOUT,
    DEFAULT_MAX_BATCH_RECORDS, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_FACETS,
    DEFAULT_MAX_FILTER_VALUES, DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_PENDING_WRITES,
    DEFAULT_MAX_QUERY_BYTES, DEFAULT_MAX_QUERY_STRING_BYTES, DEFAULT_MAX_SEARCHES,
    DEFAULT_REQUEST_TIMEOUT, DEFAULT_SHUTDOWN_GRACE, DEFAULT_UPLOAD_LIMIT, Limits,
    RETRY_AFTER_SECONDS,
};
pub use error::{ApiError, Error};
pub use minga_pipeline::{API_FOLDER, Deleted, Stored, Written};
pub use openapi::OPENAPI_JSON;
pub use params::{FacetList, PARAMETERS, SearchParams};
pub use server::{DEFAULT_CONTENT_SECURITY_POLICY, Server, app};
pub use state::AppState;
pub use write::{MAX_FILE_NAME_BYTES, MAX_RECORD_ID_BYTES, is_record_id, upload_name};
pub use writer::Writer;

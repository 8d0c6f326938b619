//! Minga's HTTP layer: the JSON API (`/api/search`, `/api/documents/{id}`, `/api/facets`,
//! `/api/stats`), briefs to download (`/api/brief`), health checks, the OpenAPI description
//! and the search page, on axum.
//!
//! It is a thin layer over [`minga_engine`] (and [`minga_brief`] for rendering briefs): it
//! turns requests into engine requests, runs them in blocking threads under a limit of
//! searches at once, and turns the answers and the errors into JSON. It owns no search logic, reads no corpus and writes no index; the index
//! it serves is updated by `minga index`, and the engine picks up new commits by itself.
//!
//! ```no_run
//! # async fn example() -> Result<(), minga_server::Error> {
//! let config = minga_server::Config {
//!     addr: "127.0.0.1:7878".parse().expect("a valid address"),
//!     index_dir: "index".into(),
//!     corpus_dir: "corpus".into(),
//!     limits: minga_server::Limits::default(),
//! };
//! let server = minga_server::Server::bind(config).await?;
//! println!("serving http://{}/", server.local_addr());
//! server.run(async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```

mod api;
mod assets;
mod brief;
mod config;
mod error;
mod openapi;
mod params;
mod server;
mod state;

pub use assets::CONTENT_SECURITY_POLICY;
pub use brief::{BRIEF_PARAMETERS, BriefParams};
pub use config::{
    Config, DEFAULT_BODY_LIMIT, DEFAULT_MAX_SEARCHES, DEFAULT_REQUEST_TIMEOUT, Limits,
    RETRY_AFTER_SECONDS,
};
pub use error::{ApiError, Error};
pub use openapi::OPENAPI_JSON;
pub use params::{FacetList, PARAMETERS, SearchParams};
pub use server::{Server, app};
pub use state::AppState;

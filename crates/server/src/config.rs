//! What a server is started with: where to listen, which index to serve, and its limits.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Largest request body accepted unless configured otherwise: 1 MiB (a search body is a few
/// hundred bytes).
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;
/// Searches that may run at once unless configured otherwise; one more is answered 503 with
/// `Retry-After` at once rather than queued.
pub const DEFAULT_MAX_SEARCHES: usize = 64;
/// Time a request may take unless configured otherwise; then it is answered 503 `timeout`.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Seconds a client is told to wait (`Retry-After`) when the server is overloaded or has no
/// index yet.
pub const RETRY_AFTER_SECONDS: u64 = 1;

/// How much a request may ask of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Time a request may take before it is answered 503 `timeout`
    /// ([`DEFAULT_REQUEST_TIMEOUT`]).
    pub request_timeout: Duration,
    /// Largest request body, in bytes; larger ones are answered 413 ([`DEFAULT_BODY_LIMIT`]).
    pub body_bytes: usize,
    /// Engine calls (searches, documents, facets, stats) running at once; more are answered
    /// 503 `overloaded` ([`DEFAULT_MAX_SEARCHES`]). Zero refuses every search.
    pub max_searches: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            body_bytes: DEFAULT_BODY_LIMIT,
            max_searches: DEFAULT_MAX_SEARCHES,
        }
    }
}

/// Everything [`crate::Server::bind`] needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port ([`crate::Server::local_addr`] tells
    /// which).
    pub addr: SocketAddr,
    /// The index to serve. A missing index is not fatal: the server answers 503
    /// `index_unavailable` until one is built there.
    pub index_dir: PathBuf,
    /// The corpus the index was built from (logged at start).
    pub corpus_dir: PathBuf,
    pub limits: Limits,
}

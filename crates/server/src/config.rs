//! What a server is started with: where to listen, which index and corpus, its limits, and
//! who may read and write.
//!
//! Every limit is a named constant here, the default of a field of [`Limits`] and of a flag
//! of `minga serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::auth::ApiKey;

/// Largest request body accepted by the read endpoints unless configured otherwise: 1 MiB (a
/// search body is a few hundred bytes).
pub const DEFAULT_BODY_LIMIT: usize = 1 << 20;
/// Largest body `POST /api/documents` accepts unless configured otherwise: 32 MiB.
pub const DEFAULT_UPLOAD_LIMIT: usize = 32 << 20;
/// Searches that may run at once unless configured otherwise; one more is answered 503 with
/// `Retry-After` at once rather than queued.
pub const DEFAULT_MAX_SEARCHES: usize = 64;
/// Time a request may take unless configured otherwise; then it is answered 503 `timeout`.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest query (`q`) accepted unless configured otherwise, in bytes: the engine's own
/// ceiling, [`minga_engine::query::MAX_QUERY_BYTES`]. A lower limit may be configured, not a
/// higher one.
pub const DEFAULT_MAX_QUERY_BYTES: usize = minga_engine::query::MAX_QUERY_BYTES;
/// Longest query string (what follows `?`) unless configured otherwise, in bytes; longer
/// ones are answered 414.
pub const DEFAULT_MAX_QUERY_STRING_BYTES: usize = 16 << 10;
/// Filter values (regions, institutions, kinds, languages, topics and years together) one
/// search may carry unless configured otherwise.
pub const DEFAULT_MAX_FILTER_VALUES: usize = 64;
/// Names the `facets` parameter may list (repeats included) unless configured otherwise;
/// there are seven facets.
pub const DEFAULT_MAX_FACETS: usize = 16;
/// Deepest nesting of arrays and objects in a JSON body unless configured otherwise.
pub const DEFAULT_MAX_JSON_DEPTH: usize = 32;
/// Records one JSON Lines batch may hold unless configured otherwise.
pub const DEFAULT_MAX_BATCH_RECORDS: usize = 1000;
/// Writes that may wait for the writer unless configured otherwise; one more is answered 503
/// `overloaded`.
pub const DEFAULT_MAX_PENDING_WRITES: usize = 64;
/// Time a client has to send a request's headers, and a kept-alive connection may sit idle
/// between requests, unless configured otherwise; then the connection is closed.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections open at once unless configured otherwise; more wait to be accepted.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Time requests in flight get to finish after a shutdown signal unless configured
/// otherwise; connections still open then are closed.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Memory for remembered answers unless configured otherwise: some thousands of pages of
/// results.
pub const DEFAULT_ANSWER_CACHE_BYTES: usize = 64 << 20;
/// Largest request head (request line and headers) a connection reads: room for a URL of a
/// megabyte, so that a long one is answered 414 (the HTTP layer's own answer, with no body,
/// above 64 KiB, the most it can parse; Minga's JSON one below). A longer head is answered
/// 431, with no body.
pub const MAX_REQUEST_HEAD_BYTES: usize = (1 << 20) + (64 << 10);
/// Seconds a client is told to wait (`Retry-After`) when the server is overloaded, has no
/// index yet, or another process holds the index.
pub const RETRY_AFTER_SECONDS: u64 = 1;

/// How much a request may ask of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Time a request may take before it is answered 503 `timeout`
    /// ([`DEFAULT_REQUEST_TIMEOUT`]). A write that times out is still carried out.
    pub request_timeout: Duration,
    /// Largest body of the read endpoints, in bytes; larger ones are answered 413
    /// ([`DEFAULT_BODY_LIMIT`]).
    pub body_bytes: usize,
    /// Largest body of `POST /api/documents`, in bytes ([`DEFAULT_UPLOAD_LIMIT`]).
    pub upload_bytes: usize,
    /// Engine calls (searches, documents, facets, stats) running at once; more are answered
    /// 503 `overloaded` ([`DEFAULT_MAX_SEARCHES`]). Zero refuses every search.
    pub max_searches: usize,
    /// Longest query, in bytes; longer ones are answered 400 `bad_query`
    /// ([`DEFAULT_MAX_QUERY_BYTES`], which is also the most it can be).
    pub query_bytes: usize,
    /// Longest query string, in bytes; longer ones are answered 414 `uri_too_long`
    /// ([`DEFAULT_MAX_QUERY_STRING_BYTES`]).
    pub query_string_bytes: usize,
    /// Filter values one search may carry; more are answered 400 `bad_parameter`
    /// ([`DEFAULT_MAX_FILTER_VALUES`]).
    pub filter_values: usize,
    /// Names the `facets` parameter may list; more are answered 400 `bad_parameter`
    /// ([`DEFAULT_MAX_FACETS`]).
    pub facet_names: usize,
    /// Deepest nesting in a JSON body; deeper ones are answered 400 `bad_json`
    /// ([`DEFAULT_MAX_JSON_DEPTH`]).
    pub json_depth: usize,
    /// Records one JSON Lines batch may hold ([`DEFAULT_MAX_BATCH_RECORDS`]).
    pub batch_records: usize,
    /// Writes waiting for the writer; more are answered 503 `overloaded`
    /// ([`DEFAULT_MAX_PENDING_WRITES`]).
    pub pending_writes: usize,
    /// Time a client has to send a request's headers, and a kept-alive connection may sit
    /// idle between requests; then the connection is closed ([`DEFAULT_HEADER_TIMEOUT`]).
    pub header_timeout: Duration,
    /// Connections open at once; more wait to be accepted ([`DEFAULT_MAX_CONNECTIONS`]).
    pub max_connections: usize,
    /// Time requests in flight get to finish after a shutdown signal; connections still
    /// open then are closed ([`DEFAULT_SHUTDOWN_GRACE`]).
    pub shutdown_grace: Duration,
    /// Memory for remembered answers, in bytes: a search asked again while the index has not
    /// changed is answered from memory ([`DEFAULT_ANSWER_CACHE_BYTES`]; 0: none).
    pub answer_cache_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            body_bytes: DEFAULT_BODY_LIMIT,
            upload_bytes: DEFAULT_UPLOAD_LIMIT,
            max_searches: DEFAULT_MAX_SEARCHES,
            query_bytes: DEFAULT_MAX_QUERY_BYTES,
            query_string_bytes: DEFAULT_MAX_QUERY_STRING_BYTES,
            filter_values: DEFAULT_MAX_FILTER_VALUES,
            facet_names: DEFAULT_MAX_FACETS,
            json_depth: DEFAULT_MAX_JSON_DEPTH,
            batch_records: DEFAULT_MAX_BATCH_RECORDS,
            pending_writes: DEFAULT_MAX_PENDING_WRITES,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            answer_cache_bytes: DEFAULT_ANSWER_CACHE_BYTES,
        }
    }
}

/// Who may do what. The default: anyone may read, nobody may write, no cross-origin access.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// The key that `Authorization: Bearer` must carry to write (and, with `protect_reads`,
    /// to read). Without one, the write endpoints answer 403 `writes_disabled`.
    pub api_key: Option<ApiKey>,
    /// Put the read endpoints under `/api` behind the key too (the page, its assets, the
    /// health checks and `/openapi.json` stay open).
    pub protect_reads: bool,
    /// Origins allowed to call the API from a browser (CORS); none by default, when no CORS
    /// header is ever sent.
    pub cors_origins: Vec<String>,
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
    /// The corpus the index is built from; writes are stored under its `api/` folder.
    pub corpus_dir: PathBuf,
    /// Where `POST /api/snapshots` puts its copies (with an API key).
    pub snapshot_dir: PathBuf,
    pub limits: Limits,
    pub access: Access,
    /// The embedding model that re-ranks results by meaning (for an index embedded with it);
    /// `None`: lexical ranking only.
    pub model: Option<std::sync::Arc<minga_semantic::Model>>,
}

//! `minga serve`: the web page and JSON API, on an index built first if there is none.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use minga_engine::{Engine, Error as EngineError};
use minga_pipeline::SyncError;
use minga_server::{Access, ApiKey, Limits};

use super::{CorpusDir, IndexDir, index};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub index: IndexDir,
    #[command(flatten)]
    pub corpus: CorpusDir,
    /// Re-rank by meaning with this model; an index built or brought up to date here embeds
    /// its passages with it.
    #[command(flatten)]
    pub model: super::ModelFile,
    /// Address to listen on; loopback unless you mean to share it.
    #[arg(long, env = "MINGA_ADDR", default_value = "127.0.0.1:7878")]
    pub addr: SocketAddr,
    /// Seconds a request may take before it is answered 503 (fractions allowed).
    #[arg(long, env = "MINGA_REQUEST_TIMEOUT", default_value_t = minga_server::DEFAULT_REQUEST_TIMEOUT.as_secs_f64(), value_name = "SECONDS")]
    pub request_timeout: f64,
    /// Largest body of the read endpoints (POST /api/search), in bytes.
    #[arg(long, env = "MINGA_MAX_BODY", default_value_t = minga_server::DEFAULT_BODY_LIMIT, value_name = "BYTES")]
    pub max_body: usize,
    /// Largest body of POST /api/documents (a record, a batch or a file), in bytes.
    #[arg(long, env = "MINGA_MAX_UPLOAD", default_value_t = minga_server::DEFAULT_UPLOAD_LIMIT, value_name = "BYTES")]
    pub max_upload: usize,
    /// Searches run at once; more are answered 503 with Retry-After.
    #[arg(long, env = "MINGA_MAX_SEARCHES", default_value_t = minga_server::DEFAULT_MAX_SEARCHES)]
    pub max_searches: usize,
    /// Longest query (q), in bytes; 4096 at most.
    #[arg(long, env = "MINGA_MAX_QUERY_BYTES", default_value_t = minga_server::DEFAULT_MAX_QUERY_BYTES, value_name = "BYTES")]
    pub max_query_bytes: usize,
    /// Longest query string (after `?`), in bytes; longer ones are answered 414.
    #[arg(long, env = "MINGA_MAX_QUERY_STRING", default_value_t = minga_server::DEFAULT_MAX_QUERY_STRING_BYTES, value_name = "BYTES")]
    pub max_query_string: usize,
    /// Filter values (region, institution, kind, lang, topic, year) one search may carry.
    #[arg(long, env = "MINGA_MAX_FILTERS", default_value_t = minga_server::DEFAULT_MAX_FILTER_VALUES)]
    pub max_filters: usize,
    /// Names the `facets` parameter may list.
    #[arg(long, env = "MINGA_MAX_FACETS", default_value_t = minga_server::DEFAULT_MAX_FACETS)]
    pub max_facets: usize,
    /// Deepest nesting of arrays and objects in a JSON body.
    #[arg(long, env = "MINGA_MAX_JSON_DEPTH", default_value_t = minga_server::DEFAULT_MAX_JSON_DEPTH)]
    pub max_json_depth: usize,
    /// Records one JSON Lines batch may hold.
    #[arg(long, env = "MINGA_MAX_BATCH", default_value_t = minga_server::DEFAULT_MAX_BATCH_RECORDS)]
    pub max_batch: usize,
    /// Writes that may wait for the writer; more are answered 503 with Retry-After.
    #[arg(long, env = "MINGA_MAX_PENDING_WRITES", default_value_t = minga_server::DEFAULT_MAX_PENDING_WRITES)]
    pub max_pending_writes: usize,
    /// Seconds a client has to send a request's headers, and a kept-alive connection may sit
    /// idle between requests, before the connection is closed.
    #[arg(long, env = "MINGA_HEADER_TIMEOUT", default_value_t = minga_server::DEFAULT_HEADER_TIMEOUT.as_secs_f64(), value_name = "SECONDS")]
    pub header_timeout: f64,
    /// Connections open at once; more wait to be accepted.
    #[arg(long, env = "MINGA_MAX_CONNECTIONS", default_value_t = minga_server::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Seconds requests in flight get to finish after SIGTERM or Ctrl-C; connections still
    /// open then are closed.
    #[arg(long, env = "MINGA_SHUTDOWN_GRACE", default_value_t = minga_server::DEFAULT_SHUTDOWN_GRACE.as_secs_f64(), value_name = "SECONDS")]
    pub shutdown_grace: f64,
    /// Memory for remembered answers and rankings, in MiB: a search asked again while the
    /// index has not changed is answered from memory, another page of it costs only its hits;
    /// any commit forgets them. 0 turns it off.
    #[arg(long, env = "MINGA_ANSWER_CACHE_MB", default_value_t = minga_server::DEFAULT_ANSWER_CACHE_BYTES >> 20, value_name = "MIB")]
    pub answer_cache_mb: usize,
    /// A file holding the API key that enables the write API (POST and DELETE
    /// /api/documents); or set MINGA_API_KEY. Without a key, writes are refused.
    #[arg(long, env = "MINGA_API_KEY_FILE", value_name = "FILE")]
    pub api_key_file: Option<PathBuf>,
    /// Where POST /api/snapshots (with the API key) puts its backups: a new folder each,
    /// `minga-<UTC time>`, holding `index` and `corpus`. Not inside the corpus or the index.
    #[arg(
        long,
        env = "MINGA_SNAPSHOT_DIR",
        default_value = "snapshots",
        value_name = "DIR"
    )]
    pub snapshot_dir: PathBuf,
    /// Put the read endpoints under /api behind the API key too.
    #[arg(long, env = "MINGA_PROTECT_READS")]
    pub protect_reads: bool,
    /// An origin allowed to call the API from a browser (CORS), such as
    /// https://intranet.example.org, or `*`; repeatable. None by default: no CORS.
    #[arg(
        long = "cors-origin",
        env = "MINGA_CORS_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub cors_origins: Vec<String>,
}

/// The variable that may hold the API key (a flag would show it to `ps`).
const API_KEY_VAR: &str = "MINGA_API_KEY";

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let access = access(&args)?;
    let limits = limits(&args)?;
    let writes = access.api_key.is_some();
    let model = args.model.load()?;
    match &args.model.path {
        Some(path) => eprintln!("Semantic re-ranking: on ({}).", path.display()),
        None => eprintln!("Semantic re-ranking: off (no --model; lexical ranking only)."),
    }
    // Every file of the index is read once before serving it: damage is found now, not by
    // the search that trips on it.
    let opened = Engine::open(&args.index.dir).and_then(|engine| engine.verify().map(|_| engine));
    match opened {
        Ok(_) if writes => catch_up(&args, &model)?,
        Ok(engine) => {
            if model.is_some() {
                super::warn_without_vectors(&engine);
            }
        }
        // The index is built from the corpus alone (writes are stored there too): a missing
        // one is built, and one written by another version of Minga, or damaged, rebuilt (the
        // damaged one kept aside), not refused.
        Err(
            e @ (EngineError::MissingIndex { .. }
            | EngineError::IncompatibleIndex { .. }
            | EngineError::Damaged { .. }),
        ) => {
            let rebuild = !matches!(e, EngineError::MissingIndex { .. });
            if rebuild {
                eprintln!(
                    "{e}.\nRebuilding it from {} first.",
                    args.corpus.dir.display()
                );
            } else {
                eprintln!(
                    "No index at {}; building it from {} first.",
                    args.index.dir.display(),
                    args.corpus.dir.display()
                );
            }
            let summary = index::index(
                &args.corpus.dir,
                &args.index.dir,
                rebuild,
                true,
                model.clone(),
            )?;
            eprint!(
                "{}",
                index::report(&args.corpus.dir, &args.index.dir, &summary)
            );
        }
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot open the index at {}", args.index.dir.display()));
        }
    }
    let config = minga_server::Config {
        addr: args.addr,
        index_dir: args.index.dir.clone(),
        corpus_dir: args.corpus.dir.clone(),
        snapshot_dir: args.snapshot_dir.clone(),
        limits,
        access,
        model,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let server = minga_server::Server::bind(config).await?;
        // Tests and scripts read this line to learn the port when asked for port 0.
        println!("Minga is serving http://{}/", server.local_addr());
        server.run(shutdown_signal()).await
    })?;
    Ok(ExitCode::SUCCESS)
}

/// With writes enabled, brings the index in step with the corpus before serving, so that a
/// write stored but not committed when the server last stopped (a crash) is indexed. A
/// `minga index` running meanwhile does the same: then this is skipped.
fn catch_up(
    args: &Args,
    model: &Option<std::sync::Arc<minga_semantic::Model>>,
) -> anyhow::Result<()> {
    let mut options = minga_pipeline::SyncOptions::default();
    options.writer.model = model.clone();
    match minga_pipeline::sync(&args.corpus.dir, &args.index.dir, &options, &()) {
        Ok(summary) if summary.committed => {
            tracing::info!(
                added = summary.added,
                updated = summary.updated,
                removed = summary.removed,
                "the index caught up with the corpus"
            );
            Ok(())
        }
        Ok(_) => Ok(()),
        Err(SyncError::Index(EngineError::Locked { .. })) => {
            tracing::warn!("another indexer is running; not catching up with the corpus");
            Ok(())
        }
        Err(e) => Err(e).with_context(|| {
            format!(
                "cannot bring the index at {} in step with {}",
                args.index.dir.display(),
                args.corpus.dir.display()
            )
        }),
    }
}

/// The limits of the flags, checked.
fn limits(args: &Args) -> anyhow::Result<Limits> {
    if args.max_query_bytes > minga_server::DEFAULT_MAX_QUERY_BYTES {
        bail!(
            "--max-query-bytes {} is over the engine's limit of {} bytes",
            args.max_query_bytes,
            minga_server::DEFAULT_MAX_QUERY_BYTES
        );
    }
    let request_timeout = seconds("--request-timeout", args.request_timeout)?;
    let header_timeout = seconds("--header-timeout", args.header_timeout)?;
    let shutdown_grace = seconds("--shutdown-grace", args.shutdown_grace)?;
    if args.max_connections == 0 {
        bail!("--max-connections 0 would let nobody in: give at least 1");
    }
    Ok(Limits {
        request_timeout,
        body_bytes: args.max_body,
        upload_bytes: args.max_upload,
        max_searches: args.max_searches,
        query_bytes: args.max_query_bytes,
        query_string_bytes: args.max_query_string,
        filter_values: args.max_filters,
        facet_names: args.max_facets,
        json_depth: args.max_json_depth,
        batch_records: args.max_batch,
        pending_writes: args.max_pending_writes,
        header_timeout,
        max_connections: args.max_connections,
        shutdown_grace,
        answer_cache_bytes: args.answer_cache_mb.saturating_mul(1 << 20),
    })
}

/// A positive number of seconds, from the flag `flag`.
fn seconds(flag: &str, value: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .with_context(|| format!("{flag} {value} is not a positive number of seconds"))
}

/// Who may read and write: the API key from MINGA_API_KEY or --api-key-file, checked.
fn access(args: &Args) -> anyhow::Result<Access> {
    let from_env = std::env::var(API_KEY_VAR)
        .ok()
        .filter(|k| !k.trim().is_empty());
    let from_file = match &args.api_key_file {
        // The key is the file's first line: a comment or a second key below it is not part
        // of it.
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the API key file {}", path.display()))?
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
        ),
        None => None,
    };
    let secret = match (from_env, from_file) {
        (Some(_), Some(_)) => {
            bail!("give the API key once: {API_KEY_VAR} or --api-key-file, not both")
        }
        (Some(key), None) | (None, Some(key)) => Some(key),
        (None, None) => None,
    };
    let api_key = secret
        .map(|s| ApiKey::new(&s))
        .transpose()
        .map_err(anyhow::Error::msg)
        .context("the API key cannot be used")?;
    if args.protect_reads && api_key.is_none() {
        bail!("--protect-reads needs an API key ({API_KEY_VAR} or --api-key-file)");
    }
    for origin in &args.cors_origins {
        let valid = origin == "*"
            || ((origin.starts_with("http://") || origin.starts_with("https://"))
                && !origin.contains(char::is_whitespace)
                && origin.is_ascii());
        if !valid {
            bail!("--cors-origin {origin:?} is not an origin like https://example.org or *");
        }
    }
    Ok(Access {
        api_key,
        protect_reads: args.protect_reads,
        cors_origins: args.cors_origins.clone(),
    })
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests can finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

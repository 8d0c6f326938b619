//! `minga serve`: the web page and JSON API, on an index built first if there is none.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use minga_engine::{Engine, Error as EngineError};

use super::{CorpusDir, IndexDir, index};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub index: IndexDir,
    #[command(flatten)]
    pub corpus: CorpusDir,
    /// Address to listen on; loopback unless you mean to share it.
    #[arg(long, env = "MINGA_ADDR", default_value = "127.0.0.1:7878")]
    pub addr: SocketAddr,
    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "MINGA_REQUEST_TIMEOUT", default_value_t = 10)]
    pub request_timeout: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "MINGA_MAX_BODY", default_value_t = minga_server::DEFAULT_BODY_LIMIT)]
    pub max_body: usize,
    /// Searches run at once; more are answered 503 with Retry-After.
    #[arg(long, env = "MINGA_MAX_SEARCHES", default_value_t = minga_server::DEFAULT_MAX_SEARCHES)]
    pub max_searches: usize,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match Engine::open(&args.index.dir) {
        Ok(_) => {}
        Err(EngineError::MissingIndex { .. }) => {
            eprintln!(
                "No index at {}; building it from {} first.",
                args.index.dir.display(),
                args.corpus.dir.display()
            );
            let summary = index::index(&args.corpus.dir, &args.index.dir, false, true)?;
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
        limits: minga_server::Limits {
            request_timeout: Duration::from_secs(args.request_timeout),
            body_bytes: args.max_body,
            max_searches: args.max_searches,
        },
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

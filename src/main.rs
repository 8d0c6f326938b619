//! `minga`: index a corpus of regional-development documents, search it from the terminal,
//! serve it to a browser.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod terminal;

/// Lessons-learned search for regional development.
#[derive(Debug, Parser)]
#[command(name = "minga", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Index a corpus folder (only what changed since the last run).
    Index(commands::index::Args),
    /// Search the index.
    Search(commands::search::Args),
    /// Show a document or passage by id.
    Show(commands::show::Args),
    /// A brief of the lessons a search finds, grouped by region and institution, with
    /// citations: Markdown, HTML, CSV, JSON or RIS.
    Brief(commands::brief::Args),
    /// Every facet value with its count, for knowing what filters accept.
    Facets(commands::facets::Args),
    /// Serve the search page and JSON API (building the index first if there is none).
    Serve(commands::serve::Args),
    /// Relevance figures (nDCG@10, MRR@10, Recall@100) of a test collection.
    Eval(commands::eval::Args),
    /// Whether the index can be trusted (every file intact, every record consistent) and how
    /// far it is behind the corpus.
    Check(commands::check::Args),
    /// Copy the corpus and its index into a new folder, consistently, while a server keeps
    /// answering and writing: a backup to restore by pointing --index and --corpus at it.
    Snapshot(commands::snapshot::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tune_malloc(matches!(cli.command, Command::Serve(_)));
    let default_level = match &cli.command {
        Command::Serve(_) => "info",
        // `--quiet`: only errors reach the terminal; what went wrong with files is in the
        // report.
        Command::Index(args) if args.quiet => "error",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MINGA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level)),
        )
        .with_writer(std::io::stderr)
        // Colours only for a terminal: a log file or journal gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let result = match cli.command {
        Command::Index(args) => commands::index::run(args),
        Command::Search(args) => commands::search::run(args),
        Command::Show(args) => commands::show::run(args),
        Command::Brief(args) => commands::brief::run(args),
        Command::Facets(args) => commands::facets::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Snapshot(args) => commands::snapshot::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Caps glibc's malloc at two arenas (unless `MALLOC_ARENA_MAX` says otherwise). By default
/// each thread that allocates may get an arena of its own, up to eight per core, and memory
/// freed in one is not reused by the others: with the reader, the indexing threads and the
/// merges taking turns with large buffers, the heap of `minga index` kept growing with the
/// size of a JSON Lines export. With two it stays nearly flat (bench/jsonl-memory.sh); a
/// server under load answers some 4% fewer searches a second, holding a quarter less memory.
///
/// A server (`serving`) also keeps the memory of one search for the next (unless
/// `GLIBC_TUNABLES` or `MALLOC_MMAP_THRESHOLD_` say otherwise): a search that folds copies
/// gathers every match in buffers of megabytes, which glibc maps afresh and gives back to the
/// system each time, so every page of them faulted in again on every search (a fifth of the
/// time of a broad search on the 1000× index). Mapping only buffers over 64 MB and trimming
/// only 256 MB of free memory makes those searches 15–26% faster, for some 30 MB more held
/// (BENCHMARKS.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc(serving: bool) {
    // SAFETY: `mallopt` only sets a tunable of the allocator; it runs first thing in `main`
    // (after reading the arguments), before any other thread of this program exists.
    unsafe {
        if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
        let tuned = [
            "GLIBC_TUNABLES",
            "MALLOC_MMAP_THRESHOLD_",
            "MALLOC_TRIM_THRESHOLD_",
        ]
        .iter()
        .any(|name| std::env::var_os(name).is_some());
        if serving && !tuned {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc(_serving: bool) {}

//! `minga index`: bring the index in step with the corpus folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use minga_ingest::{Problem, Severity};
use minga_pipeline::{Progress, Summary, SyncOptions, sync};

use super::IndexDir;
use crate::terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Corpus folder to index.
    #[arg(env = "MINGA_CORPUS", default_value = "corpus", value_name = "CORPUS")]
    pub corpus: PathBuf,
    #[command(flatten)]
    pub index: IndexDir,
    /// Start from an empty index instead of updating: the new one is built beside the old,
    /// which stays whole and searchable until the new one takes its place.
    #[arg(long)]
    pub rebuild: bool,
    /// Exit with status 1 if any file or record was skipped or repaired.
    #[arg(long)]
    pub strict: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress bar, and only errors logged (what happened to each file is in the
    /// report all the same).
    #[arg(long, short)]
    pub quiet: bool,
    /// Embed every passage read with this model, for semantic re-ranking (about 0.15 to 0.3
    /// CPU-seconds a passage; a passage whose text did not change keeps its vector).
    #[command(flatten)]
    pub model: super::ModelFile,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let model = args.model.load()?;
    let embedding = model.is_some();
    let summary = index(
        &args.corpus,
        &args.index.dir,
        args.rebuild,
        !(args.quiet || args.json),
        model,
    )?;
    // Passages written now without a model have no vector: re-ranking would rank them last.
    if !embedding
        && (summary.added > 0 || summary.updated > 0)
        && minga_engine::Engine::open(&args.index.dir).is_ok_and(|e| e.has_vectors())
    {
        eprintln!(
            "warning: the index holds embeddings, but the passages indexed now have none: \
             index with --model (or MINGA_MODEL) to embed them"
        );
    }
    if args.json {
        terminal::emit_json(&summary)?;
    } else {
        terminal::emit(&report(&args.corpus, &args.index.dir, &summary))?;
    }
    if args.strict && summary.has_damage() {
        eprintln!("error: --strict: some files or records were skipped or repaired (listed above)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a sync with a progress bar on a terminal.
pub fn index(
    corpus: &Path,
    index: &Path,
    rebuild: bool,
    show_progress: bool,
    model: Option<std::sync::Arc<minga_semantic::Model>>,
) -> anyhow::Result<Summary> {
    let mut options = SyncOptions {
        rebuild,
        ..SyncOptions::default()
    };
    options.writer.model = model;
    let bar = Bar::new(show_progress);
    sync(corpus, index, &options, &bar)
        .with_context(|| format!("cannot index {} into {}", corpus.display(), index.display()))
}

/// A progress bar on stderr, drawn only on a terminal and for runs worth watching.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new(enabled: bool) -> Bar {
        Bar(enabled.then(ProgressBar::hidden))
    }
}

impl Progress for Bar {
    fn start(&self, _files: u64, bytes: u64) {
        if let Some(bar) = &self.0 {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_length(bytes);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} indexing [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}, {eta} left {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
        }
    }

    fn advance(&self, path: &str, bytes: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(bytes);
            bar.set_message(path.to_string());
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// The human summary of a run.
pub fn report(corpus: &Path, index: &Path, s: &Summary) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Indexed {} into {} in {:.2} s ({:.1} MB read, {:.1} MB/s){}",
        corpus.display(),
        index.display(),
        s.elapsed.as_secs_f64(),
        s.bytes as f64 / 1e6,
        s.megabytes_per_second(),
        if s.committed { "" } else { "; nothing changed" },
    );
    let _ = writeln!(
        out,
        "  files:     {} found, {} read: {} added, {} updated, {} removed, {} unchanged",
        s.files, s.read, s.added, s.updated, s.removed, s.unchanged
    );
    let _ = writeln!(
        out,
        "  documents: {} indexed now, {} in the index",
        s.documents, s.total_documents
    );
    let _ = writeln!(
        out,
        "  passages:  {} indexed now, {} in the index",
        s.passages, s.total_passages
    );
    if s.embedded + s.vectors_kept > 0 {
        let _ = writeln!(
            out,
            "  vectors:   {} passages embedded now, {} kept the vector of their unchanged text",
            s.embedded, s.vectors_kept
        );
    }
    for severity in [
        Severity::Skipped,
        Severity::Repaired,
        Severity::Warning,
        Severity::Ignored,
    ] {
        let problems: Vec<_> = s
            .problems
            .iter()
            .filter(|p| p.severity == severity)
            .collect();
        if problems.is_empty() {
            continue;
        }
        let label = match severity {
            Severity::Skipped => "skipped (not indexed)",
            Severity::Repaired => "repaired (indexed after a fix)",
            Severity::Warning => "warnings (indexed as written)",
            Severity::Ignored => "ignored (not a document type Minga reads)",
        };
        let _ = writeln!(out, "  {label}: {}", problems.len());
        let groups = grouped(&problems);
        for (path, reason, places) in groups.iter().take(MAX_PROBLEM_LINES) {
            let _ = writeln!(out, "    {}", problem_line(path, reason, places));
        }
        if groups.len() > MAX_PROBLEM_LINES {
            let _ = writeln!(
                out,
                "    … and {} more (`minga index --json` lists every one)",
                groups.len() - MAX_PROBLEM_LINES
            );
        }
    }
    let earlier: Vec<_> = s
        .earlier_problems
        .iter()
        .filter(|n| n.severity == "skipped" || n.severity == "repaired")
        .collect();
    if !earlier.is_empty() {
        let _ = writeln!(
            out,
            "  unchanged files with problems from an earlier run: {}",
            earlier.len()
        );
        for n in earlier {
            let _ = writeln!(out, "    {} ({})", n.message, n.severity);
        }
    }
    out
}

/// How many lines of one kind of problem the summary prints; `--json` has them all.
const MAX_PROBLEM_LINES: usize = 50;

/// Problems with the same file and reason, in the order first met: a large export that names
/// one unknown institution on 20,000 lines says so once, with where.
fn grouped<'a>(problems: &[&'a Problem]) -> Vec<(&'a str, &'a str, Vec<String>)> {
    let mut groups: Vec<(&str, &str, Vec<String>)> = Vec::new();
    let mut at: HashMap<(&str, &str), usize> = HashMap::new();
    for p in problems {
        let place = match (p.line, p.page) {
            (Some(line), _) => line.to_string(),
            (None, Some(page)) => format!("page {page}"),
            (None, None) => String::new(),
        };
        let key = (p.path.as_str(), p.reason.as_str());
        let i = *at.entry(key).or_insert_with(|| {
            groups.push((key.0, key.1, Vec::new()));
            groups.len() - 1
        });
        groups[i].2.push(place);
    }
    groups
}

/// `file:12: reason`, or `file:12, 40, 41 … (3,210 times): reason` for a repeated one.
fn problem_line(path: &str, reason: &str, places: &[String]) -> String {
    const SHOWN: usize = 3;
    let named: Vec<&str> = places
        .iter()
        .map(String::as_str)
        .filter(|p| !p.is_empty())
        .collect();
    let mut line = path.to_string();
    if !named.is_empty() {
        let sep = if named[0].starts_with("page") {
            " ("
        } else {
            ":"
        };
        line.push_str(sep);
        line.push_str(&named[..named.len().min(SHOWN)].join(", "));
        if sep == " (" {
            line.push(')');
        }
    }
    if places.len() > SHOWN {
        line.push_str(&format!(" … ({} times)", places.len()));
    } else if places.len() > 1 && named.is_empty() {
        line.push_str(&format!(" ({} times)", places.len()));
    }
    line.push_str(": ");
    line.push_str(reason);
    line
}

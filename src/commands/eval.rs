//! `minga eval`: relevance figures of a test collection.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use minga_engine::Engine;
use minga_engine::eval::{Collection, Report, evaluate_with};
use minga_pipeline::{SyncOptions, sync};

use crate::terminal;

/// The file of a collection of labelled copy pairs.
const PAIRS: &str = "pairs.jsonl";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Collection folder: docs.jsonl, queries.tsv, qrels.tsv; or pairs.jsonl, pairs of texts
    /// labelled as copies or not (`{"id", "category", "copy", "a", "b"}`, and `"lesson": true`
    /// for two lessons), for the precision and recall of copy detection.
    pub collection: PathBuf,
    /// Index this corpus folder instead of COLLECTION/docs.jsonl (for judgments made on a
    /// corpus, such as eval/sample on corpus/).
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Queries file, instead of COLLECTION/queries.tsv (e.g. a train split).
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
    /// Judgments file, instead of COLLECTION/qrels.tsv.
    #[arg(long, value_name = "FILE")]
    pub qrels: Option<PathBuf>,
    /// Write the top 100 of every query here, in TREC run format.
    #[arg(long, value_name = "FILE")]
    pub run: Option<PathBuf>,
    /// Keep the collection's index in this folder (built if missing) instead of a temporary
    /// one.
    #[arg(long = "index", value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Search the words as typed: no glossary, dictionary, typo, accent or phrase
    /// expansion (the API's `expand=false`), to measure what expansion earns.
    #[arg(long)]
    pub no_expand: bool,
    /// Print the figures as JSON: the collection, its documents, whether queries were
    /// expanded, and every figure of the text summary.
    #[arg(long)]
    pub json: bool,
    /// Embed the documents with this model and re-rank by meaning (see `--model` of `minga
    /// index`); the figures then measure the hybrid ranking.
    #[command(flatten)]
    pub model: super::ModelFile,
}

/// The figures of one collection, as `--json` prints them.
#[derive(Debug, serde::Serialize)]
struct Summary<'a> {
    /// The collection folder, as given.
    collection: String,
    /// Documents indexed.
    documents: usize,
    /// Whether queries were expanded (the product's default).
    expand: bool,
    /// Whether results were re-ranked by meaning (a model was given).
    semantic: bool,
    #[serde(flatten)]
    report: &'a Report,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let pairs = args.collection.join(PAIRS);
    if pairs.is_file() {
        return copies(&pairs, args.json);
    }
    let collection = Collection::load_files(
        &args
            .queries
            .clone()
            .unwrap_or_else(|| args.collection.join("queries.tsv")),
        &args
            .qrels
            .clone()
            .unwrap_or_else(|| args.collection.join("qrels.tsv")),
    )?;
    let temporary = tempfile::tempdir().context("cannot create a temporary index folder")?;
    let index = args
        .index
        .clone()
        .unwrap_or_else(|| temporary.path().join("index"));
    let documents = args.corpus.as_ref().unwrap_or(&args.collection);
    let model = args.model.load()?;
    let mut options = SyncOptions::default();
    options.writer.model = model.clone();
    let summary = sync(documents, &index, &options, &())
        .with_context(|| format!("cannot index {}", documents.display()))?;
    let engine = Engine::open(&index)?.with_model(model.clone());
    let expand = !args.no_expand;
    let tag = args.collection.file_name().map_or_else(
        || "minga".into(),
        |n| format!("minga-{}", n.to_string_lossy()),
    );
    let report = match &args.run {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let report = evaluate_with(&engine, &collection, Some((&mut out, &tag)), expand)?;
            out.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            report
        }
        None => evaluate_with(&engine, &collection, None, expand)?,
    };
    if args.json {
        terminal::emit_json(&Summary {
            collection: args.collection.display().to_string(),
            documents: summary.total_documents,
            expand,
            semantic: model.is_some(),
            report: &report,
        })?;
    } else {
        terminal::emit(&format!(
            "{}: {} documents, {} judged queries{}{}\n  nDCG@10    {:.3}\n  MRR@10     {:.3}\n  \
             Recall@100 {:.3}\n  latency    {:.2} ms mean, {:.2} ms p50, {:.2} ms p99\n",
            args.collection.display(),
            summary.total_documents,
            report.queries,
            if expand { "" } else { ", not expanded" },
            if model.is_some() {
                ", re-ranked by meaning"
            } else {
                ""
            },
            report.ndcg_at_10,
            report.mrr_at_10,
            report.recall_at_100,
            report.mean_latency_ms,
            report.p50_latency_ms,
            report.p99_latency_ms
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A labelled pair of texts.
#[derive(Debug, serde::Deserialize)]
struct Pair {
    id: String,
    category: String,
    copy: bool,
    a: String,
    b: String,
    /// Whether the two texts are lessons (compared as lessons are, with lessons only).
    #[serde(default)]
    lesson: bool,
}

/// Counts of one category (or all): pairs labelled copies and found, missed; pairs labelled
/// distinct and wrongly folded, rightly kept apart.
#[derive(Debug, Default, serde::Serialize)]
struct Confusion {
    found: usize,
    missed: usize,
    wrongly_folded: usize,
    kept_apart: usize,
}

impl Confusion {
    fn add(&mut self, labelled: bool, predicted: bool) {
        match (labelled, predicted) {
            (true, true) => self.found += 1,
            (true, false) => self.missed += 1,
            (false, true) => self.wrongly_folded += 1,
            (false, false) => self.kept_apart += 1,
        }
    }

    fn precision(&self) -> f64 {
        ratio(self.found, self.found + self.wrongly_folded)
    }

    fn recall(&self) -> f64 {
        ratio(self.found, self.found + self.missed)
    }
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 1.0 } else { n as f64 / d as f64 }
}

/// `minga eval DIR` for a folder with `pairs.jsonl`: copy detection's precision and recall.
fn copies(path: &std::path::Path, json: bool) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut all = Confusion::default();
    let mut by_category: std::collections::BTreeMap<String, Confusion> = Default::default();
    let mut wrong = Vec::new();
    let mut pairs = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let pair: Pair = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a labelled pair", path.display(), n + 1))?;
        pairs.push(pair);
    }
    // The pairs go through the indexer, as a corpus's passages do: what is measured is the
    // clusters an index holds, candidates found by their band keys included.
    let scratch = tempfile::tempdir().context("cannot create a scratch index folder")?;
    let texts: Vec<(&str, &str, bool)> = pairs
        .iter()
        .map(|p| (p.a.as_str(), p.b.as_str(), p.lesson))
        .collect();
    let clustered = minga_engine::clustered_pairs(&scratch.path().join("index"), &texts)?;
    for (pair, predicted) in pairs.into_iter().zip(clustered) {
        all.add(pair.copy, predicted);
        by_category
            .entry(pair.category.clone())
            .or_default()
            .add(pair.copy, predicted);
        if predicted != pair.copy {
            wrong.push(pair.id);
        }
    }
    if json {
        let report = serde_json::json!({
            "precision": all.precision(),
            "recall": all.recall(),
            "all": all,
            "categories": by_category,
            "wrong": wrong,
        });
        terminal::emit_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let pairs = all.found + all.missed + all.wrongly_folded + all.kept_apart;
    let mut out = format!(
        "{}: {pairs} labelled pairs ({} copies)\n  precision  {:.3}\n  recall     {:.3}\n",
        path.display(),
        all.found + all.missed,
        all.precision(),
        all.recall()
    );
    for (category, c) in &by_category {
        let labelled_copies = c.found + c.missed;
        if labelled_copies > 0 {
            let _ = writeln!(
                out,
                "  {category:<16} {} of {labelled_copies} found",
                c.found
            );
        } else {
            let distinct = c.wrongly_folded + c.kept_apart;
            let _ = writeln!(
                out,
                "  {category:<16} {} of {distinct} kept apart",
                c.kept_apart
            );
        }
    }
    if !wrong.is_empty() {
        let _ = writeln!(out, "  wrong: {}", wrong.join(", "));
    }
    terminal::emit(&out)?;
    Ok(ExitCode::SUCCESS)
}

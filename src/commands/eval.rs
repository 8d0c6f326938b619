//! `minga eval`: relevance figures of a test collection.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use minga_engine::Engine;
use minga_engine::eval::{Collection, evaluate};
use minga_pipeline::{SyncOptions, sync};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Collection folder: docs.jsonl, queries.tsv, qrels.tsv.
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
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
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
    let summary = sync(documents, &index, &SyncOptions::default(), &())
        .with_context(|| format!("cannot index {}", documents.display()))?;
    let engine = Engine::open(&index)?;
    let tag = args.collection.file_name().map_or_else(
        || "minga".into(),
        |n| format!("minga-{}", n.to_string_lossy()),
    );
    let report = match &args.run {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let report = evaluate(&engine, &collection, Some((&mut out, &tag)))?;
            out.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            report
        }
        None => evaluate(&engine, &collection, None)?,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{}: {} documents, {} judged queries",
            args.collection.display(),
            summary.total_documents,
            report.queries
        );
        println!("  nDCG@10    {:.3}", report.ndcg_at_10);
        println!("  MRR@10     {:.3}", report.mrr_at_10);
        println!("  Recall@100 {:.3}", report.recall_at_100);
        println!(
            "  latency    {:.2} ms mean, {:.2} ms p50, {:.2} ms p99",
            report.mean_latency_ms, report.p50_latency_ms, report.p99_latency_ms
        );
    }
    Ok(ExitCode::SUCCESS)
}

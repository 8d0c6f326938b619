//! Ranking weights against a test collection, for tuning by hand:
//!
//! ```text
//! minga eval ../shared/eval/scifact --index /tmp/scifact-index     # builds the index once
//! cargo run --release -p minga-engine --example tune -- /tmp/scifact-index \
//!     ../shared/eval/scifact/queries_train.tsv ../shared/eval/scifact/qrels_train.tsv \
//!     title=2 heading=1.5 exact=0.3 tie_breaker=0.3 proximity=0.5
//! ```
//! Each `name=value` overrides one field of [`Ranking`]; the defaults are the product's.

use std::path::Path;

use minga_engine::eval::{Collection, evaluate_with};
use minga_engine::{Engine, Ranking};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [index, queries, qrels, overrides @ ..] = args.as_slice() else {
        return Err("usage: tune INDEX QUERIES QRELS [name=value]...".into());
    };
    let mut ranking = Ranking::default();
    let mut expand = true;
    for item in overrides {
        let (name, value) = item.split_once('=').ok_or("expected name=value")?;
        let value: f32 = value.parse()?;
        match name {
            "title" => ranking.title = value,
            "heading" => ranking.heading = value,
            "body" => ranking.body = value,
            "exact" => ranking.exact = value,
            "tie_breaker" => ranking.tie_breaker = value,
            "proximity" => ranking.proximity = value,
            "proximity_slop" => ranking.proximity_slop = value as u32,
            "glossary" => ranking.glossary = value,
            "translation" => ranking.translation = value,
            "typo" => ranking.typo = value,
            "stemming" => ranking.stemming = value != 0.0,
            "expand" => expand = value != 0.0,
            other => return Err(format!("unknown weight {other}").into()),
        }
    }
    let collection = Collection::load_files(Path::new(queries), Path::new(qrels))?;
    let engine = Engine::open(Path::new(index))?.with_ranking(ranking);
    // TUNE_RUN=FILE writes the rankings in TREC format, for looking at failures.
    let report = match std::env::var_os("TUNE_RUN") {
        Some(path) => {
            let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
            evaluate_with(&engine, &collection, Some((&mut out, "tune")), expand)?
        }
        None => evaluate_with(&engine, &collection, None, expand)?,
    };
    println!(
        "nDCG@10 {:.4}  MRR@10 {:.4}  R@100 {:.4}  {:.1} ms  {ranking:?}",
        report.ndcg_at_10, report.mrr_at_10, report.recall_at_100, report.mean_latency_ms
    );
    Ok(())
}

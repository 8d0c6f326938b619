//! Measuring relevance: standard metrics over a test collection (queries with graded
//! judgments), searched exactly as a user's free text is.
//!
//! A collection directory holds `docs.jsonl`, `queries.tsv` (`qid<TAB>query`) and `qrels.tsv`
//! (`qid<TAB>docid<TAB>grade`, grade > 0 relevant). Building the index from `docs.jsonl` is
//! the caller's business; this module reads the queries and judgments, runs the searches and
//! scores them.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::{Engine, Error, MAX_LIMIT, Result, SearchRequest};

/// Depth of the ranking that is measured and written to run files.
pub const RUN_DEPTH: usize = 100;

/// Queries and their judgments.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// `(qid, query)` in file order.
    pub queries: Vec<(String, String)>,
    /// qid → docid → grade.
    pub qrels: HashMap<String, HashMap<String, u32>>,
}

impl Collection {
    /// Reads `queries.tsv` and `qrels.tsv` from a collection directory.
    pub fn load(dir: &Path) -> Result<Collection> {
        Collection::load_files(&dir.join("queries.tsv"), &dir.join("qrels.tsv"))
    }

    /// Reads a queries file and a judgments file.
    pub fn load_files(queries: &Path, qrels: &Path) -> Result<Collection> {
        let mut collection = Collection::default();
        for (line, fields) in tsv(queries)? {
            match fields.as_slice() {
                [qid, query, ..] => collection.queries.push((qid.clone(), query.clone())),
                _ => return Err(bad_line(queries, line, "expected qid<TAB>query")),
            }
        }
        for (line, fields) in tsv(qrels)? {
            let (qid, doc, grade) = match fields.as_slice() {
                [qid, doc, grade] => (qid, doc, grade),
                // TREC layout: qid iteration docid grade.
                [qid, _, doc, grade] => (qid, doc, grade),
                _ => return Err(bad_line(qrels, line, "expected qid<TAB>docid<TAB>grade")),
            };
            let grade: i64 = grade
                .trim()
                .parse()
                .map_err(|_| bad_line(qrels, line, "the grade is not a whole number"))?;
            if grade > 0 {
                collection
                    .qrels
                    .entry(qid.clone())
                    .or_default()
                    .insert(doc.clone(), grade as u32);
            }
        }
        Ok(collection)
    }
}

fn bad_line(path: &Path, line: usize, message: &str) -> Error {
    Error::Data(minga_core::Error::DataFile {
        path: path.to_path_buf(),
        line: line as u64,
        message: message.to_string(),
    })
}

/// Non-empty lines of a TSV file, split at tabs, with 1-based line numbers.
fn tsv(path: &Path) -> Result<Vec<(usize, Vec<String>)>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: "read",
        path: PathBuf::from(path),
        source,
    })?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.split('\t').map(str::to_string).collect()))
        .collect())
}

/// The figures of one evaluation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Queries with at least one relevant document, the ones measured.
    pub queries: usize,
    pub ndcg_at_10: f64,
    pub mrr_at_10: f64,
    pub recall_at_100: f64,
    /// Mean time of one search, in milliseconds.
    pub mean_latency_ms: f64,
    pub p50_latency_ms: f64,
    pub p99_latency_ms: f64,
}

/// Runs every judged query of `collection` against `engine` with the product's default
/// settings, ranking whole documents, and scores the rankings. With `run`, writes the top
/// [`RUN_DEPTH`] of each query in TREC format (`qid Q0 docid rank score tag`).
pub fn evaluate(
    engine: &Engine,
    collection: &Collection,
    run: Option<(&mut dyn Write, &str)>,
) -> Result<Report> {
    evaluate_with(engine, collection, run, true)
}

/// [`evaluate`], choosing whether queries are expanded (for measuring what expansion earns;
/// the product expands).
pub fn evaluate_with(
    engine: &Engine,
    collection: &Collection,
    mut run: Option<(&mut dyn Write, &str)>,
    expand: bool,
) -> Result<Report> {
    let mut report = Report::default();
    let mut latencies = Vec::new();
    for (qid, query) in &collection.queries {
        let Some(judged) = collection.qrels.get(qid) else {
            continue;
        };
        let request = SearchRequest {
            limit: MAX_LIMIT.min(RUN_DEPTH),
            expand,
            // Judgments judge each file, an edition or a copy as much as its original:
            // ranking is measured with every copy a hit of its own (folding copies is measured
            // by `eval/copies`).
            dedupe: false,
            ..SearchRequest::new(query.clone())
        };
        let started = Instant::now();
        let found: Vec<(String, f32)> = match engine.search(&request) {
            Ok(response) => response
                .hits
                .into_iter()
                .map(|h| (h.parent, h.score))
                .collect(),
            // Free text that the query language refuses (a stray quote) is searched as
            // plain words, as a user would retype it.
            Err(Error::Query(_)) => {
                let plain = query.replace(['"', '(', ')'], " ");
                engine
                    .search(&SearchRequest {
                        query: plain,
                        ..request
                    })?
                    .hits
                    .into_iter()
                    .map(|h| (h.parent, h.score))
                    .collect()
            }
            Err(e) => return Err(e),
        };
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        // A document's lessons and its other passages come as two hits: rank it once.
        let mut seen = std::collections::HashSet::new();
        let ranking: Vec<(String, f32)> = found
            .into_iter()
            .filter(|(doc, _)| seen.insert(doc.clone()))
            .collect();
        if let Some((out, tag)) = run.as_mut() {
            for (rank, (doc, score)) in ranking.iter().enumerate() {
                writeln!(out, "{qid} Q0 {doc} {} {score:.4} {tag}", rank + 1).map_err(
                    |source| Error::Io {
                        action: "write",
                        path: PathBuf::from("run file"),
                        source,
                    },
                )?;
            }
        }
        let ranked: Vec<&str> = ranking.iter().map(|(d, _)| d.as_str()).collect();
        report.queries += 1;
        report.ndcg_at_10 += ndcg(&ranked, judged, 10);
        report.mrr_at_10 += reciprocal_rank(&ranked, judged, 10);
        report.recall_at_100 += recall(&ranked, judged, 100);
    }
    if report.queries > 0 {
        let n = report.queries as f64;
        report.ndcg_at_10 /= n;
        report.mrr_at_10 /= n;
        report.recall_at_100 /= n;
        report.mean_latency_ms = latencies.iter().sum::<f64>() / latencies.len() as f64;
        latencies.sort_by(f64::total_cmp);
        report.p50_latency_ms = percentile(&latencies, 0.50);
        report.p99_latency_ms = percentile(&latencies, 0.99);
    }
    Ok(report)
}

/// The value below which a fraction `p` of sorted `values` lie (nearest rank).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// nDCG at `k` with linear gains (trec_eval's `ndcg_cut`).
pub fn ndcg(ranked: &[&str], judged: &HashMap<String, u32>, k: usize) -> f64 {
    let discount = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, d)| f64::from(judged.get(*d).copied().unwrap_or(0)) * discount(i))
        .sum();
    let mut ideal: Vec<u32> = judged.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &g)| f64::from(g) * discount(i))
        .sum();
    if idcg > 0.0 { dcg / idcg } else { 0.0 }
}

/// 1/rank of the first relevant document within the top `k`, or 0.
pub fn reciprocal_rank(ranked: &[&str], judged: &HashMap<String, u32>, k: usize) -> f64 {
    ranked
        .iter()
        .take(k)
        .position(|d| judged.contains_key(*d))
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

/// The share of relevant documents found within the top `k`.
pub fn recall(ranked: &[&str], judged: &HashMap<String, u32>, k: usize) -> f64 {
    if judged.is_empty() {
        return 0.0;
    }
    let found = ranked
        .iter()
        .take(k)
        .filter(|d| judged.contains_key(**d))
        .count();
    found as f64 / judged.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, u32)]) -> HashMap<String, u32> {
        pairs.iter().map(|(d, g)| (d.to_string(), *g)).collect()
    }

    #[test]
    fn metrics_match_hand_computed_values() {
        let j = judged(&[("a", 1), ("b", 1)]);
        assert!((ndcg(&["a", "b", "c"], &j, 10) - 1.0).abs() < 1e-9);
        // Relevant at ranks 2 and 3: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3).
        let expected = (1.0 / 3f64.log2() + 0.5) / (1.0 + 1.0 / 3f64.log2());
        assert!((ndcg(&["x", "a", "b"], &j, 10) - expected).abs() < 1e-9);
        assert_eq!(reciprocal_rank(&["x", "y", "b"], &j, 10), 1.0 / 3.0);
        assert_eq!(reciprocal_rank(&["x"], &j, 10), 0.0);
        assert_eq!(recall(&["a", "x"], &j, 100), 0.5);
        // Graded: a grade-2 document first is ideal.
        let g = judged(&[("a", 2), ("b", 1)]);
        assert!(ndcg(&["b", "a"], &g, 10) < ndcg(&["a", "b"], &g, 10));
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), 50.0);
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}

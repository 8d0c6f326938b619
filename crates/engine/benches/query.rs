//! In-process query latency over the benchmark query mix (`bench/queries.tsv`), by category:
//! `cargo bench -p minga-engine --bench query`.
//!
//! The index is `MINGA_BENCH_INDEX` when set (for instance one that `bench/run.sh` built from
//! a 10× or 100× corpus). Otherwise the bench builds the 1× index itself, from the sample
//! corpus (`corpus/`), in a temporary folder: the corpus's files read with `minga-ingest` and
//! written with the engine's [`Indexer`], as `minga index` does, so `cargo bench` works out of
//! the box. Each bench runs every query of one category of the mix once per iteration (the
//! requests of `GET /api/search`: 20 hits, grouped, expanded, the facets the line asks for);
//! `mix` runs the whole mix.

#[path = "../examples/common/mix.rs"]
mod mix;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use minga_engine::{Engine, FileRecord, Indexer, IndexerOptions, SearchRequest};

fn main() {
    // Open (or build) the index before timing anything.
    LazyLock::force(&BENCH);
    divan::main();
}

struct Bench {
    engine: Engine,
    requests: Vec<(String, SearchRequest)>,
    _temp: Option<tempfile::TempDir>,
}

static BENCH: LazyLock<Bench> = LazyLock::new(|| {
    let (dir, temp) = match std::env::var_os("MINGA_BENCH_INDEX") {
        Some(dir) => (PathBuf::from(dir), None),
        None => {
            let temp = tempfile::tempdir().expect("a temporary folder for the 1× index");
            let dir = temp.path().join("index");
            build_sample_index(&dir);
            (dir, Some(temp))
        }
    };
    eprintln!("query bench: index {}", dir.display());
    let engine = Engine::open(&dir).expect("the bench index opens");
    let mix_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/queries.tsv");
    let mix = mix::load(&mix_path).expect("bench/queries.tsv is readable");
    let requests = mix
        .iter()
        .map(|q| {
            (
                q.category.clone(),
                q.request().expect("a valid line of the mix"),
            )
        })
        .collect();
    Bench {
        engine,
        requests,
        _temp: temp,
    }
});

/// Indexes the sample corpus into `dir`, as `minga index corpus --index dir` would.
fn build_sample_index(dir: &Path) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let reader = minga_ingest::Reader::new(&corpus, minga_ingest::ReadOptions::default())
        .expect("the sample corpus's data files load");
    let mut indexer = Indexer::open(dir, &IndexerOptions::default()).expect("a new index");
    indexer.use_tables_of(&corpus).expect("the data files copy");
    let discovery = minga_ingest::discover(&corpus).expect("the sample corpus is listed");
    for file in &discovery.files {
        let bytes = std::fs::read(&file.path).expect("a sample file reads");
        let outcome = reader.read(&file.rel, &bytes);
        let passages: Vec<_> = outcome
            .documents
            .iter()
            .flat_map(|d| reader.passages(d))
            .collect();
        let record = FileRecord {
            path: file.rel.clone(),
            hash: String::new(),
            size: file.size,
            modified: None,
            documents: outcome.documents.iter().map(|d| d.id.clone()).collect(),
            passages: 0,
            problems: Vec::new(),
            embedded_with: None,
        };
        indexer.put(record, &passages).expect("passages index");
    }
    indexer.commit().expect("the index commits");
    indexer.finish().expect("merges finish");
}

const CATEGORIES: [&str; 10] = [
    "word",
    "multiword",
    "phrase",
    "filter",
    "facets",
    "crosslang",
    "typo",
    "acronym",
    "question",
    "operator",
];

#[divan::bench(args = CATEGORIES)]
fn category(category: &str) {
    let bench = &*BENCH;
    for (c, request) in &bench.requests {
        if c == category {
            divan::black_box(bench.engine.search(request).expect("the search runs"));
        }
    }
}

/// The whole mix, once per iteration.
#[divan::bench]
fn mix() {
    let bench = &*BENCH;
    for (_, request) in &bench.requests {
        divan::black_box(bench.engine.search(request).expect("the search runs"));
    }
}

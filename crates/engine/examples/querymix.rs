//! In-process query latency of Minga over the benchmark query mix:
//!
//! ```text
//! cargo run --release -p minga-engine --example querymix -- INDEX bench/queries.tsv \
//!     [--runs 20] [--warmup 2] [--all-copies]
//! ```
//!
//! Opens the index once, builds one [`SearchRequest`] per line of the mix (the query, its
//! filters, the facets it asks for, and otherwise the defaults of `GET /api/search`: 20 hits,
//! grouped by document, expanded), runs the mix `--warmup` times untimed and `--runs` times
//! timed on one thread, and prints the latencies (p50, p90, p99, mean, by category and by
//! query) as JSON. `bench/run.sh` runs it at every corpus size.

#[path = "common/mix.rs"]
mod mix;

use std::path::Path;

use minga_engine::Engine;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [index, mix_path, rest @ ..] = args.as_slice() else {
        return Err("usage: querymix INDEX MIX [--runs N] [--warmup N] [--all-copies]".into());
    };
    // `--all-copies`: copies not folded (what folding costs is the difference).
    let all_copies = rest.iter().any(|a| a == "--all-copies");
    let rest: Vec<String> = rest
        .iter()
        .filter(|a| *a != "--all-copies")
        .cloned()
        .collect();
    let options = mix::RunOptions::from_args(&rest)?;
    let mix = mix::load(Path::new(mix_path))?;
    let mut requests = mix
        .iter()
        .map(mix::MixQuery::request)
        .collect::<Result<Vec<_>, _>>()?;
    for request in &mut requests {
        request.dedupe = !all_copies;
    }
    let engine = Engine::open(Path::new(index))?;
    let mut report = mix::measure("minga", &mix, &options, |i, _| {
        Ok(engine.search(&requests[i])?.total)
    })?;
    report["index"] = serde_json::json!(index);
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

//! Embedding throughput: `embed_speed MODEL DOCS.jsonl [THREADS] [MAX_TOKENS]` embeds the
//! `title` and `text` of every line as a passage and prints passages per second.
use std::time::Instant;

use minga_semantic::{Model, Role};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let model = Model::load(args[1].as_ref()).expect("model");
    let model = model.with_max_tokens(args.get(4).and_then(|n| n.parse().ok()));
    let threads = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1);
    let texts: Vec<String> = std::fs::read_to_string(&args[2])
        .expect("docs")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{}\n{}",
                v["title"].as_str().unwrap_or(""),
                v["text"].as_str().unwrap()
            )
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let tokens: usize = refs
        .iter()
        .map(|t| model.token_ids(t, Role::Passage).len())
        .sum();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let start = Instant::now();
    let vectors = pool.install(|| model.embed_all(&refs, Role::Passage));
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} passages, {} tokens ({:.0} per passage), {threads} thread(s): {:.2} s, {:.1} passages/s, {:.0} tokens/s",
        vectors.len(),
        tokens,
        tokens as f64 / refs.len() as f64,
        secs,
        refs.len() as f64 / secs,
        tokens as f64 / secs
    );
}

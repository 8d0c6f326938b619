//! What the fuzz targets (`fuzz/`, run by `scripts/fuzz.sh`) found, kept: every input under
//! `fuzz/regressions/TARGET/` goes through the same code as its target and must come back
//! (an answer or a reported problem, never a panic, a stack overflow or a hang). Beside them,
//! hand-made shapes that break naive parsers: deep nesting in every format that nests (the
//! HTML reader's recursive walk overflowed its stack on 50,000 nested `<div>`s, and the
//! HTML and YAML parsers took seconds on them).

use std::path::{Path, PathBuf};

use minga_ingest::Reader;

/// The files kept for `target`, sorted.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
            (p, bytes)
        })
        .collect()
}

/// The extension each reader target reads its input as (as in `fuzz/fuzz_targets/`).
const READERS: [(&str, &str); 8] = [
    ("read_markdown", "md"),
    ("read_json", "json"),
    ("read_jsonl", "jsonl"),
    ("read_csv", "csv"),
    ("read_text", "txt"),
    ("read_html", "html"),
    ("read_pdf", "pdf"),
    ("read_docx", "docx"),
];

fn read(reader: &Reader, ext: &str, bytes: &[u8]) -> usize {
    let outcome = reader.read(&format!("fuzz/input.{ext}"), bytes);
    outcome
        .documents
        .iter()
        .map(|d| reader.passages(d).len())
        .sum()
}

#[test]
fn the_query_parser_survives_every_kept_input() {
    for (path, bytes) in inputs("query_parse") {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = minga_engine::query::parse(text);
        }
        eprintln!("ok: {}", path.display());
    }
    // Deep grouping, long runs of operators.
    for text in [
        "(".repeat(100_000),
        "(a ".repeat(10_000),
        "-".repeat(100_000),
        "\"".repeat(4096),
        "a OR ".repeat(800),
    ] {
        let _ = minga_engine::query::parse(&text);
    }
}

#[test]
fn every_reader_survives_every_kept_input() {
    let corpus = tempfile::tempdir().expect("a temporary folder");
    let reader = Reader::new(corpus.path(), Default::default()).expect("a reader");
    for (target, ext) in READERS {
        for (path, bytes) in inputs(target) {
            read(&reader, ext, &bytes);
            eprintln!("ok: {}", path.display());
        }
    }
}

#[test]
fn deep_nesting_is_read_or_refused_without_exhausting_the_stack() {
    let corpus = tempfile::tempdir().expect("a temporary folder");
    let reader = Reader::new(corpus.path(), Default::default()).expect("a reader");
    let deep = 50_000;
    let json = format!("{}{}", "[".repeat(deep), "]".repeat(deep));
    let object = format!(
        "{{\"id\":\"x\",\"text\":\"hola\",\"meta\":{}1{}}}",
        "{\"a\":".repeat(deep),
        "}".repeat(deep)
    );
    let yaml = format!(
        "---\ntitle: {}x{}\n---\n\n# Hola\n\ntexto\n",
        "[".repeat(deep),
        "]".repeat(deep)
    );
    let yaml_block = format!(
        "---\n{}\n---\n\ntexto\n",
        (0..2_000)
            .map(|i| format!("{}- a", " ".repeat(i)))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let html = format!(
        "<html><body>{}<p>texto hondo</p>{}</body></html>",
        "<div>".repeat(deep),
        "</div>".repeat(deep)
    );
    let markdown = format!("{}texto\n", "> ".repeat(deep));
    let lists = format!("{}texto\n", "- ".repeat(deep));
    for (ext, bytes) in [
        ("json", json.as_bytes()),
        ("json", object.as_bytes()),
        ("jsonl", object.as_bytes()),
        ("md", yaml.as_bytes()),
        ("md", yaml_block.as_bytes()),
        ("html", html.as_bytes()),
        ("md", markdown.as_bytes()),
        ("md", lists.as_bytes()),
    ] {
        let started = std::time::Instant::now();
        read(&reader, ext, bytes);
        eprintln!(
            "{:?} for {} bytes as .{ext}: {}…",
            started.elapsed(),
            bytes.len(),
            String::from_utf8_lossy(&bytes[..40])
        );
    }
}

//! Analyzer throughput, in bytes of text a second on one core, for Spanish and English text
//! of the sample corpus: `cargo bench -p minga-engine --bench analysis`.
//!
//! Each language's text is the bodies of the sample corpus's Markdown documents in that
//! language, concatenated. Benches: the language's stemmed analyzer (stop words, Snowball,
//! folding), the exact analyzer (folding only), both (what indexing a passage's body costs:
//! one stemmed and one exact field), all through the tokenizers indexing uses (which remember
//! the terms of words met before); the stemmed analyzer without that memory (the query and
//! snippet path); and tantivy's default tokenizer on the same text for reference (what the
//! plain-tantivy peer does).

use std::hint::black_box;
use std::path::Path;
use std::sync::LazyLock;

use divan::counter::BytesCount;
use minga_core::Lang;
use minga_engine::Analyzer;
use tantivy::tokenizer::{TextAnalyzer, TokenStream, Tokenizer, TokenizerManager};

fn main() {
    divan::main();
}

/// The Markdown bodies of one language in the sample corpus.
fn text_of(lang: &str) -> String {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut out = String::new();
    let mut files: Vec<_> = walk(&corpus);
    files.sort();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Some(rest) = text.strip_prefix("---\n") else {
            continue;
        };
        let Some(end) = rest.find("\n---") else {
            continue;
        };
        if rest[..end]
            .lines()
            .any(|l| l.trim() == format!("lang: {lang}"))
        {
            out.push_str(&rest[end + 4..]);
            out.push('\n');
        }
    }
    assert!(!out.is_empty(), "no {lang} text in {}", corpus.display());
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "md")
            && path.file_name().is_none_or(|n| n != "README.md")
        {
            out.push(path);
        }
    }
    out
}

static ES: LazyLock<String> = LazyLock::new(|| text_of("es"));
static EN: LazyLock<String> = LazyLock::new(|| text_of("en"));

fn text(lang: Lang) -> &'static str {
    if lang == Lang::Es { &ES } else { &EN }
}

const LANGS: [Lang; 2] = [Lang::Es, Lang::En];

/// Every token of `text` from `tokenizer`, as the index writer asks for them.
fn drain(tokenizer: &mut impl Tokenizer, text: &str) {
    let mut stream = tokenizer.token_stream(black_box(text));
    while stream.advance() {
        black_box(stream.token());
    }
}

// Each pass starts from a new tokenizer, whose memory of words is empty: the figures are
// those of analysing the text once, not of a cache that already holds every word of it.

#[divan::bench(args = LANGS)]
fn stemmed(bencher: divan::Bencher, lang: Lang) {
    let text = text(lang);
    bencher
        .counter(BytesCount::of_str(text))
        .with_inputs(|| Analyzer::stemmed(lang).tokenizer())
        .bench_local_refs(|tokenizer| drain(tokenizer, text));
}

#[divan::bench(args = LANGS)]
fn exact(bencher: divan::Bencher, lang: Lang) {
    let text = text(lang);
    bencher
        .counter(BytesCount::of_str(text))
        .with_inputs(|| Analyzer::exact().tokenizer())
        .bench_local_refs(|tokenizer| drain(tokenizer, text));
}

/// A passage body as indexing analyses it: once stemmed, once exact.
#[divan::bench(args = LANGS)]
fn stemmed_and_exact(bencher: divan::Bencher, lang: Lang) {
    let text = text(lang);
    bencher
        .counter(BytesCount::of_str(text))
        .with_inputs(|| {
            (
                Analyzer::stemmed(lang).tokenizer(),
                Analyzer::exact().tokenizer(),
            )
        })
        .bench_local_refs(|(stemmed, exact)| {
            drain(stemmed, text);
            drain(exact, text);
        });
}

/// The query and snippet path: `Analyzer::analyze`, with no memory of words met before.
#[divan::bench(args = LANGS)]
fn stemmed_uncached(bencher: divan::Bencher, lang: Lang) {
    let analyzer = Analyzer::stemmed(lang);
    let text = text(lang);
    bencher
        .counter(BytesCount::of_str(text))
        .bench(|| analyzer.analyze(black_box(text), |t| drop(black_box(t))));
}

/// tantivy's `default` tokenizer (split on non-alphanumerics, drop long tokens, lower-case).
#[divan::bench(args = LANGS)]
fn tantivy_default(bencher: divan::Bencher, lang: Lang) {
    let mut analyzer: TextAnalyzer = TokenizerManager::default()
        .get("default")
        .expect("tantivy registers `default`");
    let text = text(lang);
    bencher.counter(BytesCount::of_str(text)).bench_local(|| {
        let mut stream = analyzer.token_stream(black_box(text));
        while stream.advance() {
            black_box(stream.token());
        }
    });
}

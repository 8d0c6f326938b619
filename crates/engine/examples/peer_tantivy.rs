//! The "plain tantivy" peer of the benchmarks: what a developer gets from tantivy with its
//! default tokenizer and nothing else, on the same JSONL and the same query mix as Minga.
//!
//! ```text
//! cargo run --release -p minga-engine --example peer_tantivy -- index DOCS.jsonl DIR
//! cargo run --release -p minga-engine --example peer_tantivy -- query DIR bench/queries.tsv \
//!     [--runs 20] [--warmup 2]
//! ```
//!
//! `index` builds DIR from one JSON object a line: `id` (a stored string), `title` (TEXT,
//! stored), the body (TEXT, stored, for snippets: `text`, then `lesson`, `context` and
//! `recommendation` when present), and the metadata as facets (`region`, `institution`,
//! `kind`, `lang`, `topic`, `country`, `year`), with tantivy's `default` tokenizer, one
//! writer with a 256 MB budget and as many threads as cores (tantivy's defaults, as Minga's),
//! committed once. It prints `{"documents", "bytes", "seconds"}`.
//!
//! ```text
//! cargo run --release -p minga-engine --example peer_tantivy -- serve DIR [--addr ADDR]
//! ```
//!
//! `query` runs the mix as a tantivy user would: the query text through `QueryParser` on title
//! and body (lenient, OR by default, its own syntax for phrases, `-`, `+` and `OR`), the
//! filters as facet term queries that must match, the top 20 hits by BM25 with their stored id
//! and title and a snippet of the body, the total count, and the facets asked for counted
//! under all filters. Latencies are printed as JSON, in the same shape as `querymix`.
//!
//! `serve` answers the same searches over HTTP (axum, `GET /api/search?q=…` with the mix's
//! parameters, a JSON answer of the total, the 20 hits and the facets asked): the HTTP peer of
//! `bench/run.sh`'s load test.

#[path = "common/mix.rs"]
mod mix;

use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};
use tantivy::collector::{Count, FacetCollector, MultiCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TEXT, Value as _,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexWriter, TantivyDocument, Term, schema::Facet};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Metadata facets: (facet field, JSON key).
const FACETS: [(&str, &str); 6] = [
    ("region", "regions"),
    ("institution", "institutions"),
    ("kind", "kind"),
    ("lang", "lang"),
    ("topic", "topics"),
    ("country", "country"),
];

fn schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("id", STRING | STORED);
    builder.add_text_field("title", TEXT | STORED);
    builder.add_text_field("body", TEXT | STORED);
    for (name, _) in FACETS {
        builder.add_facet_field(name, FacetOptions::default());
    }
    builder.add_facet_field("year", FacetOptions::default());
    builder.build()
}

fn field(schema: &Schema, name: &str) -> Field {
    schema
        .get_field(name)
        .expect("the peer's schema has this field")
}

fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn index(jsonl: &Path, dir: &Path) -> Result<()> {
    let started = Instant::now();
    std::fs::create_dir_all(dir)?;
    let schema = schema();
    let index = Index::create_in_dir(dir, schema.clone())?;
    let mut writer: IndexWriter = index.writer(256 << 20)?;
    let (id, title, body, year) = (
        field(&schema, "id"),
        field(&schema, "title"),
        field(&schema, "body"),
        field(&schema, "year"),
    );
    let facets: Vec<(Field, &str)> = FACETS
        .iter()
        .map(|(name, key)| (field(&schema, name), *key))
        .collect();
    let (mut documents, mut bytes) = (0u64, 0u64);
    let reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(jsonl)?);
    for line in reader.lines() {
        let line = line?;
        bytes += line.len() as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = serde_json::from_str(&line)?;
        let mut doc = TantivyDocument::default();
        for s in strings(record.get("id")) {
            doc.add_text(id, s);
        }
        for s in strings(record.get("title")) {
            doc.add_text(title, s);
        }
        let text: Vec<&str> = ["text", "lesson", "context", "recommendation"]
            .iter()
            .flat_map(|k| strings(record.get(*k)))
            .collect();
        doc.add_text(body, text.join("\n\n"));
        for (f, key) in &facets {
            for s in strings(record.get(*key)) {
                doc.add_facet(*f, Facet::from_path([s]));
            }
        }
        if let Some(date) = record.get("date").and_then(Value::as_str)
            && date.len() >= 4
        {
            doc.add_facet(year, Facet::from_path([&date[..4]]));
        }
        writer.add_document(doc)?;
        documents += 1;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let report = json!({
        "engine": "tantivy",
        "documents": documents,
        "bytes": bytes,
        "seconds": started.elapsed().as_secs_f64(),
    });
    println!("{report}");
    Ok(())
}

/// A search as a plain tantivy user writes it, over the peer's index, answering the mix's
/// lines and the HTTP server's requests alike.
struct Peer {
    schema: Schema,
    reader: tantivy::IndexReader,
    parser: QueryParser,
    id: Field,
    title: Field,
    body: Field,
}

impl Peer {
    fn open(dir: &Path) -> Result<Peer> {
        let index = Index::open_in_dir(dir)?;
        let schema = index.schema();
        let (id, title, body) = (
            field(&schema, "id"),
            field(&schema, "title"),
            field(&schema, "body"),
        );
        let parser = QueryParser::for_index(&index, vec![title, body]);
        Ok(Peer {
            reader: index.reader()?,
            schema,
            parser,
            id,
            title,
            body,
        })
    }

    /// The query text through `QueryParser` on title and body (lenient, OR by default), the
    /// filters as facet term queries that must match, the top 20 hits by BM25 with their
    /// stored id and title and a snippet of the body, the total count, and the facets asked
    /// for counted under all filters: the answer as JSON.
    fn search(&self, q: &mix::MixQuery) -> Result<Value> {
        let searcher = self.reader.searcher();
        let text: Box<dyn Query> = if q.query.trim().is_empty() {
            Box::new(AllQuery)
        } else {
            self.parser.parse_query_lenient(&q.query).0
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text.box_clone())];
        for name in ["region", "institution", "kind", "lang", "topic", "year"] {
            let values = q.values(name);
            if values.is_empty() {
                continue;
            }
            let f = field(&self.schema, name);
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|v| {
                    let term = Term::from_facet(f, &Facet::from_path([*v]));
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        let query = BooleanQuery::new(clauses);
        let mut asked = q.values("facets");
        if asked == ["all"] {
            asked = vec![
                "country",
                "region",
                "institution",
                "kind",
                "lang",
                "year",
                "topic",
            ];
        }
        let mut collectors = MultiCollector::new();
        let top = collectors.add_collector(TopDocs::with_limit(20).order_by_score());
        let count = collectors.add_collector(Count);
        let facet_handles: Vec<_> = asked
            .iter()
            .map(|name| {
                let mut c = FacetCollector::for_field(*name);
                c.add_facet("/");
                (*name, collectors.add_collector(c))
            })
            .collect();
        let mut fruits = searcher.search(&query, &collectors)?;
        let top_docs = top.extract(&mut fruits);
        let total = count.extract(&mut fruits);
        let mut facets = serde_json::Map::new();
        for (name, handle) in facet_handles {
            let counts = handle.extract(&mut fruits);
            let values: serde_json::Map<String, Value> = counts
                .get("/")
                .map(|(facet, n)| (facet.to_path_string()[1..].to_string(), json!(n)))
                .collect();
            facets.insert(name.to_string(), Value::Object(values));
        }
        let snippets = SnippetGenerator::create(&searcher, &*text, self.body)?;
        let mut hits = Vec::with_capacity(top_docs.len());
        for (score, address) in top_docs {
            let doc: TantivyDocument = searcher.doc(address)?;
            let stored = |f: Field| doc.get_first(f).and_then(|v| v.as_str()).unwrap_or("");
            hits.push(json!({
                "id": stored(self.id),
                "title": stored(self.title),
                "score": score,
                "snippet": snippets.snippet_from_doc(&doc).to_html(),
            }));
        }
        Ok(json!({"total": total, "hits": hits, "facets": facets}))
    }
}

fn query(dir: &Path, mix_path: &Path, rest: &[String]) -> Result<()> {
    let options = mix::RunOptions::from_args(rest)?;
    let mix = mix::load(mix_path)?;
    let peer = Peer::open(dir)?;
    let mut report = mix::measure("tantivy", &mix, &options, |_, q| {
        let answer = peer.search(q)?;
        Ok(answer["total"].as_u64().unwrap_or(0) as usize)
    })?;
    report["index"] = json!(dir);
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// `serve DIR [--addr 127.0.0.1:0]`: the same search over HTTP, `GET /api/search` with the
/// parameters the mix gives Minga's (`q`, the filters, `facets`), each search on tokio's
/// blocking pool as Minga's server runs its own. Prints `peer_tantivy is serving URL` once
/// listening.
fn serve(dir: &Path, rest: &[String]) -> Result<()> {
    let addr = match rest {
        [] => "127.0.0.1:0".to_string(),
        [flag, addr] if flag == "--addr" => addr.clone(),
        _ => return Err("usage: peer_tantivy serve DIR [--addr ADDR]".into()),
    };
    let peer = std::sync::Arc::new(Peer::open(dir)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let app = axum::Router::new()
            .route("/api/search", axum::routing::get(answer))
            .with_state(peer);
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!("peer_tantivy is serving http://{}/", listener.local_addr()?);
        axum::serve(listener, app).await?;
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}

async fn answer(
    axum::extract::State(peer): axum::extract::State<std::sync::Arc<Peer>>,
    axum::extract::Query(params): axum::extract::Query<Vec<(String, String)>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let query = params
        .iter()
        .find(|(name, _)| name == "q")
        .map(|(_, q)| q.clone())
        .unwrap_or_default();
    let q = mix::MixQuery {
        category: "http".into(),
        query,
        params: params.into_iter().filter(|(name, _)| name != "q").collect(),
    };
    match tokio::task::spawn_blocking(move || peer.search(&q).map_err(|e| e.to_string())).await {
        Ok(Ok(answer)) => axum::Json(answer).into_response(),
        Ok(Err(error)) => (axum::http::StatusCode::BAD_REQUEST, error).into_response(),
        Err(error) => (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            error.to_string(),
        )
            .into_response(),
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, jsonl, dir] if cmd == "index" => index(Path::new(jsonl), Path::new(dir)),
        [cmd, dir, mix, rest @ ..] if cmd == "query" => query(Path::new(dir), Path::new(mix), rest),
        [cmd, dir, rest @ ..] if cmd == "serve" => serve(Path::new(dir), rest),
        _ => Err(
            "usage: peer_tantivy index DOCS.jsonl DIR | query DIR MIX [--runs N] \
             | serve DIR [--addr ADDR]"
                .into(),
        ),
    }
}

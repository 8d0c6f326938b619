//! The API over real HTTP: a real index built from the shipped corpus (plus one file of
//! markup, to see it escaped) in a temporary folder, the real router on `127.0.0.1:0`, and
//! every endpoint and every error status exercised as a client meets them.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use minga_server::{AppState, Config, Limits, Server, app};
use reqwest::header::{self, HeaderMap};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

/// A file whose text is markup, to check that snippets escape it.
const MARKUP_NOTE: &str = "---\ntitle: \"Nota con <b>marcas</b> & símbolos\"\nkind: other\n\
lang: es\ncountry: Chile\nregions: [Biobío]\ndate: 2023-02-01\n---\n\n# Marcas\n\n\
El texto trae `<script>alert(\"x\")</script>` y la palabra zarandaja & otras <b>negritas</b>.\n";

/// A note dated to a month only, as its author wrote it.
const MONTH_NOTE: &str = "---\ntitle: Mesa de la zampoña\nkind: other\nlang: es\n\
date: 2024-05\n---\n\nLa mesa de la zampoña acordó una feria regional.\n";

/// The index shared by the tests of this file (built once; tests only read it). A static is
/// never dropped, so it lives under `target/tmp` rather than the system's temporary folder.
fn shared_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir =
                tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary folder");
            let corpus = dir.path().join("corpus");
            copy_dir(&repo_corpus(), &corpus);
            std::fs::write(corpus.join("notas-de-sesion/zz-marcas.md"), MARKUP_NOTE)
                .expect("write the markup note");
            std::fs::write(corpus.join("notas-de-sesion/zz-mes.md"), MONTH_NOTE)
                .expect("write the month note");
            let index = dir.path().join("index");
            build_index(&corpus, &index);
            (dir, index)
        })
        .1
}

fn repo_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

fn build_index(corpus: &Path, index: &Path) {
    let summary = minga_pipeline::sync(corpus, index, &minga_pipeline::SyncOptions::default(), &())
        .expect("index the corpus");
    assert!(summary.total_passages > 0, "{summary:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a folder") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// The router served on a free loopback port, for as long as the test runs.
struct TestServer {
    addr: SocketAddr,
    client: Client,
}

impl TestServer {
    async fn start(state: AppState) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("the bound address");
        tokio::spawn(async move {
            axum::serve(listener, app(state)).await.expect("serve");
        });
        let client = Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        TestServer { addr, client }
    }

    async fn with_limits(limits: Limits) -> TestServer {
        let state = AppState::open(shared_index(), limits).expect("open the index");
        TestServer::start(state).await
    }

    async fn new() -> TestServer {
        TestServer::with_limits(Limits::default()).await
    }

    /// A server on an index of its own, built from `files` (path in the corpus, content);
    /// the folder lives as long as the returned guard.
    async fn on_files(files: &[(&str, &str)]) -> (tempfile::TempDir, TestServer) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let corpus = dir.path().join("corpus");
        for (path, text) in files {
            let path = corpus.join(path);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("create a folder");
            std::fs::write(path, text).expect("write a file");
        }
        let index = dir.path().join("index");
        build_index(&corpus, &index);
        let state = AppState::open(&index, Limits::default()).expect("open the index");
        (dir, TestServer::start(state).await)
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn request(&self, method: Method, path: &str) -> (StatusCode, HeaderMap, Value) {
        let response = self
            .client
            .request(method.clone(), self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        decode(response).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let (status, _, body) = self.request(Method::GET, path).await;
        (status, body)
    }

    async fn post(&self, body: Vec<u8>, content_type: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url("/api/search"))
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .expect("POST /api/search");
        let (status, _, body) = decode(response).await;
        (status, body)
    }
}

async fn decode(response: reqwest::Response) -> (StatusCode, HeaderMap, Value) {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, headers, body)
}

/// Asserts an error answer: its status, its code, and words its message must contain.
#[track_caller]
fn assert_error(answer: &(StatusCode, Value), status: u16, code: &str, words: &[&str]) {
    let (got, body) = answer;
    assert_eq!(got.as_u16(), status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    let message = body["error"]["message"].as_str().expect("a message");
    for word in words {
        assert!(message.contains(word), "{message:?} does not name {word:?}");
    }
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Every match: the hits (`total`) and the copies folded into them.
fn counted(response: &Value) -> Option<u64> {
    Some(response["total"].as_u64()? + response["copies"].as_u64()?)
}

#[tokio::test]
async fn search_answers_hits_snippets_and_every_facet() {
    let server = TestServer::new().await;
    let (status, body) = server
        .get("/api/search?q=articulacion+interinstitucional")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["query"], "articulacion interinstitucional");
    assert!(body["parsed"].is_string());
    assert!(body["total"].as_u64() > Some(0));
    assert!(body["took_ms"].is_number());
    // Without an embedding model the ranking is lexical, and says so.
    assert_eq!(body["semantic"], false);
    assert_eq!(
        (body["offset"].as_u64(), body["limit"].as_u64()),
        (Some(0), Some(20))
    );
    let hits = body["hits"].as_array().expect("hits");
    assert!(!hits.is_empty() && hits.len() <= 20);
    for key in [
        "id",
        "parent",
        "kind",
        "title",
        "regions",
        "institutions",
        "lang",
        "score",
    ] {
        assert!(!hits[0][key].is_null(), "hit without {key}: {}", hits[0]);
    }
    assert!(hits[0]["source"]["path"].is_string());
    assert!(
        hits.iter()
            .any(|h| h["snippet"].as_str().unwrap_or("").contains("<mark>")),
        "no highlighted snippet"
    );
    let facets = body["facets"].as_object().expect("facets");
    for name in [
        "country",
        "region",
        "institution",
        "kind",
        "lang",
        "year",
        "topic",
    ] {
        assert!(facets.contains_key(name), "no {name} facet");
    }
    assert!(
        facets["region"]
            .as_object()
            .expect("region counts")
            .keys()
            .all(|k| k.contains('/')),
        "regions are counted as Country/Region: {}",
        facets["region"]
    );

    let (status, body) = server
        .get("/api/search?q=gobernanza&limit=2&offset=2&sort=date&facets=kind,lang&expand=false")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["hits"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["offset"], 2);
    let names: Vec<&String> = body["facets"].as_object().expect("facets").keys().collect();
    assert_eq!(names, ["kind", "lang"]);
    let dates: Vec<&str> = body["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["date"].as_str())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "not newest first: {dates:?}"
    );

    let (status, body) = server.get("/api/search?q=gobernanza&facets=").await;
    assert_eq!(status, 200);
    assert_eq!(body["facets"], json!({}));

    // Grouped (the default): one hit per document, its other matching passages counted.
    let (_, grouped) = server.get("/api/search?q=gobernanza&limit=100").await;
    let (status, flat) = server
        .get("/api/search?q=gobernanza&limit=100&group=false")
        .await;
    assert_eq!(status, 200, "{flat}");
    // Ungrouped, a hit is a passage: those folded as copies are the rest.
    assert_eq!(counted(&flat), flat["total_passages"].as_u64());
    assert_eq!(grouped["total_passages"], flat["total_passages"]);
    assert!(grouped["total"].as_u64() < flat["total"].as_u64());
    // `total` counts what paging through shows: each hit once, copies folded into it.
    let (_, rest) = server
        .get("/api/search?q=gobernanza&limit=100&offset=100&group=false")
        .await;
    let paged = |pages: &[&Value]| -> usize {
        pages
            .iter()
            .map(|page| page["hits"].as_array().map_or(0, Vec::len))
            .sum()
    };
    assert_eq!(Some(paged(&[&grouped]) as u64), grouped["total"].as_u64());
    assert_eq!(Some(paged(&[&flat, &rest]) as u64), flat["total"].as_u64());
    assert!(
        grouped["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .any(|h| h["matches"].as_u64() > Some(1))
    );
    assert!(
        flat["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .all(|h| h["matches"] == 1)
    );
}

#[tokio::test]
async fn filters_narrow_hits_and_facets_are_counted_under_the_other_filters() {
    let server = TestServer::new().await;
    let (_, all) = server.get("/api/search?q=agencia&limit=100").await;
    let (status, biobio) = server
        .get("/api/search?q=agencia&region=biobio&limit=100")
        .await;
    assert_eq!(status, 200, "{biobio}");
    let total = biobio["total"].as_u64().expect("a total");
    assert!(total > 0 && total < all["total"].as_u64().expect("a total"));
    for hit in biobio["hits"].as_array().expect("hits") {
        assert!(
            strings(&hit["regions"])
                .iter()
                .any(|r| r.ends_with("Biobío")),
            "{hit}"
        );
    }
    // The region facet ignores the region filter, so the other regions stay on offer…
    assert_eq!(biobio["facets"]["region"], all["facets"]["region"]);
    assert!(
        biobio["facets"]["region"]
            .as_object()
            .expect("regions")
            .len()
            > 1
    );
    // …while the other facets count only what the filter lets through.
    // (Facets count what `total` counts, documents when grouped, passages when not, with
    // copies folded; with `dedupe=false`, every copy.)
    let kinds = |response: &Value| -> u64 {
        response["facets"]["kind"]
            .as_object()
            .expect("kinds")
            .values()
            .filter_map(Value::as_u64)
            .sum()
    };
    assert_eq!(Some(kinds(&biobio)), biobio["total"].as_u64());
    let (_, passages) = server
        .get("/api/search?q=agencia&region=biobio&group=false")
        .await;
    assert_eq!(Some(kinds(&passages)), passages["total"].as_u64());
    assert_eq!(counted(&passages), biobio["total_passages"].as_u64());
    let (_, copies) = server
        .get("/api/search?q=agencia&region=biobio&group=false&dedupe=false")
        .await;
    assert_eq!(copies["copies"], 0);
    assert_eq!(copies["total"], biobio["total_passages"]);
    assert_eq!(Some(kinds(&copies)), copies["total"].as_u64());
    assert!(passages["copies"].as_u64() > Some(0), "{passages}");

    // Values of one filter are alternatives; filters combine.
    let (_, either) = server
        .get("/api/search?q=agencia&region=biobio&region=Cusco")
        .await;
    assert!(either["total"].as_u64() > Some(total));
    let (status, lessons) = server
        .get("/api/search?kind=lesson&lang=es&year=2023&from=2023-01&to=2023")
        .await;
    assert_eq!(status, 200, "{lessons}");
    for hit in lessons["hits"].as_array().expect("hits") {
        assert_eq!(hit["kind"], "lesson");
        assert_eq!(hit["lang"], "es");
    }
    let (_, dated) = server
        .get("/api/search?from=2023-01-24&to=2023-01-24&limit=100")
        .await;
    for hit in dated["hits"].as_array().expect("hits") {
        assert_eq!(hit["date"], "2023-01-24", "{hit}");
    }
}

#[tokio::test]
async fn topics_the_glossary_says_are_the_same_are_one_facet_value_and_one_filter() {
    let topics = [
        "cadena de valor",
        "Cadenas de Valor",
        "value chains",
        "cadenas productivas",
        "Cadena productiva",
    ];
    let notes: Vec<(String, String)> = topics
        .iter()
        .enumerate()
        .map(|(n, topic)| {
            let note =
                format!("---\ntitle: Mesa {n}\ntopics: [{topic}]\n---\nAcuerdos de la mesa.\n");
            (format!("nota-{n}.md"), note)
        })
        .collect();
    let mut files = vec![(
        "_glossary.csv",
        "es,en,acronyms,note\ncadena de valor,value chain,,\n",
    )];
    files.extend(notes.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let (_dir, server) = TestServer::on_files(&files).await;

    let (status, facets) = server.get("/api/facets").await;
    assert_eq!(status, 200, "{facets}");
    assert_eq!(
        facets["facets"]["topic"],
        json!({"cadena de valor": 3, "Cadena productiva": 2}),
        "{facets}"
    );
    for topic in ["value+chain", "cadenas+de+valor", "VALUE+CHAINS"] {
        let (status, body) = server
            .get(&format!("/api/search?q=mesa&topic={topic}"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["total"], 3, "{topic}: {body}");
        assert_eq!(body["facets"]["topic"]["cadena de valor"], 3, "{body}");
    }
    let (_, body) = server
        .get("/api/search?q=mesa&topic=cadena+productiva")
        .await;
    assert_eq!(body["total"], 2, "{body}");
}

#[tokio::test]
async fn a_new_folder_without_data_files_gives_places_institutions_and_repository_records() {
    let (_dir, server) = TestServer::on_files(&[
        (
            "puno.md",
            "---\ntitle: Mesa de Puno\ncountry: Perú\nregions: [Puno]\n\
             institutions: [Gobierno Regional de Puno, MEF]\n---\nAcuerdos sobre la quinua.\n",
        ),
        (
            "biobio.md",
            "---\ntitle: Comité del Biobío\nregions: [Región del Biobío]\n\
             institutions: [CORFO]\n---\nLecciones sobre la quinua del sur.\n",
        ),
        // A DSpace export: Dublin Core columns with language suffixes and `||` lists.
        (
            "dspace.csv",
            "id,dc.title[es],dc.description.abstract[es],dc.date.issued,dc.subject[es]\n\
             dc-1,Informe de piscicultura,La quinua y las truchas de Puno.,2021-03,acuicultura||truchas\n",
        ),
        // Records nested under keys, their text in `resumen`.
        (
            "api.json",
            r#"{"data": {"items": [{"titulo": "Ficha de quinua", "resumen": "La quinua orgánica de Puno."}]}}"#,
        ),
    ])
    .await;

    let (status, body) = server.get("/api/search?q=quinua&limit=10").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 4, "{body}");
    let facets = &body["facets"];
    let keys = |name: &str| -> Vec<String> {
        facets[name]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(keys("country"), ["Chile", "Perú"], "{facets}");
    assert_eq!(keys("region"), ["Chile/Biobío", "Perú/Puno"], "{facets}");
    for name in ["CORFO", "Gobierno Regional de Puno", "MEF"] {
        assert!(
            keys("institution").iter().any(|i| i == name),
            "{name}: {facets}"
        );
    }
    let (_, biobio) = server.get("/api/search?q=quinua&region=Biobio").await;
    assert_eq!(biobio["total"], 1, "{biobio}");
    let (_, record) = server.get("/api/documents/dc-1").await;
    let text = record.to_string();
    for expected in [
        "Informe de piscicultura",
        "2021-03",
        "acuicultura",
        "truchas",
    ] {
        assert!(text.contains(expected), "{expected}: {record}");
    }
    let (_, nested) = server.get("/api/search?q=orgánica").await;
    assert_eq!(nested["hits"][0]["title"], "Ficha de quinua", "{nested}");
}

#[tokio::test]
async fn documents_in_other_languages_filter_and_count_under_their_own_code() {
    let notes = [
        (
            "de.md",
            "---\ntitle: Nota de\n---\nDie regionale Entwicklung hängt von der Zusammenarbeit \
             zwischen den Gemeinden und dem Staat ab, die ihre Mittel gemeinsam teilen müssen.\n",
        ),
        (
            "es.md",
            "---\ntitle: Nota es\n---\nEl desarrollo regional depende de la cooperación entre \
             los municipios y el Estado.\n",
        ),
        (
            "en.md",
            "---\ntitle: Nota en\n---\nRegional development depends on the cooperation \
             between the towns and the state.\n",
        ),
    ];
    let (_dir, server) = TestServer::on_files(&notes).await;

    let (status, facets) = server.get("/api/facets").await;
    assert_eq!(status, 200, "{facets}");
    assert_eq!(
        facets["facets"]["lang"],
        json!({"de": 1, "en": 1, "es": 1}),
        "{facets}"
    );
    // `Gemeinde` is found in `Gemeinden` by the German stemmer.
    let (status, body) = server.get("/api/search?q=Gemeinde&lang=de").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 1, "{body}");
    assert_eq!(body["hits"][0]["lang"], "de", "{body}");
    assert_eq!(body["facets"]["lang"], json!({"de": 1}), "{body}");
    let (_, body) = server.get("/api/search?q=regional&lang=Deutsch").await;
    assert_eq!(body["total"], 1, "{body}");
    let (_, body) = server.get("/api/search?q=regional&lang=es").await;
    assert_eq!(body["hits"][0]["lang"], "es", "{body}");
    let (status, body) = server.get("/api/search?q=regional&lang=xx").await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn a_month_stays_a_month_and_filters_as_the_range_of_its_days() {
    let server = TestServer::new().await;
    let (status, body) = server.get("/api/search?q=zampoña").await;
    assert_eq!(status, 200, "{body}");
    let hit = &body["hits"][0];
    assert_eq!(hit["date"], "2024-05", "{hit}");
    assert_eq!(hit["date_source"], "metadata", "{hit}");
    for (range, found) in [
        ("from=2024-05-31", true),
        ("from=2024-05-20&to=2024-06-10", true),
        ("to=2024-05-01", true),
        ("from=2024-06-01", false),
        ("to=2024-04-30", false),
    ] {
        let (status, body) = server.get(&format!("/api/search?q=zampoña&{range}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["total"].as_u64() == Some(1), found, "{range}: {body}");
    }
    let id = hit["id"].as_str().expect("an id");
    let (status, doc) = server.get(&format!("/api/documents/{id}")).await;
    assert_eq!(status, 200, "{doc}");
    assert!(doc.to_string().contains("\"2024-05\""), "{doc}");
    assert!(!doc.to_string().contains("2024-05-01"), "{doc}");
}

#[tokio::test]
async fn snippets_escape_markup_and_keep_only_marks() {
    let server = TestServer::new().await;
    let (status, body) = server.get("/api/search?q=zarandaja").await;
    assert_eq!(status, 200, "{body}");
    let snippet = body["hits"][0]["snippet"].as_str().expect("a snippet");
    assert!(snippet.contains("<mark>zarandaja</mark>"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(snippet.contains("&amp;"), "{snippet}");
    let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!without_marks.contains('<'), "unescaped markup: {snippet}");
}

/// The sample notes open with a disclaimer under a heading that names their subject: the
/// hits show a sentence with the words searched, never the disclaimer.
#[tokio::test]
async fn snippets_show_the_words_searched_not_the_sample_disclaimer() {
    let server = TestServer::new().await;
    let (status, body) = server
        .get("/api/search?q=articulaci%C3%B3n+interinstitucional&limit=20")
        .await;
    assert_eq!(status, 200, "{body}");
    let hits = body["hits"].as_array().expect("hits");
    assert!(hits.len() >= 10, "{body}");
    for hit in hits {
        let snippet = hit["snippet"].as_str().expect("a snippet");
        assert!(snippet.contains("<mark>"), "{}: {snippet}", hit["id"]);
        assert!(!snippet.contains("Nota de sesión de muestra"), "{snippet}");
        assert_eq!(hit["snippets"][0]["html"].as_str(), Some(snippet));
    }
}

#[tokio::test]
async fn words_that_match_nothing_are_named() {
    let server = TestServer::new().await;
    let (status, body) = server.get("/api/search?q=gobernanza+Tacna").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["total"].as_u64() > Some(0), "gobernanza matched");
    assert_eq!(body["unmatched"], json!(["Tacna"]));
    // Filters aside: a word the index holds is not named where the filters leave nothing.
    let (_, body) = server
        .get("/api/search?q=zarandaja&region=Cusco&facets=region")
        .await;
    assert_eq!(body["total"], 0, "{body}");
    assert_eq!(body["unmatched"], json!([]));
    let (_, body) = server.get("/api/search?q=gobernanza+-Tacna").await;
    assert_eq!(body["unmatched"], json!([]));
}

/// Every field of a search response is in the description, and every field it says is
/// required is there.
#[tokio::test]
async fn the_description_names_every_field_of_a_search_response() {
    let server = TestServer::new().await;
    let (_, doc) = server.get("/openapi.json").await;
    let schema = &doc["components"]["schemas"]["SearchResponse"];
    let (_, body) = server.get("/api/search?q=innovacin+Tacna").await;
    let fields = body.as_object().expect("an object");
    for name in fields.keys() {
        assert!(
            schema["properties"][name].is_object(),
            "{name} is not described"
        );
    }
    for name in schema["required"].as_array().expect("required fields") {
        let name = name.as_str().expect("a name");
        assert!(fields.contains_key(name), "{name} is missing: {body}");
    }
}

#[tokio::test]
async fn post_answers_what_get_answers() {
    let server = TestServer::new().await;
    let (_, get) = server
        .get("/api/search?q=agencia+regional&region=biobio&region=Cusco&kind=session_note&limit=5&facets=region,kind")
        .await;
    let body = json!({
        "q": "agencia regional",
        "region": ["biobio", "Cusco"],
        "kind": "session_note",
        "limit": 5,
        "facets": ["region", "kind"],
    });
    let (status, post) = server
        .post(serde_json::to_vec(&body).expect("JSON"), "application/json")
        .await;
    assert_eq!(status, 200, "{post}");
    let without_timing = |mut v: Value| {
        v.as_object_mut().expect("an object").remove("took_ms");
        v
    };
    assert!(get["total"].as_u64() > Some(0));
    assert_eq!(without_timing(get), without_timing(post));
}

#[tokio::test]
async fn user_errors_are_400_and_say_what_is_wrong() {
    let server = TestServer::new().await;
    let cases: [(&str, &str, &[&str]); 15] = [
        (
            "/api/search?q=%22agencia+regional",
            "bad_query",
            &["column"],
        ),
        ("/api/search?q=(cusco", "bad_query", &["column"]),
        (
            "/api/search?q=a&limit=500",
            "bad_parameter",
            &["limit", "500"],
        ),
        (
            "/api/search?q=a&limit=ten",
            "bad_parameter",
            &["limit", "ten"],
        ),
        (
            "/api/search?q=a&offset=-3",
            "bad_parameter",
            &["offset", "-3"],
        ),
        (
            "/api/search?from=2023-02-30",
            "bad_parameter",
            &["from", "2023-02-30"],
        ),
        (
            "/api/search?to=yesterday",
            "bad_parameter",
            &["to", "yesterday"],
        ),
        ("/api/search?from=2024&to=2023", "bad_parameter", &["from"]),
        ("/api/search?q=a&colour=red", "bad_parameter", &["colour"]),
        ("/api/search?q=a&q=b", "bad_parameter", &["\"q\""]),
        ("/api/search?kind=memo", "bad_parameter", &["kind", "memo"]),
        (
            "/api/search?q=a&semantic=maybe",
            "bad_parameter",
            &["semantic", "maybe"],
        ),
        (
            "/api/search?region=Narnia",
            "bad_filter",
            &["region", "Narnia"],
        ),
        ("/api/search?q=%zz", "bad_request", &["percent-encoding"]),
        ("/api/search?q=%FF%FE", "bad_request", &["UTF-8"]),
    ];
    for (path, code, words) in cases {
        let answer = server.get(path).await;
        assert_error(&answer, 400, code, words);
    }

    let answer = server
        .post(b"{\"q\": \"agencia".to_vec(), "application/json")
        .await;
    assert_error(&answer, 400, "bad_json", &["EOF"]);
    let answer = server
        .post(
            br#"{"q": "a", "limit": "ten"}"#.to_vec(),
            "application/json",
        )
        .await;
    assert_error(&answer, 400, "bad_parameter", &["limit"]);
    let answer = server
        .post(
            br#"{"q": "a", "colour": "red"}"#.to_vec(),
            "application/json",
        )
        .await;
    assert_error(&answer, 400, "bad_parameter", &["colour"]);
    let answer = server
        .post(br#"{"region": "Narnia"}"#.to_vec(), "application/json")
        .await;
    assert_error(&answer, 400, "bad_filter", &["Narnia"]);
    let answer = server
        .post(br#"{"from": "2023-13"}"#.to_vec(), "application/json")
        .await;
    assert_error(&answer, 400, "bad_parameter", &["from", "2023-13"]);
}

#[tokio::test]
async fn wrong_routes_methods_bodies_and_types_get_json_errors() {
    let server = TestServer::with_limits(Limits {
        body_bytes: 1024,
        ..Limits::default()
    })
    .await;
    assert_error(
        &server.get("/api/nothing-here").await,
        404,
        "not_found",
        &["/api/nothing-here"],
    );
    assert_error(&server.get("/nothing-here").await, 404, "not_found", &[]);
    assert_error(
        &server.get("/assets/missing.js").await,
        404,
        "not_found",
        &["missing.js"],
    );
    assert_error(
        &server.get("/api/documents/no-such-document").await,
        404,
        "not_found",
        &["no-such-document"],
    );
    assert_error(
        &server.get("/api/documents/bad%20id%3Cx%3E").await,
        404,
        "not_found",
        &[],
    );

    let (status, headers, body) = server.request(Method::DELETE, "/api/search").await;
    assert_error(&(status, body), 405, "method_not_allowed", &[]);
    let allow = headers
        .get(header::ALLOW)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "Allow: {allow}"
    );
    let (status, _, body) = server.request(Method::POST, "/api/facets").await;
    assert_error(&(status, body), 405, "method_not_allowed", &[]);
    let (status, _, body) = server.request(Method::PUT, "/").await;
    assert_error(&(status, body), 405, "method_not_allowed", &[]);

    let big = serde_json::to_vec(&json!({ "q": "a".repeat(4000) })).expect("JSON");
    assert_error(
        &server.post(big, "application/json").await,
        413,
        "payload_too_large",
        &[],
    );
    assert_error(
        &server
            .post(b"q=agencia".to_vec(), "application/x-www-form-urlencoded")
            .await,
        415,
        "unsupported_media_type",
        &[],
    );
    let response = server
        .client
        .post(server.url("/api/search"))
        .body("{}")
        .send()
        .await
        .expect("POST without a type");
    let (status, _, body) = decode(response).await;
    assert_error(&(status, body), 415, "unsupported_media_type", &[]);
}

#[tokio::test]
async fn too_many_searches_at_once_get_a_fast_503() {
    let server = TestServer::with_limits(Limits {
        max_searches: 0,
        ..Limits::default()
    })
    .await;
    for path in [
        "/api/search?q=agencia",
        "/api/facets",
        "/api/stats",
        "/api/documents/x",
        "/api/brief?q=agencia",
    ] {
        let (status, headers, body) = server.request(Method::GET, path).await;
        assert_error(&(status, body), 503, "overloaded", &[]);
        assert_eq!(headers[header::RETRY_AFTER], "1");
    }
    // Health checks do not queue behind searches.
    assert_eq!(server.get("/healthz").await.0, 200);
    assert_eq!(server.get("/readyz").await.0, 200);
}

#[tokio::test]
async fn a_request_over_the_time_limit_gets_a_json_503() {
    let server = TestServer::with_limits(Limits {
        request_timeout: Duration::from_nanos(1),
        ..Limits::default()
    })
    .await;
    // Every search takes longer than the limit, but the limit is a timer: on a machine busy
    // enough that the timer is served late, a search that is already done wins the race (the
    // answer is polled first). So a few tries, each a search not asked before (an answer
    // remembered comes at once), and the first 503 must be the JSON one.
    let mut statuses = Vec::new();
    for attempt in 0..20 {
        let path = format!("/api/search?q=agencia+regional+gobernanza&offset={attempt}");
        let (status, headers, body) = server.request(Method::GET, &path).await;
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert_error(&(status, body), 503, "timeout", &[]);
            assert!(headers.contains_key(header::RETRY_AFTER));
            return;
        }
        statuses.push(status);
    }
    panic!("no search of 20 timed out: {statuses:?}");
}

#[tokio::test]
async fn without_an_index_the_server_waits_for_one() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let index = dir.path().join("index");
    let server = Server::bind(Config {
        addr: "127.0.0.1:0".parse().expect("an address"),
        index_dir: index.clone(),
        corpus_dir: repo_corpus(),
        snapshot_dir: dir.path().join("snapshots"),
        limits: Limits::default(),
        access: minga_server::Access::default(),
        model: None,
    })
    .await
    .expect("bind without an index");
    let addr = server.local_addr();
    assert_ne!(addr.port(), 0);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let client = Client::new();
    let get = |path: &'static str| {
        let client = client.clone();
        async move {
            let response = client
                .get(format!("http://{addr}{path}"))
                .send()
                .await
                .expect("a response");
            let retry = response.headers().contains_key(header::RETRY_AFTER);
            let (status, _, body) = decode(response).await;
            (status, body, retry)
        }
    };

    assert_eq!(get("/healthz").await.0, 200);
    let (status, body, retry) = get("/readyz").await;
    assert_error(&(status, body), 503, "index_unavailable", &["minga index"]);
    assert!(retry);
    let (status, body, _) = get("/api/search?q=agencia").await;
    assert_error(&(status, body), 503, "index_unavailable", &[]);
    let (status, body, _) = get("/api/stats").await;
    assert_error(&(status, body), 503, "index_unavailable", &[]);

    let corpus = repo_corpus();
    let target = index.clone();
    tokio::task::spawn_blocking(move || build_index(&corpus, &target))
        .await
        .expect("index");
    let (status, body, _) = get("/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ready");
    let (status, body, _) = get("/api/search?q=agencia").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["total"].as_u64() > Some(0));

    stop.send(()).expect("the server is running");
    running
        .await
        .expect("the server task")
        .expect("a clean stop");
}

#[tokio::test]
async fn documents_come_with_every_passage_of_their_document() {
    let server = TestServer::new().await;
    let (_, found) = server
        .get("/api/search?q=agencia&kind=session_note&limit=1")
        .await;
    let hit = &found["hits"][0];
    let id = hit["id"].as_str().expect("an id");
    let (status, view) = server.get(&format!("/api/documents/{id}")).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["id"], id);
    assert_eq!(view["parent"], hit["parent"]);
    let passages = view["passages"].as_array().expect("passages");
    assert!(passages.len() > 1, "a session note has several passages");
    assert!(passages.iter().any(|p| p["id"] == id));
    assert!(passages.iter().all(|p| p["parent"] == hit["parent"]));
    let lessons_last = passages
        .iter()
        .skip_while(|p| p["kind"] != "lesson")
        .all(|p| p["kind"] == "lesson");
    assert!(lessons_last, "lessons come last");

    let parent = hit["parent"].as_str().expect("a parent");
    let (status, whole) = server.get(&format!("/api/documents/{parent}")).await;
    assert_eq!(status, 200);
    assert_eq!(whole["passages"], view["passages"]);
}

#[tokio::test]
async fn a_document_asked_with_a_query_says_where_its_words_are() {
    let server = TestServer::new().await;
    // The session note on articulation in Biobío (`id: dia-3-articulacion-biobio`).
    let parent = "dia-3-articulacion-biobio";
    let (status, view) = server
        .get(&format!("/api/documents/{parent}?q=personas%20puente"))
        .await;
    assert_eq!(status, 200, "{view}");
    let passages = view["passages"].as_array().expect("passages");
    let marks = view["marks"].as_object().expect("marks");
    assert!(!marks.is_empty(), "{view}");
    // Every range marks a form of the words searched, counted in characters.
    let mut marked = Vec::new();
    for (id, parts) in marks {
        let passage = passages.iter().find(|p| p["id"] == *id).expect("a passage");
        for (part, ranges) in parts.as_object().expect("parts") {
            let text = match part.as_str() {
                "text" => &passage["text"],
                other => &passage["lesson"][other],
            };
            let chars: Vec<char> = text.as_str().expect("the part's text").chars().collect();
            for range in ranges.as_array().expect("ranges") {
                let (start, end) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
                let word: String = chars[start as usize..end as usize].iter().collect();
                marked.push(word.to_lowercase());
            }
        }
    }
    assert!(
        marked
            .iter()
            .all(|w| w.starts_with("persona") || w.starts_with("puente")),
        "{marked:?}"
    );
    assert!(marked.iter().any(|w| w == "personas"), "{marked:?}");
    // A lesson's parts are marked apart, and the other places the lesson appears (the
    // lessons register, the synthesis report quoting it) are listed with it.
    let lesson = passages
        .iter()
        .find(|p| p["kind"] == "lesson" && p["heading"].as_str().unwrap().contains("puente"))
        .expect("the lesson on bridging people");
    let lesson_id = lesson["id"].as_str().unwrap();
    assert!(
        marks[lesson_id]["lesson"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{view}"
    );
    let copies = view["copies"][lesson_id]
        .as_array()
        .expect("the lesson's other places");
    assert!(
        copies
            .iter()
            .all(|c| c["copy_of"] == lesson_id && c["parent"] != parent),
        "{copies:?}"
    );
    assert!(
        copies
            .iter()
            .any(|c| c["source"]["path"] == "lecciones/lecciones-pasantia.jsonl"),
        "{copies:?}"
    );
    // Headings keep their level: the note's sections are `##`, its subsections `###`.
    assert!(passages.iter().any(|p| p["heading_level"] == 2), "{view}");
    assert!(passages.iter().any(|p| p["heading_level"] == 3), "{view}");

    // Without a query, nothing is marked; a bad query or parameter is a 400 that says so.
    let (_, plain) = server.get(&format!("/api/documents/{parent}")).await;
    assert!(plain.get("marks").is_none(), "{plain}");
    assert_eq!(plain["passages"], view["passages"]);
    assert_error(
        &server
            .get(&format!("/api/documents/{parent}?q=%22agencia"))
            .await,
        400,
        "bad_query",
        &["column"],
    );
    assert_error(
        &server
            .get(&format!("/api/documents/{parent}?q=agencia&limit=3"))
            .await,
        400,
        "bad_parameter",
        &["limit"],
    );
    // While typing, an unclosed quote is not an error and the last word is a prefix.
    let (status, typing) = server
        .get(&format!(
            "/api/documents/{parent}?q=%22personas%20pue&typing=true"
        ))
        .await;
    assert_eq!(status, 200, "{typing}");
    assert!(
        typing["marks"].as_object().is_some_and(|m| !m.is_empty()),
        "{typing}"
    );
}

#[tokio::test]
async fn facets_stats_health_and_the_api_description() {
    let server = TestServer::new().await;
    let (status, body) = server.get("/api/facets").await;
    assert_eq!(status, 200);
    for name in [
        "country",
        "region",
        "institution",
        "kind",
        "lang",
        "year",
        "topic",
    ] {
        assert!(body["facets"][name].is_object(), "no {name}: {body}");
    }
    assert!(
        body["facets"]["region"]["Chile/Biobío"].as_u64() > Some(0),
        "{body}"
    );
    assert!(
        body["facets"]["kind"]["lesson"].as_u64() > Some(0),
        "{body}"
    );

    let (status, stats) = server.get("/api/stats").await;
    assert_eq!(status, 200);
    for key in [
        "files",
        "documents",
        "passages",
        "index_bytes",
        "schema_version",
    ] {
        assert!(stats[key].as_u64() > Some(0), "{key}: {stats}");
    }
    assert!(
        stats["last_indexed"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z')),
        "{stats}"
    );

    assert_eq!(
        server.get("/healthz").await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
    assert_eq!(
        server.get("/readyz").await,
        (StatusCode::OK, json!({"status": "ready"}))
    );

    let (status, doc) = server.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/search"]["post"].is_object());
}

/// Every byte but ASCII letters and digits percent-encoded.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A region or institution filter naming nothing the index knows is refused (400), so the
/// served description lists the names the index holds, and each one it lists is accepted.
#[tokio::test]
async fn the_description_lists_the_filter_names_the_server_accepts() {
    let server = TestServer::new().await;
    let (_, doc) = server.get("/openapi.json").await;
    let parameters = doc["paths"]["/api/search"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    for name in ["region", "institution"] {
        let listed = parameters
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["schema"]["items"]["enum"].as_array())
            .unwrap_or_else(|| panic!("no names listed for {name}"));
        assert!(listed.len() >= 2, "{name}: {listed:?}");
        assert_eq!(
            doc["components"]["schemas"]["SearchParams"]["properties"][name]["oneOf"][0]["enum"]
                .as_array(),
            Some(listed),
            "the body's {name} lists the same names"
        );
        for value in listed {
            let value = value.as_str().expect("a name");
            let query = format!("/api/search?{name}={}&limit=1", encode(value));
            let (status, body) = server.get(&query).await;
            assert_eq!(status, StatusCode::OK, "{query}: {body}");
        }
        let (status, _) = server.get(&format!("/api/search?{name}=Narnia")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "an unlisted {name}");
    }
    let regions = parameters.iter().find(|p| p["name"] == "region").unwrap();
    let listed = regions["schema"]["items"]["enum"].as_array().unwrap();
    for expected in ["Chile", "Chile/Biobío", "Biobío"] {
        assert!(
            listed.iter().any(|v| v == expected),
            "{expected} in {listed:?}"
        );
    }
}

/// The date parameters' pattern in the description, against what the server does with the
/// dates around every edge (months and days out of range, the ends of the years allowed):
/// what the pattern allows, the server accepts. The 29th of February is the one date the
/// server takes (in leap years) that the pattern leaves out.
#[tokio::test]
async fn the_description_allows_no_date_the_server_refuses() {
    let server = TestServer::new().await;
    let (_, doc) = server.get("/openapi.json").await;
    let parameters = doc["paths"]["/api/search"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let pattern = parameters
        .iter()
        .find(|p| p["name"] == "from")
        .and_then(|p| p["schema"]["pattern"].as_str())
        .expect("a pattern for `from`");
    for name in ["from", "to"] {
        assert_eq!(
            doc["components"]["schemas"]["SearchParams"]["properties"][name]["pattern"], pattern,
            "the body's `{name}` is described as the query's"
        );
    }
    let pattern = regex::Regex::new(pattern).expect("a valid pattern");
    let mut dates = vec![
        "1699".to_string(),
        "1700".to_string(),
        "2200".to_string(),
        "2201".to_string(),
        "0000".to_string(),
        "2023-00".to_string(),
        "2023-13".to_string(),
    ];
    for year in [2023, 2024] {
        for month in 1..=12 {
            dates.push(format!("{year}-{month:02}"));
            for day in [0, 1, 28, 29, 30, 31, 32] {
                dates.push(format!("{year}-{month:02}-{day:02}"));
            }
        }
    }
    let mut accepted_outside = Vec::new();
    for date in &dates {
        let (status, body) = server.get(&format!("/api/search?q=agua&from={date}")).await;
        let allowed = pattern.is_match(date);
        if allowed {
            assert_eq!(
                status, 200,
                "{date} fits the pattern and is refused: {body}"
            );
        } else if status == 200 {
            accepted_outside.push(date.as_str());
        } else {
            assert_eq!(status, 400, "{date}: {body}");
        }
    }
    assert_eq!(accepted_outside, ["2024-02-29"]);

    // A passage cannot be deleted alone: the id pattern of DELETE says so.
    let delete =
        doc["paths"]["/api/documents/{id}"]["delete"]["parameters"][0]["schema"]["pattern"]
            .as_str()
            .expect("a pattern for DELETE");
    let delete = regex::Regex::new(delete).expect("a valid pattern");
    assert!(delete.is_match("informe-2023"));
    assert!(!delete.is_match("informe-2023:l1"));
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_safely() {
    let server = TestServer::new().await;
    let response = server
        .client
        .get(server.url("/"))
        .send()
        .await
        .expect("GET /");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        minga_server::CONTENT_SECURITY_POLICY
    );
    assert!(
        minga_server::CONTENT_SECURITY_POLICY.contains("script-src 'self'")
            && minga_server::CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'")
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let html = response.text().await.expect("the page");
    assert!(html.contains("role=\"search\""));
    assert!(html.contains("aria-live"));

    for (name, content_type) in [
        ("app.js", "text/javascript; charset=utf-8"),
        ("i18n.js", "text/javascript; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
    ] {
        let response = server
            .client
            .get(server.url(&format!("/assets/{name}")))
            .send()
            .await
            .expect("an asset");
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(response.headers()[header::CONTENT_TYPE], content_type);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(
            response.headers()[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff"
        );
        let etag = response.headers()[header::ETAG].clone();
        let again = server
            .client
            .get(server.url(&format!("/assets/{name}")))
            .header(header::IF_NONE_MATCH, etag)
            .send()
            .await
            .expect("an asset again");
        assert_eq!(again.status(), 304, "{name}");
    }
    // Error answers are JSON too, with nosniff.
    let (_, headers, _) = server.request(Method::GET, "/api/nothing").await;
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn answers_are_gzipped_when_the_client_asks() {
    let server = TestServer::new().await;
    for path in ["/api/search?q=agencia+regional", "/", "/assets/app.js"] {
        let response = server
            .client
            .get(server.url(path))
            .header(header::ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()[header::CONTENT_ENCODING],
            "gzip",
            "{path}"
        );
        let bytes = response.bytes().await.expect("a body");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .expect("gzip");
        assert!(!text.is_empty(), "{path}");
        if path.starts_with("/api") {
            let body: Value = serde_json::from_str(&text).expect("JSON");
            assert!(body["total"].as_u64() > Some(0));
        }
    }
    let plain = server
        .client
        .get(server.url("/api/search?q=agencia"))
        .send()
        .await
        .expect("a response");
    assert!(!plain.headers().contains_key(header::CONTENT_ENCODING));
}

#[tokio::test]
async fn briefs_download_in_every_format_with_their_type_and_file_name() {
    let server = TestServer::new().await;
    for (format, content_type) in [
        ("md", "text/markdown; charset=utf-8"),
        ("html", "text/html; charset=utf-8"),
        ("json", "application/json"),
        ("csv", "text/csv; charset=utf-8"),
        ("ris", "application/x-research-info-systems"),
    ] {
        let response = server
            .client
            .get(server.url(&format!(
                "/api/brief?q=articulacion+interinstitucional&region=biobio&format={format}"
            )))
            .send()
            .await
            .expect("GET /api/brief");
        assert_eq!(response.status(), StatusCode::OK, "{format}");
        let headers = response.headers().clone();
        assert_eq!(headers[header::CONTENT_TYPE], content_type);
        assert_eq!(
            headers[header::CONTENT_DISPOSITION],
            format!(
                "attachment; filename=\"minga-brief-articulacion-interinstitucional-biobio.{format}\""
            )
            .as_str()
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        // An HTML brief may use its inline style sheet; everything else loads nothing.
        let policy = headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("an ASCII policy");
        assert_eq!(
            policy == minga_server::DEFAULT_CONTENT_SECURITY_POLICY,
            format != "html",
            "{format}: {policy}"
        );
        let body = response.text().await.expect("a body");
        match format {
            "md" => assert!(body.contains("\n## Biobío\n") && body.contains("\n## Fuentes\n")),
            "json" => {
                let brief: Value = serde_json::from_str(&body).expect("JSON");
                let lessons = brief["lessons"].as_array().expect("lessons");
                assert!(!lessons.is_empty());
                for lesson in lessons {
                    assert!(strings(&lesson["regions"]).contains(&"Biobío"), "{lesson}");
                    let n = lesson["citation"].as_u64().expect("a citation");
                    assert!(n >= 1 && n as usize <= brief["sources"].as_array().unwrap().len());
                }
                let today = brief["scope"]["generated"].as_str().expect("a date");
                assert_eq!(today.len(), 10, "{today}");
            }
            "ris" => assert!(body.starts_with("TY  - ")),
            _ => {}
        }
    }

    assert_error(
        &server.get("/api/brief?format=pdf").await,
        400,
        "bad_parameter",
        &["pdf"],
    );
    assert_error(
        &server.get("/api/brief?kind=report").await,
        400,
        "bad_parameter",
        &["kind"],
    );
    assert_error(
        &server.get("/api/brief?region=Narnia").await,
        400,
        "bad_filter",
        &["Narnia"],
    );
    assert_error(
        &server.get("/api/brief?q=%22agencia").await,
        400,
        "bad_query",
        &[],
    );
    assert_error(
        &server.get("/api/brief?limit=101").await,
        400,
        "bad_parameter",
        &["limit"],
    );
}

#[tokio::test]
async fn a_brief_escapes_markup_from_the_corpus() {
    let (_dir, server) = TestServer::on_files(&[(
        "lecciones.jsonl",
        r#"{"id": "lec-x", "title": "Marcas <b>y</b> \"comillas\"", "lang": "es", "lesson": "La lección <script>alert('x')</script> & más.", "context": "Un contexto, con coma."}"#,
    )])
    .await;
    let response = server
        .client
        .get(server.url("/api/brief?q=leccion&format=html"))
        .send()
        .await
        .expect("GET /api/brief");
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("a body");
    assert!(
        html.contains("La lección &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; más."),
        "{html}"
    );
    assert!(
        html.contains("Marcas &lt;b&gt;y&lt;/b&gt; &quot;comillas&quot;"),
        "{html}"
    );
    assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
}

//! `minga serve` against a hostile or unlucky world, the real binary on a copy of the shipped
//! corpus: every limit with its flag (or variable) and its answer; huge numbers, invalid
//! UTF-8, deeply nested JSON; CORS only when configured; a Content-Security-Policy on every
//! answer; markup in documents, metadata and queries escaped wherever it is shown; and a disk
//! that fills up while indexing, which fails the run and keeps the previous index.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use crate::support::{ServerProcess, Workspace, copy_dir, shipped_corpus};
use reqwest::blocking::Client;
use serde_json::{Value, json};

const KEY: &str = "hardening-test-key-0123456789";

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client")
}

fn serve(workspace: &Workspace, key: bool, extra: &[&str]) -> ServerProcess {
    if key {
        workspace.serve_with_key(KEY, extra)
    } else {
        workspace.serve(extra)
    }
}

fn json_of(response: reqwest::blocking::Response) -> (u16, reqwest::header::HeaderMap, Value) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().expect("a body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not JSON ({e}), status {status}: {text}"));
    (status, headers, body)
}

fn get(server: &ServerProcess, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    json_of(client().get(server.url(path)).send().expect("GET"))
}

fn post(server: &ServerProcess, path: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let (status, _, body) = json_of(
        client()
            .post(server.url(path))
            .bearer_auth(KEY)
            .header("content-type", content_type)
            .body(body)
            .send()
            .expect("POST"),
    );
    (status, body)
}

#[track_caller]
fn assert_error(status: u16, body: &Value, expected: u16, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
}

/// Sends `request` as raw bytes and returns the status line's code.
fn raw_status(server: &ServerProcess, request: &[u8]) -> (u16, String) {
    let address = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    stream.write_all(request).expect("send");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, text)
}

#[test]
fn every_limit_has_a_flag_and_an_answer() {
    let workspace = Workspace::new();
    let server = serve(
        &workspace,
        true,
        &[
            "--max-query-bytes",
            "100",
            "--max-query-string",
            "2000",
            "--max-filters",
            "3",
            "--max-facets",
            "2",
            "--max-json-depth",
            "5",
            "--max-body",
            "1000",
            "--max-upload",
            "3000",
            "--max-batch",
            "2",
        ],
    );
    let q = "a".repeat(101);
    let (status, _, body) = get(&server, &format!("/api/search?q={q}"));
    assert_error(status, &body, 400, "bad_query");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("100")
    );
    assert_eq!(get(&server, &format!("/api/search?q={}", &q[..100])).0, 200);
    let (status, _, body) = get(&server, &format!("/api/brief?q={q}"));
    assert_error(status, &body, 400, "bad_query");

    let long = format!("/api/search?q=a&topic={}", "x".repeat(2000));
    let (status, _, body) = get(&server, &long);
    assert_error(status, &body, 414, "uri_too_long");

    let (status, _, body) = get(
        &server,
        "/api/search?region=biobio&region=cusco&kind=lesson&year=2023",
    );
    assert_error(status, &body, 400, "bad_parameter");
    assert_eq!(
        get(
            &server,
            "/api/search?region=biobio&region=cusco&kind=lesson"
        )
        .0,
        200
    );
    let (status, _, body) = get(&server, "/api/search?facets=kind,region,lang");
    assert_error(status, &body, 400, "bad_parameter");

    let deep = format!(
        "{{\"q\":\"a\",\"region\":{}\"x\"{}}}",
        "[".repeat(6),
        "]".repeat(6)
    );
    let (status, body) = post(
        &server,
        "/api/search",
        "application/json",
        deep.into_bytes(),
    );
    assert_error(status, &body, 400, "bad_json");
    let (status, body) = post(
        &server,
        "/api/search",
        "application/json",
        json!({"q": "a".repeat(1200)}).to_string().into_bytes(),
    );
    assert_error(status, &body, 413, "payload_too_large");

    let record = json!({"id": "grande", "text": "palabra ".repeat(500)}).to_string();
    let (status, body) = post(
        &server,
        "/api/documents",
        "application/json",
        record.into_bytes(),
    );
    assert_error(status, &body, 413, "payload_too_large");
    let batch = "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"}\n{\"id\":\"c\",\"text\":\"z\"}\n";
    let (status, body) = post(
        &server,
        "/api/documents",
        "application/x-ndjson",
        batch.into(),
    );
    assert_error(status, &body, 400, "bad_parameter");
    drop(server);

    // The defaults: the engine's own ceiling on queries, 16 KiB of query string.
    let server = serve(&workspace, false, &[]);
    let (status, _, body) = get(&server, &format!("/api/search?q={}", "a".repeat(4097)));
    assert_error(status, &body, 400, "bad_query");
    let (status, _, body) = get(
        &server,
        &format!("/api/search?q=a&topic={}", "x".repeat(17_000)),
    );
    assert_error(status, &body, 414, "uri_too_long");
    drop(server);

    // Variables do what flags do; a query limit above the engine's is refused at start.
    let mut command = workspace.minga();
    command
        .env("MINGA_MAX_QUERY_BYTES", "10")
        .env("MINGA_MAX_SEARCHES", "0")
        .args(["serve", "--addr", "127.0.0.1:0", "--index"])
        .arg(&workspace.index);
    let server = ServerProcess::start(command);
    let (status, headers, body) = get(&server, "/api/search?q=agencia");
    assert_error(status, &body, 503, "overloaded");
    assert_eq!(headers["retry-after"], "1");
    drop(server);
    let output = workspace
        .minga()
        .args([
            "serve",
            "--max-query-bytes",
            "5000",
            "--addr",
            "127.0.0.1:0",
            "--index",
        ])
        .arg(&workspace.index)
        .output()
        .expect("run minga serve");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("4096"));

    // A request over the time limit. The limit is a timer: on a machine busy enough that the
    // timer is served late, a search already done wins the race (its answer is polled
    // first). So a few tries, each a search not asked before (a remembered answer comes at
    // once), and the first 503 must be the timeout's.
    let server = serve(&workspace, false, &["--request-timeout", "0.000001"]);
    let mut statuses = Vec::new();
    for attempt in 0..20 {
        let path = format!("/api/search?q=agencia+regional&offset={attempt}");
        let (status, headers, body) = get(&server, &path);
        if status == 503 {
            assert_error(status, &body, 503, "timeout");
            assert!(headers.contains_key("retry-after"));
            return;
        }
        statuses.push(status);
    }
    panic!("no search of 20 timed out: {statuses:?}");
}

#[test]
fn too_many_writes_at_once_get_a_fast_503() {
    let workspace = Workspace::new();
    let server = serve(&workspace, true, &["--max-pending-writes", "1"]);
    let text = "La alpaca pasta en la puna. ".repeat(20_000);
    let mut overloaded = 0;
    for round in 0..3 {
        let answers: Vec<(u16, Value)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let record = json!({"id": format!("alpaca-{round}-{i}"), "text": text});
                    let server = &server;
                    scope.spawn(move || {
                        post(
                            server,
                            "/api/documents",
                            "application/json",
                            record.to_string().into_bytes(),
                        )
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a client"))
                .collect()
        });
        for (status, body) in &answers {
            assert!(
                *status == 201 || (*status == 503 && body["error"]["code"] == "overloaded"),
                "{status} {body}"
            );
        }
        overloaded += answers.iter().filter(|(s, _)| *s == 503).count();
        if overloaded > 0 {
            break;
        }
    }
    assert!(
        overloaded > 0,
        "no write was refused with one waiting allowed"
    );
}

#[test]
fn hostile_numbers_encodings_and_nesting_get_a_4xx() {
    let workspace = Workspace::new();
    let server = serve(&workspace, true, &[]);
    for path in [
        "/api/search?q=a&limit=99999999999999999999",
        "/api/search?q=a&offset=99999999999999999999",
        "/api/search?q=a&limit=-1",
        "/api/search?q=a&offset=18446744073709551615",
        "/api/search?year=99999999999",
        "/api/brief?q=a&limit=99999999999999999999",
    ] {
        let (status, _, body) = get(&server, path);
        assert_error(status, &body, 400, "bad_parameter");
    }
    // Dates the index cannot hold: refused in filters, clamped in documents.
    for path in [
        "/api/search?to=0000",
        "/api/search?from=9999-12-31",
        "/api/brief?q=a&from=0001",
        "/api/search?year=1144",
        "/api/brief?q=a&year=2023&year=207698529",
    ] {
        let (status, _, body) = get(&server, path);
        assert_error(status, &body, 400, "bad_parameter");
    }
    for (id, date) in [("antiguo", "0001-01-01"), ("lejano", "9999-12-31")] {
        let record = json!({"id": id, "text": "El gliptodonte", "date": date}).to_string();
        let (status, body) = post(
            &server,
            "/api/documents",
            "application/json",
            record.into_bytes(),
        );
        assert_eq!(status, 201, "{date}: {body}");
    }
    let (status, _, body) = get(&server, "/api/search?q=gliptodonte&sort=date");
    assert_eq!((status, body["total"].as_u64()), (200, Some(2)), "{body}");
    for path in [
        "/api/search?q=%FF%FE",
        "/api/search?q=%C3",
        "/api/search?q=%",
        "/api/brief?q=%ED%A0%80",
    ] {
        let (status, _, body) = get(&server, path);
        assert_error(status, &body, 400, "bad_request");
    }
    // Raw bytes that are not UTF-8 in the request line never reach a handler as text.
    let (status, _) = raw_status(
        &server,
        b"GET /api/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 400);

    let deep = "[".repeat(10_000);
    let (status, body) = post(
        &server,
        "/api/search",
        "application/json",
        deep.clone().into_bytes(),
    );
    assert_error(status, &body, 400, "bad_json");
    let (status, body) = post(
        &server,
        "/api/documents",
        "application/json",
        deep.clone().into_bytes(),
    );
    assert_error(status, &body, 400, "bad_json");
    let record = format!("{{\"id\":\"hondo\",\"text\":\"x\",\"meta\":{deep}}}");
    let (status, body) = post(
        &server,
        "/api/documents",
        "application/x-ndjson",
        record.into_bytes(),
    );
    assert_error(status, &body, 400, "bad_json");
    // A deeply nested file is read by the JSON reader, which refuses it without crashing.
    let (status, body) = post(
        &server,
        "/api/documents?filename=hondo.json",
        "application/json",
        deep.into_bytes(),
    );
    assert_error(status, &body, 422, "unreadable_document");
    // And the server is still there.
    assert_eq!(get(&server, "/api/search?q=agencia").0, 200);
}

#[test]
fn cors_is_off_unless_configured() {
    let workspace = Workspace::new();
    workspace.index();
    let origin = "https://intranet.example.org";
    let server = serve(&workspace, false, &[]);
    let response = client()
        .get(server.url("/api/search?q=agencia"))
        .header("origin", origin)
        .send()
        .expect("GET");
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        !response
            .headers()
            .contains_key("access-control-allow-origin")
    );
    let response = client()
        .request(reqwest::Method::OPTIONS, server.url("/api/search"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .send()
        .expect("OPTIONS");
    assert!(
        !response
            .headers()
            .contains_key("access-control-allow-origin")
    );
    drop(server);

    let server = serve(&workspace, false, &["--cors-origin", origin]);
    let response = client()
        .request(reqwest::Method::OPTIONS, server.url("/api/search"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,authorization",
        )
        .send()
        .expect("OPTIONS");
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(response.headers()["access-control-allow-origin"], origin);
    let response = client()
        .get(server.url("/api/search?q=agencia"))
        .header("origin", origin)
        .send()
        .expect("GET");
    assert_eq!(response.headers()["access-control-allow-origin"], origin);
    let response = client()
        .get(server.url("/api/search?q=agencia"))
        .header("origin", "https://evil.example.com")
        .send()
        .expect("GET");
    assert!(
        !response
            .headers()
            .contains_key("access-control-allow-origin")
    );
    drop(server);

    let output = workspace
        .minga()
        .args([
            "serve",
            "--cors-origin",
            "not an origin",
            "--addr",
            "127.0.0.1:0",
            "--index",
        ])
        .arg(&workspace.index)
        .output()
        .expect("run minga serve");
    assert!(!output.status.success());
}

/// Markup that would run if it were ever inserted into a page unescaped.
const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

#[test]
fn markup_is_escaped_wherever_it_is_shown() {
    let workspace = Workspace::new();
    let server = serve(&workspace, true, &[]);
    let record = json!({
        "id": "nota-hostil",
        "title": format!("Título {SCRIPT} {IMG}"),
        "kind": "lesson",
        "lang": "es",
        "country": "Chile",
        "regions": ["Biobío", SCRIPT],
        "institutions": [IMG],
        "topics": [SCRIPT],
        "authors": [IMG],
        "event": SCRIPT,
        "context": format!("Contexto {IMG} del ornitorrinco"),
        "lesson": format!("La lección del ornitorrinco {SCRIPT} {IMG}"),
        "recommendation": format!("Recomendación {SCRIPT}"),
        "text": format!("El ornitorrinco {SCRIPT} habló {IMG} en la mesa."),
    });
    let (status, body) = post(
        &server,
        "/api/documents",
        "application/json",
        record.to_string().into_bytes(),
    );
    assert_eq!(status, 201, "{body}");

    // The API: snippets are HTML with only <mark>; other fields are JSON strings, kept as
    // written (a client must escape them, as the page does).
    // A query with an unbalanced quote is refused, without echoing it; one with markup is
    // searched for.
    let query = "ornitorrinco+%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E";
    let (status, _, body) = get(&server, &format!("/api/search?q={query}"));
    assert_error(status, &body, 400, "bad_query");
    assert!(
        !body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("<img"),
        "{body}"
    );
    let query =
        "ornitorrinco+%3Cscript%3Ealert(1)%3C%2Fscript%3E+%3Cimg+src%3Dx+onerror%3Dalert(1)%3E";
    let (status, _, body) = get(&server, &format!("/api/search?q={query}"));
    assert_eq!(status, 200, "{body}");
    let hit = &body["hits"][0];
    assert_eq!(hit["id"], "nota-hostil", "{body}");
    assert!(hit["title"].as_str().unwrap_or("").contains(SCRIPT));
    let mut html = vec![hit["snippet"].as_str().unwrap_or("").to_string()];
    html.extend(
        hit["snippets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["html"].as_str().map(String::from)),
    );
    for fragment in &html {
        let without_marks = fragment.replace("<mark>", "").replace("</mark>", "");
        assert!(
            !without_marks.contains('<'),
            "unescaped markup in a snippet: {fragment}"
        );
        assert!(
            !without_marks.contains('>'),
            "unescaped markup in a snippet: {fragment}"
        );
    }
    assert!(
        html.iter().any(|h| h
            .replace("<mark>", "")
            .replace("</mark>", "")
            .contains("&lt;script&gt;")),
        "{html:?}"
    );

    // Briefs: HTML escapes everything, and says so in its policy.
    let response = client()
        .get(server.url(&format!(
            "/api/brief?q=ornitorrinco&format=html&title={}",
            "%3Cscript%3Ealert(2)%3C%2Fscript%3E"
        )))
        .send()
        .expect("GET the brief");
    assert_eq!(response.status().as_u16(), 200);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .expect("a policy")
        .to_string();
    assert!(
        policy.contains("default-src 'none'") && !policy.contains("script-src"),
        "{policy}"
    );
    let brief = response.text().expect("the brief");
    assert!(
        brief.contains("ornitorrinco"),
        "the lesson is not in the brief"
    );
    let lower = brief.to_lowercase();
    assert!(
        !lower.contains("<script"),
        "a script in the brief:\n{brief}"
    );
    assert!(!lower.contains("<img"), "an image in the brief:\n{brief}");
    assert!(brief.contains("&lt;script&gt;"), "{brief}");
    for format in ["md", "csv", "json", "ris"] {
        let response = client()
            .get(server.url(&format!("/api/brief?q=ornitorrinco&format={format}")))
            .send()
            .expect("GET the brief");
        assert_eq!(response.status().as_u16(), 200, "{format}");
        assert!(
            !response.headers()["content-type"]
                .to_str()
                .unwrap_or("")
                .contains("html")
        );
    }

    // The document view answers JSON, never HTML.
    let (status, headers, _) = get(&server, "/api/documents/nota-hostil");
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
}

#[test]
fn every_answer_carries_a_content_security_policy() {
    let workspace = Workspace::new();
    let server = serve(&workspace, false, &[]);
    for (path, html) in [
        ("/", true),
        ("/?q=%3Cscript%3E", true),
        ("/api/brief?q=agencia&format=html", true),
        ("/api/search?q=agencia", false),
        ("/api/nothing", false),
        ("/nothing", false),
        ("/assets/app.js", false),
        ("/openapi.json", false),
        ("/healthz", false),
    ] {
        let response = client().get(server.url(path)).send().expect("GET");
        let policy = response
            .headers()
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path} has no Content-Security-Policy"))
            .to_str()
            .expect("ASCII")
            .to_string();
        assert!(!policy.contains("unsafe-eval"), "{path}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        let kind = response.headers()["content-type"]
            .to_str()
            .expect("ASCII")
            .to_string();
        assert_eq!(kind.starts_with("text/html"), html, "{path}: {kind}");
        if html {
            assert!(
                !policy.contains("script-src 'unsafe-inline'"),
                "{path}: {policy}"
            );
        }
    }
}

/// A small file system that fills up: a tmpfs where the test may mount one (as root), else
/// a limit on file sizes for the processes it starts (`ulimit -f`), which fails their
/// writes the same way.
enum SmallDisk {
    Tmpfs(PathBuf),
    FileSizeLimit(PathBuf),
}

impl SmallDisk {
    fn new(dir: &Path) -> SmallDisk {
        let mount = dir.join("small");
        std::fs::create_dir_all(&mount).expect("create the mount point");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=16m", "tmpfs"])
            .arg(&mount)
            .output()
            .is_ok_and(|o| o.status.success());
        if mounted {
            SmallDisk::Tmpfs(mount)
        } else {
            eprintln!("cannot mount a tmpfs (not root?): limiting file sizes instead");
            SmallDisk::FileSizeLimit(mount)
        }
    }

    fn path(&self) -> &Path {
        match self {
            SmallDisk::Tmpfs(p) | SmallDisk::FileSizeLimit(p) => p,
        }
    }

    /// Fills the disk until `room` bytes are left.
    fn fill(&self, room: u64) {
        let SmallDisk::Tmpfs(path) = self else {
            return;
        };
        let output = Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(path)
            .output()
            .expect("run df");
        let available: u64 = String::from_utf8_lossy(&output.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse().ok())
            .expect("df's figure");
        let filler = vec![0u8; available.saturating_sub(room) as usize];
        std::fs::write(path.join("filler"), filler).expect("write the filler");
    }

    fn empty(&self) {
        let _ = std::fs::remove_file(self.path().join("filler"));
    }

    /// `minga` with its writes limited as the disk is.
    fn minga(&self, workspace: &Workspace) -> Command {
        match self {
            SmallDisk::Tmpfs(_) => workspace.minga(),
            SmallDisk::FileSizeLimit(_) => {
                let mut command = Command::new("bash");
                command.args([
                    "-c",
                    "trap '' XFSZ; ulimit -f 400; exec \"$0\" \"$@\"",
                    env!("CARGO_BIN_EXE_minga"),
                ]);
                command.current_dir(workspace.dir.path());
                command
            }
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if let SmallDisk::Tmpfs(path) = self {
            let _ = Command::new("umount").arg("-l").arg(path).status();
        }
    }
}

/// Text of `words` words that share little with each other, for a big segment.
fn varied_text(words: usize, seed: u64) -> String {
    let mut state = seed;
    let mut text = String::new();
    for i in 0..words {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        text.push_str(&format!("w{:x} ", state >> 33));
        if i % 20 == 19 {
            text.push_str(".\n\n");
        }
    }
    text
}

fn total(output: &Output) -> u64 {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let body: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    body["total"].as_u64().expect("a total")
}

#[test]
fn a_full_disk_fails_indexing_cleanly_and_keeps_the_previous_index() {
    let mut workspace = Workspace::new();
    let disk = SmallDisk::new(workspace.dir.path());
    workspace.corpus = disk.path().join("corpus");
    workspace.index = disk.path().join("index");
    copy_dir(&shipped_corpus(), &workspace.corpus);
    workspace.index();
    let search = |word: &str| {
        disk.minga(&workspace)
            .args(["search", word, "--json", "--index"])
            .arg(&workspace.index)
            .output()
            .expect("minga search")
    };
    let before = total(&search("agencia"));
    assert!(before > 0);

    // A big document, and a disk too full to index it.
    workspace.write(
        "informes/enorme.md",
        &format!(
            "# Enorme\n\nEl quebrantahuesos {}\n",
            varied_text(150_000, 7)
        ),
    );
    disk.fill(300 << 10);
    let output = disk
        .minga(&workspace)
        .arg("index")
        .arg(&workspace.corpus)
        .arg("--index")
        .arg(&workspace.index)
        .arg("--quiet")
        .output()
        .expect("minga index");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "indexing on a full disk succeeded:\n{stderr}"
    );
    assert!(
        stderr.contains("space") || stderr.contains("too large"),
        "the error does not say the disk is full:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The previous index answers as before.
    assert_eq!(total(&search("agencia")), before);
    assert_eq!(total(&search("quebrantahuesos")), 0);

    // The server's writes on the full disk: refused with 507, nothing left behind.
    let server = {
        let mut command = disk.minga(&workspace);
        command
            .env("MINGA_API_KEY", KEY)
            .arg("serve")
            .arg("--index")
            .arg(&workspace.index)
            .arg("--corpus")
            .arg(&workspace.corpus)
            .arg("--addr")
            .arg("127.0.0.1:0");
        std::fs::remove_file(workspace.corpus.join("informes/enorme.md")).expect("remove it");
        ServerProcess::start(command)
    };
    let big =
        json!({"id": "registro-enorme", "text": format!("El zorzal {}", varied_text(120_000, 11))});
    let (status, body) = post(
        &server,
        "/api/documents",
        "application/json",
        big.to_string().into_bytes(),
    );
    assert_error(status, &body, 507, "insufficient_storage");
    assert!(
        !workspace
            .corpus
            .join("api/records/registro-enorme.json")
            .exists()
    );
    let leftovers: Vec<_> = std::fs::read_dir(workspace.corpus.join("api/records"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A write whose file fits but whose index does not, or that fits altogether: either
    // way, the corpus and the index agree.
    let middling = json!({"id": "registro-mediano", "text": format!("El chingolo {}", varied_text(6_000, 13))});
    let (status, body) = post(
        &server,
        "/api/documents",
        "application/json",
        middling.to_string().into_bytes(),
    );
    let stored = workspace
        .corpus
        .join("api/records/registro-mediano.json")
        .exists();
    let (_, _, found) = get(&server, "/api/search?q=chingolo");
    match status {
        201 => assert!(stored && found["total"] == 1, "{found}"),
        507 => assert!(!stored && found["total"] == 0, "{found}"),
        other => panic!("{other}: {body}"),
    }
    let (status, _, found) = get(&server, "/api/search?q=agencia");
    assert_eq!((status, found["total"].as_u64()), (200, Some(before)));

    // With room again, everything works.
    disk.empty();
    let (status, body) = post(
        &server,
        "/api/documents",
        "application/json",
        big.to_string().into_bytes(),
    );
    assert_eq!(status, 201, "{body}");
    let (_, _, found) = get(&server, "/api/search?q=zorzal");
    assert_eq!(found["total"], 1, "{found}");
    drop(server);
    workspace.index();
}

/// Whether the server has closed `stream`: a read ends (EOF or reset) within `wait`.
fn closed_by_server(stream: &mut TcpStream, wait: Duration) -> bool {
    stream
        .set_read_timeout(Some(wait))
        .expect("set a read timeout");
    let mut sink = Vec::new();
    match stream.read_to_end(&mut sink) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

#[test]
fn slow_clients_are_cut_off_and_do_not_hold_the_server() {
    let workspace = Workspace::new();
    workspace.index();
    let server = serve(&workspace, false, &["--header-timeout", "1"]);
    let addr = server.base.trim_start_matches("http://").to_string();

    // A thousand clients that start a request and never finish its headers.
    let started = std::time::Instant::now();
    let mut slow: Vec<TcpStream> = (0..1000)
        .map(|_| {
            let mut stream = TcpStream::connect(&addr).expect("connect");
            stream
                .write_all(b"GET /api/search?q=agua HTTP/1.1\r\nHost: minga\r\n")
                .expect("write half a request");
            stream
        })
        .collect();
    // Others are answered meanwhile.
    let (status, _, body) = get(&server, "/api/search?q=agua");
    assert_eq!(status, 200, "{body}");
    // Each slow one is closed once its header time is up (with room for a machine busy
    // with other tests: what counts is that none stays open).
    let deadline = started + Duration::from_secs(20);
    let still_open = slow
        .iter_mut()
        .map(|s| {
            let wait = deadline.saturating_duration_since(std::time::Instant::now());
            closed_by_server(s, wait.max(Duration::from_millis(10)))
        })
        .filter(|closed| !closed)
        .count();
    assert_eq!(
        still_open, 0,
        "slow connections left open after the header timeout"
    );
    let (status, _, _) = get(&server, "/api/stats");
    assert_eq!(status, 200);

    // A kept-alive connection left idle is closed after the same time.
    let mut idle = TcpStream::connect(&addr).expect("connect");
    idle.write_all(b"GET /api/stats HTTP/1.1\r\nHost: minga\r\n\r\n")
        .expect("write a request");
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).expect("an answer");
    assert_eq!(&first, b"HTTP/1.1 200");
    assert!(
        closed_by_server(&mut idle, Duration::from_secs(5)),
        "an idle kept-alive connection was not closed"
    );
    drop(server);

    // SIGTERM with a client that never finishes its request, and one with a slow search in
    // flight: the server exits within its grace period.
    let server = serve(
        &workspace,
        false,
        &["--header-timeout", "60", "--shutdown-grace", "1"],
    );
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut half = TcpStream::connect(&addr).expect("connect");
    half.write_all(b"GET /api/stats HTTP/1.1\r\n")
        .expect("write half a request");
    std::thread::sleep(Duration::from_millis(200));
    let asked = std::time::Instant::now();
    let (status, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{status}: {log}");
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "SIGTERM took {:?} with a half-open connection",
        asked.elapsed()
    );
}

#[test]
fn a_url_too_long_to_parse_still_gets_a_414() {
    let workspace = Workspace::new();
    workspace.index();
    let server = serve(&workspace, false, &[]);
    // Just under what the HTTP layer can parse: Minga's own JSON answer.
    let (status, _, body) = get(
        &server,
        &format!("/api/search?q=a&topic={}", "x".repeat(60_000)),
    );
    assert_error(status, &body, 414, "uri_too_long");
    // A megabyte, sent by hand (HTTP client libraries refuse URLs this long): the layer
    // below answers 414 itself, with no body, and the server goes on.
    let request = format!(
        "GET /api/search?q=a&topic={} HTTP/1.1\r\nHost: minga\r\nConnection: close\r\n\r\n",
        "x".repeat(1 << 20)
    );
    let (status, response) = raw_status(&server, request.as_bytes());
    assert_eq!(status, 414, "{}", &response[..response.len().min(300)]);
    assert_eq!(get(&server, "/api/stats").0, 200);
}

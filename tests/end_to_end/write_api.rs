//! The write API end to end: the real `minga serve` with an API key, on a copy of the shipped
//! corpus. Writes need the key; what is written is searchable as soon as it is acknowledged,
//! lives in the corpus folder (so a rebuild keeps it), and survives `kill -9` in the middle
//! of a burst of writes; SIGTERM lets writes in flight finish; a `minga index` holding the
//! index makes writes wait with a 503.

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{ServerProcess, Workspace};
use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};

const KEY: &str = "write-api-test-key-0123456789";

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client")
}

/// `minga serve` on `workspace` with the API key in `MINGA_API_KEY`, and `extra` flags.
fn serve_with_key(workspace: &Workspace, extra: &[&str]) -> ServerProcess {
    workspace.serve_with_key(KEY, extra)
}

/// Status, headers and JSON body of a response.
fn answer(response: Response) -> (u16, reqwest::header::HeaderMap, Value) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().expect("a body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not JSON ({e}) with status {status}: {text}"));
    (status, headers, body)
}

fn post(
    server: &ServerProcess,
    key: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> (u16, Value) {
    post_to(server, "/api/documents", key, content_type, body)
}

fn post_to(
    server: &ServerProcess,
    path: &str,
    key: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> (u16, Value) {
    let mut request = client()
        .post(server.url(path))
        .header("content-type", content_type)
        .body(body.to_vec());
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let (status, _, body) = answer(request.send().expect("POST"));
    (status, body)
}

fn delete(server: &ServerProcess, id: &str) -> (u16, Value) {
    let (status, _, body) = answer(
        client()
            .delete(server.url(&format!("/api/documents/{id}")))
            .bearer_auth(KEY)
            .send()
            .expect("DELETE"),
    );
    (status, body)
}

fn get(server: &ServerProcess, path: &str) -> (u16, Value) {
    let (status, _, body) = answer(client().get(server.url(path)).send().expect("GET"));
    (status, body)
}

/// The ids of a search's hits.
fn hit_ids(server: &ServerProcess, query: &str) -> Vec<String> {
    let (status, body) = get(server, &format!("/api/search?q={query}&facets="));
    assert_eq!(status, 200, "{body}");
    body["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["id"].as_str().map(String::from))
        .collect()
}

#[track_caller]
fn assert_error(answer: &(u16, Value), status: u16, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error"]["code"], code, "{}", answer.1);
}

#[test]
fn writes_need_the_key_and_are_searchable_once_acknowledged() {
    let workspace = Workspace::new();
    let server = serve_with_key(&workspace, &[]);
    let record = json!({
        "id": "nota-quirquincho",
        "title": "El quirquincho de Cusco",
        "text": "El quirquincho cruzó la mesa de trabajo de la agencia regional.",
        "lang": "es",
        "regions": ["Cusco"],
    });
    let bytes = serde_json::to_vec(&record).expect("JSON");

    // No key, a malformed header, a wrong key.
    let response = client()
        .post(server.url("/api/documents"))
        .header("content-type", "application/json")
        .body(bytes.clone())
        .send()
        .expect("POST");
    let (status, headers, body) = answer(response);
    assert_error(&(status, body), 401, "unauthorized");
    assert_eq!(headers["www-authenticate"], "Bearer realm=\"minga\"");
    let response = client()
        .post(server.url("/api/documents"))
        .header("authorization", format!("Basic {KEY}"))
        .header("content-type", "application/json")
        .body(bytes.clone())
        .send()
        .expect("POST");
    assert_error(
        &{
            let (s, _, b) = answer(response);
            (s, b)
        },
        401,
        "unauthorized",
    );
    assert_error(
        &post(
            &server,
            Some("a-wrong-key-of-enough-length"),
            "application/json",
            &bytes,
        ),
        403,
        "forbidden",
    );
    assert!(hit_ids(&server, "quirquincho").is_empty());
    assert!(
        !workspace.corpus.join("api").exists(),
        "a refused write left files"
    );

    // A record: searchable in the very next request, stored in the corpus.
    let (status, body) = post(&server, Some(KEY), "application/json", &bytes);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["documents"][0]["id"], "nota-quirquincho");
    assert_eq!(
        body["documents"][0]["file"],
        "api/records/nota-quirquincho.json"
    );
    assert_eq!(body["documents"][0]["status"], "created");
    assert_eq!(hit_ids(&server, "quirquincho"), ["nota-quirquincho"]);
    let stored = workspace.corpus.join("api/records/nota-quirquincho.json");
    let on_disk: Value =
        serde_json::from_slice(&std::fs::read(&stored).expect("the stored record")).expect("JSON");
    assert_eq!(on_disk, record);
    let (status, body) = get(&server, "/api/documents/nota-quirquincho");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["passages"][0]["regions"][0], "Cusco");

    // The same id again replaces it.
    let replaced =
        json!({"id": "nota-quirquincho", "title": "Otra", "text": "Ahora habla del tatú carreta."});
    let (status, body) = post(
        &server,
        Some(KEY),
        "application/json",
        replaced.to_string().as_bytes(),
    );
    assert_eq!(
        (status, body["documents"][0]["status"].as_str()),
        (201, Some("updated")),
        "{body}"
    );
    assert!(hit_ids(&server, "quirquincho").is_empty());
    assert_eq!(hit_ids(&server, "tatu+carreta"), ["nota-quirquincho"]);

    // A batch of records, all or none.
    let batch = "{\"id\":\"lote-1\",\"title\":\"Uno\",\"text\":\"El pichiciego del lote uno.\"}\n\
                 \n\
                 {\"id\":\"lote-2\",\"title\":\"Dos\",\"text\":\"El pichiciego del lote dos.\"}\n";
    let (status, body) = post(&server, Some(KEY), "application/x-ndjson", batch.as_bytes());
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["documents"].as_array().map(Vec::len), Some(2));
    let mut ids = hit_ids(&server, "pichiciego");
    ids.sort();
    assert_eq!(ids, ["lote-1", "lote-2"]);
    let broken = "{\"id\":\"lote-3\",\"text\":\"uno\"}\n{\"id\":\"lote-4\",\"text\":";
    let answer = post(
        &server,
        Some(KEY),
        "application/x-ndjson",
        broken.as_bytes(),
    );
    assert_error(&answer, 400, "bad_json");
    assert!(
        answer.1["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("line 2")
    );
    assert!(!workspace.corpus.join("api/records/lote-3.json").exists());

    // A file of any format, stored under a safe name.
    let (status, body) = post_to(
        &server,
        "/api/documents?filename=Informe%20de%20Ca%C3%B1ete.md",
        Some(KEY),
        "text/markdown",
        "---\ntitle: Informe de Cañete\n---\n\n# Cañete\n\nEl guanaco visitó la agencia.\n"
            .as_bytes(),
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["documents"][0]["file"],
        "api/files/informe-de-canete.md"
    );
    assert_eq!(
        hit_ids(&server, "guanaco"),
        [body["documents"][0]["id"].as_str().unwrap_or("")]
    );

    // Conflicts: an id a corpus file uses; deleting what the corpus holds; a passage id.
    let corpus_id = "dia-3-articulacion-biobio";
    assert_eq!(get(&server, &format!("/api/documents/{corpus_id}")).0, 200);
    let clash = json!({"id": corpus_id, "text": "otra cosa"}).to_string();
    assert_error(
        &post(&server, Some(KEY), "application/json", clash.as_bytes()),
        409,
        "conflict",
    );
    assert_error(&delete(&server, corpus_id), 409, "conflict");
    assert_error(&delete(&server, "lote-1:p1"), 400, "bad_parameter");
    assert_error(&delete(&server, "no-such-record"), 404, "not_found");

    // Deleting: gone from the index and the corpus.
    let (status, body) = delete(&server, "lote-1");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["deleted"], json!(["lote-1"]));
    assert_eq!(hit_ids(&server, "pichiciego"), ["lote-2"]);
    assert!(!workspace.corpus.join("api/records/lote-1.json").exists());
    assert_error(&delete(&server, "lote-1"), 404, "not_found");

    // The writes are corpus files: a rebuild from the corpus keeps them.
    drop(server);
    let output = workspace
        .minga()
        .arg("index")
        .arg(&workspace.corpus)
        .arg("--index")
        .arg(&workspace.index)
        .arg("--rebuild")
        .arg("--quiet")
        .output()
        .expect("minga index --rebuild");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let server = serve_with_key(&workspace, &[]);
    assert_eq!(hit_ids(&server, "pichiciego"), ["lote-2"]);
    assert_eq!(hit_ids(&server, "tatu+carreta"), ["nota-quirquincho"]);
}

/// A search's answer, with whether it was remembered (`x-minga-answer`).
fn searched(server: &ServerProcess, query: &str) -> (String, Value) {
    let (status, headers, body) = answer(
        client()
            .get(server.url(&format!("/api/search?{query}")))
            .send()
            .expect("GET"),
    );
    assert_eq!(status, 200, "{body}");
    let how = headers
        .get("x-minga-answer")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("missing")
        .to_string();
    (how, body)
}

/// The answer without the time it took, which is all that may differ when remembered.
fn untimed(mut body: Value) -> Value {
    body.as_object_mut().expect("an object").remove("took_ms");
    body
}

#[test]
fn a_search_asked_again_is_remembered_until_a_write_changes_the_index() {
    let workspace = Workspace::new();
    let server = serve_with_key(&workspace, &[]);
    let query = "q=quirquincho%20OR%20articulacion&region=Biob%C3%ADo";
    let (first_how, first) = searched(&server, query);
    assert_eq!(first_how, "searched");
    let (again_how, again) = searched(&server, query);
    assert_eq!(again_how, "remembered");
    assert_eq!(untimed(again), untimed(first.clone()));
    // Anything else in the request is another search: another page, another filter.
    let (how, _) = searched(&server, &format!("{query}&offset=1"));
    assert_eq!(how, "searched");
    let (how, _) = searched(&server, "q=quirquincho%20OR%20articulacion");
    assert_eq!(how, "searched");

    // A write commits: the remembered answer is forgotten, and the new document is found.
    let record = json!({
        "id": "nota-quirquincho-biobio",
        "title": "El quirquincho del Biobío",
        "text": "El quirquincho cruzó la mesa de trabajo de la agencia regional.",
        "lang": "es",
        "regions": ["Biobío"],
    });
    let (status, body) = post(
        &server,
        Some(KEY),
        "application/json",
        &serde_json::to_vec(&record).expect("JSON"),
    );
    assert_eq!(status, 201, "{body}");
    let (after_how, after) = searched(&server, query);
    assert_eq!(after_how, "searched");
    assert_eq!(
        after["total"].as_u64(),
        first["total"].as_u64().map(|t| t + 1),
        "{after}"
    );
    let (how, _) = searched(&server, query);
    assert_eq!(how, "remembered");
    drop(server);

    // With no memory for answers, every search is searched.
    let server = serve_with_key(&workspace, &["--answer-cache-mb", "0"]);
    for _ in 0..2 {
        let (how, _) = searched(&server, query);
        assert_eq!(how, "searched");
    }
}

#[test]
fn without_a_key_writes_are_disabled_and_reads_can_be_protected() {
    let workspace = Workspace::new();
    let server = workspace.serve(&[]);
    let record = br#"{"id":"x-1","text":"nada"}"#;
    assert_error(
        &post(&server, None, "application/json", record),
        403,
        "writes_disabled",
    );
    assert_error(
        &post(&server, Some(KEY), "application/json", record),
        403,
        "writes_disabled",
    );
    assert_error(&delete(&server, "x-1"), 403, "writes_disabled");
    assert!(!workspace.corpus.join("api").exists());
    drop(server);

    let server = serve_with_key(&workspace, &["--protect-reads"]);
    for path in [
        "/api/search?q=agencia",
        "/api/facets",
        "/api/stats",
        "/api/brief?q=agencia",
    ] {
        let response = client().get(server.url(path)).send().expect("GET");
        let (status, headers, body) = answer(response);
        assert_error(&(status, body), 401, "unauthorized");
        assert!(headers.contains_key("www-authenticate"), "{path}");
        let response = client()
            .get(server.url(path))
            .bearer_auth(KEY)
            .send()
            .expect("GET");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let response = client()
            .get(server.url(path))
            .bearer_auth("a-wrong-key-of-enough-length")
            .send()
            .expect("GET");
        assert_eq!(response.status().as_u16(), 403, "{path}");
    }
    // The page, its assets, the health checks and the description stay open.
    for path in [
        "/",
        "/assets/app.js",
        "/healthz",
        "/readyz",
        "/openapi.json",
    ] {
        let response = client().get(server.url(path)).send().expect("GET");
        assert_eq!(response.status().as_u16(), 200, "{path}");
    }

    // A weak key is refused at start.
    let output = workspace
        .minga()
        .env("MINGA_API_KEY", "short")
        .args(["serve", "--addr", "127.0.0.1:0", "--index"])
        .arg(&workspace.index)
        .output()
        .expect("run minga serve");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 16"));
}

#[test]
fn the_key_can_come_from_a_file() {
    let workspace = Workspace::new();
    let key_file = workspace.dir.path().join("api-key");
    // Only the first line is the key: what follows (a note, an old key) is not part of it.
    std::fs::write(&key_file, format!("{KEY}\nold: {KEY}-before\n")).expect("write the key file");
    let server = workspace.serve(&["--api-key-file", key_file.to_str().expect("a UTF-8 path")]);
    let (status, body) = post(
        &server,
        Some(KEY),
        "application/json",
        br#"{"id":"desde-archivo","text":"La vizcacha."}"#,
    );
    assert_eq!(status, 201, "{body}");
    assert_eq!(hit_ids(&server, "vizcacha"), ["desde-archivo"]);
}

#[test]
fn names_and_ids_cannot_leave_the_corpus() {
    let workspace = Workspace::new();
    let server = serve_with_key(&workspace, &[]);
    let body = b"# Nota\n\nEl coipo nada en el estero.\n";
    for (name, stored) in [
        ("..%2F..%2Fescape.md", "escape.md"),
        ("%2Fetc%2Fpasswd.md", "passwd.md"),
        ("..%5C..%5Cwin.md", "win.md"),
        ("a%00b.md", "a-b.md"),
        ("..%EF%BC%8F..%EF%BC%8Ffull.md", "full.md"),
        ("%E2%80%AEdm.exe.md", "dm.exe.md"),
        (".hidden.md", "hidden.md"),
    ] {
        let (status, answer) = post_to(
            &server,
            &format!("/api/documents?filename={name}"),
            Some(KEY),
            "application/octet-stream",
            body,
        );
        assert_eq!(status, 201, "{name}: {answer}");
        assert_eq!(
            answer["documents"][0]["file"],
            format!("api/files/{stored}"),
            "{name}"
        );
        assert!(
            workspace.corpus.join("api/files").join(stored).is_file(),
            "{name}"
        );
    }
    // Nothing was written outside api/files.
    for escaped in ["escape.md", "passwd.md", "win.md", "full.md"] {
        assert!(!workspace.dir.path().join(escaped).exists());
        assert!(!workspace.corpus.join(escaped).exists());
    }
    for name in ["..", "noextension", "x.exe", "README.md"] {
        let (status, answer) = post_to(
            &server,
            &format!("/api/documents?filename={name}"),
            Some(KEY),
            "application/octet-stream",
            body,
        );
        assert!(status == 400 || status == 415, "{name}: {status} {answer}");
    }
    for id in ["../../etc/passwd", "..", "_meta", ".x", "a b", "a/b"] {
        let record = json!({"id": id, "text": "coipo"}).to_string();
        assert_error(
            &post(&server, Some(KEY), "application/json", record.as_bytes()),
            400,
            "bad_parameter",
        );
    }
    for path in [
        "/api/documents/..%2F..%2Fetc%2Fpasswd",
        "/api/documents/%2e%2e",
        "/api/documents/a%00b",
    ] {
        let response = client()
            .delete(server.url(path))
            .bearer_auth(KEY)
            .send()
            .expect("DELETE");
        let status = response.status().as_u16();
        assert!(status == 404 || status == 400, "{path}: {status}");
    }
    for path in [
        "/assets/..%2F..%2FCargo.toml",
        "/assets/%2e%2e%2fapp.js",
        "/assets/%2E%2E%5Capp.js",
        "/assets/app.js%00",
    ] {
        let response = client().get(server.url(path)).send().expect("GET");
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
}

#[cfg(unix)]
#[test]
fn a_file_sent_without_a_name_is_named_by_its_content() {
    let workspace = Workspace::new();
    let server = serve_with_key(&workspace, &[]);
    let text = "El vicuñero de Puno llevó la mesa de trabajo al mercado.".as_bytes();
    // Its type says what it is.
    let (status, first) = post(&server, Some(KEY), "text/plain", text);
    assert_eq!(status, 201, "{first}");
    let file = first["documents"][0]["file"]
        .as_str()
        .expect("a file")
        .to_string();
    assert!(
        file.starts_with("api/files/upload-") && file.ends_with(".txt"),
        "{first}"
    );
    assert!(workspace.corpus.join(&file).is_file());
    assert_eq!(hit_ids(&server, "vicuñero").len(), 1);
    // The same bytes again: the same file, not a copy.
    let (status, again) = post(&server, Some(KEY), "application/octet-stream", text);
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["documents"][0]["file"], file.as_str());
    assert_eq!(hit_ids(&server, "vicuñero").len(), 1);

    // A PDF sent as bytes is read as a PDF.
    let pdf = minga_fixtures::report_pdf();
    let (status, answer) = post(&server, Some(KEY), "application/octet-stream", &pdf);
    assert_eq!(status, 201, "{answer}");
    assert!(
        answer["documents"][0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with(".pdf")),
        "{answer}"
    );

    // Bytes that are none of the formats, or a type Minga does not read: refused, saying
    // how to send a file.
    for (content_type, body) in [
        ("application/octet-stream", &[0xff, 0xfe, 0x00, 0x81][..]),
        ("image/png", b"\x89PNG\r\n".as_slice()),
    ] {
        let answer = post(&server, Some(KEY), content_type, body);
        assert_error(&answer, 415, "unsupported_media_type");
        assert!(
            answer.1["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("?filename=")),
            "{}",
            answer.1
        );
    }
}

#[test]
fn a_running_indexer_makes_writes_wait_with_a_503() {
    let workspace = Workspace::new();
    let server = serve_with_key(&workspace, &[]);
    // Hold the index's writer lock as `minga index` does (tantivy takes an flock on it).
    let lock = workspace.index.join(".tantivy-writer.lock");
    let mut holder = Command::new("flock")
        .args(["--exclusive", "--no-fork"])
        .arg(&lock)
        .args(["sleep", "60"])
        .spawn()
        .expect("run flock");
    // Each attempt writes a new id, so the one refused is known not to have been stored by
    // an earlier attempt that went through.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut attempt = 0;
    let (refused, response) = loop {
        attempt += 1;
        let id = format!("bloqueado-{attempt}");
        let record = json!({"id": id, "text": "La chinchilla espera."}).to_string();
        let response = client()
            .post(server.url("/api/documents"))
            .bearer_auth(KEY)
            .header("content-type", "application/json")
            .body(record)
            .send()
            .expect("POST");
        // flock may take a moment to start; until then the write goes through.
        if response.status().as_u16() != 201 || Instant::now() > deadline {
            break (id, response);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (status, headers, body) = answer(response);
    assert_error(&(status, body), 503, "index_locked");
    assert_eq!(headers["retry-after"], "1");
    assert!(
        !workspace
            .corpus
            .join(format!("api/records/{refused}.json"))
            .exists()
    );
    let _ = holder.kill();
    let _ = holder.wait();
    let record = json!({"id": refused, "text": "La chinchilla espera."}).to_string();
    let (status, body) = post(&server, Some(KEY), "application/json", record.as_bytes());
    assert_eq!(status, 201, "{body}");
}

/// Writes records from `threads` clients until `stop`, each id recorded once the server
/// acknowledged it; returns the acknowledged ids.
fn burst(
    base: String,
    threads: usize,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<Vec<String>>>,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..threads)
        .map(|t| {
            let base = base.clone();
            let stop = stop.clone();
            let acknowledged = acknowledged.clone();
            std::thread::spawn(move || {
                let client = client();
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let id = format!("rafaga-{t}-{i}");
                    let record = json!({
                        "id": id,
                        "title": format!("Ráfaga {t} {i}"),
                        "text": format!("El tucutuco número {i} del cliente {t}."),
                        "lang": "es",
                    });
                    let sent = client
                        .post(format!("{base}/api/documents"))
                        .bearer_auth(KEY)
                        .header("content-type", "application/json")
                        .body(record.to_string())
                        .send();
                    match sent {
                        Ok(response) if response.status().as_u16() == 201 => {
                            if let Ok(mut ids) = acknowledged.lock() {
                                ids.push(id);
                            }
                        }
                        Ok(response) if response.status().as_u16() == 503 => {
                            std::thread::sleep(Duration::from_millis(50));
                        }
                        Ok(response) => panic!("{id}: unexpected {}", response.status()),
                        // The server is gone.
                        Err(_) => break,
                    }
                }
            })
        })
        .collect()
}

/// Every acknowledged id is there, as a document and in a search.
fn assert_all_there(server: &ServerProcess, acknowledged: &[String]) {
    for id in acknowledged {
        let (status, body) = get(server, &format!("/api/documents/{id}"));
        assert_eq!(status, 200, "acknowledged write {id} was lost: {body}");
    }
    let (status, body) = get(server, "/api/search?q=tucutuco&facets=&limit=1");
    assert_eq!(status, 200);
    assert!(
        body["total"].as_u64().unwrap_or(0) >= acknowledged.len() as u64,
        "{} acknowledged, {} found",
        acknowledged.len(),
        body["total"]
    );
}

#[cfg(unix)]
#[test]
fn kill_9_in_a_burst_of_writes_loses_no_acknowledged_write() {
    let workspace = Workspace::new();
    let server = serve_with_key(&workspace, &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let clients = burst(server.base.clone(), 6, stop.clone(), acknowledged.clone());
    crate::support::wait_for("writes to be acknowledged", Duration::from_secs(60), || {
        (acknowledged.lock().map_or(0, |a| a.len()) >= 40).then_some(())
    });
    let status = Command::new("kill")
        .arg("-KILL")
        .arg(server.id().to_string())
        .status()
        .expect("run kill");
    assert!(status.success());
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().expect("a client");
    }
    drop(server);
    let acknowledged = acknowledged.lock().expect("the ids").clone();
    assert!(acknowledged.len() >= 40);

    let server = serve_with_key(&workspace, &[]);
    assert_all_there(&server, &acknowledged);
    // No temporary file of an interrupted write is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(workspace.corpus.join("api/records"))
        .expect("the records folder")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn sigterm_lets_writes_in_flight_finish() {
    let workspace = Workspace::new();
    let server = serve_with_key(&workspace, &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let clients = burst(server.base.clone(), 6, stop.clone(), acknowledged.clone());
    crate::support::wait_for("writes to be acknowledged", Duration::from_secs(60), || {
        (acknowledged.lock().map_or(0, |a| a.len()) >= 20).then_some(())
    });
    let (status, log) = server.terminate(Duration::from_secs(60));
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().expect("a client");
    }
    assert_eq!(status.code(), Some(0), "exit status {status}; log:\n{log}");
    assert!(log.contains("writer stopped"), "{log}");
    let acknowledged = acknowledged.lock().expect("the ids").clone();

    let server = serve_with_key(&workspace, &[]);
    assert_all_there(&server, &acknowledged);
}

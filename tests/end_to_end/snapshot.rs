//! `minga snapshot` and `POST /api/snapshots`: a backup of the corpus and its index taken
//! while the real server keeps answering searches and acknowledging writes. Each copy is a sound index, every write
//! acknowledged before the copy began is in it, and a server started on the copy answers
//! with all of them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{ServerProcess, Workspace};
use serde_json::{Value, json};

const KEY: &str = "snapshot-test-key-0123456789";

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client")
}

/// A session note only this write has: its id and a word of its own.
fn record(i: usize) -> Value {
    json!({
        "id": format!("nota-respaldo-{i}"),
        "title": format!("Nota de respaldo número {i}"),
        "kind": "session_note",
        "lang": "es",
        "country": "Perú",
        "regions": ["Cusco"],
        "text": format!(
            "La mesa técnica número {i} revisó la hoja de ruta del café con las cooperativas \
             y dejó la clave respaldoquipu en el acta de la sesión."
        ),
    })
}

/// The ids of every hit of `query` in the index at `index` (copies not folded).
fn ids_in(w: &Workspace, index: &std::path::Path, query: &str) -> Vec<String> {
    let output = w
        .minga()
        .args(["search", query, "--all-copies", "--limit", "100", "--json"])
        .arg("--index")
        .arg(index)
        .output()
        .expect("run minga search");
    assert!(output.status.success(), "{output:?}");
    let answer: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    answer["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["parent"].as_str().expect("parent").to_string())
        .collect()
}

#[test]
fn a_snapshot_taken_under_writes_is_sound_and_holds_every_acknowledged_write() {
    let w = Workspace::new();
    let server = w.serve_with_key(KEY, &[]);
    let url = server.url("/api/documents");

    // Writes, one after another, until told to stop; each acknowledged id is noted.
    let acknowledged = Arc::new(Mutex::new(Vec::<usize>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acknowledged, stop) = (Arc::clone(&acknowledged), Arc::clone(&stop));
        std::thread::spawn(move || {
            let client = client();
            // At most 90: a search lists 100 hits at most.
            for i in 0..90 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let response = client
                    .post(&url)
                    .bearer_auth(KEY)
                    .header("content-type", "application/json")
                    .body(record(i).to_string())
                    .send()
                    .expect("POST");
                assert_eq!(response.status().as_u16(), 201, "write {i}");
                acknowledged.lock().unwrap().push(i);
            }
        })
    };
    let wait_for_writes = |n: usize| {
        crate::support::wait_for("writes acknowledged", Duration::from_secs(60), || {
            (acknowledged.lock().unwrap().len() >= n).then_some(())
        })
    };

    let mut snapshots = Vec::new();
    for round in 0..3 {
        wait_for_writes(5 * (round + 1));
        let before: Vec<usize> = acknowledged.lock().unwrap().clone();
        // The command line on rounds 0 and 2, the API call (behind the key) on round 1.
        let dir = if round == 1 {
            let refused = client()
                .post(server.url("/api/snapshots"))
                .send()
                .expect("POST");
            assert_eq!(refused.status().as_u16(), 401);
            let answer = client()
                .post(server.url("/api/snapshots"))
                .bearer_auth(KEY)
                .send()
                .expect("POST");
            assert_eq!(answer.status().as_u16(), 201);
            let taken: Value = serde_json::from_str(&answer.text().expect("a body")).expect("JSON");
            assert!(taken["corpus_files"].as_u64().unwrap() > 40, "{taken}");
            let dir = std::path::PathBuf::from(taken["snapshot"].as_str().expect("snapshot"));
            let dir = if dir.is_absolute() {
                dir
            } else {
                w.dir.path().join(dir)
            };
            assert!(dir.starts_with(w.dir.path().join("snapshots")), "{taken}");
            dir
        } else {
            let dir = w.dir.path().join(format!("respaldo-{round}"));
            let output = w
                .minga()
                .arg("snapshot")
                .arg(&dir)
                .arg("--index")
                .arg(&w.index)
                .arg("--corpus")
                .arg(&w.corpus)
                .arg("--json")
                .output()
                .expect("run minga snapshot");
            assert!(output.status.success(), "{output:?}");
            let taken: Value = serde_json::from_slice(&output.stdout).expect("JSON");
            assert!(taken["index_files"].as_u64().unwrap() > 3, "{taken}");
            assert!(taken["corpus_files"].as_u64().unwrap() > 40, "{taken}");
            dir
        };

        // The server answered all along.
        let search = client()
            .get(server.url("/api/search?q=hoja%20de%20ruta"))
            .send()
            .expect("GET");
        assert_eq!(search.status().as_u16(), 200);

        // The copy is a sound index, and holds every write acknowledged before it began.
        let check = w
            .minga()
            .args(["check", "--json", "--index"])
            .arg(dir.join("index"))
            .arg("--corpus")
            .arg(dir.join("corpus"))
            .output()
            .expect("run minga check");
        let report: Value = serde_json::from_slice(&check.stdout).expect("JSON");
        assert!(
            check.status.success() && report["sound"] == true,
            "{report:#}"
        );
        let held = ids_in(&w, &dir.join("index"), "respaldoquipu");
        for i in &before {
            let id = format!("nota-respaldo-{i}");
            assert!(held.contains(&id), "{id} acknowledged, not in {held:?}");
            assert!(
                dir.join(format!("corpus/api/records/{id}.json")).is_file(),
                "{id} not in the corpus copy"
            );
        }
        eprintln!(
            "snapshot {round}: {} writes acknowledged before it, {} by the end of its checks",
            before.len(),
            acknowledged.lock().unwrap().len()
        );
        snapshots.push((dir, before));
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("the writer");
    let total = acknowledged.lock().unwrap().len();
    drop(server);

    // Restoring is pointing --index and --corpus at the copy: a server there answers with
    // every write the copy holds, the ones its index had not committed caught up at start.
    let (dir, before) = snapshots.pop().expect("a snapshot");
    let restored = Workspace {
        dir: tempfile::tempdir().expect("a temporary folder"),
        corpus: dir.join("corpus"),
        index: dir.join("index"),
    };
    let server: ServerProcess = restored.serve_with_key(KEY, &[]);
    let answer: Value = serde_json::from_str(
        &client()
            .get(server.url("/api/search?q=respaldoquipu&dedupe=false&limit=100&facets="))
            .send()
            .expect("GET")
            .text()
            .expect("a body"),
    )
    .expect("JSON");
    let total_restored = answer["total"].as_u64().expect("total") as usize;
    assert!(
        (before.len()..=total).contains(&total_restored),
        "{total_restored} restored, {} acknowledged before the copy, {total} in all",
        before.len()
    );
}

#[test]
fn a_snapshot_is_never_taken_inside_what_it_copies_nor_over_a_folder() {
    let w = Workspace::new();
    w.index();
    for (inside, why) in [
        (w.corpus.join("respaldo"), "inside the corpus"),
        (w.index.join("respaldo"), "inside the corpus or the index"),
        (w.dir.path().join("corpus"), "already exists"),
    ] {
        let output = w
            .minga()
            .arg("snapshot")
            .arg(&inside)
            .arg("--index")
            .arg(&w.index)
            .arg("--corpus")
            .arg(&w.corpus)
            .output()
            .expect("run minga snapshot");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success() && stderr.contains(why), "{stderr}");
    }
    assert!(!w.corpus.join("respaldo").exists() && !w.index.join("respaldo").exists());
}

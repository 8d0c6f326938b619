//! End-to-end tests of `minga serve`, the real binary on a copy of the shipped corpus: it
//! builds a missing index, answers searches, picks up a re-index while serving without a
//! single failed request, and stops cleanly on SIGTERM.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::support::{Workspace, wait_for};
use serde_json::Value;

fn http_client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// GETs `url` and returns its status and JSON body.
fn get_json(client: &reqwest::blocking::Client, url: &str) -> (u16, Value) {
    let response = client
        .get(url)
        .send()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let text = response.text().expect("a body");
    let json =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {url}: not JSON ({e}): {text}"));
    (status, json)
}

#[test]
fn serve_builds_the_missing_index_and_answers_searches() {
    let workspace = Workspace::new();
    assert!(!workspace.index.exists());
    let server = workspace.serve(&[]);
    assert!(
        workspace.index.join("meta.json").is_file(),
        "serve did not build the index"
    );
    assert!(
        server.log().contains("building it"),
        "serve did not say it builds the index:\n{}",
        server.log()
    );
    let client = http_client();

    let (status, body) = get_json(&client, &server.url("/healthz"));
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, _) = get_json(&client, &server.url("/readyz"));
    assert_eq!(status, 200);

    let (status, body) = get_json(
        &client,
        &server.url("/api/search?q=articulacion+interinstitucional&region=biobio"),
    );
    assert_eq!(status, 200, "{body}");
    let hits = body["hits"].as_array().expect("hits");
    assert!(!hits.is_empty(), "no hits: {body}");
    for hit in hits {
        let regions: Vec<&str> = hit["regions"]
            .as_array()
            .expect("regions")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            regions.iter().any(|r| r.ends_with("Biobío")),
            "hit {} is not in Biobío: {regions:?}",
            hit["id"]
        );
    }
    assert!(
        body["facets"]["region"]
            .as_object()
            .expect("region facet")
            .len()
            > 1,
        "the region facet should still list the other regions: {}",
        body["facets"]["region"]
    );

    let page = client.get(server.url("/")).send().expect("GET /");
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.headers().contains_key("content-security-policy"));
    assert!(page.text().expect("the page").contains("/assets/app.js"));
}

#[test]
fn serve_rebuilds_an_index_from_another_version() {
    let workspace = Workspace::new();
    workspace.index();
    // An index written by a Minga whose schema differs (here: a later one).
    let meta = workspace.index.join("meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    assert!(text.contains("minga_schema\\\":"), "{text}");
    std::fs::write(
        &meta,
        text.replace("minga_schema\\\":", "minga_schema\\\":9"),
    )
    .unwrap();

    let server = workspace.serve(&[]);
    assert!(
        server.log().contains("incompatible version") && server.log().contains("Rebuilding"),
        "serve did not say it rebuilds the index:\n{}",
        server.log()
    );
    let (status, body) = get_json(&http_client(), &server.url("/api/search?q=gobernanza"));
    assert_eq!(status, 200, "{body}");
    assert!(body["total"].as_u64().unwrap() > 0, "{body}");
}

#[test]
fn a_reindex_shows_up_live_without_failed_requests() {
    let workspace = Workspace::new();
    let server = workspace.serve(&[]);
    let client = http_client();
    let word = "zumbayllu";
    let search_word = server.url(&format!("/api/search?q={word}"));
    let (status, body) = get_json(&client, &search_word);
    assert_eq!(status, 200);
    assert_eq!(body["total"], 0, "{word} is already in the corpus: {body}");

    // Search without pause while the index changes under the server.
    let stop = Arc::new(AtomicBool::new(false));
    let hammer = {
        let stop = stop.clone();
        let urls = [
            server.url("/api/search?q=agencia+regional&region=Cusco"),
            server.url("/api/search?q=gobernanza&sort=date"),
            server.url("/api/facets"),
            server.url("/api/stats"),
        ];
        std::thread::spawn(move || {
            let client = http_client();
            let started = Instant::now();
            let mut answers = Vec::new();
            while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(60) {
                for url in &urls {
                    let status = client.get(url).send().map(|r| r.status().as_u16());
                    answers.push((url.clone(), status.map_err(|e| e.to_string())));
                }
            }
            answers
        })
    };

    workspace.write(
        "notas-de-sesion/dia-5-trompo.md",
        "---\ntitle: \"Nota sobre el zumbayllu\"\nkind: session_note\nlang: es\n\
         country: Chile\nregions: [Biobío]\ndate: 2023-01-27\n---\n\n\
         # El zumbayllu\n\nEl zumbayllu gira en la mesa de trabajo de la agencia regional.\n",
    );
    workspace.index();

    let found = wait_for(
        "the new document to be searchable",
        Duration::from_secs(10),
        || {
            let (status, body) = get_json(&client, &search_word);
            assert_eq!(status, 200, "{body}");
            (body["total"].as_u64() > Some(0)).then_some(body)
        },
    );
    assert_eq!(found["hits"][0]["title"], "Nota sobre el zumbayllu");

    stop.store(true, Ordering::Relaxed);
    let answers = hammer.join().expect("the search loop");
    assert!(!answers.is_empty());
    let failed: Vec<_> = answers
        .iter()
        .filter(|(_, status)| !matches!(status, Ok(s) if *s < 500))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} requests failed during the re-index: {:?}",
        failed.len(),
        answers.len(),
        &failed[..failed.len().min(5)]
    );
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_cleanly() {
    let workspace = Workspace::new();
    workspace.index();
    let server = workspace.serve(&[]);
    let client = http_client();
    let (status, _) = get_json(&client, &server.url("/api/search?q=gobernanza"));
    assert_eq!(status, 200);
    let (status, log) = server.terminate(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "exit status {status}; log:\n{log}");
    assert!(log.contains("shutting down"), "{log}");
}

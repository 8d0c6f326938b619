//! Markup in documents and queries, shown by the search page in a real browser (Debian's
//! Chromium, headless): a document written through the API with scripts and event-handler
//! images in its title, text and metadata is listed, highlighted and opened, and nothing of
//! it becomes an element or runs.
//!
//! Run with `cargo test --features browser --test browser_hostile` (it needs Chromium at
//! `/usr/bin/chromium`, like `tests/browser.rs`).
#![cfg(feature = "browser")]

#[path = "support/browser.rs"]
mod chromium;
mod support;

use chromium::{WAIT, js, launch, navigate, wait_until};
use headless_chrome::Tab;
use serde_json::{Value, json};
use support::Workspace;

const KEY: &str = "browser-hostile-key-0123456789";
/// What the payloads would do if they ran.
const PWNED: &str = "document.title='pwned';window.pwned=1";

/// Nothing the payloads carry became an element or ran.
#[track_caller]
fn assert_inert(tab: &Tab, where_: &str) {
    // The page's own scripts are its only ones, all external.
    assert_eq!(
        js(
            tab,
            "[...document.scripts].every(s => s.src.includes('/assets/'))"
        ),
        Value::Bool(true),
        "{where_}: a script element came from the data"
    );
    assert_eq!(
        js(
            tab,
            "document.querySelectorAll('img[src=\"x\"], img[onerror], [onerror]').length"
        ),
        json!(0),
        "{where_}: an element came from the data"
    );
    assert_eq!(
        js(tab, "window.pwned === undefined"),
        Value::Bool(true),
        "{where_}: a payload ran"
    );
    assert_ne!(
        js(tab, "document.title"),
        json!("pwned"),
        "{where_}: a payload ran"
    );
}

#[test]
fn markup_in_documents_and_queries_is_shown_as_text() {
    let workspace = Workspace::new();
    let server = workspace.serve_with_key(KEY, &[]);
    let script = format!("<script>{PWNED}</script>");
    let image = format!("\"><img src=x onerror=\"{PWNED}\">");
    let record = json!({
        "id": "nota-hostil",
        "title": format!("Ornitorrinco {script} {image}"),
        "lang": "es",
        "country": "Chile",
        "regions": ["Biobío"],
        "institutions": [image],
        "topics": [script],
        "text": format!("El ornitorrinco {script} habló {image} en la mesa de trabajo."),
    });
    let response = reqwest::blocking::Client::new()
        .post(server.url("/api/documents"))
        .bearer_auth(KEY)
        .header("content-type", "application/json")
        .body(record.to_string())
        .send()
        .expect("POST the document");
    assert_eq!(response.status().as_u16(), 201);

    let profile = tempfile::tempdir().expect("a browser profile folder");
    let browser = launch(profile.path());
    let tab = browser.new_tab().expect("a tab");
    tab.set_default_timeout(WAIT);

    // The results: the title as text, the snippet highlighted, the facets as text.
    let query = "ornitorrinco%20%3Cscript%3Edocument.title%3D1%3C%2Fscript%3E";
    navigate(&tab, &server.url(&format!("/?q={query}")), "open the page");
    wait_until(
        &tab,
        "the hostile hit",
        "document.querySelectorAll('#hits .hit').length > 0",
    );
    let text = js(&tab, "document.querySelector('#hits .hit').textContent");
    let text = text.as_str().unwrap_or("");
    assert!(
        text.contains("<script>"),
        "the title is not shown as text: {text}"
    );
    assert!(text.contains("onerror"), "{text}");
    assert!(
        js(
            &tab,
            "document.querySelectorAll('#hits .snippet mark').length"
        )
        .as_u64()
        .unwrap_or(0)
            > 0
    );
    assert_eq!(
        js(&tab, "document.getElementById('q').value"),
        json!("ornitorrinco <script>document.title=1</script>")
    );
    assert_inert(&tab, "the results");

    // The document view.
    navigate(&tab, &server.url("/?doc=nota-hostil"), "open the document");
    wait_until(
        &tab,
        "the document",
        "document.body.innerText.includes('habló')",
    );
    assert!(
        js(&tab, "document.body.innerText.includes('<img src=x')") == Value::Bool(true),
        "the document's markup is not shown as text"
    );
    assert_inert(&tab, "the document view");
}

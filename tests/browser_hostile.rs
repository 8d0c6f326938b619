//! Markup in documents and queries, shown by the search page in a real browser (Debian's
//! Chromium, headless): a document written through the API with scripts and event-handler
//! images in its title, text and metadata is listed, highlighted and opened, and nothing of
//! it becomes an element or runs.
//!
//! Run with `cargo test --features browser --test browser_hostile` (it needs Chromium at
//! `/usr/bin/chromium`, like `tests/browser.rs`).
#![cfg(feature = "browser")]

mod support;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::{Value, json};
use support::Workspace;

const CHROMIUM: &str = "/usr/bin/chromium";
const WAIT: Duration = Duration::from_secs(20);
const KEY: &str = "browser-hostile-key-0123456789";
/// What the payloads would do if they ran.
const PWNED: &str = "document.title='pwned';window.pwned=1";

fn launch(profile: &Path) -> Browser {
    assert!(
        Path::new(CHROMIUM).is_file(),
        "the `browser` feature needs Chromium at {CHROMIUM}: `apt-get install -y chromium`"
    );
    let args: Vec<&OsStr> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    Browser::new(LaunchOptions {
        path: Some(PathBuf::from(CHROMIUM)),
        headless: true,
        sandbox: false,
        enable_gpu: false,
        window_size: Some((1280, 1000)),
        user_data_dir: Some(profile.to_path_buf()),
        idle_browser_timeout: Duration::from_secs(120),
        args,
        ..LaunchOptions::default()
    })
    .expect("launch Chromium")
}

fn js(tab: &Tab, expression: &str) -> Value {
    tab.evaluate(expression, false)
        .unwrap_or_else(|e| panic!("evaluate {expression}: {e}"))
        .value
        .unwrap_or(Value::Null)
}

#[track_caller]
fn wait_until(tab: &Tab, what: &str, expression: &str) {
    let deadline = Instant::now() + WAIT;
    while js(tab, expression) != Value::Bool(true) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; the page says: {}",
            js(tab, "document.body.innerText.slice(0, 2000)")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

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
    let mut command = workspace.minga();
    command
        .env("MINGA_API_KEY", KEY)
        .arg("serve")
        .arg("--index")
        .arg(&workspace.index)
        .arg("--corpus")
        .arg(&workspace.corpus)
        .arg("--addr")
        .arg("127.0.0.1:0");
    let server = support::ServerProcess::start(command);
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
    tab.navigate_to(&server.url(&format!("/?q={query}")))
        .and_then(|t| t.wait_until_navigated())
        .expect("open the page");
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
    tab.navigate_to(&server.url("/?doc=nota-hostil"))
        .and_then(|t| t.wait_until_navigated())
        .expect("open the document");
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

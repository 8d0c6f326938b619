//! Chromium for the browser tests: launching Debian's headless Chromium with a fresh profile,
//! and reading the page. Only built with `--features browser`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

pub const CHROMIUM: &str = "/usr/bin/chromium";
/// How long to wait for the page to show something.
pub const WAIT: Duration = Duration::from_secs(20);

/// Debian's Chromium, headless, with the profile folder `profile` (fresh for each test).
pub fn launch(profile: &Path) -> Browser {
    assert!(
        Path::new(CHROMIUM).is_file(),
        "the `browser` feature needs Chromium at {CHROMIUM}: install it with \
         `apt-get install -y chromium`, or test without `--features browser`"
    );
    let args: Vec<&OsStr> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--lang=es",
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

/// The value of a JavaScript expression in the page.
pub fn js(tab: &Tab, expression: &str) -> Value {
    tab.evaluate(expression, false)
        .unwrap_or_else(|e| panic!("evaluate {expression}: {e}"))
        .value
        .unwrap_or(Value::Null)
}

/// The value of a JavaScript expression that gives a string ("" for anything else).
#[allow(dead_code)] // Not every browser test reads strings.
pub fn js_string(tab: &Tab, expression: &str) -> String {
    js(tab, expression).as_str().unwrap_or_default().to_string()
}

/// Opens `url` in `tab` and waits until it is loaded; `what` says what it is in a failure.
#[track_caller]
pub fn navigate(tab: &Tab, url: &str, what: &str) {
    tab.navigate_to(url)
        .and_then(|t| t.wait_until_navigated())
        .expect(what);
}

/// Waits until the JavaScript expression is true; fails with the page's text after `WAIT`.
#[track_caller]
pub fn wait_until(tab: &Tab, what: &str, expression: &str) {
    let deadline = Instant::now() + WAIT;
    while js(tab, expression) != Value::Bool(true) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what} ({expression}); the page says: {}",
            js(tab, "document.body.innerText.slice(0, 2000)")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

//! The end-to-end tests of the `minga` binary and server, one module per subject, built as one
//! test binary: it links once, and its tests run side by side rather than one file after
//! another. Run one subject with its module's name, e.g.
//!
//! ```sh
//! cargo test --test end_to_end ingest::
//! ```
//!
//! (The browser tests, which need Chromium, are binaries of their own: `tests/browser.rs`.)

#[path = "../support/mod.rs"]
mod support;

mod brief;
mod cli;
mod damage;
mod duplicates;
mod fuzz_regressions;
mod hardening;
mod ingest;
mod lessons;
mod query_language;
mod server;
mod snapshot;
mod write_api;

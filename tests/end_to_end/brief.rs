//! `minga brief` and `GET /api/brief` as an analyst uses them, on the fixture corpus indexed
//! in a temporary folder: every format against its golden file, and the API's brief equal,
//! byte for byte, to the command line's for the same query and date.
//!
//! The golden files are in `tests/golden/brief/`. When a change to the briefs is meant,
//! rewrite them with
//!
//! ```sh
//! MINGA_UPDATE_GOLDEN=1 cargo test --test end_to_end brief::
//! ```
//!
//! and read the diff before committing it. Without the variable, a difference fails the test
//! and shows the first lines that differ.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use crate::support::{Workspace, copy_dir, first_difference};

/// The brief's date in every test, so that outputs are reproducible.
const DATE: &str = "2024-05-02";
/// The query of the issue's "done when", on the fixture corpus.
const QUERY: &str = "articulación interinstitucional";
const FORMATS: [&str; 5] = ["md", "html", "json", "csv", "ris"];

/// A copy of the fixture corpus, indexed.
fn fixture_workspace() -> Workspace {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus"),
        &corpus,
    );
    let workspace = Workspace { dir, corpus, index };
    workspace.index();
    workspace
}

/// Runs `minga brief ARGS --index INDEX --date DATE` and returns its output.
fn brief(workspace: &Workspace, args: &[&str]) -> Output {
    workspace
        .minga()
        .env_remove("MINGA_BRIEF_DATE")
        .arg("brief")
        .args(args)
        .arg("--index")
        .arg(&workspace.index)
        .arg("--date")
        .arg(DATE)
        .output()
        .expect("run minga brief")
}

/// The standard output of a `minga brief` that must succeed.
fn brief_ok(workspace: &Workspace, args: &[&str]) -> String {
    let output = brief(workspace, args);
    assert!(
        output.status.success(),
        "minga brief {args:?} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("a UTF-8 brief")
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/brief")
}

/// Compares `actual` with the golden file `name`, or rewrites it when `MINGA_UPDATE_GOLDEN`
/// is set.
#[track_caller]
fn assert_golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("MINGA_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).expect("create the golden folder");
        std::fs::write(&path, actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\n(run `MINGA_UPDATE_GOLDEN=1 cargo test --test end_to_end brief::` to \
             write it)",
            path.display()
        )
    });
    if let Some(difference) = first_difference(&expected, actual) {
        panic!(
            "{name} differs from {} {difference}\n\
             (if the change is meant: MINGA_UPDATE_GOLDEN=1 cargo test --test end_to_end brief::)",
            path.display()
        );
    }
}

#[test]
fn every_format_matches_its_golden_file() {
    let workspace = fixture_workspace();
    for format in FORMATS {
        let text = brief_ok(
            &workspace,
            &[QUERY, "--region", "Biobío", "--format", format],
        );
        assert_golden(&format!("articulacion-biobio.{format}"), &text);
    }
    // Every lesson of the corpus, labelled in English: several regions, a lesson in English.
    let text = brief_ok(&workspace, &["--ui", "en"]);
    assert_golden("all-lessons-en.md", &text);
}

#[test]
fn the_brief_quotes_each_lesson_with_a_citation_a_reader_can_follow() {
    let workspace = fixture_workspace();
    let md = brief_ok(&workspace, &[QUERY, "--region", "biobio"]);
    assert!(md.starts_with(&format!("# Lecciones aprendidas: {QUERY} — Biobío\n")));
    let quotes: Vec<&str> = md.lines().filter(|l| l.starts_with("> ")).collect();
    assert!(!quotes.is_empty(), "{md}");
    // Each quote's last line ends with a citation, and each citation is in the sources.
    let sources = &md[md.find("## Fuentes").expect("a sources list")..];
    for block in md.split("\n\n").filter(|b| b.starts_with("> ")) {
        let last = block.lines().last().expect("a line");
        let open = last.rfind(" [").expect("a citation");
        let number = last[open + 2..last.len() - 1]
            .split(',')
            .next()
            .expect("a number");
        assert!(
            sources.contains(&format!("\n{number}. **")),
            "[{number}] is not in the sources:\n{md}"
        );
    }
    assert!(
        sources.contains("`notas/biobio-articulacion.md`"),
        "{sources}"
    );
    assert!(sources.contains("línea 26"), "{sources}");
}

#[test]
fn options_date_from_the_environment_output_file_and_errors() {
    let workspace = fixture_workspace();
    // The date from MINGA_BRIEF_DATE.
    let output = workspace
        .minga()
        .env("MINGA_BRIEF_DATE", "2020-02-29")
        .args(["brief", "café", "--index"])
        .arg(&workspace.index)
        .output()
        .expect("run minga brief");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("2020-02-29"));

    // --output writes the file and nothing to standard output.
    let file = workspace.dir.path().join("brief.html");
    let output = brief(
        &workspace,
        &[
            QUERY,
            "--format",
            "html",
            "--output",
            &file.to_string_lossy(),
        ],
    );
    assert!(output.status.success());
    assert!(output.stdout.is_empty());
    let html = std::fs::read_to_string(&file).expect("the brief file");
    assert!(html.starts_with("<!doctype html>") && html.contains("@page { size: A4;"));

    // No lesson matches: a brief that says so, and status 1 with a line on standard error
    // that says so too, so that a script does not pass it on as a finding.
    let output = brief(&workspace, &["zarandaja"]);
    assert_eq!(output.status.code(), Some(1));
    let md = String::from_utf8_lossy(&output.stdout);
    assert!(md.contains("Ninguna lección coincide"), "{md}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("no lesson found for \"zarandaja\""),
        "{stderr}"
    );

    for (args, words) in [
        (&["x", "--format", "pdf"][..], &["pdf"][..]),
        (&["x", "--region", "Narnia"][..], &["Narnia"][..]),
        (&["x", "--limit", "500"][..], &["limit"][..]),
    ] {
        let output = brief(&workspace, args);
        assert!(!output.status.success(), "{args:?} succeeded");
        let stderr = String::from_utf8_lossy(&output.stderr);
        for word in words {
            assert!(stderr.contains(word), "{args:?}: {stderr}");
        }
    }
}

#[test]
fn the_api_gives_the_same_brief_as_the_command_line() {
    let workspace = fixture_workspace();
    let server = workspace.serve(&[]);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    for (format, content_type) in [
        ("md", "text/markdown; charset=utf-8"),
        ("html", "text/html; charset=utf-8"),
        ("json", "application/json"),
        ("csv", "text/csv; charset=utf-8"),
        ("ris", "application/x-research-info-systems"),
    ] {
        let cli = brief_ok(
            &workspace,
            &[QUERY, "--region", "Biobío", "--format", format],
        );
        let url = server.url(&format!(
            "/api/brief?q=articulaci%C3%B3n+interinstitucional&region=Biob%C3%ADo\
             &date={DATE}&format={format}"
        ));
        let response = client.get(&url).send().expect("GET /api/brief");
        assert_eq!(response.status().as_u16(), 200, "{url}");
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], content_type);
        assert_eq!(
            headers["content-disposition"],
            format!(
                "attachment; filename=\"minga-brief-articulacion-interinstitucional-biobio.{format}\""
            )
            .as_str()
        );
        let body = response.text().expect("a body");
        assert!(body == cli, "{format}: the API and the command line differ");
    }

    // English labels and other options travel the same way.
    let cli = brief_ok(
        &workspace,
        &["gobernanza", "--ui", "en", "--limit", "2", "--sort", "date"],
    );
    let body = client
        .get(server.url(&format!(
            "/api/brief?q=gobernanza&ui=en&limit=2&sort=date&date={DATE}"
        )))
        .send()
        .and_then(|r| r.text())
        .expect("GET /api/brief");
    assert_eq!(body, cli);

    // A bad format is a 400 in the usual JSON format.
    let response = client
        .get(server.url("/api/brief?q=x&format=pdf"))
        .send()
        .expect("GET /api/brief");
    assert_eq!(response.status().as_u16(), 400);
    let error: serde_json::Value =
        serde_json::from_str(&response.text().expect("a body")).expect("a JSON error");
    assert_eq!(error["error"]["code"], "bad_parameter");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("pdf")),
        "{error}"
    );
}

#[test]
fn lessons_are_grouped_by_what_they_are_about_not_by_who_wrote_or_funded_them() {
    let workspace = Workspace::new();
    workspace.index();
    let md = brief_ok(&workspace, &["financiamiento"]);
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("### ")).collect();
    assert!(!headings.is_empty(), "{md}");
    for backer in ["### Rimisp", "### GIZ", "### Unión Europea"] {
        assert!(!headings.contains(&backer), "{backer} is a heading:\n{md}");
    }
    // Each agency sits under its own region.
    let mut region = "";
    for line in md.lines() {
        if let Some(r) = line.strip_prefix("## ") {
            region = r;
        }
        if let Some(agency) = line.strip_prefix("### ARD ") {
            assert_eq!(agency, region, "{md}");
        }
    }
    // The authors and funders stay among the sources.
    assert!(md.contains("Rimisp"), "{md}");
}

//! Ingestion as a user meets it, through the real `minga` binary on copies of the shipped
//! corpus: the PDF and DOCX reports found on their page and under their section heading,
//! incremental runs, an indexer killed with SIGKILL at any moment, two indexers on one
//! index, and bad files reported one by one while the rest is indexed.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Workspace, shipped_corpus};
use serde_json::Value;

/// The PDF made by `scripts/make-sample-documents.sh` from the synthesis report.
const PDF: &str = "informes/documentos/sintesis/informe-sintesis-pasantia-chile-2023.pdf";
/// Its last page, which holds its edition note (pages as WeasyPrint laid them out).
const PDF_NOTE_PAGE: u64 = 24;
/// The DOCX made by the same script from the comparative note.
const DOCX: &str = "informes/documentos/gobernanza/nota-comparativa-gobernanza-chile-peru.docx";

/// Copies of the corpus's Markdown files added to make indexing last long enough to be
/// interrupted (about 10 MB).
const COPIES: usize = 30;

// --- Running the binary ----------------------------------------------------------------

/// `minga index CORPUS --index INDEX --quiet --json …`, not waited for.
fn index_command(w: &Workspace, corpus: &Path, index: &Path, extra: &[&str]) -> Command {
    let mut command = w.minga();
    command
        .arg("index")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .args(["--quiet", "--json"])
        .args(extra);
    command
}

fn text(output: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The JSON summary of a successful `minga index` run.
fn summary(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "minga index failed: {}",
        text(output)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("the summary is not JSON ({e}): {}", text(output)))
}

/// Indexes the workspace's corpus into its index and returns the summary.
fn index(w: &Workspace, extra: &[&str]) -> Value {
    let output = index_command(w, &w.corpus, &w.index, extra)
        .output()
        .expect("run minga index");
    summary(&output)
}

/// `minga show ID --json` of the workspace's index.
fn show(w: &Workspace, id: &str) -> Value {
    let shown = w
        .minga()
        .args(["show", id, "--json", "--index"])
        .arg(&w.index)
        .output()
        .expect("run show");
    assert!(shown.status.success(), "{}", text(&shown));
    serde_json::from_slice(&shown.stdout).expect("JSON")
}

/// `minga search QUERY… --index INDEX --json`, as it ran.
fn try_search(w: &Workspace, index: &Path, args: &[&str]) -> Output {
    w.minga()
        .arg("search")
        .args(args)
        .arg("--index")
        .arg(index)
        .arg("--json")
        .output()
        .expect("run minga search")
}

/// The response of a search that must succeed.
fn search(w: &Workspace, args: &[&str]) -> Value {
    let output = try_search(w, &w.index, args);
    assert!(
        output.status.success(),
        "minga search {args:?} failed: {}",
        text(&output)
    );
    serde_json::from_slice(&output.stdout).expect("the response is JSON")
}

fn hits(response: &Value) -> &Vec<Value> {
    response["hits"].as_array().expect("hits is an array")
}

/// The first hit whose source is `path`.
fn hit_from<'a>(response: &'a Value, path: &str) -> &'a Value {
    hits(response)
        .iter()
        .find(|h| h["source"]["path"] == path)
        .unwrap_or_else(|| panic!("no hit from {path}: {response:#}"))
}

fn count(summary: &Value, key: &str) -> u64 {
    summary[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no {key} in {summary:#}"))
}

/// Files, documents and passages the index holds after a run.
fn totals(summary: &Value) -> (u64, u64, u64) {
    (
        count(summary, "files"),
        count(summary, "total_documents"),
        count(summary, "total_passages"),
    )
}

// --- Making corpora --------------------------------------------------------------------

/// The Markdown documents of the shipped corpus, relative to it.
fn markdown_files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if name.starts_with(['_', '.']) || name.eq_ignore_ascii_case("README.md") {
            continue;
        }
        let rel = format!("{prefix}{name}");
        if path.is_dir() {
            markdown_files(&path, &format!("{rel}/"), out);
        } else if name.ends_with(".md") {
            out.push(rel);
        }
    }
}

/// Adds copies `from..to` of every Markdown document of the shipped corpus to `corpus`, as
/// `copia-NN/<path>`; a declared `id:` gets the copy's suffix so every id stays unique.
fn replicate_markdown(corpus: &Path, from: usize, to: usize) {
    let mut files = Vec::new();
    markdown_files(&shipped_corpus(), "", &mut files);
    assert!(
        files.len() > 40,
        "the sample corpus has {} Markdown files",
        files.len()
    );
    for rel in &files {
        let original =
            std::fs::read_to_string(shipped_corpus().join(rel)).expect("a UTF-8 Markdown file");
        for copy in from..to {
            let suffix = format!("copia-{copy:02}");
            let text: String = original
                .lines()
                .map(|line| match line.strip_prefix("id: ") {
                    Some(id) => format!("id: {}-{suffix}\n", id.trim()),
                    None => format!("{line}\n"),
                })
                .collect();
            let path = corpus.join(&suffix).join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("create a folder");
            std::fs::write(&path, text).expect("write a copy");
        }
    }
}

/// A PDF file from its objects' bodies (object `n` is the `n`th), with a valid cross-reference
/// table and `trailer` added to the trailer dictionary.
fn pdf_file(objects: &[&str], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A one-page PDF protected by a user password (standard security handler, RC4 40-bit): its
/// text cannot be read without the password.
fn encrypted_pdf() -> Vec<u8> {
    let owner = "ab".repeat(32);
    let user = "cd".repeat(32);
    let encrypt = format!("<< /Filter /Standard /V 1 /R 2 /O <{owner}> /U <{user}> /P -4 >>");
    let content = format!("<< /Length 24 >>\nstream\n{}\nendstream", "x".repeat(24));
    let id = "01".repeat(16);
    pdf_file(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            &content,
            &encrypt,
        ],
        &format!("/Encrypt 5 0 R /ID [<{id}> <{id}>]"),
    )
}

// --- The PDF and DOCX of the sample corpus ---------------------------------------------

#[test]
fn a_phrase_of_the_pdf_report_is_found_on_its_page() {
    let w = Workspace::new();
    w.index();

    // The edition note exists only in the PDF, on its last page.
    let r = search(&w, &["\"versión en PDF del informe de síntesis\""]);
    let top = &hits(&r)[0];
    assert_eq!(top["source"]["path"], PDF, "{r:#}");
    assert_eq!(top["source"]["page"], PDF_NOTE_PAGE, "{top:#}");
    assert_eq!(top["heading"], "Nota sobre esta edición", "{top:#}");
    // Title and date from the PDF's Info dictionary; kind and regions from the sidecar.
    assert_eq!(
        top["title"],
        "Informe de síntesis: primera pasantía internacional en Chile de las Agencias \
         Regionales de Desarrollo del Perú"
    );
    assert_eq!(top["date"], "2023-03-15");
    assert_eq!(top["kind"], "report");
    assert_eq!(top["lang"], "es");
    let regions = top["regions"].as_array().expect("regions");
    assert!(regions.iter().any(|r| r == "Biobío"), "{regions:?}");
    assert!(
        top["snippet"]
            .as_str()
            .expect("a snippet")
            .contains("<mark>PDF</mark>"),
        "{top:#}"
    );

    // A sentence of the body, in the Markdown original too: the PDF's hit cites its page,
    // the original its line.
    let r = search(
        &w,
        &[
            "\"identificar seis experiencias con cierta profundidad\"",
            // Each edition as a hit of its own, not one listing the other.
            "--all-copies",
            "-n",
            "50",
        ],
    );
    let page = hit_from(&r, PDF);
    assert_eq!(page["source"]["page"], 12, "{page:#}");
    assert_eq!(
        page["heading"], "8.3 Articulación interinstitucional",
        "{page:#}"
    );
    let original = hit_from(&r, "informes/informe-sintesis-pasantia-chile-2023.md");
    assert!(original["source"]["page"].is_null(), "{original:#}");
    assert!(original["source"]["line"].is_u64(), "{original:#}");

    // Topics and authors from the Info dictionary's Keywords and Author.
    let id = top["parent"].as_str().expect("a parent id");
    assert_eq!(
        id,
        "informes.documentos.sintesis.informe-sintesis-pasantia-chile-2023.pdf"
    );
    let view = show(&w, id);
    let first = &view["passages"][0];
    assert_eq!(
        first["authors"],
        serde_json::json!(["Equipo de relatoría Rimisp"]),
        "{first:#}"
    );
    let topics = first["topics"].as_array().expect("topics");
    assert!(
        topics
            .iter()
            .any(|t| t == "articulación interinstitucional"),
        "{topics:?}"
    );
    let pages = |lessons: bool| -> Vec<u64> {
        view["passages"]
            .as_array()
            .expect("passages")
            .iter()
            .filter(|p| (p["kind"] == "lesson") == lessons)
            .filter_map(|p| p["source"]["page"].as_u64())
            .collect()
    };
    let regular = pages(false);
    assert_eq!(regular.first(), Some(&1));
    assert_eq!(regular.last(), Some(&PDF_NOTE_PAGE));
    assert!(
        regular.windows(2).all(|pair| pair[0] <= pair[1]),
        "{regular:?}"
    );
    // Its lessons, each a record of its own, cite the pages they are on.
    let lessons = pages(true);
    assert_eq!(lessons.len(), 11, "{lessons:?}");
    assert!(
        lessons.iter().all(|&p| (20..=22).contains(&p)),
        "{lessons:?}"
    );
}

/// A document's lessons as (title, lesson, context, recommendation), white space squeezed.
fn lessons_of(view: &Value) -> Vec<[String; 4]> {
    let squeeze = |v: &Value| {
        v.as_str()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    view["passages"]
        .as_array()
        .expect("passages")
        .iter()
        .filter(|p| p["kind"] == "lesson")
        .map(|p| {
            let parts = &p["lesson"];
            [
                squeeze(&p["heading"]),
                squeeze(&parts["lesson"]),
                squeeze(&parts["context"]),
                squeeze(&parts["recommendation"]),
            ]
        })
        .collect()
}

#[test]
fn the_pdf_report_gives_the_same_lessons_as_its_markdown_original() {
    let w = Workspace::new();
    index(&w, &[]);
    let markdown = lessons_of(&show(&w, "informe-sintesis-pasantia-2023"));
    let pdf = lessons_of(&show(
        &w,
        "informes.documentos.sintesis.informe-sintesis-pasantia-chile-2023.pdf",
    ));
    assert_eq!(markdown.len(), 11, "{markdown:#?}");
    assert_eq!(pdf, markdown);
}

#[test]
fn a_phrase_of_the_docx_report_is_found_under_its_section_heading() {
    let w = Workspace::new();
    w.index();

    // The edition note exists only in the DOCX, under its own heading.
    // Exactly the phrase (`--no-expand`: not loosened into its words when nothing has it).
    let r = search(
        &w,
        &["\"versión en Word de la nota comparativa\"", "--no-expand"],
    );
    let top = &hits(&r)[0];
    assert_eq!(top["source"]["path"], DOCX, "{r:#}");
    assert_eq!(top["heading"], "Nota sobre esta edición", "{top:#}");
    assert_eq!(
        top["source"]["section"], "Nota sobre esta edición",
        "{top:#}"
    );
    assert!(top["source"]["page"].is_null(), "{top:#}");
    // Title and date from the core properties; institutions from the sidecar, canonical.
    assert_eq!(
        top["title"],
        "Nota comparativa Chile–Perú: modelos de gobernanza regional para el desarrollo productivo"
    );
    assert_eq!(top["date"], "2023-05-30");
    let institutions = top["institutions"].as_array().expect("institutions");
    assert!(
        institutions.iter().any(|i| i == "CRDP Coquimbo"),
        "{institutions:?}"
    );

    // A sentence of the body: the DOCX's hit is filed under the Word heading it sits under.
    let r = search(
        &w,
        &[
            "\"evalúe las trayectorias con cinco criterios\"",
            // Each edition as a hit of its own, not one listing the other.
            "--all-copies",
            "-n",
            "50",
        ],
    );
    let docx = hit_from(&r, DOCX);
    assert_eq!(docx["heading"], "Criterios para elegir", "{docx:#}");

    // The lessons under "Lecciones aprendidas" become lesson records of their own.
    let r = search(
        &w,
        &[
            "figura jurídica política pública",
            // Each edition as a hit of its own, not one listing the other.
            "--all-copies",
            "--kind",
            "lesson",
            "-n",
            "50",
        ],
    );
    let lesson = hit_from(&r, DOCX);
    assert_eq!(lesson["kind"], "lesson", "{lesson:#}");
    assert_eq!(
        lesson["heading"],
        "La figura jurídica es una decisión de política pública, no solo organizacional",
        "{lesson:#}"
    );
}

// --- Incremental runs ------------------------------------------------------------------

#[test]
fn incremental_runs_follow_added_modified_and_deleted_files() {
    let w = Workspace::new();
    let first = index(&w, &[]);
    let files = count(&first, "files");
    assert_eq!(count(&first, "added"), files);
    assert!(files > 40, "{first:#}");
    assert_eq!(
        hits(&search(&w, &["\"versión en Word de la nota comparativa\""])).len(),
        1
    );

    // Nothing changed: nothing read, nothing written.
    let again = index(&w, &[]);
    assert_eq!(
        (count(&again, "read"), count(&again, "unchanged")),
        (0, files),
        "{again:#}"
    );
    assert_eq!(again["committed"], false, "{again:#}");

    // Add a note, append to a profile, delete the DOCX, and touch a file without changing it.
    w.write(
        "notas-de-sesion/dia-5-visita-extra.md",
        "---\ntitle: Visita adicional a un vivero de zarzaparrilla\nkind: session_note\nlang: es\n---\n\n\
         La delegación visitó un vivero de zarzaparrilla en la provincia de Elqui.\n",
    );
    let profile = w.corpus.join("perfiles/ard-cusco.md");
    let mut text = std::fs::read_to_string(&profile).expect("read the profile");
    text.push_str("\n## Novedades\n\nLa agencia incorporó una mesa de la chirimoya andina.\n");
    std::fs::write(&profile, text).expect("write the profile");
    std::fs::remove_file(w.corpus.join(DOCX)).expect("remove the DOCX");
    let touched = w.corpus.join("perfiles/rimisp.md");
    let bytes = std::fs::read(&touched).expect("read");
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&touched, bytes).expect("rewrite the same bytes");

    let s = index(&w, &[]);
    let got: Vec<u64> = ["added", "updated", "removed", "unchanged", "read"]
        .iter()
        .map(|k| count(&s, k))
        .collect();
    // The touched file is read, found unchanged by its hash, and counted as unchanged.
    assert_eq!(
        got,
        [1, 1, 1, files - 2, 3],
        "added, updated, removed, unchanged, read: {s:#}"
    );
    assert_eq!(count(&s, "files"), files);
    assert_eq!(
        count(&s, "total_documents"),
        count(&first, "total_documents"),
        "one document added and one removed: {s:#}"
    );

    let r = search(&w, &["zarzaparrilla"]);
    assert_eq!(
        hits(&r)[0]["source"]["path"],
        "notas-de-sesion/dia-5-visita-extra.md",
        "{r:#}"
    );
    let r = search(&w, &["chirimoya"]);
    assert_eq!(
        hits(&r)[0]["source"]["path"],
        "perfiles/ard-cusco.md",
        "{r:#}"
    );
    assert_eq!(hits(&r)[0]["heading"], "Novedades", "{r:#}");
    // Exactly the phrase (`--no-expand`: not loosened into its words when nothing has it).
    let r = search(
        &w,
        &["\"versión en Word de la nota comparativa\"", "--no-expand"],
    );
    assert!(
        hits(&r).is_empty(),
        "the deleted DOCX is still found: {r:#}"
    );
    let r = search(
        &w,
        &[
            "figura jurídica política pública",
            "--kind",
            "lesson",
            "-n",
            "100",
        ],
    );
    assert!(
        hits(&r).iter().all(|h| h["source"]["path"] != DOCX),
        "its lessons are still found: {r:#}"
    );

    // And --rebuild reads everything again, to the same totals.
    let rebuilt = index(&w, &["--rebuild"]);
    assert_eq!(count(&rebuilt, "read"), files);
    assert_eq!(totals(&rebuilt), totals(&s));
}

// --- Interrupted runs ------------------------------------------------------------------

/// Starts `minga index` in the background.
fn spawn_index(w: &Workspace, index: &Path) -> Child {
    index_command(w, &w.corpus, index, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn minga index")
}

/// Kills (SIGKILL on Unix) a child after `delay`; whether it had already exited.
fn kill_after(mut child: Child, delay: Duration) -> bool {
    std::thread::sleep(delay);
    let exited = child.try_wait().expect("poll the indexer").is_some();
    let _ = child.kill();
    child.wait().expect("reap the indexer");
    exited
}

/// Hits of `query` after an interrupted run: the search must work and every hit must come
/// from a file of the corpus.
fn consistent_total(w: &Workspace, query: &str) -> u64 {
    // Every copy counted: the runs below add copies of the corpus's files.
    let r = search(w, &[query, "-n", "100", "--all-copies"]);
    for hit in hits(&r) {
        let path = hit["source"]["path"].as_str().expect("a source path");
        assert!(
            w.corpus.join(path).is_file(),
            "a hit from a file that is not there: {hit:#}"
        );
    }
    r["total"].as_u64().expect("a total")
}

#[test]
fn an_update_killed_at_any_moment_leaves_the_last_commit_and_the_next_run_completes() {
    const QUERY: &str = "astroturismo cielos oscuros";
    let w = Workspace::new();
    w.index();
    let before = consistent_total(&w, QUERY);
    replicate_markdown(&w.corpus, 0, COPIES);

    // What a clean full index of the enlarged corpus holds, and how long it takes.
    let reference_index = w.dir.path().join("reference-index");
    let started = Instant::now();
    let reference = summary(
        &index_command(&w, &w.corpus, &reference_index, &[])
            .output()
            .expect("run minga index"),
    );
    let took = started.elapsed();
    let reference_search = try_search(&w, &reference_index, &[QUERY, "-n", "100", "--all-copies"]);
    let after: Value = serde_json::from_slice(&reference_search.stdout).expect("JSON");
    let after = after["total"].as_u64().expect("a total");
    assert!(
        after > before,
        "{before} hits before the copies, {after} after"
    );

    // Kill the update early, late, and near its end (where it commits).
    let delays = [
        Duration::from_millis(20),
        Duration::from_millis(100),
        Duration::from_millis(300),
        took / 4,
        took / 2,
        took * 3 / 4,
        took * 9 / 10,
    ];
    for delay in delays {
        let exited = kill_after(spawn_index(&w, &w.index), delay);
        let total = consistent_total(&w, QUERY);
        assert!(
            (before..=after).contains(&total),
            "after a kill at {delay:?} (exited by itself: {exited}), {total} hits: \
             neither the last commit ({before}) nor the whole corpus ({after})"
        );
    }

    let last = index(&w, &[]);
    assert_eq!(
        totals(&last),
        totals(&reference),
        "after the kills: {last:#}\nclean: {reference:#}"
    );
    assert_eq!(consistent_total(&w, QUERY), after);
    let quiet = index(&w, &[]);
    assert_eq!(count(&quiet, "read"), 0, "{quiet:#}");
}

#[test]
fn a_rebuild_killed_at_any_moment_leaves_the_old_index_whole() {
    const QUERY: &str = "astroturismo cielos oscuros";
    let w = Workspace::new();
    replicate_markdown(&w.corpus, 0, COPIES);
    let started = Instant::now();
    let reference = index(&w, &[]);
    let took = started.elapsed();
    let before = consistent_total(&w, QUERY);
    for delay in [
        Duration::from_millis(50),
        took / 4,
        took / 2,
        took * 3 / 4,
        took * 9 / 10,
        took,
    ] {
        let child = index_command(&w, &w.corpus, &w.index, &["--rebuild"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn minga index --rebuild");
        let exited = kill_after(child, delay);
        assert_eq!(
            consistent_total(&w, QUERY),
            before,
            "after a kill at {delay:?} (exited by itself: {exited}): not the old index whole"
        );
    }
    let last = index(&w, &["--rebuild"]);
    assert_eq!(totals(&last), totals(&reference), "{last:#}");
    assert_eq!(consistent_total(&w, QUERY), before);
    let beside = w.dir.path().join("index.rebuild");
    assert!(!beside.exists(), "the rebuild left {}", beside.display());
}

#[test]
fn a_first_run_killed_before_its_first_commit_leaves_nothing_in_the_way() {
    let w = Workspace::new();
    replicate_markdown(&w.corpus, 0, COPIES);
    for delay in [20, 100, 300, 600] {
        kill_after(spawn_index(&w, &w.index), Duration::from_millis(delay));
        let out = try_search(&w, &w.index, &["astroturismo"]);
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("run `minga index` to build it"),
                "after a kill at {delay} ms: {}",
                text(&out)
            );
        }
    }
    let last = index(&w, &[]);
    let reference = summary(
        &index_command(&w, &w.corpus, &w.dir.path().join("reference-index"), &[])
            .output()
            .expect("run minga index"),
    );
    assert_eq!(totals(&last), totals(&reference));
}

// --- Two indexers ----------------------------------------------------------------------

#[test]
fn a_second_indexer_on_the_same_index_is_told_it_is_locked() {
    let w = Workspace::new();
    w.index();
    let mut markdown = Vec::new();
    markdown_files(&shipped_corpus(), "", &mut markdown);
    let mut copies = 0;
    for attempt in 1..=4 {
        // Each attempt adds more copies than the last, so the first indexer has more to read.
        let added = COPIES * attempt;
        replicate_markdown(&w.corpus, copies, copies + added);
        copies += added;
        let first = index_command(&w, &w.corpus, &w.index, &[])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the first indexer");
        // Time for it to list the corpus and take the writer's lock.
        std::thread::sleep(Duration::from_millis(500));
        let second = index_command(&w, &w.corpus, &w.index, &[])
            .output()
            .expect("run the second indexer");
        let first = first
            .wait_with_output()
            .expect("wait for the first indexer");
        let locked = |o: &Output| {
            o.status.code() == Some(1)
                && String::from_utf8_lossy(&o.stderr)
                    .contains("is locked by another indexer; wait for it to finish and try again")
        };
        match (first.status.success(), second.status.success()) {
            // The first was done before the second started: try with more to read.
            (true, true) => continue,
            (true, false) => {
                assert!(
                    locked(&second),
                    "the second failed for another reason: {}",
                    text(&second)
                );
                // The first one's work is whole.
                let s = summary(&first);
                assert_eq!(count(&s, "added") as usize, added * markdown.len(), "{s:#}");
                return;
            }
            // The second got there first (a slow start): the first must be the one refused.
            (false, true) => {
                assert!(
                    locked(&first),
                    "the first failed for another reason: {}",
                    text(&first)
                );
                return;
            }
            (false, false) => panic!("both failed:\n{}\n{}", text(&first), text(&second)),
        }
    }
    panic!("the first indexer always finished before the second started");
}

// --- Bad input -------------------------------------------------------------------------

#[test]
fn bad_files_are_reported_with_path_and_reason_and_the_rest_is_indexed() {
    let w = Workspace::new();
    let clean = index(&w, &[]);
    let write = |rel: &str, bytes: &[u8]| {
        let path = w.corpus.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create a folder");
        std::fs::write(path, bytes).expect("write a file");
    };
    let pdf = std::fs::read(w.corpus.join(PDF)).expect("read the sample PDF");
    write("entrantes/cifrado.pdf", &encrypted_pdf());
    write("entrantes/descarga-cortada.pdf", &pdf[..pdf.len() / 2]);
    write(
        "entrantes/no-es-word.docx",
        b"Esto es texto, no un archivo de Word.\n",
    );
    write(
        "entrantes/foto.md",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x02\0\0\0",
    );
    write(
        "entrantes/acta-1998.txt",
        b"Acta de la reuni\xf3n de 1998\n\nLa campa\xf1a cajamarquina de riego \x93por goteo\x94 \
          lleg\xf3 a Ja\xe9n.\n",
    );
    write("entrantes/vacia.md", b"");
    write(
        "entrantes/proyectos.csv",
        "titulo,texto,region\n\
         Riego en Piura,Proyecto de riego tecnificado con quinua orgánica,Piura\n\
         Café de altura,Proyecto de café especial en La Convención\n\
         Cacao fino,Proyecto de cacao fino de aroma,San Martín,sobra\n"
            .as_bytes(),
    );

    let output = index_command(&w, &w.corpus, &w.index, &[])
        .output()
        .expect("run minga index");
    let s = summary(&output);
    let problems: Vec<(String, Option<u64>, String, String)> = s["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["path"].as_str().expect("a path").to_string(),
                p["line"].as_u64(),
                p["severity"].as_str().expect("a severity").to_string(),
                p["reason"].as_str().expect("a reason").to_string(),
            )
        })
        .collect();
    let find = |path: &str| -> Vec<&(String, Option<u64>, String, String)> {
        problems.iter().filter(|p| p.0 == path).collect()
    };
    let only = |path: &str, severity: &str, reason: &str| {
        let found = find(path);
        assert_eq!(found.len(), 1, "{path}: {problems:#?}");
        assert_eq!(found[0].2, severity, "{path}: {problems:#?}");
        assert!(
            found[0].3.starts_with(reason),
            "{path}: {:?} is not {reason:?}",
            found[0].3
        );
    };
    only("entrantes/cifrado.pdf", "skipped", "encrypted PDF");
    only(
        "entrantes/descarga-cortada.pdf",
        "skipped",
        "could not parse PDF",
    );
    only(
        "entrantes/no-es-word.docx",
        "skipped",
        "not a DOCX (not a zip archive",
    );
    only(
        "entrantes/foto.md",
        "skipped",
        "binary file with a .md extension",
    );
    only(
        "entrantes/acta-1998.txt",
        "repaired",
        "decoded as Windows-1252",
    );
    only("entrantes/vacia.md", "skipped", "empty file");
    let csv = find("entrantes/proyectos.csv");
    let csv: Vec<(Option<u64>, &str, &str)> = csv
        .iter()
        .map(|p| (p.1, p.2.as_str(), p.3.as_str()))
        .collect();
    assert_eq!(
        csv,
        [
            (
                Some(3),
                "repaired",
                "row has 2 cells, the header 3: padded with empty cells"
            ),
            (
                Some(4),
                "repaired",
                "row has 4 cells, the header 3: extra cells dropped"
            ),
        ]
    );
    assert_eq!(problems.len(), 8, "{problems:#?}");

    // Everything else is indexed: the whole sample corpus, the decoded text, every CSV row.
    assert_eq!(count(&s, "files"), count(&clean, "files") + 7);
    assert_eq!(
        count(&s, "total_documents"),
        count(&clean, "total_documents") + 1 + 3,
        "{s:#}"
    );
    let r = search(&w, &["campaña", "cajamarquina"]);
    let top = &hits(&r)[0];
    assert_eq!(top["source"]["path"], "entrantes/acta-1998.txt", "{r:#}");
    assert!(
        top["snippet"]
            .as_str()
            .expect("a snippet")
            .contains("“por goteo” llegó a Jaén"),
        "{top:#}"
    );
    let r = search(&w, &["cacao fino de aroma"]);
    assert_eq!(hits(&r)[0]["regions"][0], "San Martín", "{r:#}");
    assert!(!hits(&search(&w, &["\"versión en PDF del informe de síntesis\""])).is_empty());

    // The human report names each file with its reason; --strict makes them an error, also
    // on a later run that reads nothing.
    let report = w
        .minga()
        .arg("index")
        .arg(&w.corpus)
        .arg("--index")
        .arg(&w.index)
        .arg("--rebuild")
        .output()
        .expect("run");
    let out = String::from_utf8_lossy(&report.stdout);
    assert!(report.status.success(), "{}", text(&report));
    assert!(out.contains("skipped (not indexed): 5"), "{out}");
    assert!(
        out.contains("entrantes/cifrado.pdf: encrypted PDF"),
        "{out}"
    );
    assert!(
        out.contains("entrantes/proyectos.csv:4: row has 4 cells"),
        "{out}"
    );
    let strict = index_command(&w, &w.corpus, &w.index, &["--strict"])
        .output()
        .expect("run");
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict));
    assert!(
        String::from_utf8_lossy(&strict.stderr).contains("--strict"),
        "{}",
        text(&strict)
    );
    let s: Value = serde_json::from_slice(&strict.stdout).expect("the summary is JSON");
    assert_eq!(
        count(&s, "read"),
        0,
        "the strict run had nothing to read: {s:#}"
    );

    // With the bad files gone, --strict passes.
    std::fs::remove_dir_all(w.corpus.join("entrantes")).expect("remove them");
    let ok = index_command(&w, &w.corpus, &w.index, &["--strict"])
        .output()
        .expect("run");
    assert!(ok.status.success(), "{}", text(&ok));
}

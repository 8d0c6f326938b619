//! The `minga` binary as a user runs it: index a corpus folder, search it, show documents,
//! on the small fixture corpus and on the shipped sample corpus.
//!
//! The README's examples of the command line are what the binary prints on the sample
//! corpus. After a change to that output that is meant, rewrite them with
//!
//! ```sh
//! MINGA_UPDATE_README=1 cargo test --test end_to_end readme
//! ```
//!
//! and read the diff before committing it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_minga");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A corpus copied into a temporary folder, with its index beside it.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new(corpus: &str) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&root().join(corpus), &dir.path().join("corpus"));
        Workspace { dir }
    }

    fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    /// Runs `minga` in the workspace folder, where `corpus/` and `index/` are the defaults.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("MINGA_INDEX")
            .env_remove("MINGA_CORPUS")
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "minga {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        serde_json::from_str(&self.ok(&args)).unwrap()
    }

    fn indexed(corpus: &str) -> Workspace {
        let w = Workspace::new(corpus);
        w.ok(&["index", "--quiet"]);
        w
    }
}

fn hit_ids(response: &Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn index_reports_what_it_did_and_a_second_run_does_nothing() {
    let w = Workspace::new("tests/fixtures/corpus");
    let out = w.ok(&["index"]);
    assert!(
        out.contains("7 found, 7 read: 7 added, 0 updated, 0 removed, 0 unchanged"),
        "{out}"
    );
    assert!(
        out.contains("documents: 9 indexed now, 9 in the index"),
        "{out}"
    );
    assert!(out.contains("MB/s"), "{out}");
    let again = w.json(&["index"]);
    assert_eq!(again["read"], 0);
    assert_eq!(again["unchanged"], 7);
    assert_eq!(again["committed"], false);
    assert_eq!(again["total_documents"], 9);
}

#[test]
fn unaccented_query_with_region_filter_finds_the_lesson() {
    let w = Workspace::indexed("tests/fixtures/corpus");
    let r = w.json(&[
        "search",
        "articulacion",
        "interinstitucional",
        "--region",
        "biobio",
    ]);
    let hits = r["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert_eq!(hits[0]["parent"], "notas.biobio-articulacion");
    assert!(
        hits.iter().take(3).any(|h| h["kind"] == "lesson"),
        "{hits:#?}"
    );
    for hit in hits {
        assert_eq!(hit["regions"][0], "Biobío", "{hit:#}");
    }
    let snippet = hits[0]["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("<mark>articulación</mark> <mark>interinstitucional</mark>"),
        "{snippet}"
    );
}

#[test]
fn plural_query_finds_a_document_that_only_says_the_singular() {
    let w = Workspace::indexed("tests/fixtures/corpus");
    let r = w.json(&["search", "agencias regionales"]);
    let ids = hit_ids(&r);
    // Lessons get a ranking bonus (`Ranking::lesson`), so a short lesson saying `agencia`
    // may come first; among the other documents, the profile saying both words leads.
    let kinds: Vec<&str> = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    let first_other = kinds.iter().position(|k| *k != "lesson").unwrap();
    assert_eq!(ids[first_other], "perfiles.ard-cusco", "{ids:?}");
    assert!(first_other < 2, "{ids:?} {kinds:?}");
    let text = std::fs::read_to_string(w.corpus().join("perfiles/ard-cusco.md")).unwrap();
    assert!(text.contains("agencia regional") && !text.contains("agencias regionales"));
}

#[test]
fn filters_and_facet_counts() {
    let w = Workspace::indexed("tests/fixtures/corpus");
    let r = w.json(&["search", "--kind", "lesson", "--limit", "50"]);
    // Three lesson records and two lessons from the Biobío note, which come as one hit.
    assert_eq!(r["total"], 4);
    assert_eq!(r["total_passages"], 5);
    assert!(
        r["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["kind"] == "lesson")
    );
    // The kind facet is counted without the kind filter, so other kinds still show. Facets
    // count what `total` counts: documents (the Biobío note's two lessons count once).
    assert_eq!(r["facets"]["kind"]["lesson"], 4);
    assert_eq!(r["facets"]["kind"]["agency_profile"], 2);
    assert_eq!(r["facets"]["region"]["Chile/Biobío"], 2);
    let passages = w.json(&["search", "--kind", "lesson", "--limit", "50", "--no-group"]);
    assert_eq!(passages["total"], 5);
    assert_eq!(passages["facets"]["kind"]["lesson"], 5);
    assert_eq!(passages["facets"]["region"]["Chile/Biobío"], 3);

    let r = w.json(&["search", "--lang", "en"]);
    assert_eq!(r["total"], 2);
    let r = w.json(&[
        "search",
        "--from",
        "2023-01-25",
        "--to",
        "2023-01-26",
        "--sort",
        "date",
    ]);
    let dates: Vec<&str> = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert!(
        dates
            .iter()
            .all(|d| ("2023-01-25"..="2023-01-26").contains(d)),
        "{dates:?}"
    );
    let r = w.json(&[
        "search",
        "--institution",
        "CRDP Coquimbo",
        "--region",
        "Chile",
    ]);
    let mut parents: Vec<&str> = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["parent"].as_str().unwrap())
        .collect();
    parents.sort();
    assert_eq!(parents, ["lec-1", "notas.coquimbo-mesa"]);
}

#[test]
fn human_output_shows_hits_snippets_and_facets() {
    let w = Workspace::indexed("tests/fixtures/corpus");
    let out = w.ok(&["search", "financiamiento", "mixto", "--facets"]);
    assert!(
        out.starts_with("3 results for \"financiamiento mixto\", showing 1–3"),
        "{out}"
    );
    assert!(
        out.contains(
            "  1. El financiamiento mixto sostiene la agencia  [lesson · es · 2023-01-24]"
        ),
        "{out}"
    );
    assert!(out.contains("**financiamiento** **mixto**"), "{out}");
    assert!(
        out.contains("id: lec-1   source: lecciones.jsonl:1"),
        "{out}"
    );
    assert!(
        out.contains("Facets:\n  country:     Chile (3)\n  region:      Chile/Coquimbo (3), Chile/Biobío (1)\n"),
        "{out}"
    );
    // A question's words that say what it asks for are named as not searched.
    let out = w.ok(&["search", "¿Cuál es el nombre del financiamiento mixto?"]);
    assert!(
        out.contains("Not searched (they say what the question asks for): nombre\n"),
        "{out}"
    );
}

/// The sample corpus has some 130 topics: a search prints none of them unless asked, the
/// most frequent with `--facets`, every one with `--facets all`.
#[test]
fn facets_are_printed_only_when_asked_and_cut_to_the_top_values() {
    let w = Workspace::indexed("corpus");
    let plain = w.ok(&["search", "agencia"]);
    assert!(!plain.contains("Facets:"), "{plain}");
    assert!(!plain.contains("topic:"), "{plain}");

    let topics = w.json(&["search", "agencia"])["facets"]["topic"]
        .as_object()
        .unwrap()
        .len();
    assert!(topics > 20, "{topics} topics");
    let facet_line = |out: &str, name: &str| -> String {
        out.lines()
            .find(|l| l.starts_with(&format!("  {name}:")))
            .unwrap_or_else(|| panic!("no {name} line in {out}"))
            .to_string()
    };
    let top = w.ok(&["search", "agencia", "--facets"]);
    assert!(top.contains("\nFacets:\n"), "{top}");
    let line = facet_line(&top, "topic");
    let more = format!(", … and {} more", topics - 8);
    assert!(line.ends_with(&more), "{line}");
    assert_eq!(line.matches("), ").count(), 8, "{line}");
    // The most frequent first.
    let counts: Vec<u64> = line
        .split("), ")
        .filter_map(|v| v.rsplit_once(" (")?.1.trim_end_matches(')').parse().ok())
        .collect();
    assert!(counts.windows(2).all(|c| c[0] >= c[1]), "{line}");
    // A facet with few values is printed whole.
    let kinds = facet_line(&top, "kind");
    assert!(!kinds.contains("more"), "{kinds}");

    let all = w.ok(&["search", "agencia", "--facets", "all"]);
    let line = facet_line(&all, "topic");
    assert!(!line.contains("more"), "{line}");
    assert_eq!(line.matches("), ").count() + 1, topics, "{line}");
    // `--facets` takes no other value: a query word after it is refused, not swallowed.
    let out = w.run(&["search", "--facets", "agencia"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid value 'agencia' for '--facets"),
        "{err}"
    );
}

#[test]
fn show_labels_the_parts_of_a_lesson() {
    let w = Workspace::indexed("tests/fixtures/corpus");
    // A lesson of a note, whose text holds its parts without their labels.
    let note = w.ok(&["show", "notas.biobio-articulacion:l1"]);
    let lesson = note
        .split("▶ [notas.biobio-articulacion:l1]")
        .nth(1)
        .unwrap_or_else(|| panic!("{note}"));
    let lesson = lesson.split("\n[").next().unwrap();
    for expected in [
        "\nContext: En la región, las mesas sin mandato dejaban de reunirse",
        "\nLesson: La articulación interinstitucional dura cuando tiene un mandato formal",
        "\nRecommendation: Formalizar el mandato de la mesa",
    ] {
        assert!(lesson.contains(expected), "{expected:?} in {lesson}");
    }
    // A lesson record: its fields, labelled in the order the brief quotes them.
    let out = w.ok(&["show", "lec-1"]);
    let body = out.split("lecciones.jsonl:1\n").nth(1).unwrap();
    assert_eq!(
        body,
        "Lesson: Una agencia con financiamiento mixto resiste mejor los cambios de gobierno.\n\n\
         Context: La corporación combina fondos públicos y privados.\n\n\
         Recommendation: Buscar aportes privados desde el primer año.\n",
        "{out}"
    );
    // A note's passage that is not a lesson has no labels.
    let section = note
        .split("[notas.biobio-articulacion:p2]")
        .nth(1)
        .and_then(|rest| rest.split(['[', '▶']).next())
        .unwrap_or_else(|| panic!("{note}"));
    assert!(section.contains("secretaría técnica"), "{section}");
    assert!(!section.contains("Lesson:"), "{section}");
}

#[test]
fn a_brief_without_lessons_says_so_on_stderr_and_exits_1() {
    let w = Workspace::indexed("tests/fixtures/corpus");
    let out = w.run(&["brief", "xylofono", "--date", "2024-05-02"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        "no lesson found for \"xylofono\"; no passage of the index matches: xylofono\n"
    );
    // The brief is written all the same, saying so.
    let brief = String::from_utf8_lossy(&out.stdout);
    assert!(
        brief.contains("Ninguna lección coincide con esta búsqueda."),
        "{brief}"
    );
    // Words the index holds, but no lesson under these filters.
    let out = w.run(&["brief", "articulación", "--region", "Cusco", "-o", "b.md"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        "no lesson found for \"articulación\" [region: Cusco]\n"
    );
    assert!(w.dir.path().join("b.md").exists());
    let out = w.run(&["brief", "articulación"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
}

#[test]
fn a_query_may_start_with_an_exclusion_and_options_still_parse() {
    let w = Workspace::indexed("tests/fixtures/corpus");
    let excluded = w.json(&["search", "-café", "agencia"]);
    assert_eq!(excluded["query"], "-café agencia");
    assert_eq!(excluded, {
        let same = w.ok(&["search", "--json", "--", "-café", "agencia"]);
        let mut same: Value = serde_json::from_str(&same).unwrap();
        same["took_ms"] = excluded["took_ms"].clone();
        same
    });
    let all = w.json(&["search", "agencia"]);
    assert!(
        excluded["total"].as_u64() < all["total"].as_u64(),
        "{excluded:#} {all:#}"
    );
    // Options before and after the query, short and long, are options.
    let r = w.json(&[
        "search", "-n", "1", "-café", "agencia", "--region", "Coquimbo",
    ]);
    assert_eq!(r["query"], "-café agencia");
    assert_eq!(r["hits"].as_array().unwrap().len(), 1, "{r:#}");
    assert_eq!(r["hits"][0]["regions"][0], "Coquimbo", "{r:#}");
    // An unknown option is an error wherever it is, with the option it resembles.
    for args in [
        &["search", "--regoin", "Coquimbo", "agencia"][..],
        &["search", "agencia", "--regoin", "Coquimbo"],
        &["brief", "--regoin", "Coquimbo", "agencia"],
    ] {
        let out = w.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("unexpected argument '--regoin' found"),
            "{args:?}: {err}"
        );
        assert!(err.contains("'--region'"), "{args:?}: {err}");
    }
    // The same for a brief.
    let out = w.run(&["brief", "-café", "articulación", "--date", "2024-05-02"]);
    assert!(out.status.success(), "{out:?}");
    let brief = String::from_utf8_lossy(&out.stdout);
    assert!(brief.contains("café articulación"), "{brief}");
}

#[test]
fn show_prints_a_document_and_its_passages() {
    let w = Workspace::indexed("tests/fixtures/corpus");
    let out = w.ok(&["show", "notas.biobio-articulacion:l1"]);
    assert!(
        out.starts_with("Mesa de trabajo en Concepción: articulación entre instituciones\n"),
        "{out}"
    );
    assert!(out.contains("regions: Biobío"), "{out}");
    assert!(
        out.contains(
            "▶ [notas.biobio-articulacion:l1] lesson La articulación necesita un mandato formal"
        ),
        "{out}"
    );
    assert!(
        out.contains("[notas.biobio-articulacion:p2] session_note Articulación interinstitucional"),
        "{out}"
    );
    let view = w.json(&["show", "notas.biobio-articulacion"]);
    // The opening, the section on articulation, and two lessons.
    assert_eq!(view["passages"].as_array().unwrap().len(), 4);
    let out = w.run(&["show", "nada"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no document or passage with id \"nada\""),
        "{err}"
    );
}

#[test]
fn broken_files_are_skipped_with_path_and_line_and_strict_fails() {
    let w = Workspace::new("tests/fixtures/corpus");
    std::fs::write(
        w.corpus().join("notas/roto.md"),
        "---\ntitle: [sin cerrar\n---\nTexto con zarzamora\n",
    )
    .unwrap();
    std::fs::write(
        w.corpus().join("notas/dos-puntos.md"),
        "---\ntitle: Mesa de trabajo: proveedores\n---\nTexto con chirimoya\n",
    )
    .unwrap();
    std::fs::write(
        w.corpus().join("lotes.jsonl"),
        "{\"id\":\"ok\",\"title\":\"Bien\",\"text\":\"palabra berenjena\",\"lang\":\"es\"}\n{\"id\":\n",
    )
    .unwrap();
    std::fs::write(
        w.corpus().join("notas/latin1.txt"),
        b"Regi\xf3n de Piura: innovaci\xf3n\n",
    )
    .unwrap();
    let out = w.ok(&["index"]);
    assert!(out.contains("skipped (not indexed): 1"), "{out}");
    assert!(out.contains("lotes.jsonl:2:"), "{out}");
    // Front matter YAML cannot read loses the metadata, not the text.
    assert!(
        out.contains("notas/roto.md:3: invalid YAML front matter"),
        "{out}"
    );
    let r = w.json(&["search", "zarzamora"]);
    assert_eq!(hit_ids(&r), ["notas.roto"], "{r:#}");
    // An unquoted colon in a title is mended, and the note says what to write.
    assert!(out.contains("repaired (indexed after a fix): 2"), "{out}");
    assert!(
        out.contains("notas/dos-puntos.md:2: the value of `title` contains \":\""),
        "{out}"
    );
    let r = w.json(&["search", "chirimoya"]);
    assert_eq!(
        r["hits"][0]["title"], "Mesa de trabajo: proveedores",
        "{r:#}"
    );
    assert!(out.contains("notas/latin1.txt"), "{out}");
    let r = w.json(&["search", "berenjena"]);
    assert_eq!(hit_ids(&r), ["ok"]);
    let strict = w.run(&["index", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("--strict"));
}

#[test]
fn missing_and_incompatible_indexes_say_which_command_fixes_them() {
    let w = Workspace::new("tests/fixtures/corpus");
    let out = w.run(&["search", "café"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("run `minga index` to build it"), "{err}");

    w.ok(&["index", "--quiet"]);
    let meta = w.dir.path().join("index/meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        text.replace("minga_schema\\\":", "minga_schema\\\":9"),
    )
    .unwrap();
    let out = w.run(&["search", "café"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("run `minga index --rebuild`"), "{err}");
    let out = w.run(&["index"]);
    assert!(!out.status.success());
    w.ok(&["index", "--rebuild", "--quiet"]);
    assert!(!hit_ids(&w.json(&["search", "café"])).is_empty());
}

#[test]
fn bad_queries_are_refused_with_where_the_problem_is() {
    let w = Workspace::indexed("tests/fixtures/corpus");
    let out = w.run(&["search", "\"agencia regional"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("this quote is never closed (at column 1)"),
        "{err}"
    );
    let out = w.run(&["search", "x", "--region", "Narnia"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid region filter \"Narnia\""), "{err}");
}

#[test]
fn the_sample_corpus_answers_the_readme_examples() {
    let w = Workspace::indexed("corpus");
    let r = w.json(&[
        "search",
        "articulacion interinstitucional",
        "--region",
        "biobio",
    ]);
    let first = &r["hits"][0];
    assert!(
        first["parent"].as_str().unwrap().contains("articulacion"),
        "{first:#}"
    );
    assert!(
        first["regions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "Biobío")
    );
    assert_eq!(first["kind"], "lesson");

    // Documents that only ever say the singular are found by the plural.
    let r = w.json(&["search", "agencias regionales", "--limit", "100"]);
    let only_singular = r["hits"].as_array().unwrap().iter().any(|h| {
        let path = w.corpus().join(h["source"]["path"].as_str().unwrap());
        let text = std::fs::read_to_string(path).unwrap_or_default();
        text.contains("agencia regional") && !text.contains("agencias regionales")
    });
    assert!(only_singular);
}

#[test]
fn document_text_cannot_send_escape_sequences_to_the_terminal() {
    let w = Workspace::new("tests/fixtures/corpus");
    // Metadata and a file name that would retitle the terminal, clear the screen, ring the
    // bell and plant a link (YAML's `\e` and `\a` are escape and bell).
    std::fs::write(
        w.corpus().join("hostil\u{1b}]0;retitulada\u{7}.md"),
        "---\ntitle: Nota hostil\nkind: note\nevent: \"Taller \\e]0;retitulada\\a\"\n\
         location: \"Valle \\e[2J\\a\"\nauthors: [\"Equipo \\e]8;;http://example.invalid\\a\"]\n\
         topics: [\"fauna \\e[31m\"]\n---\n\nEl quirquincho cruza la quebrada al alba.\n",
    )
    .unwrap();
    w.ok(&["index", "--quiet"]);
    let found = w.ok(&["search", "quirquincho"]);
    assert!(found.contains("quirquincho"), "{found}");
    let id = w.json(&["search", "quirquincho"])["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let shown = w.ok(&["show", &id]);
    assert!(shown.contains("Taller ]0;retitulada"), "{shown}");
    let facets = w.ok(&["facets"]);
    for (what, out) in [("search", &found), ("show", &shown), ("facets", &facets)] {
        assert!(
            !out.contains(|c: char| c.is_control() && c != '\n'),
            "minga {what} printed a control character: {out:?}"
        );
    }
}

#[test]
fn output_to_a_reader_that_has_gone_away_ends_quietly() {
    let w = Workspace::indexed("tests/fixtures/corpus");
    for args in [
        &["facets"][..],
        &["search", "agencia"],
        &["search", "agencia", "--json"],
    ] {
        // As `minga facets | head -0`: the reading end is closed before anything is written.
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(w.dir.path())
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "minga {args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "minga {args:?}: {stderr}");
    }
}

#[test]
fn a_new_folder_without_data_files_knows_peru_and_chile_from_the_built_in_lists() {
    let w = Workspace {
        dir: tempfile::tempdir().unwrap(),
    };
    let notes = w.corpus().join("notas");
    std::fs::create_dir_all(&notes).unwrap();
    let note = |name: &str, front: &str, text: &str| {
        std::fs::write(notes.join(name), format!("---\n{front}---\n{text}\n")).unwrap();
    };
    note(
        "puno.md",
        "title: Mesa de Puno\ncountry: Perú\nregions: [Puno]\n\
         institutions: [Gobierno Regional de Puno, MEF, CEPLAN]\n",
        "Acuerdos sobre la cadena de la quinua.",
    );
    note(
        "biobio.md",
        "title: Comité del Biobío\ncountry: Chile\nregions: [Región del Biobío]\n\
         institutions: [CORFO, SUBDERE, GORE Biobío]\n",
        "Lecciones del comité de desarrollo productivo.",
    );
    note(
        "libertad.md",
        "title: Visita a Trujillo\nregions: [La Libertad]\n",
        "La agroexportación del norte.",
    );
    note(
        "narnia.md",
        "title: Una región que no existe\ncountry: Perú\nregions: [Narnia]\n",
        "Texto.",
    );
    let out = w.ok(&["index"]);
    // Nothing is reported about the names the built-in lists know...
    assert!(out.contains("warnings (indexed as written): 1"), "{out}");
    assert_eq!(out.matches("unknown").count(), 1, "{out}");
    // ...and an unknown region says which row of which file makes it known.
    assert!(
        out.contains(
            "notas/narnia.md:4: unknown region \"Narnia\": to make it known, add the row \
             \"Perú,<region>,Narnia\" to _gazetteer.csv in the corpus folder"
        ),
        "{out}"
    );
    let facets = w.json(&["facets"]);
    let keys =
        |name: &str| -> Vec<String> { facets[name].as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys("country"), ["Chile", "Perú"], "{facets:#}");
    assert_eq!(
        keys("region"),
        [
            "Chile/Biobío",
            "Perú/La Libertad",
            "Perú/Narnia",
            "Perú/Puno"
        ],
        "{facets:#}"
    );
    let institutions = keys("institution");
    for name in [
        "CEPLAN",
        "CORFO",
        "Gobierno Regional de Puno",
        "Gobierno Regional del Biobío",
        "MEF",
        "SUBDERE",
    ] {
        assert!(institutions.iter().any(|i| i == name), "{name}: {facets:#}");
    }
    let r = w.json(&["search", "quinua", "--region", "puno"]);
    assert_eq!(hit_ids(&r), ["notas.puno"], "{r:#}");
    let r = w.json(&["search", "comité", "--institution", "Corfo"]);
    assert_eq!(hit_ids(&r), ["notas.biobio"], "{r:#}");
}

#[test]
fn topics_the_glossary_says_are_the_same_are_one_facet_value() {
    let w = Workspace {
        dir: tempfile::tempdir().unwrap(),
    };
    let notes = w.corpus().join("notas");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(
        w.corpus().join("_glossary.csv"),
        "es,en,acronyms,note\ncadena de valor,value chain,,\n",
    )
    .unwrap();
    let topics = [
        "cadena de valor",
        "Cadenas de Valor",
        "value chains",
        "cadenas productivas",
        "Cadena productiva",
    ];
    for (n, topic) in topics.iter().enumerate() {
        std::fs::write(
            notes.join(format!("nota-{n}.md")),
            format!("---\ntitle: Mesa {n}\ntopics: [{topic}]\n---\nAcuerdos de la mesa.\n"),
        )
        .unwrap();
    }
    w.ok(&["index"]);
    let facets = w.json(&["facets"]);
    let counts: Vec<(String, u64)> = facets["topic"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(counts.len(), 2, "{facets:#}");
    assert!(
        counts.contains(&("cadena de valor".into(), 3)),
        "{facets:#}"
    );
    // No glossary entry: the spelling most passages use, ties to the one that sorts first.
    assert!(
        counts.contains(&("Cadena productiva".into(), 2)),
        "{facets:#}"
    );
    for topic in ["value chain", "cadenas de valor", "Cadena de Valor"] {
        let r = w.json(&["search", "mesa", "--topic", topic]);
        let mut ids = hit_ids(&r);
        ids.sort();
        assert_eq!(
            ids,
            ["notas.nota-0", "notas.nota-1", "notas.nota-2"],
            "{topic}: {r:#}"
        );
    }
    let r = w.json(&["search", "mesa", "--topic", "cadena productiva"]);
    assert_eq!(hit_ids(&r).len(), 2, "{r:#}");

    // The name is the corpus's, not the last file's: two more notes that write the plural
    // rename the value after an incremental run, as a rebuild would.
    for n in 5..7 {
        std::fs::write(
            notes.join(format!("nota-{n}.md")),
            format!("---\ntitle: Mesa {n}\ntopics: [cadenas productivas]\n---\nAcuerdos.\n"),
        )
        .unwrap();
    }
    w.ok(&["index"]);
    let facets = w.json(&["facets"]);
    assert_eq!(facets["topic"]["cadenas productivas"], 4, "{facets:#}");
    assert_eq!(facets["topic"].as_object().unwrap().len(), 2, "{facets:#}");
}

#[test]
fn a_dublin_core_export_and_nested_json_records_are_indexed_and_found() {
    let w = Workspace::new("tests/fixtures/corpus");
    let repo = w.corpus().join("repositorio");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join("dspace.csv"),
        "id,collection,dc.title[es],dc.description.abstract[es],dc.date.issued,\
         dc.contributor.author[es],dc.subject[es],dc.subject[es],dc.language.iso[es]\n\
         dc-1,123/4,Informe de cierre del programa de piscicultura,\
         \"La piscicultura de truchas en lagunas altoandinas necesitó asistencia técnica \
         continua.\",2021-03,\"Quispe, Ana||Rojas, Luis\",acuicultura||truchas,riego,spa\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("api.json"),
        r#"{"status": "ok", "data": {"items": [
  {"metadata": {"titulo": "Ficha de la mesa de quinua orgánica", "palabras clave": ["quinua"]},
   "resumen": "La mesa de quinua orgánica acordó precios con los compradores."}
]}}"#,
    )
    .unwrap();
    let out = w.run(&["index"]);
    let report =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("records taken from \"data.items\""),
        "{report}"
    );

    let found = w.json(&["search", "truchas", "lagunas"]);
    assert_eq!(hit_ids(&found)[0], "dc-1", "{found}");
    let shown = w.json(&["show", "dc-1"]);
    let text = shown.to_string();
    assert!(text.contains("Quispe, Ana"), "{text}");
    assert!(text.contains("acuicultura"), "{text}");
    assert!(text.contains("2021-03"), "{text}");

    let found = w.json(&["search", "quinua", "orgánica"]);
    let ids = hit_ids(&found);
    assert_eq!(ids[0], "repositorio.api.json-1", "{found}");
}

#[test]
fn a_catalogue_exported_from_a_data_frame_gives_lists_and_institutions_not_places() {
    let w = Workspace::new("tests/fixtures/corpus");
    let dir = w.corpus().join("catalogo");
    std::fs::create_dir_all(&dir).unwrap();
    // Lists written as Python literals, a comma-joined list of publishers, the place of
    // publication beside the publisher, subjects joined with commas, and given in Spanish
    // and in English.
    std::fs::write(
        dir.join("catalogo.csv"),
        "dc.title,dc.description.abstract,dc.publisher,dc.publisher.place,dc.subject.unbisSpa,dc.subject.unbisEng,dc.language.iso,dc.date.issued,dc.coverage.spatialSpa,dc.coverage.spatialEng\n\
         Reservorios en la sierra,La sierra necesitó reservorios pequeños para el riego.,\"['CEPAL', 'FAO']\",Santiago,\"['RIEGO', 'AGUA POTABLE']\",\"['IRRIGATION', 'DRINKING WATER']\",spa,2019,\"['AMERICA LATINA', 'PERU']\",\"['LATIN AMERICA', 'PERU']\"\n\
         Bonos verdes,Los bonos verdes financiaron obras de agua potable en la región.,\"CEPAL, BID\",\"México, D.F.\",\"AGUA POTABLE, FINANCIACION\",\"DRINKING WATER, FINANCING\",,2021,\"['MEXICO', 'GUATEMALA']\",\"['MEXICO', 'GUATEMALA']\"\n\
         Ports of the Caribbean,The islands adapted their ports to the storms.,\"ECLAC, Subregional Headquarters for the Caribbean\",Port-of-Spain,['PUERTOS'],['PORTS'],eng,2020,CARIBE,CARIBBEAN\n\
         Yaku kamachiy,Yakuta allinta kamachinapaq llaqtakunawan rimanakuy.,,,,,que,2022,PERU,PERU\n",
    )
    .unwrap();
    w.ok(&["index"]);
    let facets = w.json(&["facets"]);
    let institutions = facets["institution"].as_object().unwrap();
    for (name, count) in [
        ("CEPAL", 2),
        ("FAO", 1),
        ("BID", 1),
        ("ECLAC, Subregional Headquarters for the Caribbean", 1),
    ] {
        assert_eq!(
            institutions.get(name),
            Some(&serde_json::json!(count)),
            "{name}: {facets:#}"
        );
    }
    for place in ["Santiago", "México, D.F.", "Port-of-Spain"] {
        assert!(!institutions.contains_key(place), "{place}: {facets:#}");
    }
    let topics = facets["topic"].as_object().unwrap();
    assert!(
        topics.keys().all(|t| !t.contains([',', '[', '\''])),
        "{facets:#}"
    );
    let water: Vec<_> = topics
        .iter()
        .filter(|(t, _)| t.to_lowercase() == "agua potable")
        .collect();
    assert_eq!(water.len(), 1, "{facets:#}");
    assert_eq!(water[0].1, 2, "{facets:#}");
    // Each record's subjects in its own language (the second's, not given, as its abstract
    // reads), not both.
    let lower: Vec<String> = topics.keys().map(|t| t.to_lowercase()).collect();
    assert!(lower.contains(&"ports".into()), "{facets:#}");
    for other in ["puertos", "irrigation", "drinking water", "financing"] {
        assert!(!lower.contains(&other.into()), "{other}: {facets:#}");
    }
    let found = w.json(&["search", "reservorios", "--institution", "ECLAC"]);
    assert_eq!(found["total"], 1, "ECLAC is CEPAL: {found}");
    // The places a record covers: one country is its country; several, or a part of the
    // world (Latin America, the Caribbean), are no country and no region.
    let hit = |title: &str| {
        let found = w.json(&["search", &format!("\"{title}\""), "--no-expand"]);
        let hit = found["hits"][0].clone();
        assert_eq!(hit["title"], title, "{found}");
        (hit["country"].clone(), hit["regions"].clone())
    };
    assert_eq!(
        hit("Reservorios en la sierra"),
        (serde_json::json!("Perú"), serde_json::json!([]))
    );
    for title in ["Bonos verdes", "Ports of the Caribbean"] {
        assert_eq!(
            hit(title),
            (serde_json::Value::Null, serde_json::json!([])),
            "{title}"
        );
    }
    // A record in Quechua, declared with its ISO 639-2 code, is found as such.
    let quechua = w.json(&["search", "--lang", "quechua"]);
    assert_eq!(quechua["total"], 1, "{quechua}");
    assert_eq!(quechua["hits"][0]["lang"], "qu", "{quechua}");
    let regions = facets["region"].as_object().unwrap();
    for place in [
        "AMERICA LATINA",
        "CARIBE",
        "CARIBBEAN",
        "MEXICO",
        "GUATEMALA",
        "PERU",
    ] {
        assert!(!regions.contains_key(place), "{place}: {facets:#}");
    }
}

#[test]
fn dates_keep_their_precision_and_their_source_and_placeholder_titles_are_passed_over() {
    let w = Workspace {
        dir: tempfile::tempdir().unwrap(),
    };
    let corpus = w.corpus();
    std::fs::create_dir_all(corpus.join("informes")).unwrap();
    std::fs::write(
        corpus.join("mayo.md"),
        "---\ntitle: Mesa de mayo\ndate: 2024-05\n---\nAcuerdos sobre riego tecnificado en Majes.\n",
    )
    .unwrap();
    std::fs::write(
        corpus.join("fichas.csv"),
        "id,title,date,text\nficha-1,Ficha de riego,2019,Riego por goteo en el valle de Majes.\n",
    )
    .unwrap();
    // A DOCX made from a template: the generator's title and author, the template's date.
    let docx = minga_fixtures::Docx::new()
        .title("Microsoft Word - plantilla.docx")
        .creator("python-docx")
        .created("2013-12-23T23:15:00Z")
        .title_paragraph("Balance del riego en el valle de Majes")
        .paragraph("Arequipa, marzo de 2022")
        .paragraph("El riego presurizado redujo el consumo de agua en Majes.");
    std::fs::write(corpus.join("informes/plantilla.docx"), docx.bytes()).unwrap();
    // A PDF rendered long after the years it speaks of, untitled: page 1 names it.
    let pdf = minga_fixtures::Pdf::new()
        .info("Title", "Untitled")
        .info("CreationDate", "D:20240110120000Z")
        .page(|p| {
            p.heading("Evaluación del programa de riego", 18.0)
                .paragraph("Entre 2010 y 2011 el programa tecnificó el riego de Majes.");
        });
    std::fs::write(corpus.join("informes/A1B2C3.pdf"), pdf.bytes()).unwrap();
    // A DOCX whose creation date agrees with the years its text names: shown as a file date.
    let acta = minga_fixtures::Docx::new()
        .created("2022-04-02T10:00:00Z")
        .heading(1, "Acta de la mesa del agua")
        .paragraph("La mesa del agua de 2022 revisó el riego de Majes.");
    std::fs::write(corpus.join("informes/acta.docx"), acta.bytes()).unwrap();
    // A PDF that opens with its table of contents, its properties naming a part too.
    let indice = minga_fixtures::Pdf::new()
        .info("Title", "Introduction")
        .info("Subject", "Introduction")
        .page(|p| {
            p.heading("Índice", 18.0)
                .paragraph("Balance del riego tecnificado en Majes")
                .paragraph("El riego tecnificado de Majes redujo el consumo de agua.");
        });
    std::fs::write(corpus.join("informes/X9Y8.pdf"), indice.bytes()).unwrap();
    w.ok(&["index", "--quiet"]);

    let r = w.json(&["search", "riego", "Majes", "--limit", "10"]);
    let hit = |id: &str| -> Value {
        r["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"].as_str().unwrap().starts_with(id))
            .unwrap_or_else(|| panic!("{id}: {r:#}"))
            .clone()
    };
    let mayo = hit("mayo");
    assert_eq!(mayo["date"], "2024-05", "{mayo}");
    assert_eq!(mayo["date_source"], "metadata", "{mayo}");
    let ficha = hit("ficha-1");
    assert_eq!(ficha["date"], "2019", "{ficha}");
    let plantilla = hit("informes.plantilla.docx");
    assert_eq!(plantilla["title"], "Balance del riego en el valle de Majes");
    assert_eq!(plantilla["date"], "2022-03", "{plantilla}");
    assert_eq!(plantilla["date_source"], "text", "{plantilla}");
    let pdf = hit("informes.a1b2c3.pdf");
    assert_eq!(pdf["title"], "Evaluación del programa de riego", "{pdf}");
    assert_eq!(pdf["title_source"], "heading", "{pdf}");
    assert!(
        pdf["date"].is_null(),
        "a date 13 years after the text's: {pdf}"
    );
    let indice = hit("informes.x9y8.pdf");
    // Its opening words label it, not the name of its first part.
    assert!(
        indice["title"]
            .as_str()
            .unwrap()
            .starts_with("Balance del riego tecnificado en Majes"),
        "{indice}"
    );
    assert_eq!(indice["title_source"], "text", "{indice}");
    let shown = w.json(&["show", "informes.x9y8.pdf"]).to_string();
    assert!(!shown.contains("Introduction"), "{shown}");
    let acta = hit("informes.acta.docx");
    assert_eq!(acta["date"], "2022-04-02", "{acta}");
    assert_eq!(acta["date_source"], "file", "{acta}");
    let shown = w.json(&["show", "informes.plantilla.docx"]).to_string();
    assert!(!shown.contains("python-docx"), "{shown}");
    assert!(!shown.contains("2013"), "{shown}");

    // A month is the range of its days: it overlaps a filter that starts inside it.
    let ids = |args: &[&str]| {
        let mut all = vec!["search", "riego", "--limit", "10"];
        all.extend_from_slice(args);
        let mut ids: Vec<String> = hit_ids(&w.json(&all))
            .into_iter()
            .map(|id| id.split(':').next().unwrap().to_string())
            .collect();
        ids.dedup();
        ids
    };
    assert!(ids(&["--from", "2024-05-20", "--to", "2024-06-10"]).contains(&"mayo".to_string()));
    assert!(!ids(&["--from", "2024-06-01"]).contains(&"mayo".to_string()));
    assert!(ids(&["--from", "2019-12-31", "--to", "2020-01-05"]).contains(&"ficha-1".to_string()));

    // People read the source of a file date in the listing.
    let out = w.ok(&["search", "mesa", "del", "agua"]);
    assert!(out.contains("2022-04-02 (file date)"), "{out}");
}

/// Notes that open with the same sample disclaimer: a search shows the sentence with the
/// word searched, and names the word that nothing matched.
#[test]
fn snippets_pass_over_a_shared_disclaimer_and_unmatched_words_are_named() {
    let w = Workspace {
        dir: tempfile::tempdir().unwrap(),
    };
    let notes = w.corpus().join("notas");
    std::fs::create_dir_all(&notes).unwrap();
    let disclaimer = "Nota de muestra: el contenido de la quinua y sus cifras es ilustrativo.";
    let topics = ["la papa", "el café", "el cacao", "la alpaca", "la trucha"];
    for (i, topic) in topics.iter().enumerate() {
        std::fs::write(
            notes.join(format!("nota-{i}.md")),
            format!("---\ntitle: Nota {i}\n---\n{disclaimer} Se trató {topic} en la mesa.\n"),
        )
        .unwrap();
    }
    std::fs::write(
        notes.join("quinua.md"),
        format!(
            "---\ntitle: Mesa del altiplano\n---\n{disclaimer} Se visitaron dos \
             cooperativas. La quinua orgánica de Puno se vende en ferias regionales.\n"
        ),
    )
    .unwrap();
    w.ok(&["index"]);
    let out = w.ok(&["search", "quinua", "Tacna", "--all-copies"]);
    assert!(out.contains("No results for: Tacna"), "{out}");
    let hit = out
        .lines()
        .skip_while(|l| !l.contains("Mesa del altiplano"))
        .nth(1)
        .unwrap_or_else(|| panic!("no snippet for the note: {out}"));
    assert!(hit.contains("La **quinua** orgánica de Puno"), "{out}");
    assert!(!hit.contains("Nota de muestra"), "{out}");
    let json = w.json(&["search", "quinua", "Tacna"]);
    assert_eq!(json["unmatched"], serde_json::json!(["Tacna"]));
}

#[test]
fn a_warning_repeated_on_every_record_of_an_export_is_printed_once_with_its_lines() {
    let w = Workspace {
        dir: tempfile::tempdir().unwrap(),
    };
    std::fs::create_dir_all(w.corpus()).unwrap();
    let mut lines = String::new();
    for i in 1..=120 {
        // Every record names the same unknown institution; 60 name one of their own.
        let own = if i <= 60 {
            format!(", \"Consorcio {i}\"")
        } else {
            String::new()
        };
        lines.push_str(&format!(
            "{{\"id\": \"r{i}\", \"text\": \"Registro {i} sobre riego.\", \
             \"institutions\": [\"Fundación Inexistente\"{own}]}}\n"
        ));
    }
    std::fs::write(w.corpus().join("export.jsonl"), lines).unwrap();
    let out = w.ok(&["index"]);
    assert!(out.contains("warnings (indexed as written): 180"), "{out}");
    assert!(
        out.contains(
            "export.jsonl:1, 2, 3 … (120 times): unknown institution \"Fundación Inexistente\""
        ),
        "{out}"
    );
    // One line per distinct warning, at most 50 of them, and where to find the rest.
    assert_eq!(out.matches("unknown institution").count(), 50, "{out}");
    assert!(
        out.contains("… and 11 more (`minga index --json` lists every one)"),
        "{out}"
    );
    let json = w.json(&["index", "--rebuild"]);
    let repeated = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["reason"]
                .as_str()
                .unwrap()
                .starts_with("unknown institution \"Fundación Inexistente\"")
        })
        .count();
    assert_eq!(repeated, 120, "{json:#}");
}

#[test]
fn notes_in_other_languages_are_told_apart_filtered_and_stemmed_in_their_own() {
    let w = Workspace {
        dir: tempfile::tempdir().unwrap(),
    };
    let notes = w.corpus().join("notas");
    std::fs::create_dir_all(&notes).unwrap();
    let note = |name: &str, title: &str, text: &str| {
        std::fs::write(
            notes.join(name),
            format!("---\ntitle: {title}\n---\n{text}\n"),
        )
        .unwrap();
    };
    note(
        "fr.md",
        "Coopération des communes",
        "Le développement régional dépend de la coopération entre les communes et l'État, \
         qui doivent partager leurs ressources pour réussir ensemble.",
    );
    note(
        "de.md",
        "Zusammenarbeit der Gemeinden",
        "Die regionale Entwicklung hängt von der Zusammenarbeit zwischen den Gemeinden und \
         dem Staat ab, die ihre Mittel gemeinsam teilen müssen.",
    );
    note(
        "pt.md",
        "Cooperação dos municípios",
        "O desenvolvimento regional depende da cooperação entre os municípios e o governo, \
         que precisam partilhar os seus recursos para ter sucesso.",
    );
    note(
        "cs.md",
        "Spolupráce obcí",
        "Regionální rozvoj závisí na spolupráci mezi obcemi a státem, které musí sdílet své \
         zdroje, aby společně uspěly.",
    );
    note(
        "ja.md",
        "自治体の協力",
        "地域開発は、自治体と国の協力にかかっています。資源を共有しなければなりません。",
    );
    note(
        "es.md",
        "Cooperación de los municipios",
        "El desarrollo regional depende de la cooperación entre los municipios y el Estado.",
    );
    note(
        "en.md",
        "Water committee",
        "This note is about the water committee and its regional development plans.",
    );
    w.ok(&["index", "--quiet"]);

    let facets = w.json(&["facets"]);
    let langs: Vec<&str> = facets["lang"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for code in ["es", "en", "fr", "de", "pt", "cs", "ja"] {
        assert!(langs.contains(&code), "{code} in {facets:#}");
    }

    let ids = |args: &[&str]| -> Vec<String> {
        let mut args = args.to_vec();
        args.insert(0, "search");
        w.json(&args)["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };
    // The filter keeps the French note alone, by code or by name.
    assert_eq!(ids(&["régional", "--lang", "fr"]), ["notas.fr"]);
    assert_eq!(ids(&["régional", "idioma:francés"]), ["notas.fr"]);
    assert_eq!(ids(&["Zusammenarbeit", "--lang", "de"]), ["notas.de"]);
    // French words are stemmed as French: the plural finds the singular.
    assert_eq!(ids(&["développements"]), ["notas.fr"]);
    assert_eq!(ids(&["coopérations", "--lang", "fr"]), ["notas.fr"]);
    // Czech has no stemmer: its words are found as written.
    assert_eq!(ids(&["spolupráci"]), ["notas.cs"]);
    assert!(ids(&["spolupráce", "--lang", "es"]).is_empty());
}

#[test]
fn eval_measures_with_and_without_expansion_and_prints_a_json_summary() {
    // A Spanish collection judged for an English query: only the dictionary finds it.
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("cafe");
    std::fs::create_dir_all(&collection).unwrap();
    std::fs::write(
        collection.join("docs.jsonl"),
        "{\"id\":\"d1\",\"title\":\"Cosecha\",\"text\":\"La cosecha del café en Cusco.\",\"lang\":\"es\"}\n\
         {\"id\":\"d2\",\"title\":\"Turismo\",\"text\":\"El turismo rural en Piura.\",\"lang\":\"es\"}\n",
    )
    .unwrap();
    std::fs::write(collection.join("queries.tsv"), "q1\tcoffee harvest\n").unwrap();
    std::fs::write(collection.join("qrels.tsv"), "q1\td1\t1\n").unwrap();
    let eval = |extra: &[&str]| -> Value {
        let out = Command::new(BIN)
            .arg("eval")
            .arg(&collection)
            .args(extra)
            .arg("--json")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let expanded = eval(&[]);
    assert_eq!(expanded["collection"], collection.display().to_string());
    assert_eq!(expanded["documents"], 2);
    assert_eq!(expanded["expand"], true);
    assert_eq!(expanded["queries"], 1);
    assert_eq!(expanded["ndcg_at_10"], 1.0, "{expanded:#}");
    for figure in [
        "mrr_at_10",
        "recall_at_100",
        "mean_latency_ms",
        "p99_latency_ms",
    ] {
        assert!(expanded[figure].is_number(), "{figure} in {expanded:#}");
    }
    // Without expansion the English words find nothing in the Spanish documents.
    let plain = eval(&["--no-expand"]);
    assert_eq!(plain["expand"], false);
    assert_eq!(plain["ndcg_at_10"], 0.0, "{plain:#}");
}

/// An example of the README: a `$ minga …` line of a `text` block and the lines under it, up
/// to the next `$ ` line or the end of the block.
struct Example {
    /// The command's arguments, after `minga`.
    args: Vec<String>,
    /// The README's lines of output: `lines[output.start..output.end]`.
    output: std::ops::Range<usize>,
}

/// The command-line examples of a README's `text` blocks.
fn readme_examples(lines: &[&str]) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut in_text_block = false;
    for (n, line) in lines.iter().enumerate() {
        if line.starts_with("```") {
            in_text_block = *line == "```text";
            continue;
        }
        if !in_text_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ minga ") {
            examples.push(Example {
                args: shell_words(command),
                output: n + 1..n + 1,
            });
        } else if line.starts_with("$ ") {
            // Another program's command ends the example before it.
        } else if let Some(example) = examples.last_mut().filter(|e| e.output.end == n) {
            example.output.end = n + 1;
        }
    }
    examples
}

/// Splits a command line as a shell does for words, single quotes and double quotes (no
/// escapes, variables or globs: the README's examples need none).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(quote.is_none(), "an unclosed quote in {line:?}");
    words.extend(word);
    words
}

/// Output with what changes from run to run written the same way: a search's time, `(6.1
/// ms)`, as `(… ms)`.
fn steady(output: &str) -> String {
    output
        .lines()
        .map(|line| match line.rsplit_once(" (") {
            Some((head, tail))
                if tail
                    .strip_suffix(" ms)")
                    .is_some_and(|t| t.parse::<f64>().is_ok()) =>
            {
                format!("{head} (… ms)")
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each `$ minga …` example of the README, run on the sample corpus, prints what the README
/// shows under it (its time aside). `MINGA_UPDATE_README=1` writes what it prints instead.
#[test]
fn readme_examples_are_what_the_binary_prints() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = readme.split('\n').collect();
    let examples = readme_examples(&lines);
    assert!(examples.len() >= 3, "{} examples", examples.len());
    let w = Workspace::indexed("corpus");
    let update = std::env::var_os("MINGA_UPDATE_README").is_some();
    let mut rewritten: Vec<String> = Vec::new();
    let mut copied = 0;
    for example in &examples {
        let args: Vec<&str> = example.args.iter().map(String::as_str).collect();
        let printed = w.ok(&args);
        let printed = printed.strip_suffix('\n').unwrap_or(&printed);
        let shown = lines[example.output.clone()].join("\n");
        let difference = crate::support::first_difference(&steady(&shown), &steady(printed));
        if update {
            rewritten.extend(
                lines[copied..example.output.start]
                    .iter()
                    .map(|l| l.to_string()),
            );
            // An example that only took another time is left as it is.
            rewritten.push(
                if difference.is_some() {
                    printed
                } else {
                    &shown
                }
                .to_string(),
            );
            copied = example.output.end;
            continue;
        }
        if let Some(difference) = difference {
            panic!(
                "`minga {}` (README.md line {}) prints other than the README shows, \
                 {difference}\n(if the change is meant: MINGA_UPDATE_README=1 cargo test \
                 --test end_to_end readme)",
                args.join(" "),
                example.output.start
            );
        }
    }
    if update {
        rewritten.extend(lines[copied..].iter().map(|l| l.to_string()));
        std::fs::write(&path, rewritten.join("\n")).unwrap();
    }
}

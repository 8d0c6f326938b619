//! An index whose files were damaged (a bad disk, a copy cut short, a file removed by hand),
//! met by the real binary: every kind of file in the index, garbled in the middle, garbled
//! at the end (where the checksum is), cut in half, emptied and removed. Nothing panics;
//! `minga search` either answers or says the index is damaged and how to rebuild it;
//! `minga check` finds every damage that changes what the index answers; `minga index`
//! rebuilds the index from the corpus and keeps the damaged one aside; `minga serve`
//! rebuilds it by itself and answers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{Workspace, copy_dir};
use serde_json::Value;

/// A small corpus, so that each of the many rebuilds below takes a moment.
fn workspace() -> Workspace {
    let workspace = Workspace::empty();
    for (n, (region, text)) in [
        (
            "Coquimbo",
            "La mesa de trabajo acordó un fondo concursable para riego.",
        ),
        (
            "Biobío",
            "El comité productivo regional revisó la cartera de proyectos.",
        ),
        (
            "Cusco",
            "La agencia regional de desarrollo priorizó el café y el cacao.",
        ),
        (
            "Piura",
            "El seguimiento trimestral de indicadores evitó retrasos.",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        workspace.write(
            &format!("notas/nota-{n}.md"),
            &format!(
                "---\ntitle: Nota {n}\nregion: {region}\ndate: 2025-0{m}-10\n---\n\n# Nota {n}\n\n\
                 {text}\n\n## Lecciones aprendidas\n\n- Una lección sobre el riego número {n}.\n",
                m = n + 1
            ),
        );
    }
    workspace.index();
    workspace
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn search(workspace: &Workspace, index: &Path) -> Output {
    workspace
        .minga()
        .args(["search", "riego", "--json", "--index"])
        .arg(index)
        .output()
        .expect("minga search")
}

fn check(workspace: &Workspace, index: &Path) -> Output {
    workspace
        .minga()
        .args(["check", "--json", "--index"])
        .arg(index)
        .arg("--corpus")
        .arg(&workspace.corpus)
        .output()
        .expect("minga check")
}

fn reindex(workspace: &Workspace, index: &Path) -> Output {
    workspace
        .minga()
        .arg("index")
        .arg(&workspace.corpus)
        .arg("--index")
        .arg(index)
        .arg("--quiet")
        .output()
        .expect("minga index")
}

fn total(output: &Output) -> u64 {
    assert!(output.status.success(), "{}", text(output));
    let body: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    body["total"].as_u64().expect("a total")
}

/// One file of each kind in the index: tantivy's segment files by extension, its
/// `meta.json` and `.managed.json`, and Minga's own files in `minga-data/`. Lock files hold
/// nothing to damage.
fn one_file_of_each_kind(index: &Path) -> BTreeMap<String, PathBuf> {
    let mut kinds = BTreeMap::new();
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(index).expect("read the index") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            // Minga's own data beside tantivy's files: the corpus's gazetteer and glossary.
            for inner in std::fs::read_dir(&path).expect("read the folder") {
                paths.push(inner.expect("an entry").path());
            }
        } else {
            paths.push(path);
        }
    }
    for path in paths {
        let name = path
            .strip_prefix(index)
            .expect("inside the index")
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".lock") {
            continue;
        }
        let kind = match path.extension() {
            Some(ext) if name.len() > 33 && name.as_bytes()[32] == b'.' => {
                // A segment file: 32 hex digits, then the component.
                format!("*.{}", ext.to_string_lossy())
            }
            _ => name,
        };
        kinds.entry(kind).or_insert(path);
    }
    kinds
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    GarbleMiddle,
    GarbleEnd,
    Truncate,
    Empty,
    Remove,
}

impl Damage {
    const ALL: [Damage; 5] = [
        Damage::GarbleMiddle,
        Damage::GarbleEnd,
        Damage::Truncate,
        Damage::Empty,
        Damage::Remove,
    ];

    fn apply(self, file: &Path) {
        let mut bytes = std::fs::read(file).expect("read the file");
        let flip = |bytes: &mut Vec<u8>, from: usize| {
            let end = (from + 64).min(bytes.len());
            for byte in &mut bytes[from..end] {
                *byte ^= 0xA5;
            }
        };
        match self {
            Damage::GarbleMiddle => {
                let middle = bytes.len() / 2;
                flip(&mut bytes, middle.saturating_sub(32));
            }
            Damage::GarbleEnd => {
                let from = bytes.len().saturating_sub(16);
                flip(&mut bytes, from);
            }
            Damage::Truncate => bytes.truncate(bytes.len() / 2),
            Damage::Empty => bytes.clear(),
            Damage::Remove => {
                std::fs::remove_file(file).expect("remove the file");
                return;
            }
        }
        std::fs::write(file, bytes).expect("write the file");
    }
}

fn set_aside(index: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}.damaged-", index.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(index.parent().unwrap())
        .expect("read the folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .collect()
}

#[test]
fn every_kind_of_damage_is_found_said_and_healed_by_indexing_again() {
    let workspace = workspace();
    let expected = total(&search(&workspace, &workspace.index));
    assert!(expected > 0);
    let kinds = one_file_of_each_kind(&workspace.index);
    for kind in ["meta.json", "*.idx", "*.pos", "*.term", "*.store", "*.fast"] {
        assert!(kinds.contains_key(kind), "no {kind} in {kinds:?}");
    }

    let mut cases = 0;
    let mut refused_by_search = 0;
    let mut found_by_check = 0;
    for (kind, original) in &kinds {
        for damage in Damage::ALL {
            let case = format!("{damage:?} {kind}");
            let room = tempfile::tempdir().expect("a temporary folder");
            let index = room.path().join("index");
            copy_dir(&workspace.index, &index);
            damage.apply(&index.join(original.strip_prefix(&workspace.index).unwrap()));
            cases += 1;

            // Search: an answer, or the damage and its remedy; never a panic.
            let searched = search(&workspace, &index);
            let said = text(&searched);
            assert!(
                !said.contains("panicked"),
                "{case}: search panicked:\n{said}"
            );
            match searched.status.code() {
                Some(0) => {}
                Some(1) => {
                    refused_by_search += 1;
                    assert!(
                        said.contains("damaged") && said.contains("minga index"),
                        "{case}: the error does not say what is wrong and what to do:\n{said}"
                    );
                }
                other => panic!("{case}: search exited with {other:?}:\n{said}"),
            }

            // Check: finds every damage that matters. It may call an index sound only if
            // the index answers as before (a name garbled inside `.managed.json`, the list of
            // files tantivy may delete later, changes nothing for the reader).
            let checked = check(&workspace, &index);
            let said = text(&checked);
            assert!(
                !said.contains("panicked"),
                "{case}: check panicked:\n{said}"
            );
            let report: Value = serde_json::from_slice(&checked.stdout)
                .unwrap_or_else(|e| panic!("{case}: check --json printed no JSON ({e}):\n{said}"));
            let sound = match checked.status.code() {
                Some(0) => {
                    assert_eq!(report["sound"], true, "{case}: {report}");
                    assert_eq!(
                        total(&search(&workspace, &index)),
                        expected,
                        "{case}: check calls it sound, and it does not answer as before"
                    );
                    true
                }
                Some(1) => {
                    assert_eq!(report["sound"], false, "{case}: {report}");
                    found_by_check += 1;
                    false
                }
                other => panic!("{case}: check exited with {other:?}:\n{said}"),
            };

            // Indexing again rebuilds a damaged index and keeps the damaged one aside, whole.
            let rebuilt = reindex(&workspace, &index);
            assert!(
                rebuilt.status.success(),
                "{case}: minga index did not heal it:\n{}",
                text(&rebuilt)
            );
            assert_eq!(
                total(&search(&workspace, &index)),
                expected,
                "{case}: after indexing again"
            );
            let checked = check(&workspace, &index);
            assert!(
                checked.status.success(),
                "{case}: check after indexing again:\n{}",
                text(&checked)
            );
            // A damaged copy of the corpus's gazetteer or glossary is copied again; damage
            // to tantivy's files rebuilds the index and keeps the damaged one aside.
            let rebuilds = !sound && !kind.starts_with("minga-data/");
            let aside = set_aside(&index);
            assert_eq!(
                aside.len(),
                usize::from(rebuilds),
                "{case}: set aside: {aside:?}"
            );
        }
    }
    eprintln!(
        "{cases} cases over {} kinds of file: check found {found_by_check}; search refused \
         {refused_by_search} and answered the rest",
        kinds.len()
    );
    assert!(cases >= 40, "only {cases} cases");
    // Cutting a file, emptying or removing it is always found; only garbled bytes that
    // nothing reads may go unnoticed.
    assert!(
        found_by_check * 10 >= cases * 9,
        "check found {found_by_check} of {cases}"
    );
}

#[test]
fn a_server_on_a_damaged_index_rebuilds_it_and_answers() {
    let workspace = workspace();
    let kinds = one_file_of_each_kind(&workspace.index);
    Damage::GarbleMiddle.apply(&kinds["*.store"]);
    let server = workspace.serve(&[]);
    let text = reqwest::blocking::get(server.url("/api/search?q=riego"))
        .expect("GET /api/search")
        .text()
        .expect("a body");
    let body: Value = serde_json::from_str(&text).expect("JSON");
    assert!(body["total"].as_u64().unwrap_or(0) > 0, "{body}");
    let log = server.log();
    assert!(
        log.contains("damaged"),
        "the log does not say why it rebuilt:\n{log}"
    );
    assert_eq!(set_aside(&workspace.index).len(), 1);
}

#[test]
fn check_reports_a_sound_index_and_how_far_behind_its_corpus_it_is() {
    let workspace = workspace();
    let checked = check(&workspace, &workspace.index);
    assert!(checked.status.success(), "{}", text(&checked));
    let report: Value = serde_json::from_slice(&checked.stdout).expect("JSON");
    assert_eq!(report["sound"], true, "{report}");
    // The four notes, and the gazetteer, institutions and glossary beside them.
    assert_eq!(report["files"], 7, "{report}");
    assert_eq!(report["documents"], 4, "{report}");
    assert!(report["passages"].as_u64().unwrap_or(0) >= 8, "{report}");
    assert_eq!(report["corpus"]["same"], 7, "{report}");

    // One file changed, one new, one gone: still sound (indexing catches up), and listed.
    workspace.write(
        "notas/nota-0.md",
        "# Nota 0\n\nOtro texto sobre el riego.\n",
    );
    workspace.write("notas/nota-9.md", "# Nota 9\n\nUna nota nueva.\n");
    std::fs::remove_file(workspace.corpus.join("notas/nota-3.md")).expect("remove it");
    let checked = workspace
        .minga()
        .args(["check", "--index"])
        .arg(&workspace.index)
        .arg("--corpus")
        .arg(&workspace.corpus)
        .output()
        .expect("minga check");
    let said = text(&checked);
    assert!(checked.status.success(), "{said}");
    for line in [
        "checksums match",
        "7 files, 4 documents",
        "5 files as indexed, 1 changed, 1 new, 1 gone",
        "changed: notas/nota-0.md",
        "new: notas/nota-9.md",
        "gone: notas/nota-3.md",
        "sound, behind the corpus: run `minga index`",
    ] {
        assert!(said.contains(line), "no {line:?} in:\n{said}");
    }

    // After indexing, current again.
    workspace.index();
    let checked = check(&workspace, &workspace.index);
    let report: Value = serde_json::from_slice(&checked.stdout).expect("JSON");
    assert_eq!(report["corpus"]["same"], 7, "{report}");
    assert_eq!(report["corpus"]["new"], serde_json::json!([]), "{report}");

    // A data file taken out of the corpus: gone until indexed, then current again.
    std::fs::remove_file(workspace.corpus.join("_glossary.csv")).expect("remove it");
    let report: Value =
        serde_json::from_slice(&check(&workspace, &workspace.index).stdout).expect("JSON");
    assert_eq!(
        report["corpus"]["gone"],
        serde_json::json!(["_glossary.csv"]),
        "{report}"
    );
    workspace.index();
    let report: Value =
        serde_json::from_slice(&check(&workspace, &workspace.index).stdout).expect("JSON");
    assert_eq!(report["sound"], true, "{report}");
    assert_eq!(report["corpus"]["same"], 6, "{report}");
    for list in ["changed", "new", "gone"] {
        assert_eq!(
            report["corpus"][list],
            serde_json::json!([]),
            "{list}: {report}"
        );
    }
}

//! Syncing a real corpus folder into a real index: full runs, incremental runs, broken files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minga_engine::{Engine, Indexer, IndexerOptions, SearchRequest};
use minga_ingest::Severity;
use minga_pipeline::{SyncOptions, sync};

/// A copy of the fixture corpus in a temporary folder, with an index beside it.
struct Workspace {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    index: PathBuf,
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

fn workspace() -> Workspace {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus");
    copy_dir(&fixture, &corpus);
    let index = dir.path().join("index");
    Workspace {
        _dir: dir,
        corpus,
        index,
    }
}

fn ids(index: &Path, query: &str) -> Vec<String> {
    let engine = Engine::open(index).unwrap();
    engine
        .search(&SearchRequest::new(query))
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn a_full_run_then_a_run_with_nothing_to_do() {
    let w = workspace();
    let first = sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    assert_eq!(first.files, 7, "{first:#?}");
    assert_eq!(first.added, 7);
    // 3 lessons + 1 profile JSON + 5 markdown files.
    assert_eq!(first.documents, 9);
    assert!(first.passages > 15, "{}", first.passages);
    assert!(first.committed);
    let damage: Vec<_> = first
        .problems
        .iter()
        .filter(|p| p.severity != Severity::Warning)
        .collect();
    assert!(damage.is_empty(), "{damage:#?}");

    let second = sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    assert_eq!((second.read, second.unchanged, second.added), (0, 7, 0));
    assert!(!second.committed, "a run with nothing to do must not write");
    assert_eq!(second.total_passages, first.total_passages);
}

#[test]
fn added_modified_and_deleted_files_follow() {
    let w = workspace();
    sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    assert!(ids(&w.index, "urubamba").contains(&"perfiles.ard-cusco".to_string()));

    std::fs::write(
        w.corpus.join("notas/nueva.md"),
        "---\ntitle: Nota nueva\nlang: es\n---\n\nLa palabra zanahoria aparece solo aquí.\n",
    )
    .unwrap();
    std::fs::write(
        w.corpus.join("perfiles/ard-cusco.md"),
        "---\ntitle: Perfil de la ARD Cusco\nkind: agency_profile\nlang: es\n---\n\nAhora habla de textiles.\n",
    )
    .unwrap();
    std::fs::remove_file(w.corpus.join("notas/coquimbo-mesa.md")).unwrap();

    let s = sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    assert_eq!(
        (s.added, s.updated, s.removed, s.unchanged),
        (1, 1, 1, 5),
        "{s:#?}"
    );
    assert_eq!(ids(&w.index, "zanahoria"), ["notas.nueva"]);
    assert!(ids(&w.index, "urubamba").is_empty());
    assert_eq!(ids(&w.index, "textiles"), ["perfiles.ard-cusco"]);
    assert!(ids(&w.index, "astronómico").is_empty());
}

#[test]
fn broken_files_are_skipped_and_reported_and_the_rest_indexed() {
    let w = workspace();
    std::fs::write(
        w.corpus.join("notas/roto.md"),
        "---\ntitle: [sin cerrar\n---\n\nTexto con zarzamora.\n",
    )
    .unwrap();
    std::fs::write(
        w.corpus.join("lotes.jsonl"),
        "{\"id\":\"a\",\"title\":\"Bien\",\"text\":\"registro correcto con palabra berenjena\",\"lang\":\"es\"}\n\
         {\"id\":\"b\",\"title\":\n\
         {\"id\":\"c\",\"title\":\"Bien\",\"text\":\"otro registro\",\"lang\":\"es\"}\n",
    )
    .unwrap();
    // Windows-1252: "Año de la innovación" as old Spanish files have it.
    std::fs::write(
        w.corpus.join("notas/antiguo.txt"),
        b"A\xf1o de la innovaci\xf3n en la regi\xf3n\n",
    )
    .unwrap();
    let s = sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    let shown: Vec<String> = s.problems.iter().map(|p| p.to_string()).collect();
    let skipped: Vec<_> = s
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Skipped)
        .collect();
    // Front matter YAML cannot read: a warning with its line, and the text kept.
    assert!(
        s.problems.iter().any(|p| p.path == "notas/roto.md"
            && p.severity == Severity::Warning
            && p.line.is_some()),
        "{shown:#?}"
    );
    assert!(
        skipped
            .iter()
            .any(|p| p.path == "lotes.jsonl" && p.line == Some(2)),
        "{shown:#?}"
    );
    assert!(
        s.problems
            .iter()
            .any(|p| p.path == "notas/antiguo.txt" && p.severity == Severity::Repaired),
        "{shown:#?}"
    );
    assert!(s.has_damage());
    assert_eq!(ids(&w.index, "berenjena"), ["a"]);
    assert_eq!(ids(&w.index, "zarzamora"), ["notas.roto"]);
    assert!(ids(&w.index, "año innovacion").contains(&"notas.antiguo.txt".to_string()));
    // The broken file is remembered: a second run reports it without reading it again.
    let again = sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    assert_eq!(again.read, 0);
    assert!(again.has_damage());
}

#[test]
fn changing_the_gazetteer_rereads_everything() {
    let w = workspace();
    sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    let path = w.corpus.join("_gazetteer.csv");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("Chile,Ñuble,,Chillán\n");
    std::fs::write(&path, text).unwrap();
    let s = sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    assert_eq!(s.read, 7);
    assert!(s.committed);
}

#[test]
fn a_release_with_other_built_in_lists_or_rules_rereads_everything_once() {
    let w = workspace();
    sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    // The record an older release left: the same folder file, another built-in gazetteer.
    let mut indexer = Indexer::open(&w.index, &IndexerOptions::default()).unwrap();
    let mut record = indexer.files()["_gazetteer.csv"].clone();
    let (file, built_in) = record.hash.split_once('+').expect("a built-in part");
    assert_eq!(built_in.len(), 16, "{}", record.hash);
    // The built-in part stands for the rules that resolve metadata too: a release that
    // changes them (and bumps METADATA_RULES) re-reads the corpus as below.
    let mut expected = blake3::Hasher::new();
    expected.update(
        minga_core::built_in_data("_gazetteer.csv")
            .unwrap()
            .as_bytes(),
    );
    expected.update(&minga_core::METADATA_RULES.to_le_bytes());
    assert_eq!(built_in, &expected.finalize().to_hex()[..16]);
    record.hash = format!("{file}+0000000000000000");
    indexer.put(record, &[]).unwrap();
    indexer.commit().unwrap();
    indexer.finish().unwrap();
    let records: BTreeMap<String, String> = Indexer::open(&w.index, &IndexerOptions::default())
        .unwrap()
        .files()
        .iter()
        .map(|(path, r)| (path.clone(), r.hash.clone()))
        .collect();
    let drift = minga_pipeline::drift(&w.corpus, &records).unwrap();
    assert!(drift.changed.is_empty() && drift.built_in, "{drift:?}");
    assert!(!drift.is_current());
    let s = sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    assert_eq!(s.read, 7);
    let again = sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    assert_eq!(again.read, 0);
}

#[test]
fn rebuild_starts_over() {
    let w = workspace();
    sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    let options = SyncOptions {
        rebuild: true,
        ..SyncOptions::default()
    };
    let s = sync(&w.corpus, &w.index, &options, &()).unwrap();
    assert_eq!((s.added, s.read), (7, 7));
    assert_eq!(ids(&w.index, "urubamba"), ["perfiles.ard-cusco"]);
}

/// Passages matching `query` in the index as a new reader sees it now.
fn passages(index: &Path, query: &str) -> usize {
    Engine::open(index)
        .unwrap()
        .search(&SearchRequest::new(query))
        .unwrap()
        .total_passages
}

/// What readers of the index saw while files were being read.
struct Watch {
    index: PathBuf,
    seen: std::sync::Mutex<Vec<(usize, usize)>>,
}

impl minga_pipeline::Progress for Watch {
    fn advance(&self, _path: &str, _bytes: u64) {
        let seen = (
            passages(&self.index, "urubamba"),
            passages(&self.index, "mirador"),
        );
        self.seen.lock().unwrap().push(seen);
    }
}

#[test]
fn a_rebuild_is_seen_whole_or_not_at_all_and_a_reader_switches_to_it() {
    let w = workspace();
    sync(&w.corpus, &w.index, &SyncOptions::default(), &()).unwrap();
    let old = (passages(&w.index, "urubamba"), 0);
    assert!(old.0 > 0);
    // Enough files for several batches, with a commit after each.
    for i in 0..200 {
        std::fs::write(
            w.corpus.join(format!("mirador-{i:03}.md")),
            format!(
                "# Mirador {i}\n\nEl mirador número {i} de la ruta {} mira al valle {}.\n",
                i * 7919 % 1000,
                i * 104_729 % 997
            ),
        )
        .unwrap();
    }
    let running = Engine::open(&w.index).unwrap();
    let watch = Watch {
        index: w.index.clone(),
        seen: std::sync::Mutex::new(Vec::new()),
    };
    let options = SyncOptions {
        rebuild: true,
        commit_bytes: 1,
        ..SyncOptions::default()
    };
    let summary = sync(&w.corpus, &w.index, &options, &watch).unwrap();
    assert_eq!(summary.read, 207);
    let seen = watch.seen.into_inner().unwrap();
    assert!(seen.len() >= 200);
    assert!(
        seen.iter().all(|&s| s == old),
        "while rebuilding, readers saw {:?}, not only the old index {old:?}",
        seen.iter().filter(|&&s| s != old).collect::<Vec<_>>()
    );
    // Nothing is left beside the index.
    let beside: Vec<_> = std::fs::read_dir(w.index.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside.len(), 2, "{beside:?}");
    // A reader opened before (a running server) moves to the new index.
    running.reload().unwrap();
    let now = running.search(&SearchRequest::new("mirador")).unwrap();
    assert_eq!(now.total_passages, passages(&w.index, "mirador"));
    assert!(now.total_passages >= 200, "{}", now.total_passages);
    assert_eq!(
        running
            .search(&SearchRequest::new("urubamba"))
            .unwrap()
            .total_passages,
        old.0
    );
}

/// Options under which JSON Lines files over 2 KB are streamed and a record over 300 bytes
/// is skipped.
fn small_limits() -> SyncOptions {
    let mut options = SyncOptions::default();
    options.read.max_file_bytes = 2048;
    options.read.max_record_bytes = 300;
    options
}

/// A JSON Lines export of `n` records, the word `word` in each, one oversized record at
/// line 3.
fn export(n: usize, word: &str) -> String {
    let mut text = String::new();
    for i in 1..=n {
        if i == 3 {
            text.push_str(&format!(
                "{{\"id\":\"big\",\"text\":\"{}\"}}\n",
                "relleno ".repeat(100)
            ));
            continue;
        }
        text.push_str(&format!(
            "{{\"id\":\"exp-{i}\",\"titulo\":\"Ficha {i}\",\"resumen\":\"Registro {i} sobre {word} en la región.\",\"lang\":\"es\"}}\n"
        ));
    }
    text
}

#[test]
fn a_json_lines_export_over_the_file_limit_is_streamed_and_follows_changes() {
    let w = workspace();
    let rel = "exportes/agencia.jsonl";
    std::fs::create_dir_all(w.corpus.join("exportes")).unwrap();
    let text = export(60, "piscicultura");
    assert!(text.len() > 2048);
    std::fs::write(w.corpus.join(rel), &text).unwrap();
    let first = sync(&w.corpus, &w.index, &small_limits(), &()).unwrap();
    let ours: Vec<_> = first.problems.iter().filter(|p| p.path == rel).collect();
    assert_eq!(ours.len(), 1, "{ours:#?}");
    assert_eq!(ours[0].line, Some(3));
    assert!(
        ours[0]
            .reason
            .contains("over the 300 bytes limit of one record"),
        "{}",
        ours[0]
    );
    let has = |id: &str| {
        Engine::open(&w.index)
            .unwrap()
            .document(id)
            .unwrap()
            .is_some()
    };
    assert!(has("exp-60") && has("exp-1"));
    assert!(!has("big"));
    assert_eq!(ids(&w.index, "piscicultura").len(), 20);
    // Other files over 2 KB are still skipped whole.
    assert!(
        first
            .problems
            .iter()
            .any(|p| p.reason.contains("over the 2 KB limit"))
    );

    // Unchanged: not read again, its problem remembered.
    let second = sync(&w.corpus, &w.index, &small_limits(), &()).unwrap();
    assert_eq!(second.read, 0, "{second:#?}");
    assert!(
        second
            .earlier_problems
            .iter()
            .any(|n| n.message.contains("limit of one record"))
    );

    // Changed: its records are replaced.
    std::fs::write(w.corpus.join(rel), export(40, "apicultura")).unwrap();
    let third = sync(&w.corpus, &w.index, &small_limits(), &()).unwrap();
    assert_eq!((third.read, third.updated), (1, 1), "{third:#?}");
    assert!(ids(&w.index, "piscicultura").is_empty());
    assert!(has("exp-40") && !has("exp-50"));
}

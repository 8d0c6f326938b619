//! Syncing a real corpus folder into a real index: full runs, incremental runs, broken files.

use std::path::{Path, PathBuf};

use minga_engine::{Engine, SearchRequest};
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

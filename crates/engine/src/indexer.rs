//! The writer side: creating or opening an index, replacing the passages of changed files,
//! removing those of deleted files, and committing, all-or-nothing.
//!
//! Alongside passages, the index holds one record per source file (its content hash, size,
//! modification time and the documents it produced), committed in the same commit as its
//! passages. Incremental indexing reads them back to know what changed, so the index can never
//! disagree with its own bookkeeping, whenever a run is interrupted.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minga_core::{IdDigest, Ids, Kind, Passage, id_digest};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::directory::error::LockError;
use tantivy::directory::{DirectoryLock, INDEX_WRITER_LOCK};
use tantivy::indexer::UserOperation;
use tantivy::query::TermQuery;
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::{
    DateTime, Directory, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument,
    TantivyError, Term,
};

use crate::copies::Copies;
use crate::damage;
use crate::engine::CommitInfo;
use crate::schema::{
    ENTRY_FILE, ENTRY_PASSAGE, Fields, SCHEMA_VERSION, group_key, group_keys, id_key, work_key,
};
use crate::snippet::sentence_keys;
use crate::tables::{TABLES_DIR, Tables};
use crate::{Error, Result};

/// Memory the writer may use for buffering before it flushes a segment, by default.
pub const DEFAULT_WRITER_MEMORY: usize = 256 << 20;

/// Bytes of stored records compressed together. A hit reads a few passages from all over the
/// store (its best ones, the copies it lists), and each read unpacks a whole block: small
/// blocks make that cheap, at a slightly larger store.
const STORE_BLOCK_BYTES: usize = 4096;

/// Country under which a region the gazetteer does not know is filed.
pub const UNKNOWN_COUNTRY: &str = "(sin país)";

/// What the index remembers of a source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Path relative to the corpus folder.
    pub path: String,
    /// BLAKE3 hash of the content, hex.
    pub hash: String,
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified: Option<i64>,
    /// Ids of the documents the file produced.
    pub documents: Ids,
    /// Passages indexed from it.
    pub passages: usize,
    /// Problems met reading it.
    pub problems: Vec<Note>,
    /// The fingerprint of the model its passages were embedded with
    /// ([`minga_semantic::Model::fingerprint`]); none when they were not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedded_with: Option<u64>,
}

/// A problem met reading a file, kept with its record so later runs can report it without
/// reading the file again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// `skipped`, `repaired`, `warning`…
    pub severity: String,
    /// The problem as shown to the user, path and line included.
    pub message: String,
}

/// How to open an index for writing.
#[derive(Debug, Clone)]
pub struct IndexerOptions {
    /// Build a new index beside the one there and put it in its place in one step when done
    /// ([`Indexer::finish`]): until then, and if the run is interrupted, the old index is
    /// whole and searchable.
    pub rebuild: bool,
    /// Rebuild a damaged index (keeping it aside) rather than refuse it: for callers that
    /// read the whole corpus when the indexer knows no file ([`Indexer::rebuilds`]).
    pub rebuild_damaged: bool,
    /// Writer memory budget in bytes.
    pub memory: usize,
    /// Indexing threads; `None` for one per core (at most 8).
    pub threads: Option<usize>,
    /// Embed each passage written with this model, for semantic re-ranking (see
    /// `semantic`); without one, passages have no vector.
    pub model: Option<Arc<minga_semantic::Model>>,
}

impl Default for IndexerOptions {
    fn default() -> Self {
        IndexerOptions {
            rebuild: false,
            rebuild_damaged: false,
            memory: DEFAULT_WRITER_MEMORY,
            threads: None,
            model: None,
        }
    }
}

/// A file being written a batch of passages at a time: see [`Indexer::begin`].
#[derive(Debug)]
pub struct FileWrite {
    path: String,
    /// The file's number in `Copies`.
    file: u32,
    /// Ids of the documents added, those another file uses left out.
    documents: Ids,
    passages: usize,
    /// Problems to add to the file's record.
    notes: Vec<Note>,
    /// Vectors of the file's earlier version, by the key of the text embedded: a passage
    /// whose text and model did not change keeps its vector.
    vectors: FxHashMap<u64, Vec<u8>>,
}

/// An index open for writing; only one can exist per index folder at a time.
pub struct Indexer {
    dir: PathBuf,
    /// Where the index is written in a rebuild, to take the place of the one in `dir` when
    /// done.
    staging: Option<PathBuf>,
    /// The writer lock of the index being rebuilt: nothing else writes to it meanwhile, or
    /// what it wrote would be lost in the swap.
    _replaced_lock: Option<DirectoryLock>,
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    tables: Tables,
    files: BTreeMap<String, FileRecord>,
    /// Document id (its digest) → the file that owns it (its number in `paths`): a table
    /// that holds an entry per document of the corpus, kept to a few bytes each.
    owners: FxHashMap<IdDigest, u32>,
    /// The paths of files that own documents, numbered for `owners`.
    paths: Paths,
    copies: Copies,
    /// Whether the index being replaced is damaged: it is kept aside, not deleted.
    damaged: bool,
    /// Whether the index's copy of the data files could be read.
    tables_readable: bool,
    /// The model passages are embedded with, if any.
    model: Option<Arc<minga_semantic::Model>>,
    /// With a model, a reader of the index whose vectors a file indexed again can keep: the
    /// one updated (reloaded at each commit), or the one a rebuild replaces; none without a
    /// model or when there is no such index.
    previous: Option<IndexReader>,
    /// Passages embedded in this run, and passages that kept a vector already computed.
    embedded: usize,
    vectors_kept: usize,
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexer").field("dir", &self.dir).finish()
    }
}

/// Paths of files, numbered in the order met.
#[derive(Default)]
struct Paths {
    paths: Vec<String>,
    numbers: HashMap<String, u32>,
}

impl Paths {
    /// The number of `path`, given it if it has none.
    fn number(&mut self, path: &str) -> u32 {
        if let Some(&number) = self.numbers.get(path) {
            return number;
        }
        let number = u32::try_from(self.paths.len()).expect("fewer than 4 billion files");
        self.paths.push(path.to_string());
        self.numbers.insert(path.to_string(), number);
        number
    }

    fn path(&self, number: u32) -> &str {
        &self.paths[number as usize]
    }
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Whether a folder holds nothing but what a failed index creation may leave behind: tantivy's
/// locks, its list of managed files and the temporary file of an atomic write cut short
/// (`Index::create_in_dir` writes these before `meta.json`), and Minga's tables.
fn is_empty_dir(dir: &Path) -> Result<bool> {
    let entries = std::fs::read_dir(dir).map_err(io("read", dir))?;
    for entry in entries {
        let entry = entry.map_err(io("read", dir))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let housekeeping = name.starts_with(".tantivy")
            || name.starts_with(".tmp")
            || name == ".managed.json"
            || name == TABLES_DIR;
        if !housekeeping {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A searcher over the index as last committed, for one read: its reader does not watch the
/// folder for commits (a watching reader, dropped just as a commit is noticed, could still
/// reload after the folder is gone, a temporary index's, and log an error).
pub(crate) fn searcher_once(index: &Index) -> Result<tantivy::Searcher> {
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()?;
    Ok(reader.searcher())
}

/// Removes what a creation cut short left in a folder without `meta.json`: tantivy's list of
/// managed files (of files that were never committed) and temporary files.
fn remove_leftovers(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(io("read", dir))? {
        let path = entry.map_err(io("read", dir))?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if (name == ".managed.json" || name.starts_with(".tmp")) && path.is_file() {
            std::fs::remove_file(&path).map_err(io("remove", &path))?;
        }
    }
    Ok(())
}

impl Indexer {
    /// Opens the index in `dir` for writing, creating it if the folder is missing or empty.
    pub fn open(dir: &Path, options: &IndexerOptions) -> Result<Indexer> {
        let fields = Fields::new();
        let mut staging = None;
        let mut rebuild = options.rebuild;
        let mut damaged = false;
        let mut replaced_lock = None;
        let mut previous = None;
        let index = if dir.join("meta.json").is_file() {
            // Every file is read before anything is written: a damaged index is rebuilt, not
            // updated (an update would keep what cannot be trusted, or trip on it).
            let existing = damage::guard(dir, || {
                let index = Index::open_in_dir(dir)?;
                CommitInfo::of(&index, dir)?;
                // Every byte is read when a damaged index can be rebuilt here (a full run
                // over the corpus); a single write only checks that every file is there.
                damage::verify_files(&index, dir, options.rebuild_damaged)?;
                Ok(index)
            });
            match existing {
                Ok(old) if options.rebuild => {
                    replaced_lock = Some(lock(&old, dir)?);
                    previous = Some(old);
                    let (path, index) = staging_index(dir, &fields)?;
                    staging = Some(path);
                    index
                }
                Ok(index) => index,
                Err(
                    e @ (Error::IncompatibleIndex { .. }
                    | Error::Tantivy(_)
                    | Error::Damaged { .. }),
                ) => {
                    damaged = matches!(e, Error::Damaged { .. });
                    let rebuilds = options.rebuild || (damaged && options.rebuild_damaged);
                    if !rebuilds {
                        return Err(match e {
                            Error::Tantivy(t) => Error::IncompatibleIndex {
                                path: dir.to_path_buf(),
                                found: format!("unreadable: {t}"),
                            },
                            e => e,
                        });
                    }
                    if damaged {
                        tracing::warn!(error = %e, "rebuilding the index from the corpus");
                    }
                    rebuild = true;
                    let (path, index) = staging_index(dir, &fields)?;
                    staging = Some(path);
                    index
                }
                Err(e) => return Err(e),
            }
        } else {
            if dir.exists() && !is_empty_dir(dir)? {
                if !damage::lost_its_meta(dir) {
                    return Err(Error::NotAnIndex {
                        path: dir.to_path_buf(),
                    });
                }
                // An index whose `meta.json` is gone: nothing in it can be found again.
                let e = damage::damaged(dir, "its meta.json is missing".into());
                if !(options.rebuild || options.rebuild_damaged) {
                    return Err(e);
                }
                let aside = damage::set_aside(dir)?;
                tracing::warn!(error = %e, aside = %aside.display(), "rebuilding the index from the corpus; the damaged one is kept aside");
                rebuild = true;
            }
            std::fs::create_dir_all(dir).map_err(io("create", dir))?;
            remove_leftovers(dir)?;
            create_index(dir, &fields)?
        };
        Fields::register_analyzers(&index);
        let threads = options
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)));
        let writer = index
            .writer_with_num_threads(threads, options.memory.max((threads * 16) << 20))
            .map_err(|e| match e {
                TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked {
                    path: dir.to_path_buf(),
                },
                other => Error::Tantivy(other),
            })?;
        if staging.is_none() {
            // A run killed during a commit leaves files the next commit would write again
            // (the delete files of the same opstamp), which Tantivy refuses to overwrite:
            // whatever `meta.json` does not reference goes before anything is written.
            writer.garbage_collect_files().wait()?;
        }
        let copies = Copies::new(&index, fields.clone(), rebuild)?;
        if !rebuild {
            previous = Some(index.clone());
        }
        // One reader for the whole run, opened only when vectors can be kept.
        let previous = match (&options.model, previous) {
            (Some(_), Some(index)) => Some(
                index
                    .reader_builder()
                    .reload_policy(ReloadPolicy::Manual)
                    .try_into()?,
            ),
            _ => None,
        };
        let tables = Tables::load(dir);
        let tables_readable = tables.is_ok();
        let mut indexer = Indexer {
            dir: dir.to_path_buf(),
            staging,
            writer,
            fields,
            tables: tables.unwrap_or_default(),
            files: BTreeMap::new(),
            owners: FxHashMap::default(),
            paths: Paths::default(),
            copies,
            damaged,
            tables_readable,
            model: options.model.clone(),
            previous,
            embedded: 0,
            vectors_kept: 0,
            _replaced_lock: replaced_lock,
        };
        if rebuild {
            indexer.writer.delete_all_documents()?;
            indexer.copies.discard_committed();
        } else {
            indexer.load_files(&index)?;
            // A copy cut short or garbled may still read as a table: it must be the file
            // recorded, or it is copied again.
            let differing = crate::tables::differing_copies(dir, |name| {
                indexer.files.get(name).map(|r| r.hash.as_str())
            });
            if !differing.is_empty() {
                tracing::warn!(files = ?differing, "the index's copies of these data files differ from the corpus's as indexed; copying them again");
                indexer.tables_readable = false;
            }
        }
        Ok(indexer)
    }

    fn load_files(&mut self, index: &Index) -> Result<()> {
        let searcher = searcher_once(index)?;
        let query = TermQuery::new(
            Term::from_field_text(self.fields.entry, ENTRY_FILE),
            IndexRecordOption::Basic,
        );
        for address in searcher.search(&query, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            let json = doc
                .get_first(self.fields.record)
                .and_then(|v| v.as_str())
                .ok_or_else(|| Error::Corrupt("a file record has no content".into()))?;
            let record: FileRecord =
                serde_json::from_str(json).map_err(|e| Error::Corrupt(e.to_string()))?;
            let owner = self.paths.number(&record.path);
            for id in record.documents.iter() {
                self.owners.insert(id_digest(id), owner);
            }
            self.files.insert(record.path.clone(), record);
        }
        Ok(())
    }

    /// Whether this run replaces the whole index (asked for, or because the one there is
    /// damaged): the new one takes the old one's place in [`Indexer::finish`].
    pub fn rebuilds(&self) -> bool {
        self.staging.is_some()
    }

    /// Whether the index's copy of the data files could be read: when it cannot, call
    /// [`Indexer::use_tables_of`] before indexing anything.
    pub fn tables_readable(&self) -> bool {
        self.tables_readable
    }

    /// The files the index holds, by path.
    pub fn files(&self) -> &BTreeMap<String, FileRecord> {
        &self.files
    }

    /// Uses a corpus folder's data files (gazetteer, institutions, glossary) from now on, and
    /// keeps a copy in the index so searches resolve names as indexing did.
    pub fn use_tables_of(&mut self, corpus: &Path) -> Result<()> {
        self.tables = Tables::load_from(corpus)?;
        Tables::copy(corpus, self.target())?;
        self.tables_readable = true;
        Ok(())
    }

    /// The folder being written: the index's, or the staging folder of a rebuild.
    fn target(&self) -> &Path {
        self.staging.as_deref().unwrap_or(&self.dir)
    }

    /// Replaces everything indexed from `record.path` with `passages`. A document whose id
    /// another file already uses is left out, and the problem added to the record; the
    /// problems added are returned.
    pub fn put(&mut self, record: FileRecord, passages: &[Passage]) -> Result<Vec<Note>> {
        let mut write = self.begin(&record.path);
        self.add(&mut write, &record.documents, passages)?;
        self.end(write, record)
    }

    /// Starts replacing everything indexed from the file `path` with passages given a
    /// batch at a time ([`Indexer::add`]), for a file too large to hold in memory whole;
    /// [`Indexer::end`] writes its record. Nothing is visible before a commit, and a
    /// commit is only to be made after `end`.
    pub fn begin(&mut self, path: &str) -> FileWrite {
        let vectors = self.previous_vectors(path);
        self.remove(path);
        FileWrite {
            path: path.to_string(),
            file: self.copies.file(path, []),
            documents: Ids::new(),
            passages: 0,
            notes: Vec::new(),
            vectors,
        }
    }

    /// Passages embedded in this run, and passages that kept the vector of an earlier version
    /// of their file (or of the same text in the same document).
    pub fn embedding_counts(&self) -> (usize, usize) {
        (self.embedded, self.vectors_kept)
    }

    /// The vectors of what the previous index holds of the file `path`, by their text's key
    /// ([`crate::semantic::text_key`]): none without a model, for a file not indexed before,
    /// or for vectors written without a key. A failure to read them costs only time (the
    /// passages are embedded again), so it is logged, not returned.
    fn previous_vectors(&self, path: &str) -> FxHashMap<u64, Vec<u8>> {
        let mut vectors = FxHashMap::default();
        let (Some(model), Some(reader)) = (&self.model, &self.previous) else {
            return vectors;
        };
        if !self.rebuilds() && !self.files.contains_key(path) {
            return vectors;
        }
        let mut read = || -> Result<()> {
            let searcher = reader.searcher();
            let query = TermQuery::new(
                Term::from_field_text(self.fields.source, path),
                IndexRecordOption::Basic,
            );
            let addresses = searcher.search(&query, &DocSetCollector)?;
            crate::semantic::each_stored(&searcher, addresses, |stored| {
                if let Some(bytes) = stored
                    && let Some(key) = crate::semantic::stored_key(bytes, model.dim())
                {
                    vectors.insert(key, bytes.to_vec());
                }
                vectors.len() < MAX_KEPT_VECTORS
            })?;
            Ok(())
        };
        if let Err(error) = read() {
            tracing::warn!(file = path, %error, "cannot read the vectors of the file's earlier version; its passages are embedded again");
            vectors.clear();
        }
        vectors
    }

    /// Adds the `documents` (ids) of the file being written and their `passages` (all the
    /// passages of each document in the same call). A document whose id another file
    /// already uses is left out, with a note.
    pub fn add(
        &mut self,
        write: &mut FileWrite,
        documents: impl IntoIterator<Item = impl AsRef<str>>,
        passages: &[Passage],
    ) -> Result<()> {
        let mut rejected: Vec<String> = Vec::new();
        let path = self.paths.number(&write.path);
        for id in documents {
            let id = id.as_ref();
            match self.owners.get(&id_digest(id)) {
                Some(&owner) if owner != path => {
                    write.notes.push(Note {
                        severity: "skipped".into(),
                        message: format!(
                            "{}: duplicate id {id:?} (already used by {}); document skipped",
                            write.path,
                            self.paths.path(owner)
                        ),
                    });
                    rejected.push(id.to_owned());
                }
                _ => {
                    self.owners.insert(id_digest(id), path);
                    write.documents.push(id);
                }
            }
        }
        // A document's passages go in as one batch, so they land together in one segment:
        // counting documents among matches relies on it (`Counted`). Documents are
        // batches of their own, so a file of many documents still spreads over every
        // indexing thread.
        let mut batch: Vec<UserOperation> = Vec::new();
        let mut parent: Option<&str> = None;
        // The sentence keys the document's passages so far have: each goes on one passage.
        let mut sentences = FxHashSet::default();
        let kept: Vec<&Passage> = passages
            .iter()
            .filter(|p| !rejected.contains(&p.parent))
            .collect();
        // With a model, the vector of every passage written: kept from the file's earlier
        // version when its text is the same, otherwise computed, on all cores, before writing.
        let vectors: Vec<Option<Vec<u8>>> = match &self.model {
            Some(model) => {
                let texts: Vec<String> = kept.iter().map(|p| embedded_text(p)).collect();
                let keys: Vec<u64> = texts
                    .iter()
                    .map(|t| crate::semantic::text_key(model, t))
                    .collect();
                // Each text not kept, once (a text repeated in the document is embedded once).
                let mut missing: FxHashMap<u64, &str> = FxHashMap::default();
                for (key, text) in keys.iter().zip(&texts) {
                    if !write.vectors.contains_key(key) {
                        missing.entry(*key).or_insert(text);
                    }
                }
                let (missing, to_embed): (Vec<u64>, Vec<&str>) = missing.into_iter().unzip();
                let embedded = model.embed_all(&to_embed, minga_semantic::Role::Passage);
                self.embedded += embedded.len();
                self.vectors_kept += keys.len() - embedded.len();
                let fresh: FxHashMap<u64, Vec<u8>> = missing
                    .iter()
                    .zip(&embedded)
                    .map(|(key, vector)| (*key, crate::semantic::stored(vector, *key)))
                    .collect();
                keys.iter()
                    .map(|key| fresh.get(key).or_else(|| write.vectors.get(key)).cloned())
                    .collect()
            }
            None => vec![None; kept.len()],
        };
        for (passage, vector) in kept.into_iter().zip(&vectors) {
            if parent.is_some_and(|p| p != passage.parent) {
                self.writer.run(std::mem::take(&mut batch))?;
                sentences.clear();
            }
            parent = Some(&passage.parent);
            let mut doc = self.passage_doc(passage, write.file, &mut sentences)?;
            if let Some(vector) = vector {
                doc.add_bytes(self.fields.vector, vector);
            }
            batch.push(UserOperation::Add(doc));
            write.passages += 1;
        }
        if !batch.is_empty() {
            self.writer.run(batch)?;
        }
        Ok(())
    }

    /// Ends the file begun with [`Indexer::begin`]: writes `record` with the documents and
    /// passages added (its own `documents` and `passages` are replaced) and returns the
    /// problems added to it.
    pub fn end(&mut self, write: FileWrite, mut record: FileRecord) -> Result<Vec<Note>> {
        record.path = write.path;
        record.documents = write.documents;
        record.passages = write.passages;
        record.embedded_with = self.model.as_ref().map(|m| m.fingerprint());
        record.problems.extend(write.notes.iter().cloned());
        let mut doc = TantivyDocument::default();
        doc.add_text(self.fields.entry, ENTRY_FILE);
        // Every entry has the fast u64 columns, so they are dense (quicker to read per hit).
        doc.add_u64(self.fields.parent_key, 0);
        doc.add_u64(self.fields.id_key, 0);
        doc.add_u64(self.fields.shingles, 0);
        doc.add_u64(self.fields.cluster, 0);
        doc.add_u64(self.fields.work, 0);
        doc.add_text(self.fields.source, &record.path);
        doc.add_text(
            self.fields.record,
            serde_json::to_string(&record).map_err(|e| Error::Corrupt(e.to_string()))?,
        );
        self.writer.add_document(doc)?;
        self.files.insert(record.path.clone(), record);
        Ok(write.notes)
    }

    /// The file that holds the document `id`, if the index (with this run's changes) has it.
    pub fn owner(&self, id: &str) -> Option<&str> {
        self.owners
            .get(&id_digest(id))
            .map(|&owner| self.paths.path(owner))
    }

    /// Removes everything indexed from a file; a no-op for a file the index does not hold.
    pub fn remove(&mut self, path: &str) {
        if let Some(old) = self.files.remove(path) {
            let number = self.paths.number(path);
            for id in old.documents.iter() {
                let digest = id_digest(id);
                if self.owners.get(&digest) == Some(&number) {
                    self.owners.remove(&digest);
                }
            }
            self.writer
                .delete_term(Term::from_field_text(self.fields.source, path));
            let keys = old.documents.iter().flat_map(group_keys);
            self.copies.file(path, keys);
        }
    }

    /// A passage as the index holds it; `file` is its file's number in `Copies`; `sentences`,
    /// the sentence keys its document's earlier passages hold (its own are added).
    fn passage_doc(
        &mut self,
        p: &Passage,
        file: u32,
        sentences: &mut FxHashSet<u64>,
    ) -> Result<TantivyDocument> {
        // A lesson is known by its title as much as by its text: a register restating a
        // session's lesson keeps its title.
        let lesson_title = match (p.kind, p.heading.as_deref()) {
            (Kind::Lesson, _) if p.id == p.parent => Some(p.title.as_str()),
            (Kind::Lesson, heading) => heading,
            _ => None,
        };
        let sketch = match lesson_title {
            Some(title) => crate::sketch::lesson_sketch(&format!("{title}\n\n{}", p.text)),
            None if p.kind == Kind::Lesson => crate::sketch::lesson_sketch(&p.text),
            None => crate::sketch::sketch(&p.text),
        };
        let (clusters, bands) =
            self.copies
                .cluster(id_key(p), &sketch, p.kind == Kind::Lesson, file)?;
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.entry, ENTRY_PASSAGE);
        doc.add_text(f.id, &p.id);
        doc.add_text(f.parent, &p.parent);
        doc.add_u64(f.parent_key, group_key(p));
        doc.add_u64(f.work, work_key(p));
        doc.add_u64(f.id_key, id_key(p));
        doc.add_u64(f.shingles, sketch.shingles);
        for value in sketch.values {
            doc.add_u64(f.sketch, value);
        }
        for band in bands {
            doc.add_u64(f.bands, band);
        }
        for cluster in clusters {
            doc.add_u64(f.cluster, cluster);
        }
        doc.add_text(f.source, &p.source.path);
        let title = searchable_title(p);
        // Each text goes to its language's stemmed field (a language without a stemmer has
        // none: its words are searched in the exact field) and to the exact field.
        let mut add = |fields: &crate::schema::TextFields, text: &str| {
            if let Some(stemmed) = fields.stemmed(p.lang) {
                doc.add_text(stemmed, text);
            }
            doc.add_text(fields.exact, text);
        };
        if let Some(title) = title {
            add(&f.title, title);
        }
        if let Some(heading) = searchable_heading(p) {
            add(&f.heading, heading);
        }
        // The title belongs to every passage's text too: a passage about a paper, a report or
        // a lesson is read together with its title (SciFact train: 0.68 -> 0.69 nDCG@10).
        if let Some(title) = title {
            add(&f.body, title);
        }
        add(&f.body, &p.text);
        for key in sentence_keys(&p.text) {
            if sentences.insert(key) {
                doc.add_u64(f.sentences, key);
            }
        }
        let gazetteer = &self.tables.normalizer.gazetteer;
        if let Some(country) = &p.country {
            doc.add_facet(f.country, Facet::from_path([country]));
        }
        for region in &p.regions {
            let country = gazetteer
                .country_of(region, p.country.as_deref())
                .or(p.country.as_deref())
                .unwrap_or(UNKNOWN_COUNTRY);
            doc.add_facet(f.region, Facet::from_path([country, region.as_str()]));
            if p.country.as_deref() != Some(country) && country != UNKNOWN_COUNTRY {
                doc.add_facet(f.country, Facet::from_path([country]));
            }
        }
        for institution in &p.institutions {
            doc.add_facet(f.institution, Facet::from_path([institution]));
        }
        // A topic as `[key, spelling]`: spellings that differ only in case, accents or number
        // are counted and filtered as one key, shown by the spelling most passages use.
        for topic in &p.topics {
            let key = minga_core::topic_key(topic);
            let key = if key.is_empty() { topic.clone() } else { key };
            doc.add_facet(f.topic, Facet::from_path([key.as_str(), topic.as_str()]));
        }
        doc.add_facet(f.kind, Facet::from_path([p.kind.as_str()]));
        doc.add_facet(f.lang, Facet::from_path([p.lang.code()]));
        if let Some(date) = p.date {
            doc.add_facet(f.year, Facet::from_path([date.year().to_string()]));
            doc.add_date(f.date, index_date(date.unix_timestamp()));
            doc.add_date(
                f.date_end,
                index_date(date.last_day().unix_timestamp() + 86_399),
            );
        }
        doc.add_text(
            f.record,
            serde_json::to_string(p).map_err(|e| Error::Corrupt(e.to_string()))?,
        );
        Ok(doc)
    }

    /// Makes every change so far durable and visible to searchers, atomically.
    pub fn commit(&mut self) -> Result<()> {
        let info = CommitInfo {
            minga_schema: SCHEMA_VERSION,
            files: self.files.len(),
            documents: self.files.values().map(|r| r.documents.len()).sum(),
            passages: self.files.values().map(|r| r.passages).sum(),
            committed_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
        };
        let payload = serde_json::to_string(&info).map_err(|e| Error::Corrupt(e.to_string()))?;
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.copies.committed();
        // The updated index's reader sees what was written (a rebuild's old index is not).
        if !self.rebuilds()
            && let Some(reader) = &self.previous
        {
            reader.reload()?;
        }
        // Tantivy syncs the segment files and writes `meta.json` to a synced temporary file
        // that it renames into place, but does not sync the folder after the rename: without
        // this, a power loss right after a commit could bring back the previous one.
        sync_dir(self.target())?;
        Ok(())
    }

    /// Waits for background merges to finish; call once done writing. A rebuild's new index
    /// takes the old one's place now, in one step: a searcher (a running `minga serve`) sees
    /// the whole old index until then and the whole new one from then on.
    pub fn finish(self) -> Result<()> {
        self.writer.wait_merging_threads()?;
        // The index a rebuild read vectors from is closed before it is moved and removed.
        drop(self.previous);
        let Some(staging) = self.staging else {
            return Ok(());
        };
        if !staging.join("meta.json").is_file() {
            return Ok(());
        }
        swap(&self.dir, &staging)?;
        if let Some(parent) = self.dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
        // The staging folder now holds the index replaced.
        if self.damaged {
            let aside = damage::move_aside(&staging, &self.dir)?;
            tracing::warn!(aside = %aside.display(), "the damaged index is kept aside");
        } else {
            std::fs::remove_dir_all(&staging).map_err(io("remove", &staging))?;
        }
        Ok(())
    }
}

/// Puts the index in `staging` in the place of the one in `dir`, and that one in `staging`:
/// in one step where the system can (Linux), in two renames elsewhere.
fn swap(dir: &Path, staging: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, dir, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // A file system without the exchange (some network ones): the two renames.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(io("swap", dir)(e.into())),
        }
    }
    let old = dir.with_extension("old");
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io("remove", &old))?;
    }
    std::fs::rename(dir, &old).map_err(io("move", dir))?;
    std::fs::rename(staging, dir).map_err(io("move", staging))?;
    std::fs::rename(&old, staging).map_err(io("move", &old))?;
    Ok(())
}

/// A new, empty index in `dir`, with Minga's settings.
fn create_index(dir: &Path, fields: &Fields) -> Result<Index> {
    let settings = tantivy::IndexSettings {
        docstore_blocksize: STORE_BLOCK_BYTES,
        ..Default::default()
    };
    Ok(Index::builder()
        .schema(fields.schema().clone())
        .settings(settings)
        .create_in_dir(dir)?)
}

/// A new, empty index in the staging folder beside `dir`, where a rebuild is written.
fn staging_index(dir: &Path, fields: &Fields) -> Result<(PathBuf, Index)> {
    let path = staging_path(dir);
    if path.exists() {
        // What an interrupted rebuild left.
        std::fs::remove_dir_all(&path).map_err(io("remove", &path))?;
    }
    std::fs::create_dir_all(&path).map_err(io("create", &path))?;
    let index = create_index(&path, fields)?;
    Ok((path, index))
}

/// Takes the writer lock of `index`, as its own writer would.
fn lock(index: &Index, dir: &Path) -> Result<DirectoryLock> {
    index
        .directory()
        .acquire_lock(&INDEX_WRITER_LOCK)
        .map_err(|e| match e {
            LockError::LockBusy => Error::Locked {
                path: dir.to_path_buf(),
            },
            LockError::IoError(source) => Error::Io {
                action: "lock",
                path: dir.to_path_buf(),
                source: std::io::Error::new(source.kind(), source.to_string()),
            },
        })
}

/// Seconds on either side of 1970 that the index's dates (nanoseconds in an `i64`) can hold:
/// about the years 1678 to 2262.
const MAX_DATE_SECONDS: i64 = i64::MAX / 1_000_000_000;

/// The indexed date of a day `seconds` after 1970, clamped to what the index can hold (a
/// document dated in the year 1 or 9999 sorts and filters as the first or last day it can
/// represent, instead of overflowing).
pub(crate) fn index_date(seconds: i64) -> DateTime {
    DateTime::from_timestamp_secs(seconds.clamp(-MAX_DATE_SECONDS, MAX_DATE_SECONDS))
}

/// Makes the entries of a folder (files created, renamed or removed in it) durable.
fn sync_dir(dir: &Path) -> Result<()> {
    minga_core::sync_folder(dir).map_err(io("sync", dir))
}

fn staging_path(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!("{name}.rebuild"))
}

/// The passage's title as indexed and embedded: none when it is a label made of the text's
/// opening words (searched as a title, those words would count three times).
fn searchable_title(p: &Passage) -> Option<&str> {
    Some(p.title.as_str()).filter(|_| p.title_source.is_searchable())
}

/// The passage's heading as indexed and embedded: none when it only repeats the text's
/// opening words.
fn searchable_heading(p: &Passage) -> Option<&str> {
    p.heading.as_deref().filter(|h| !opens(&p.text, h))
}

/// At most this many vectors of a file's earlier version are kept for its new one (some 450
/// bytes each in memory: 100 MB): a JSON Lines export of millions of passages embeds the
/// rest again rather than hold them all.
const MAX_KEPT_VECTORS: usize = 1 << 18;

/// What a passage's embedding is made of: its searchable title and heading, then its text.
fn embedded_text(p: &Passage) -> String {
    let mut text = String::with_capacity(p.text.len() + 100);
    for part in [searchable_title(p), searchable_heading(p)]
        .into_iter()
        .flatten()
    {
        text.push_str(part);
        text.push('\n');
    }
    text.push_str(&p.text);
    text
}

/// Whether `heading` only repeats the first words of `text`, as the title a lesson takes
/// from its first sentence does: such a heading is not indexed as one, or its words would
/// count twice.
fn opens(text: &str, heading: &str) -> bool {
    let letters = |s: &str| -> String {
        minga_core::fold(s)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let heading = letters(heading.trim_end_matches('…'));
    // The opening of the text is enough: twice the heading's length covers any spacing.
    let end = text
        .char_indices()
        .nth(2 * heading.len() + 16)
        .map_or(text.len(), |(i, _)| i);
    !heading.is_empty() && letters(&text[..end]).starts_with(&heading)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_that_opens_its_text_is_not_indexed_twice() {
        assert!(opens(
            "La confianza se construye con tiempo. Sobre todo en regiones.",
            "La confianza se construye con tiempo"
        ));
        assert!(opens(
            "Una lección muy larga que sigue y sigue.",
            "Una lección muy…"
        ));
        assert!(!opens(
            "Los municipios llegaron tarde.",
            "Articular con municipios"
        ));
        assert!(!opens("Texto.", ""));
    }

    #[test]
    fn new_and_rebuilt_indexes_store_passages_in_small_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let blocks = |dir: &Path| {
            Index::open_in_dir(dir)
                .unwrap()
                .settings()
                .docstore_blocksize
        };
        let mut indexer = Indexer::open(dir.path(), &IndexerOptions::default()).unwrap();
        let (file, passage) = crate::copies::lone_passage("acta-1", "Primera acta de la mesa.");
        indexer
            .put(file.clone(), std::slice::from_ref(&passage))
            .unwrap();
        indexer.commit().unwrap();
        indexer.finish().unwrap();
        assert_eq!(blocks(dir.path()), STORE_BLOCK_BYTES);
        let rebuild = IndexerOptions {
            rebuild: true,
            ..IndexerOptions::default()
        };
        let mut indexer = Indexer::open(dir.path(), &rebuild).unwrap();
        indexer.put(file, &[passage]).unwrap();
        indexer.commit().unwrap();
        indexer.finish().unwrap();
        assert_eq!(blocks(dir.path()), STORE_BLOCK_BYTES);
        assert!(STORE_BLOCK_BYTES < tantivy::IndexSettings::default().docstore_blocksize);
    }

    #[test]
    fn an_id_belongs_to_one_file_until_that_file_lets_it_go() {
        let dir = tempfile::tempdir().unwrap();
        let mut indexer = Indexer::open(dir.path(), &IndexerOptions::default()).unwrap();
        let (first, passage) = crate::copies::lone_passage("acta-1", "Primera acta de la mesa.");
        assert!(indexer.put(first, &[passage]).unwrap().is_empty());
        // The same id in another file is left out, naming the file that holds it.
        let (mut second, mut other) = crate::copies::lone_passage("acta-1", "Otra acta.");
        second.path = "otra.txt".into();
        other.source.path = "otra.txt".into();
        let notes = indexer.put(second.clone(), &[other.clone()]).unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0]
                .message
                .starts_with("otra.txt: duplicate id \"acta-1\" (already used by acta-1.txt)"),
            "{notes:?}"
        );
        assert!(indexer.files()["otra.txt"].documents.is_empty());
        assert_eq!(indexer.owner("acta-1"), Some("acta-1.txt"));
        indexer.commit().unwrap();
        // Once its file is gone the id is free, and stays with its new file once the index
        // is opened again.
        indexer.remove("acta-1.txt");
        assert_eq!(indexer.owner("acta-1"), None);
        assert!(indexer.put(second, &[other]).unwrap().is_empty());
        assert_eq!(indexer.owner("acta-1"), Some("otra.txt"));
        indexer.commit().unwrap();
        indexer.finish().unwrap();
        let indexer = Indexer::open(dir.path(), &IndexerOptions::default()).unwrap();
        assert_eq!(indexer.owner("acta-1"), Some("otra.txt"));
        assert_eq!(indexer.owner("acta-2"), None);
        assert_eq!(
            indexer.files()["otra.txt"].documents.to_vec(),
            ["acta-1".to_string()]
        );
    }

    #[test]
    fn a_creation_cut_short_does_not_block_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        std::fs::create_dir(&index).unwrap();
        // Cut short while writing the list of managed files: a torn list and a temporary.
        for name in [".managed.json", ".tmpAb12Cd", ".tantivy-writer.lock"] {
            std::fs::write(index.join(name), b"[\"6c10").unwrap();
        }
        assert!(is_empty_dir(&index).unwrap());
        // No index yet, rather than a damaged one: searching says to build it.
        let searched = crate::Engine::open(&index).map(|_| ());
        assert!(
            matches!(searched, Err(Error::MissingIndex { .. })),
            "{searched:?}"
        );
        Indexer::open(&index, &IndexerOptions::default()).unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"").unwrap();
        assert!(!is_empty_dir(dir.path()).unwrap());
    }

    #[test]
    fn dates_beyond_what_the_index_holds_are_clamped_not_overflowed() {
        assert_eq!(index_date(86_400).into_timestamp_secs(), 86_400);
        let year_one = minga_core::Date::from_ymd(1, 1, 1)
            .unwrap()
            .unix_timestamp();
        assert_eq!(
            index_date(year_one).into_timestamp_secs(),
            -MAX_DATE_SECONDS
        );
        let far = minga_core::Date::from_ymd(9999, 12, 31)
            .unwrap()
            .unix_timestamp();
        assert_eq!(index_date(far).into_timestamp_secs(), MAX_DATE_SECONDS);
    }
}

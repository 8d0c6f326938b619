use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufReader, Read};
use std::path::Path;
use std::time::{Duration, Instant, UNIX_EPOCH};

use minga_core::{DATA_FILES, Ids};
use minga_engine::{FileRecord, Indexer, IndexerOptions, Note};
use minga_ingest::{Format, Problem, ReadOptions, Reader, Severity, SourceFile, discover};
use rayon::prelude::*;
use serde::Serialize;

/// Input bytes read between intermediate commits, so an interrupted run keeps most of its work.
pub const DEFAULT_COMMIT_BYTES: u64 = 64 << 20;

/// Files read in parallel before their passages are handed, in order, to the writer.
const BATCH_FILES: usize = 64;

/// Input bytes read in parallel at most (a larger file is read in a batch of its own): the
/// passages of a batch are all in memory at once, so this bounds memory however large the
/// files are (64 JSONL exports of 8 MB would otherwise be parsed at once), and lets
/// intermediate commits come every [`DEFAULT_COMMIT_BYTES`] or so.
const BATCH_BYTES: u64 = 32 << 20;

/// Why a sync could not run at all. Problems with single files are not errors: they are
/// reported in the [`Summary`].
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The corpus folder or one of its data files cannot be used.
    #[error(transparent)]
    Corpus(#[from] minga_ingest::Error),
    /// The index cannot be opened or written.
    #[error(transparent)]
    Index(#[from] minga_engine::Error),
}

/// How to sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Re-read everything and replace the whole index (atomically, at the final commit).
    pub rebuild: bool,
    pub read: ReadOptions,
    pub writer: IndexerOptions,
    /// Input bytes between intermediate commits.
    pub commit_bytes: u64,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            rebuild: false,
            read: ReadOptions::default(),
            writer: IndexerOptions::default(),
            commit_bytes: DEFAULT_COMMIT_BYTES,
        }
    }
}

/// Told how a sync goes, for progress bars and logs.
pub trait Progress: Sync {
    /// The files to read are known: how many and how many bytes.
    fn start(&self, _files: u64, _bytes: u64) {}
    /// A file was read.
    fn advance(&self, _path: &str, _bytes: u64) {}
    /// Reading is done; what remains is the final commit.
    fn finish(&self) {}
}

/// No progress reporting.
impl Progress for () {}

/// What a sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Files found in the corpus (documents, not data files or ignored types).
    pub files: usize,
    /// Files read in this run.
    pub read: usize,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Documents and passages indexed in this run.
    pub documents: usize,
    pub passages: usize,
    /// With a model: passages embedded in this run, and passages written with the vector
    /// their file's earlier version had computed for the same text.
    pub embedded: usize,
    pub vectors_kept: usize,
    /// Documents and passages the index holds now.
    pub total_documents: usize,
    pub total_passages: usize,
    /// Bytes read in this run.
    pub bytes: u64,
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
    /// Whether anything was committed.
    pub committed: bool,
    /// Problems met in this run, files skipped and ignored included.
    pub problems: Vec<Problem>,
    /// Problems recorded in earlier runs for files that did not change since.
    pub earlier_problems: Vec<Note>,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl Summary {
    /// Read throughput, in MB/s (10⁶ bytes).
    pub fn megabytes_per_second(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.bytes as f64 / 1e6 / seconds
        } else {
            0.0
        }
    }

    /// Files skipped whole, in this run or (unchanged since) an earlier one.
    pub fn skipped_files(&self) -> usize {
        let now: BTreeSet<&str> = self
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Skipped && p.line.is_none() && p.page.is_none())
            .map(|p| p.path.as_str())
            .collect();
        now.len()
    }

    /// Whether any file or record was skipped or repaired, now or in an earlier run: what
    /// `--strict` refuses.
    pub fn has_damage(&self) -> bool {
        self.problems
            .iter()
            .any(|p| matches!(p.severity, Severity::Skipped | Severity::Repaired))
            || self
                .earlier_problems
                .iter()
                .any(|n| n.severity == "skipped" || n.severity == "repaired")
    }
}

/// The BLAKE3 hash (hex) of the file at `path`, as its record keeps it; empty when there is
/// no such file (a data file the corpus does not have).
pub(crate) fn content_hash(path: &Path) -> String {
    std::fs::read(path)
        .map(|bytes| blake3::hash(&bytes).to_hex().to_string())
        .unwrap_or_default()
}

/// What a data file's record in the index holds: its content's hash, and that of the list
/// built into Minga that it is merged over (the world gazetteer, the institutions) with the
/// version of the rules that resolve metadata ([`minga_core::METADATA_RULES`]), so that a
/// release with other built-in lists or rules re-reads the corpus once. Empty when there is
/// neither.
pub(crate) fn data_hash(corpus: &Path, name: &str) -> String {
    let file = content_hash(&corpus.join(name));
    match minga_core::built_in_data(name) {
        Some(list) => {
            let mut built_in = blake3::Hasher::new();
            built_in.update(list.as_bytes());
            built_in.update(&minga_core::METADATA_RULES.to_le_bytes());
            format!("{file}+{}", &built_in.finalize().to_hex()[..16])
        }
        None => file,
    }
}

/// The record of a data file: its name and [`data_hash`].
pub(crate) fn data_record(corpus: &Path, name: &str) -> FileRecord {
    FileRecord {
        path: name.to_string(),
        hash: data_hash(corpus, name),
        size: 0,
        modified: None,
        documents: Ids::new(),
        passages: 0,
        problems: Vec::new(),
        embedded_with: None,
    }
}

/// A file read and turned into passages, ready for the writer.
struct Parsed {
    record: FileRecord,
    passages: Vec<minga_core::Passage>,
    problems: Vec<Problem>,
    documents: usize,
    was_known: bool,
}

/// Brings the index in `index_dir` in step with the corpus in `corpus`.
pub fn sync(
    corpus: &Path,
    index_dir: &Path,
    options: &SyncOptions,
    progress: &dyn Progress,
) -> Result<Summary, SyncError> {
    let started = Instant::now();
    let reader = Reader::new(corpus, options.read)?;
    let discovery = discover(corpus)?;
    let mut writer_options = options.writer.clone();
    writer_options.rebuild = options.rebuild;
    // Every file is read when the indexer knows none: a damaged index can be rebuilt here.
    writer_options.rebuild_damaged = true;
    let mut indexer = Indexer::open(index_dir, &writer_options)?;
    let mut summary = Summary {
        files: discovery.files.len(),
        problems: discovery.ignored.clone(),
        ..Summary::default()
    };

    let mut data_changed = false;
    let mut data_records = Vec::new();
    // Data files: a change re-reads every document, since its metadata may resolve anew.
    for name in DATA_FILES {
        let record = data_record(corpus, name);
        let known = indexer.files().get(name).map(|r| r.hash.as_str());
        if known.unwrap_or("") != record.hash {
            data_changed = true;
            data_records.push(record);
        }
    }
    // A garbled copy in the index is replaced too (what the documents were resolved with
    // is the corpus's, unchanged).
    if data_changed || !indexer.tables_readable() {
        indexer.use_tables_of(corpus)?;
    }

    // What changed: size or time differ, then the hash decides.
    let present: BTreeSet<&str> = discovery.files.iter().map(|f| f.rel.as_str()).collect();
    let removed: Vec<String> = indexer
        .files()
        .keys()
        .filter(|path| !present.contains(path.as_str()) && !DATA_FILES.contains(&path.as_str()))
        .cloned()
        .collect();
    // With a model, a file whose passages were not embedded with it (indexed without one,
    // with another, or with another `--model-tokens`) is read again, as if it had changed.
    let fingerprint = options.writer.model.as_ref().map(|m| m.fingerprint());
    let reread = |known: Option<&FileRecord>| {
        data_changed
            || known.is_some_and(|k| {
                fingerprint.is_some() && k.passages > 0 && k.embedded_with != fingerprint
            })
    };
    let mut candidates = Vec::new();
    for file in &discovery.files {
        match indexer.files().get(&file.rel) {
            Some(known)
                if !reread(Some(known))
                    && known.size == file.size
                    && known.modified.is_some()
                    && known.modified == nanos(file) =>
            {
                summary.unchanged += 1;
                summary
                    .earlier_problems
                    .extend(known.problems.iter().cloned());
            }
            _ => candidates.push(file),
        }
    }
    progress.start(
        candidates.len() as u64,
        candidates.iter().map(|f| f.size).sum(),
    );

    let mut since_commit = 0u64;
    let mut dirty = !removed.is_empty() || data_changed;
    // The documents read that declare an edition_of: (path, id) -> (line, original).
    let mut editions: BTreeMap<(String, String), (Option<u32>, String)> = BTreeMap::new();
    for path in &removed {
        indexer.remove(path);
        summary.removed += 1;
    }
    for record in data_records {
        indexer.put(record, &[])?;
    }
    for batch in batches(&candidates) {
        if let [file] = batch
            && streams(file, &options.read)
        {
            let known = indexer.files().get(&file.rel).cloned();
            summary.read += 1;
            summary.bytes += file.size;
            let streamed = stream_one(
                &reader,
                &mut indexer,
                file,
                known.as_ref(),
                reread(known.as_ref()),
                &mut editions,
            )?;
            progress.advance(&file.rel, file.size);
            let Some(streamed) = streamed else {
                summary.unchanged += 1;
                if let Some(known) = known {
                    summary.earlier_problems.extend(known.problems);
                }
                continue;
            };
            if known.is_some() {
                summary.updated += 1;
            } else {
                summary.added += 1;
            }
            summary.documents += streamed.documents;
            summary.passages += streamed.passages;
            summary.problems.extend(streamed.problems);
            dirty = true;
            since_commit += file.size;
            if since_commit >= options.commit_bytes {
                indexer.commit()?;
                since_commit = 0;
            }
            continue;
        }
        let known: Vec<Option<FileRecord>> = batch
            .iter()
            .map(|f| indexer.files().get(&f.rel).cloned())
            .collect();
        let parsed: Vec<Option<Parsed>> = batch
            .par_iter()
            .zip(known.par_iter())
            .map(|(file, known)| {
                let parsed = read_one(&reader, file, known.as_ref(), reread(known.as_ref()));
                progress.advance(&file.rel, file.size);
                parsed
            })
            .collect();
        for (file, parsed) in batch.iter().zip(parsed) {
            summary.read += 1;
            summary.bytes += file.size;
            let Some(parsed) = parsed else {
                summary.unchanged += 1;
                if let Some(known) = indexer.files().get(&file.rel) {
                    summary
                        .earlier_problems
                        .extend(known.problems.iter().cloned());
                }
                continue;
            };
            if parsed.was_known {
                summary.updated += 1;
            } else {
                summary.added += 1;
            }
            summary.documents += parsed.documents;
            summary.passages += parsed.passages.len();
            summary.problems.extend(parsed.problems);
            for passage in &parsed.passages {
                if let Some(original) = &passage.edition_of {
                    editions
                        .entry((file.rel.clone(), passage.parent.clone()))
                        .or_insert((passage.source.line, original.clone()));
                }
            }
            for note in indexer.put(parsed.record, &parsed.passages)? {
                summary
                    .problems
                    .push(Problem::skipped(file.rel.clone(), note.message));
            }
            dirty = true;
            since_commit += file.size;
        }
        if since_commit >= options.commit_bytes {
            indexer.commit()?;
            since_commit = 0;
        }
    }
    progress.finish();
    // An edition of a document the index does not hold is most likely a mistyped id.
    for ((path, _), (line, original)) in editions {
        if indexer.owner(&original).is_none() {
            summary.problems.push(
                Problem::warning(
                    path,
                    format!(
                        "edition_of names {original:?}, which no document has: indexed as a \
                         work of its own"
                    ),
                )
                .at_line(line.map(u64::from)),
            );
        }
    }
    if dirty || indexer.rebuilds() {
        indexer.commit()?;
        summary.committed = true;
    }
    summary.total_documents = indexer.files().values().map(|r| r.documents.len()).sum();
    summary.total_passages = indexer.files().values().map(|r| r.passages).sum();
    (summary.embedded, summary.vectors_kept) = indexer.embedding_counts();
    indexer.finish()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// `files` cut, in order, into batches of at most [`BATCH_FILES`] files and [`BATCH_BYTES`]
/// bytes (or one file, when it is larger).
fn batches<'a, 'f>(files: &'a [&'f SourceFile]) -> Vec<&'a [&'f SourceFile]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, file) in files.iter().enumerate() {
        if i > start && (i - start == BATCH_FILES || bytes + file.size > BATCH_BYTES) {
            out.push(&files[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += file.size;
    }
    if start < files.len() {
        out.push(&files[start..]);
    }
    out
}

/// Whether a file is read a record at a time ([`stream_one`]) rather than whole: a JSON
/// Lines file over the size of a batch or over the size limit of whole files, which JSON
/// Lines files do not have.
fn streams(file: &SourceFile, read: &ReadOptions) -> bool {
    file.format == Format::Jsonl && file.size > BATCH_BYTES.min(read.max_file_bytes)
}

/// What [`stream_one`] indexed.
struct Streamed {
    documents: usize,
    passages: usize,
    problems: Vec<Problem>,
}

/// A reader that hashes what it reads.
struct Hashing<R> {
    inner: R,
    hasher: blake3::Hasher,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Indexes a JSON Lines file a batch of records at a time (see
/// [`Reader::read_lines`](minga_ingest::Reader::read_lines)), so memory does not grow with
/// the file: each batch's passages go to the writer before the next is read. Its record is
/// written last, and nothing is committed in between, so a run interrupted halfway leaves
/// the index as it was. `None` when its content is what the index already holds.
fn stream_one(
    reader: &Reader,
    indexer: &mut Indexer,
    file: &SourceFile,
    known: Option<&FileRecord>,
    force: bool,
    editions: &mut BTreeMap<(String, String), (Option<u32>, String)>,
) -> Result<Option<Streamed>, SyncError> {
    let cannot_read = |e: std::io::Error| {
        let problem = Problem::skipped(file.rel.clone(), format!("cannot read: {e}"));
        Streamed {
            documents: 0,
            passages: 0,
            problems: vec![problem],
        }
    };
    if !force && let Some(known) = known {
        let mut hasher = blake3::Hasher::new();
        match std::fs::File::open(&file.path).and_then(|f| hasher.update_reader(f).map(|_| ())) {
            Ok(()) if hasher.finalize().to_hex().as_str() == known.hash => return Ok(None),
            Ok(()) => {}
            Err(e) => return put_unread(indexer, file, cannot_read(e)),
        }
    }
    let opened = match std::fs::File::open(&file.path) {
        Ok(opened) => opened,
        Err(e) => return put_unread(indexer, file, cannot_read(e)),
    };
    let mut input = BufReader::with_capacity(
        1 << 20,
        Hashing {
            inner: opened,
            hasher: blake3::Hasher::new(),
        },
    );
    let mut write = indexer.begin(&file.rel);
    let mut streamed = Streamed {
        documents: 0,
        passages: 0,
        problems: Vec::new(),
    };
    for batch in reader.read_lines(&file.rel, &mut input) {
        let passages: Vec<minga_core::Passage> = batch
            .documents
            .par_iter()
            .flat_map_iter(|d| reader.passages(d))
            .collect();
        let ids: Vec<String> = batch.documents.iter().map(|d| d.id.clone()).collect();
        for passage in &passages {
            if let Some(original) = &passage.edition_of {
                editions
                    .entry((file.rel.clone(), passage.parent.clone()))
                    .or_insert((passage.source.line, original.clone()));
            }
        }
        indexer.add(&mut write, &ids, &passages)?;
        streamed.documents += ids.len();
        streamed.passages += passages.len();
        streamed.problems.extend(batch.problems);
    }
    let hash = input.into_inner().hasher.finalize().to_hex().to_string();
    let notes = indexer.end(write, record(file, hash, Vec::new(), &streamed.problems))?;
    streamed.problems.extend(
        notes
            .into_iter()
            .map(|note| Problem::skipped(file.rel.clone(), note.message)),
    );
    Ok(Some(streamed))
}

/// Records a file that could not be read, with nothing indexed from it.
fn put_unread(
    indexer: &mut Indexer,
    file: &SourceFile,
    streamed: Streamed,
) -> Result<Option<Streamed>, SyncError> {
    indexer.put(
        record(file, String::new(), Vec::new(), &streamed.problems),
        &[],
    )?;
    Ok(Some(streamed))
}

/// Modification time in nanoseconds since the epoch.
fn nanos(file: &SourceFile) -> Option<i64> {
    file.modified
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_nanos()).ok())
}

/// Reads a file; `None` when its content is what the index already holds.
fn read_one(
    reader: &Reader,
    file: &SourceFile,
    known: Option<&FileRecord>,
    force: bool,
) -> Option<Parsed> {
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let problem = Problem::skipped(file.rel.clone(), format!("cannot read: {e}"));
            return Some(Parsed {
                record: record(
                    file,
                    String::new(),
                    Vec::new(),
                    std::slice::from_ref(&problem),
                ),
                passages: Vec::new(),
                problems: vec![problem],
                documents: 0,
                was_known: known.is_some(),
            });
        }
    };
    let hash = blake3::hash(&bytes).to_hex().to_string();
    if !force && known.is_some_and(|k| k.hash == hash) {
        return None;
    }
    let outcome = reader.read(&file.rel, &bytes);
    let passages: Vec<_> = outcome
        .documents
        .iter()
        .flat_map(|d| reader.passages(d))
        .collect();
    let ids = outcome.documents.iter().map(|d| d.id.clone()).collect();
    Some(Parsed {
        record: record(file, hash, ids, &outcome.problems),
        documents: outcome.documents.len(),
        passages,
        problems: outcome.problems,
        was_known: known.is_some(),
    })
}

pub(crate) fn record(
    file: &SourceFile,
    hash: String,
    documents: Vec<String>,
    problems: &[Problem],
) -> FileRecord {
    FileRecord {
        path: file.rel.clone(),
        hash,
        size: file.size,
        modified: nanos(file),
        documents: documents.into(),
        passages: 0,
        problems: problems
            .iter()
            .map(|p| Note {
                severity: p.severity.to_string(),
                message: p.to_string(),
            })
            .collect(),
        embedded_with: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(size: u64) -> SourceFile {
        SourceFile {
            path: "x".into(),
            rel: "x".into(),
            format: minga_ingest::Format::Markdown,
            size,
            modified: None,
        }
    }

    #[test]
    fn batches_are_bounded_by_files_and_bytes() {
        let sizes = |files: &[SourceFile]| {
            let refs: Vec<&SourceFile> = files.iter().collect();
            batches(&refs).iter().map(|b| b.len()).collect::<Vec<_>>()
        };
        assert_eq!(sizes(&[]), Vec::<usize>::new());
        let small: Vec<_> = (0..150).map(|_| file(1000)).collect();
        assert_eq!(sizes(&small), [64, 64, 22]);
        let shards: Vec<_> = (0..10).map(|_| file(8 << 20)).collect();
        assert_eq!(sizes(&shards), [4, 4, 2]);
        let huge = [file(1000), file(BATCH_BYTES * 2), file(1000)];
        assert_eq!(sizes(&huge), [1, 1, 1]);
    }
}

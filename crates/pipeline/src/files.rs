//! Indexing a few named files at once, without walking the corpus: the server's write path.
//!
//! A [`FileWriter`] holds the index's writer lock for as long as it lives (so a concurrent
//! `minga index` is told the index is locked, and vice versa). Its caller stores a file in
//! the corpus folder, hands the same bytes to [`FileWriter::put`] (which reads them exactly
//! as [`crate::sync`] would read the file) or removes a file and calls
//! [`FileWriter::remove`], and commits. The records it writes are those a full sync writes,
//! so a later `minga index` finds these files unchanged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minga_engine::{FileRecord, Indexer};
use minga_ingest::{FileOutcome, Format, Problem, Reader, SourceFile};

use crate::sync::{SyncError, SyncOptions, record};

/// An index open for writing beside its corpus folder, for updating named files.
#[derive(Debug)]
pub struct FileWriter {
    corpus: PathBuf,
    reader: Reader,
    indexer: Indexer,
    dirty: bool,
    /// A new index: the data files it is read with are recorded with its first file, as
    /// `sync` records them, so a later sync finds nothing to re-read.
    fresh: bool,
}

impl FileWriter {
    /// Opens the index in `index_dir` for writing (creating it if the folder is missing or
    /// empty) with a reader of the corpus in `corpus`. Fails with
    /// [`minga_engine::Error::Locked`] (inside [`SyncError::Index`]) while another writer
    /// holds the index. `options.rebuild` is ignored: this only ever updates.
    pub fn open(
        corpus: &Path,
        index_dir: &Path,
        options: &SyncOptions,
    ) -> Result<FileWriter, SyncError> {
        let reader = Reader::new(corpus, options.read)?;
        let mut writer_options = options.writer.clone();
        writer_options.rebuild = false;
        let indexer = Indexer::open(index_dir, &writer_options)?;
        Ok(FileWriter {
            corpus: corpus.to_path_buf(),
            reader,
            fresh: indexer.files().is_empty(),
            indexer,
            dirty: false,
        })
    }

    /// The files the index holds, by path relative to the corpus.
    pub fn files(&self) -> &BTreeMap<String, FileRecord> {
        self.indexer.files()
    }

    /// The file (relative to the corpus) whose documents include `id`, if any.
    pub fn owner(&self, id: &str) -> Option<&str> {
        self.indexer.owner(id)
    }

    /// Reads `bytes` as the content of the corpus file `rel` would be read, without
    /// indexing anything: to check a file before storing it.
    pub fn read(&self, rel: &str, bytes: &[u8]) -> FileOutcome {
        self.reader.read(rel, bytes)
    }

    /// Whether `outcome` gives any passage to index: a record whose title and text hold no
    /// word gives none.
    pub fn has_passages(&self, outcome: &FileOutcome) -> bool {
        outcome
            .documents
            .iter()
            .any(|d| !self.reader.passages(d).is_empty())
    }

    /// Indexes `outcome` (what [`FileWriter::read`] gave for `bytes`) as the content of the
    /// corpus file `rel`, which the caller has stored: its size and modification time are
    /// read from the disk. Replaces whatever the index held for `rel`. Returns the problems
    /// of the file, those the index added (a duplicate id) included.
    pub fn put(
        &mut self,
        rel: &str,
        bytes: &[u8],
        outcome: FileOutcome,
    ) -> Result<Vec<Problem>, SyncError> {
        let path = self.corpus.join(rel);
        let metadata = std::fs::metadata(&path).map_err(|source| {
            SyncError::Corpus(minga_ingest::Error::Io {
                path: path.clone(),
                source,
            })
        })?;
        let file = SourceFile {
            format: Format::from_path(rel).unwrap_or(Format::Text),
            rel: rel.to_string(),
            size: metadata.len(),
            modified: metadata.modified().ok(),
            path,
        };
        let hash = blake3::hash(bytes).to_hex().to_string();
        let all: Vec<_> = outcome
            .documents
            .iter()
            .flat_map(|d| self.reader.passages(d))
            .collect();
        let ids: Vec<String> = outcome.documents.iter().map(|d| d.id.clone()).collect();
        let mut problems = outcome.problems;
        if std::mem::take(&mut self.fresh) {
            for name in minga_core::DATA_FILES {
                self.indexer
                    .put(crate::sync::data_record(&self.corpus, name), &[])?;
            }
        }
        let notes = self
            .indexer
            .put(record(&file, hash, ids, &problems), &all)?;
        problems.extend(
            notes
                .into_iter()
                .map(|note| Problem::skipped(rel, note.message)),
        );
        self.dirty = true;
        Ok(problems)
    }

    /// Removes what the index holds for the corpus file `rel` (which the caller has
    /// deleted); the ids of the documents it held.
    pub fn remove(&mut self, rel: &str) -> Vec<String> {
        let documents = self
            .indexer
            .files()
            .get(rel)
            .map(|r| r.documents.to_vec())
            .unwrap_or_default();
        if self.indexer.files().contains_key(rel) {
            self.indexer.remove(rel);
            self.dirty = true;
        }
        documents
    }

    /// Commits what was put and removed, durably and atomically; a no-op when nothing was.
    pub fn commit(&mut self) -> Result<(), SyncError> {
        if self.dirty {
            self.indexer.commit()?;
            self.dirty = false;
        }
        Ok(())
    }

    /// Releases the writer lock, after background merges finish. What was not committed is
    /// dropped.
    pub fn finish(self) -> Result<(), SyncError> {
        self.indexer.finish()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("corpus/api")).unwrap();
        dir
    }

    #[test]
    fn put_remove_and_a_later_sync_agree() {
        let dir = corpus();
        let corpus = dir.path().join("corpus");
        let index = dir.path().join("index");
        let rel = "api/a.json";
        let bytes = br#"{"id":"rec-a","title":"Uno","text":"agua potable rural","lang":"es"}"#;
        std::fs::write(corpus.join(rel), bytes).unwrap();

        let mut writer = FileWriter::open(&corpus, &index, &SyncOptions::default()).unwrap();
        let outcome = writer.read(rel, bytes);
        assert_eq!(outcome.documents.len(), 1);
        let problems = writer.put(rel, bytes, outcome).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(writer.owner("rec-a"), Some(rel));
        writer.commit().unwrap();
        writer.finish().unwrap();

        // A full sync sees the file as indexed already.
        let summary = crate::sync(&corpus, &index, &SyncOptions::default(), &()).unwrap();
        assert_eq!((summary.unchanged, summary.read), (1, 0), "{summary:?}");
        assert!(!summary.committed);

        let mut writer = FileWriter::open(&corpus, &index, &SyncOptions::default()).unwrap();
        std::fs::remove_file(corpus.join(rel)).unwrap();
        assert_eq!(writer.remove(rel), ["rec-a"]);
        assert_eq!(writer.owner("rec-a"), None);
        writer.commit().unwrap();
        writer.finish().unwrap();
        let summary = crate::sync(&corpus, &index, &SyncOptions::default(), &()).unwrap();
        assert_eq!((summary.files, summary.total_documents), (0, 0));
    }

    #[test]
    fn a_second_writer_is_told_the_index_is_locked() {
        let dir = corpus();
        let corpus = dir.path().join("corpus");
        let index = dir.path().join("index");
        let first = FileWriter::open(&corpus, &index, &SyncOptions::default()).unwrap();
        let second = FileWriter::open(&corpus, &index, &SyncOptions::default());
        assert!(
            matches!(
                second,
                Err(SyncError::Index(minga_engine::Error::Locked { .. }))
            ),
            "{second:?}"
        );
        first.finish().unwrap();
        FileWriter::open(&corpus, &index, &SyncOptions::default())
            .unwrap()
            .finish()
            .unwrap();
    }
}

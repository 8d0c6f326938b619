//! Collectors of our own.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// A hasher for keys that are already hashes (`parent_key`): the key is its own hash.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

pub(crate) type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// Hands `inner` the matches that count as hits when copies are not folded, so facets and
/// totals count what a reader pages through: one passage per document (per `parent_key`)
/// when results are grouped by document, its best-scoring one; every passage when not.
/// (Folded copies are counted over the ranked hits themselves: see `Engine::every_hit`.)
///
/// A document's passages are indexed in one batch, so they sit together in one segment:
/// telling documents apart within a segment is enough.
pub(crate) struct Counted<C> {
    inner: C,
    per_document: bool,
}

impl<C> Counted<C> {
    pub(crate) fn new(inner: C, per_document: bool) -> Counted<C> {
        Counted {
            inner,
            per_document,
        }
    }
}

pub(crate) struct CountedSegment<S> {
    inner: S,
    /// `parent_key`, when documents are counted.
    keys: Option<Column<u64>>,
    /// The documents decided in the segment.
    documents: KeyMap<()>,
    /// The document being read: its passages come one after another, and it is counted with
    /// its best-scoring one, as a hit is shown with its best passage.
    open: Option<u64>,
    /// The open document's best passage so far, with its score.
    best: (DocId, Score),
    /// Hits met: documents, or passages.
    hits: usize,
}

impl<S: SegmentCollector> CountedSegment<S> {
    /// Counts the open document, with its best passage.
    fn close(&mut self) {
        let Some(key) = self.open.take() else {
            return;
        };
        self.documents.insert(key, ());
        self.hits += 1;
        let (doc, score) = self.best;
        self.inner.collect(doc, score);
    }
}

/// What `Counted` hands on: its inner collector's fruit, and how many hits it met.
impl<C: Collector> Collector for Counted<C> {
    type Fruit = (C::Fruit, usize);
    type Child = CountedSegment<C::Child>;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let keys = if self.per_document {
            Some(reader.fast_fields().u64("parent_key")?)
        } else {
            None
        };
        Ok(CountedSegment {
            inner: self.inner.for_segment(segment, reader)?,
            keys,
            documents: KeyMap::default(),
            open: None,
            best: (0, 0.0),
            hits: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<Self::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        let hits = fruits.iter().map(|(_, hits)| hits).sum();
        let fruits = fruits.into_iter().map(|(fruit, _)| fruit).collect();
        Ok((self.inner.merge_fruits(fruits)?, hits))
    }
}

impl<S: SegmentCollector> SegmentCollector for CountedSegment<S> {
    type Fruit = (S::Fruit, usize);

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(key) = self.keys.as_ref().and_then(|keys| keys.first(doc)) else {
            // Passages are hits.
            self.hits += 1;
            self.inner.collect(doc, score);
            return;
        };
        if self.open == Some(key) {
            if score > self.best.1 {
                self.best = (doc, score);
            }
            return;
        }
        self.close();
        // A document counted before, met again out of order.
        if self.documents.contains_key(&key) {
            return;
        }
        self.open = Some(key);
        self.best = (doc, score);
    }

    fn harvest(mut self) -> Self::Fruit {
        self.close();
        (self.inner.harvest(), self.hits)
    }
}

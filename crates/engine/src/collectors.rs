//! Collectors of our own.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::copies::Met;

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

/// Mixed into a work key before it is met with the clusters, so the two never collide.
const WORK: u64 = 0x9e37_79b9_7f4a_7c15;

pub(crate) type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// Hands `inner` the matches that count as hits, so facets and totals count what a reader
/// pages through: one passage per document (per `parent_key`) when results are grouped by
/// document, and, when copies are folded, no passage (or document) whose passage copies one
/// counted before it (`copies::Met`, the rule the ranked hits are folded by); every passage
/// when neither.
///
/// A document's passages are indexed in one batch, so they sit together in one segment:
/// telling documents apart within a segment is enough. Copies are not: the clusters met pass
/// from one segment to the next (segments are searched one after another).
pub(crate) struct Counted<C> {
    inner: C,
    per_document: bool,
    /// The clusters of the passages met so far; `None` when copies count.
    met: Option<Arc<Mutex<Met<()>>>>,
}

impl<C> Counted<C> {
    pub(crate) fn new(inner: C, per_document: bool, fold_copies: bool) -> Counted<C> {
        Counted {
            inner,
            per_document,
            met: fold_copies.then(|| Arc::new(Mutex::new(Met::default()))),
        }
    }
}

pub(crate) struct CountedSegment<S> {
    inner: S,
    /// `parent_key`, when documents are counted.
    keys: Option<Column<u64>>,
    /// Whether each document decided in the segment was counted.
    documents: KeyMap<bool>,
    /// The document being read: its passages come one after another, and it is decided by
    /// its best-scoring one, as a hit is by its best passage.
    open: Option<u64>,
    /// The open document's passages: each with its score and its clusters' span in
    /// `clusters`.
    passages: Vec<(DocId, Score, usize, usize)>,
    clusters: Vec<u64>,
    /// Hits met, counted or not: documents, or passages.
    hits: usize,
    /// The clusters, when copies are folded.
    copies: Option<SegmentCopies>,
}

/// A segment's `cluster` column (and `work`, when documents are counted), and the clusters
/// and works met, taken for the segment from `shared`, where they are put back when it is
/// done.
pub(crate) struct SegmentCopies {
    column: Column<u64>,
    works: Option<Column<u64>>,
    met: Met<()>,
    shared: Arc<Mutex<Met<()>>>,
}

impl<S: SegmentCollector> CountedSegment<S> {
    /// Appends `doc`'s clusters to `clusters` (none when copies count), returns their span.
    fn read_clusters(&mut self, doc: DocId) -> (usize, usize) {
        let start = self.clusters.len();
        if let Some(copies) = &self.copies {
            self.clusters.extend(copies.column.values_for_doc(doc));
        }
        (start, self.clusters.len())
    }

    /// Decides the open document: counted unless its best passage copies one met before.
    fn close(&mut self) {
        let Some(key) = self.open.take() else {
            return;
        };
        let mut best = 0;
        for (i, passage) in self.passages.iter().enumerate() {
            if passage.1 > self.passages[best].1 {
                best = i;
            }
        }
        let (doc, score, start, end) = self.passages[best];
        let counted = match &mut self.copies {
            Some(SegmentCopies { met, works, .. }) => {
                // Another edition of a work met before is a copy of it, whatever its text.
                let edition = works
                    .as_ref()
                    .and_then(|works| works.first(doc))
                    .is_some_and(|work| met.meet_is_copy(&[work ^ WORK], ()));
                let copy = met.meet_is_copy(&self.clusters[start..end], ()) || edition;
                if !copy {
                    for &(_, _, start, end) in &self.passages {
                        met.meet(&self.clusters[start..end], ());
                    }
                }
                !copy
            }
            None => true,
        };
        self.documents.insert(key, counted);
        self.hits += 1;
        if counted {
            self.inner.collect(doc, score);
        }
        self.passages.clear();
        self.clusters.clear();
    }
}

/// What `Counted` hands on: its inner collector's fruit, and how many hits it met, copies
/// included.
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
        let copies = match &self.met {
            Some(shared) => {
                let met = std::mem::take(&mut *shared.lock().unwrap_or_else(|e| e.into_inner()));
                Some(SegmentCopies {
                    column: reader.fast_fields().u64("cluster")?,
                    works: if self.per_document {
                        Some(reader.fast_fields().u64("work")?)
                    } else {
                        None
                    },
                    met,
                    shared: Arc::clone(shared),
                })
            }
            None => None,
        };
        Ok(CountedSegment {
            inner: self.inner.for_segment(segment, reader)?,
            keys,
            documents: KeyMap::default(),
            open: None,
            passages: Vec::new(),
            clusters: Vec::new(),
            hits: 0,
            copies,
        })
    }

    fn requires_scoring(&self) -> bool {
        // A document is decided by its best passage when copies are folded.
        self.inner.requires_scoring() || (self.per_document && self.met.is_some())
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
            let (start, end) = self.read_clusters(doc);
            let copy = match &mut self.copies {
                Some(SegmentCopies { met, .. }) => met.meet_is_copy(&self.clusters[start..end], ()),
                None => false,
            };
            self.clusters.clear();
            if !copy {
                self.inner.collect(doc, score);
            }
            return;
        };
        if self.open != Some(key) {
            self.close();
            // A document decided before, met again out of order: a later copy of one of
            // its passages copies it.
            if let Some(&counted) = self.documents.get(&key) {
                let (start, end) = self.read_clusters(doc);
                if let (true, Some(SegmentCopies { met, .. })) = (counted, &mut self.copies) {
                    met.meet(&self.clusters[start..end], ());
                }
                self.clusters.clear();
                return;
            }
            self.open = Some(key);
        }
        let (start, end) = self.read_clusters(doc);
        self.passages.push((doc, score, start, end));
    }

    fn harvest(mut self) -> Self::Fruit {
        self.close();
        // The segment's clusters go back for the next segment to take.
        if let Some(SegmentCopies { met, shared, .. }) = self.copies {
            *shared.lock().unwrap_or_else(|e| e.into_inner()) = met;
        }
        (self.inner.harvest(), self.hits)
    }
}

//! Collectors of our own.

use std::collections::HashSet;
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

type KeySet = HashSet<u64, BuildHasherDefault<KeyHasher>>;

/// Hands `inner` one matching passage per document (per `parent_key`), so what it counts are
/// documents, as grouped results are; or every passage, when `per_document` is false.
///
/// A document's passages are indexed in one batch, so they sit together in one segment:
/// deduplicating within a segment is enough.
pub(crate) struct PerDocument<C> {
    pub inner: C,
    pub per_document: bool,
}

pub(crate) struct PerDocumentSegment<S> {
    inner: S,
    /// `None` when every passage is passed on.
    keys: Option<Column<u64>>,
    seen: KeySet,
    last: Option<u64>,
}

impl<C: Collector> Collector for PerDocument<C> {
    type Fruit = C::Fruit;
    type Child = PerDocumentSegment<C::Child>;

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
        Ok(PerDocumentSegment {
            inner: self.inner.for_segment(segment, reader)?,
            keys,
            seen: KeySet::default(),
            last: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<Self::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<C::Fruit> {
        self.inner.merge_fruits(fruits)
    }
}

impl<S: SegmentCollector> SegmentCollector for PerDocumentSegment<S> {
    type Fruit = S::Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(keys) = &self.keys {
            let key = keys.first(doc);
            let repeat = key == self.last;
            self.last = key;
            // The same document as the passage before, or one met earlier in the segment.
            if let Some(key) = key
                && (repeat || !self.seen.insert(key))
            {
                return;
            }
        }
        self.inner.collect(doc, score);
    }

    fn harvest(self) -> S::Fruit {
        self.inner.harvest()
    }
}

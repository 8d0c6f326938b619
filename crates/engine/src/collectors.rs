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

/// Counts the distinct documents among the matching passages, by their `parent_key`.
pub(crate) struct DistinctParents;

pub(crate) struct DistinctParentsSegment {
    keys: Column<u64>,
    seen: KeySet,
    /// The key of the last passage collected: a document's passages are indexed one after
    /// the other, so most passages repeat the key before them.
    last: Option<u64>,
}

impl Collector for DistinctParents {
    type Fruit = usize;
    type Child = DistinctParentsSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<DistinctParentsSegment> {
        Ok(DistinctParentsSegment {
            keys: reader.fast_fields().u64("parent_key")?,
            seen: KeySet::default(),
            last: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<KeySet>) -> tantivy::Result<usize> {
        let mut all = KeySet::default();
        for segment in segments {
            all.extend(segment);
        }
        Ok(all.len())
    }
}

impl SegmentCollector for DistinctParentsSegment {
    type Fruit = KeySet;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let key = self.keys.first(doc);
        if key.is_some() && key != self.last {
            self.last = key;
            self.seen.extend(key);
        }
    }

    fn harvest(self) -> KeySet {
        self.seen
    }
}

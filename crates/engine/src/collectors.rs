//! Collectors of our own.

use std::collections::HashSet;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts the distinct documents among the matching passages, by their `parent_key`.
pub(crate) struct DistinctParents;

pub(crate) struct DistinctParentsSegment {
    keys: Column<u64>,
    seen: HashSet<u64>,
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
            seen: HashSet::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<HashSet<u64>>) -> tantivy::Result<usize> {
        let mut all = HashSet::new();
        for segment in segments {
            all.extend(segment);
        }
        Ok(all.len())
    }
}

impl SegmentCollector for DistinctParentsSegment {
    type Fruit = HashSet<u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(key) = self.keys.first(doc) {
            self.seen.insert(key);
        }
    }

    fn harvest(self) -> HashSet<u64> {
        self.seen
    }
}

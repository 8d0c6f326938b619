//! Semantic re-ranking: the lexical ranking's first candidates blended with how close each
//! passage's embedding is to the query's (issue: meaning, not only words).
//!
//! Passages are embedded at index time when the indexer is given a model
//! ([`crate::IndexerOptions::model`]); their vectors are a fast bytes column (`vector`), one
//! signed byte per dimension followed by the 8-byte key of what was embedded ([`text_key`]),
//! written in the same commit as the passage and deleted with it. A file indexed again keeps
//! the vectors of its passages whose key did not change (the same text, the same model).
//! Vectors written before keys were (an index of stop 40) have none, and are used as they
//! are.
//! At query time the query is embedded once (and remembered), the first [`DEPTH`] ranked
//! passages read their vectors, and each gets `α·dense + (1 − α)·lexical`, both min-max
//! normalised over those candidates, above every passage not re-ranked.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use minga_semantic::{Model, Role};
use tantivy::columnar::BytesColumn;
use tantivy::{DocAddress, DocId, Searcher};

/// Passages re-ranked per search: the lexical ranking's first ones.
pub const DEPTH: usize = 100;
/// Weight of the dense similarity in the blend.
pub const ALPHA: f32 = 0.5;
/// How much of the lexical score breaks a tie of the blend.
const TIE_BREAK: f32 = 1e-4;
/// Query vectors remembered.
const QUERY_VECTORS: usize = 1024;

/// A passage's vector as stored: each unit-vector component scaled so the largest is ±127.
pub fn encode(vector: &[f32]) -> Vec<u8> {
    let max = vector.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-12);
    vector
        .iter()
        .map(|v| ((v / max * 127.0).round().clamp(-127.0, 127.0) as i8) as u8)
        .collect()
}

/// The bytes stored for a passage: its vector ([`encode`]) and the key of its text.
pub fn stored(vector: &[f32], key: u64) -> Vec<u8> {
    let mut bytes = encode(vector);
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes
}

/// What a passage's vector depends on: the model's fingerprint and the text embedded.
pub fn text_key(model: &Model, text: &str) -> u64 {
    crate::schema::fnv(text.bytes(), model.fingerprint())
}

/// The key of a stored vector, if it was written with one ([`stored`]).
pub fn stored_key(bytes: &[u8], dim: usize) -> Option<u64> {
    let key = bytes.get(dim..)?;
    Some(u64::from_le_bytes(key.try_into().ok()?))
}

/// The cosine of a query vector (unit length) with a stored vector (with or without its
/// key).
pub fn similarity(query: &[f32], stored: &[u8]) -> Option<f32> {
    let stored = match stored.len().checked_sub(query.len()) {
        Some(0) => stored,
        Some(8) => &stored[..query.len()],
        _ => return None,
    };
    let (mut dot, mut norm) = (0f32, 0f32);
    for (q, &s) in query.iter().zip(stored) {
        let s = s as i8 as f32;
        dot += q * s;
        norm += s * s;
    }
    (norm > 0.0).then(|| dot / norm.sqrt())
}

/// The model a search engine re-ranks with, and the query vectors it has computed.
pub struct Semantic {
    model: Arc<Model>,
    queries: Mutex<lru::LruCache<String, Arc<Vec<f32>>>>,
}

impl Semantic {
    pub fn new(model: Arc<Model>) -> Semantic {
        Semantic {
            model,
            queries: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(QUERY_VECTORS).expect("nonzero"),
            )),
        }
    }

    /// The query's vector, computed once per text.
    pub fn query(&self, text: &str) -> Arc<Vec<f32>> {
        if let Some(v) = self
            .queries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(text)
        {
            return Arc::clone(v);
        }
        let v = Arc::new(self.model.embed(text, Role::Query));
        self.queries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .put(text.to_owned(), Arc::clone(&v));
        v
    }

    /// New scores for `candidates` (lexical scores, any order): `ceiling + 1 + blend`, so
    /// that they rank above every passage scoring at most `ceiling` that was not re-ranked.
    /// `None` when no candidate has a vector (an index built without the model).
    pub fn rescore(
        &self,
        searcher: &Searcher,
        query: &str,
        candidates: &[(f32, DocAddress)],
        ceiling: f32,
    ) -> tantivy::Result<Option<Vec<f32>>> {
        if candidates.is_empty() {
            return Ok(None);
        }
        let q = self.query(query);
        let similarities = similarities(searcher, &q, candidates.iter().map(|r| r.1))?;
        if similarities.iter().all(Option::is_none) {
            return Ok(None);
        }
        let lexical: Vec<f32> = candidates.iter().map(|r| r.0).collect();
        let base = ceiling + 1.0;
        Ok(Some(
            blend(&lexical, &similarities)
                .into_iter()
                .map(|b| base + b)
                .collect(),
        ))
    }

    /// Re-ranks the first [`DEPTH`] of `ranked` (best first, lexical scores) by the blend;
    /// they stay above the rest. False when nothing was re-ranked.
    pub fn rerank(
        &self,
        searcher: &Searcher,
        query: &str,
        ranked: &mut [(f32, DocAddress)],
    ) -> tantivy::Result<bool> {
        let depth = ranked.len().min(DEPTH);
        let ceiling = ranked.first().map_or(0.0, |r| r.0);
        let Some(scores) = self.rescore(searcher, query, &ranked[..depth], ceiling)? else {
            return Ok(false);
        };
        for (r, s) in ranked[..depth].iter_mut().zip(scores) {
            r.0 = s;
        }
        ranked[..depth].sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(true)
    }
}

/// Each address's similarity to the query, `None` for a passage without a vector.
pub fn similarities(
    searcher: &Searcher,
    query: &[f32],
    addresses: impl Iterator<Item = DocAddress>,
) -> tantivy::Result<Vec<Option<f32>>> {
    let mut out = Vec::new();
    each_stored(searcher, addresses, |stored| {
        out.push(stored.and_then(|bytes| similarity(query, bytes)));
        true
    })?;
    Ok(out)
}

/// Calls `each` with the stored vector of each address in turn (`None` for a passage without
/// one), opening each segment's `vector` column once; stops when `each` returns false.
pub fn each_stored(
    searcher: &Searcher,
    addresses: impl IntoIterator<Item = DocAddress>,
    mut each: impl FnMut(Option<&[u8]>) -> bool,
) -> tantivy::Result<()> {
    let mut columns: Vec<Option<Option<BytesColumn>>> =
        vec![None; searcher.segment_readers().len()];
    let mut bytes = Vec::new();
    for address in addresses {
        let column = match &mut columns[address.segment_ord as usize] {
            Some(c) => c,
            slot @ None => slot.insert(
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .bytes("vector")?,
            ),
        };
        let found = match column {
            Some(column) => read_stored(column, address.doc_id, &mut bytes)?,
            None => false,
        };
        if !each(found.then_some(bytes.as_slice())) {
            break;
        }
    }
    Ok(())
}

/// Reads the stored vector of `doc` from its segment's `vector` column into `bytes`; false
/// when the passage has none.
fn read_stored(column: &BytesColumn, doc: DocId, bytes: &mut Vec<u8>) -> std::io::Result<bool> {
    let Some(ord) = column.term_ords(doc).next() else {
        return Ok(false);
    };
    bytes.clear();
    column.ord_to_bytes(ord, bytes)?;
    Ok(true)
}

/// α·dense + (1 − α)·lexical, each min-max normalised over the candidates; a candidate
/// without a vector counts as the least similar.
pub fn blend(lexical: &[f32], dense: &[Option<f32>]) -> Vec<f32> {
    let span = |values: &mut dyn Iterator<Item = f32>| {
        values.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
    };
    let (llo, lhi) = span(&mut lexical.iter().copied());
    let (dlo, dhi) = span(&mut dense.iter().flatten().copied());
    let norm = |v: f32, lo: f32, hi: f32| if hi > lo { (v - lo) / (hi - lo) } else { 1.0 };
    lexical
        .iter()
        .zip(dense)
        .map(|(&l, d)| {
            let d = d.map_or(0.0, |d| norm(d, dlo, dhi));
            let l = norm(l, llo, lhi);
            // Two candidates that disagree tie at α = 0.5: the lexical order decides then.
            ALPHA * d + (1.0 - ALPHA) * l + TIE_BREAK * l
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_vector_keeps_its_direction() {
        let v: Vec<f32> = (0..384)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 400.0)
            .collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        let unit: Vec<f32> = v.iter().map(|x| x / n).collect();
        let s = similarity(&unit, &encode(&unit)).unwrap();
        assert!(s > 0.999, "{s}");
        assert_eq!(similarity(&unit, &[1, 2, 3]), None);
        // With the key of its text after it, the same; a vector written without one has none.
        let key = 0x0123_4567_89ab_cdef;
        let with_key = stored(&unit, key);
        assert_eq!(with_key.len(), 384 + 8);
        assert_eq!(similarity(&unit, &with_key), Some(s));
        assert_eq!(stored_key(&with_key, 384), Some(key));
        assert_eq!(stored_key(&encode(&unit), 384), None);
    }

    #[test]
    fn the_blend_weighs_both_and_missing_vectors_rank_last() {
        let b = blend(&[10.0, 8.0, 6.0], &[Some(0.2), Some(0.9), None]);
        assert_eq!(b[0], (1.0 - ALPHA + TIE_BREAK) * 1.0);
        assert_eq!(b[1], ALPHA + (1.0 - ALPHA + TIE_BREAK) * 0.5);
        assert_eq!(b[2], 0.0);
        // Two candidates that disagree: the lexical order stands.
        let b = blend(&[2.0, 1.0], &[Some(0.7), Some(0.9)]);
        assert!(b[0] > b[1]);
    }
}

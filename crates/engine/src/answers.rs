//! Answers remembered: a search asked again, word for word, with the same filters, page and
//! facets, is answered from memory while the index has not changed. And rankings remembered:
//! another page of a search that folds copies (which ranks and folds every match, see
//! `Engine::every_hit`) costs the hits of that page, not the search again.
//!
//! The key is the whole request as parsed (its JSON form; for a ranking, without its page),
//! so two requests that differ in anything the answer depends on never share an entry. Every
//! entry belongs to one generation of the index (one set of committed segments, see
//! `Engine::generation_key`); the first search that sees another, after any commit, drops
//! them all, and an answer found while the index changed is not kept. The memory is bounded
//! by the size of what is held (an answer as JSON, a ranking by its hits): least recently
//! used entries go first.

use std::io;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::request::{SearchRequest, SearchResponse};

/// Answers remembered, within a number of bytes.
pub(crate) type Answers = Remembered<SearchResponse>;

/// Values remembered for one generation of the index, within `capacity` bytes (none when it
/// is 0).
pub(crate) struct Remembered<V> {
    capacity: usize,
    held: Mutex<Held<V>>,
}

struct Held<V> {
    /// The index generation the values were found on, once one is.
    generation: Option<u64>,
    values: LruCache<String, (Arc<V>, usize)>,
    bytes: usize,
}

impl<V> Remembered<V> {
    pub(crate) fn new(capacity: usize) -> Remembered<V> {
        Remembered {
            capacity,
            held: Mutex::new(Held {
                generation: None,
                values: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }

    /// What a request is remembered by; `None` when nothing is remembered.
    pub(crate) fn key(&self, request: &SearchRequest) -> Option<String> {
        (self.capacity > 0)
            .then(|| serde_json::to_string(request).ok())
            .flatten()
    }

    /// The value found for `key` on `generation`, if it is remembered.
    pub(crate) fn get(&self, key: &str, generation: u64) -> Option<Arc<V>> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.renew(generation);
        held.values.get(key).map(|(value, _)| Arc::clone(value))
    }

    /// Remembers `value`, found for `key` on `generation` and taking `size` bytes, forgetting
    /// the least recently used values to make room. A value larger than a quarter of the room
    /// is not kept.
    pub(crate) fn keep(&self, key: String, generation: u64, value: Arc<V>, size: usize) {
        let size = size + key.len();
        if size > self.capacity / 4 {
            return;
        }
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        match held.generation {
            // The index changed while it was searched: the value is already stale.
            Some(seen) if seen != generation => return,
            Some(_) => {}
            None => held.generation = Some(generation),
        }
        if let Some((_, replaced)) = held.values.put(key, (value, size)) {
            held.bytes -= replaced;
        }
        held.bytes += size;
        while held.bytes > self.capacity {
            match held.values.pop_lru() {
                Some((_, (_, freed))) => held.bytes -= freed,
                None => break,
            }
        }
    }
}

impl Answers {
    /// Remembers the answer to `key`, given on `generation` (see `keep`); its size is that of
    /// its JSON.
    pub(crate) fn put(&self, key: String, generation: u64, answer: &SearchResponse) {
        let mut size = Size(0);
        if serde_json::to_writer(&mut size, answer).is_ok() && size.0 <= self.capacity / 4 {
            self.keep(key, generation, Arc::new(answer.clone()), size.0);
        }
    }
}

impl<V> Held<V> {
    /// Forgets every value when the index has changed since they were found.
    fn renew(&mut self, generation: u64) {
        if self.generation != Some(generation) {
            self.values.clear();
            self.bytes = 0;
            self.generation = Some(generation);
        }
    }
}

/// Counts the bytes written to it.
struct Size(usize);

impl io::Write for Size {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(query: &str) -> SearchResponse {
        serde_json::from_value(serde_json::json!({
            "query": query, "parsed": query, "expanded": [], "hits": [], "total": 3,
            "copies": 0, "total_passages": 3, "facets": {}, "took_ms": 1.0,
            "offset": 0, "limit": 20
        }))
        .unwrap()
    }

    #[test]
    fn an_answer_is_remembered_until_the_index_changes() {
        let answers = Answers::new(1 << 20);
        let key = answers.key(&SearchRequest::new("agua")).unwrap();
        assert!(answers.get(&key, 1).is_none());
        answers.put(key.clone(), 1, &answer("agua"));
        assert_eq!(answers.get(&key, 1).unwrap().query, "agua");
        // Another page of the same query is another answer.
        let next = SearchRequest {
            offset: 20,
            ..SearchRequest::new("agua")
        };
        assert!(answers.get(&answers.key(&next).unwrap(), 1).is_none());
        // A commit: forgotten, and an answer from before it is not taken.
        assert!(answers.get(&key, 2).is_none());
        answers.put(key.clone(), 1, &answer("agua"));
        assert!(answers.get(&key, 2).is_none());
    }

    #[test]
    fn memory_is_bounded_and_the_least_recently_used_go_first() {
        let one = {
            let mut size = Size(0);
            serde_json::to_writer(&mut size, &answer("q00")).unwrap();
            size.0
        };
        let key = |i: usize| format!("{{\"query\":\"q{i:02}\"}}");
        let answers = Answers::new((one + key(0).len()) * 4);
        for i in 0..4 {
            answers.put(key(i), 1, &answer(&format!("q{i:02}")));
        }
        assert!(answers.get(&key(0), 1).is_some());
        answers.put(key(4), 1, &answer("q04"));
        // q01 was the least recently used: q00 was just read.
        assert!(answers.get(&key(1), 1).is_none());
        for i in [0, 2, 3, 4] {
            assert!(answers.get(&key(i), 1).is_some(), "q{i:02}");
        }
        let held = answers.held.lock().unwrap();
        assert!(held.bytes <= answers.capacity, "{} bytes", held.bytes);
    }

    #[test]
    fn no_room_remembers_nothing() {
        let answers = Answers::new(0);
        assert!(answers.key(&SearchRequest::new("agua")).is_none());
    }
}

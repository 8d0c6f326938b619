//! BM25 statistics that treat each language as its own collection.
//!
//! Each language's passages are indexed in its own stemmed fields. Tantivy's BM25 takes
//! the number of documents and the average field length over the whole index, so a language
//! that holds 20% of the passages would see its average length divided by five (every other
//! passage counting as empty) and its words' rarity overstated: its passages would be
//! penalised for length and its matches mis-weighted against the other language's. This
//! provider gives each language's fields the statistics of that language's passages alone.

use std::collections::HashMap;

use minga_core::Lang;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Facet, Field};
use tantivy::{Searcher, Term};

use crate::schema::Fields;

/// BM25 statistics per language over a searcher.
pub(crate) struct LanguageStatistics<'a> {
    searcher: &'a Searcher,
    total_docs: u64,
    /// Stemmed field → passages of its language.
    language_docs: HashMap<Field, u64>,
}

impl<'a> LanguageStatistics<'a> {
    pub fn new(searcher: &'a Searcher, fields: &Fields) -> tantivy::Result<Self> {
        let total_docs = searcher
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.max_doc()))
            .sum();
        let mut language_docs = HashMap::new();
        for lang in Lang::ALL {
            let term = Term::from_facet(fields.lang, &Facet::from_path([lang.code()]));
            let docs = searcher.doc_freq(&term)?;
            if docs == 0 {
                continue;
            }
            for text in [&fields.title, &fields.heading, &fields.body] {
                // A language without a stemmer shares the exact field with all the others.
                if let Some(field) = text.stemmed(lang) {
                    language_docs.insert(field, docs);
                }
            }
        }
        Ok(LanguageStatistics {
            searcher,
            total_docs,
            language_docs,
        })
    }
}

impl Bm25StatisticsProvider for LanguageStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let tokens = self.searcher.total_num_tokens(field)?;
        Ok(match self.language_docs.get(&field) {
            // Scaled so that tokens / total documents is the language's average length.
            Some(&docs) => ((tokens as f64) * (self.total_docs as f64) / (docs as f64)) as u64,
            None => tokens,
        })
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.total_docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let df = self.searcher.doc_freq(term)?;
        let Some(&docs) = self.language_docs.get(&term.field()) else {
            return Ok(df);
        };
        if df == 0 {
            return Ok(0);
        }
        // The document frequency that, over all documents, gives the idf the term has among
        // its language's documents: idf = ln(1 + (N - df + 0.5) / (df + 0.5)).
        let ratio = (docs.saturating_sub(df) as f64 + 0.5) / (df as f64 + 0.5);
        let n = self.total_docs as f64;
        let scaled = (n + 0.5 - 0.5 * ratio) / (1.0 + ratio);
        Ok((scaled.round() as u64).clamp(1, self.total_docs))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn scaled_frequencies_give_the_language_idf() {
        let idf = |df: f64, n: f64| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        // 100 passages in the language, 500 in all, a word in 3 of them.
        let (docs, df, n): (f64, f64, f64) = (100.0, 3.0, 500.0);
        let ratio = (docs - df + 0.5) / (df + 0.5);
        let scaled = ((n + 0.5 - 0.5 * ratio) / (1.0 + ratio)).round();
        assert!((idf(scaled, n) - idf(df, docs)).abs() < 0.1, "{scaled}");
    }
}

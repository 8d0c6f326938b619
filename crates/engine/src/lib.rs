//! Minga's search engine: the index schema, the bilingual analyzers, the indexer, the query
//! language, ranking, filters, facets and snippets, on tantivy.
//!
//! It owns everything between passages ([`minga_core::Passage`]) and search results. It knows
//! nothing of file formats (that is `minga-ingest`), HTTP or the command line: no tokio, no
//! clap, no printing.

mod analysis;
mod answers;
mod collectors;
mod copies;
mod damage;
mod dictionary;
mod engine;
mod error;
pub mod eval;
mod expand;
mod indexer;
pub mod query;
mod ranking;
mod request;
mod schema;
pub mod semantic;
mod sketch;
mod snapshot;
mod snippet;
mod stats;
mod stopwords;
mod tables;

pub use analysis::{
    AnalyzedStream, AnalyzedTerm, Analyzer, AnalyzerTokenizer, MAX_TERM_BYTES, STEMMED,
};
pub use copies::{MAX_PENDING_PASSAGES, clustered_pairs};
pub use damage::{RecordCheck, VerifiedFiles, set_aside};
pub use engine::{DocumentView, Engine, Marks, Stats};
pub use error::{Error, Result};
pub use expand::{Expansion, Rule as ExpansionRule};
pub use indexer::{
    DEFAULT_WRITER_MEMORY, FileRecord, FileWrite, Indexer, IndexerOptions, Note, UNKNOWN_COUNTRY,
};
pub use ranking::Ranking;
pub use request::{
    DEFAULT_LIMIT, Duplicate, FacetCounts, FacetName, Filters, Hit, MAX_LIMIT, MAX_OFFSET,
    PassageSnippet, SearchRequest, SearchResponse, Sort,
};
pub use schema::{Fields, SCHEMA_VERSION};
pub use snapshot::{IndexCopy, copy_index};
pub use snippet::{SNIPPET_CHARS, Snippet};
pub use tables::Tables;

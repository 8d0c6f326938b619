//! What a search asks for and what it answers.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use minga_core::{Date, DateSource, Kind, Lang, SourceRef, TitleSource};
use serde::{Deserialize, Serialize};

use crate::expand::Expansion;

/// Hits a page holds unless asked otherwise.
pub const DEFAULT_LIMIT: usize = 20;
/// Most hits a page may hold.
pub const MAX_LIMIT: usize = 100;
/// Deepest a page may start; beyond it, narrow the search instead.
pub const MAX_OFFSET: usize = 10_000;

/// Metadata filters. Values of one filter are alternatives (region Cusco or Piura); different
/// filters must all hold (region Cusco and kind lesson).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    /// Regions or countries, by any name the gazetteer knows (`biobio`, `Perú/Cusco`, `Chile`).
    pub regions: Vec<String>,
    /// Institutions, by any name the directory knows (`CRDP`, `ARD Cusco`).
    pub institutions: Vec<String>,
    pub kinds: Vec<Kind>,
    pub langs: Vec<Lang>,
    pub topics: Vec<String>,
    pub years: Vec<i32>,
    /// First day of the date range, inclusive.
    pub from: Option<Date>,
    /// Last day of the date range, inclusive.
    pub to: Option<Date>,
}

impl Filters {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first; undated passages last.
    Date,
}

impl Sort {
    /// Every order, the default first.
    pub const ALL: [Sort; 2] = [Sort::Relevance, Sort::Date];

    /// The name the API and the command line take: `relevance` or `date`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Date => "date",
        }
    }
}

impl FromStr for Sort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "relevance" | "relevancia" => Ok(Sort::Relevance),
            "date" | "fecha" => Ok(Sort::Date),
            _ => Err(format!("unknown sort {s:?}: expected relevance or date")),
        }
    }
}

/// A facet that can be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetName {
    Country,
    /// Counted as `Country/Region`.
    Region,
    Institution,
    Kind,
    Lang,
    Year,
    Topic,
}

impl FacetName {
    /// Every facet, in the order filter menus show them.
    pub const ALL: [FacetName; 7] = [
        FacetName::Country,
        FacetName::Region,
        FacetName::Institution,
        FacetName::Kind,
        FacetName::Lang,
        FacetName::Year,
        FacetName::Topic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FacetName::Country => "country",
            FacetName::Region => "region",
            FacetName::Institution => "institution",
            FacetName::Kind => "kind",
            FacetName::Lang => "lang",
            FacetName::Year => "year",
            FacetName::Topic => "topic",
        }
    }
}

impl fmt::Display for FacetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FacetName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FacetName::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown facet {s:?}: expected one of country, region, institution, kind, \
                     lang, year, topic"
                )
            })
    }
}

/// A search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchRequest {
    /// The query, in the query language; empty matches everything the filters let through.
    pub query: String,
    pub filters: Filters,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Facets to count; each is counted under every filter but its own.
    pub facets: Vec<FacetName>,
    /// Expand the query with the glossary, the dictionary and typo tolerance.
    pub expand: bool,
    /// One hit per document (its best passage, the others counted), rather than one per
    /// passage.
    pub group: bool,
    /// One hit per text: a hit whose best passage is a copy of a better-ranked hit's (an
    /// edition of the same report, a lesson quoted in several places) is listed in that
    /// hit's `duplicates` instead of as a hit of its own.
    pub dedupe: bool,
    /// Made while the user types: the query's last word, unless a blank follows it, is the
    /// start of a word (matching the words that begin with it), not a word to translate or
    /// correct.
    pub typing: bool,
    /// Re-rank the first results by meaning when the engine has a model and the index holds
    /// its embeddings (`semantic=false` turns it off for one request).
    pub semantic: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            offset: 0,
            limit: DEFAULT_LIMIT,
            facets: Vec::new(),
            expand: true,
            group: true,
            dedupe: true,
            typing: false,
            semantic: true,
        }
    }
}

impl SearchRequest {
    /// A request for `query` with the defaults.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        }
    }
}

/// One hit: a passage with its document's metadata and a highlighted snippet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: String,
    /// The document the passage belongs to.
    pub parent: String,
    pub kind: Kind,
    /// The document's title.
    pub title: String,
    /// Where the title comes from (`text`: a label made of the text's opening words).
    #[serde(default, skip_serializing_if = "TitleSource::is_declared")]
    pub title_source: TitleSource,
    /// The section heading of the passage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub regions: Vec<String>,
    pub institutions: Vec<String>,
    /// The document's date, at the precision its source gives (`2024`, `2024-05`,
    /// `2024-05-24`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Where the date comes from: `metadata`, `text` (written in the document) or `file`
    /// (only the file's creation date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<DateSource>,
    pub lang: Lang,
    pub score: f32,
    /// HTML-escaped text with `<mark>` around the matched words.
    pub snippet: String,
    pub source: SourceRef,
    /// Passages of this document that matched (in grouped results; 1 otherwise).
    pub matches: usize,
    /// Snippets of the best matching passages of the document whose text has a query word,
    /// best first; the best passage's opening when none has (it matched on its title or
    /// heading alone).
    pub snippets: Vec<PassageSnippet>,
    /// Ids of the document's other matching passages, best first.
    pub other_passages: Vec<String>,
    /// The other places the hit's text appears among the results (copies and editions),
    /// best-ranked first; empty when the request asks for every copy (`dedupe: false`).
    #[serde(default)]
    pub duplicates: Vec<Duplicate>,
}

/// A copy of a hit's text elsewhere: another edition of the document, or the same lesson
/// quoted in another document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    /// The passage's id.
    pub id: String,
    /// The document it belongs to.
    pub parent: String,
    pub kind: Kind,
    /// The document's title.
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    pub source: SourceRef,
    /// The passage it copies: the hit's own, another of the hit's matching passages, or an
    /// earlier copy.
    pub copy_of: String,
}

/// A snippet of one passage, with where it sits in the passage text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageSnippet {
    /// The passage's id.
    pub passage: String,
    /// HTML-escaped text with `<mark>` around the matched words.
    pub html: String,
    /// Character offset where the extract starts in the passage text.
    pub start: usize,
    /// Character offset where the extract ends in the passage text.
    pub end: usize,
}

/// Counts per value of one facet.
pub type FacetCounts = BTreeMap<String, u64>;

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    /// The query as the user typed it.
    pub query: String,
    /// The query as understood, normalised (filters and operators written out).
    pub parsed: String,
    /// How the query was expanded: accents restored, acronyms and glossary terms, translations,
    /// typos. Empty when expansion is off.
    pub expanded: Vec<Expansion>,
    /// A corrected query to offer ("did you mean") when a word of the query is unknown to the
    /// index and close to a word it holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// The words of the query, as typed, that no passage of the index matches in any form
    /// or expansion (whatever the filters): "No results for: Tacna". Excluded words and
    /// stop words are never listed; a misspelt word is, beside its `suggestion`.
    #[serde(default)]
    pub unmatched: Vec<String>,
    pub hits: Vec<Hit>,
    /// Hits in all: documents when grouped, passages otherwise; a copy folded into the hit
    /// it copies is not counted, and neither is it in the facets.
    pub total: usize,
    /// Matches folded as copies of other hits: `total` plus `copies` is every matching
    /// document (grouped) or passage.
    pub copies: usize,
    /// Passages matching in all.
    pub total_passages: usize,
    /// Whether the first results were re-ranked by meaning (a model and embeddings).
    #[serde(default)]
    pub semantic: bool,
    /// Facet name → value → count, for the facets asked.
    pub facets: BTreeMap<String, FacetCounts>,
    pub took_ms: f64,
    pub offset: usize,
    pub limit: usize,
    /// Whether the answer was remembered from the same search asked before on the same
    /// index (not part of the JSON answer: the server says it in a header).
    #[serde(skip)]
    pub remembered: bool,
}

//! The brief itself: what it says, before it is rendered in any format. Serialised as is, it
//! is the JSON format.

use minga_core::{Date, DateSource, Kind, Lang, SourceRef};
use serde::{Deserialize, Serialize};

/// A brief: key lessons on a question, grouped by region and then institution, each quoted
/// with a numbered citation of the source a reader can check it in.
///
/// Build one with [`Brief::assemble`](crate::Brief::assemble); render it with
/// [`Format::render`](crate::Format::render). Rendering reads the lessons in their order,
/// opening a region or institution heading wherever the group changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Brief {
    pub title: String,
    /// The language of the labels and headings (the lessons keep their own).
    pub lang: Lang,
    pub scope: Scope,
    /// The lessons in reading order: by region, then institution, then rank.
    pub lessons: Vec<Lesson>,
    /// The sources cited, numbered from 1 in order of first citation.
    pub sources: Vec<Source>,
}

/// What the brief covers and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    /// The query as the user typed it (may be empty: every lesson the filters let through).
    pub query: String,
    /// The filters, as the user gave them.
    pub filters: Vec<Filter>,
    /// Which lessons were kept when more matched than the limit.
    pub order: Order,
    /// Most lessons the brief holds.
    pub limit: usize,
    /// Lessons that matched in all; the brief holds the best `limit` of them.
    pub matching: usize,
    pub corpus: Corpus,
    /// The day the brief was made, as the caller says (so that output is reproducible).
    pub generated: Date,
}

/// One filter of the search, e.g. region = Biobío.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub name: FilterName,
    pub value: String,
}

impl Filter {
    pub fn new(name: FilterName, value: impl Into<String>) -> Filter {
        Filter {
            name,
            value: value.into(),
        }
    }
}

/// What a filter restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterName {
    Region,
    Institution,
    /// The language of the documents.
    Lang,
    Topic,
    Year,
    /// Dated on or after.
    From,
    /// Dated on or before.
    To,
}

/// How the lessons were ranked before the best `limit` were kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first.
    Date,
}

/// The index the lessons were found in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Corpus {
    pub documents: usize,
    pub passages: usize,
}

/// A lesson, quoted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    /// The number of its source in [`Brief::sources`].
    pub citation: usize,
    /// The other sources that hold the same lesson (editions, registers quoting it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Citation>,
    /// The lesson's passage id (`doc:l2`, or a lesson record's own id).
    pub id: String,
    /// Its short title: the heading it sits under, or a lesson record's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The lesson itself.
    pub lesson: String,
    /// What happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// What to do next time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    /// The region it is grouped under; `None` for lessons with no region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The institution it is grouped under; `None` for lessons with no institution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Every region it concerns, as its source lists them.
    pub regions: Vec<String>,
    /// Every institution it concerns, as its source lists them.
    pub institutions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Where `date` comes from (`file`: only the file's creation date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<DateSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The language it is written in.
    pub lang: Lang,
    /// Exactly where it is: file, section, page, line.
    pub source: SourceRef,
}

impl Lesson {
    /// Its regions other than the one it is grouped under.
    pub fn other_regions(&self) -> Vec<&str> {
        others(&self.regions, self.region.as_deref())
    }

    /// Its institutions other than the one it is grouped under.
    pub fn other_institutions(&self) -> Vec<&str> {
        others(&self.institutions, self.institution.as_deref())
    }
}

fn others<'a>(all: &'a [String], chosen: Option<&str>) -> Vec<&'a str> {
    all.iter()
        .map(String::as_str)
        .filter(|v| Some(*v) != chosen)
        .collect()
}

/// Another place a lesson is cited at: a source's number and the page, for a PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub number: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// A source: the document a lesson comes from, or a lesson record itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Its citation number, from 1.
    pub number: usize,
    /// The document's id.
    pub id: String,
    pub title: String,
    /// The document's kind, when the index tells it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    pub institutions: Vec<String>,
    pub authors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Where `date` comes from (`file`: only the file's creation date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<DateSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub lang: Lang,
    /// The file, relative to the corpus folder.
    pub path: String,
    /// The places of the source the brief quotes, in the source's order (page, then line).
    pub cited: Vec<Location>,
}

impl Source {
    /// The pages quoted, ascending, for paginated sources (PDF).
    pub fn pages(&self) -> Vec<u32> {
        let mut pages: Vec<u32> = self.cited.iter().filter_map(|c| c.page).collect();
        pages.sort_unstable();
        pages.dedup();
        pages
    }
}

/// A place in a source that a lesson quotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The lesson's passage id.
    pub lesson: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A run of lessons under one region, as the renderers lay them out.
#[derive(Debug)]
pub struct RegionGroup<'a> {
    /// `None`: lessons with no region.
    pub region: Option<&'a str>,
    pub institutions: Vec<InstitutionGroup<'a>>,
}

/// A run of lessons under one institution within a region.
#[derive(Debug)]
pub struct InstitutionGroup<'a> {
    /// `None`: lessons with no institution.
    pub institution: Option<&'a str>,
    pub lessons: Vec<&'a Lesson>,
}

impl Brief {
    /// The lessons as headings will show them: runs of the same region, and within them runs
    /// of the same institution, in the order of [`Brief::lessons`].
    pub fn groups(&self) -> Vec<RegionGroup<'_>> {
        let mut groups: Vec<RegionGroup<'_>> = Vec::new();
        for lesson in &self.lessons {
            let region = lesson.region.as_deref();
            let institution = lesson.institution.as_deref();
            match groups.last_mut() {
                Some(g) if g.region == region => match g.institutions.last_mut() {
                    Some(i) if i.institution == institution => i.lessons.push(lesson),
                    _ => g.institutions.push(InstitutionGroup {
                        institution,
                        lessons: vec![lesson],
                    }),
                },
                _ => groups.push(RegionGroup {
                    region,
                    institutions: vec![InstitutionGroup {
                        institution,
                        lessons: vec![lesson],
                    }],
                }),
            }
        }
        groups
    }

    /// The source a lesson cites.
    pub fn source_of(&self, lesson: &Lesson) -> Option<&Source> {
        self.sources.iter().find(|s| s.number == lesson.citation)
    }
}

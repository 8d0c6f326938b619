//! The sentences the Markdown and HTML forms share, as plain text: each renderer escapes
//! them its own way.

use minga_core::Lang;

use crate::labels::Labels;
use crate::model::{Brief, FilterName, Lesson, Location, Source};

/// Institutions a lesson's line or a source entry names before "and N more"; the JSON, CSV
/// and RIS forms keep them all.
const MAX_NAMED: usize = 5;

/// The rows of the scope block: label and text.
pub(crate) fn scope_rows(brief: &Brief, l: &Labels) -> Vec<(&'static str, String)> {
    let scope = &brief.scope;
    let query = if scope.query.trim().is_empty() {
        l.any_query.to_string()
    } else {
        scope.query.trim().to_string()
    };
    let filters = if scope.filters.is_empty() {
        l.no_filters.to_string()
    } else {
        scope
            .filters
            .iter()
            .map(|f| {
                let value = match (f.name, f.value.parse::<Lang>()) {
                    (FilterName::Lang, Ok(lang)) => l.lang(lang).to_string(),
                    _ => f.value.trim().to_string(),
                };
                format!("{}: {value}", l.filter(f.name))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    vec![
        (l.query, query),
        (l.filters, filters),
        (
            l.lessons,
            l.lesson_count(brief.lessons.len(), scope.matching, scope.order),
        ),
        (
            l.corpus,
            l.corpus_size(scope.corpus.documents, scope.corpus.passages),
        ),
        (l.generated, format!("{} {}", scope.generated, l.with_minga)),
    ]
}

/// The citation mark that ends a quote: `[3]`, or `[3, p. 21]` for a paginated source.
/// `[3]`, `[3, p. 21]`; a lesson found in several sources cites them all, `[1, 4]` or
/// `[1, p. 21; 4]`.
pub(crate) fn citation(lesson: &Lesson, l: &Labels) -> String {
    let places: Vec<(usize, Option<u32>)> = std::iter::once((lesson.citation, lesson.source.page))
        .chain(lesson.also.iter().map(|c| (c.number, c.page)))
        .collect();
    let paged = places.iter().any(|(_, page)| page.is_some());
    let parts: Vec<String> = places
        .iter()
        .map(|(number, page)| match page {
            Some(page) => format!("{number}, {} {page}", l.page),
            None => number.to_string(),
        })
        .collect();
    format!("[{}]", parts.join(if paged { "; " } else { ", " }))
}

/// What is said under a lesson: date, event, place (its country when it has no region), its
/// other regions and institutions.
pub(crate) fn lesson_facts(lesson: &Lesson, l: &Labels) -> Vec<String> {
    let mut facts = Vec::new();
    facts.extend(lesson.date.map(|d| l.date(d, lesson.date_source)));
    facts.extend(lesson.event.clone());
    facts.extend(lesson.location.clone());
    if lesson.regions.is_empty() {
        facts.extend(lesson.country.clone());
    }
    let regions = lesson.other_regions();
    if !regions.is_empty() {
        facts.push(format!("{}: {}", l.other_regions, named(&regions, l)));
    }
    let institutions = lesson.other_institutions();
    if !institutions.is_empty() {
        facts.push(format!(
            "{}: {}",
            l.other_institutions,
            named(&institutions, l)
        ));
    }
    facts
}

/// What follows a source's title: its kind and date, then its institutions and authors.
pub(crate) fn source_facts(source: &Source, l: &Labels) -> Vec<String> {
    let mut first = Vec::new();
    first.extend(source.kind.map(|k| l.kind(k).to_string()));
    first.extend(source.date.map(|d| l.date(d, source.date_source)));
    let mut facts = Vec::new();
    if !first.is_empty() {
        facts.push(first.join(", "));
    }
    let institutions: Vec<&str> = source.institutions.iter().map(String::as_str).collect();
    if !institutions.is_empty() {
        facts.push(named(&institutions, l));
    }
    if !source.authors.is_empty() {
        facts.push(source.authors.join(", "));
    }
    facts
}

/// Where in its source a lesson is: `§ heading, p. 4, línea 67`, or only the line or page.
pub(crate) fn location(location: &Location, l: &Labels) -> String {
    let mut parts = Vec::new();
    parts.extend(location.section.as_ref().map(|s| format!("§ {s}")));
    parts.extend(location.page.map(|p| format!("{} {p}", l.page)));
    parts.extend(location.line.map(|n| format!("{} {n}", l.line)));
    parts.join(", ")
}

/// The place of a source's file line when it is cited at one place without a section (a
/// lesson record): `línea 16`; `None` when its places are listed one by one.
pub(crate) fn inline_location(source: &Source, l: &Labels) -> Option<String> {
    match source.cited.as_slice() {
        [only] if only.section.is_none() => Some(location(only, l)).filter(|s| !s.is_empty()),
        _ => None,
    }
}

/// `a, b, c, d, e y 3 más`.
fn named(values: &[&str], l: &Labels) -> String {
    if values.len() <= MAX_NAMED + 1 {
        return values.join(", ");
    }
    format!(
        "{} {}",
        values[..MAX_NAMED].join(", "),
        l.and_more(values.len() - MAX_NAMED)
    )
}

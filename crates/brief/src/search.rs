//! Running the search a brief is made of: the one place `minga brief` and `GET /api/brief`
//! share, so the two give the same bytes for the same index, request and date.

use std::collections::HashMap;

use minga_core::{Date, Kind, Lang, Passage};
use minga_engine::{Engine, Error, SearchRequest, Sort};

use crate::{Brief, Corpus, Filter, FilterName, Found, Order, Scope};

/// The search a brief runs for `request`: lessons only, one hit per passage, from the first,
/// no facets.
pub fn lessons_only(mut request: SearchRequest) -> SearchRequest {
    request.filters.kinds = vec![Kind::Lesson];
    request.group = false;
    request.offset = 0;
    request.facets = Vec::new();
    request
}

/// Runs `request` (see [`lessons_only`]), fetches each lesson's document for its parts and
/// kind, and arranges them into a brief. Blocks on the index.
pub fn brief(
    engine: &Engine,
    request: &SearchRequest,
    title: Option<String>,
    generated: Date,
    lang: Lang,
) -> Result<Brief, Error> {
    let response = engine.search(request)?;
    let mut documents: HashMap<&str, Vec<Passage>> = HashMap::new();
    let mut found = Vec::with_capacity(response.hits.len());
    for hit in &response.hits {
        let places = std::iter::once((&hit.parent, &hit.id))
            .chain(hit.duplicates.iter().map(|d| (&d.parent, &d.id)));
        let mut copies = Vec::new();
        for (parent, id) in places {
            if !documents.contains_key(parent.as_str()) {
                let view = engine.document(parent)?;
                documents.insert(parent, view.map(|v| v.passages).unwrap_or_default());
            }
            copies.extend(
                documents
                    .get(parent.as_str())
                    .and_then(|passages| Found::in_document(id, passages)),
            );
        }
        // The hit's own lesson first, the copies cited with it.
        if !copies.is_empty() {
            let mut lesson = copies.remove(0);
            lesson.copies = copies;
            found.push(lesson);
        }
    }
    let stats = engine.stats()?;
    let f = &request.filters;
    let mut filters: Vec<Filter> = Vec::new();
    let mut add = |name, values: Vec<String>| {
        filters.extend(values.into_iter().map(|v| Filter::new(name, v)));
    };
    add(FilterName::Region, f.regions.clone());
    add(FilterName::Institution, f.institutions.clone());
    add(
        FilterName::Lang,
        f.langs.iter().map(|l| l.code().to_string()).collect(),
    );
    add(FilterName::Topic, f.topics.clone());
    add(
        FilterName::Year,
        f.years.iter().map(i32::to_string).collect(),
    );
    add(
        FilterName::From,
        f.from.iter().map(Date::to_string).collect(),
    );
    add(FilterName::To, f.to.iter().map(Date::to_string).collect());
    let scope = Scope {
        query: request.query.clone(),
        filters,
        order: match request.sort {
            Sort::Relevance => Order::Relevance,
            Sort::Date => Order::Date,
        },
        limit: request.limit,
        matching: response.total,
        corpus: Corpus {
            documents: stats.documents,
            passages: stats.passages,
        },
        generated,
    };
    Ok(Brief::assemble(title, scope, found, lang))
}

//! Running the search a brief is made of: the one place `minga brief` and `GET /api/brief`
//! share, so the two give the same bytes for the same index, request and date.

use std::collections::HashMap;

use minga_core::{Date, Institutions, Kind, Lang, Passage, fold_key};
use minga_engine::{Engine, Error, SearchRequest, Sort};

use crate::assemble::{filter_keys, lookup_key};
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
    let tables = engine.tables()?;
    let wanted = filter_keys(&filters, FilterName::Region);
    for lesson in &mut found {
        about_first(&mut lesson.lesson, &wanted, &tables.normalizer.institutions);
    }
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

/// Puts first the region and the institutions a lesson is about, rather than those that
/// wrote or funded its source. The region: the first of the lesson's regions that is home
/// to one of its institutions (`Coquimbo` for a lesson of the CRDP Coquimbo's, though its
/// report names every region of the exchange first), or the first that a region filter
/// names (`wanted`, as lookup keys). The institutions: those of that
/// region, then national ones (a ministry), then those of other regions, then the authors
/// and funders (an institution named among the source's authors, a cooperation agency, a
/// research centre), each kind in the order the source gave. A brief groups a lesson under
/// the first of each (unless a filter names another), so its headings name the agencies
/// and regional governments, not "Rimisp" or "Unión Europea".
fn about_first(lesson: &mut Passage, wanted: &[String], directory: &Institutions) {
    let authors: Vec<String> = lesson.authors.iter().map(|a| fold_key(a)).collect();
    let home = |name: &str| {
        directory
            .lookup(name)
            .and_then(|i| i.region.as_deref())
            .map(fold_key)
    };
    let backer = |name: &str| {
        let key = fold_key(name);
        let kind = directory
            .lookup(name)
            .and_then(|i| i.kind.as_deref())
            .map(fold_key)
            .unwrap_or_default();
        authors.iter().any(|a| a.contains(&key))
            || ["cooperacion", "cooperation", "investigacion", "research"]
                .iter()
                .any(|k| kind.contains(k))
    };
    let homes: Vec<String> = lesson
        .institutions
        .iter()
        .filter(|i| !backer(i))
        .filter_map(|i| home(i))
        .collect();
    let named = lesson
        .regions
        .iter()
        .position(|r| wanted.contains(&lookup_key(r)));
    if let Some(at) = named.or_else(|| {
        lesson
            .regions
            .iter()
            .position(|r| homes.contains(&lookup_key(r)))
    }) {
        let region = lesson.regions.remove(at);
        lesson.regions.insert(0, region);
    }
    let first = lesson.regions.first().map(|r| lookup_key(r));
    lesson.institutions.sort_by_cached_key(|name| {
        if backer(name) {
            return 3;
        }
        match home(name) {
            Some(h) if Some(&h) == first.as_ref() => 0,
            None => 1,
            Some(_) => 2,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_is_about_the_institutions_of_its_regions_first() {
        let mut lesson = crate::assemble::tests::passage(
            "l-1",
            &["Chile/Biobío"],
            &[
                "Rimisp",
                "Unión Europea",
                "ARD Cusco",
                "CDPR Biobío",
                "Sin directorio",
                "Desarrolla Biobío",
            ],
        );
        let directory = Institutions::from_reader(
            "name,acronym,name_es,name_en,country,region,type,aliases\n\
             ARD Cusco,,,,Perú,Cusco,agencia regional de desarrollo,\n\
             CDPR Biobío,,,,Chile,Biobío,comité regional de desarrollo productivo,\n\
             Desarrolla Biobío,,,,Chile,Biobío,corporación regional de desarrollo,\n\
             Rimisp,,,,Chile,,centro de investigación,\n\
             Unión Europea,,,,,,cooperación internacional,\n"
                .as_bytes(),
            std::path::Path::new("_institutions.csv"),
        )
        .unwrap();
        about_first(&mut lesson, &[], &directory);
        assert_eq!(
            lesson.institutions,
            [
                "CDPR Biobío",
                "Desarrolla Biobío",
                "Sin directorio",
                "ARD Cusco",
                "Rimisp",
                "Unión Europea",
            ]
        );
        // A lesson of a report on every region of an exchange goes under the region of
        // the agency it is about; an institution named among the authors comes last.
        let mut lesson = crate::assemble::tests::passage(
            "l-2",
            &["Perú/Apurímac", "Chile/Coquimbo"],
            &["MEF", "CRDP Coquimbo"],
        );
        lesson.authors = vec!["Equipo MEF".into()];
        let directory = Institutions::from_reader(
            "name,acronym,name_es,name_en,country,region,type,aliases\n\
             CRDP Coquimbo,,,,Chile,Coquimbo,corporación,\n\
             MEF,,,,Perú,,ministerio,\n"
                .as_bytes(),
            std::path::Path::new("_institutions.csv"),
        )
        .unwrap();
        let mut filtered = lesson.clone();
        about_first(&mut lesson, &[], &directory);
        assert_eq!(lesson.regions, ["Chile/Coquimbo", "Perú/Apurímac"]);
        assert_eq!(lesson.institutions, ["CRDP Coquimbo", "MEF"]);
        // A region filter names the region; the institutions follow it (a national body
        // before another region's agency).
        filtered.authors.clear();
        about_first(&mut filtered, &["apurimac".to_string()], &directory);
        assert_eq!(filtered.regions, ["Perú/Apurímac", "Chile/Coquimbo"]);
        assert_eq!(filtered.institutions, ["MEF", "CRDP Coquimbo"]);
    }
}

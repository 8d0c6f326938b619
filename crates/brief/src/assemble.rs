//! From lessons a search found to a [`Brief`]: choosing each lesson's group, ordering the
//! groups, numbering the sources.
//!
//! The caller runs the search (kind `lesson`, one hit per passage) and fetches each lesson's
//! document; this module only arranges what it is handed, so the same input always gives the
//! same brief.

use std::collections::{BTreeMap, HashSet};

use minga_core::{Kind, Lang, Passage, fold, fold_key};

use crate::labels::labels;
use crate::model::{Brief, Citation, Filter, FilterName, Lesson, Location, Scope, Source};
use crate::text::tidy;

/// A lesson a search found, with what the brief needs to know of its document.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The lesson's passage (kind lesson, with its parts where the source labels them).
    pub lesson: Passage,
    /// The kind of the document it comes from: [`Kind::Lesson`] for a lesson record; `None`
    /// when the index does not tell (a document whose every passage is a lesson).
    pub document_kind: Option<Kind>,
    /// The same lesson elsewhere (another edition, a register quoting it), as the search
    /// found them: cited with it, never quoted again.
    pub copies: Vec<Found>,
}

impl Found {
    /// The passage `id` among `passages`, the passages of its document (as the engine's
    /// document view lists them), with the document's kind read from its other passages.
    /// `None` if no passage has that id.
    pub fn in_document(id: &str, passages: &[Passage]) -> Option<Found> {
        let lesson = passages.iter().find(|p| p.id == id)?.clone();
        let document_kind = if lesson.id == lesson.parent {
            Some(lesson.kind)
        } else {
            passages
                .iter()
                .find(|p| p.kind != Kind::Lesson)
                .map(|p| p.kind)
        };
        Some(Found {
            lesson,
            document_kind,
            copies: Vec::new(),
        })
    }
}

impl Brief {
    /// Arranges the lessons `found` (best first) into a brief with labels in `lang`.
    ///
    /// Each lesson appears once, under one region and one institution: the first of its
    /// regions that a region filter names (or, with none named, its first region), and the
    /// same for institutions. Regions follow in alphabetical order (accents ignored), lessons
    /// with no region last; institutions likewise within a region; lessons keep their rank
    /// within an institution. Sources are numbered in order of first citation in that
    /// reading order; each lists the places it is quoted at in its own order (page, line).
    /// A lesson found twice is kept once; its copies elsewhere are cited with it (`[1, 4]`)
    /// and listed among the sources.
    ///
    /// `title` replaces the default, "Lecciones aprendidas: QUERY — REGIONS".
    pub fn assemble(title: Option<String>, scope: Scope, found: Vec<Found>, lang: Lang) -> Brief {
        let wanted_regions = filter_keys(&scope.filters, FilterName::Region);
        let wanted_institutions = filter_keys(&scope.filters, FilterName::Institution);

        let mut seen = HashSet::new();
        let mut entries: Vec<(Lesson, Found)> = found
            .into_iter()
            .filter(|f| {
                let new = seen.insert(f.lesson.id.clone());
                seen.extend(f.copies.iter().map(|c| c.lesson.id.clone()));
                new
            })
            .map(|f| {
                let region = choose(&f.lesson.regions, &wanted_regions);
                let institution = choose(&f.lesson.institutions, &wanted_institutions);
                (lesson(&f.lesson, region, institution), f)
            })
            .collect();
        // Stable: lessons keep their rank within a group.
        entries.sort_by_cached_key(|(l, _)| {
            (
                group_key(l.region.as_deref()),
                group_key(l.institution.as_deref()),
            )
        });

        let mut numbers: BTreeMap<String, usize> = BTreeMap::new();
        let mut sources: Vec<Source> = Vec::new();
        let mut lessons = Vec::with_capacity(entries.len());
        for (mut lesson, found) in entries {
            let mut cite = |found: &Found| {
                let passage = &found.lesson;
                let next = sources.len() + 1;
                let number = *numbers.entry(passage.parent.clone()).or_insert(next);
                if number == next {
                    sources.push(source(number, found));
                }
                sources[number - 1].cited.push(Location {
                    lesson: passage.id.clone(),
                    section: passage.source.section.clone(),
                    page: passage.source.page,
                    line: passage.source.line,
                });
                Citation {
                    number,
                    page: passage.source.page,
                }
            };
            lesson.citation = cite(&found).number;
            for copy in &found.copies {
                let also = cite(copy);
                if also.number != lesson.citation && !lesson.also.contains(&also) {
                    lesson.also.push(also);
                }
            }
            lessons.push(lesson);
        }

        // A source lists the places it is quoted at in its own order, for checking them.
        for source in &mut sources {
            source.cited.sort_by_key(|c| {
                (
                    c.page.is_none(),
                    c.page,
                    c.line.is_none(),
                    c.line,
                    c.lesson.clone(),
                )
            });
        }

        let title = title
            .map(|t| tidy(&t))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| default_title(&scope, &lessons, lang));
        Brief {
            title,
            lang,
            scope,
            lessons,
            sources,
        }
    }
}

/// The lookup keys of the values of one filter: `Chile/Biobío` and `biobio` both give
/// `biobio`.
pub(crate) fn filter_keys(filters: &[Filter], name: FilterName) -> Vec<String> {
    filters
        .iter()
        .filter(|f| f.name == name)
        .map(|f| lookup_key(&f.value))
        .filter(|k| !k.is_empty())
        .collect()
}

/// A value's lookup key, for a `Country/Region` value its region's: `Chile/Biobío` and
/// `biobio` both give `biobio`.
pub(crate) fn lookup_key(value: &str) -> String {
    fold_key(value.rsplit('/').next().unwrap_or(value))
}

/// The first of `values` that a filter names, else the first.
fn choose(values: &[String], wanted: &[String]) -> Option<String> {
    values
        .iter()
        .find(|v| wanted.contains(&fold_key(v)))
        .or_else(|| values.first())
        .cloned()
}

/// Alphabetical, accents and case ignored, the missing group last.
fn group_key(name: Option<&str>) -> (bool, String, String) {
    match name {
        Some(n) => (false, fold(n), n.to_string()),
        None => (true, String::new(), String::new()),
    }
}

fn lesson(p: &Passage, region: Option<String>, institution: Option<String>) -> Lesson {
    let parts = p.lesson.clone().unwrap_or_default();
    let text = if parts.lesson.trim().is_empty() {
        &p.text
    } else {
        &parts.lesson
    };
    let optional = |s: Option<String>| s.map(|s| tidy(&s)).filter(|s| !s.is_empty());
    // A lesson record's title is its own; a lesson inside a document is titled by the
    // heading it sits under.
    let title = if p.id == p.parent {
        Some(p.title.clone())
    } else {
        p.heading.clone()
    };
    Lesson {
        citation: 0,
        also: Vec::new(),
        id: p.id.clone(),
        title: optional(title),
        lesson: tidy(text),
        context: optional(parts.context),
        recommendation: optional(parts.recommendation),
        region,
        institution,
        country: p.country.clone(),
        regions: p.regions.clone(),
        institutions: p.institutions.clone(),
        date: p.date,
        date_source: p.date_source,
        event: p.event.clone(),
        location: p.location.clone(),
        lang: p.lang,
        source: p.source.clone(),
    }
}

fn source(number: usize, found: &Found) -> Source {
    let p = &found.lesson;
    Source {
        number,
        id: p.parent.clone(),
        title: tidy(&p.title),
        kind: found.document_kind,
        institutions: p.institutions.clone(),
        authors: p.authors.clone(),
        date: p.date,
        date_source: p.date_source,
        event: p.event.clone(),
        location: p.location.clone(),
        lang: p.lang,
        path: p.source.path.clone(),
        cited: Vec::new(),
    }
}

/// "Lecciones aprendidas: QUERY — REGION, REGION", region filters written as the lessons
/// spell them where one matches.
fn default_title(scope: &Scope, lessons: &[Lesson], lang: Lang) -> String {
    let mut title = labels(lang).title.to_string();
    let query = tidy(&scope.query);
    if !query.is_empty() {
        title.push_str(": ");
        title.push_str(&query);
    }
    let regions: Vec<String> = scope
        .filters
        .iter()
        .filter(|f| f.name == FilterName::Region)
        .map(|f| {
            let key = fold_key(f.value.rsplit('/').next().unwrap_or(&f.value));
            lessons
                .iter()
                .flat_map(|l| &l.regions)
                .find(|r| fold_key(r) == key)
                .cloned()
                .unwrap_or_else(|| tidy(&f.value))
        })
        .collect();
    if !regions.is_empty() {
        title.push_str(" — ");
        title.push_str(&regions.join(", "));
    }
    title
}

#[cfg(test)]
pub(crate) mod tests {
    use minga_core::{Date, LessonParts, SourceRef};

    use super::*;
    use crate::model::{Corpus, Order};

    /// A lesson passage of the document `id` names (before a `:`), in these regions and
    /// institutions.
    pub(crate) fn passage(id: &str, regions: &[&str], institutions: &[&str]) -> Passage {
        let parent = id.split(':').next().unwrap_or(id).to_string();
        Passage {
            id: id.to_string(),
            parent: parent.clone(),
            kind: Kind::Lesson,
            title: format!("Documento {parent}"),
            title_source: Default::default(),
            heading: Some(format!("Lección {id}")),
            heading_level: 0,
            text: format!("Texto de {id}."),
            lang: Lang::Es,
            country: Some("Chile".into()),
            regions: regions.iter().map(|s| s.to_string()).collect(),
            institutions: institutions.iter().map(|s| s.to_string()).collect(),
            date: Date::from_ymd(2023, 1, 25),
            date_source: None,
            event: None,
            location: None,
            topics: Vec::new(),
            authors: Vec::new(),
            edition_of: None,
            source: SourceRef {
                path: format!("{parent}.md"),
                section: Some(format!("Lección {id}")),
                page: None,
                line: Some(10),
            },
            position: 1,
            lesson: Some(LessonParts {
                lesson: format!("Texto de {id}."),
                context: None,
                recommendation: None,
            }),
        }
    }

    fn found(p: Passage) -> Found {
        Found {
            lesson: p,
            document_kind: Some(Kind::SessionNote),
            copies: Vec::new(),
        }
    }

    fn scope(filters: Vec<Filter>) -> Scope {
        Scope {
            query: "articulación".into(),
            filters,
            order: Order::Relevance,
            limit: 20,
            matching: 5,
            corpus: Corpus {
                documents: 3,
                passages: 12,
            },
            generated: Date::from_ymd(2024, 5, 2).expect("a valid date"),
        }
    }

    fn ids(brief: &Brief) -> Vec<&str> {
        brief.lessons.iter().map(|l| l.id.as_str()).collect()
    }

    #[test]
    fn groups_follow_the_alphabet_with_no_region_last_and_rank_within() {
        let brief = Brief::assemble(
            None,
            scope(Vec::new()),
            vec![
                found(passage("d1:l1", &[], &["CDPR"])),
                found(passage("d2:l1", &["Ñuble"], &["Zeta"])),
                found(passage("d3:l1", &["Apurímac"], &["ARD Apurímac"])),
                found(passage("d4:l1", &["Biobío"], &[])),
                found(passage("d5:l1", &["Biobío"], &["CDPR Biobío"])),
                found(passage("d2:l2", &["Ñuble"], &["Alfa"])),
                found(passage("d2:l3", &["Ñuble"], &["Zeta"])),
            ],
            Lang::Es,
        );
        assert_eq!(
            ids(&brief),
            [
                "d3:l1", "d5:l1", "d4:l1", "d2:l2", "d2:l1", "d2:l3", "d1:l1"
            ]
        );
        let groups = brief.groups();
        let regions: Vec<_> = groups.iter().map(|g| g.region).collect();
        assert_eq!(
            regions,
            [Some("Apurímac"), Some("Biobío"), Some("Ñuble"), None]
        );
        let biobio: Vec<_> = groups[1]
            .institutions
            .iter()
            .map(|i| i.institution)
            .collect();
        assert_eq!(biobio, [Some("CDPR Biobío"), None]);
        // Sources are numbered in reading order; a document cited twice keeps its number.
        let citations: Vec<usize> = brief.lessons.iter().map(|l| l.citation).collect();
        assert_eq!(citations, [1, 2, 3, 4, 4, 4, 5]);
        assert_eq!(brief.sources[3].id, "d2");
        assert_eq!(brief.sources[3].cited.len(), 3);
        assert_eq!(brief.title, "Lecciones aprendidas: articulación");
    }

    #[test]
    fn a_lesson_goes_under_the_region_and_institution_the_filters_name() {
        let brief = Brief::assemble(
            None,
            scope(vec![
                Filter::new(FilterName::Region, "Chile/biobio"),
                Filter::new(FilterName::Institution, "cdpr biobío"),
            ]),
            vec![found(passage(
                "d1:l1",
                &["Apurímac", "Biobío"],
                &["ARD Apurímac", "CDPR Biobío"],
            ))],
            Lang::Es,
        );
        let lesson = &brief.lessons[0];
        assert_eq!(lesson.region.as_deref(), Some("Biobío"));
        assert_eq!(lesson.institution.as_deref(), Some("CDPR Biobío"));
        assert_eq!(lesson.other_regions(), ["Apurímac"]);
        assert_eq!(brief.title, "Lecciones aprendidas: articulación — Biobío");
    }

    #[test]
    fn a_lesson_found_in_several_sources_is_quoted_once_and_cites_them_all() {
        let mut pdf = passage("informe-pdf:l2", &["Biobío"], &[]);
        pdf.source.page = Some(21);
        let mut lesson = found(passage("nota:l1", &["Biobío"], &[]));
        lesson.copies = vec![found(pdf), found(passage("registro-4", &["Biobío"], &[]))];
        let other = found(passage("informe-pdf:l3", &["Biobío"], &[]));
        let brief = Brief::assemble(None, scope(Vec::new()), vec![lesson, other], Lang::Es);
        assert_eq!(ids(&brief), ["nota:l1", "informe-pdf:l3"]);
        let cited = &brief.lessons[0];
        assert_eq!((cited.citation, cited.also.len()), (1, 2));
        let l = crate::labels::labels(Lang::Es);
        assert_eq!(crate::describe::citation(cited, l), "[1; 2, p. 21; 3]");
        // The PDF, cited for both lessons, keeps one number and lists both places.
        assert_eq!(brief.lessons[1].citation, 2);
        let ids: Vec<&str> = brief.sources.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["nota", "informe-pdf", "registro-4"]);
        assert_eq!(brief.sources[1].cited.len(), 2);
    }

    #[test]
    fn a_lesson_record_is_its_own_source_and_duplicates_are_dropped() {
        let mut record = passage("lec-7", &["Cusco"], &["ARD Cusco"]);
        record.title = "Escuchar a los productores".into();
        record.heading = None;
        record.source.section = None;
        let found_record = Found::in_document("lec-7", std::slice::from_ref(&record))
            .expect("the record is found");
        assert_eq!(found_record.document_kind, Some(Kind::Lesson));
        let brief = Brief::assemble(
            Some("  Mi   brief ".into()),
            scope(Vec::new()),
            vec![found_record.clone(), found_record],
            Lang::En,
        );
        assert_eq!(brief.lessons.len(), 1);
        assert_eq!(
            brief.lessons[0].title.as_deref(),
            Some("Escuchar a los productores")
        );
        assert_eq!(brief.sources[0].id, "lec-7");
        assert_eq!(brief.sources[0].kind, Some(Kind::Lesson));
        assert_eq!(brief.sources[0].cited[0].line, Some(10));
        assert_eq!(brief.title, "Mi brief");
    }

    #[test]
    fn the_document_kind_comes_from_its_other_passages() {
        let mut intro = passage("d1:p1", &[], &[]);
        intro.kind = Kind::Report;
        intro.lesson = None;
        let lesson = passage("d1:l1", &[], &[]);
        let found = Found::in_document("d1:l1", &[intro, lesson.clone()]).expect("found");
        assert_eq!(found.document_kind, Some(Kind::Report));
        let alone = Found::in_document("d1:l1", &[lesson]).expect("found");
        assert_eq!(alone.document_kind, None);
        assert!(Found::in_document("d1:l9", &[]).is_none());
    }
}

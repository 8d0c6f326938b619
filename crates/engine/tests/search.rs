//! The engine end to end: passages in, ranked and filtered hits out, on a real index in a
//! temporary folder.

use minga_core::{Date, Kind, Lang, Passage, SourceRef};
use minga_engine::{
    Engine, Error, FacetName, FileRecord, Filters, Indexer, IndexerOptions, SearchRequest, Sort,
};

fn passage(id: &str, lang: Lang, title: &str, text: &str) -> Passage {
    Passage {
        id: id.into(),
        parent: id.into(),
        kind: Kind::SessionNote,
        title: title.into(),
        title_source: Default::default(),
        heading: None,
        heading_level: 0,
        text: text.into(),
        lang,
        country: None,
        regions: vec![],
        institutions: vec![],
        date: None,
        date_source: None,
        event: None,
        location: None,
        topics: vec![],
        authors: vec![],
        edition_of: None,
        source: SourceRef {
            path: format!("{id}.md"),
            ..SourceRef::default()
        },
        position: 1,
        lesson: None,
    }
}

fn record(p: &Passage) -> FileRecord {
    FileRecord {
        path: p.source.path.clone(),
        hash: "h".into(),
        size: 1,
        modified: None,
        documents: [&p.parent].into_iter().collect(),
        passages: 0,
        problems: vec![],
        embedded_with: None,
    }
}

fn corpus() -> Vec<Passage> {
    let mut biobio = passage(
        "biobio",
        Lang::Es,
        "Mesa de trabajo en Concepción",
        "La articulación interinstitucional entre el comité regional y la corporación permitió \
         coordinar la cartera de fomento productivo en la región.",
    );
    biobio.country = Some("Chile".into());
    biobio.regions = vec!["Biobío".into()];
    biobio.institutions = vec!["CDPR Biobío".into()];
    biobio.date = Some("2023-01-25".parse().unwrap());
    biobio.kind = Kind::Lesson;

    let mut cusco = passage(
        "cusco",
        Lang::Es,
        "Perfil de la ARD Cusco",
        "La agencia regional de desarrollo impulsa la cadena del café y el turismo.",
    );
    cusco.country = Some("Perú".into());
    cusco.regions = vec!["Cusco".into()];
    cusco.date = Some("2022-11-10".parse().unwrap());
    cusco.kind = Kind::AgencyProfile;

    let mut coquimbo = passage(
        "coquimbo",
        Lang::Es,
        "Visita a La Serena",
        "La coordinación entre instituciones en Coquimbo se apoya en mesas de articulación.",
    );
    coquimbo.country = Some("Chile".into());
    coquimbo.regions = vec!["Coquimbo".into()];
    coquimbo.date = Some("2023-01-24".parse().unwrap());

    let mut english = passage(
        "giz",
        Lang::En,
        "Regional development agencies",
        "The agencies strengthen governance and inter-institutional coordination.",
    );
    english.date = Some("2023-03-01".parse().unwrap());
    english.kind = Kind::Report;
    vec![biobio, cusco, coquimbo, english]
}

fn build(passages: &[Passage]) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let mut indexer = Indexer::open(dir.path(), &IndexerOptions::default()).unwrap();
    for p in passages {
        indexer.put(record(p), std::slice::from_ref(p)).unwrap();
    }
    indexer.commit().unwrap();
    indexer.finish().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    (dir, engine)
}

fn ids(engine: &Engine, request: &SearchRequest) -> Vec<String> {
    engine
        .search(request)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn unaccented_query_finds_accented_text_and_ranks_full_matches_first() {
    let (_dir, engine) = build(&corpus());
    let found = ids(
        &engine,
        &SearchRequest::new("articulacion interinstitucional"),
    );
    assert_eq!(found[0], "biobio");
    assert!(found.contains(&"coquimbo".to_string()), "{found:?}");
}

#[test]
fn plural_query_finds_the_singular() {
    let (_dir, engine) = build(&corpus());
    let found = ids(&engine, &SearchRequest::new("agencias regionales"));
    assert_eq!(found[0], "cusco");
    // And the English stemmer meets `agencies` with `agency`; without expansion, the
    // dictionary does not bring in the Spanish `agencia`.
    let request = SearchRequest {
        expand: false,
        ..SearchRequest::new("agency")
    };
    assert_eq!(ids(&engine, &request), ["giz"]);
    // With expansion, the translation `agencia` finds the Spanish profile too. (Which comes
    // first depends on each language's statistics; this corpus has one English document.)
    let mut found = ids(&engine, &SearchRequest::new("agency"));
    found.sort();
    assert_eq!(found, ["cusco", "giz"]);
}

#[test]
fn filters_restrict_and_facets_count_under_the_other_filters() {
    let (_dir, engine) = build(&corpus());
    let mut request = SearchRequest::new("");
    request.filters.regions = vec!["Chile".into()];
    request.facets = vec![FacetName::Region, FacetName::Kind, FacetName::Country];
    let response = engine.search(&request).unwrap();
    assert_eq!(response.total, 2);
    // The region facet ignores the region filter, so the menu still offers Cusco.
    assert_eq!(response.facets["region"]["Perú/Cusco"], 1);
    assert_eq!(response.facets["region"]["Chile/Biobío"], 1);
    assert_eq!(response.facets["kind"]["lesson"], 1);
    assert_eq!(response.facets["kind"]["session_note"], 1);
    assert!(!response.facets["kind"].contains_key("agency_profile"));

    request.filters.regions = vec!["bio bio".into()];
    assert_eq!(ids(&engine, &request), ["biobio"]);

    request.filters = Filters {
        from: Some("2023-01-01".parse().unwrap()),
        to: Some("2023-01-31".parse().unwrap()),
        ..Filters::default()
    };
    request.sort = Sort::Date;
    assert_eq!(ids(&engine, &request), ["biobio", "coquimbo"]);
}

#[test]
fn query_language_phrases_exclusions_and_fields() {
    let (_dir, engine) = build(&corpus());
    assert_eq!(
        ids(&engine, &SearchRequest::new("\"agencia regional\"")),
        ["cusco"]
    );
    let found = ids(&engine, &SearchRequest::new("coordinación -coquimbo"));
    assert!(!found.contains(&"coquimbo".to_string()), "{found:?}");
    assert_eq!(
        ids(&engine, &SearchRequest::new("region:biobio")),
        ["biobio"]
    );
    assert_eq!(ids(&engine, &SearchRequest::new("kind:lesson")), ["biobio"]);
    assert_eq!(ids(&engine, &SearchRequest::new("year:2022")), ["cusco"]);
    assert_eq!(ids(&engine, &SearchRequest::new("date:2023-03")), ["giz"]);
    assert_eq!(
        ids(&engine, &SearchRequest::new("café OR turismo")),
        ["cusco"]
    );
}

#[test]
fn snippets_mark_matches_and_escape() {
    let (_dir, engine) = build(&corpus());
    let response = engine.search(&SearchRequest::new("articulacion")).unwrap();
    let snippet = &response.hits[0].snippet;
    assert!(snippet.contains("<mark>articulación</mark>"), "{snippet}");
}

#[test]
fn user_errors_are_told_apart() {
    let (_dir, engine) = build(&corpus());
    let err = engine
        .search(&SearchRequest::new("\"unclosed"))
        .unwrap_err();
    assert!(err.is_user_error());
    assert_eq!(
        err.to_string(),
        "invalid query: this quote is never closed (at column 1)"
    );
    let mut request = SearchRequest::new("x");
    request.filters.regions = vec!["Narnia".into()];
    let err = engine.search(&request).unwrap_err();
    assert!(matches!(err, Error::Filter { name: "region", .. }), "{err}");
    request.filters.regions.clear();
    request.limit = 0;
    assert!(engine.search(&request).unwrap_err().is_user_error());
}

#[test]
fn documents_by_id_and_missing_index_messages() {
    let (dir, engine) = build(&corpus());
    let view = engine.document("cusco").unwrap().unwrap();
    assert_eq!(view.passages.len(), 1);
    assert!(engine.document("nope").unwrap().is_none());
    let stats = engine.stats().unwrap();
    assert_eq!((stats.files, stats.documents, stats.passages), (4, 4, 4));

    let missing = dir.path().join("nothing-here");
    let err = Engine::open(&missing).unwrap_err();
    assert!(err.to_string().contains("run `minga index`"), "{err}");
}

#[test]
fn a_second_writer_is_told_the_index_is_locked() {
    let (dir, _engine) = build(&corpus());
    let _first = Indexer::open(dir.path(), &IndexerOptions::default()).unwrap();
    let err = Indexer::open(dir.path(), &IndexerOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("locked by another indexer"),
        "{err}"
    );
}

#[test]
fn replacing_and_removing_files_and_reopening_keeps_records() {
    let passages = corpus();
    let (dir, engine) = build(&passages);
    drop(engine);
    let mut indexer = Indexer::open(dir.path(), &IndexerOptions::default()).unwrap();
    assert_eq!(indexer.files().len(), 4);
    indexer.remove("cusco.md");
    let mut changed = passages[2].clone();
    changed.text = "Texto nuevo sobre acuicultura.".into();
    indexer.put(record(&changed), &[changed]).unwrap();
    // A new file claiming an id another file owns is refused.
    let mut dup = passages[0].clone();
    dup.source.path = "other.md".into();
    let problems = indexer.put(record(&dup), &[dup]).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    indexer.commit().unwrap();
    indexer.finish().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    assert!(ids(&engine, &SearchRequest::new("café")).is_empty());
    assert_eq!(
        ids(&engine, &SearchRequest::new("acuicultura")),
        ["coquimbo"]
    );
    assert_eq!(
        ids(
            &engine,
            &SearchRequest::new("articulación interinstitucional")
        )[0],
        "biobio"
    );
    assert_eq!(engine.stats().unwrap().passages, 3);
    let _ = Date::from_ymd(2023, 1, 1);
}

#[test]
fn a_page_of_documents_is_full_even_when_one_document_has_many_matching_passages() {
    // One long report whose 80 passages all say `represa` twice, ahead of two notes that say
    // it once: the first window of ranked passages holds only the report's.
    let mut report: Vec<Passage> = (1..=80)
        .map(|i| {
            let mut p = passage(
                &format!("informe:p{i}"),
                Lang::Es,
                "Informe",
                "La represa y la represa del valle.",
            );
            p.parent = "informe".into();
            p.source.path = "informe.md".into();
            p.position = i;
            p
        })
        .collect();
    let notes = [
        passage(
            "nota-1",
            Lang::Es,
            "Nota uno",
            "Una visita a la represa con el equipo técnico de la región y la agencia.",
        ),
        passage(
            "nota-2",
            Lang::Es,
            "Nota dos",
            "Se habló de la represa durante una mesa larga con muchos otros temas del día.",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut indexer = Indexer::open(dir.path(), &IndexerOptions::default()).unwrap();
    indexer.put(record(&report[0]), &report).unwrap();
    for note in &notes {
        indexer
            .put(record(note), std::slice::from_ref(note))
            .unwrap();
    }
    indexer.commit().unwrap();
    indexer.finish().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    report.clear();

    let response = engine
        .search(&SearchRequest {
            limit: 3,
            facets: vec![FacetName::Kind],
            ..SearchRequest::new("represa")
        })
        .unwrap();
    assert_eq!(response.total, 3);
    assert_eq!(response.total_passages, 82);
    let hits: Vec<&str> = response.hits.iter().map(|h| h.parent.as_str()).collect();
    assert_eq!(hits[0], "informe");
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert_eq!(response.facets["kind"]["session_note"], 3);
    // The second page, one document a page, is the next document.
    let second = engine
        .search(&SearchRequest {
            limit: 1,
            offset: 1,
            ..SearchRequest::new("represa")
        })
        .unwrap();
    assert_eq!(second.hits.len(), 1);
    assert_ne!(second.hits[0].parent, "informe");
}

/// Six sample notes that open with the same disclaimer, as a sample folder's do; the
/// disclaimer happens to name cacao.
fn notes_with_a_disclaimer() -> Vec<Passage> {
    let disclaimer = "Nota de muestra: el cacao y las cifras citadas son ilustrativos.";
    let mut notes: Vec<Passage> = (1..=6)
        .map(|i| {
            passage(
                &format!("nota-{i}"),
                Lang::Es,
                &format!("Nota {i}"),
                &format!("{disclaimer} Se visitó la cooperativa número {i} del valle."),
            )
        })
        .collect();
    notes[0].text = format!(
        "{disclaimer} Se visitó la cooperativa del valle. El cacao fino de aroma de Piura se \
         exporta en grano a Europa."
    );
    notes
}

#[test]
fn a_sentence_many_documents_share_is_not_the_snippet_while_another_matches() {
    let notes = notes_with_a_disclaimer();
    let (dir, engine) = build(&notes);
    // The notes are near copies of one another: every one shown.
    let request = SearchRequest {
        dedupe: false,
        ..SearchRequest::new("cacao")
    };
    let response = engine.search(&request).unwrap();
    let hit = response.hits.iter().find(|h| h.id == "nota-1").unwrap();
    assert!(
        hit.snippet
            .contains("El <mark>cacao</mark> fino de aroma de Piura"),
        "{}",
        hit.snippet
    );
    assert!(!hit.snippet.contains("muestra"), "{}", hit.snippet);
    // Where the disclaimer is the only sentence that matches, it is the snippet.
    let other = response.hits.iter().find(|h| h.id == "nota-2").unwrap();
    assert!(
        other.snippet.contains("<mark>cacao</mark>"),
        "{}",
        other.snippet
    );

    // Four of the notes deleted: two documents sharing a sentence is no boilerplate.
    drop(engine);
    let mut indexer = Indexer::open(dir.path(), &IndexerOptions::default()).unwrap();
    for note in &notes[2..] {
        indexer.remove(&note.source.path);
    }
    indexer.commit().unwrap();
    indexer.finish().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let response = engine.search(&request).unwrap();
    let hit = response.hits.iter().find(|h| h.id == "nota-1").unwrap();
    assert!(
        hit.snippet
            .starts_with("Nota de muestra: el <mark>cacao</mark>"),
        "{}",
        hit.snippet
    );
}

#[test]
fn a_document_shows_its_matching_passage_not_one_that_matched_by_heading_alone() {
    let mut notes = notes_with_a_disclaimer();
    // The first note in two passages: the disclaimer under a heading that names the query,
    // then the text.
    let mut opening = notes[0].clone();
    opening.id = "nota-1:p1".into();
    opening.heading = Some("Financiamiento de la cooperativa".into());
    opening.text = "Nota de muestra: el cacao y las cifras citadas son ilustrativos.".into();
    let mut body = notes[0].clone();
    body.id = "nota-1:p2".into();
    body.position = 2;
    body.text = "El financiamiento vino de un fondo regional concursable.".into();
    notes.splice(0..1, [opening, body]);
    let dir = tempfile::tempdir().unwrap();
    let mut indexer = Indexer::open(dir.path(), &IndexerOptions::default()).unwrap();
    indexer.put(record(&notes[0]), &notes[..2]).unwrap();
    for note in &notes[2..] {
        indexer
            .put(record(note), std::slice::from_ref(note))
            .unwrap();
    }
    indexer.commit().unwrap();
    indexer.finish().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let response = engine
        .search(&SearchRequest::new("financiamiento cooperativa"))
        .unwrap();
    let hit = response.hits.iter().find(|h| h.parent == "nota-1").unwrap();
    assert!(
        hit.snippet
            .starts_with("El <mark>financiamiento</mark> vino"),
        "{}",
        hit.snippet
    );
    assert_eq!(hit.snippets[0].passage, "nota-1:p2");
}

#[test]
fn words_that_match_nothing_are_named() {
    let (_dir, engine) = build(&corpus());
    let response = engine
        .search(&SearchRequest::new("articulación Tacna de -Moquegua"))
        .unwrap();
    assert!(response.total > 0);
    assert_eq!(response.unmatched, ["Tacna"]);
    // Filters aside: a word the index holds is not named, even where the filters leave
    // nothing.
    let filtered = engine
        .search(&SearchRequest {
            filters: Filters {
                regions: vec!["Cusco".into()],
                ..Filters::default()
            },
            ..SearchRequest::new("articulación")
        })
        .unwrap();
    assert_eq!(filtered.total, 0);
    assert!(filtered.unmatched.is_empty(), "{:?}", filtered.unmatched);
    // A word found only as its translation matched.
    let translated = engine.search(&SearchRequest::new("coffee")).unwrap();
    assert!(translated.total > 0);
    assert!(
        translated.unmatched.is_empty(),
        "{:?}",
        translated.unmatched
    );
    let quoted = engine
        .search(&SearchRequest::new("\"agencia Tacna\" zzqx"))
        .unwrap();
    assert_eq!(quoted.unmatched, ["Tacna", "zzqx"]);
}

/// The expansions of a response as `(rule, from, to)`, rules as the API names them.
fn expansions(response: &minga_engine::SearchResponse) -> Vec<(String, String, Vec<String>)> {
    response
        .expanded
        .iter()
        .map(|e| {
            let rule = serde_json::to_value(e.rule).unwrap();
            (
                rule.as_str().unwrap().to_string(),
                e.from.clone(),
                e.to.clone(),
            )
        })
        .collect()
}

fn rule<'a>(
    found: &'a [(String, String, Vec<String>)],
    rule: &str,
) -> Vec<(&'a str, &'a [String])> {
    found
        .iter()
        .filter(|(r, _, _)| r == rule)
        .map(|(_, from, to)| (from.as_str(), to.as_slice()))
        .collect()
}

#[test]
fn a_hyphenated_or_slashed_word_no_passage_writes_is_searched_as_its_words() {
    let (_dir, engine) = build(&[
        passage(
            "apart",
            Lang::En,
            "Bench notes",
            "A sound test followed the shock absorber check.",
        ),
        passage(
            "close",
            Lang::En,
            "Engines",
            "The shock sounds of the engine were recorded.",
        ),
        passage("one", Lang::En, "Waves", "The sound of waves."),
        passage("written", Lang::En, "Aircraft", "Wing-flutter tests."),
        passage("loose", Lang::En, "Birds", "The wing and a flutter."),
        passage(
            "ratio",
            Lang::Es,
            "Evaluación",
            "El análisis de costo y de beneficio de la cartera.",
        ),
        passage("cost", Lang::Es, "Presupuesto", "El costo del programa."),
    ]);
    // Before: `shock-sound` was searched only as the phrase `shock sound`, which no passage
    // holds, so nothing was found (beside other words, the word was dropped without a
    // word). Now its words are searched as any two words typed are: close together first,
    // then both, then one.
    let response = engine.search(&SearchRequest::new("shock-sound")).unwrap();
    let found: Vec<&str> = response.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(found, ["close", "apart", "one"]);
    let found = expansions(&response);
    assert_eq!(
        rule(&found, "split"),
        [(
            "shock-sound",
            &["shock".to_string(), "sound".to_string()][..]
        )]
    );
    // A compound some passage writes is searched as written.
    let written = engine.search(&SearchRequest::new("wing-flutter")).unwrap();
    let found: Vec<&str> = written.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(found, ["written"]);
    assert!(rule(&expansions(&written), "split").is_empty());
    // No passage writes `costo/beneficio`: it is found as its words, and required with `+`.
    assert_eq!(
        ids(&engine, &SearchRequest::new("costo/beneficio")),
        ["ratio", "cost"]
    );
    assert_eq!(
        ids(&engine, &SearchRequest::new("+costo/beneficio programa")),
        ["ratio"]
    );
    // Also with expansion off: reading a word is not an expansion.
    let plain = engine
        .search(&SearchRequest {
            expand: false,
            ..SearchRequest::new("costo/beneficio")
        })
        .unwrap();
    assert_eq!(plain.total, 2);
    assert_eq!(rule(&expansions(&plain), "split").len(), 1);
    // Numbers and other joins are searched as written.
    let dates = engine.search(&SearchRequest::new("2022-2023")).unwrap();
    assert!(rule(&expansions(&dates), "split").is_empty());
}

/// A passage about twin primes, and one whose only word in common with a question about them
/// is `qué`.
fn twins_and_a_question() -> (tempfile::TempDir, Engine) {
    build(&[
        passage(
            "twins",
            Lang::Es,
            "Números",
            "Los primos gemelos difieren en dos unidades.",
        ),
        passage(
            "noise",
            Lang::Es,
            "Preguntas",
            "Dime qué número sigue en la serie.",
        ),
    ])
}

#[test]
fn a_quoted_phrase_nothing_contains_is_searched_as_its_words_even_beside_other_words() {
    let (_dir, engine) = twins_and_a_question();
    // Before: the phrase matched nothing, `Qué` matched a passage, so only `Qué` was
    // searched and the answer was missing. Now the phrase is searched as its words.
    let response = engine
        .search(&SearchRequest::new("¿Qué es un \"primo gemelo\"?"))
        .unwrap();
    assert_eq!(response.hits[0].id, "twins");
    assert_eq!(
        rule(&expansions(&response), "phrase"),
        [(
            "\"primo gemelo\"",
            &["primo".to_string(), "gemelo".to_string()][..]
        )]
    );
    // A phrase some passage contains stays exact.
    let exact = engine
        .search(&SearchRequest::new("\"primos gemelos\""))
        .unwrap();
    assert_eq!(exact.hits.len(), 1);
    assert!(rule(&expansions(&exact), "phrase").is_empty());
    // With expansion off the phrase is searched as typed.
    let plain = engine
        .search(&SearchRequest {
            expand: false,
            ..SearchRequest::new("¿Qué es un \"primo gemelo\"?")
        })
        .unwrap();
    assert!(plain.hits.iter().all(|h| h.id != "twins"));
    assert!(rule(&expansions(&plain), "phrase").is_empty());
}

#[test]
fn accent_variants_are_an_expansion_and_stay_out_with_expansion_off() {
    let (_dir, engine) = build(&[
        passage(
            "colonia",
            Lang::Es,
            "Asentamientos",
            "La colonia agrícola creció.",
        ),
        passage("colonos", Lang::Es, "Historia", "Los colonos llegaron."),
        passage("colon", Lang::Es, "Viajes", "Cristóbal Colón cruzó el mar."),
    ]);
    // Before: with expansion off, `colonia` still searched the stem of `Colón` (`colon`)
    // and found the settlers too. Now only its own stem.
    let plain = SearchRequest {
        expand: false,
        ..SearchRequest::new("colonia")
    };
    assert_eq!(ids(&engine, &plain), ["colonia"]);
    // Expanded, the accent rule reaches them and says so.
    let response = engine.search(&SearchRequest::new("colonia")).unwrap();
    assert_eq!(response.hits[0].id, "colonia");
    assert!(response.total > 1, "{:?}", response.hits);
    assert_eq!(rule(&expansions(&response), "accent").len(), 1);
}

#[test]
fn only_the_stop_words_of_the_query_s_language_are_dropped() {
    let (_dir, engine) = build(&[
        passage("son", Lang::En, "Farm", "The son inherited the farm."),
        passage(
            "daughter",
            Lang::En,
            "Land",
            "The daughter inherited the farm.",
        ),
        passage(
            "series",
            Lang::Es,
            "Televisión",
            "Doctor Who es una serie británica.",
        ),
        passage(
            "clinic",
            Lang::Es,
            "Salud",
            "El doctor atendió a los pacientes.",
        ),
    ]);
    let top = |query: &str| {
        let response = engine.search(&SearchRequest::new(query)).unwrap();
        let hits: Vec<(String, f32)> = response.hits.into_iter().map(|h| (h.id, h.score)).collect();
        assert!(hits.len() > 1, "{query}: {hits:?}");
        assert!(hits[0].1 > hits[1].1, "{query}: a tie {hits:?}");
        hits[0].0.clone()
    };
    // Before: `son`, a Spanish stop word, was dropped from this English query, and both
    // passages about the farm tied.
    assert_eq!(top("the son who inherited the farm"), "son");
    // Before: `who`, an English stop word, was dropped from this Spanish query.
    assert_eq!(top("¿Quién interpretó a Doctor Who?"), "series");
}

#[test]
fn a_question_s_words_asking_for_a_name_or_a_year_are_not_searched() {
    let (_dir, engine) = build(&[
        passage(
            "answer",
            Lang::Es,
            "Comités",
            "El comité regional de fomento productivo de Biobío agrupa a los servicios públicos.",
        ),
        passage(
            "naming",
            Lang::Es,
            "Nombres",
            "El nombre del nuevo comité se llama así por el río; el comité se llamaba distinto.",
        ),
        passage(
            "llamas",
            Lang::Es,
            "Ganadería",
            "En Puno las familias crían llamas y alpacas para el mercado regional.",
        ),
        passage(
            "founded",
            Lang::Es,
            "Agencias",
            "La agencia de Coquimbo nació en 2019.",
        ),
        passage(
            "yearly",
            Lang::Es,
            "Planes",
            "Cada año, año tras año, la agencia de Coquimbo revisa su plan.",
        ),
    ]);
    let top = |query: &str| ids(&engine, &SearchRequest::new(query))[0].clone();
    // Before: `nombre` and `llama` were searched, and the passage that says them (but not
    // which committee the question is about) came first.
    assert_eq!(
        top("¿Cómo se llama el comité regional de Biobío?"),
        "answer"
    );
    assert_eq!(
        top("¿Cuál es el nombre del comité regional de Biobío?"),
        "answer"
    );
    // Before: `año` was searched, and the passage that says it three times came first.
    assert_eq!(
        top("¿En qué año se creó la agencia de Coquimbo?"),
        "founded"
    );
    // Not a question: every word is searched.
    assert_eq!(top("nombre comité"), "naming");
    assert_eq!(top("agencia año"), "yearly");
    // `llamas` in a question is the animal: searched.
    assert_eq!(top("¿Dónde se crían llamas?"), "llamas");
    // A question of nothing else still looks for the words typed.
    assert_eq!(top("¿Cómo se llama?"), "naming");
    // The response names the words not searched, once each; none when they were searched.
    let reported = |query: &str| {
        let response = engine.search(&SearchRequest::new(query)).unwrap();
        let found = expansions(&response);
        rule(&found, "question")
            .iter()
            .map(|(from, to)| {
                assert!(to.is_empty(), "{query}: {to:?}");
                from.to_string()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        reported("¿Cómo se llama el comité? ¿Se llama así?"),
        ["llama"]
    );
    assert_eq!(reported("¿En qué año se creó la agencia?"), ["año"]);
    assert!(reported("¿Cómo se llama?").is_empty());
    assert!(reported("agencia año").is_empty());
}

#[test]
fn a_stop_word_typed_with_its_punctuation_is_a_stop_word() {
    let (_dir, engine) = twins_and_a_question();
    // Before: `¿Qué` was not taken for `qué` and was searched, so every passage that says
    // `qué` (or `que`) came up.
    assert_eq!(
        ids(&engine, &SearchRequest::new("¿Qué gemelos?")),
        ["twins"]
    );
    // A query of stop words alone still looks for them as typed.
    assert_eq!(ids(&engine, &SearchRequest::new("¿Qué?")), ["noise"]);
}

#[test]
fn a_name_inside_a_sentence_is_translated_only_as_the_word_it_is() {
    let (_dir, engine) = build(&[
        passage(
            "player",
            Lang::Es,
            "Deportes",
            "Peyton Manning jugó en Denver.",
        ),
        passage("man", Lang::Es, "Calle", "El hombre camina."),
        passage(
            "country",
            Lang::Es,
            "Europa",
            "Alemania exporta maquinaria.",
        ),
    ]);
    let translated = |response: &minga_engine::SearchResponse| -> Vec<String> {
        rule(&expansions(response), "translation")
            .into_iter()
            .map(|(from, _)| from.to_string())
            .collect()
    };
    // Before: `Manning` was translated by the headword sharing its stem, `man` (`hombre`),
    // and the passage about a man came up.
    let response = engine
        .search(&SearchRequest::new("Where did Manning play?"))
        .unwrap();
    let found: Vec<&str> = response.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(found, ["player"]);
    assert!(
        !translated(&response).contains(&"Manning".to_string()),
        "{:?}",
        response.expanded
    );
    // Not a name, the word still goes by its stem.
    let response = engine
        .search(&SearchRequest::new("manning the boats"))
        .unwrap();
    assert!(translated(&response).contains(&"manning".to_string()));
    // A name the dictionary knows as itself is translated.
    let response = engine
        .search(&SearchRequest::new("What does Germany export?"))
        .unwrap();
    assert_eq!(response.hits[0].id, "country");
    assert!(translated(&response).contains(&"Germany".to_string()));
}

//! A small brief with awkward text, for the renderers' unit tests.

use minga_core::{Date, Kind, Lang, LessonParts, Passage, SourceRef};

use crate::{Brief, Corpus, Filter, FilterName, Found, Order, Scope};

fn passage(id: &str, parent: &str, kind: Kind) -> Passage {
    Passage {
        id: id.into(),
        parent: parent.into(),
        kind,
        title: String::new(),
        title_source: Default::default(),
        heading: None,
        heading_level: 0,
        text: String::new(),
        lang: Lang::Es,
        country: Some("Chile".into()),
        regions: Vec::new(),
        institutions: Vec::new(),
        date: Date::from_ymd(2023, 1, 25),
        date_source: None,
        event: Some("Pasantía de prueba".into()),
        location: None,
        topics: Vec::new(),
        authors: Vec::new(),
        edition_of: None,
        source: SourceRef::default(),
        position: 1,
        lesson: None,
    }
}

/// Three lessons from two documents and one record: markup, quotes, commas and line breaks
/// in the text, a PDF page, a lesson with no region.
pub(crate) fn brief(lang: Lang) -> Brief {
    let mut note = passage("nota:l1", "nota", Kind::Lesson);
    note.title = "Mesa de *trabajo* en Concepción".into();
    note.heading = Some("La articulación necesita un mandato".into());
    note.regions = vec!["Biobío".into(), "Apurímac".into()];
    note.institutions = vec!["CDPR Biobío".into(), "Rimisp".into()];
    note.authors = vec!["Equipo de relatoría".into()];
    note.location = Some("Concepción".into());
    note.source = SourceRef {
        path: "notas/biobio.md".into(),
        section: Some("La articulación necesita un mandato".into()),
        page: None,
        line: Some(22),
    };
    note.lesson = Some(LessonParts {
        lesson: "La articulación dura con un mandato <script>alert(\"x\")</script>\ny una \
                 secretaría, \"formal\"."
            .into(),
        context: Some("Las mesas sin mandato se disolvían.\n\nSegundo párrafo, con coma.".into()),
        recommendation: Some("Formalizar el mandato.".into()),
    });

    let mut pdf = passage("informe:l2", "informe", Kind::Lesson);
    pdf.title = "Informe de síntesis".into();
    pdf.heading = Some("Los datos ordenan".into());
    pdf.regions = vec!["Biobío".into()];
    pdf.institutions = vec!["CDPR Biobío".into()];
    pdf.source = SourceRef {
        path: "informes/sintesis.pdf".into(),
        section: Some("Los datos ordenan".into()),
        page: Some(21),
        line: None,
    };
    pdf.lesson = Some(LessonParts {
        lesson: "Un tablero común reduce la discusión sobre cifras.".into(),
        ..LessonParts::default()
    });

    let mut record = passage("lec-9", "lec-9", Kind::Lesson);
    record.title = "Governance needs a shared agenda".into();
    record.lang = Lang::En;
    record.institutions = vec!["GIZ".into()];
    record.date = None;
    record.event = None;
    record.source = SourceRef {
        path: "lecciones.jsonl".into(),
        section: None,
        page: None,
        line: Some(3),
    };
    record.text = "Regional governance improved with a shared agenda.".into();

    let scope = Scope {
        query: "articulación".into(),
        filters: vec![
            Filter::new(FilterName::Region, "biobio"),
            Filter::new(FilterName::Lang, "es"),
        ],
        order: Order::Relevance,
        limit: 20,
        matching: 3,
        corpus: Corpus {
            documents: 9,
            passages: 40,
        },
        generated: Date::from_ymd(2024, 5, 2).expect("a valid date"),
    };
    let found = vec![
        Found {
            lesson: record,
            document_kind: Some(Kind::Lesson),
            copies: Vec::new(),
        },
        Found {
            lesson: note,
            document_kind: Some(Kind::SessionNote),
            copies: Vec::new(),
        },
        Found {
            lesson: pdf,
            document_kind: Some(Kind::Report),
            copies: Vec::new(),
        },
    ];
    Brief::assemble(None, scope, found, lang)
}

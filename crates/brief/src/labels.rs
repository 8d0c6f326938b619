//! The words of a brief, in Spanish (the default) and English.

use minga_core::{Date, DateSource, Kind, Lang};

use crate::model::{FilterName, Order};

/// Every fixed word a rendered brief uses, in one language.
#[derive(Debug)]
pub(crate) struct Labels {
    lang: Lang,
    pub title: &'static str,
    pub query: &'static str,
    pub any_query: &'static str,
    pub filters: &'static str,
    pub no_filters: &'static str,
    pub lessons: &'static str,
    pub corpus: &'static str,
    pub generated: &'static str,
    pub with_minga: &'static str,
    pub note: &'static str,
    pub no_lessons: &'static str,
    pub no_region: &'static str,
    pub no_institution: &'static str,
    pub context: &'static str,
    pub recommendation: &'static str,
    pub other_regions: &'static str,
    pub other_institutions: &'static str,
    pub sources: &'static str,
    pub sources_note: &'static str,
    pub file: &'static str,
    pub page: &'static str,
    pub line: &'static str,
    pub id: &'static str,
    pub scope: &'static str,
    /// Said after a date that is only a file's creation date.
    pub file_date: &'static str,
    /// CSV column names, in column order.
    pub columns: [&'static str; 17],
}

const ES: Labels = Labels {
    lang: Lang::Es,
    title: "Lecciones aprendidas",
    query: "Consulta",
    any_query: "(todas las lecciones)",
    filters: "Filtros",
    no_filters: "ninguno",
    lessons: "Lecciones",
    corpus: "Corpus",
    generated: "Generado",
    with_minga: "con Minga",
    note: "Cada lección aparece una sola vez: bajo la primera de sus regiones y la primera de \
           sus instituciones que nombran los filtros (sin filtro, las primeras que lista su \
           fuente); las demás se indican junto a la lección. Los números entre corchetes \
           remiten a las fuentes, al final.",
    no_lessons: "Ninguna lección coincide con esta búsqueda.",
    no_region: "Sin región",
    no_institution: "Sin institución",
    context: "Contexto",
    recommendation: "Recomendación",
    other_regions: "Otras regiones",
    other_institutions: "Otras instituciones",
    sources: "Fuentes",
    sources_note: "En orden de primera cita. Las rutas son relativas a la carpeta del corpus.",
    file: "Archivo",
    page: "p.",
    line: "línea",
    id: "id",
    scope: "Alcance",
    file_date: "fecha del archivo",
    columns: [
        "cita",
        "región",
        "institución",
        "fecha",
        "evento",
        "lección",
        "contexto",
        "recomendación",
        "título de la fuente",
        "archivo",
        "página",
        "línea",
        "sección",
        "id del documento",
        "id de la lección",
        "regiones",
        "instituciones",
    ],
};

const EN: Labels = Labels {
    lang: Lang::En,
    title: "Lessons learned",
    query: "Query",
    any_query: "(every lesson)",
    filters: "Filters",
    no_filters: "none",
    lessons: "Lessons",
    corpus: "Corpus",
    generated: "Generated",
    with_minga: "with Minga",
    note: "Each lesson appears once: under the first of its regions and the first of its \
           institutions that the filters name (without a filter, the first its source lists); \
           the others are given beside the lesson. Numbers in brackets refer to the sources, \
           at the end.",
    no_lessons: "No lesson matches this search.",
    no_region: "No region",
    no_institution: "No institution",
    context: "Context",
    recommendation: "Recommendation",
    other_regions: "Other regions",
    other_institutions: "Other institutions",
    sources: "Sources",
    sources_note: "In order of first citation. Paths are relative to the corpus folder.",
    file: "File",
    page: "p.",
    line: "line",
    id: "id",
    scope: "Scope",
    file_date: "file date",
    columns: [
        "citation",
        "region",
        "institution",
        "date",
        "event",
        "lesson",
        "context",
        "recommendation",
        "source title",
        "file",
        "page",
        "line",
        "section",
        "document id",
        "lesson id",
        "regions",
        "institutions",
    ],
};

/// The labels in `lang`.
pub(crate) fn labels(lang: Lang) -> &'static Labels {
    match lang.ui() {
        Lang::Es => &ES,
        _ => &EN,
    }
}

impl Labels {
    fn es(&self) -> bool {
        self.lang == Lang::Es
    }

    /// A date as written at its precision ("mayo de 2024"), said to be the file's date when
    /// it is only that.
    pub fn date(&self, date: Date, source: Option<DateSource>) -> String {
        let label = date.label(self.lang);
        match source {
            Some(DateSource::File) => format!("{label} ({})", self.file_date),
            _ => label,
        }
    }

    /// A filter's name: `región`, `region`.
    pub fn filter(&self, name: FilterName) -> &'static str {
        let (es, en) = match name {
            FilterName::Region => ("región", "region"),
            FilterName::Institution => ("institución", "institution"),
            FilterName::Lang => ("idioma", "language"),
            FilterName::Topic => ("tema", "topic"),
            FilterName::Year => ("año", "year"),
            FilterName::From => ("desde", "from"),
            FilterName::To => ("hasta", "to"),
        };
        if self.es() { es } else { en }
    }

    /// A document kind, in lower case: `nota de sesión`, `session note`.
    pub fn kind(&self, kind: Kind) -> &'static str {
        let (es, en) = match kind {
            Kind::SessionNote => ("nota de sesión", "session note"),
            Kind::AgencyProfile => ("perfil de agencia", "agency profile"),
            Kind::Report => ("informe", "report"),
            Kind::Lesson => ("registro de lección", "lesson record"),
            Kind::Other => ("documento", "document"),
        };
        if self.es() { es } else { en }
    }

    /// A language's name: `español`, `Spanish`, `francés`.
    pub fn lang(&self, lang: Lang) -> &'static str {
        lang.name(self.lang)
    }

    /// "the 20 best of 40 matching", or "18, every one that matches".
    pub fn lesson_count(&self, shown: usize, matching: usize, order: Order) -> String {
        if shown >= matching {
            return if self.es() {
                format!("{shown}, todas las que coinciden")
            } else {
                format!("{shown}, every one that matches")
            };
        }
        match (order, self.es()) {
            (Order::Relevance, true) => {
                format!("las {shown} más pertinentes de {matching} que coinciden")
            }
            (Order::Date, true) => format!("las {shown} más recientes de {matching} que coinciden"),
            (Order::Relevance, false) => format!("the {shown} best of {matching} matching"),
            (Order::Date, false) => format!("the {shown} newest of {matching} matching"),
        }
    }

    /// "93 documents, 591 passages".
    pub fn corpus_size(&self, documents: usize, passages: usize) -> String {
        if self.es() {
            format!("{documents} documentos, {passages} pasajes indexados")
        } else {
            format!("{documents} documents, {passages} passages indexed")
        }
    }

    /// "and 3 more".
    pub fn and_more(&self, n: usize) -> String {
        if self.es() {
            format!("y {n} más")
        } else {
            format!("and {n} more")
        }
    }
}

//! The document model: what readers produce ([`Document`]) and what the engine indexes and
//! returns ([`Passage`]).
//!
//! A source file yields one or more documents (a Markdown note is one; a JSONL file is one a
//! line). A document is split into passages of a few hundred words at most, each keeping its
//! section heading, so a hit points at the paragraph that answers, not at a 40-page report.
//! Lessons learned become passages of kind [`Kind::Lesson`] of their own, linked to their
//! document by `parent`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Date, Error, Lang, fold_key};

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Notes of a workshop, field visit or working table.
    SessionNote,
    /// The profile of an agency or institution.
    AgencyProfile,
    /// A published report.
    Report,
    /// A lesson learned, as a record of its own.
    Lesson,
    /// Anything else.
    Other,
}

impl Kind {
    /// Every kind, in the order menus show them.
    pub const ALL: [Kind; 5] = [
        Kind::SessionNote,
        Kind::AgencyProfile,
        Kind::Report,
        Kind::Lesson,
        Kind::Other,
    ];

    /// The name used in files, filters and JSON: `session_note`, `agency_profile`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SessionNote => "session_note",
            Kind::AgencyProfile => "agency_profile",
            Kind::Report => "report",
            Kind::Lesson => "lesson",
            Kind::Other => "other",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Error;

    /// Accepts the canonical names and the words people write in front matter, in Spanish or
    /// English (`nota de sesión`, `perfil`, `informe`, `lección aprendida`, `profile`, …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match fold_key(s).as_str() {
            "sessionnote" | "session" | "note" | "notes" | "sessionnotes" | "nota" | "notas"
            | "notadesesion" | "notasdesesion" | "acta" | "relatoria" | "minutes" => {
                Ok(Kind::SessionNote)
            }
            "agencyprofile"
            | "profile"
            | "perfil"
            | "perfildeagencia"
            | "perfilinstitucional"
            | "institutionprofile"
            | "ficha" => Ok(Kind::AgencyProfile),
            "report" | "informe" | "reporte" | "estudio" | "study" | "documento" => {
                Ok(Kind::Report)
            }
            "lesson"
            | "lessons"
            | "lessonlearned"
            | "leccion"
            | "lecciones"
            | "leccionaprendida"
            | "leccionesaprendidas" => Ok(Kind::Lesson),
            "other" | "otro" | "otros" => Ok(Kind::Other),
            _ => Err(Error::InvalidKind(s.to_string())),
        }
    }
}

/// A section of a document as its source laid it out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The heading that opens the section, if any (text before the first heading has none).
    pub heading: Option<String>,
    /// The heading's level: 1 for `#`, 2 for `##`…; 0 where there is no heading.
    pub level: u8,
    /// The section's text, paragraphs separated by blank lines.
    pub text: String,
    /// The page it starts on, for paginated sources (PDF).
    pub page: Option<u32>,
    /// The line of the source file where it starts, 1-based, where the format has lines.
    pub line: Option<u32>,
}

/// A whole document as read from its source, before it is split into passages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable identifier: given by the record, or derived from the file's path.
    pub id: String,
    pub kind: Kind,
    pub title: String,
    /// Declared language; `None` means "detect it".
    pub lang: Option<Lang>,
    /// Canonical country name (`Perú`, `Chile`).
    pub country: Option<String>,
    /// Canonical region names (`Biobío`, `San Martín`).
    pub regions: Vec<String>,
    /// Canonical institution names (`CRDP Coquimbo`, `MEF`).
    pub institutions: Vec<String>,
    pub date: Option<Date>,
    /// The event the document comes from (a workshop, an internship).
    pub event: Option<String>,
    /// Where it happened (a city, an office).
    pub location: Option<String>,
    pub topics: Vec<String>,
    pub authors: Vec<String>,
    /// Path of the source file relative to the corpus folder, `/`-separated.
    pub source: String,
    /// The line where the record starts, for files that hold many records (JSONL, CSV).
    pub line: Option<u32>,
    pub sections: Vec<Section>,
}

impl Document {
    /// An empty document with the given id, source path and kind [`Kind::Other`].
    pub fn new(id: impl Into<String>, source: impl Into<String>) -> Document {
        Document {
            id: id.into(),
            kind: Kind::Other,
            title: String::new(),
            lang: None,
            country: None,
            regions: Vec::new(),
            institutions: Vec::new(),
            date: None,
            event: None,
            location: None,
            topics: Vec::new(),
            authors: Vec::new(),
            source: source.into(),
            line: None,
            sections: Vec::new(),
        }
    }

    /// All the document's text, sections joined by blank lines.
    pub fn full_text(&self) -> String {
        let mut out = String::new();
        for section in &self.sections {
            if let Some(h) = &section.heading {
                push_paragraph(&mut out, h);
            }
            push_paragraph(&mut out, &section.text);
        }
        out
    }
}

fn push_paragraph(out: &mut String, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(text);
}

/// Where a passage comes from, precisely enough for a reader to check a quote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// Path of the source file relative to the corpus folder.
    pub path: String,
    /// The section heading the passage sits under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// The page, for paginated sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The line of the source file where the passage (or its record) starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// The parts of a lesson as lessons-learned systems structure them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonParts {
    /// The lesson itself, in one or two sentences.
    pub lesson: String,
    /// What happened: the situation the lesson comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// What to do next time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
}

/// The unit Minga indexes and returns: a piece of a document a few hundred words long, with
/// its document's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable identifier: the document's id for a one-passage document, `{doc}:p{n}` for the
    /// n-th passage of a longer one, `{doc}:l{n}` for its n-th lesson.
    pub id: String,
    /// The id of the document this passage belongs to.
    pub parent: String,
    pub kind: Kind,
    /// The document's title.
    pub title: String,
    /// The section heading the passage sits under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub text: String,
    pub lang: Lang,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub regions: Vec<String>,
    pub institutions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub topics: Vec<String>,
    pub authors: Vec<String>,
    pub source: SourceRef,
    /// 1-based position among the document's passages.
    pub position: u32,
    /// The structured parts, for lessons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lesson: Option<LessonParts>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_what_people_write() {
        assert_eq!("Nota de sesión".parse::<Kind>().unwrap(), Kind::SessionNote);
        assert_eq!(
            "agency_profile".parse::<Kind>().unwrap(),
            Kind::AgencyProfile
        );
        assert_eq!("Informe".parse::<Kind>().unwrap(), Kind::Report);
        assert_eq!(
            "lecciones aprendidas".parse::<Kind>().unwrap(),
            Kind::Lesson
        );
        assert!("memo".parse::<Kind>().is_err());
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>().unwrap(), kind);
        }
    }

    #[test]
    fn passage_json_is_snake_case() {
        let json = serde_json::to_value(Kind::SessionNote).unwrap();
        assert_eq!(json, "session_note");
    }
}

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

use crate::{Date, DateSource, Error, Lang, fold_key};

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

/// Where an item of a list sits in its list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    /// 0 for an item of a top-level list, 1 for an item of a list inside one, and so on.
    pub depth: u8,
    /// Its number in a numbered list (`3` for `3.`, `3)` or `c)`), `None` for a bullet.
    pub number: Option<u32>,
}

/// A piece of a section's body as its source laid it out: a paragraph, or an item of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// The text, without the list marker; lines of the source kept where they matter.
    pub text: String,
    /// `Some` for an item of a list.
    pub item: Option<ListItem>,
    /// The page it starts on, for paginated sources (PDF).
    pub page: Option<u32>,
    /// The line of the source file where it starts, 1-based, where the format has lines.
    pub line: Option<u32>,
}

impl Block {
    /// A paragraph.
    pub fn paragraph(text: impl Into<String>) -> Block {
        Block {
            text: text.into(),
            ..Block::default()
        }
    }

    /// An item of a list, `depth` lists deep, numbered or not.
    pub fn item(text: impl Into<String>, depth: u8, number: Option<u32>) -> Block {
        Block {
            text: text.into(),
            item: Some(ListItem { depth, number }),
            ..Block::default()
        }
    }

    /// The same block, starting at `line` of its source.
    pub fn at_line(mut self, line: Option<u32>) -> Block {
        self.line = line;
        self
    }

    /// The same block, starting on `page`.
    pub fn on_page(mut self, page: Option<u32>) -> Block {
        self.page = page;
        self
    }
}

/// Blocks as one text: paragraphs apart by a blank line, items of a list on lines of their
/// own, marked `- ` or `3. ` and indented two spaces a level.
pub fn render_blocks<'a>(blocks: impl IntoIterator<Item = &'a Block>) -> String {
    let mut out = String::new();
    let mut previous_item = false;
    for block in blocks {
        let text = block.text.trim();
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if previous_item && block.item.is_some() {
                "\n"
            } else {
                "\n\n"
            });
        }
        match block.item {
            Some(item) => {
                let indent = "  ".repeat(usize::from(item.depth));
                let marker = match item.number {
                    Some(n) => format!("{n}. "),
                    None => "- ".to_string(),
                };
                out.push_str(&indent);
                out.push_str(&marker);
                let continuation = " ".repeat(indent.len() + marker.chars().count());
                for (i, line) in text.lines().enumerate() {
                    if i > 0 {
                        out.push('\n');
                        if !line.trim().is_empty() {
                            out.push_str(&continuation);
                        }
                    }
                    out.push_str(line.trim_end());
                }
            }
            None => out.push_str(text),
        }
        previous_item = block.item.is_some();
    }
    out
}

/// A section of a document as its source laid it out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The heading that opens the section, if any (text before the first heading has none).
    pub heading: Option<String>,
    /// The heading's level: 1 for `#`, 2 for `##`…; 0 where there is no heading.
    pub level: u8,
    /// The section's body, in source order.
    pub blocks: Vec<Block>,
    /// The page it starts on, for paginated sources (PDF).
    pub page: Option<u32>,
    /// The line of the source file where it starts, 1-based, where the format has lines.
    pub line: Option<u32>,
}

impl Section {
    /// The body as one text (see [`render_blocks`]).
    pub fn text(&self) -> String {
        render_blocks(&self.blocks)
    }

    /// Whether the body holds a letter or a digit.
    pub fn has_text(&self) -> bool {
        self.blocks
            .iter()
            .any(|b| b.text.chars().any(char::is_alphanumeric))
    }
}

/// Where a document's title comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleSource {
    /// Declared: front matter, a record's field, a file's title property.
    #[default]
    Metadata,
    /// The document's first heading (a Title or Heading 1 paragraph, an `<h1>`, a `#` line).
    Heading,
    /// Derived from the opening words of its text (a title page, an untitled record): shown
    /// as a label, not searched as a title.
    Text,
    /// The file's name, when the document has nothing better.
    File,
}

impl TitleSource {
    /// Whether the title was declared by the document's metadata.
    pub fn is_declared(&self) -> bool {
        *self == TitleSource::Metadata
    }

    /// Whether the title's words are searched as a title (a title made of the text's opening
    /// words is not: they would count twice).
    pub fn is_searchable(self) -> bool {
        self != TitleSource::Text
    }
}

/// A whole document as read from its source, before it is split into passages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable identifier: given by the record, or derived from the file's path.
    pub id: String,
    pub kind: Kind,
    pub title: String,
    /// Where the title comes from.
    #[serde(default)]
    pub title_source: TitleSource,
    /// Declared language; `None` means "detect it".
    pub lang: Option<Lang>,
    /// Canonical country name (`Perú`, `Chile`).
    pub country: Option<String>,
    /// Canonical region names (`Biobío`, `San Martín`).
    pub regions: Vec<String>,
    /// Canonical institution names (`CRDP Coquimbo`, `MEF`).
    pub institutions: Vec<String>,
    pub date: Option<Date>,
    /// Where `date` comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<DateSource>,
    /// The event the document comes from (a workshop, an internship).
    pub event: Option<String>,
    /// Where it happened (a city, an office).
    pub location: Option<String>,
    pub topics: Vec<String>,
    pub authors: Vec<String>,
    /// The id of the document this one is another edition of (its PDF or DOCX, an HTML
    /// export, a later draft), as its metadata declares (`edition_of`, `same_as`): search
    /// shows the two as one work.
    pub edition_of: Option<String>,
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
            title_source: TitleSource::default(),
            lang: None,
            country: None,
            regions: Vec::new(),
            institutions: Vec::new(),
            date: None,
            date_source: None,
            event: None,
            location: None,
            topics: Vec::new(),
            authors: Vec::new(),
            edition_of: None,
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
            push_paragraph(&mut out, &section.text());
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

fn is_zero(n: &u8) -> bool {
    *n == 0
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
    /// Where the title comes from: a title derived from the text is shown but not searched
    /// as a title.
    #[serde(default, skip_serializing_if = "TitleSource::is_declared")]
    pub title_source: TitleSource,
    /// The section heading the passage sits under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// That heading's level in its document: 1 for a title (`#`, Heading 1, `<h1>`), 2 for a
    /// section under it…; 0 where the passage has no heading or the format gives no level.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub heading_level: u8,
    pub text: String,
    pub lang: Lang,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub regions: Vec<String>,
    pub institutions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Where `date` comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<DateSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub topics: Vec<String>,
    pub authors: Vec<String>,
    /// The document's `edition_of` (see [`Document::edition_of`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition_of: Option<String>,
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
    fn blocks_render_as_paragraphs_and_marked_items() {
        let blocks = [
            Block::paragraph("Dos lecciones:"),
            Block::item("La primera.", 0, Some(1)),
            Block::item("Con un detalle\nen dos líneas.", 1, None),
            Block::item("La segunda.", 0, Some(2)),
            Block::paragraph("  "),
            Block::paragraph("Cierre."),
        ];
        assert_eq!(
            render_blocks(&blocks),
            "Dos lecciones:\n\n1. La primera.\n  - Con un detalle\n    en dos líneas.\n2. La segunda.\n\nCierre."
        );
    }

    #[test]
    fn passage_json_is_snake_case() {
        let json = serde_json::to_value(Kind::SessionNote).unwrap();
        assert_eq!(json, "session_note");
    }
}

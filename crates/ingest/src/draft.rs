//! What a format reader hands back: the documents of a file before ids, inherited metadata,
//! language and normalisation are settled (see [`crate::Reader`]).

use minga_core::{Date, Section};

use crate::Problem;
use crate::meta::{Field, Metadata};

/// One document as a format reader found it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    /// The metadata the file itself gives (front matter, record fields, embedded properties).
    pub meta: Metadata,
    /// The body, as laid out in the source. Empty for records, whose text is in `meta`.
    pub sections: Vec<Section>,
    /// The line the record starts on, for files that hold many records.
    pub line: Option<u32>,
    /// The record's 1-based number in a multi-record file (line for JSONL, row for CSV).
    pub record: Option<usize>,
    /// A title found in the body (the first `#` heading, the first `<h1>`), used when the
    /// metadata gives none.
    pub title_hint: Option<String>,
    /// The date the file's own properties give (a PDF's `CreationDate`, a DOCX's
    /// `created`): when the file was made, used only when nothing better is found.
    pub file_date: Option<Date>,
}

impl Draft {
    /// A record made of metadata only (JSON object, CSV row), starting at `line`.
    pub(crate) fn record(meta: Metadata, line: Option<u64>, record: usize) -> Draft {
        Draft {
            meta,
            line: line.and_then(|l| u32::try_from(l).ok()),
            record: Some(record),
            ..Draft::default()
        }
    }

    /// Whether a record has something to index: a text, a title or a lesson part.
    pub(crate) fn has_content(&self) -> bool {
        !self.sections.is_empty()
            || [
                Field::Text,
                Field::Title,
                Field::Lesson,
                Field::Context,
                Field::Recommendation,
            ]
            .into_iter()
            .any(|f| self.meta.has(f))
    }
}

/// Everything a format reader found in one file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extracted {
    pub drafts: Vec<Draft>,
    /// Records skipped, rows repaired, values ignored.
    pub problems: Vec<Problem>,
    /// Whether the file holds many records (ids are then `{file}-{n}` unless declared).
    pub multi_record: bool,
}

impl Extracted {
    /// A file that is one document.
    pub(crate) fn single(draft: Draft) -> Extracted {
        Extracted {
            drafts: vec![draft],
            problems: Vec::new(),
            multi_record: false,
        }
    }
}

/// Joins paragraphs with blank lines, dropping blank ones.
pub(crate) fn join_paragraphs<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for p in paragraphs {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(p);
    }
    out
}

/// Trims trailing space from every line, removes leading and trailing blank lines and
/// squeezes runs of blank lines into one.
pub(crate) fn tidy_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if blank_run {
            out.push_str("\n\n");
            blank_run = false;
        } else if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidies_blank_lines() {
        assert_eq!(tidy_text("\n\n  a  \n b\n\n\n\nc\n\n"), "  a\n b\n\nc");
        assert_eq!(join_paragraphs(["a ", "", " b"]), "a\n\nb");
    }
}

//! The file formats Minga reads, known by their extension.

use std::fmt;

/// A file format Minga reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// `.md`, `.markdown`: optional YAML front matter, sections at `#` headings.
    Markdown,
    /// `.json`: one object, an array of objects, or `{"documents": [...]}`.
    Json,
    /// `.jsonl`, `.ndjson`: one object a line.
    Jsonl,
    /// `.csv`: a header row, one document a row.
    Csv,
    /// `.txt`, `.text`: paragraphs.
    Text,
    /// `.html`, `.htm`.
    Html,
    /// `.pdf`, text per page.
    Pdf,
    /// `.docx` (Office Open XML).
    Docx,
}

impl Format {
    /// Every format, in the order reports list them.
    pub const ALL: [Format; 8] = [
        Format::Markdown,
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Text,
        Format::Html,
        Format::Pdf,
        Format::Docx,
    ];

    /// The format of a file by its extension (case-insensitive); `None` for anything else.
    pub fn from_path(path: &str) -> Option<Format> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let (stem, ext) = name.rsplit_once('.')?;
        if stem.is_empty() {
            return None;
        }
        Format::from_extension(ext)
    }

    /// The format for an extension without its dot (case-insensitive).
    pub fn from_extension(ext: &str) -> Option<Format> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Format::Markdown,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::Jsonl,
            "csv" => Format::Csv,
            "txt" | "text" => Format::Text,
            "html" | "htm" => Format::Html,
            "pdf" => Format::Pdf,
            "docx" => Format::Docx,
            _ => return None,
        })
    }

    /// The name used in reports and JSON: `markdown`, `json`, `jsonl`, `csv`, `text`, `html`,
    /// `pdf`, `docx`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Text => "text",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }

    /// Whether the format is text (decoded before parsing) rather than a binary container.
    pub fn is_text(self) -> bool {
        !matches!(self, Format::Pdf | Format::Docx)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_by_extension_whatever_the_case() {
        assert_eq!(Format::from_path("notas/a.md"), Some(Format::Markdown));
        assert_eq!(Format::from_path("A.MD"), Some(Format::Markdown));
        assert_eq!(Format::from_path("x/bulk.NDJSON"), Some(Format::Jsonl));
        assert_eq!(Format::from_path("t.text"), Some(Format::Text));
        assert_eq!(Format::from_path("p.Htm"), Some(Format::Html));
        assert_eq!(Format::from_path("r.pdf"), Some(Format::Pdf));
        assert_eq!(Format::from_path("w.docx"), Some(Format::Docx));
        assert_eq!(Format::from_path("w.doc"), None);
        assert_eq!(Format::from_path("Makefile"), None);
        assert_eq!(Format::from_path("dir.md/file"), None);
        assert_eq!(Format::from_path(".md"), None);
        for format in Format::ALL {
            assert_eq!(Format::from_extension(format.as_str()), Some(format));
        }
    }
}

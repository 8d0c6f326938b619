//! What went wrong (or was fixed) with one file or record, for the index report.

use std::fmt;

use serde::Serialize;

/// How a problem affected indexing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The file or record was not indexed.
    Skipped,
    /// Indexed after a fix (decoded as Windows-1252, a ragged CSV row padded, an id cleaned).
    Repaired,
    /// Indexed as-is, but something looks wrong (an unknown region kept as written, a date
    /// that could not be read).
    Warning,
    /// Not a document type Minga reads.
    Ignored,
}

impl Severity {
    /// The name used in reports and JSON: `skipped`, `repaired`, `warning`, `ignored`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Skipped => "skipped",
            Severity::Repaired => "repaired",
            Severity::Warning => "warning",
            Severity::Ignored => "ignored",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing to tell the user about a corpus file: where, why, and what Minga did about it.
///
/// Displays as `informes/x.pdf:12: reason`, `notas/a.md: reason` or `r.pdf (page 3): reason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Path relative to the corpus folder, `/`-separated.
    pub path: String,
    /// 1-based line in the file, where the format has lines.
    pub line: Option<u64>,
    /// 1-based page, for paginated formats.
    pub page: Option<u32>,
    /// What happened, in words a user can act on.
    pub reason: String,
    pub severity: Severity,
}

impl Problem {
    /// A problem with the whole file (no line, no page).
    pub fn new(path: impl Into<String>, severity: Severity, reason: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            line: None,
            page: None,
            reason: reason.into(),
            severity,
        }
    }

    /// A file or record that was not indexed.
    pub fn skipped(path: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem::new(path, Severity::Skipped, reason)
    }

    /// A file or record indexed after a fix.
    pub fn repaired(path: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem::new(path, Severity::Repaired, reason)
    }

    /// A file or record indexed as-is, with something to check.
    pub fn warning(path: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem::new(path, Severity::Warning, reason)
    }

    /// A file Minga does not read.
    pub fn ignored(path: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem::new(path, Severity::Ignored, reason)
    }

    /// The same problem, pinned to a line.
    pub fn at_line(mut self, line: impl Into<Option<u64>>) -> Problem {
        self.line = line.into();
        self
    }

    /// The same problem, pinned to a page.
    pub fn on_page(mut self, page: impl Into<Option<u32>>) -> Problem {
        self.page = page.into();
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(page) = self.page {
            write!(f, " (page {page})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_path_line_and_page() {
        let p = Problem::skipped("informes/x.pdf", "bad").at_line(12);
        assert_eq!(p.to_string(), "informes/x.pdf:12: bad");
        let p = Problem::warning("notas/a.md", "odd");
        assert_eq!(p.to_string(), "notas/a.md: odd");
        let p = Problem::skipped("r.pdf", "no text").on_page(3);
        assert_eq!(p.to_string(), "r.pdf (page 3): no text");
    }

    #[test]
    fn serializes_in_snake_case() {
        let p = Problem::repaired("a.csv", "padded").at_line(4);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["severity"], "repaired");
        assert_eq!(json["line"], 4);
        assert!(json["page"].is_null());
    }
}

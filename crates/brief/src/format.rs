//! The formats a brief is rendered in.

use std::fmt;
use std::str::FromStr;

use crate::model::Brief;
use crate::text::slug;
use crate::{Error, html, markdown, ris, table};

/// A format a brief can be rendered in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// Markdown, to paste into a document (the default).
    #[default]
    Markdown,
    /// One self-contained HTML file that prints on A4.
    Html,
    /// The [`Brief`] model as JSON.
    Json,
    /// One row per lesson.
    Csv,
    /// The sources as RIS records, for reference managers.
    Ris,
}

impl Format {
    /// Every format, in the order menus show them.
    pub const ALL: [Format; 5] = [
        Format::Markdown,
        Format::Html,
        Format::Json,
        Format::Csv,
        Format::Ris,
    ];

    /// The name used in options and parameters, which is also the file extension: `md`,
    /// `html`, `json`, `csv`, `ris`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Ris => "ris",
        }
    }

    /// The media type to serve it with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Ris => "application/x-research-info-systems",
        }
    }

    /// Renders `brief`. The same brief always gives the same text.
    pub fn render(self, brief: &Brief) -> String {
        match self {
            Format::Markdown => markdown::render(brief),
            Format::Html => html::render(brief),
            Format::Json => {
                let mut json = serde_json::to_string_pretty(brief)
                    .expect("a brief has only strings, numbers and lists: it serialises");
                json.push('\n');
                json
            }
            Format::Csv => table::render(brief),
            Format::Ris => ris::render(brief),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = Error;

    /// Accepts the names of [`Format::as_str`] and `markdown`, `htm`, any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "html" | "htm" => Ok(Format::Html),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "ris" => Ok(Format::Ris),
            _ => Err(Error::UnknownFormat(s.to_string())),
        }
    }
}

impl Brief {
    /// A file name for the brief in `format`: `minga-brief-<query and regions>.<ext>`, in
    /// lower-case ASCII (a region filter `Chile/Biobío` counts as `biobio`).
    pub fn file_name(&self, format: Format) -> String {
        let mut words = vec![self.scope.query.as_str()];
        words.extend(
            self.scope
                .filters
                .iter()
                .filter(|f| f.name == crate::FilterName::Region)
                .map(|f| f.value.rsplit('/').next().unwrap_or(&f.value)),
        );
        let mut slug = slug(&words.join(" "));
        if slug.is_empty() {
            slug = crate::text::slug(crate::labels::labels(self.lang).title);
        }
        format!("minga-brief-{slug}.{}", format.as_str())
    }
}

#[cfg(test)]
mod tests {
    use minga_core::Lang;

    use super::*;
    use crate::sample;

    #[test]
    fn names_parse_and_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
        }
        assert_eq!("Markdown".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!(
            "pdf".parse::<Format>(),
            Err(Error::UnknownFormat("pdf".into()))
        );
    }

    #[test]
    fn json_is_the_model_and_reads_back() {
        let brief = sample::brief(Lang::Es);
        let json = Format::Json.render(&brief);
        let back: Brief = serde_json::from_str(&json).expect("the JSON reads back");
        assert_eq!(back, brief);
    }

    #[test]
    fn rendering_is_deterministic() {
        for format in Format::ALL {
            assert_eq!(
                format.render(&sample::brief(Lang::Es)),
                format.render(&sample::brief(Lang::Es))
            );
        }
    }

    #[test]
    fn file_names_are_ascii_slugs() {
        let mut brief = sample::brief(Lang::Es);
        assert_eq!(
            brief.file_name(Format::Html),
            "minga-brief-articulacion-biobio.html"
        );
        brief.scope.filters[0].value = "Chile/Biobío".into();
        assert_eq!(
            brief.file_name(Format::Markdown),
            "minga-brief-articulacion-biobio.md"
        );
        brief.scope.query.clear();
        brief.scope.filters.clear();
        assert_eq!(
            brief.file_name(Format::Ris),
            "minga-brief-lecciones-aprendidas.ris"
        );
    }
}

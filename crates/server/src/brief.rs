//! `GET /api/brief`: the lessons a search finds as a brief to download, in the format asked.
//!
//! The parameters are the search's (`q`, the filters, `sort`, `limit`, `expand`) plus
//! `format`, `ui` (the language of the labels), `title` and `date`. The search is run for
//! lessons only, one hit per passage; each lesson's document is fetched for its parts and
//! its kind; [`minga_brief`] arranges and renders them. `minga brief` calls the same
//! [`minga_brief::search::brief`], so the two give the same bytes for the same index, parameters and date.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use minga_brief::Format;
use minga_brief::search::lessons_only;
use minga_core::{Date, Lang};
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::params::{DATE_YEARS, PARAMETERS, SearchParams, decode_pairs};
use crate::state::AppState;

/// The names `GET /api/brief` accepts: the search's, except those that make no sense for a
/// brief (`kind`: a brief holds lessons; `offset`, `facets`, `group`), and its own.
pub const BRIEF_PARAMETERS: [&str; 15] = [
    "q",
    "region",
    "institution",
    "lang",
    "topic",
    "year",
    "from",
    "to",
    "sort",
    "limit",
    "expand",
    "format",
    "ui",
    "title",
    "date",
];

/// The security policy of an HTML brief: its own inline style sheet, nothing else.
const BRIEF_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; \
                         form-action 'none'; frame-ancestors 'none'";

/// What a brief is asked with: the search's parameters that make sense for a brief (see
/// [`BRIEF_PARAMETERS`]) and the brief's own, declared here for the parser and for
/// `/openapi.json` alike.
#[derive(Debug, Clone, Default, PartialEq, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BriefParams {
    /// The search for lessons.
    #[param(ignore)]
    pub search: SearchParams,
    /// `md` (Markdown to paste into a document), `html` (one self-contained file that prints
    /// on A4), `json` (the Brief model), `csv` (one row per lesson, RFC 4180) or `ris` (the
    /// sources, for reference managers).
    #[param(value_type = Option<crate::openapi::FormatName>, inline)]
    pub format: Format,
    /// Language of the brief's headings and labels (the lessons keep their own): `es` or
    /// `en`. (`lang` filters the documents, as in a search.)
    #[param(value_type = Option<crate::openapi::UiLang>, inline)]
    pub ui: Option<Lang>,
    /// A title instead of the default "Lecciones aprendidas: QUERY — REGION".
    pub title: Option<String>,
    /// The date the brief says it was generated, `YYYY-MM-DD` (years 1700 to 2200); default
    /// today (UTC). Given, the same index and parameters give the same bytes as `minga brief
    /// … --date`.
    #[param(value_type = Option<crate::openapi::Day>, inline)]
    pub date: Option<Date>,
}

impl BriefParams {
    /// Parses a raw query string; unknown and repeated names are refused as for searches.
    pub fn from_query_string(raw: &str) -> Result<BriefParams, ApiError> {
        let mut params = BriefParams::default();
        let mut search = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (key, value) in decode_pairs(raw)? {
            if !BRIEF_PARAMETERS.contains(&key.as_str()) {
                let hint = if PARAMETERS.contains(&key.as_str()) {
                    " (a search parameter that a brief does not take)"
                } else {
                    ""
                };
                return Err(ApiError::BadParameter(format!(
                    "unknown parameter {key:?}{hint}: expected one of {}",
                    BRIEF_PARAMETERS.join(", ")
                )));
            }
            let bad = |expected: &str| {
                ApiError::BadParameter(format!("invalid {key} {value:?}: expected {expected}"))
            };
            let own = ["format", "ui", "title", "date"];
            if let Some(&name) = own.iter().find(|&&n| n == key) {
                if seen.contains(&name) {
                    return Err(ApiError::BadParameter(format!(
                        "parameter {name:?} is given more than once"
                    )));
                }
                seen.push(name);
            }
            let blank = value.trim().is_empty();
            match key.as_str() {
                "format" if !blank => {
                    params.format = value
                        .parse()
                        .map_err(|_| bad("md, html, json, csv or ris"))?;
                }
                "ui" if !blank => {
                    let ui = value.parse().ok().filter(|l| Lang::UI.contains(l));
                    params.ui = Some(ui.ok_or_else(|| bad("es or en"))?);
                }
                "title" if !blank => params.title = Some(value),
                "date" if !blank => {
                    let day = value.trim();
                    let shaped = day.len() == 10
                        && day.bytes().enumerate().all(|(i, b)| match i {
                            4 | 7 => b == b'-',
                            _ => b.is_ascii_digit(),
                        });
                    params.date = Some(
                        day.parse::<Date>()
                            .ok()
                            .filter(|d| shaped && DATE_YEARS.contains(&d.year()))
                            .ok_or_else(|| bad("a day as YYYY-MM-DD, years 1700 to 2200"))?,
                    );
                }
                "format" | "ui" | "title" | "date" => {}
                _ => search.push((key, value)),
            }
        }
        params.search = SearchParams::from_pairs(search)?;
        Ok(params)
    }
}

/// `GET /api/brief?q=…&format=…`: the brief as a download.
pub async fn brief(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let BriefParams {
        search,
        format,
        ui,
        title,
        date,
    } = BriefParams::from_query_string(raw.as_deref().unwrap_or(""))?;
    search.check(state.limits())?;
    let request = lessons_only(search.into_request()?);
    let generated = date.unwrap_or_else(Date::today);
    let lang = ui.unwrap_or(Lang::Es);
    let (body, file_name) = state
        .run(move |engine| {
            let brief = minga_brief::search::brief(engine, &request, title, generated, lang)?;
            Ok((format.render(&brief), brief.file_name(format)))
        })
        .await?;
    tracing::debug!(%format, file = %file_name, "brief");

    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    // The slug is lower-case ASCII letters, digits and dashes: always a valid header value.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if format == Format::Html {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(BRIEF_CSP),
        );
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<BriefParams, ApiError> {
        BriefParams::from_query_string(q)
    }

    #[test]
    fn brief_parameters_split_from_the_search() {
        let p =
            parse("q=articulaci%C3%B3n&region=biobio&format=html&ui=en&date=2024-05-02&limit=5")
                .unwrap();
        assert_eq!(p.format, Format::Html);
        assert_eq!(p.ui, Some(Lang::En));
        assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2024-05-02"));
        let r = lessons_only(p.search.into_request().unwrap());
        assert_eq!(r.query, "articulación");
        assert_eq!(r.filters.regions, ["biobio"]);
        assert_eq!(r.filters.kinds, [minga_core::Kind::Lesson]);
        assert_eq!(r.limit, 5);
        assert!(!r.group && r.facets.is_empty());
        let p = parse("format=&ui=").unwrap();
        assert_eq!((p.format, p.ui), (Format::Markdown, None));
    }

    #[test]
    fn bad_brief_parameters_are_named() {
        for (query, words) in [
            ("format=pdf", ["format", "pdf"]),
            ("ui=fr", ["ui", "fr"]),
            ("date=ayer", ["date", "ayer"]),
            ("date=2024", ["date", "YYYY-MM-DD"]),
            ("date=17/05/2024", ["date", "YYYY-MM-DD"]),
            ("date=2024-02-30", ["date", "2024-02-30"]),
            ("date=1600-01-01", ["date", "1700"]),
            ("format=md&format=csv", ["format", "more than once"]),
            ("offset=20", ["offset", "does not take"]),
            ("colour=red", ["colour", "format"]),
            ("limit=x", ["limit", "x"]),
        ] {
            let err = parse(query).unwrap_err();
            assert_eq!(err.code(), "bad_parameter", "{query}");
            for word in words {
                assert!(err.message().contains(word), "{query}: {err}");
            }
        }
    }
}

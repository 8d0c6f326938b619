//! The search parameters, as a query string (`GET /api/search?q=…&region=…`) or a JSON body
//! (`POST /api/search`), and their translation into an engine [`SearchRequest`].
//!
//! Both forms share the names and the validation, so the same mistake gets the same answer
//! either way. The query string is parsed here rather than by serde so that repeated keys,
//! unknown keys, bad percent-encoding and invalid UTF-8 each get a message naming what is
//! wrong.

use minga_core::{Date, Kind, Lang};
use minga_engine::{DEFAULT_LIMIT, FacetName, Filters, SearchRequest, Sort};
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;

use crate::config::Limits;
use crate::error::ApiError;

/// The parameters of a search. Every one is optional; see the defaults on each field.
///
/// This type is the one declaration of the parameters: the query string and the JSON body
/// are parsed into it, and `/openapi.json` describes them from it (their names, doc
/// comments, value lists and limits; see [`crate::openapi`]).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The query, in the query language (words, "phrases", -exclusions, OR, (groups),
    /// field:value filters). Empty matches every passage the filters let through.
    #[param(max_length = 4096, default = "")]
    pub q: String,
    /// Region or country, by any name the gazetteer knows (`biobio`, `Chile/Biobío`,
    /// `Chile`). Repeat for alternatives.
    #[serde(deserialize_with = "one_or_many")]
    #[param(style = Form, explode)]
    pub region: Vec<String>,
    /// Institution, by any name or acronym the directory knows (`CRDP`, `ARD Cusco`).
    /// Repeatable.
    #[serde(deserialize_with = "one_or_many")]
    #[param(style = Form, explode)]
    pub institution: Vec<String>,
    /// Document kind (Spanish names such as `leccion` are accepted too). Repeatable.
    #[serde(deserialize_with = "one_or_many")]
    #[param(style = Form, explode, value_type = Vec<crate::openapi::KindName>, inline)]
    pub kind: Vec<String>,
    /// Language of the passage. Repeatable.
    #[serde(deserialize_with = "one_or_many")]
    #[param(style = Form, explode, value_type = Vec<crate::openapi::LangCode>, inline)]
    pub lang: Vec<String>,
    /// Topic. Repeatable.
    #[serde(deserialize_with = "one_or_many")]
    #[param(style = Form, explode)]
    pub topic: Vec<String>,
    /// Year (1700 to 2200). Repeatable.
    #[serde(deserialize_with = "years")]
    #[param(style = Form, explode, value_type = Vec<crate::openapi::Year>, inline)]
    pub year: Vec<i32>,
    /// First day, month or year of the date range, inclusive (`2023-01-24`, `2023-01`,
    /// `2023`); years 1700 to 2200. A day must exist (the 29th of February is left out of
    /// the pattern, though accepted in leap years).
    #[param(value_type = Option<crate::openapi::DateBound>, inline)]
    pub from: Option<String>,
    /// Last day, month or year of the date range, inclusive (`2023-06` ends on June 30th);
    /// years 1700 to 2200. A day must exist (the 29th of February is left out of the
    /// pattern, though accepted in leap years).
    #[param(value_type = Option<crate::openapi::DateBound>, inline)]
    pub to: Option<String>,
    /// Order of the hits: `relevance` (default) or `date` (newest first).
    #[param(value_type = Option<crate::openapi::SortName>, inline)]
    pub sort: Option<String>,
    /// Hits per page: 1 to 100, default 20.
    #[serde(deserialize_with = "whole")]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<usize>,
    /// Hits to skip, for paging; default 0.
    #[serde(deserialize_with = "whole")]
    #[param(minimum = 0, maximum = 10000, default = 0)]
    pub offset: Option<usize>,
    /// Facets to count: comma-separated or repeated names, `all` (the default when absent),
    /// or empty for none. Each facet is counted under every filter but its own.
    #[param(style = Form, explode, value_type = Option<Vec<crate::openapi::FacetNameOrAll>>, inline)]
    pub facets: Option<FacetList>,
    /// Expand the query with the glossary, the dictionary and typo tolerance, and search a
    /// quoted phrase that nothing contains as its words; default true.
    #[param(default = true)]
    pub expand: Option<bool>,
    /// One hit per document (its best passage, the document's other matching passages
    /// counted and listed) rather than one per passage; default true.
    #[param(default = true)]
    pub group: Option<bool>,
    /// One hit per text: a hit whose best passage is a copy of a better-ranked hit's (another
    /// edition of the same report, a lesson quoted in several documents) is listed in that
    /// hit's `duplicates`, and `total` counts it once. `false` shows every copy as a hit of
    /// its own.
    #[param(default = true)]
    pub dedupe: Option<bool>,
    /// A search made while the user types (the page's live search): the query's last word,
    /// unless a blank follows it, is the start of a word and matches the words that begin
    /// with it (`regio`: región, regional), without being translated or corrected, and a
    /// quote or parenthesis not yet closed is not an error; default false.
    #[param(default = false)]
    pub typing: Option<bool>,
    /// Re-rank the first results by meaning, when the server has an embedding model and the
    /// index its vectors (the response's `semantic` says whether it did); `false` keeps the
    /// lexical ranking. Default true.
    #[param(default = true)]
    pub semantic: Option<bool>,
}

/// The facets asked for: a list of names, or one string of comma-separated names.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum FacetList {
    One(String),
    Many(Vec<String>),
}

/// A JSON value that may be one item or a list of them.
fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        One(T),
        Many(Vec<T>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(item) => vec![item],
        OneOrMany::Many(items) => items,
    })
}

/// Years, one or a list, as whole numbers: `2023` or `2023.0` (JSON does not tell them
/// apart), never `2023.5`. Their range is checked with the other filters.
fn years<'de, D>(deserializer: D) -> Result<Vec<i32>, D::Error>
where
    D: Deserializer<'de>,
{
    one_or_many::<D, serde_json::Number>(deserializer)?
        .into_iter()
        .map(|n| {
            let whole = n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64));
            whole
                .and_then(|y| i32::try_from(y).ok())
                .ok_or_else(|| serde::de::Error::custom(format!("year {n} is not a whole year")))
        })
        .collect()
}

/// A count as a whole number: `20` or `20.0` (JSON does not tell them apart), never `20.5`
/// or `-1`; null for not given.
fn whole<'de, D>(deserializer: D) -> Result<Option<usize>, D::Error>
where
    D: Deserializer<'de>,
{
    let Some(n) = Option::<serde_json::Number>::deserialize(deserializer)? else {
        return Ok(None);
    };
    n.as_u64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(f))
                .map(|f| f as u64)
        })
        .and_then(|v| usize::try_from(v).ok())
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number, 0 or more")))
}

/// The years a date filter (`from`, `to`, `year`) may name: the index keeps dates to the
/// nanosecond, which reaches from 1678 to 2262.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1700..=2200;

/// The repeatable parameters whose single value in a JSON body is one string of
/// comma-separated values ([`FacetList::One`]) rather than one item of the list.
pub(crate) const ONE_STRING_IN_JSON: [&str; 1] = ["facets"];

/// The names the query string and the JSON body accept.
pub const PARAMETERS: [&str; 18] = [
    "q",
    "region",
    "institution",
    "kind",
    "lang",
    "topic",
    "year",
    "from",
    "to",
    "sort",
    "limit",
    "offset",
    "facets",
    "expand",
    "group",
    "dedupe",
    "typing",
    "semantic",
];

fn bad(name: &str, value: &str, expected: &str) -> ApiError {
    ApiError::BadParameter(format!("invalid {name} {value:?}: {expected}"))
}

impl SearchParams {
    /// Parses a raw query string (what follows `?`, still percent-encoded).
    pub fn from_query_string(raw: &str) -> Result<SearchParams, ApiError> {
        SearchParams::from_pairs(decode_pairs(raw)?)
    }

    /// The parameters from decoded `(key, value)` pairs (see [`decode_pairs`]).
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Result<SearchParams, ApiError> {
        let mut params = SearchParams::default();
        let mut seen: Vec<&'static str> = Vec::new();
        for (key, value) in pairs {
            let Some(&name) = PARAMETERS.iter().find(|&&p| p == key) else {
                return Err(ApiError::BadParameter(format!(
                    "unknown parameter {key:?}: expected one of {}",
                    PARAMETERS.join(", ")
                )));
            };
            let repeatable = matches!(
                name,
                "region" | "institution" | "kind" | "lang" | "topic" | "year" | "facets"
            );
            if !repeatable && seen.contains(&name) {
                return Err(ApiError::BadParameter(format!(
                    "parameter {name:?} is given more than once"
                )));
            }
            seen.push(name);
            // An empty value is an unset field, as HTML forms send them.
            let blank = value.trim().is_empty();
            match name {
                "q" => params.q = value,
                "region" => params.region.push(value),
                "institution" => params.institution.push(value),
                "kind" => params.kind.push(value),
                "lang" => params.lang.push(value),
                "topic" => params.topic.push(value),
                "year" if blank => {}
                "year" => params.year.push(
                    value
                        .trim()
                        .parse()
                        .map_err(|_| bad(name, &value, "expected a year like 2023"))?,
                ),
                "from" if !blank => params.from = Some(value),
                "to" if !blank => params.to = Some(value),
                "sort" if !blank => params.sort = Some(value),
                "limit" if !blank => params.limit = Some(number(name, &value)?),
                "offset" if !blank => params.offset = Some(number(name, &value)?),
                "facets" => {
                    let mut list = match params.facets.take() {
                        Some(FacetList::Many(list)) => list,
                        Some(FacetList::One(one)) => vec![one],
                        None => Vec::new(),
                    };
                    list.extend(
                        value
                            .split(',')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(String::from),
                    );
                    params.facets = Some(FacetList::Many(list));
                }
                "expand" if !blank => params.expand = Some(boolean(name, &value)?),
                "group" if !blank => params.group = Some(boolean(name, &value)?),
                "dedupe" if !blank => params.dedupe = Some(boolean(name, &value)?),
                "typing" if !blank => params.typing = Some(boolean(name, &value)?),
                "semantic" if !blank => params.semantic = Some(boolean(name, &value)?),
                _ => {}
            }
        }
        Ok(params)
    }

    /// Checks the parameters against the server's limits: the query's length
    /// ([`Limits::query_bytes`], 400 `bad_query`), the number of filter values
    /// ([`Limits::filter_values`]) and of facet names ([`Limits::facet_names`]), 400
    /// `bad_parameter`.
    pub fn check(&self, limits: &Limits) -> Result<(), ApiError> {
        if self.q.len() > limits.query_bytes {
            return Err(ApiError::BadQuery(format!(
                "invalid query: the query is {} bytes long; the limit is {}",
                self.q.len(),
                limits.query_bytes
            )));
        }
        let filters = self.region.len()
            + self.institution.len()
            + self.kind.len()
            + self.lang.len()
            + self.topic.len()
            + self.year.len();
        if filters > limits.filter_values {
            return Err(ApiError::BadParameter(format!(
                "the search has {filters} filter values; the limit is {}",
                limits.filter_values
            )));
        }
        let facets = match &self.facets {
            None => 0,
            Some(FacetList::One(one)) => one.split(',').count(),
            Some(FacetList::Many(many)) => many.len(),
        };
        if facets > limits.facet_names {
            return Err(ApiError::BadParameter(format!(
                "parameter \"facets\" names {facets} facets; the limit is {}",
                limits.facet_names
            )));
        }
        Ok(())
    }

    /// The engine request these parameters ask for. Kinds, languages, dates, sort and facet
    /// names are checked here; ranges and filter values by the engine.
    pub fn into_request(self) -> Result<SearchRequest, ApiError> {
        let kinds = self
            .kind
            .iter()
            .filter(|k| !k.trim().is_empty())
            .map(|k| {
                k.parse::<Kind>().map_err(|_| {
                    bad(
                        "kind",
                        k,
                        "expected session_note, agency_profile, report, lesson or other",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let langs = self
            .lang
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                l.parse::<Lang>().map_err(|_| {
                    bad(
                        "lang",
                        l,
                        "expected a language code such as es, en, fr or pt",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let from = self
            .from
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| Date::parse_start(s.trim()).map_err(|_| date_error("from", s)))
            .transpose()?;
        let to = self
            .to
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| Date::parse_end(s.trim()).map_err(|_| date_error("to", s)))
            .transpose()?;
        if let Some(year) = self.year.iter().find(|y| !DATE_YEARS.contains(y)) {
            return Err(bad(
                "year",
                &year.to_string(),
                &format!(
                    "years go from {} to {}",
                    DATE_YEARS.start(),
                    DATE_YEARS.end()
                ),
            ));
        }
        for (name, date, given) in [("from", from, &self.from), ("to", to, &self.to)] {
            if date.is_some_and(|d| !DATE_YEARS.contains(&d.year())) {
                return Err(bad(
                    name,
                    given.as_deref().unwrap_or(""),
                    &format!(
                        "dates go from {} to {}",
                        DATE_YEARS.start(),
                        DATE_YEARS.end()
                    ),
                ));
            }
        }
        let sort = match self.sort.as_deref() {
            None => Sort::default(),
            Some(s) => s
                .trim()
                .parse::<Sort>()
                .map_err(|_| bad("sort", s, "expected relevance or date"))?,
        };
        let facets = match self.facets {
            None => FacetName::ALL.to_vec(),
            Some(FacetList::One(one)) => facet_names(one.split(','))?,
            Some(FacetList::Many(many)) => facet_names(many.iter().map(String::as_str))?,
        };
        Ok(SearchRequest {
            query: self.q,
            filters: Filters {
                regions: self.region,
                institutions: self.institution,
                kinds,
                langs,
                topics: self.topic,
                years: self.year,
                from,
                to,
            },
            sort,
            offset: self.offset.unwrap_or(0),
            limit: self.limit.unwrap_or(DEFAULT_LIMIT),
            facets,
            expand: self.expand.unwrap_or(true),
            group: self.group.unwrap_or(true),
            dedupe: self.dedupe.unwrap_or(true),
            typing: self.typing.unwrap_or(false),
            semantic: self.semantic.unwrap_or(true),
        })
    }
}

fn boolean(name: &str, value: &str) -> Result<bool, ApiError> {
    match value.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(bad(name, value, "expected true or false")),
    }
}

fn number(name: &str, value: &str) -> Result<usize, ApiError> {
    value
        .trim()
        .parse()
        .map_err(|_| bad(name, value, "expected a whole number"))
}

fn date_error(name: &str, value: &str) -> ApiError {
    bad(
        name,
        value,
        "expected a date as YYYY-MM-DD, YYYY-MM or YYYY",
    )
}

/// Facet names, `all` for every facet; blanks are skipped, so an empty list asks for none.
fn facet_names<'a>(names: impl Iterator<Item = &'a str>) -> Result<Vec<FacetName>, ApiError> {
    let mut out = Vec::new();
    for name in names.map(str::trim).filter(|s| !s.is_empty()) {
        if name == "all" {
            out.extend(FacetName::ALL);
            continue;
        }
        out.push(name.parse::<FacetName>().map_err(|_| {
            bad(
                "facets",
                name,
                "expected all or some of country, region, institution, kind, lang, year, topic",
            )
        })?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Splits a raw query string into decoded `(key, value)` pairs: `+` is a space, `%XX` a
/// byte, and the result must be UTF-8. Bad escapes and invalid UTF-8 are errors, never
/// replaced silently.
pub fn decode_pairs(raw: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut pairs = Vec::new();
    for piece in raw.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
        let key = decode(key)?;
        let value = decode(value).map_err(|e| match e {
            ApiError::BadRequest(m) => ApiError::BadRequest(format!("parameter {key:?}: {m}")),
            other => other,
        })?;
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// Decodes one `application/x-www-form-urlencoded` component.
fn decode(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                });
                let Some(byte) = hex.filter(|_| bytes[i + 1].is_ascii_hexdigit()) else {
                    let end = (i + 3).min(bytes.len());
                    return Err(ApiError::BadRequest(format!(
                        "bad percent-encoding {:?} in the query string",
                        String::from_utf8_lossy(&bytes[i..end])
                    )));
                };
                out.push(byte);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| {
        ApiError::BadRequest(format!(
            "the query string {text:?} does not decode to UTF-8 text"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<SearchRequest, ApiError> {
        SearchParams::from_query_string(q)?.into_request()
    }

    #[test]
    fn repeated_keys_are_alternatives() {
        let r =
            parse("q=agencia+regional&region=biobio&region=Cusco&kind=lesson&year=2023").unwrap();
        assert_eq!(r.query, "agencia regional");
        assert_eq!(r.filters.regions, ["biobio", "Cusco"]);
        assert_eq!(r.filters.kinds, [Kind::Lesson]);
        assert_eq!(r.filters.years, [2023]);
        assert_eq!(r.limit, DEFAULT_LIMIT);
        assert_eq!(r.facets, FacetName::ALL);
        assert!(r.expand && r.group);
        assert!(r.dedupe);
        let r = parse("group=false&expand=0&dedupe=false").unwrap();
        assert!(!r.expand && !r.group && !r.dedupe);
    }

    #[test]
    fn percent_decoding_is_strict() {
        assert_eq!(parse("q=Biob%C3%ADo").unwrap().query, "Biobío");
        for bad in ["q=%zz", "q=%4", "q=%", "q=%FF", "q=%C3", "%ZZ=1"] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.code(), "bad_request", "{bad}: {err}");
        }
    }

    #[test]
    fn unknown_and_repeated_parameters_are_named() {
        let err = parse("q=a&colour=red").unwrap_err();
        assert!(err.message().contains("\"colour\""), "{err}");
        let err = parse("q=a&q=b").unwrap_err();
        assert!(err.message().contains("\"q\""), "{err}");
    }

    #[test]
    fn bad_values_name_the_parameter_and_value() {
        for (query, name, value) in [
            ("limit=ten", "limit", "ten"),
            ("offset=-1", "offset", "-1"),
            ("year=20x3", "year", "20x3"),
            ("from=2023-13", "from", "2023-13"),
            ("to=31/02/2023", "to", "31/02/2023"),
            ("to=0000", "to", "0000"),
            ("year=1144", "year", "1144"),
            ("year=207698529", "year", "207698529"),
            ("from=9999-12-31", "from", "9999-12-31"),
            ("kind=memo", "kind", "memo"),
            ("lang=xx", "lang", "xx"),
            ("sort=random", "sort", "random"),
            ("facets=colour", "facets", "colour"),
            ("expand=maybe", "expand", "maybe"),
            ("group=perhaps", "group", "perhaps"),
        ] {
            let err = parse(query).unwrap_err();
            assert_eq!(err.code(), "bad_parameter", "{query}");
            assert!(
                err.message().contains(name) && err.message().contains(value),
                "{query}: {err}"
            );
        }
    }

    #[test]
    fn date_ranges_cover_whole_periods() {
        let r = parse("from=2023-01&to=2023-02").unwrap();
        assert_eq!(r.filters.from.unwrap().to_string(), "2023-01-01");
        assert_eq!(r.filters.to.unwrap().to_string(), "2023-02-28");
        let r = parse("from=2023&to=2024").unwrap();
        assert_eq!(r.filters.to.unwrap().to_string(), "2024-12-31");
        let r = parse("from=&to=&sort=").unwrap();
        assert_eq!((r.filters.from, r.filters.to), (None, None));
    }

    #[test]
    fn facets_accept_lists_all_and_none() {
        assert_eq!(
            parse("facets=region,kind&facets=region").unwrap().facets,
            [FacetName::Region, FacetName::Kind]
        );
        assert_eq!(parse("facets=all").unwrap().facets, FacetName::ALL);
        assert!(parse("facets=").unwrap().facets.is_empty());
    }

    #[test]
    fn limits_bound_the_query_filters_and_facets() {
        let limits = Limits {
            query_bytes: 10,
            filter_values: 2,
            facet_names: 2,
            ..Limits::default()
        };
        let check = |q: &str| SearchParams::from_query_string(q).unwrap().check(&limits);
        assert!(check("q=0123456789&region=a&kind=lesson&facets=kind,region").is_ok());
        assert_eq!(check("q=0123456789x").unwrap_err().code(), "bad_query");
        assert_eq!(
            check("region=a&region=b&year=2023").unwrap_err().code(),
            "bad_parameter"
        );
        let err = check("facets=kind&facets=kind&facets=kind").unwrap_err();
        assert!(err.message().contains("facets"), "{err}");
    }

    #[test]
    fn json_takes_the_same_names() {
        let params: SearchParams = serde_json::from_str(
            r#"{"q":"x","region":"biobio","year":[2023],"facets":"kind","limit":5}"#,
        )
        .unwrap();
        let r = params.into_request().unwrap();
        assert_eq!(r.filters.regions, ["biobio"]);
        assert_eq!(r.facets, [FacetName::Kind]);
        assert_eq!(r.limit, 5);
        assert!(serde_json::from_str::<SearchParams>(r#"{"colour":"red"}"#).is_err());
    }

    #[test]
    fn json_years_are_whole_numbers_written_either_way_and_null_is_not_given() {
        let years = |body: &str| serde_json::from_str::<SearchParams>(body).map(|p| p.year);
        assert_eq!(years(r#"{"year": 2023.0}"#).unwrap(), [2023]);
        assert_eq!(years(r#"{"year": [2023, 1890.0]}"#).unwrap(), [2023, 1890]);
        let err = years(r#"{"year": 2023.5}"#).unwrap_err().to_string();
        assert!(err.contains("not a whole year"), "{err}");
        assert!(years(r#"{"year": 1e12}"#).is_err());
        let params: SearchParams =
            serde_json::from_str(r#"{"dedupe": null, "sort": null, "facets": null}"#).unwrap();
        let r = params.into_request().unwrap();
        assert!(r.dedupe);
    }

    #[test]
    fn json_counts_are_whole_numbers_written_either_way() {
        let paging =
            |body: &str| serde_json::from_str::<SearchParams>(body).map(|p| (p.limit, p.offset));
        assert_eq!(
            paging(r#"{"limit": 95.0, "offset": 20}"#).unwrap(),
            (Some(95), Some(20))
        );
        assert_eq!(paging(r#"{"limit": null}"#).unwrap(), (None, None));
        for bad in [
            r#"{"limit": 9.5}"#,
            r#"{"offset": -1}"#,
            r#"{"limit": "5"}"#,
        ] {
            let err = paging(bad).unwrap_err().to_string();
            assert!(
                err.contains("whole number") || err.contains("invalid type"),
                "{bad}: {err}"
            );
        }
    }
}

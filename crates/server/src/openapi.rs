//! The API's description, as OpenAPI 3.1.
//!
//! The operations, their responses and the response schemas are written by hand in
//! `openapi.json`. The parameters are not: each is generated from the type that parses it
//! ([`SearchParams`], [`BriefParams`], and the path and query types next to the handlers), so
//! a parameter added, renamed or given other values is described as the server reads it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use minga_brief::Format;
use minga_core::{Kind, Lang};
use minga_engine::{FacetCounts, FacetName, Sort};
use serde_json::{Value, json};
use utoipa::IntoParams;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::api::{DocumentPath, DocumentQuery};
use crate::assets::AssetPath;
use crate::brief::{BRIEF_PARAMETERS, BriefParams};
use crate::params::{DATE_YEARS, ONE_STRING_IN_JSON, SearchParams};
use crate::state::AppState;
use crate::write::{DeletePath, UploadQuery};

/// Everything but the parameters.
const TEMPLATE: &str = include_str!("../openapi.json");

/// The OpenAPI 3.1 document, without the values of the served index (see [`Known`]).
pub static OPENAPI_JSON: LazyLock<String> = LazyLock::new(|| document(None).to_string());

/// `GET /openapi.json`: the description, with the region, country and institution names of
/// the index being served; the general one if the index cannot answer now.
pub async fn openapi(State(state): State<AppState>) -> Response {
    let known = state
        .run(|engine| engine.facets())
        .await
        .ok()
        .map(|facets| Known::from_facets(&facets));
    let mut response = match known {
        Some(known) => document(Some(&known)).to_string().into_response(),
        None => OPENAPI_JSON.as_str().into_response(),
    };
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The names the region and institution filters accept that an index holds: a filter with
/// a name the index does not know is refused (400 `bad_filter`), so the description lists
/// them rather than allow any string.
#[derive(Debug, Default)]
pub struct Known {
    /// Countries, regions as `Country/Region`, and regions alone.
    pub regions: Vec<String>,
    /// Institutions by their directory names.
    pub institutions: Vec<String>,
}

impl Known {
    /// From the index's facets (`GET /api/facets`).
    pub fn from_facets(facets: &BTreeMap<String, FacetCounts>) -> Known {
        let values = |name: FacetName| -> Vec<&str> {
            facets
                .get(name.as_str())
                .map(|counts| counts.keys().map(String::as_str).collect())
                .unwrap_or_default()
        };
        let mut regions: Vec<String> = values(FacetName::Country)
            .into_iter()
            .chain(values(FacetName::Region))
            .chain(
                values(FacetName::Region)
                    .into_iter()
                    .filter_map(|path| path.rsplit_once('/').map(|(_, region)| region)),
            )
            .map(String::from)
            .collect();
        regions.sort();
        regions.dedup();
        let institutions = values(FacetName::Institution)
            .into_iter()
            .map(String::from)
            .collect();
        Known {
            regions,
            institutions,
        }
    }
}

/// The whole description: the template with every operation's parameters, and the JSON
/// body of `POST /api/search`, filled in from their types; with `known`, the region and
/// institution filters list the names the index holds.
pub fn document(known: Option<&Known>) -> Value {
    let mut doc: Value = serde_json::from_str(TEMPLATE).expect("openapi.json is JSON (tested)");
    let mut search = parameters::<SearchParams>();
    if let Some(known) = known {
        for parameter in &mut search {
            let names = match parameter["name"].as_str() {
                Some("region") => &known.regions,
                Some("institution") => &known.institutions,
                _ => continue,
            };
            if names.is_empty() {
                continue;
            }
            parameter["schema"]["items"]["enum"] = json!(names);
            if let Some(Value::String(text)) = parameter.get_mut("description") {
                text.push_str(
                    " Listed: the names in the served index; other names of the same places \
                     and institutions (`biobio`, an acronym) are accepted too.",
                );
            }
        }
    }
    let operations = [
        ("/api/search", "get", search.clone()),
        ("/api/brief", "get", brief_parameters(&search)),
        ("/api/documents/{id}", "get", {
            let mut list = parameters::<DocumentPath>();
            list.extend(parameters::<DocumentQuery>());
            list
        }),
        ("/api/documents/{id}", "delete", parameters::<DeletePath>()),
        ("/api/documents", "post", parameters::<UploadQuery>()),
        ("/assets/{name}", "get", parameters::<AssetPath>()),
    ];
    for (path, method, parameters) in operations {
        doc["paths"][path][method]["parameters"] = Value::Array(parameters);
    }
    doc["components"]["schemas"]["SearchParams"] = search_body(&search);
    doc
}

/// A type's parameters as OpenAPI JSON.
fn parameters<T: IntoParams>() -> Vec<Value> {
    T::into_params(|| None)
        .into_iter()
        .map(|mut p| {
            // A doc comment's line breaks are not the description's.
            p.description = p.description.map(|d| d.replace('\n', " "));
            serde_json::to_value(p).expect("a parameter serializes")
        })
        .collect()
}

/// The brief's parameters: the search's that a brief takes, in [`BRIEF_PARAMETERS`]'s
/// order, then its own; where a search parameter means something else for a brief, its
/// description says so.
fn brief_parameters(search: &[Value]) -> Vec<Value> {
    const FOR_A_BRIEF: [(&str, &str); 3] = [
        (
            "q",
            "The query, in the query language, as for `/api/search`. Empty: every lesson the \
             filters let through.",
        ),
        (
            "sort",
            "Which lessons are kept when more match than `limit`: `relevance` (default) or \
             `date` (newest).",
        ),
        (
            "limit",
            "Most lessons in the brief: 1 to 100, default 20. The best ones are kept (or the \
             newest, with `sort=date`).",
        ),
    ];
    let own = parameters::<BriefParams>();
    BRIEF_PARAMETERS
        .iter()
        .filter_map(|name| {
            let mut parameter = search
                .iter()
                .chain(&own)
                .find(|p| p["name"] == *name)?
                .clone();
            if let Some((_, text)) = FOR_A_BRIEF.iter().find(|(n, _)| n == name) {
                parameter["description"] = json!(text);
            }
            Some(parameter)
        })
        .collect()
}

/// The search's parameters as one JSON object, as `POST /api/search` takes them: a
/// repeatable parameter takes one value or a list; an optional one may be null.
fn search_body(search: &[Value]) -> Value {
    let mut properties = serde_json::Map::new();
    for parameter in search {
        let name = parameter["name"].as_str().expect("a parameter has a name");
        let mut schema = parameter["schema"].clone();
        if schema["type"] == "array" {
            let one = if ONE_STRING_IN_JSON.contains(&name) {
                comma_separated(&schema["items"])
            } else {
                schema["items"].clone()
            };
            schema = json!({ "oneOf": [one, schema] });
        }
        // Null stands for "not given" wherever the body's parser takes it so.
        if serde_json::from_value::<SearchParams>(json!({ name: null })).is_ok() {
            if let Some(choices) = schema.get_mut("oneOf").and_then(Value::as_array_mut) {
                choices.push(json!({ "type": "null" }));
            } else {
                schema["type"] = json!([schema["type"], "null"]);
                if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
                    values.push(Value::Null);
                }
            }
        }
        if let Some(text) = parameter.get("description") {
            schema["description"] = text.clone();
        }
        properties.insert(name.to_string(), schema);
    }
    json!({
        "type": "object",
        "additionalProperties": false,
        "description": "The GET parameters as a JSON object; a repeatable parameter takes one \
                        value or a list. A null value means the parameter is not given.",
        "properties": properties,
    })
}

/// One string of comma-separated values of `item` (any string, if it lists none).
fn comma_separated(item: &Value) -> Value {
    let Some(values) = item["enum"].as_array() else {
        return json!({ "type": "string" });
    };
    let names: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    let name = format!("({})", names.join("|"));
    json!({
        "type": "string",
        "pattern": format!("^[\\s,]*({name}\\s*(,[\\s,]*{name}\\s*)*)?[\\s,]*$"),
    })
}

/// A string that is one of `values`.
fn one_of<'a>(values: impl IntoIterator<Item = &'a str>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
}

/// A type that stands for the values a parameter takes, declared by the type that parses
/// them (`Kind::ALL`, `Sort::ALL`, …), for `#[param(value_type = …, inline)]`.
macro_rules! values {
    ($(#[$doc:meta])* $name:ident => $schema:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $schema.into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

values!(
    /// One of the page's files.
    AssetName => one_of(crate::assets::names())
);

values!(
    /// A document kind, as [`Kind`] names it.
    KindName => one_of(Kind::ALL.map(Kind::as_str))
);

values!(
    /// A language a search filters by.
    LangCode => one_of(Lang::ALL.map(Lang::code))
);

values!(
    /// The language of a brief's labels.
    UiLang => one_of(Lang::UI.map(Lang::code)).default(Some(json!(Lang::Es.code())))
);

values!(
    /// A year a filter can name.
    Year => ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(*DATE_YEARS.start()))
        .maximum(Some(*DATE_YEARS.end()))
);

values!(
    /// `from` or `to`: a day, month or year in [`DATE_YEARS`].
    DateBound => ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(DATE_PATTERN))
        .examples(["2023-01-24", "2023-01", "2023"])
);

/// Years 1700 to 2200 ([`DATE_YEARS`]), then a month with a day that exists in it (the 29th
/// of February is left out: a pattern cannot tell leap years); or empty, which the server
/// takes as not given, as HTML forms send it.
const DATE_PATTERN: &str = "^((1[7-9]\\d{2}|2[01]\\d{2}|2200)(-(0[13578]|1[02])(-(0[1-9]|[12]\\d|3[01]))?\
                            |-(0[469]|11)(-(0[1-9]|[12]\\d|30))?|-02(-(0[1-9]|1\\d|2[0-8]))?)?)?$";
const _: () = assert!(*DATE_YEARS.start() == 1700 && *DATE_YEARS.end() == 2200);

values!(
    /// A day, `YYYY-MM-DD`, in [`DATE_YEARS`]; or empty, for not given.
    Day => ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(DAY_PATTERN))
        .examples(["2024-05-17"])
);

/// [`DATE_PATTERN`] to the day.
const DAY_PATTERN: &str = "^((1[7-9]\\d{2}|2[01]\\d{2}|2200)-((0[13578]|1[02])-(0[1-9]|[12]\\d|3[01])\
                           |(0[469]|11)-(0[1-9]|[12]\\d|30)|02-(0[1-9]|1\\d|2[0-8])))?$";

values!(
    /// An order of hits, as [`Sort`] names it.
    SortName => one_of(Sort::ALL.map(Sort::as_str)).default(Some(json!(Sort::default().as_str())))
);

values!(
    /// A facet, as [`FacetName`] names it, or `all`.
    FacetNameOrAll => one_of(FacetName::ALL.map(FacetName::as_str).into_iter().chain(["all"]))
);

values!(
    /// A brief's format, as [`Format`] names it.
    FormatName => one_of(Format::ALL.map(Format::as_str))
        .default(Some(json!(Format::default().as_str())))
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::PARAMETERS;

    /// A value the schema allows, other than the default.
    fn sample(schema: &Value) -> Value {
        let schema = if schema["type"] == "array" {
            &schema["items"]
        } else {
            schema
        };
        if let Some(values) = schema["enum"].as_array() {
            return values
                .iter()
                .find(|v| **v != schema["default"])
                .cloned()
                .unwrap();
        }
        if let Some(example) = schema["examples"].get(0) {
            return example.clone();
        }
        match schema["type"].as_str() {
            Some("integer") => json!(schema["minimum"].as_i64().unwrap_or(0).max(1) + 1),
            Some("boolean") => json!(schema["default"] != true),
            _ => json!("agencia"),
        }
    }

    fn query_value(value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    #[test]
    fn the_document_is_json_and_lists_every_route() {
        let doc: Value = serde_json::from_str(&OPENAPI_JSON).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        for path in [
            "/api/search",
            "/api/documents",
            "/api/documents/{id}",
            "/api/facets",
            "/api/stats",
            "/api/brief",
            "/api/snapshots",
            "/healthz",
            "/readyz",
            "/openapi.json",
            "/",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} is not documented");
        }
        assert!(doc["paths"]["/api/documents/{id}"]["delete"].is_object());
        let codes = doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
            ["code"]["enum"]
            .as_array()
            .unwrap();
        for code in [
            "unauthorized",
            "forbidden",
            "writes_disabled",
            "conflict",
            "index_locked",
        ] {
            assert!(codes.iter().any(|c| c == code), "{code} is not documented");
        }
        // Every reference leads somewhere.
        let text = OPENAPI_JSON.as_str();
        for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &reference[..reference.find('"').unwrap()];
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "{name} is referred to but not described"
            );
        }
    }

    #[test]
    fn every_parameter_the_parsers_read_is_described_and_no_other() {
        let doc = document(None);
        let names = |path: &str, method: &str| -> Vec<String> {
            doc["paths"][path][method]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names("/api/search", "get"), PARAMETERS);
        assert_eq!(names("/api/brief", "get"), BRIEF_PARAMETERS);
        assert_eq!(names("/api/documents", "post"), ["filename"]);
        let mut document = vec!["id"];
        document.extend(crate::api::DOCUMENT_PARAMETERS);
        assert_eq!(names("/api/documents/{id}", "get"), document);
        assert_eq!(names("/assets/{name}", "get"), ["name"]);
        let body = doc["components"]["schemas"]["SearchParams"]["properties"]
            .as_object()
            .unwrap();
        assert_eq!(body.keys().collect::<Vec<_>>().len(), PARAMETERS.len());
        for name in PARAMETERS {
            assert!(
                body.contains_key(name),
                "{name} is not in the JSON body's schema"
            );
        }
    }

    /// A value each described parameter allows is read into the field it names, by the
    /// query string and by the JSON body: a parameter the description has but the parser
    /// ignores, or values the parser refuses, fail here.
    #[test]
    fn a_value_the_description_allows_is_read_by_the_server() {
        let doc = document(None);
        for parameter in doc["paths"]["/api/search"]["get"]["parameters"]
            .as_array()
            .unwrap()
        {
            let name = parameter["name"].as_str().unwrap();
            let value = sample(&parameter["schema"]);
            let raw = format!("{name}={}", query_value(&value));
            let parsed = SearchParams::from_query_string(&raw)
                .unwrap_or_else(|e| panic!("{raw} is described but refused: {e:?}"));
            assert_ne!(parsed, SearchParams::default(), "{raw} is not read");
            let request = parsed
                .into_request()
                .unwrap_or_else(|e| panic!("{raw} is described but refused: {e:?}"));
            let body: SearchParams = serde_json::from_value(json!({ name: value }))
                .unwrap_or_else(|e| panic!("{name}: {value} is described but refused: {e}"));
            assert_eq!(
                body.into_request().unwrap(),
                request,
                "{name} reads differently as JSON"
            );
        }
        for parameter in doc["paths"]["/api/brief"]["get"]["parameters"]
            .as_array()
            .unwrap()
        {
            let name = parameter["name"].as_str().unwrap();
            let value = sample(&parameter["schema"]);
            let raw = format!("{name}={}", query_value(&value));
            let parsed = BriefParams::from_query_string(&raw)
                .unwrap_or_else(|e| panic!("brief {raw} is described but refused: {e:?}"));
            assert_ne!(parsed, BriefParams::default(), "brief {raw} is not read");
        }
    }

    #[test]
    fn value_lists_come_from_the_types() {
        let doc = document(None);
        let search = doc["paths"]["/api/search"]["get"]["parameters"]
            .as_array()
            .unwrap();
        let schema =
            |name: &str| search.iter().find(|p| p["name"] == name).unwrap()["schema"].clone();
        assert_eq!(
            schema("kind")["items"]["enum"],
            json!([
                "session_note",
                "agency_profile",
                "report",
                "lesson",
                "other"
            ])
        );
        let langs = schema("lang")["items"]["enum"].clone();
        assert_eq!(langs[0], "es");
        assert!(langs.as_array().unwrap().contains(&json!("fr")));
        assert!(langs.as_array().unwrap().contains(&json!("ja")));
        assert_eq!(schema("sort")["enum"], json!(["relevance", "date"]));
        assert_eq!(schema("limit")["maximum"], 100);
        assert_eq!(schema("year")["items"]["minimum"], 1700);
        let body = &doc["components"]["schemas"]["SearchParams"]["properties"];
        let one =
            regex::Regex::new(body["facets"]["oneOf"][0]["pattern"].as_str().unwrap()).unwrap();
        for good in ["country", " region, topic ,", "", "all", "year,,lang"] {
            assert!(one.is_match(good), "{good}");
            let params: SearchParams = serde_json::from_value(json!({ "facets": good })).unwrap();
            params.into_request().unwrap();
        }
        for bad in ["«", "countryregion", "region topic", "países"] {
            assert!(!one.is_match(bad), "{bad}");
        }
        let from = regex::Regex::new(schema("from")["pattern"].as_str().unwrap()).unwrap();
        for good in ["2023", "2023-02", "2023-02-28", "1700-12-31", "2200", ""] {
            assert!(from.is_match(good), "{good}");
        }
        for bad in ["0000", "2023-02-30", "2023-13", "2201", "23"] {
            assert!(!from.is_match(bad), "{bad}");
        }
    }
}

//! The JSON API handlers. Each is a straight line: parameters → engine request → engine call
//! in a blocking thread → response.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use minga_engine::{DocumentView, FacetCounts, SearchRequest, SearchResponse, Stats};
use serde::Serialize;

use crate::error::ApiError;
use crate::params::SearchParams;
use crate::state::AppState;

/// Longest document id looked up; longer ones cannot exist.
pub(crate) const MAX_ID_BYTES: usize = 512;

/// Says whether a search was answered from memory (`remembered`: the same search was asked
/// before on the same index) or `searched`.
pub(crate) const ANSWER_HEADER: &str = "x-minga-answer";

/// A JSON answer that must not be cached: results change as the index does.
fn fresh<T: Serialize>(value: T) -> Response {
    let mut response = Json(value).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /api/search?q=…`
pub async fn search_get(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = SearchParams::from_query_string(raw.as_deref().unwrap_or(""))?;
    params.check(state.limits())?;
    search(state, params.into_request()?).await
}

/// `POST /api/search` with the same parameters as a JSON object.
pub async fn search_post(
    State(state): State<AppState>,
    body: Result<Json<SearchParams>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(params) = body?;
    params.check(state.limits())?;
    search(state, params.into_request()?).await
}

async fn search(state: AppState, request: SearchRequest) -> Result<Response, ApiError> {
    let response: SearchResponse = state.run(move |engine| engine.search(&request)).await?;
    tracing::debug!(
        query = %response.query,
        total = response.total,
        took_ms = response.took_ms,
        remembered = response.remembered,
        "search"
    );
    let remembered = response.remembered;
    let mut response = fresh(response);
    response.headers_mut().insert(
        ANSWER_HEADER,
        HeaderValue::from_static(if remembered { "remembered" } else { "searched" }),
    );
    Ok(response)
}

/// The path of `GET /api/documents/{id}`, as `/openapi.json` describes it.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct DocumentPath {
    /// A document or passage id (`[A-Za-z0-9._:-]+`).
    #[param(pattern = "^[A-Za-z0-9._:-]+$", max_length = 512)]
    id: String,
}
/// The names `GET /api/documents/{id}` reads from its query string.
pub(crate) const DOCUMENT_PARAMETERS: [&str; 3] = ["q", "expand", "typing"];

/// The query string of `GET /api/documents/{id}`: a search's words, to mark them.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "read as `SearchParams` by `DocumentQuery::parse`; the fields describe it"
)]
pub(crate) struct DocumentQuery {
    /// A query, as `GET /api/search` reads it: the passages' `marks` say where its words are.
    #[param(max_length = 4096)]
    q: Option<String>,
    /// Mark the words the query is expanded to as well (glossary, dictionary, typos), as a
    /// search does; default true.
    #[param(default = true)]
    expand: Option<bool>,
    /// The query is being typed: its last word is the start of a word; default false.
    #[param(default = false)]
    typing: Option<bool>,
}

impl DocumentQuery {
    /// The search whose words to mark, if the query string asks for one.
    fn parse(raw: &str, state: &AppState) -> Result<Option<SearchRequest>, ApiError> {
        let pairs = crate::params::decode_pairs(raw)?;
        if let Some((key, _)) = pairs
            .iter()
            .find(|(k, _)| !DOCUMENT_PARAMETERS.contains(&k.as_str()))
        {
            return Err(ApiError::BadParameter(format!(
                "unknown parameter {key:?}: expected one of {}",
                DOCUMENT_PARAMETERS.join(", ")
            )));
        }
        let params = SearchParams::from_pairs(pairs)?;
        params.check(state.limits())?;
        if params.q.trim().is_empty() {
            return Ok(None);
        }
        params.into_request().map(Some)
    }
}

/// `GET /api/documents/{id}`: a document or passage with all its document's passages, and
/// with `q`, where the query's words are in them.
pub async fn document(
    State(state): State<AppState>,
    path: Result<Path<DocumentPath>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let Path(DocumentPath { id }) = path?;
    let marking = DocumentQuery::parse(raw.as_deref().unwrap_or(""), &state)?;
    let plausible = !id.is_empty()
        && id.len() <= MAX_ID_BYTES
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    let not_found = || ApiError::NotFound(format!("no document or passage has the id {id:?}"));
    if !plausible {
        return Err(not_found());
    }
    let lookup = id.clone();
    let view: Option<DocumentView> = state
        .run(move |engine| engine.document_to_read(&lookup, marking.as_ref()))
        .await?;
    view.map(fresh).ok_or_else(not_found)
}

/// What `GET /api/facets` answers.
#[derive(Serialize)]
struct Facets {
    /// Facet name → value → documents (passages when not grouped).
    facets: BTreeMap<String, FacetCounts>,
}

/// `GET /api/facets`: every value of every facet with its count of passages.
pub async fn facets(State(state): State<AppState>) -> Result<Response, ApiError> {
    let facets = state.run(|engine| engine.facets()).await?;
    Ok(fresh(Facets { facets }))
}

/// `GET /api/stats`: counts, size and age of the index.
pub async fn stats(State(state): State<AppState>) -> Result<Response, ApiError> {
    let stats: Stats = state.run(|engine| engine.stats()).await?;
    Ok(fresh(stats))
}

/// Any other path under `/api`.
pub async fn no_such_route(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("no API endpoint at {}", uri.path()))
}

#[derive(Serialize)]
struct Status {
    status: &'static str,
}

/// `GET /healthz`: the process is up.
pub async fn healthz() -> Response {
    fresh(Status { status: "ok" })
}

/// `GET /readyz`: the index opens and answers a trivial search.
pub async fn readyz(State(state): State<AppState>) -> Result<Response, ApiError> {
    let probe = SearchRequest {
        limit: 1,
        ..SearchRequest::default()
    };
    state
        .run_unlimited(move |engine| engine.search(&probe))
        .await
        .map_err(|error| match error {
            ApiError::IndexUnavailable(m) => ApiError::IndexUnavailable(m),
            other => {
                tracing::warn!(%other, "not ready");
                ApiError::IndexUnavailable(format!(
                    "the index cannot be searched: {}",
                    other.message()
                ))
            }
        })?;
    Ok(fresh(Status { status: "ready" }))
}

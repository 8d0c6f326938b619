//! Errors: [`Error`] for starting and running a server, [`ApiError`] for answering a request.
//!
//! Every error a client sees has the same shape, whichever layer produced it:
//!
//! ```json
//! {"error": {"code": "bad_query", "message": "invalid query: unclosed quote (at column 5)"}}
//! ```
//!
//! The codes are a fixed table ([`ApiError::code`]); user errors carry a message that names
//! the offending parameter or value; an internal error never shows more than "internal
//! error" (the details go to the log).

use std::net::SocketAddr;

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minga_engine::Error as EngineError;
use serde::Serialize;

use crate::config::RETRY_AFTER_SECONDS;

/// What a 415 says where only JSON is taken.
pub(crate) const JSON_ONLY: &str =
    "the request body must be JSON, sent with Content-Type: application/json";

/// Why a server could not start or stopped serving.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The address could not be bound (in use, not local, no permission).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The index exists but cannot be served (incompatible, damaged, unreadable). A missing
    /// index is not an error: the server waits for one.
    #[error("cannot open the index: {0}")]
    Index(#[from] EngineError),
    /// Writes are enabled but the corpus folder they are stored in is missing.
    #[error("cannot store writes in {path}: the corpus folder is missing")]
    Corpus { path: std::path::PathBuf },
    /// A worker thread failed while opening the index.
    #[error("cannot open the index: the worker thread failed: {0}")]
    Worker(#[from] tokio::task::JoinError),
}

/// What went wrong with one request, as the client is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400 `bad_query`: the query could not be parsed; the message names the column.
    BadQuery(String),
    /// 400 `bad_parameter`: a parameter is unknown, repeated, malformed or out of range.
    BadParameter(String),
    /// 400 `bad_filter`: a filter names nothing the index knows (`region=Narnia`).
    BadFilter(String),
    /// 400 `bad_json`: the body is not JSON.
    BadJson(String),
    /// 400 `bad_request`: the request line or headers are unusable (bad percent-encoding,
    /// invalid UTF-8).
    BadRequest(String),
    /// 401 `unauthorized`: the endpoint needs the API key and the request has none (sent
    /// with `WWW-Authenticate: Bearer`).
    Unauthorized(String),
    /// 403 `forbidden`: the request's API key is not the server's.
    Forbidden,
    /// 403 `writes_disabled`: a write, on a server started without an API key.
    WritesDisabled,
    /// 404 `not_found`: no such document, route or asset.
    NotFound(String),
    /// 405 `method_not_allowed`.
    MethodNotAllowed,
    /// 409 `conflict`: the write clashes with the corpus (an id a corpus file uses, a
    /// document that did not come through the API).
    Conflict(String),
    /// 413 `payload_too_large`.
    PayloadTooLarge,
    /// 414 `uri_too_long`: the query string is over the limit.
    UriTooLong,
    /// 415 `unsupported_media_type`: a body of a type the endpoint does not take.
    UnsupportedMediaType(String),
    /// 422 `unreadable_document`: a document sent to be stored yields nothing to index (the
    /// reader skipped it: not valid in its format, empty, a zip or decompression bomb…).
    UnreadableDocument(String),
    /// 503 `timeout`: the request took longer than the configured limit.
    Timeout,
    /// 503 `overloaded`: too many searches or writes at once; retry shortly.
    Overloaded,
    /// 503 `index_unavailable`: no usable index (yet); retry once `minga index` has run.
    IndexUnavailable(String),
    /// 503 `index_locked`: another process (a `minga index` run) holds the index for
    /// writing; retry shortly.
    IndexLocked,
    /// 507 `insufficient_storage`: the disk is full; nothing was written.
    InsufficientStorage,
    /// 500 `internal`: the index or the machine failed; the details are in the log only.
    Internal,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadQuery(_)
            | ApiError::BadParameter(_)
            | ApiError::BadFilter(_)
            | ApiError::BadJson(_)
            | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::WritesDisabled => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UriTooLong => StatusCode::URI_TOO_LONG,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::UnreadableDocument(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Timeout
            | ApiError::Overloaded
            | ApiError::IndexUnavailable(_)
            | ApiError::IndexLocked => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadQuery(_) => "bad_query",
            ApiError::BadParameter(_) => "bad_parameter",
            ApiError::BadFilter(_) => "bad_filter",
            ApiError::BadJson(_) => "bad_json",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::WritesDisabled => "writes_disabled",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UriTooLong => "uri_too_long",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::UnreadableDocument(_) => "unreadable_document",
            ApiError::Timeout => "timeout",
            ApiError::Overloaded => "overloaded",
            ApiError::IndexUnavailable(_) => "index_unavailable",
            ApiError::IndexLocked => "index_locked",
            ApiError::InsufficientStorage => "insufficient_storage",
            ApiError::Internal => "internal",
        }
    }

    /// The message for a person.
    pub fn message(&self) -> &str {
        match self {
            ApiError::BadQuery(m)
            | ApiError::BadParameter(m)
            | ApiError::BadFilter(m)
            | ApiError::BadJson(m)
            | ApiError::BadRequest(m)
            | ApiError::Unauthorized(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::UnsupportedMediaType(m)
            | ApiError::UnreadableDocument(m)
            | ApiError::IndexUnavailable(m) => m,
            ApiError::Forbidden => "the API key is not valid",
            ApiError::WritesDisabled => {
                "writes are disabled: the server was started without an API key \
                 (MINGA_API_KEY or --api-key-file)"
            }
            ApiError::MethodNotAllowed => "this method is not allowed here",
            ApiError::PayloadTooLarge => "the request body is too large",
            ApiError::UriTooLong => "the query string is too long",
            ApiError::Timeout => "the request took too long; narrow the search and try again",
            ApiError::Overloaded => "too many requests at once; try again in a moment",
            ApiError::IndexLocked => {
                "another process (a `minga index` run) is writing the index; try again in a \
                 moment"
            }
            ApiError::InsufficientStorage => "the disk is full; nothing was written",
            ApiError::Internal => "internal error",
        }
    }

    /// The error a bare status stands for, for responses produced by layers that know no
    /// better (see [`crate::server`]'s safety net).
    pub(crate) fn from_status(status: StatusCode) -> ApiError {
        match status {
            StatusCode::NOT_FOUND => ApiError::NotFound("no such resource".into()),
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::URI_TOO_LONG => ApiError::UriTooLong,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(JSON_ONLY.into()),
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized("this needs an API key".into()),
            StatusCode::FORBIDDEN => ApiError::Forbidden,
            StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => ApiError::Timeout,
            s if s.is_client_error() => {
                ApiError::BadRequest(s.canonical_reason().unwrap_or("bad request").to_lowercase())
            }
            _ => ApiError::Internal,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Detail {
                code: self.code(),
                message: self.message(),
            },
        };
        let mut response = (self.status(), axum::Json(body)).into_response();
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        if self.status() == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"minga\""),
            );
        }
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

impl From<EngineError> for ApiError {
    /// User errors keep their message; failures of the index are logged here and shown as
    /// nothing more than their kind.
    fn from(error: EngineError) -> ApiError {
        match error {
            EngineError::Query(_) => ApiError::BadQuery(error.to_string()),
            EngineError::Filter { .. } => ApiError::BadFilter(error.to_string()),
            EngineError::Parameter { .. } => ApiError::BadParameter(error.to_string()),
            EngineError::MissingIndex { .. } => {
                tracing::warn!(%error, "no index to serve");
                ApiError::IndexUnavailable(
                    "there is no index yet: run `minga index` to build it".into(),
                )
            }
            EngineError::IncompatibleIndex { .. } => {
                tracing::error!(%error, "the index cannot be served");
                ApiError::IndexUnavailable(
                    "the index was built by an incompatible version of Minga: run \
                     `minga index --rebuild`"
                        .into(),
                )
            }
            EngineError::Damaged { .. } => {
                tracing::error!(%error, "the index cannot be served");
                ApiError::IndexUnavailable(
                    "the index is damaged: restarting `minga serve` (or running `minga index`) \
                     rebuilds it from the corpus"
                        .into(),
                )
            }
            EngineError::Locked { .. } => ApiError::IndexLocked,
            EngineError::NotAnIndex { .. }
            | EngineError::Io { .. }
            | EngineError::Data(_)
            | EngineError::Corrupt(_)
            | EngineError::Tantivy(_) => {
                tracing::error!(%error, "engine failure");
                ApiError::Internal
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        match rejection {
            JsonRejection::JsonDataError(e) => ApiError::BadParameter(e.body_text()),
            JsonRejection::JsonSyntaxError(e) => ApiError::BadJson(e.body_text()),
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::UnsupportedMediaType(JSON_ONLY.into())
            }
            JsonRejection::BytesRejection(e) => match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                _ => ApiError::BadRequest(e.body_text()),
            },
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::NotFound(rejection.body_text())
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(error: tokio::task::JoinError) -> ApiError {
        tracing::error!(%error, "a search worker failed");
        ApiError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_details() {
        let error = ApiError::from(EngineError::Corrupt("secret path /srv/x".into()));
        assert_eq!(error, ApiError::Internal);
        assert_eq!(error.message(), "internal error");
    }

    #[test]
    fn user_errors_keep_their_message() {
        let error = ApiError::from(EngineError::Parameter {
            name: "limit",
            message: "must be between 1 and 100, got 500".into(),
        });
        assert_eq!(error.code(), "bad_parameter");
        assert!(error.message().contains("limit"), "{error}");
    }
}

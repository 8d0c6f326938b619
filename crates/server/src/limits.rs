//! Limits checked before a request reaches its handler's real work: the length of the query
//! string and the nesting of JSON bodies (see [`crate::Limits`] for all of them).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

/// Middleware: a query string longer than [`crate::Limits::query_string_bytes`] is answered
/// 414 before anything reads it.
pub(crate) async fn query_string(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let length = request.uri().query().map_or(0, str::len);
    if length > state.limits().query_string_bytes {
        tracing::debug!(length, "query string too long");
        return ApiError::UriTooLong.into_response();
    }
    next.run(request).await
}

/// Middleware of the JSON endpoints that let axum parse the body: reads the body (up to
/// [`crate::Limits::body_bytes`], 413 beyond) and refuses one nested deeper than
/// [`crate::Limits::json_depth`] before the handler parses it.
pub(crate) async fn json_body(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, state.limits().body_bytes).await {
        Ok(bytes) => bytes,
        Err(error) if error.to_string().contains("length limit") => {
            return ApiError::PayloadTooLarge.into_response();
        }
        Err(error) => {
            return ApiError::BadRequest(format!("cannot read the request body: {error}"))
                .into_response();
        }
    };
    if let Err(error) = check_json_depth(&bytes, state.limits().json_depth) {
        return error.into_response();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// Refuses JSON nested deeper than `max` arrays and objects, by a scan that counts brackets
/// outside strings: it needs no recursion (so a body of ten thousand `[` cannot exhaust the
/// stack) and stops at the first bracket too many.
pub(crate) fn check_json_depth(bytes: &[u8], max: usize) -> Result<(), ApiError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Err(ApiError::BadJson(format!(
                        "the JSON is nested more than {max} levels deep"
                    )));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_outside_strings_only() {
        assert!(check_json_depth(br#"{"a":[1,{"b":[]}]}"#, 4).is_ok());
        assert!(check_json_depth(br#"{"a":[1,{"b":[]}]}"#, 3).is_err());
        assert!(check_json_depth(br#"{"a":"[[[[[[\"[[[["}"#, 1).is_ok());
        let deep = "[".repeat(10_000);
        let err = check_json_depth(deep.as_bytes(), 32).unwrap_err();
        assert_eq!(err.code(), "bad_json");
        assert!(err.message().contains("32"), "{err}");
    }
}

//! The API key: who may write, and (with `--protect-reads`) who may read.
//!
//! Requests carry the key as `Authorization: Bearer <key>`. The server keeps only the key's
//! BLAKE3 hash and compares hashes, whose equality test is constant-time, so neither the
//! key's length nor how much of a guess was right shows in the time an answer takes.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ApiError;
use crate::state::AppState;

/// Shortest API key accepted, in bytes: shorter ones are too easy to guess.
pub const MIN_API_KEY_BYTES: usize = 16;

/// A secret that grants writes. Its `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    hash: blake3::Hash,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(…)")
    }
}

impl ApiKey {
    /// The key `secret` (surrounding white space removed, so a key file may end in a
    /// newline). Refused when shorter than [`MIN_API_KEY_BYTES`] or holding white space or
    /// control characters (it could not be sent in a header as it is).
    pub fn new(secret: &str) -> Result<ApiKey, String> {
        let secret = secret.trim();
        if secret.len() < MIN_API_KEY_BYTES {
            return Err(format!(
                "the API key is {} bytes long; it must have at least {MIN_API_KEY_BYTES}",
                secret.len()
            ));
        }
        if secret
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return Err(
                "the API key must be printable ASCII without spaces (it is sent in a header)"
                    .into(),
            );
        }
        Ok(ApiKey {
            hash: blake3::hash(secret.as_bytes()),
        })
    }

    /// Whether `given` is the key, in time that does not depend on how close it is.
    pub fn matches(&self, given: &[u8]) -> bool {
        // `blake3::Hash`'s `==` is constant-time.
        blake3::hash(given) == self.hash
    }
}

/// What a request asks to do, for [`authorize`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Read,
    Write,
}

/// Whether the request's headers allow `action`: 403 `writes_disabled` for a write when no
/// key is configured, 401 `unauthorized` without a bearer key, 403 `forbidden` with a wrong
/// one.
pub(crate) fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    action: Action,
) -> Result<(), ApiError> {
    let access = state.access();
    let key = match (&access.api_key, action) {
        (None, Action::Write) => return Err(ApiError::WritesDisabled),
        (None, Action::Read) => return Ok(()),
        (Some(_), Action::Read) if !access.protect_reads => return Ok(()),
        (Some(key), _) => key,
    };
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::Unauthorized(
            "this needs an API key: send Authorization: Bearer <key>".into(),
        ));
    };
    let bytes = value.as_bytes();
    let token = bytes
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case(b"bearer "))
        .map(|_| bytes[7..].trim_ascii());
    match token {
        None => Err(ApiError::Unauthorized(
            "the Authorization header must be Bearer <key>".into(),
        )),
        Some(token) if key.matches(token) => Ok(()),
        Some(_) => Err(ApiError::Forbidden),
    }
}

/// Middleware of the read endpoints: lets a request through if reads are open or it carries
/// the key.
pub(crate) async fn reads(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match authorize(&state, request.headers(), Action::Read) {
        Ok(()) => next.run(request).await,
        Err(error) => axum::response::IntoResponse::into_response(error),
    }
}

/// Middleware of the write endpoints: lets a request through only with the key, before its
/// body is read.
pub(crate) async fn writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    match authorize(&state, request.headers(), Action::Write) {
        Ok(()) => next.run(request).await,
        Err(error) => axum::response::IntoResponse::into_response(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_whole() {
        let key = ApiKey::new("  correct-horse-battery-staple\n").unwrap();
        assert!(key.matches(b"correct-horse-battery-staple"));
        assert!(!key.matches(b"correct-horse-battery-stapl"));
        assert!(!key.matches(b"correct-horse-battery-staple "));
        assert!(!key.matches(b""));
        assert_eq!(format!("{key:?}"), "ApiKey(…)");
    }

    #[test]
    fn weak_or_unsendable_keys_are_refused() {
        assert!(ApiKey::new("short").unwrap_err().contains("at least 16"));
        assert!(ApiKey::new("has a space in the middle").is_err());
        assert!(ApiKey::new("ñññññññññññññññññ").is_err());
    }
}

//! The web page and its static files, compiled into the binary.
//!
//! The page is plain HTML with its script and style sheet in separate files, so the strict
//! Content-Security-Policy below holds (no inline script or style). Files are served with
//! an `ETag` and `Cache-Control: no-cache`: browsers keep them and ask cheaply whether they
//! changed, so a new binary is picked up at once.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The policy the page is served with: everything from this server, nothing inline.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'";

/// A file compiled into the binary.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    etag: u64,
}

/// FNV-1a, for ETags computed at compile time.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

macro_rules! asset {
    ($name:literal, $content_type:literal) => {{
        const BODY: &[u8] = include_bytes!(concat!("../assets/", $name));
        Asset {
            name: $name,
            content_type: $content_type,
            body: BODY,
            etag: fnv1a(BODY),
        }
    }};
}

const PAGE: Asset = asset!("index.html", "text/html; charset=utf-8");

/// The files under `/assets/`.
const ASSETS: [Asset; 4] = [
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("i18n.js", "text/javascript; charset=utf-8"),
    asset!("style.css", "text/css; charset=utf-8"),
    asset!("favicon.svg", "image/svg+xml"),
];

impl Asset {
    fn respond(&self, request: &HeaderMap) -> Response {
        let etag = format!("\"{:016x}\"", self.etag);
        let unchanged = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
        let mut headers = HeaderMap::new();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
        if unchanged {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        (headers, self.body).into_response()
    }
}

/// `GET /`: the search page.
pub async fn page(request: HeaderMap) -> Response {
    let mut response = PAGE.respond(&request);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// The path of `GET /assets/{name}`, as `/openapi.json` describes it.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct AssetPath {
    /// One of the page's files.
    #[param(value_type = crate::openapi::AssetName, inline)]
    name: String,
}

/// The names of the page's files.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|a| a.name)
}

/// `GET /assets/{name}`.
pub async fn asset(Path(AssetPath { name }): Path<AssetPath>, request: HeaderMap) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => asset.respond(&request),
        None => ApiError::NotFound(format!("no asset named {name:?}")).into_response(),
    }
}

/// `GET /favicon.ico`, which browsers ask for whatever the page says.
pub async fn favicon(request: HeaderMap) -> Response {
    let name = "favicon.svg".to_string();
    asset(Path(AssetPath { name }), request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_no_inline_script_or_style() {
        let html = std::str::from_utf8(PAGE.body).unwrap();
        assert!(!html.contains("<script>"), "inline script");
        assert!(!html.contains("style="), "inline style");
        assert!(!html.contains("<style"), "inline style sheet");
        for asset in &ASSETS[..3] {
            assert!(
                html.contains(&format!("/assets/{}", asset.name)),
                "{}",
                asset.name
            );
        }
    }

    #[test]
    fn etags_differ_by_content() {
        assert_ne!(ASSETS[0].etag, ASSETS[1].etag);
    }
}

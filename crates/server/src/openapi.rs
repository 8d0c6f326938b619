//! The API's description, as OpenAPI 3.1, written by hand next to the code it describes.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The OpenAPI 3.1 document served at `/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

/// `GET /openapi.json`.
pub async fn openapi() -> Response {
    let mut response = OPENAPI_JSON.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_json_and_lists_every_route() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        for path in [
            "/api/search",
            "/api/documents",
            "/api/documents/{id}",
            "/api/facets",
            "/api/stats",
            "/api/brief",
            "/healthz",
            "/readyz",
            "/openapi.json",
            "/",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} is not documented");
        }
        let parameters = doc["components"]["schemas"]["SearchParams"]["properties"]
            .as_object()
            .unwrap();
        for name in crate::params::PARAMETERS {
            assert!(parameters.contains_key(name), "{name} is not documented");
        }
        let brief: Vec<&str> = doc["paths"]["/api/brief"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(brief, crate::brief::BRIEF_PARAMETERS);
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
    }
}

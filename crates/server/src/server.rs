//! The router and the server around it.
//!
//! Layers, outermost first: CORS (only when origins are configured), request tracing,
//! `X-Content-Type-Options: nosniff`, a default `Content-Security-Policy` (for responses that
//! set none), gzip, panics → 500, the safety net that puts any error answer in the JSON
//! format, the request timeout (→ 503 `timeout`), the query-string limit (→ 414) and the body
//! limit (→ 413). The API key is checked by the routes that need it, before their body is
//! read.

use std::any::Any;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{BoxError, Router, middleware};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::{Config, MAX_REQUEST_HEAD_BYTES};
use crate::error::{ApiError, Error};
use crate::state::AppState;
use crate::writer::Writer;
use crate::{api, assets, auth, brief, limits, openapi, snapshots, write};

/// The policy of every answer that sets none of its own (JSON, errors, downloads): load
/// nothing, be framed nowhere. The page and HTML briefs set stricter-than-nothing policies
/// of their own.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The whole application: API, page and assets, with every layer. Tests build it on an
/// [`AppState`] of their own.
pub fn app(state: AppState) -> Router {
    let limits = state.limits().clone();
    let reads = || middleware::from_fn_with_state(state.clone(), auth::reads);
    let writes = || middleware::from_fn_with_state(state.clone(), auth::writes);
    let api = Router::new()
        .route(
            "/search",
            get(api::search_get.layer(reads())).post(
                api::search_post
                    .layer(middleware::from_fn_with_state(
                        state.clone(),
                        limits::json_body,
                    ))
                    .layer(reads()),
            ),
        )
        .route(
            "/documents",
            post(
                write::create
                    .layer(DefaultBodyLimit::max(limits.upload_bytes))
                    .layer(writes()),
            ),
        )
        .route(
            "/documents/{id}",
            get(api::document.layer(reads())).delete(write::delete.layer(writes())),
        )
        .route("/snapshots", post(snapshots::create.layer(writes())))
        .route("/facets", get(api::facets.layer(reads())))
        .route("/stats", get(api::stats.layer(reads())))
        .route("/brief", get(brief::brief.layer(reads())))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(api::no_such_route);
    let cors = cors_layer(&state.access().cors_origins);
    let router = Router::new()
        .route("/", get(assets::page))
        .route("/assets/{name}", get(assets::asset))
        .route("/favicon.ico", get(assets::favicon))
        .route("/openapi.json", get(openapi::openapi))
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .nest("/api", api)
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::query_string,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(DEFAULT_CONTENT_SECURITY_POLICY),
                ))
                .layer(CompressionLayer::new())
                .layer(CatchPanicLayer::custom(panicked))
                .layer(middleware::map_response(json_errors))
                .layer(HandleErrorLayer::new(timed_out))
                .timeout(limits.request_timeout),
        )
        .with_state(state);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// CORS for the configured origins (`*` for any); `None` (no CORS header at all) without
/// any. Origins that are not valid header values are left out (`minga serve` checks them).
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .expose_headers([header::RETRY_AFTER, header::CONTENT_DISPOSITION])
            .max_age(std::time::Duration::from_secs(600)),
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("nothing at {}", uri.path()))
}

/// What the timeout layer's error becomes.
async fn timed_out(error: BoxError) -> ApiError {
    if error.is::<tower::timeout::error::Elapsed>() {
        tracing::warn!("request timed out");
        ApiError::Timeout
    } else {
        tracing::error!(%error, "middleware failure");
        ApiError::Internal
    }
}

fn panicked(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "a handler panicked");
    ApiError::Internal.into_response()
}

/// The safety net: an error answer that is not JSON yet (from a layer or axum itself) is
/// rewritten in the API's format, keeping its status and headers such as `Allow`.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, _) = response.into_parts();
    let mut fresh = ApiError::from_status(status).into_response();
    *fresh.status_mut() = status;
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.headers_mut().insert(name, value.clone());
        }
    }
    fresh
}

/// A server bound to its address, not yet serving.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    state: AppState,
    writer: Option<Writer>,
}

impl Server {
    /// Opens the index (see [`AppState::open`]: a missing one is waited for), starts the
    /// writer when an API key is configured, and binds the address.
    pub async fn bind(config: Config) -> Result<Server, Error> {
        let Config {
            addr,
            index_dir,
            corpus_dir,
            snapshot_dir,
            limits,
            access,
            model,
        } = config;
        let dir = index_dir.clone();
        let writes = access.api_key.is_some();
        let protect_reads = access.protect_reads;
        let state =
            tokio::task::spawn_blocking(move || AppState::open_with(&dir, limits, model)).await??;
        let (state, writer) =
            state
                .with_access(access, &corpus_dir)
                .map_err(|_| Error::Corpus {
                    path: corpus_dir.clone(),
                })?;
        let state = match writes {
            true => state.with_snapshots(&corpus_dir, &snapshot_dir),
            false => state,
        };
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;
        tracing::info!(
            %addr,
            index = %index_dir.display(),
            corpus = %corpus_dir.display(),
            writes,
            protect_reads,
            "listening"
        );
        Ok(Server {
            listener,
            addr,
            state,
            writer,
        })
    }

    /// The address bound, with the port chosen when port 0 was asked.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish (writes
    /// among them: each is committed before it is answered) for up to the shutdown grace,
    /// and waits for the writer.
    ///
    /// Each connection speaks HTTP/1.1 and must send each request's headers within the
    /// header timeout, which also closes a kept-alive connection idle that long; at most
    /// `max_connections` are open at once (more wait in the listen queue).
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let Server {
            listener,
            state,
            writer,
            ..
        } = self;
        let limits = state.limits().clone();
        let router = app(state);
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .max_buf_size(MAX_REQUEST_HEAD_BYTES);
        let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
        let connections = GracefulShutdown::new();
        // The connections' tasks, to end those still open when the grace period is over:
        // each holds the router, and the writer stops only once nothing does.
        let mut tasks = tokio::task::JoinSet::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            while tasks.try_join_next().is_some() {}
            let permit = tokio::select! {
                permit = open.clone().acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
                () = &mut shutdown => break,
            };
            let stream = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        // Out of file handles, say: wait for connections to close rather
                        // than spin.
                        tracing::warn!(%error, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let service = TowerToHyperService::new(router.clone());
            let connection =
                connections.watch(http.serve_connection(TokioIo::new(stream), service));
            tasks.spawn(async move {
                if let Err(error) = connection.await {
                    tracing::debug!(%error, "connection closed");
                }
                drop(permit);
            });
        }
        drop(listener);
        drop(router);
        tracing::info!(
            connections = connections.count(),
            "shutting down: finishing requests in flight"
        );
        if tokio::time::timeout(limits.shutdown_grace, connections.shutdown())
            .await
            .is_err()
        {
            tracing::warn!(
                grace = ?limits.shutdown_grace,
                connections = tasks.len(),
                "closing the connections still open after the grace period"
            );
        }
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
        if let Some(writer) = writer {
            writer.stop().await;
        }
        tracing::info!("stopped");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::StatusCode;

    use super::*;

    #[tokio::test]
    async fn the_safety_net_puts_bare_errors_in_the_json_format() {
        let bare = Response::builder()
            .status(StatusCode::METHOD_NOT_ALLOWED)
            .header(header::ALLOW, "GET,HEAD")
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("Method Not Allowed"))
            .expect("a response");
        let response = json_errors(bare).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()[header::ALLOW], "GET,HEAD");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("a body");
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(body["error"]["code"], "method_not_allowed");

        let fine = Response::new(Body::from("ok"));
        assert_eq!(json_errors(fine).await.status(), StatusCode::OK);
    }

    #[test]
    fn panics_become_a_plain_500() {
        let response = panicked(Box::new("secret detail"));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}

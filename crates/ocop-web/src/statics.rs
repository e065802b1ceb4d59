//! Static assets embedded in the binary: no CDN, works on closed networks.

use crate::AppState;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/app.js"),
    ),
    (
        "inspection.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/inspection.js"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/htmx.min.js"),
    ),
    (
        "vendor/leaflet/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/leaflet/leaflet.js"),
    ),
    (
        "vendor/leaflet/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/vendor/leaflet/leaflet.css"),
    ),
    (
        "vendor/leaflet/LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../static/vendor/leaflet/LICENSE.txt"),
    ),
    (
        "vendor/leaflet/images/layers-2x.png",
        "image/png",
        include_bytes!("../static/vendor/leaflet/images/layers-2x.png"),
    ),
    (
        "vendor/leaflet/images/layers.png",
        "image/png",
        include_bytes!("../static/vendor/leaflet/images/layers.png"),
    ),
    (
        "vendor/leaflet/images/marker-icon-2x.png",
        "image/png",
        include_bytes!("../static/vendor/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "vendor/leaflet/images/marker-icon.png",
        "image/png",
        include_bytes!("../static/vendor/leaflet/images/marker-icon.png"),
    ),
    (
        "vendor/leaflet/images/marker-shadow.png",
        "image/png",
        include_bytes!("../static/vendor/leaflet/images/marker-shadow.png"),
    ),
    (
        "trade-map.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/trade-map.js"),
    ),
    (
        "htmx.LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../static/htmx.LICENSE.txt"),
    ),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/{*file}", get(serve))
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(crate::metrics::handler))
}

async fn serve(Path(file): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == file) {
        Some((_, ct, body)) => (
            [
                (header::CONTENT_TYPE, *ct),
                // Assets change only with the binary; a day is safe and saves slow links.
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

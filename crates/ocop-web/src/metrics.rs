//! Prometheus metrics at `/metrics`, kept in-process with atomics (no extra crate).

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counters and latency histograms by method, route and status class.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, String), Series>>,
    in_flight: std::sync::atomic::AtomicI64,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        let key = (
            method.to_string(),
            route.to_string(),
            format!("{}xx", status / 100),
        );
        if let Ok(mut m) = self.series.lock() {
            let s = m.entry(key).or_default();
            s.count += 1;
            s.sum += secs;
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    s.buckets[i] += 1;
                }
            }
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(out, "# HELP ocop_http_requests_total HTTP requests served.");
        let _ = writeln!(out, "# TYPE ocop_http_requests_total counter");
        let map = self.series.lock().map(|m| {
            m.iter()
                .map(|(k, s)| (k.clone(), s.count, s.sum, s.buckets))
                .collect::<Vec<_>>()
        });
        let rows = map.unwrap_or_default();
        for ((m, r, st), count, _, _) in &rows {
            let _ = writeln!(
                out,
                "ocop_http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{st}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP ocop_http_request_duration_seconds Request latency."
        );
        let _ = writeln!(out, "# TYPE ocop_http_request_duration_seconds histogram");
        for ((m, r, st), count, sum, buckets) in &rows {
            let labels = format!("method=\"{m}\",route=\"{r}\",status=\"{st}\"");
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "ocop_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                    buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "ocop_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "ocop_http_request_duration_seconds_sum{{{labels}}} {sum}"
            );
            let _ = writeln!(
                out,
                "ocop_http_request_duration_seconds_count{{{labels}}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP ocop_http_requests_in_flight Requests being served."
        );
        let _ = writeln!(out, "# TYPE ocop_http_requests_in_flight gauge");
        let _ = writeln!(
            out,
            "ocop_http_requests_in_flight {}",
            self.in_flight.load(std::sync::atomic::Ordering::Relaxed)
        );
        out
    }
}

/// Middleware recording every request.
pub async fn track(State(st): State<AppState>, req: Request, next: Next) -> Response {
    use std::sync::atomic::Ordering;
    let method = req.method().to_string();
    // The route template, not the raw path, so ids do not explode the label set.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    st.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let start = Instant::now();
    let resp = next.run(req).await;
    st.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    st.metrics.observe(
        &method,
        &route,
        resp.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    resp
}

/// Is the request from this machine and not relayed by a proxy? A reverse proxy on
/// the same host connects from loopback too, so a forwarded request never counts.
pub fn from_this_machine(peer: Option<std::net::IpAddr>, headers: &HeaderMap) -> bool {
    let forwarded = headers.contains_key("x-forwarded-for")
        || headers.contains_key("forwarded")
        || headers.contains_key("x-real-ip");
    !forwarded && peer.is_some_and(|ip| ip.is_loopback())
}

/// `GET /metrics`: public only when `metrics_public` is set; otherwise from this
/// machine, or with `Authorization: Bearer <token>` of an administrator.
pub async fn handler(State(st): State<AppState>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let headers = req.headers();
    if !st.cfg.metrics_public && !from_this_machine(peer, headers) {
        let token = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let Some(token) = token else {
            return ApiError::unauthorized().into_response();
        };
        match ocop_store::users::token_user(&st.db.conn, token).await {
            Ok(Some(u)) if ocop_store::users::principal(&u).is_admin() => {}
            Ok(Some(_)) => return ApiError::forbidden().into_response(),
            Ok(None) => return ApiError::unauthorized().into_response(),
            Err(e) => return ApiError::from(e).into_response(),
        }
    }
    (
        [("content-type", "text/plain; version=0.0.4")],
        st.metrics.render(),
    )
        .into_response()
}

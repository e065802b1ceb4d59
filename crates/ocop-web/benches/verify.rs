//! Benchmark of the public label check: `/verify/{number}` (the page a shopper's
//! phone opens from the QR code, signature checked) and its JSON twin, on SQLite
//! with the Lai Châu demo, served in-process.
//!
//! `cargo bench -p ocop-web --bench verify [-- REQUESTS CONCURRENCY]` prints
//! throughput, latency percentiles, the page's size (raw and gzipped) and the
//! process's peak memory. Figures are recorded in BENCHMARKS.md.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn vm(key: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .map(|l| l[key.len()..].trim().to_string())
        .unwrap_or_else(|| "?".into())
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn run(
    client: &reqwest::Client,
    urls: &[String],
    requests: usize,
    concurrency: usize,
) -> (f64, Vec<Duration>) {
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, urls, next) = (client.clone(), urls.to_vec(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                let t = Instant::now();
                let r = client.get(&urls[i % urls.len()]).send().await.unwrap();
                assert_eq!(r.status(), 200);
                let _ = r.bytes().await.unwrap();
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort();
    (requests as f64 / secs, all)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with('-')).collect();
    let requests: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(8);
    let dir = std::env::temp_dir().join(format!("ocop-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/bench.db", dir.display());
    let db = ocop_store::connect(&url, ocop_store::OpenMode::CreateFile)
        .await
        .unwrap();
    ocop_store::migrations::run(&db.conn).await.unwrap();
    ocop_store::demo::load(&db.conn).await.unwrap();
    let certs = ocop_store::certificates::list(
        &db.conn,
        &ocop_domain::roles::Scope::All,
        &ocop_store::certificates::CertFilter {
            page: 1,
            per_page: 200,
            ..Default::default()
        },
        ocop_domain::format::today_vn(),
    )
    .await
    .unwrap()
    .0;
    let cfg = ocop_web::WebConfig {
        public_rate_limit: 0,
        ..Default::default()
    };
    let app = ocop_web::router(ocop_web::AppState::new(db.clone(), cfg));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        ocop_web::axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();
    // The QR code's URL of each demo certificate (signature and key in the query).
    let mut pages = Vec::new();
    let mut json = Vec::new();
    for c in &certs {
        let (_, body) = {
            let r = client
                .get(format!("{base}/api/v1/public/certificates/{}", c.number))
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<serde_json::Value>().await.unwrap())
        };
        pages.push(
            body["qr_url"]
                .as_str()
                .unwrap()
                .replace("http://localhost", &base),
        );
        json.push(format!("{base}/api/v1/public/certificates/{}", c.number));
    }
    let pages: Vec<String> = pages
        .into_iter()
        .map(|u| match u.find("/verify/") {
            Some(i) => format!("{base}{}", &u[i..]),
            None => u,
        })
        .collect();
    // Page weight as a phone receives it.
    let raw = client
        .get(&pages[0])
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let gz = client
        .get(&pages[0])
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&raw).contains("verify-status"));
    println!(
        "ocop /verify benchmark: {} certificates, {requests} requests per endpoint, concurrency {concurrency}, SQLite, release build, {} CPUs",
        certs.len(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!(
        "page /verify/{{number}}: {} bytes, {} bytes gzipped (HTML only; the stylesheet is cached after the first visit)",
        raw.len(),
        gz.len()
    );
    // Warm up, then measure.
    run(&client, &pages, 200, concurrency).await;
    for (name, urls) in [
        ("/verify/{number}?s=&k= (HTML, signature checked)", &pages),
        ("/api/v1/public/certificates/{number} (JSON)", &json),
    ] {
        let (rps, t) = run(&client, urls, requests, concurrency).await;
        println!(
            "{name}: {rps:.0} req/s; latency p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            pct(&t, 0.50),
            pct(&t, 0.95),
            pct(&t, 0.99),
            t.last().unwrap().as_secs_f64() * 1000.0
        );
    }
    println!(
        "process memory (server and load generator together): VmHWM {}, VmRSS {}",
        vm("VmHWM:"),
        vm("VmRSS:")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

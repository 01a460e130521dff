//! Request metrics in the Prometheus text format: counts by route, method and status, and a
//! latency histogram by route. Kept in-process and small on purpose: one mutex-guarded map,
//! touched once per request.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Latency {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Latency>,
    jobs: BTreeMap<(String, String), u64>,
}

#[derive(Default, Clone)]
pub struct Metrics {
    inner: Arc<Mutex<Inner>>,
}

impl Metrics {
    pub fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *inner
            .requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let latency = inner.latency.entry(route.to_owned()).or_default();
        for (bucket, bound) in latency.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        latency.count += 1;
        latency.sum += seconds;
    }

    /// Counts one run of a background job: `ok`, `skipped` (another instance had it) or
    /// `failed`.
    pub fn record_job(&self, job: &str, outcome: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *inner
            .jobs
            .entry((job.to_owned(), outcome.to_owned()))
            .or_default() += 1;
    }

    /// The request metrics as Prometheus text.
    pub fn render(&self, out: &mut String) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str("# HELP ampli_http_requests_total HTTP requests answered, by route, method and status.\n");
        out.push_str("# TYPE ampli_http_requests_total counter\n");
        for ((method, route, status), count) in &inner.requests {
            let _ = writeln!(
                out,
                "ampli_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
        out.push_str("# HELP ampli_job_runs_total Background job runs, by job and outcome.\n");
        out.push_str("# TYPE ampli_job_runs_total counter\n");
        for ((job, outcome), count) in &inner.jobs {
            let _ = writeln!(
                out,
                "ampli_job_runs_total{{job=\"{job}\",outcome=\"{outcome}\"}} {count}"
            );
        }
        out.push_str(
            "# HELP ampli_http_request_duration_seconds Time to answer HTTP requests, by route.\n",
        );
        out.push_str("# TYPE ampli_http_request_duration_seconds histogram\n");
        for (route, latency) in &inner.latency {
            let route = escape(route);
            for (bound, count) in BUCKETS.iter().zip(latency.buckets) {
                let _ = writeln!(
                    out,
                    "ampli_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "ampli_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                latency.count
            );
            let _ = writeln!(
                out,
                "ampli_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                latency.sum
            );
            let _ = writeln!(
                out,
                "ampli_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                latency.count
            );
        }
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A route label a handler sets on its response when the matched route template says too
/// little: `/rest/{method}` is labelled by the Subsonic method (from a fixed list).
#[derive(Debug, Clone, Copy)]
pub struct RouteLabel(pub &'static str);

/// Middleware that times each request. The route label is the matched route template
/// (`/api/v1/songs/{id}`), never the raw path, so that IDs do not explode the label set.
pub async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Only standard methods become labels: arbitrary ones would grow the label set unbounded.
    let method = match request.method().as_str() {
        known @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => known,
        _ => "OTHER",
    }
    .to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let route = match response.extensions().get::<RouteLabel>() {
        Some(RouteLabel(label)) => (*label).to_owned(),
        None => route,
    };
    metrics.record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

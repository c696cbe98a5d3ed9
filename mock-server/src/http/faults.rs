//! Injected faults (`POST /__admin/faults`).

use rand::Rng;
use serde::{Deserialize, Serialize};

/// One fault rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Only requests whose path starts with this (e.g. `/v2/clients`).
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Only this method.
    #[serde(default)]
    pub method: Option<String>,
    /// Added delay in milliseconds.
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Status to answer with instead of handling the request.
    #[serde(default)]
    pub status: Option<u16>,
    /// Body sent with `status`.
    #[serde(default)]
    pub body: Option<String>,
    /// Drop the connection instead of answering.
    #[serde(default)]
    pub drop_connection: bool,
    /// Apply to this many matching requests, then expire.
    #[serde(default)]
    pub count: Option<u32>,
    /// Apply to this fraction (0..1) of matching requests.
    #[serde(default)]
    pub fraction: Option<f64>,
}

/// What to do to one request.
#[derive(Debug, Clone, Default)]
pub struct Effect {
    /// Added delay.
    pub latency_ms: u64,
    /// Replace the response.
    pub status: Option<(u16, String)>,
    /// Drop the connection.
    pub drop: bool,
}

/// Picks the effects of the active faults on a request and counts them down.
pub fn apply(faults: &mut Vec<Fault>, method: &str, path: &str, rng: &mut impl Rng) -> Effect {
    let mut eff = Effect::default();
    for f in faults.iter_mut() {
        if f.path_prefix.as_deref().is_some_and(|p| !path.starts_with(p)) {
            continue;
        }
        if f.method.as_deref().is_some_and(|m| !m.eq_ignore_ascii_case(method)) {
            continue;
        }
        if f.count == Some(0) {
            continue;
        }
        if let Some(fr) = f.fraction
            && rng.r#gen::<f64>() >= fr
        {
            continue;
        }
        if let Some(c) = f.count.as_mut() {
            *c -= 1;
        }
        eff.latency_ms += f.latency_ms.unwrap_or(0);
        if eff.status.is_none()
            && let Some(s) = f.status
        {
            eff.status = Some((s, f.body.clone().unwrap_or_default()));
        }
        eff.drop |= f.drop_connection;
    }
    faults.retain(|f| f.count != Some(0));
    eff
}

/// Per-request overrides: `Prefer: code=503`, `X-Mock-Delay: 300ms`, `X-Mock-Fault: reset`.
pub fn from_headers(headers: &axum::http::HeaderMap) -> Effect {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
    let mut eff = Effect::default();
    if let Some(code) = get("prefer")
        .and_then(|p| p.split(',').find_map(|part| part.trim().strip_prefix("code=")))
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| (100..=599).contains(c))
    {
        eff.status = Some((code, String::new()));
    }
    if let Some(d) = get("x-mock-delay") {
        let ms = d.strip_suffix("ms").unwrap_or(d).trim();
        eff.latency_ms = ms.parse::<u64>().unwrap_or(0).min(60_000);
    }
    eff.drop = get("x-mock-fault").is_some_and(|f| f.eq_ignore_ascii_case("reset"));
    eff
}

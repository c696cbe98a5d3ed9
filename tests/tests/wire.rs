//! Wire details byte for byte on the default seed (42), pinned by insta snapshots:
//! the status line, every response header except `date`, and the exact body of
//! list envelopes (page and cursor pagination, `links` on the request's base), a
//! created record's `Location`, and Harvest's error answers (400, 401, 404, 413,
//! 422, 429). Requests go through reqwest directly, so the bytes are the server's.
//!
//! Ports differ between runs: every snapshot has the server's own base URL
//! (`http://127.0.0.1:<port>`) replaced by `http://[mock]`, in headers and body.

use std::fmt::Write as _;

use harvest_mock::{Config, MockServer};
use reqwest::{Method, RequestBuilder};

type Error = Box<dyn std::error::Error + Send + Sync>;

const USER_AGENT: &str = "wire-tests (dev@example.com)";

/// Headers whose value changes from run to run and so are left out of snapshots. Every
/// other header is kept, so a new one (an `X-RateLimit-*` that real Harvest does not send,
/// say) shows up as a snapshot change.
const VOLATILE: &[&str] = &["date"];

/// A mock server and a raw HTTP client for it.
struct Wire {
    server: MockServer,
    http: reqwest::Client,
}

/// One exchange as it is snapshotted, and the parts tests look at further.
struct Exchange {
    text: String,
    status: u16,
    body: String,
}

impl Wire {
    /// A server on `config` with its clock frozen at the suites' instant, so seeded dates (and
    /// the snapshots) are the same on every run.
    async fn start(config: Config) -> Result<Wire, Error> {
        let config = Config { now: config.now.or(Some(harvest_tests::test_now())), ..config };
        let server = MockServer::start(config).await?;
        Ok(Wire { server, http: harvest_tests::http_client() })
    }

    /// A request with Harvest's three headers (token, account, user agent).
    fn authed(&self, method: Method, path: &str) -> RequestBuilder {
        self.bare(method, path)
            .header("Authorization", "Bearer wire-token")
            .header("Harvest-Account-Id", "1")
            .header("User-Agent", USER_AGENT)
    }

    /// A request without any of Harvest's headers.
    fn bare(&self, method: Method, path: &str) -> RequestBuilder {
        let url = if path.starts_with("http") { path.to_string() } else { format!("{}{path}", self.server.base_url()) };
        self.http.request(method, url)
    }

    /// Sends `req` and renders the exchange: request line, status line, the kept
    /// headers sorted by name, a blank line and the body exactly as received.
    async fn send(&self, req: RequestBuilder) -> Result<Exchange, Error> {
        let req = req.build()?;
        let target = match req.url().query() {
            Some(q) => format!("{}?{q}", req.url().path()),
            None => req.url().path().to_string(),
        };
        let mut text = format!("{} {target}\n", req.method());
        let resp = self.http.execute(req).await?;
        let status = resp.status();
        writeln!(text, "{:?} {}", resp.version(), status)?;
        let mut headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .filter(|(name, _)| !VOLATILE.contains(&name.as_str()))
            .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        headers.sort();
        for (name, value) in headers {
            writeln!(text, "{name}: {value}")?;
        }
        let body = String::from_utf8(resp.bytes().await?.to_vec())?;
        write!(text, "\n{body}")?;
        let base = self.server.base_url();
        Ok(Exchange { text: text.replace(&base, "http://[mock]"), status: status.as_u16(), body })
    }
}

/// The string at a JSON pointer of a body (`/links/next`), for following links.
fn string_at(body: &str, pointer: &str) -> Result<String, Error> {
    let v: serde_json::Value = serde_json::from_str(body)?;
    Ok(v.pointer(pointer).and_then(|x| x.as_str()).ok_or_else(|| format!("no {pointer} in {body}"))?.to_string())
}

/// `text` with the value of every `"key":"…"` replaced by `[now]` (server clock timestamps).
fn redact_times(text: &str, keys: &[&str]) -> String {
    let mut out = text.to_string();
    for key in keys {
        let marker = format!("\"{key}\":\"");
        if let Some(start) = out.find(&marker).map(|i| i + marker.len())
            && let Some(len) = out[start..].find('"')
        {
            out.replace_range(start..start + len, "[now]");
        }
    }
    out
}

#[tokio::test]
async fn list_envelopes_links_and_location() -> Result<(), Error> {
    let w = Wire::start(Config::default()).await?;
    // Page pagination: the first project's time entries, two a page.
    let projects = w.send(w.authed(Method::GET, "/v2/projects?per_page=1")).await?;
    let project = serde_json::from_str::<serde_json::Value>(&projects.body)?["projects"][0]["id"].clone();
    let page1 = w.send(w.authed(Method::GET, &format!("/v2/time_entries?project_id={project}&per_page=2"))).await?;
    insta::assert_snapshot!("page_list_page_1", page1.text);
    let next = string_at(&page1.body, "/links/next")?;
    let page2 = w.send(w.authed(Method::GET, &next)).await?;
    insta::assert_snapshot!("page_list_page_2", page2.text);

    // Cursor pagination: clients, two a page; the second page is reached through `links.next`.
    let first = w.send(w.authed(Method::GET, "/v2/clients?per_page=2")).await?;
    insta::assert_snapshot!("cursor_list_page_1", first.text);
    let next = string_at(&first.body, "/links/next")?;
    let second = w.send(w.authed(Method::GET, &next)).await?;
    insta::assert_snapshot!("cursor_list_page_2", second.text);

    // A created record: 201 and `Location` (timestamps are the server's clock).
    let client = serde_json::from_str::<serde_json::Value>(&first.body)?["clients"][0]["id"].clone();
    let body = format!(r#"{{"client_id":{client},"first_name":"Ada","last_name":"Lovelace"}}"#);
    let created =
        w.send(w.authed(Method::POST, "/v2/contacts").header("Content-Type", "application/json").body(body)).await?;
    assert_eq!(created.status, 201);
    insta::assert_snapshot!("201_created", redact_times(&created.text, &["created_at", "updated_at"]));
    Ok(())
}

#[tokio::test]
async fn error_answers() -> Result<(), Error> {
    let w = Wire::start(Config::default()).await?;
    let no_agent = w
        .bare(Method::GET, "/v2/clients")
        .header("Authorization", "Bearer wire-token")
        .header("Harvest-Account-Id", "1");
    insta::assert_snapshot!("400_missing_user_agent", w.send(no_agent).await?.text);
    let malformed =
        w.authed(Method::POST, "/v2/clients").header("Content-Type", "application/json").body(r#"{"name":"#);
    insta::assert_snapshot!("400_malformed_json", w.send(malformed).await?.text);
    insta::assert_snapshot!(
        "422_bad_query_value",
        w.send(w.authed(Method::GET, "/v2/projects?is_active=maybe")).await?.text
    );
    insta::assert_snapshot!(
        "422_per_page_too_large",
        w.send(w.authed(Method::GET, "/v2/clients?per_page=2001")).await?.text
    );
    let anonymous = w.bare(Method::GET, "/v2/clients").header("User-Agent", USER_AGENT);
    insta::assert_snapshot!("401_no_token", w.send(anonymous).await?.text);
    let no_account = w
        .bare(Method::GET, "/v2/clients")
        .header("User-Agent", USER_AGENT)
        .header("Authorization", "Bearer wire-token");
    insta::assert_snapshot!("401_no_account_id", w.send(no_account).await?.text);
    // Real Harvest answers an unknown route with an HTML page ("HARVEST: Canʼt find page",
    // text/html; exact bytes unrecorded). The mock keeps its JSON 404 there, so that every
    // error body stays one of Harvest's JSON shapes, which the bad-input suite relies on.
    insta::assert_snapshot!("404_unknown_route", w.send(w.authed(Method::GET, "/v2/nothing_here")).await?.text);
    insta::assert_snapshot!("404_unknown_id", w.send(w.authed(Method::GET, "/v2/clients/1")).await?.text);
    let oversized = format!(r#"{{"name":"{}"}}"#, "a".repeat(1024 * 1024));
    let too_large = w.authed(Method::POST, "/v2/clients").header("Content-Type", "application/json").body(oversized);
    insta::assert_snapshot!("413_oversized_body", w.send(too_large).await?.text);
    let invalid = w.authed(Method::POST, "/v2/time_entries").header("Content-Type", "application/json").body("{}");
    insta::assert_snapshot!("422_invalid_create", w.send(invalid).await?.text);
    let prefer = w.authed(Method::GET, "/v2/clients").header("Prefer", "code=429");
    insta::assert_snapshot!("429_requested_with_prefer", w.send(prefer).await?.text);
    Ok(())
}

#[tokio::test]
async fn rate_limit_exhausted() -> Result<(), Error> {
    let w = Wire::start(Config { rate_limit: true, ..Config::default() }).await?;
    for i in 0..100 {
        let ok = w.send(w.authed(Method::GET, "/v2/company")).await?;
        assert_eq!(ok.status, 200, "request {i} of the allowed 100");
    }
    let limited = w.send(w.authed(Method::GET, "/v2/company")).await?;
    assert_eq!(limited.status, 429);
    // Retry-After counts the seconds until the oldest request leaves the 15 s window:
    // 15 when the 100 took under a second, less on a slow machine.
    let line = limited.text.lines().find(|l| l.starts_with("retry-after: ")).ok_or("no Retry-After")?;
    let seconds: u64 = line.trim_start_matches("retry-after: ").parse()?;
    assert!((1..=15).contains(&seconds), "Retry-After {seconds}");
    insta::assert_snapshot!("429_rate_limited", limited.text.replace(line, "retry-after: [1..=15]"));
    Ok(())
}

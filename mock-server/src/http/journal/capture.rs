//! What the journal keeps of one request: when it arrived, the account it
//! names, its headers and query with credentials redacted, and its body as
//! capped text. The body is read once here and handed on to the pipeline.

use std::collections::BTreeMap;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::HeaderMap;
use chrono::Utc;
use harvest_spec::ir::Auth;

use super::RecordedRequest;

/// How many bytes of a body, or of a header value, an entry keeps.
const BODY_CAP: usize = 8 * 1024;

/// What a credential reads as in the journal.
const REDACTED: &str = "[redacted]";

/// A request seen by the pipeline and not yet answered.
#[derive(Debug)]
pub struct Pending {
    started: Instant,
    entry: RecordedRequest,
}

impl Pending {
    /// The account the request names (header, else query), as the journal records it.
    pub fn account(&self) -> Option<&str> {
        self.entry.account.as_deref()
    }

    /// The journal entry of the request, answered with `status` now.
    pub fn answered(mut self, status: u16) -> RecordedRequest {
        self.entry.status = status;
        self.entry.duration_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        self.entry
    }
}

/// Notes a request's arrival and reads its body (up to `limit` bytes), then
/// gives the request back with the same body for the pipeline to handle. A
/// body that cannot be read (over `limit`, or cut off) is given back as a body
/// that fails when read, so the pipeline refuses it where it always did.
pub async fn receive(req: Request, auth: &Auth, limit: usize) -> (Request, Pending) {
    let started = Instant::now();
    let time = Utc::now();
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.ok();
    let query = parts.uri.query().unwrap_or("");
    let (body_text, body_bytes, body_truncated) = body_note(bytes.as_ref());
    let entry = RecordedRequest {
        time,
        account: account(auth, &parts.headers, query),
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: redact_query(query),
        status: 0,
        duration_ms: 0.0,
        headers: headers(&parts.headers),
        body: body_text,
        body_bytes,
        body_truncated,
    };
    let body = match bytes {
        Some(b) => Body::from(b),
        None => unreadable(),
    };
    (Request::from_parts(parts, body), Pending { started, entry })
}

/// A body whose first read fails.
fn unreadable() -> Body {
    Body::from_stream(futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("the body was over the limit or cut off"))
    }))
}

/// The account header's value, else the account query parameter's; blank counts as absent.
pub fn account(auth: &Auth, headers: &HeaderMap, query: &str) -> Option<String> {
    let from_header = headers
        .get(auth.account_header.as_str())
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
        .filter(|v| !v.is_empty());
    from_header.or_else(|| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| *k == auth.account_query)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    })
}

/// Whether a header or query parameter named `name` carries a credential.
fn is_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(name.as_str(), "authorization" | "proxy-authorization" | "cookie")
        || ["token", "secret", "password"].iter().any(|w| name.contains(w))
}

/// Headers by name, repeated ones joined; credentials redacted, long values cut.
fn headers(map: &HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in map {
        let name = name.as_str();
        if is_credential(name) {
            out.insert(name.to_string(), REDACTED.to_string());
            continue;
        }
        let text = String::from_utf8_lossy(value.as_bytes());
        let text = &text[..floor_boundary(&text, BODY_CAP)];
        out.entry(name.to_string())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(text);
            })
            .or_insert_with(|| text.to_string());
    }
    out
}

/// The raw query with the value of every credential parameter (`access_token`, …) redacted;
/// everything else byte for byte.
fn redact_query(raw: &str) -> String {
    let key = |part: &str| {
        let raw_key = part.split_once('=').map_or(part, |(k, _)| k);
        form_urlencoded::parse(raw_key.as_bytes()).next().map(|(k, _)| k.into_owned()).unwrap_or_default()
    };
    if !raw.split('&').any(|p| is_credential(&key(p))) {
        return raw.to_string();
    }
    raw.split('&')
        .map(|part| {
            if is_credential(&key(part)) {
                let raw_key = part.split_once('=').map_or(part, |(k, _)| k);
                format!("{raw_key}={REDACTED}")
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The body as the journal shows it: (text or note, length, truncated).
fn body_note(bytes: Option<&Bytes>) -> (Option<String>, Option<usize>, bool) {
    let Some(bytes) = bytes else {
        return (Some("[not read: over the body limit or cut off]".into()), None, true);
    };
    let len = bytes.len();
    if len == 0 {
        return (None, Some(0), false);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let end = floor_boundary(text, BODY_CAP);
            (Some(text[..end].to_string()), Some(len), end < len)
        }
        Err(_) => (Some(format!("[{len} bytes, not UTF-8]")), Some(len), false),
    }
}

/// The largest char boundary of `s` at or below `max`.
fn floor_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> Auth {
        Auth {
            token_header: "Authorization".into(),
            account_header: "Harvest-Account-Id".into(),
            token_query: "access_token".into(),
            account_query: "account_id".into(),
            user_agent_required: true,
        }
    }

    #[test]
    fn credentials_are_redacted_in_headers_and_query() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("authorization", "Bearer secret-1"),
            ("cookie", "a=b"),
            ("x-admin-token", "t"),
            ("x-client-secret", "s"),
            ("user-agent", "me"),
            ("accept", "a"),
            ("accept", "b"),
        ] {
            h.append(k, axum::http::HeaderValue::from_static(v));
        }
        let out = headers(&h);
        for k in ["authorization", "cookie", "x-admin-token", "x-client-secret"] {
            assert_eq!(out.get(k).map(String::as_str), Some(REDACTED), "{k}");
        }
        assert_eq!(out.get("user-agent").map(String::as_str), Some("me"));
        assert_eq!(out.get("accept").map(String::as_str), Some("a, b"));
        assert_eq!(redact_query("access_token=abc&account_id=1&x=%20"), "access_token=[redacted]&account_id=1&x=%20");
        assert_eq!(redact_query("a=1&b"), "a=1&b");
        assert_eq!(redact_query(""), "");
    }

    #[test]
    fn bodies_are_capped_text_or_a_note() {
        assert_eq!(body_note(Some(&Bytes::new())), (None, Some(0), false));
        assert_eq!(body_note(Some(&Bytes::from_static(b"{}"))), (Some("{}".into()), Some(2), false));
        let long = "é".repeat(BODY_CAP); // two bytes each: cut at the cap, on a char boundary
        let (text, len, cut) = body_note(Some(&Bytes::from(long.clone())));
        assert_eq!((text.map(|t| t.len()), len, cut), (Some(BODY_CAP), Some(long.len()), true));
        let odd = "a".repeat(BODY_CAP - 1) + "é";
        let (text, _, cut) = body_note(Some(&Bytes::from(odd)));
        assert_eq!((text.map(|t| t.len()), cut), (Some(BODY_CAP - 1), true));
        let binary = body_note(Some(&Bytes::from_static(&[0xff, 0xfe, 0])));
        assert_eq!(binary, (Some("[3 bytes, not UTF-8]".into()), Some(3), false));
        assert_eq!(body_note(None).1, None);
    }

    #[test]
    fn the_account_comes_from_the_header_then_the_query() {
        let auth = auth();
        let mut h = HeaderMap::new();
        assert_eq!(account(&auth, &h, "account_id=9"), Some("9".into()));
        assert_eq!(account(&auth, &h, "x=1"), None);
        h.insert("harvest-account-id", axum::http::HeaderValue::from_static(" 42 "));
        assert_eq!(account(&auth, &h, "account_id=9"), Some("42".into()));
    }
}

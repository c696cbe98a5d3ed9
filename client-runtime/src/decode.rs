//! Turning response bodies into typed values, with the JSON path of any failure.
//!
//! List envelopes are read straight from the bytes (`envelope`); only a body that fails
//! there is parsed as a `serde_json::Value` and read again, so errors keep the path and
//! message they always had. Paths come from where `serde_json` stopped (`json_path`).

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed};

use crate::envelope::{self, Meta};
use crate::{Error, Json, Response};

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The records of this page.
    pub items: Vec<T>,
    /// Records per page.
    pub per_page: Option<u64>,
    /// Number of pages (page-numbered lists).
    pub total_pages: Option<u64>,
    /// Number of records in all pages.
    pub total_entries: Option<u64>,
    /// This page's number (page-numbered lists).
    pub page: Option<u64>,
    /// Next page's number (page-numbered lists).
    pub next_page: Option<u64>,
    /// Previous page's number (page-numbered lists).
    pub previous_page: Option<u64>,
    /// Links to other pages, followed verbatim.
    pub links: Links,
}

/// The `links` object of a list page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Links {
    /// First page.
    #[serde(default)]
    pub first: Option<String>,
    /// Next page; `None` on the last page.
    #[serde(default)]
    pub next: Option<String>,
    /// Previous page.
    #[serde(default)]
    pub previous: Option<String>,
    /// Last page.
    #[serde(default)]
    pub last: Option<String>,
}

fn decode_error(response: &Response, path: String, message: String) -> Error {
    Error::Decode { status: response.status, path, message, body: response.body.clone() }
}

/// Decodes the whole body as `T`.
pub fn decode<T: DeserializeOwned>(response: &Response) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(&response.body);
    T::deserialize(&mut de).map_err(|e| located(response, &response.body, &e, e.to_string()))
}

/// A decode error at the path of the value `serde_json` stopped at.
///
/// Every decoder here reads through the same unwrapped JSON deserializer and finds the path
/// afterwards ([`json_path`](crate::json_path)), so each record type is compiled once.
fn located(response: &Response, text: &[u8], e: &serde_json::Error, message: String) -> Error {
    decode_error(response, crate::json_path::at(text, e.line(), e.column()), message)
}

fn object(response: &Response) -> Result<serde_json::Map<String, Json>, Error> {
    match serde_json::from_slice::<Json>(&response.body) {
        Ok(Json::Object(map)) => Ok(map),
        Ok(_) => Err(decode_error(response, ".".into(), "expected a JSON object".into())),
        Err(e) => Err(decode_error(response, ".".into(), e.to_string())),
    }
}

/// Explains an envelope the fast path rejected: malformed JSON, a body that is not an object
/// and a missing `key` fail at the root; anything else fails at its path, with serde's message
/// (without the byte position, which says nothing the path does not).
fn explain_envelope<T: DeserializeOwned>(response: &Response, key: &str, with_meta: bool) -> Result<(T, Meta), Error> {
    let map = object(response)?;
    if !map.contains_key(key) {
        return Err(decode_error(response, key.into(), format!("missing field `{key}`")));
    }
    // The parsed object written out again: a repeated key keeps only its last value.
    let text = serde_json::to_vec(&Json::Object(map)).map_err(|e| decode_error(response, ".".into(), e.to_string()))?;
    let mut de = serde_json::Deserializer::from_slice(&text);
    envelope::seed(key, with_meta).deserialize(&mut de).map_err(|e| {
        let message = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&position).unwrap_or(&message).to_owned();
        located(response, &text, &e, message)
    })
}

/// Decodes the value under `key` of the body (`{"teammates": [...]}`).
pub fn decode_key<T: DeserializeOwned>(response: &Response, key: &str) -> Result<T, Error> {
    match envelope::read(&response.body, key, false) {
        Some((value, _)) => Ok(value),
        None => explain_envelope(response, key, false).map(|(value, _)| value),
    }
}

/// Decodes a paginated envelope whose records are under `envelope`.
pub fn decode_page<T: DeserializeOwned>(response: &Response, envelope: &str) -> Result<Page<T>, Error> {
    let (items, meta) = match envelope::read(&response.body, envelope, true) {
        Some(read) => read,
        None => explain_page(response, envelope)?,
    };
    Ok(page(items, meta))
}

/// Decodes a page that the fast path rejected, naming the failing path.
fn explain_page<T: DeserializeOwned>(response: &Response, envelope: &str) -> Result<(Vec<T>, Meta), Error> {
    explain_envelope(response, envelope, true)
}

fn page<T>(items: Vec<T>, meta: Meta) -> Page<T> {
    Page {
        items,
        per_page: meta.per_page,
        total_pages: meta.total_pages,
        total_entries: meta.total_entries,
        page: meta.page,
        next_page: meta.next_page,
        previous_page: meta.previous_page,
        links: meta.links.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::{HeaderMap, Method, StatusCode};

    /// The Harvest client, generated here so the real records can be decoded (most of it
    /// goes unused in this test).
    #[allow(dead_code)]
    mod harvest {
        harvest_codegen_macro::generate_client!("../spec/harvest");
    }
    use harvest::models;

    fn response(body: &[u8]) -> Response {
        Response { status: StatusCode::OK, headers: HeaderMap::new(), body: body.to_vec().into() }
    }

    /// Reads `body` on the fast path, which must accept it, and checks it against the reference.
    fn fast_matches_reference<T>(body: &[u8], key: &str)
    where
        T: DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let shown = String::from_utf8_lossy(body);
        let fast = envelope::read::<Vec<T>>(body, key, true);
        let reference = explain_page::<T>(&response(body), key).unwrap();
        assert_eq!(fast.as_ref(), Some(&reference), "{shown}");
    }

    /// The fast path itself, not its fallback, reads envelopes laid out in unusual ways.
    #[test]
    fn the_fast_path_reads_unusual_layouts() {
        let bodies = [
            r#"{"links":{"zz":1,"next":"n"},"zz":[{"ids":2}],"ids":[1,2],"per_page":2,"zz_page":"x"}"#,
            r#"{"ids":[3]}"#,
            r#"{"page":null,"links":null,"ids":[],"ids":[4],"total_pages":1,"total_pages":2}"#,
            r#" { "ids" : [ 5 ] , "links" : { } , "next_page" : 2 , "previous_page" : 1 , "total_entries" : 9 } "#,
            r#"{"\u0069ds":[6],"pa\u0067e":3}"#,
        ];
        for body in bodies {
            fast_matches_reference::<u32>(body.as_bytes(), "ids");
        }
    }

    /// Anything the fast path cannot read is left to the reference decoder to explain.
    #[test]
    fn the_fast_path_declines_what_it_cannot_read() {
        let bodies: [&[u8]; 8] = [
            b"[]",
            br#"{"per_page":1}"#,
            br#"{"ids":[1,"2"]}"#,
            br#"{"ids":[1],"per_page":-1}"#,
            br#"{"ids":[1],"links":{"next":1}}"#,
            br#"{"ids":[1]} x"#,
            br#"{"ids":[1],"zz":"\xff"}"#,
            br#"{"ids":[1],"zz":tru}"#,
        ];
        for body in bodies {
            let read = envelope::read::<Vec<u32>>(body, "ids", true);
            assert!(read.is_none(), "{}", String::from_utf8_lossy(body));
            assert!(matches!(explain_page::<u32>(&response(body), "ids"), Err(Error::Decode { .. })));
        }
    }

    /// `decode_key` reads only its key: paging fields of any shape beside it are skipped.
    #[test]
    fn reading_one_key_skips_the_paging_fields() {
        let body = br#"{"per_page":"x","links":[],"ids":[7]}"#;
        assert_eq!(envelope::read::<Vec<u32>>(body, "ids", false).map(|(ids, _)| ids), Some(vec![7]));
        assert_eq!(envelope::read::<Vec<u32>>(body, "ids", true), None);
    }

    /// Real pages of several record types from the mock take the fast path and decode to what
    /// the reference decoder makes of them.
    #[tokio::test]
    async fn mock_pages_take_the_fast_path() {
        let server = harvest_mock::MockServer::start(harvest_mock::Config::default()).await.unwrap();
        let client = harvest::Client::builder()
            .base_url(format!("{}/v2", server.base_url()))
            .token("test-token")
            .account_id(1)
            .user_agent("harvest-client tests (dev@example.com)")
            .build()
            .unwrap();
        let get = |path: &'static str| {
            let request = client.raw(Method::GET, path).query(&[("per_page", 200)]);
            async move { request.send().await.unwrap().body }
        };
        fast_matches_reference::<models::TimeEntry>(&get("/time_entries").await, "time_entries");
        fast_matches_reference::<models::Project>(&get("/projects").await, "projects");
        fast_matches_reference::<models::Invoice>(&get("/invoices").await, "invoices");
        fast_matches_reference::<models::User>(&get("/users").await, "users");
        fast_matches_reference::<models::Client>(&get("/clients").await, "clients");
    }
}

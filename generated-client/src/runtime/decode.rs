//! Turning response bodies into typed values, with the JSON path of any failure.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{Error, Json, Response};

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

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    per_page: Option<u64>,
    #[serde(default)]
    total_pages: Option<u64>,
    #[serde(default)]
    total_entries: Option<u64>,
    #[serde(default)]
    page: Option<u64>,
    #[serde(default)]
    next_page: Option<u64>,
    #[serde(default)]
    previous_page: Option<u64>,
    #[serde(default)]
    links: Option<Links>,
}

fn decode_error(response: &Response, path: String, message: String) -> Error {
    Error::Decode { status: response.status, path, message, body: response.body.clone() }
}

/// Decodes the whole body as `T`.
pub fn decode<T: DeserializeOwned>(response: &Response) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_slice(&response.body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        decode_error(response, path, e.into_inner().to_string())
    })
}

fn object(response: &Response) -> Result<serde_json::Map<String, Json>, Error> {
    match serde_json::from_slice::<Json>(&response.body) {
        Ok(Json::Object(map)) => Ok(map),
        Ok(_) => Err(decode_error(response, ".".into(), "expected a JSON object".into())),
        Err(e) => Err(decode_error(response, ".".into(), e.to_string())),
    }
}

fn take<T: DeserializeOwned>(
    response: &Response,
    map: &mut serde_json::Map<String, Json>,
    key: &str,
) -> Result<T, Error> {
    let value = map.remove(key).ok_or_else(|| decode_error(response, key.into(), format!("missing field `{key}`")))?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let path = if inner == "." {
            key.to_owned()
        } else if inner.starts_with('[') {
            format!("{key}{inner}")
        } else {
            format!("{key}.{inner}")
        };
        decode_error(response, path, e.into_inner().to_string())
    })
}

/// Decodes the value under `key` of the body (`{"teammates": [...]}`).
pub fn decode_key<T: DeserializeOwned>(response: &Response, key: &str) -> Result<T, Error> {
    let mut map = object(response)?;
    take(response, &mut map, key)
}

/// Decodes a paginated envelope whose records are under `envelope`.
pub fn decode_page<T: DeserializeOwned>(response: &Response, envelope: &str) -> Result<Page<T>, Error> {
    let mut map = object(response)?;
    let items: Vec<T> = take(response, &mut map, envelope)?;
    let meta: Meta = serde_path_to_error::deserialize(Json::Object(map))
        .map_err(|e| decode_error(response, e.path().to_string(), e.into_inner().to_string()))?;
    Ok(Page {
        items,
        per_page: meta.per_page,
        total_pages: meta.total_pages,
        total_entries: meta.total_entries,
        page: meta.page,
        next_page: meta.next_page,
        previous_page: meta.previous_page,
        links: meta.links.unwrap_or_default(),
    })
}

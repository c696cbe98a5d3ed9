//! Harvest's list envelope: page and cursor pagination with absolute links.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use harvest_spec::ir::{Pagination, PaginationStyle};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::errors::{ApiError, ApiResult};
use crate::store::Order;

/// What the caller asked for.
#[derive(Debug, Clone)]
pub struct PageReq {
    /// Items per page.
    pub per_page: usize,
    /// 1-based page (ignored when a cursor is given).
    pub page: usize,
    /// Keyset cursor: continue after this id.
    pub after: Option<i64>,
}

/// Reads `per_page`, `page` and `cursor`; bad values are a 422.
pub fn parse(query: &[(String, String)], p: &Pagination) -> ApiResult<PageReq> {
    let get = |k: &str| query.iter().rev().find(|(q, _)| q == k).map(|(_, v)| v.as_str());
    let max = p.per_page.max as usize;
    let per_page = match get("per_page") {
        None | Some("") => p.per_page.default as usize,
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => return Err(ApiError::Unprocessable(format!("per_page must be between 1 and {max}"))),
        },
    };
    let page = match get("page") {
        None | Some("") => 1,
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=1_000_000_000).contains(&n) => n,
            _ => return Err(ApiError::Unprocessable("page must be a positive integer".into())),
        },
    };
    let after = match get("cursor") {
        None | Some("") => None,
        Some(c) => Some(decode_cursor(c).ok_or_else(|| ApiError::Unprocessable("cursor is invalid".into()))?),
    };
    Ok(PageReq { per_page, page, after })
}

/// `{"after":{"id":N}}` in base64.
pub fn encode_cursor(id: i64) -> String {
    STANDARD.encode(format!("{{\"after\":{{\"id\":{id}}}}}"))
}

fn decode_cursor(c: &str) -> Option<i64> {
    let bytes = STANDARD.decode(c.trim()).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("after")?.get("id")?.as_i64()
}

/// The slice of `ids` a request selects: (start, end). `pos` (id → position
/// in `ids`), when the caller has it, finds a cursor's record without a scan.
pub fn window(req: &PageReq, ids: &[i64], pos: Option<&Order>, descending_ids: bool) -> (usize, usize) {
    let found = |a: i64| match pos {
        Some(pos) => pos.pos(a),
        None => ids.iter().position(|x| *x == a),
    };
    let start = match req.after {
        Some(a) => match found(a) {
            Some(i) => i + 1,
            None if descending_ids => ids.iter().position(|x| *x < a).unwrap_or(ids.len()),
            None => ids.iter().position(|x| *x > a).unwrap_or(ids.len()),
        },
        None => (req.page - 1).saturating_mul(req.per_page).min(ids.len()),
    };
    (start, (start + req.per_page).min(ids.len()))
}

/// Where links point: `http://host/v2/clients` plus the caller's filters.
#[derive(Debug, Clone)]
pub struct LinkBase {
    /// Scheme, host and path.
    pub url: String,
    /// Query pairs other than paging.
    pub filters: Vec<(String, String)>,
}

impl LinkBase {
    fn link(&self, extra: &[(&str, String)]) -> String {
        let mut pairs: Vec<(String, String)> = self.filters.clone();
        pairs.extend(extra.iter().map(|(k, v)| ((*k).to_string(), v.clone())));
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let q: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        format!("{}?{q}", self.url)
    }
}

/// One page in Harvest's envelope; serialises in Harvest's key order.
pub struct Envelope<'a, T> {
    key: &'a str,
    items: Vec<T>,
    per_page: usize,
    total_pages: usize,
    total_entries: usize,
    next_page: Option<usize>,
    previous_page: Option<usize>,
    page: Option<usize>,
    links: Links,
}

/// The envelope's `links` object.
#[derive(serde::Serialize)]
struct Links {
    first: String,
    next: Option<String>,
    previous: Option<String>,
    last: String,
}

impl<T: Serialize> Serialize for Envelope<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(8))?;
        map.serialize_entry(self.key, &self.items)?;
        map.serialize_entry("per_page", &self.per_page)?;
        map.serialize_entry("total_pages", &self.total_pages)?;
        map.serialize_entry("total_entries", &self.total_entries)?;
        map.serialize_entry("next_page", &self.next_page)?;
        map.serialize_entry("previous_page", &self.previous_page)?;
        map.serialize_entry("page", &self.page)?;
        map.serialize_entry("links", &self.links)?;
        map.end()
    }
}

/// Builds the envelope of the page `start..end` of `ids`.
pub fn envelope<'a, T>(
    p: &'a Pagination,
    req: &PageReq,
    base: &LinkBase,
    ids: &[i64],
    (start, end): (usize, usize),
    items: Vec<T>,
) -> Envelope<'a, T> {
    let total = ids.len();
    let per = req.per_page;
    let total_pages = total.div_ceil(per).max(1);
    let pp = per.to_string();
    let page_link =
        |n: usize, r: &str| base.link(&[("page", n.to_string()), ("per_page", pp.clone()), ("ref", r.into())]);
    let (page, next_page, previous_page, next, previous);
    match p.style {
        PaginationStyle::Page => {
            let pg = req.page;
            page = Some(pg);
            next_page = (pg < total_pages).then_some(pg + 1);
            previous_page = (pg > 1).then(|| pg - 1);
            next = next_page.map(|n| page_link(n, "next"));
            previous = previous_page.map(|n| page_link(n, "previous"));
        }
        PaginationStyle::Cursor => {
            let more = end < total;
            let pg = start / per + 1;
            let first = start == 0;
            let last = !more;
            page = (first || last).then(|| if last { total_pages.max(pg) } else { 1 });
            next_page = (first && more).then_some(2);
            previous_page = (last && !first).then(|| pg.max(2) - 1);
            next = match (more, end.checked_sub(1).and_then(|i| ids.get(i))) {
                (true, Some(id)) => Some(base.link(&[
                    ("cursor", encode_cursor(*id)),
                    ("per_page", pp.clone()),
                    ("ref", "next_cursor".into()),
                ])),
                _ => None,
            };
            previous = (!first).then(|| page_link(pg.max(2) - 1, "previous"));
        }
    }
    let links = Links { first: page_link(1, "first"), next, previous, last: page_link(total_pages, "last") };
    Envelope {
        key: &p.envelope,
        items,
        per_page: per,
        total_pages,
        total_entries: total,
        next_page,
        previous_page,
        page,
        links,
    }
}

//! Harvest's list envelope around one page: the paging fields and absolute
//! `links` for both pagination styles.

use harvest_spec::ir::{Pagination, PaginationStyle};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::engine::Page;
use crate::engine::paging::encode_cursor;

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
pub struct Envelope<'a> {
    key: &'a str,
    items: &'a crate::engine::Items,
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

impl Serialize for Envelope<'_> {
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

/// Builds the envelope of one page.
pub fn envelope<'a>(p: &'a Pagination, page: &'a Page, base: &LinkBase) -> Envelope<'a> {
    let total = page.total;
    let (start, end) = page.window;
    let per = page.req.per_page;
    let total_pages = total.div_ceil(per).max(1);
    let pp = per.to_string();
    let page_link =
        |n: usize, r: &str| base.link(&[("page", n.to_string()), ("per_page", pp.clone()), ("ref", r.into())]);
    let (number, next_page, previous_page, next, previous);
    match p.style {
        PaginationStyle::Page => {
            let pg = page.req.page;
            number = Some(pg);
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
            if page.req.after.is_none() {
                // Paged by number (older clients walk `page`/`next_page`): every page says where it
                // is, or the walk would stop at the first middle page; `links.next` stays a cursor.
                let pg = page.req.page;
                number = Some(pg);
                next_page = more.then_some(pg + 1);
                previous_page = (pg > 1).then(|| pg - 1);
            } else {
                // Real Harvest on a cursor walk: page numbers only on the first and last page.
                number = (first || last).then(|| if last { total_pages.max(pg) } else { 1 });
                next_page = (first && more).then_some(2);
                previous_page = (last && !first).then(|| pg.max(2) - 1);
            }
            next = page.last_id.filter(|_| more).map(|id| {
                base.link(&[("cursor", encode_cursor(id)), ("per_page", pp.clone()), ("ref", "next_cursor".into())])
            });
            previous = (!first).then(|| page_link(pg.max(2) - 1, "previous"));
        }
    }
    let links = Links { first: page_link(1, "first"), next, previous, last: page_link(total_pages, "last") };
    Envelope {
        key: &p.envelope,
        items: &page.items,
        per_page: per,
        total_pages,
        total_entries: total,
        next_page,
        previous_page,
        page: number,
        links,
    }
}

//! Walking a list every way the client offers, and checking each walk against the
//! filtered set computed in the test.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt::{Debug, Display};

use futures_util::TryStreamExt;
use harvest_client::Client;
use harvest_client::runtime::{ItemStream, Method, Page, PageStream, Record, decode_page};
use harvest_tests::Env;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::de::DeserializeOwned;

/// How `links.next` continues a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `page=N+1`.
    Page,
    /// `cursor=…` (keyset on id).
    Cursor,
}

/// A walk takes at most this many pages: `per_page` is raised for big sets so the
/// debug run stays short (a small set is still walked one record per page).
pub const MAX_PAGES: usize = 40;

/// One list operation and the filters the spec declares for it; `Default` is no filter.
pub trait Listing: Clone + Debug + Default + 'static {
    /// The decoded record.
    type Rec: Record + Clone + PartialEq + Debug + DeserializeOwned + Send + 'static;
    /// Path below `/v2`.
    const PATH: &'static str;
    /// Envelope key.
    const ENVELOPE: &'static str;
    /// Spec resource name (for the server's own id list).
    const RESOURCE: &'static str;
    /// Pagination style the spec gives the list.
    const STYLE: Style;
    /// Whether `r` passes every filter that is set, read from the decoded record.
    fn matches(&self, r: &Self::Rec) -> bool;
    /// The documented list order.
    fn order(a: &Self::Rec, b: &Self::Rec) -> Ordering;
    /// The filters as query pairs (for explicit page requests).
    fn query(&self) -> Vec<(&'static str, String)>;
    /// Filter combinations drawn from values present in `all` (plus values matching nothing).
    fn strategy(all: &[Self::Rec]) -> BoxedStrategy<Self>;
    /// Every page through the generated client's builder.
    fn pages<'a>(&self, c: &'a Client, per_page: u32) -> PageStream<'a, Self::Rec>;
    /// Every record through the generated client's builder.
    fn stream<'a>(&self, c: &'a Client, per_page: u32) -> ItemStream<'a, Self::Rec>;
}

/// Turns any error into a failed case.
pub fn fail(e: impl Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// Ids, for failure messages.
pub fn ids<R: Record>(records: &[R]) -> Vec<i64> {
    records.iter().map(Record::id).collect()
}

/// Every record of the list, unfiltered, checked against the server's own id list.
pub async fn fetch_all<L: Listing>(env: &Env) -> Result<Vec<L::Rec>, TestCaseError> {
    let all: Vec<L::Rec> = L::default().stream(&env.client, 2000).try_collect().await.map_err(fail)?;
    let seen: BTreeSet<i64> = all.iter().map(Record::id).collect();
    prop_assert_eq!(seen.len(), all.len(), "the unfiltered walk repeats records");
    let stored: BTreeSet<i64> = env.server.state().ids(L::RESOURCE).into_iter().collect();
    prop_assert_eq!(seen, stored, "the unfiltered walk differs from the stored ids");
    Ok(all)
}

/// The filtered set in the documented order, computed here.
pub fn expected<L: Listing>(all: &[L::Rec], filter: &L) -> Vec<L::Rec> {
    let mut out: Vec<L::Rec> = all.iter().filter(|r| filter.matches(r)).cloned().collect();
    out.sort_by(L::order);
    out
}

/// `per_page` raised so that `n` records take at most [`MAX_PAGES`] pages.
pub fn bounded(per_page: u32, n: usize) -> u32 {
    per_page.max(u32::try_from(n.div_ceil(MAX_PAGES)).unwrap_or(u32::MAX)).min(2000)
}

/// Walks `filter` through the client's record stream, then page by page (the client's
/// page stream for cursor lists, explicit `page=N` requests for page-numbered ones); each
/// walk must yield exactly `expected`, in order, without repeats, in full pages but the last.
pub async fn check_walks<L: Listing>(
    env: &Env,
    all: &[L::Rec],
    filter: &L,
    per_page: u32,
) -> Result<(), TestCaseError> {
    let want = expected(all, filter);
    let per_page = bounded(per_page, want.len());
    let c = &env.client;

    let items: Vec<L::Rec> = filter.stream(c, per_page).try_collect().await.map_err(fail)?;
    prop_assert!(items == want, "stream: got {:?}\nwant {:?}", ids(&items), ids(&want));

    let count = want.len().div_ceil(per_page as usize).max(1);
    let pages: Vec<Page<L::Rec>> = match L::STYLE {
        Style::Cursor => filter.pages(c, per_page).try_collect().await.map_err(fail)?,
        Style::Page => {
            let mut pages = Vec::new();
            for n in 1..=count {
                pages.push(explicit_page::<L>(env, filter, per_page, n).await?);
            }
            let past = explicit_page::<L>(env, filter, per_page, count + 1).await?;
            prop_assert!(past.items.is_empty() && past.next_page.is_none(), "a page past the end has records");
            pages
        }
    };
    check_pages::<L>(&pages, &want, per_page)
}

/// One page asked for by number, decoded as the client decodes pages.
pub async fn explicit_page<L: Listing>(
    env: &Env,
    filter: &L,
    per_page: u32,
    n: usize,
) -> Result<Page<L::Rec>, TestCaseError> {
    let mut query = filter.query();
    query.push(("per_page", per_page.to_string()));
    query.push(("page", n.to_string()));
    let response = env.client.raw(Method::GET, L::PATH).query(&query).send().await.map_err(fail)?;
    decode_page::<L::Rec>(&response, L::ENVELOPE).map_err(fail)
}

/// Page shapes: full pages but the last, totals, and the paging fields of each style.
fn check_pages<L: Listing>(pages: &[Page<L::Rec>], want: &[L::Rec], per_page: u32) -> Result<(), TestCaseError> {
    let pp = per_page as usize;
    let count = want.len().div_ceil(pp).max(1);
    prop_assert_eq!(pages.len(), count, "number of pages");
    let mut walked = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let (number, last) = (i as u64 + 1, i + 1 == count);
        let size = if last { want.len() - i * pp } else { pp };
        prop_assert_eq!(page.items.len(), size, "size of page {}", number);
        prop_assert_eq!(page.total_entries, Some(want.len() as u64));
        prop_assert_eq!(page.total_pages, Some(count as u64));
        prop_assert_eq!(page.per_page, Some(u64::from(per_page)));
        prop_assert_eq!(page.links.next.is_none(), last, "links.next on page {}", number);
        let (shown, next) = match L::STYLE {
            Style::Page => (Some(number), (!last).then_some(number + 1)),
            // Cursor lists number only their first and last page.
            Style::Cursor if i == 0 => (Some(1), (!last).then_some(2)),
            Style::Cursor if last => (Some(number), None),
            Style::Cursor => (None, None),
        };
        prop_assert_eq!(page.page, shown, "page number of page {}", number);
        prop_assert_eq!(page.next_page, next, "next_page of page {}", number);
        if L::STYLE == Style::Cursor && !last {
            let link = page.links.next.as_deref().unwrap_or_default();
            let keys: Vec<&str> = link.split(['?', '&']).skip(1).filter_map(|kv| kv.split('=').next()).collect();
            prop_assert!(keys.contains(&"cursor") && !keys.contains(&"page"), "cursor link {}", link);
        }
        walked.extend(page.items.iter().cloned());
    }
    prop_assert!(walked == want, "pages: got {:?}\nwant {:?}", ids(&walked), ids(want));
    Ok(())
}

//! Paging requests: `per_page`, `page` and keyset cursors, and the slice of a
//! list one request selects.

use harvest_spec::ir::{MAX_PAGE, Pagination, decode_cursor};

use super::{ApiError, ApiResult};
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

pub use harvest_spec::ir::encode_cursor;

/// Reads `per_page`, `page` and `cursor`; bad values are a 422. An empty value is the
/// same as none; a repeated parameter counts its last value, and every value must be
/// valid (see TESTING.md, "What the OpenAPI document and the mock agree on").
pub fn parse(query: &[(String, String)], p: &Pagination) -> ApiResult<PageReq> {
    let max = p.per_page.max as usize;
    let per_page = last_valid(query, "per_page", |s| s.parse::<usize>().ok().filter(|n| (1..=max).contains(n)))
        .map_err(|()| ApiError::Unprocessable(format!("per_page must be between 1 and {max}")))?
        .unwrap_or(p.per_page.default as usize);
    let pages = 1..=MAX_PAGE as usize;
    let page = last_valid(query, "page", |s| s.parse::<usize>().ok().filter(|n| pages.contains(n)))
        .map_err(|()| ApiError::Unprocessable(format!("page must be a whole number from 1 to {MAX_PAGE}")))?
        .unwrap_or(1);
    let after =
        last_valid(query, "cursor", decode_cursor).map_err(|()| ApiError::Unprocessable("cursor is invalid".into()))?;
    Ok(PageReq { per_page, page, after })
}

/// The last non-empty value of `key` read by `read`; `Err` when any value does not read.
fn last_valid<T>(query: &[(String, String)], key: &str, read: impl Fn(&str) -> Option<T>) -> Result<Option<T>, ()> {
    let mut last = None;
    for (_, v) in query.iter().filter(|(k, v)| k == key && !v.is_empty()) {
        last = Some(read(v).ok_or(())?);
    }
    Ok(last)
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

//! Paging requests: `per_page`, `page` and keyset cursors, and the slice of a
//! list one request selects.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use harvest_spec::ir::Pagination;
use serde_json::Value;

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

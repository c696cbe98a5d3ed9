//! The engine: generic executors of the spec's operations. Each takes a
//! request context and the store and returns an [`Output`] value (never an
//! HTTP response); the edge turns it into bytes on the wire. An API's own
//! rules come in through the [`Behavior`] trait, bound by name at start-up.

mod access;
mod behavior;
mod compute;
mod create;
mod delete;
mod error;
mod get;
mod list;
pub mod paging;
mod query;
mod relations;
mod report;
mod search;
mod update;
mod validate;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

pub use behavior::{Behavior, Bound, Registry};
pub use compute::{apply as compute_products, refresh as refresh_remaining};
pub use error::{ApiError, ApiResult};
pub use list::warm;
pub use paging::PageReq;
pub use query::parsed_filters;
pub use relations::relink;
pub use search::SearchTable;

use crate::plan::{OpPlan, Plan};
use crate::render::Json;
use crate::render::cache::Rendered;
use crate::store::Store;
use harvest_spec::ir::{OpKind, ResourceId};

/// Everything about one request an executor needs.
pub struct Ctx<'a> {
    /// The interpreted spec.
    pub plan: &'a Plan,
    /// The operation's plan.
    pub op: &'a OpPlan,
    /// Behaviours bound to the spec's operations.
    pub bound: &'a Bound,
    /// Path parameter values.
    pub params: Vec<i64>,
    /// Decoded query pairs.
    pub query: Vec<(String, String)>,
    /// Parsed body (empty object when none).
    pub body: Map<String, Value>,
    /// Records kept pre-serialised.
    pub rendered: &'a Rendered,
    /// The user the request acts as (an OAuth token's user); `None` is the account's
    /// default user, the first administrator.
    pub user: Option<i64>,
    /// Scheme and host the request came to (`http://127.0.0.1:8080`), for URLs in records.
    pub origin: &'a str,
    /// The account the request reads and writes.
    pub account: i64,
    /// The account's current time (the mock's clock, see `--now`).
    pub now: DateTime<Utc>,
}

impl Ctx<'_> {
    /// The last value of a query parameter.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The current time in Harvest's timestamp format.
    pub fn stamp(&self) -> String {
        crate::values::fmt_datetime(self.now)
    }

    /// Today's date in Harvest's format.
    pub fn today(&self) -> String {
        crate::values::fmt_date(self.now)
    }

    /// The id of the user the request acts as.
    pub fn me(&self, store: &Store) -> i64 {
        self.user.unwrap_or(store.me)
    }

    /// The resource index, or a 404.
    pub fn res(&self) -> ApiResult<ResourceId> {
        self.op.resource.ok_or(ApiError::NotFound)
    }

    /// The behaviour the spec attaches to this operation.
    pub fn behavior(&self) -> Option<&dyn Behavior> {
        self.bound.of_op(self.op.id)
    }

    /// The parent record a nested operation works under: (resource, id).
    pub fn parent(&self) -> Option<(ResourceId, i64)> {
        let pp = self.op.parents.first()?;
        Some((pp.target, *self.params.get(pp.param)?))
    }

    /// The id the path selects as the record itself.
    pub fn self_id(&self) -> ApiResult<i64> {
        self.op.self_param.and_then(|p| self.params.get(p).copied()).ok_or(ApiError::NotFound)
    }
}

/// What an executor answers: the edge adds status, headers and the envelope.
#[derive(Debug)]
pub enum Output {
    /// One JSON document.
    Doc(Vec<u8>),
    /// A created record and the path (below the API prefix) it can be read at.
    Created {
        /// The record's JSON.
        body: Vec<u8>,
        /// Path such as `/clients/5`.
        location: String,
    },
    /// One page of a list.
    Page(Page),
    /// No body.
    Empty,
}

impl Output {
    /// A document serialised from any value.
    pub fn doc(v: &impl Serialize) -> Output {
        Output::Doc(to_bytes(v, 1024))
    }
}

/// Serialises a body into a buffer of about `size` bytes.
pub fn to_bytes(v: &impl Serialize, size: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(size);
    // Every body here has string keys and finite numbers: writing cannot fail.
    if serde_json::to_writer(&mut body, v).is_err() {
        body.clear();
        body.extend_from_slice(b"null");
    }
    body
}

/// Items of one page, as stored JSON or as computed values.
#[derive(Debug)]
pub enum Items {
    /// Pre-rendered records (`None` for an id that vanished).
    Cached(Vec<Option<Json>>),
    /// Computed rows.
    Values(Vec<Value>),
}

impl Serialize for Items {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Items::Cached(v) => v.serialize(s),
            Items::Values(v) => v.serialize(s),
        }
    }
}

/// One page of a list and the facts its envelope and links are built from.
#[derive(Debug)]
pub struct Page {
    /// The page's items.
    pub items: Items,
    /// What the caller asked for.
    pub req: PageReq,
    /// Number of matching records.
    pub total: usize,
    /// Positions of the page in the whole list: `start..end`.
    pub window: (usize, usize),
    /// Id of the page's last record, when more follow (the next cursor).
    pub last_id: Option<i64>,
    /// Rough size of the items in bytes.
    pub size: usize,
}

/// A computed list: ids (for cursors) and their items in list order.
#[derive(Debug, Default)]
pub struct Rows {
    /// One id per item.
    pub ids: Vec<i64>,
    /// The items.
    pub items: Vec<Value>,
}

/// Runs an operation that only reads.
pub fn read(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Output> {
    access::guard(ctx, store)?;
    match ctx.op.kind {
        OpKind::List => list::list(ctx, store),
        OpKind::Get => get::get(ctx, store),
        OpKind::Report if ctx.plan.spec.operation(ctx.op.id).report.is_some() => report::report(ctx, store),
        OpKind::Report | OpKind::Action => {
            // Behaviours read their parameters themselves: bad values are refused here first.
            query::parsed_filters(ctx)?;
            ctx.behavior().and_then(|b| b.read(ctx, store)).unwrap_or(Err(ApiError::NotFound))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// Runs an operation that may write.
pub fn write(ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Output> {
    access::guard(ctx, store)?;
    match ctx.op.kind {
        OpKind::Create => create::create(ctx, store),
        OpKind::Update => update::update(ctx, store),
        OpKind::Delete => delete::delete(ctx, store),
        OpKind::Action => match ctx.behavior().and_then(|b| b.write(ctx, store)) {
            Some(out) => out,
            None => read(ctx, store),
        },
        _ => read(ctx, store),
    }
}

/// Whether an operation of this kind and method changes data.
pub fn writes(kind: OpKind, is_get: bool) -> bool {
    !matches!(kind, OpKind::List | OpKind::Get | OpKind::Report) && !is_get
}

/// Renders record `id` of `r` as a document.
pub fn record_doc(ctx: &Ctx<'_>, store: &Store, r: ResourceId, id: i64) -> ApiResult<Output> {
    let rec = store.get(r, id).ok_or(ApiError::NotFound)?;
    Ok(Output::doc(&crate::render::RecordView { plan: ctx.plan, store, r, rec }))
}

/// The page of computed rows a request asked for.
pub fn rows_page(req: PageReq, rows: Rows) -> Output {
    Output::Page(list::page_of_rows(req, rows))
}

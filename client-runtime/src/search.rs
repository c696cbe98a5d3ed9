//! The offline search action (`POST /v2/{entity}/search`) with typed queries.
//!
//! A query can only name the searchable paths of its entity, because every
//! [`Filter`] is tied to that entity's generated field enum:
//!
//! ```
//! use harvest_client_runtime::{Filter, SearchField};
//! # #[derive(Clone, Copy)]
//! # enum F { ProjectId, Billable }
//! # impl SearchField for F {
//! #     fn path(self) -> &'static str { match self { F::ProjectId => "project.id", F::Billable => "billable" } }
//! #     fn field(self) -> &'static str { match self { F::ProjectId => "project", F::Billable => "billable" } }
//! # }
//! let billable_on_project = Filter::eq(F::ProjectId, 5).and(Filter::eq(F::Billable, true));
//! assert_eq!(billable_on_project.to_json()["and"][0]["eq"]["project.id"], 5);
//! ```

use std::marker::PhantomData;

use futures_util::stream::{self, TryStreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::{Core, Error, ItemStream, Method};

/// A searchable path of an entity; implemented by the generated `…Field` enums.
pub trait SearchField: Copy + Send + 'static {
    /// The dotted wire path (`project.id`).
    fn path(self) -> &'static str;
    /// The top-level searchable field the path starts at (`project`).
    fn field(self) -> &'static str;
}

/// A filter over the searchable paths `F` of one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter<F> {
    json: Value,
    entity: PhantomData<F>,
}

fn leaf<F: SearchField>(op: &str, field: F, value: Value) -> Filter<F> {
    let mut inner = Map::new();
    inner.insert(field.path().to_string(), value);
    let mut outer = Map::new();
    outer.insert(op.to_string(), Value::Object(inner));
    Filter { json: Value::Object(outer), entity: PhantomData }
}

impl<F: SearchField> Filter<F> {
    /// The path equals `value` (objects match on the keys given).
    pub fn eq(field: F, value: impl Into<Value>) -> Self {
        leaf("eq", field, value.into())
    }
    /// The path does not equal `value` (null and missing values included).
    pub fn neq(field: F, value: impl Into<Value>) -> Self {
        leaf("neq", field, value.into())
    }
    /// The path is greater than `value`.
    pub fn gt(field: F, value: impl Into<Value>) -> Self {
        leaf("gt", field, value.into())
    }
    /// The path is greater than or equal to `value`.
    pub fn gte(field: F, value: impl Into<Value>) -> Self {
        leaf("gte", field, value.into())
    }
    /// The path is less than `value`.
    pub fn lt(field: F, value: impl Into<Value>) -> Self {
        leaf("lt", field, value.into())
    }
    /// The path is less than or equal to `value`.
    pub fn lte(field: F, value: impl Into<Value>) -> Self {
        leaf("lte", field, value.into())
    }
    /// The path equals one of `values`.
    pub fn one_of<V: Into<Value>>(field: F, values: impl IntoIterator<Item = V>) -> Self {
        leaf("in", field, Value::Array(values.into_iter().map(Into::into).collect()))
    }
    /// SQL-style pattern: `%` any run of characters, `_` one; case-insensitive.
    pub fn like(field: F, pattern: &str) -> Self {
        leaf("like", field, json!(pattern))
    }
    /// Every word appears in order, small typos tolerated; case-insensitive.
    pub fn fuzzy(field: F, words: &str) -> Self {
        leaf("fuzzy", field, json!(words))
    }
    /// At least one word appears as a whole word; case-insensitive.
    pub fn keyword(field: F, words: &str) -> Self {
        leaf("keyword", field, json!(words))
    }
    /// Both this and `other` hold.
    pub fn and(self, other: Filter<F>) -> Self {
        Filter { json: json!({"and": [self.json, other.json]}), entity: PhantomData }
    }
    /// This or `other` holds.
    pub fn or(self, other: Filter<F>) -> Self {
        Filter { json: json!({"or": [self.json, other.json]}), entity: PhantomData }
    }
    /// Every filter holds (true for none).
    pub fn all(filters: impl IntoIterator<Item = Filter<F>>) -> Self {
        Filter { json: json!({"and": filters.into_iter().map(|f| f.json).collect::<Vec<_>>()}), entity: PhantomData }
    }
    /// Some filter holds (false for none).
    pub fn any(filters: impl IntoIterator<Item = Filter<F>>) -> Self {
        Filter { json: json!({"or": filters.into_iter().map(|f| f.json).collect::<Vec<_>>()}), entity: PhantomData }
    }
    /// The JSON the search action receives.
    pub fn to_json(&self) -> &Value {
        &self.json
    }
}

impl<F: SearchField> std::ops::Not for Filter<F> {
    type Output = Filter<F>;

    fn not(self) -> Filter<F> {
        Filter { json: json!({"not": self.json}), entity: PhantomData }
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
pub struct SearchPage<T> {
    /// The matching records (their searchable fields).
    pub data: Vec<T>,
    /// Paging information.
    pub meta: SearchMeta,
}

/// Paging information of a search page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SearchMeta {
    /// Whether more results follow.
    pub has_more: bool,
    /// Pass to [`SearchRequest::cursor`] for the next page.
    pub cursor: Option<String>,
    /// Server time spent, in milliseconds.
    pub took_ms: Option<f64>,
}

/// A search of one entity; build it with the group's `search()` method.
#[derive(Debug)]
#[must_use = "a search does nothing until `.send()` or `.stream()`"]
pub struct SearchRequest<T, F> {
    core: Core,
    path: &'static str,
    filter: Option<Filter<F>>,
    sort: Vec<(F, Direction)>,
    limit: Option<u32>,
    fields: Vec<F>,
    cursor: Option<String>,
    items: PhantomData<fn() -> T>,
}

impl<T, F> SearchRequest<T, F>
where
    T: DeserializeOwned + Send + 'static,
    F: SearchField,
{
    /// A search posted to `path` (`/time_entries/search`).
    pub fn new(core: Core, path: &'static str) -> Self {
        SearchRequest {
            core,
            path,
            filter: None,
            sort: Vec::new(),
            limit: None,
            fields: Vec::new(),
            cursor: None,
            items: PhantomData,
        }
    }

    /// Keeps only records matching `filter` (several calls combine with `and`).
    pub fn filter(mut self, filter: Filter<F>) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(existing) => existing.and(filter),
            None => filter,
        });
        self
    }

    /// Adds a sort key (earlier keys matter more).
    pub fn sort(mut self, field: F, direction: Direction) -> Self {
        self.sort.push((field, direction));
        self
    }

    /// Results per page (the server's default is 1000).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Returns only these fields; a path inside an object returns its whole field, so results still decode.
    pub fn fields(mut self, fields: impl IntoIterator<Item = F>) -> Self {
        self.fields.extend(fields);
        self
    }

    /// Continues after a previous page.
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    fn body(&self, cursor: Option<&str>) -> Value {
        let mut query = Map::new();
        if let Some(f) = &self.filter {
            query.insert("filter".into(), f.json.clone());
        }
        if !self.sort.is_empty() {
            let sort =
                self.sort.iter().map(|(f, d)| json!({ f.path(): if *d == Direction::Asc { "asc" } else { "desc" } }));
            query.insert("sort".into(), Value::Array(sort.collect()));
        }
        let mut body = Map::new();
        body.insert("query".into(), Value::Object(query));
        if let Some(limit) = self.limit {
            body.insert("limit".into(), json!(limit));
        }
        if let Some(c) = cursor {
            body.insert("cursor".into(), json!(c));
        }
        if !self.fields.is_empty() {
            let mut names: Vec<&str> = Vec::new();
            for f in &self.fields {
                if !names.contains(&f.field()) {
                    names.push(f.field());
                }
            }
            body.insert("fields".into(), json!(names));
        }
        Value::Object(body)
    }

    async fn fetch(core: &Core, path: &str, body: Value) -> Result<SearchPage<T>, Error> {
        // A search changes nothing, so it is safe to retry although it is a POST.
        core.raw(Method::POST, path).json(&body).retry(true).send_json().await
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<SearchPage<T>, Error> {
        let body = self.body(self.cursor.as_deref());
        Self::fetch(&self.core, self.path, body).await
    }

    /// Every matching record, page after page, following `meta.cursor`; an error ends the stream.
    pub fn stream(self) -> ItemStream<'static, T> {
        let first = self.cursor.clone();
        let pages = stream::try_unfold((self, Some(first)), |(req, next)| async move {
            let Some(cursor) = next else { return Ok(None) };
            let page = Self::fetch(&req.core, req.path, req.body(cursor.as_deref())).await?;
            let next = if page.meta.has_more { page.meta.cursor.clone().map(Some) } else { None };
            Ok(Some((page.data, (req, next))))
        });
        Box::pin(pages.map_ok(|items| stream::iter(items.into_iter().map(Ok))).try_flatten())
    }
}

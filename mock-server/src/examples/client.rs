//! Requests through the whole app, in-process, as a suite would send them, and the
//! concrete paths of an operation's template that name seeded records.

use axum::body::Body;
use axum::http::Request;
use harvest_spec::Spec;
use harvest_spec::ir::{Operation, PathSegment, Response, TypeRef};
use serde_json::Value;
use tower::ServiceExt;

use super::ExamplesError;
use crate::AppState;

/// Records listed per page in a list's example.
const PER_PAGE: usize = 1;
/// Records of a collection tried as the value of a path parameter.
const CANDIDATES: usize = 5;
/// What the examples' links name: the mock's default address.
const HOST: &str = "127.0.0.1:8080";

/// An answer: status and JSON body (`null` when the body is not JSON).
pub(super) struct Answer {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Value,
}

/// Sends requests to one in-process app.
pub(super) struct Client {
    state: AppState,
    /// The API's path prefix (`/v2`).
    prefix: String,
    /// The report window every report example covers: the year up to the clock's date.
    window: (String, String),
}

impl Client {
    /// A client of `state`, whose clock gives the report window.
    pub fn new(state: AppState) -> Client {
        let base = &state.spec().api.base_url;
        let after_scheme = base.split_once("://").map_or(base.as_str(), |(_, rest)| rest);
        let prefix = after_scheme.find('/').map_or("", |i| &after_scheme[i..]).trim_end_matches('/').to_string();
        let today = super::EXAMPLE_NOW.split('T').next().unwrap_or_default();
        let start = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
            .map(|d| (d - chrono::Duration::days(364)).to_string())
            .unwrap_or_default();
        Client { state, prefix, window: (start, today.to_string()) }
    }

    /// The spec served.
    pub fn spec(&self) -> &Spec {
        self.state.spec()
    }

    /// Sends `method path` (relative to the API root) with an optional JSON body.
    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.prefix))
            .header("host", HOST)
            .header("authorization", "Bearer examples")
            .header("harvest-account-id", self.state.app.inner.config.account_id.to_string())
            .header("user-agent", "harvest-mock examples (examples@example.invalid)");
        let request = match body {
            Some(v) => request.header("content-type", "application/json").body(Body::from(v.to_string())),
            None => request.body(Body::empty()),
        };
        let Ok(request) = request else { return Answer { status: 0, body: Value::Null } };
        let Ok(response) = crate::router(self.state.clone()).oneshot(request).await;
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap_or_default();
        Answer { status, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }

    /// Ids of the records a list path answers with, in its order (at most [`CANDIDATES`]).
    pub async fn list_ids(&self, path: &str) -> Vec<i64> {
        let answer = self.send("GET", &format!("{path}?per_page={CANDIDATES}"), None).await;
        items(&answer.body).iter().filter_map(|r| r.get("id").and_then(Value::as_i64)).collect()
    }

    /// The concrete paths of `op`'s template whose parameters name seeded records: each
    /// parameter takes the ids its parent collection lists, parents first.
    pub async fn paths(&self, op: &Operation) -> Vec<String> {
        let mut paths = vec![String::new()];
        for segment in &op.path.segments {
            let mut next = Vec::new();
            for path in &paths {
                match segment {
                    PathSegment::Literal(s) => next.push(format!("{path}/{s}")),
                    PathSegment::Param(_) => {
                        next.extend(self.list_ids(path).await.into_iter().map(|id| format!("{path}/{id}")))
                    }
                }
            }
            paths = next;
        }
        paths
    }

    /// The query a GET of `op` is sent with: a small page, and the report window.
    fn query(&self, op: &Operation) -> String {
        let mut query = Vec::new();
        if op.pagination.is_some() {
            query.push(format!("per_page={PER_PAGE}"));
        }
        for q in op.query.iter().filter(|q| q.required && q.ty == TypeRef::Date) {
            let date = if q.name == "to" { &self.window.1 } else { &self.window.0 };
            query.push(format!("{}={date}", q.name));
        }
        if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) }
    }

    /// The response of a GET operation: the first path that answers with a success and,
    /// for a list, with records (or the first success when every list is empty).
    pub async fn example_response(&self, op: &Operation) -> Result<Value, ExamplesError> {
        let mut first = None;
        let mut last = (String::new(), 0);
        for path in self.paths(op).await {
            let answer = self.send("GET", &format!("{path}{}", self.query(op)), None).await;
            if !(200..300).contains(&answer.status) {
                last = (path, answer.status);
                continue;
            }
            let listed = matches!(op.response, Response::List(_) | Response::BareList { .. });
            if !listed || !items(&answer.body).is_empty() {
                return Ok(answer.body);
            }
            first.get_or_insert(answer.body);
        }
        first.ok_or(ExamplesError::NoResponse { operation: op.id.clone(), path: last.0, status: last.1 })
    }
}

/// The records of a list answer: its first array value.
pub(super) fn items(body: &Value) -> &[Value] {
    body.as_object().and_then(|o| o.values().find_map(Value::as_array)).map_or(&[], Vec::as_slice)
}

//! The benchmarked endpoints, chosen from the mock's own data, and the client that reaches the mock.

use std::time::Duration;

use harvest_client::Client;
use harvest_client::runtime::Method;
use harvest_client::runtime::chrono::{Days, NaiveDate};
use serde::Serialize;
use serde_json::{Value, json};

/// Request headers every benchmark request carries (wrk gets them through the plan).
pub const REQUEST_HEADERS: [(&str, &str); 3] = [
    ("Authorization", "Bearer bench-token"),
    ("Harvest-Account-Id", "1"),
    ("User-Agent", "harvest-bench (bench@example.invalid)"),
];

/// A client for the mock at `mock` (its origin), without retries so failures show.
pub fn client(mock: &str) -> Result<Client, String> {
    Client::builder()
        .base_url(format!("{}/v2", mock.trim_end_matches('/')))
        .token("bench-token")
        .account_id(1)
        .user_agent("harvest-bench (bench@example.invalid)")
        .max_retries(0)
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| format!("cannot build the client for {mock}: {e}"))
}

/// One benchmarked request.
#[derive(Debug, Clone, Serialize)]
pub struct Endpoint {
    /// Short identifier, also the ceiling server's route (`/ceiling/{name}`).
    pub name: &'static str,
    /// What the request does, for the report.
    pub label: String,
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Path and query on the mock, e.g. `/v2/time_entries?per_page=100`.
    pub path_and_query: String,
    /// JSON body of a write.
    pub body: Option<String>,
    /// Whether the endpoint only reads (the throughput and latency targets apply to reads).
    pub read: bool,
}

/// The ids and date of the mock's first listed time entry, which the endpoints refer to.
struct Anchor {
    id: i64,
    project_id: i64,
    task_id: i64,
    user_id: i64,
    spent_date: NaiveDate,
}

async fn anchor(client: &Client) -> Result<Anchor, String> {
    let page: Value = client
        .raw(Method::GET, "/time_entries")
        .query(&[("per_page", 1)])
        .send_json()
        .await
        .map_err(|e| format!("listing one time entry from the mock: {e}"))?;
    let entry = &page["time_entries"][0];
    let id = |pointer: &str| {
        entry.pointer(pointer).and_then(Value::as_i64).ok_or_else(|| format!("the mock's time entry has no {pointer}"))
    };
    let date = entry["spent_date"].as_str().unwrap_or_default();
    let spent_date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|e| format!("the mock's time entry has spent_date {date:?}: {e}"))?;
    Ok(Anchor {
        id: id("/id")?,
        project_id: id("/project/id")?,
        task_id: id("/task/id")?,
        user_id: id("/user/id")?,
        spent_date,
    })
}

/// Chooses the endpoints from the mock's data: reads first, the create last (it grows the store).
pub async fn choose(client: &Client) -> Result<Vec<Endpoint>, String> {
    let a = anchor(client).await?;
    let month_before = a.spent_date.checked_sub_days(Days::new(29)).unwrap_or(a.spent_date);
    let get = |name, label: &str, path_and_query: String| Endpoint {
        name,
        label: label.to_owned(),
        method: "GET",
        path_and_query,
        body: None,
        read: true,
    };
    let body = json!({
        "project_id": a.project_id,
        "task_id": a.task_id,
        "user_id": a.user_id,
        "spent_date": a.spent_date.to_string(),
        "hours": 1.5,
        "notes": "harvest-bench",
    });
    Ok(vec![
        get("get", "get one time entry", format!("/v2/time_entries/{}", a.id)),
        get("list_100", "list 100 time entries", "/v2/time_entries?per_page=100".into()),
        get("list_2000", "list 2000 time entries", "/v2/time_entries?per_page=2000".into()),
        get(
            "filter_project",
            "list filtered by project_id (100 per page)",
            format!("/v2/time_entries?project_id={}&per_page=100", a.project_id),
        ),
        get(
            "filter_dates",
            "list filtered by from/to, 30 days (100 per page)",
            format!("/v2/time_entries?from={month_before}&to={}&per_page=100", a.spent_date),
        ),
        Endpoint {
            name: "create",
            label: "create a time entry (POST)".into(),
            method: "POST",
            path_and_query: "/v2/time_entries".into(),
            body: Some(body.to_string()),
            read: false,
        },
    ])
}

/// The body of the benchmarked create, for the mock at `mock` (its origin).
pub async fn create_body(mock: &str) -> Result<Option<Value>, String> {
    let client = client(mock)?;
    let create = choose(&client).await?.into_iter().find(|e| e.method == "POST").ok_or("no create endpoint")?;
    let body = create.body.ok_or("the create has no body")?;
    serde_json::from_str(&body).map(Some).map_err(|e| format!("the create body is not JSON: {e}"))
}

//! The agent connector's 18 entities (`shared/seeds/001_*.txt`): `list` and `get`
//! through the generated client, and the offline `search` action, each checked
//! against the data the mock holds.

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use harvest_client::runtime::Method;
use harvest_tests::{Env, TestResult, start};
use serde_json::{Value, json};

/// `POST /v2/{entity}/search` through the client's raw call.
async fn search(env: &Env, entity: &str, body: Value) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
    Ok(env.client.raw(Method::POST, format!("/{entity}/search")).json(&body).send_json().await?)
}

/// Ids of a search page.
fn ids(page: &Value) -> Vec<i64> {
    page["data"].as_array().map(|rows| rows.iter().filter_map(|r| r["id"].as_i64()).collect()).unwrap_or_default()
}

/// For an entity with ids: list through the client, get one, and find it again by search.
macro_rules! list_get_search {
    ($test:ident, $group:ident, $entity:literal, $field:literal) => {
        #[tokio::test]
        async fn $test() -> TestResult {
            let env = start().await?;
            let listed: Vec<_> = env.client.$group().list().stream().try_collect().await?;
            let first = listed.first().ok_or(concat!("no ", $entity, " seeded"))?;
            let got = env.client.$group().get(first.id).send().await?;
            assert_eq!(got.id, first.id);
            let as_json = serde_json::to_value(&got)?;
            let value = as_json[$field].clone();
            let page = search(&env, $entity, json!({"query": {"filter": {"eq": {"id": first.id}}}})).await?;
            assert_eq!(ids(&page), vec![first.id]);
            assert_eq!(page["data"][0][$field], value, "search returns the searchable fields as stored");
            let everything = search(&env, $entity, json!({"limit": 10_000})).await?;
            assert_eq!(ids(&everything).len(), listed.len(), "an empty search finds every record");
            assert_eq!(everything["meta"]["has_more"], json!(false));
            Ok(())
        }
    };
}

list_get_search!(users, users, "users", "email");
list_get_search!(clients, clients, "clients", "name");
list_get_search!(contacts, contacts, "contacts", "first_name");
list_get_search!(projects, projects, "projects", "name");
list_get_search!(tasks, tasks, "tasks", "name");
list_get_search!(time_entries, time_entries, "time_entries", "hours");
list_get_search!(invoices, invoices, "invoices", "amount");
list_get_search!(invoice_item_categories, invoice_item_categories, "invoice_item_categories", "name");
list_get_search!(estimates, estimates, "estimates", "amount");
list_get_search!(estimate_item_categories, estimate_item_categories, "estimate_item_categories", "name");
list_get_search!(expenses, expenses, "expenses", "total_cost");
list_get_search!(expense_categories, expense_categories, "expense_categories", "name");
list_get_search!(roles, roles, "roles", "name");

#[tokio::test]
async fn company_get_and_search() -> TestResult {
    let env = start().await?;
    let company = env.client.companies().get().send().await?;
    let page = search(&env, "company", json!({"query": {"filter": {"eq": {"name": company.name}}}})).await?;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(page["data"][0]["full_domain"], json!(company.full_domain));
    Ok(())
}

#[tokio::test]
async fn user_assignments_list_and_search() -> TestResult {
    let env = start().await?;
    let all: Vec<_> = env.client.user_assignments().list().stream().try_collect().await?;
    let user = all.first().ok_or("no user assignments")?.user.id;
    let page =
        search(&env, "user_assignments", json!({"query": {"filter": {"eq": {"user.id": user}}}, "limit": 10_000}))
            .await?;
    let mut expected: Vec<i64> = all.iter().filter(|ua| ua.user.id == user).map(|ua| ua.id).collect();
    let mut found = ids(&page);
    expected.sort_unstable();
    found.sort_unstable();
    assert_eq!(found, expected);
    Ok(())
}

#[tokio::test]
async fn task_assignments_list_and_search() -> TestResult {
    let env = start().await?;
    let all: Vec<_> = env.client.task_assignments().list().stream().try_collect().await?;
    let billable = all.iter().filter(|ta| ta.billable).count();
    let page =
        search(&env, "task_assignments", json!({"query": {"filter": {"eq": {"billable": true}}}, "limit": 10_000}))
            .await?;
    assert_eq!(ids(&page).len(), billable);
    Ok(())
}

fn year() -> Result<(NaiveDate, NaiveDate), chrono::ParseError> {
    Ok((NaiveDate::parse_from_str("2025-12-01", "%Y-%m-%d")?, NaiveDate::parse_from_str("2026-11-30", "%Y-%m-%d")?))
}

#[tokio::test]
async fn time_projects_list_and_search() -> TestResult {
    let env = start().await?;
    let (from, to) = year()?;
    let rows: Vec<_> = env.client.reports().time_projects(from, to).stream().try_collect().await?;
    assert!(!rows.is_empty());
    let page = search(
        &env,
        "time_projects",
        json!({"query": {"filter": {"gt": {"total_hours": 0}}, "sort": [{"total_hours": "desc"}]}, "limit": 10_000}),
    )
    .await?;
    let hours: Vec<f64> = page["data"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["total_hours"].as_f64()).collect())
        .unwrap_or_default();
    assert!(!hours.is_empty() && hours.windows(2).all(|w| w[0] >= w[1]), "sorted by total_hours desc: {hours:?}");
    Ok(())
}

#[tokio::test]
async fn time_tasks_list_and_search() -> TestResult {
    let env = start().await?;
    let (from, to) = year()?;
    let rows: Vec<_> = env.client.reports().time_tasks(from, to).stream().try_collect().await?;
    let name = rows.first().ok_or("no task rows")?.task_name.clone();
    let page = search(&env, "time_tasks", json!({"query": {"filter": {"eq": {"task_name": name}}}})).await?;
    assert!(page["data"].as_array().is_some_and(|r| !r.is_empty() && r.iter().all(|x| x["task_name"] == json!(name))));
    Ok(())
}

#[tokio::test]
async fn search_refusals_are_400_with_the_path() -> TestResult {
    let env = start().await?;
    let refused = env
        .client
        .raw(Method::POST, "/time_entries/search")
        .json(&json!({"query": {"filter": {"and": [{"eq": {"colour": 1}}]}}}))
        .send_json::<Value>()
        .await;
    let err = refused.err().ok_or("accepted an unknown field")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let message = err.api_error().and_then(|b| b.message.clone()).unwrap_or_default();
    assert!(message.starts_with("query.filter.and[0].eq.colour: `colour` is not a searchable field"), "{message}");
    let page: Value = env
        .client
        .raw(Method::POST, "/time_entries/search")
        .json(&json!({"query": {"filter": {"like": {"notes": "%"}}}, "limit": 5}))
        .send_json()
        .await?;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(5));
    assert!(page["meta"]["cursor"].is_string() && page["meta"]["took_ms"].is_number());
    Ok(())
}

#[tokio::test]
async fn typed_search_streams_every_page_of_a_combined_filter() -> TestResult {
    use harvest_client::models::{TimeEntry, TimeEntryField as F};
    use harvest_client::runtime::{Direction, Filter};
    let env = start().await?;
    let all: Vec<TimeEntry> = env.client.time_entries().list().stream().try_collect().await?;
    let project = all.first().ok_or("no time entries")?.project.id;
    let mut expected: Vec<i64> =
        all.iter().filter(|e| e.project.id == project && (e.billable || e.notes.is_none())).map(|e| e.id).collect();
    expected.sort_unstable();
    let filter =
        Filter::eq(F::ProjectId, project).and(Filter::eq(F::Billable, true).or(Filter::eq(F::Notes, Value::Null)));
    let hits: Vec<_> = env
        .client
        .time_entries()
        .search()
        .filter(filter)
        .sort(F::SpentDate, Direction::Desc)
        .sort(F::Id, Direction::Asc)
        .limit(7)
        .stream()
        .try_collect()
        .await?;
    let dates: Vec<_> = hits.iter().map(|h| h.spent_date).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "sorted by spent_date desc");
    let mut found: Vec<i64> = hits.iter().filter_map(|h| h.id).collect();
    found.sort_unstable();
    assert_eq!(found, expected);
    let not_billable =
        env.client.time_entries().search().filter(!Filter::eq(F::Billable, true)).limit(10_000).send().await?;
    assert_eq!(not_billable.data.len(), all.iter().filter(|e| !e.billable).count());
    assert!(!not_billable.meta.has_more);
    let projected = env.client.time_entries().search().fields([F::ProjectName, F::Hours]).limit(1).send().await?;
    let hit = projected.data.first().ok_or("no hit")?;
    assert!(hit.project.is_some() && hit.hours.is_some() && hit.id.is_none(), "only the asked fields come back");
    Ok(())
}

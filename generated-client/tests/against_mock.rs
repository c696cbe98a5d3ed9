//! The generated client against the spec-driven mock server, in-process: every
//! argument-free operation decodes, both pagination styles walk to the end, CRUD with
//! PATCH null semantics, watch, raw calls and error decoding.

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use harvest_client::models::{CreateClientBody, UpdateClientBody};
use harvest_client::runtime::{Method, StatusCode};
use harvest_client::{Client, Error};
use harvest_mock::{Config, MockServer};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn start() -> Result<(MockServer, Client), Box<dyn std::error::Error>> {
    let server = MockServer::start(Config::default()).await?;
    let client = Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .token("test-token")
        .account_id(1)
        .user_agent("harvest-client tests (dev@example.com)")
        .build()?;
    Ok((server, client))
}

#[tokio::test]
async fn every_argument_free_operation_decodes() -> TestResult {
    let (server, c) = start().await?;
    let company = c.companies().get().send().await?;
    assert!(!company.name.is_empty());
    let me = c.users().me().send().await?;
    assert!(me.id > 0);
    macro_rules! walk {
        ($($group:ident),*) => {$(
            let all: Vec<_> = c.$group().list().per_page(7).stream().try_collect().await?;
            let first = c.$group().list().send().await?;
            assert_eq!(all.len() as u64, first.total_entries.unwrap_or(all.len() as u64), stringify!($group));
        )*};
    }
    walk!(
        users,
        clients,
        contacts,
        projects,
        user_assignments,
        task_assignments,
        tasks,
        expenses,
        expense_categories,
        invoices,
        invoice_item_categories,
        estimates,
        estimate_item_categories,
        roles
    );
    let budget: Vec<_> = c.reports().project_budget().per_page(5).stream().try_collect().await?;
    assert!(!budget.is_empty());
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn time_entries_walk_every_page() -> TestResult {
    let (server, c) = start().await?;
    let pages: Vec<_> = c.time_entries().list().per_page(250).pages().try_collect().await?;
    let total: usize = pages.iter().map(|p| p.items.len()).sum();
    assert!(pages.len() > 2);
    assert_eq!(Some(total as u64), pages.first().and_then(|p| p.total_entries));
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn create_update_with_null_and_delete() -> TestResult {
    let (server, c) = start().await?;
    let created = c.clients().create(CreateClientBody::new("Acme").address("1 Main St")).send().await?;
    assert_eq!(created.address.as_deref(), Some("1 Main St"));
    let renamed = c.clients().update(created.id, UpdateClientBody::new().name("Acme 2")).send().await?;
    assert_eq!((renamed.name.as_str(), renamed.address.as_deref()), ("Acme 2", Some("1 Main St")));
    let cleared = c.clients().update(created.id, UpdateClientBody::new().clear_address()).send().await?;
    assert_eq!(cleared.address, None);
    c.clients().delete(created.id).send().await?;
    let Err(err) = c.clients().get(created.id).send().await else { return Err("deleted client still there".into()) };
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert!(err.api_error().is_some());
    assert!(!err.is_retryable());
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn watch_sees_a_new_client_once() -> TestResult {
    let (server, c) = start().await?;
    let mut watch = c.clients().watch(Duration::from_millis(50)).stream();
    let mut checkpoint = None;
    // Drain the existing records first.
    let existing = c.clients().list().send().await?.items.len();
    for _ in 0..existing {
        checkpoint = watch.try_next().await?.map(|change| change.checkpoint);
    }
    let created = c.clients().create(CreateClientBody::new("Watched")).send().await?;
    let change = tokio::time::timeout(Duration::from_secs(10), watch.try_next()).await??;
    assert_eq!(change.map(|ch| ch.record.id), Some(created.id));
    // A watch resumed from the earlier checkpoint sees only the new record.
    let resumed = c.clients().watch(Duration::from_millis(50)).from_checkpoint(checkpoint.unwrap_or_default());
    let first = tokio::time::timeout(Duration::from_secs(10), resumed.stream().next()).await?;
    assert_eq!(first.transpose()?.map(|ch| ch.record.id), Some(created.id));
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn raw_calls_and_auth_errors() -> TestResult {
    let (server, c) = start().await?;
    let me: serde_json::Value = c.raw(Method::GET, "/users/me").send_json().await?;
    assert!(me.get("id").is_some());
    let anonymous = Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .user_agent("harvest-client tests (dev@example.com)")
        .build()?;
    let Err(err) = anonymous.users().me().send().await else { return Err("expected 401".into()) };
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert!(matches!(&err, Error::Api { parsed: Some(_), .. }), "{err:?}");
    server.shutdown().await;
    Ok(())
}

fn first<T>(page: harvest_client::Page<T>) -> Result<T, &'static str> {
    page.items.into_iter().next().ok_or("empty list")
}

#[tokio::test]
async fn every_read_operation_with_arguments_decodes() -> TestResult {
    let (server, c) = start().await?;
    let user: harvest_client::models::User = first(c.users().list().per_page(1).send().await?)?;
    c.users().get(user.id).send().await?;
    let _: Vec<_> = c.users().project_assignments(user.id).stream().try_collect().await?;
    let _: Vec<_> = c.users().my_project_assignments().stream().try_collect().await?;
    c.users().teammates(user.id).send().await?;
    let _: Vec<_> = c.billable_rates().list(user.id).stream().try_collect().await?;
    let _: Vec<_> = c.cost_rates().list(user.id).stream().try_collect().await?;
    let project: harvest_client::models::Project = first(c.projects().list().per_page(1).send().await?)?;
    c.projects().get(project.id).send().await?;
    let _: Vec<_> = c.user_assignments().list_for_project(project.id).stream().try_collect().await?;
    let tas: Vec<_> = c.task_assignments().list_for_project(project.id).stream().try_collect().await?;
    if let Some(ta) = tas.first() {
        c.task_assignments().get(project.id, ta.id).send().await?;
    }
    let invoice: harvest_client::models::Invoice = first(c.invoices().list().per_page(1).send().await?)?;
    c.invoices().get(invoice.id).send().await?;
    let _: Vec<_> = c.invoice_messages().list(invoice.id).stream().try_collect().await?;
    let _: Vec<_> = c.invoice_payments().list(invoice.id).stream().try_collect().await?;
    c.invoice_messages().template(invoice.id).send().await?;
    let estimate: harvest_client::models::Estimate = first(c.estimates().list().per_page(1).send().await?)?;
    let _: Vec<_> = c.estimate_messages().list(estimate.id).stream().try_collect().await?;
    let entry: harvest_client::models::TimeEntry =
        first(c.time_entries().list().is_running(false).per_page(1).send().await?)?;
    let restarted = c.time_entries().restart(entry.id).send().await?;
    assert!(restarted.is_running);
    let stopped = c.time_entries().stop(entry.id).send().await?;
    assert!(!stopped.is_running);
    let from = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).ok_or("date")?;
    let to = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).ok_or("date")?;
    let r = c.reports();
    r.time_clients(from, to).stream().try_collect::<Vec<_>>().await?;
    r.time_projects(from, to).stream().try_collect::<Vec<_>>().await?;
    r.time_tasks(from, to).stream().try_collect::<Vec<_>>().await?;
    r.time_team(from, to).stream().try_collect::<Vec<_>>().await?;
    r.expense_clients(from, to).stream().try_collect::<Vec<_>>().await?;
    r.expense_projects(from, to).stream().try_collect::<Vec<_>>().await?;
    r.expense_categories(from, to).stream().try_collect::<Vec<_>>().await?;
    r.expense_team(from, to).stream().try_collect::<Vec<_>>().await?;
    r.uninvoiced(from, to).stream().try_collect::<Vec<_>>().await?;
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn injected_429_503_and_dropped_connections_are_retried() -> TestResult {
    let (server, _) = start().await?;
    let c = Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .token("test-token")
        .account_id(1)
        .user_agent("harvest-client tests (dev@example.com)")
        .backoff(Duration::from_millis(5), Duration::from_millis(50))
        .max_retries(3)
        .build()?;
    let admin = format!("{}/__admin/faults", server.base_url());
    for fault in [
        serde_json::json!({"path_prefix": "/v2/clients", "status": 429, "body": "{\"message\":\"slow\"}", "count": 1}),
        serde_json::json!({"path_prefix": "/v2/clients", "status": 503, "count": 1}),
        serde_json::json!({"path_prefix": "/v2/clients", "drop_connection": true, "count": 1}),
    ] {
        c.raw(Method::POST, admin.clone()).json(&fault).send().await?;
    }
    let page = c.clients().list().send().await?;
    assert!(!page.items.is_empty());
    // A POST is not retried: the injected 503 comes back.
    c.raw(Method::POST, admin.clone())
        .json(&serde_json::json!({"path_prefix": "/v2/clients", "method": "POST", "status": 503, "count": 1}))
        .send()
        .await?;
    let Err(err) = c.clients().create(CreateClientBody::new("Nope")).send().await else {
        return Err("expected the injected 503".into());
    };
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.is_retryable());
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn per_request_timeout_overrides_the_client_default() -> TestResult {
    let (server, _) = start().await?;
    let c = Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .token("test-token")
        .account_id(1)
        .user_agent("harvest-client tests (dev@example.com)")
        .max_retries(0)
        .build()?;
    let admin = format!("{}/__admin/faults", server.base_url());
    c.raw(Method::POST, admin)
        .json(&serde_json::json!({"path_prefix": "/v2/roles", "latency_ms": 1000}))
        .send()
        .await?;
    let Err(err) = c.roles().list().timeout(Duration::from_millis(100)).send().await else {
        return Err("expected a timeout".into());
    };
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_retryable());
    // Without the override the slow answer arrives.
    c.roles().list().send().await?;
    server.shutdown().await;
    Ok(())
}

/// Builders and streams own their core: a list stream, a search stream and a pending request
/// outlive the client handle they came from inside spawned tasks.
#[tokio::test]
async fn streams_and_requests_move_into_spawned_tasks() -> TestResult {
    let (server, c) = start().await?;
    let expected = c.clients().list().send().await?.total_entries;
    let stream = c.clients().list().per_page(3).stream();
    let search = c.clients().search().limit(5).stream();
    let request = c.users().me();
    drop(c);
    let listed = tokio::spawn(async move { stream.try_collect::<Vec<_>>().await });
    let found = tokio::spawn(async move { search.try_collect::<Vec<_>>().await });
    let me = tokio::spawn(async move { request.send().await });
    assert_eq!(Some(listed.await??.len() as u64), expected);
    assert!(!found.await??.is_empty());
    assert!(me.await??.id > 0);
    server.shutdown().await;
    Ok(())
}

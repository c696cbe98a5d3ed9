//! A full sync of every list and report of the spec through the generated
//! client (every page, every parent) from a fault-free mock equals the same
//! sync from a mock that injects 429s with `Retry-After`, 500s, 503s, added
//! latency and dropped connections: the client's retries hide every fault and
//! lose or repeat nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use harvest_client::runtime::ItemStream;
use harvest_client::{Client, Error};
use harvest_mock::{AppState, Config, MockServer};
use serde::Serialize;
use serde_json::Value;

/// Page sizes: flat lists walk tens of pages (time entries), nested ones several.
const FLAT: u32 = 50;
const NESTED: u32 = 4;
/// The faults of the second mock, all on GET. Counted ones must each fire at least once.
const FAULTS: [&str; 5] = [
    r#"{"method":"GET","fraction":0.06,"status":503,"count":40}"#,
    r#"{"method":"GET","fraction":0.04,"status":500,"count":30}"#,
    r#"{"method":"GET","fraction":0.04,"drop_connection":true,"count":30}"#,
    r#"{"method":"GET","fraction":0.02,"status":429,"count":3}"#,
    r#"{"method":"GET","fraction":0.25,"latency_ms":20}"#,
];

/// The embedded spec with `Retry-After: 1` instead of Harvest's 15 s, so injected 429s
/// cost one second each. Everything else (and so the seeded data) is unchanged.
fn spec_with_short_retry_after() -> PathBuf {
    let from = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/harvest"));
    let to = std::env::temp_dir().join(format!("harvest-fault-sync-{}", std::process::id()));
    std::fs::create_dir_all(&to).unwrap();
    let mut replaced = 0;
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let short = text.replace("retry_after_seconds: 15", "retry_after_seconds: 1");
        replaced += usize::from(short != text);
        std::fs::write(to.join(path.file_name().unwrap()), short).unwrap();
    }
    assert_eq!(replaced, 1, "the spec's retry_after_seconds moved");
    to
}

/// Every record of a stream, as JSON.
async fn all<T: Serialize>(s: ItemStream<'_, T>) -> Result<Vec<Value>, Error> {
    s.map_ok(|r| serde_json::to_value(r).unwrap()).try_collect().await
}

/// What a sync needs besides the client: parent ids and a report window.
struct Scope {
    users: Vec<i64>,
    projects: Vec<i64>,
    invoices: Vec<i64>,
    estimates: Vec<i64>,
    from: NaiveDate,
    to: NaiveDate,
}

fn scope(state: &AppState) -> Scope {
    let last = state
        .ids("time_entry")
        .iter()
        .filter_map(|id| state.field("time_entry", *id, "spent_date")?.as_str()?.parse::<NaiveDate>().ok())
        .max()
        .unwrap();
    Scope {
        users: state.ids("user"),
        projects: state.ids("project"),
        invoices: state.ids("invoice"),
        estimates: state.ids("estimate"),
        from: last - chrono::Days::new(364),
        to: last,
    }
}

/// Every record of every list and report operation, keyed by operation (and parent).
async fn sync(c: &Client, spec: &harvest_spec::Spec, s: &Scope) -> Result<BTreeMap<String, Vec<Value>>, Error> {
    let mut out = BTreeMap::new();
    let (from, to) = (s.from, s.to);
    for op in spec.operations.iter().filter(|op| op.pagination.is_some()) {
        let id = op.id.as_str();
        macro_rules! flat {
            ($req:expr) => {
                drop(out.insert(id.to_string(), all($req.per_page(FLAT).stream()).await?))
            };
        }
        macro_rules! nested {
            ($parents:expr, |$p:ident| $req:expr) => {
                for $p in $parents.iter().copied() {
                    out.insert(format!("{id}/{}", $p), all($req.per_page(NESTED).stream()).await?);
                }
            };
        }
        match id {
            "listUsers" => flat!(c.users().list()),
            "listActiveProjectAssignments" => nested!(s.users, |u| c.users().project_assignments(u)),
            "listActiveProjectAssignmentsForTheCurrentlyAuthenticatedUser" => {
                flat!(c.users().my_project_assignments())
            }
            "listAssignedTeammatesForSpecificUser" => nested!(s.users, |u| c.users().teammates(u)),
            "listBillableRatesForSpecificUser" => nested!(s.users, |u| c.billable_rates().list(u)),
            "listCostRatesForSpecificUser" => nested!(s.users, |u| c.cost_rates().list(u)),
            "listClients" => flat!(c.clients().list()),
            "listContacts" => flat!(c.contacts().list()),
            "listProjects" => flat!(c.projects().list()),
            "listUserAssignments" => flat!(c.user_assignments().list()),
            "listUserAssignmentsForSpecificProject" => {
                nested!(s.projects, |p| c.user_assignments().list_for_project(p))
            }
            "listTaskAssignments" => flat!(c.task_assignments().list()),
            "listTaskAssignmentsForSpecificProject" => {
                nested!(s.projects, |p| c.task_assignments().list_for_project(p))
            }
            "listTasks" => flat!(c.tasks().list()),
            "listTimeEntries" => flat!(c.time_entries().list()),
            "listExpenses" => flat!(c.expenses().list()),
            "listExpenseCategories" => flat!(c.expense_categories().list()),
            "listInvoices" => flat!(c.invoices().list()),
            "listMessagesForInvoice" => nested!(s.invoices, |i| c.invoice_messages().list(i)),
            "listPaymentsForInvoice" => nested!(s.invoices, |i| c.invoice_payments().list(i)),
            "listInvoiceItemCategories" => flat!(c.invoice_item_categories().list()),
            "listEstimates" => flat!(c.estimates().list()),
            "listMessagesForEstimate" => nested!(s.estimates, |e| c.estimate_messages().list(e)),
            "listEstimateItemCategories" => flat!(c.estimate_item_categories().list()),
            "listRoles" => flat!(c.roles().list()),
            "clientsTimeReport" => flat!(c.reports().time_clients(from, to)),
            "projectsTimeReport" => flat!(c.reports().time_projects(from, to)),
            "tasksReport" => flat!(c.reports().time_tasks(from, to)),
            "teamTimeReport" => flat!(c.reports().time_team(from, to)),
            "clientsExpensesReport" => flat!(c.reports().expense_clients(from, to)),
            "projectsExpensesReport" => flat!(c.reports().expense_projects(from, to)),
            "expenseCategoriesReport" => flat!(c.reports().expense_categories(from, to)),
            "teamExpensesReport" => flat!(c.reports().expense_team(from, to)),
            "uninvoicedReport" => flat!(c.reports().uninvoiced(from, to)),
            "projectBudgetReport" => flat!(c.reports().project_budget()),
            other => panic!("the spec has a list operation this sync does not cover: {other}"),
        };
    }
    Ok(out)
}

fn client(server: &MockServer, retries: u32) -> Client {
    Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .token("sync")
        .account_id(1)
        .user_agent("fault-sync (dev@example.com)")
        .max_retries(retries)
        .backoff(Duration::from_millis(5), Duration::from_millis(50))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn admin(server: &MockServer, method: reqwest::Method, body: &str) -> Value {
    let resp = harvest_tests::http_client()
        .request(method, format!("{}/__admin/faults", server.base_url()))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_through_faults_equals_a_fault_free_sync() {
    let spec_dir = spec_with_short_retry_after();
    // Frozen clocks: the two servers' running timers must read the same hours.
    let config = Config { spec: Some(spec_dir.clone()), now: Some(harvest_tests::test_now()), ..Config::default() };
    let (clean, faulty) = (MockServer::start(config.clone()).await.unwrap(), MockServer::start(config).await.unwrap());
    let spec = clean.state().spec().clone();
    let scope = scope(clean.state());

    let started = Instant::now();
    let expected = sync(&client(&clean, 0), &spec, &scope).await.unwrap();
    let clean_time = started.elapsed();

    let faulty_client = client(&faulty, 12);
    for fault in FAULTS {
        admin(&faulty, reqwest::Method::POST, fault).await;
    }
    let started = Instant::now();
    let got = sync(&faulty_client, &spec, &scope).await.unwrap();
    let faulty_time = started.elapsed();
    let left = admin(&faulty, reqwest::Method::GET, "").await;
    std::fs::remove_dir_all(spec_dir).unwrap();

    let records: usize = expected.values().map(Vec::len).sum();
    assert!(records > 2000, "the fault-free sync is too small to prove anything: {records}");
    assert_eq!(got.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    for (key, want) in &expected {
        assert!(got[key] == *want, "{key}: {} records through faults, {} without", got[key].len(), want.len());
    }

    // Every counted fault fired (a fault whose count reaches 0 is removed from the list).
    let mut fired = Vec::new();
    for fault in &FAULTS[..4] {
        let rule: Value = serde_json::from_str(fault).unwrap();
        let remaining = left["faults"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["status"] == rule["status"]
                    && f["drop_connection"] == rule["drop_connection"].as_bool().unwrap_or(false)
            })
            .map_or(0, |f| f["count"].as_u64().unwrap());
        let used = rule["count"].as_u64().unwrap() - remaining;
        assert!(used > 0, "fault {fault} never fired");
        fired.push(used);
    }
    println!(
        "{} lists, {records} records: equal without faults ({clean_time:?}) and through {} 503s, {} 500s, \
         {} dropped connections, {} 429s with Retry-After: 1 and 20 ms latency on a quarter of requests ({faulty_time:?})",
        expected.len(),
        fired[0],
        fired[1],
        fired[2],
        fired[3]
    );
}

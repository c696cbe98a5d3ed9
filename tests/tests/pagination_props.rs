//! Pagination properties, through the generated client against the mock server.
//!
//! For any `per_page` in 1..=2000 and any combination of the filters the spec declares,
//! walking every page yields exactly the filtered set, in the documented order, without
//! repeats. The filtered set is computed here from one unfiltered walk (itself checked
//! against the server's stored ids), reading the decoded records' fields. Each list is
//! walked through the client's record stream, then page by page with the page shapes
//! checked: through the client's page stream (cursor lists) or by explicit `page=N`
//! requests (page-numbered lists). Three page-numbered lists (time entries, expenses,
//! invoices) and three cursor lists (projects, contacts, clients).
//!
//! `concurrent` walks while a background task writes; see its docs for what holds there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pagination_props {
    pub mod concurrent;
    pub mod lists;
    pub mod walk;
}

use std::sync::{Mutex, OnceLock};

use futures_util::future::try_join_all;
use harvest_client::models::{CreateContactBody, CreateProjectBody};
use harvest_mock::Config;
use harvest_tests::{Env, TestResult, start_with};
use pagination_props::concurrent::{Op, projects_case, time_entries_case, writes};
use pagination_props::lists::{Clients, Contacts, Expenses, Invoices, Projects, TimeEntries};
use pagination_props::walk::{Listing, check_walks, fail, fetch_all};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, FileFailurePersistence, TestCaseError, TestRunner};
use tokio::runtime::Runtime;

/// Random cases per list.
const CASES: u32 = 24;

/// Contacts added to the seeded 25 so that cursor walks at large `per_page` take several
/// pages (scaling the whole seed up instead makes start-up slow in debug builds).
const EXTRA_CONTACTS: usize = 175;

/// A server shared by read-only walks (nothing writes to it after start-up).
struct Shared {
    rt: Runtime,
    env: Env,
}

impl Shared {
    fn start(scale: f64, extra_contacts: usize, extra_projects: usize) -> Shared {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let env = rt.block_on(async {
            let env = start_with(Config { scale, ..Config::default() }).await?;
            add_records(&env, extra_contacts, extra_projects).await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(env)
        });
        Shared { rt, env: env.expect("the server starts") }
    }
}

/// The default seed plus the extra contacts.
fn seeded() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| Shared::start(1.0, EXTRA_CONTACTS, 0))
}

/// Adds contacts and projects, each for one of the seeded clients in turn.
async fn add_records(env: &Env, contacts: usize, projects: usize) -> TestResult {
    let clients = env.server.state().ids("client");
    let client = |i: usize| clients[i % clients.len()];
    for chunk in (0..contacts).collect::<Vec<_>>().chunks(25) {
        let creates = chunk.iter().map(|i| env.client.contacts().create(CreateContactBody::new(client(*i), "Walker")));
        try_join_all(creates.map(|r| r.send())).await?;
    }
    for chunk in (0..projects).collect::<Vec<_>>().chunks(25) {
        let creates = chunk.iter().map(|i| env.client.projects().create(CreateProjectBody::new(client(*i), "Walked")));
        try_join_all(creates.map(|r| r.send())).await?;
    }
    Ok(())
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(RunnerConfig {
        cases,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..RunnerConfig::default()
    })
}

/// Small page sizes often (many pages), large ones too.
fn per_page() -> BoxedStrategy<u32> {
    prop_oneof![1u32..=5, 1u32..=100, 1u32..=2000].boxed()
}

/// Walks `CASES` random (per_page, filters) of `L` on a shared server.
fn walk_list<L: Listing>(server: &Shared) {
    let Shared { rt, env } = server;
    let all = rt.block_on(fetch_all::<L>(env)).unwrap_or_else(|e| panic!("{e}"));
    let strategy = (per_page(), L::strategy(&all));
    runner(CASES)
        .run(&strategy, |(per_page, filter)| rt.block_on(check_walks(env, &all, &filter, per_page)))
        .unwrap_or_else(|e| panic!("{}: {e}", L::PATH));
}

#[test]
fn time_entries_walk_to_the_filtered_set() {
    walk_list::<TimeEntries>(seeded());
}

#[test]
fn expenses_walk_to_the_filtered_set() {
    walk_list::<Expenses>(seeded());
}

#[test]
fn invoices_walk_to_the_filtered_set() {
    walk_list::<Invoices>(seeded());
}

#[test]
fn projects_walk_to_the_filtered_set() {
    walk_list::<Projects>(seeded());
}

#[test]
fn contacts_walk_to_the_filtered_set() {
    walk_list::<Contacts>(seeded());
}

#[test]
fn clients_walk_to_the_filtered_set() {
    walk_list::<Clients>(seeded());
}

/// Random cases per list walked during writes.
const CONCURRENT_CASES: u32 = 12;

/// Walks `L` during random writes on a server of its own; `case` runs one walk given the
/// unfiltered snapshot taken before it and returns the one taken after (the next case's
/// before, unless the case failed).
fn walk_while_writing<L: Listing>(
    server: Shared,
    cursor: bool,
    case: impl AsyncFn(&Env, Vec<L::Rec>, L, u32, Vec<(Op, u64)>) -> Result<Vec<L::Rec>, TestCaseError>,
) {
    let Shared { rt, env } = &server;
    let first = rt.block_on(fetch_all::<L>(env)).unwrap_or_else(|e| panic!("{e}"));
    let strategy = (per_page(), L::strategy(&first), writes(cursor));
    let snapshot = Mutex::new(Some(first));
    runner(CONCURRENT_CASES)
        .run(&strategy, |(per_page, filter, ops)| {
            let before = match snapshot.lock().map_err(fail)?.take() {
                Some(before) => before,
                None => rt.block_on(fetch_all::<L>(env))?,
            };
            let after = rt.block_on(case(env, before, filter, per_page, ops))?;
            *snapshot.lock().map_err(fail)? = Some(after);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{} during writes: {e}", L::PATH));
}

#[test]
fn time_entries_walk_while_records_are_written() {
    walk_while_writing::<TimeEntries>(Shared::start(0.1, 0, 0), false, time_entries_case);
}

#[test]
fn projects_walk_while_records_are_written() {
    walk_while_writing::<Projects>(Shared::start(0.1, 0, 60), true, projects_case);
}

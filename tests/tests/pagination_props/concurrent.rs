//! Walks while a background task writes through its own client.
//!
//! A record is *present throughout* when it matches the filter in the unfiltered
//! snapshots taken just before the writer starts and just after it stops (and, for the
//! cursor list, was not archived or re-activated meanwhile). For both styles: every
//! record present throughout is seen, every record seen matches the filter as decoded,
//! and nothing is seen that was neither there before nor created meanwhile.
//!
//! Cursor lists (keyset on id, newest first) see every record at most once, in order.
//! Page-numbered lists cannot promise that, on the real API as on the mock: a record
//! inserted ahead of the walk's position shifts the rest by one, so the next page starts
//! with a record already seen. What holds, and is checked: each page is in order, records
//! present throughout are first seen in the documented order, and the repeats number at
//! most the writes made during the walk (only inserts happen here: creates, and updates
//! that can only add records to an `updated_since` filter).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::time::Duration;

use futures_util::TryStreamExt;
use harvest_client::Client;
use harvest_client::models::{CreateProjectBody, CreateTimeEntryBody, UpdateProjectBody, UpdateTimeEntryBody};
use harvest_client::runtime::{Decimal, Page, Record};
use harvest_tests::Env;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::lists::{Projects, TimeEntries};
use super::walk::{Listing, bounded, expected, fail, fetch_all, ids};

/// One write of the background task, then a pause in milliseconds.
#[derive(Debug, Clone)]
pub enum Op {
    /// A new record (`days_back` sets a time entry's date, `hours` none starts a timer).
    Create { days_back: i64, hours: Option<i64>, pick: usize },
    /// New notes on an existing record.
    Update { pick: usize },
    /// Archive or re-activate a project (changes `is_active` filter membership).
    Toggle { pick: usize },
    /// Delete a project the writer created.
    Delete { pick: usize },
}

/// 4 to 24 writes with short pauses; `cursor` adds toggles and deletes.
pub fn writes(cursor: bool) -> BoxedStrategy<Vec<(Op, u64)>> {
    let create = (0i64..400, proptest::option::of(1i64..32), any::<usize>())
        .prop_map(|(days_back, hours, pick)| Op::Create { days_back, hours, pick });
    let op = if cursor {
        prop_oneof![
            3 => create,
            2 => any::<usize>().prop_map(|pick| Op::Update { pick }),
            1 => any::<usize>().prop_map(|pick| Op::Toggle { pick }),
            1 => any::<usize>().prop_map(|pick| Op::Delete { pick }),
        ]
        .boxed()
    } else {
        prop_oneof![3 => create, 2 => any::<usize>().prop_map(|pick| Op::Update { pick })].boxed()
    };
    proptest::collection::vec((op, 0u64..4), 4..24).boxed()
}

/// What the writer did.
#[derive(Debug, Default)]
struct Log {
    created: Vec<i64>,
    toggled: BTreeSet<i64>,
    writes: usize,
}

type WriterResult = Result<Log, harvest_client::Error>;

/// Runs `ops` against time entries until done or told to stop.
async fn write_time_entries(
    c: Client,
    entries: Vec<(i64, i64, i64, i64)>,
    ops: Vec<(Op, u64)>,
    stop: Arc<AtomicBool>,
) -> WriterResult {
    let mut log = Log::default();
    let today = chrono::Utc::now().date_naive();
    for (op, pause) in ops {
        if stop.load(AtomicOrdering::SeqCst) || entries.is_empty() {
            break;
        }
        match op {
            Op::Create { days_back, hours, pick } => {
                let (_, project, task, user) = entries[pick % entries.len()];
                let mut body =
                    CreateTimeEntryBody::new(today - chrono::Duration::days(days_back), project, task).user_id(user);
                if let Some(quarters) = hours {
                    body = body.hours(Decimal::new(quarters * 25, 2));
                }
                log.created.push(c.time_entries().create(body).send().await?.id);
            }
            Op::Update { pick } | Op::Toggle { pick } | Op::Delete { pick } => {
                let (id, ..) = entries[pick % entries.len()];
                let body = UpdateTimeEntryBody::new().notes(format!("walked over {pick}"));
                c.time_entries().update(id, body).send().await?;
            }
        }
        log.writes += 1;
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    Ok(log)
}

/// Runs `ops` against projects until done or told to stop.
async fn write_projects(
    c: Client,
    clients: Vec<i64>,
    existing: Vec<i64>,
    ops: Vec<(Op, u64)>,
    stop: Arc<AtomicBool>,
) -> WriterResult {
    let mut log = Log::default();
    let mut mine: Vec<i64> = Vec::new();
    for (op, pause) in ops {
        if stop.load(AtomicOrdering::SeqCst) || clients.is_empty() || existing.is_empty() {
            break;
        }
        match op {
            Op::Create { pick, .. } => {
                let body = CreateProjectBody::new(clients[pick % clients.len()], format!("Walked {pick}"));
                let id = c.projects().create(body).send().await?.id;
                log.created.push(id);
                mine.push(id);
            }
            Op::Update { pick } => {
                let id = existing[pick % existing.len()];
                c.projects().update(id, UpdateProjectBody::new().notes(format!("walked over {pick}"))).send().await?;
            }
            Op::Toggle { pick } => {
                let id = existing[pick % existing.len()];
                let active = c.projects().get(id).send().await?.is_active;
                log.toggled.insert(id);
                c.projects().update(id, UpdateProjectBody::new().is_active(!active)).send().await?;
            }
            Op::Delete { pick } if !mine.is_empty() => {
                let id = mine.remove(pick % mine.len());
                c.projects().delete(id).send().await?;
            }
            Op::Delete { .. } => continue,
        }
        log.writes += 1;
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    Ok(log)
}

/// Walks `filter` page by page through the client while `writer` runs, then stops it.
async fn walk_during<L: Listing>(
    env: &Env,
    filter: &L,
    per_page: u32,
    writer: impl Future<Output = WriterResult> + Send + 'static,
    stop: Arc<AtomicBool>,
) -> Result<(Vec<Page<L::Rec>>, Log), TestCaseError> {
    let task = tokio::spawn(writer);
    let pages: Result<Vec<Page<L::Rec>>, _> = filter.pages(&env.client, per_page).try_collect().await;
    stop.store(true, AtomicOrdering::SeqCst);
    let log = task.await.map_err(fail)?.map_err(fail)?;
    Ok((pages.map_err(fail)?, log))
}

/// Checks shared by both styles, given unfiltered snapshots taken before the writer
/// started and after it stopped; returns how often each id was seen and the ids present
/// throughout.
fn common_checks<L: Listing>(
    filter: &L,
    pages: &[Page<L::Rec>],
    before: &[L::Rec],
    after: &[L::Rec],
    log: &Log,
) -> Result<(BTreeMap<i64, usize>, BTreeSet<i64>), TestCaseError> {
    let mut seen: BTreeMap<i64, usize> = BTreeMap::new();
    let known: BTreeSet<i64> = before.iter().map(Record::id).chain(log.created.iter().copied()).collect();
    let (before, after) = (expected(before, filter), expected(after, filter));
    for r in pages.iter().flat_map(|p| &p.items) {
        prop_assert!(filter.matches(r), "record {} does not match the filter: {:?}", r.id(), r);
        prop_assert!(known.contains(&r.id()), "record {} was neither there before nor created", r.id());
        *seen.entry(r.id()).or_default() += 1;
    }
    let after_ids: BTreeSet<i64> = after.iter().map(Record::id).collect();
    let present: BTreeSet<i64> =
        before.iter().map(Record::id).filter(|id| after_ids.contains(id) && !log.toggled.contains(id)).collect();
    let missed: Vec<&i64> = present.iter().filter(|id| !seen.contains_key(id)).collect();
    prop_assert!(missed.is_empty(), "records present throughout were missed: {:?}", missed);
    Ok((seen, present))
}

/// A page-numbered walk of time entries during creates and updates.
pub async fn time_entries_case(
    env: &Env,
    before: Vec<<TimeEntries as Listing>::Rec>,
    filter: TimeEntries,
    per_page: u32,
    ops: Vec<(Op, u64)>,
) -> Result<Vec<<TimeEntries as Listing>::Rec>, TestCaseError> {
    let per_page = bounded(per_page, expected(&before, &filter).len() + ops.len());
    let entries = before.iter().map(|e| (e.id, e.project.id, e.task.id, e.user.id)).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = write_time_entries(env.client.clone(), entries, ops, stop.clone());
    let (pages, log) = walk_during(env, &filter, per_page, writer, stop).await?;
    let after = fetch_all::<TimeEntries>(env).await?;
    let (seen, present) = common_checks(&filter, &pages, &before, &after, &log)?;

    for page in &pages {
        let in_order = page.items.windows(2).all(|w| TimeEntries::order(&w[0], &w[1]).is_lt());
        prop_assert!(in_order, "a page is out of order: {:?}", ids(&page.items));
    }
    let sightings: usize = seen.values().sum();
    let repeats = sightings - seen.len();
    prop_assert!(repeats <= log.writes, "{} repeats after only {} writes", repeats, log.writes);
    let mut first_seen = Vec::new();
    let mut met = BTreeSet::new();
    for r in pages.iter().flat_map(|p| &p.items) {
        if present.contains(&r.id()) && met.insert(r.id()) {
            first_seen.push(r.clone());
        }
    }
    let sorted = first_seen.windows(2).all(|w| TimeEntries::order(&w[0], &w[1]).is_lt());
    prop_assert!(sorted, "records present throughout first seen out of order: {:?}", ids(&first_seen));
    Ok(after)
}

/// A cursor walk of projects during creates, updates, archiving and deletes.
pub async fn projects_case(
    env: &Env,
    before: Vec<<Projects as Listing>::Rec>,
    filter: Projects,
    per_page: u32,
    ops: Vec<(Op, u64)>,
) -> Result<Vec<<Projects as Listing>::Rec>, TestCaseError> {
    let per_page = bounded(per_page, expected(&before, &filter).len() + ops.len());
    let clients = env.server.state().ids("client");
    let existing = before.iter().map(Record::id).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = write_projects(env.client.clone(), clients, existing, ops, stop.clone());
    let (pages, log) = walk_during(env, &filter, per_page, writer, stop).await?;
    let after = fetch_all::<Projects>(env).await?;
    common_checks(&filter, &pages, &before, &after, &log)?;

    let walked: Vec<i64> = pages.iter().flat_map(|p| p.items.iter().map(Record::id)).collect();
    let strictly_newest_first = walked.windows(2).all(|w| w[0] > w[1]);
    prop_assert!(strictly_newest_first, "cursor walk repeats or reorders records: {:?}", walked);
    Ok(after)
}

//! A bounded load test on loopback: 32 concurrent clients mix reads (get, list,
//! filtered list) and writes (creates of clients, tasks and time entries,
//! updates and deletes of what each created) for a fixed time, through the
//! generated client. Afterwards every acknowledged create is present with the
//! data sent (as last updated), every acknowledged delete is gone, all ids are
//! unique, and there was no error response at all; in a second run with 503s
//! injected through the admin API, no error other than those, counted exactly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use harvest_client::Client;
use harvest_client::models::*;
use harvest_mock::{Config, MockServer};
use rust_decimal::Decimal;

const WORKERS: usize = 32;
const RUN_FOR: Duration = Duration::from_secs(5);
/// Large enough never to run out: what is left of it tells how many 503s were injected.
const FAULT_BUDGET: u64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Client,
    Task,
    TimeEntry,
}

/// What a record must hold at the end: the data last acknowledged.
#[derive(Debug, Clone, PartialEq)]
enum Data {
    Named(String),
    Entry { date: NaiveDate, project: i64, task: i64, hours: Decimal, notes: String },
}

/// One worker's account of its requests.
#[derive(Debug, Default)]
struct Tally {
    requests: usize,
    writes: usize,
    /// Error responses by status (0 = no response).
    errors: BTreeMap<u16, usize>,
    live: BTreeMap<(Kind, i64), Data>,
    deleted: BTreeSet<(Kind, i64)>,
    created: Vec<(Kind, i64)>,
}

impl Tally {
    /// Counts a request; `Some` when it succeeded.
    fn count<T>(&mut self, write: bool, r: Result<T, harvest_client::Error>) -> Option<T> {
        self.requests += 1;
        match r {
            Ok(v) => {
                self.writes += usize::from(write);
                Some(v)
            }
            Err(e) => {
                *self.errors.entry(e.status().map_or(0, |s| s.as_u16())).or_default() += 1;
                None
            }
        }
    }
}

/// A small deterministic generator (xorshift), one per worker.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// What workers read and write against: seeded clients, and (project, task) pairs the
/// authenticated user may track time on.
struct Fixture {
    clients: Vec<i64>,
    pairs: Vec<(i64, i64)>,
}

async fn fixture(c: &Client) -> Fixture {
    let clients = c.clients().list().stream().try_collect::<Vec<_>>().await.unwrap().iter().map(|c| c.id).collect();
    let mine: Vec<ProjectAssignment> = c.users().my_project_assignments().stream().try_collect().await.unwrap();
    let pairs: Vec<(i64, i64)> =
        mine.iter().flat_map(|pa| pa.task_assignments.iter().map(|ta| (pa.project.id, ta.task.id))).collect();
    assert!(!pairs.is_empty(), "the seeded user has no project with tasks");
    Fixture { clients, pairs }
}

async fn worker(c: Client, f: &Fixture, n: usize, until: Instant) -> Tally {
    let mut t = Tally::default();
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ (n as u64 + 1));
    let mut serial = 0;
    while Instant::now() < until {
        serial += 1;
        let label = format!("load-{n}-{serial}");
        let own: Vec<(Kind, i64)> = t.live.keys().copied().collect();
        let mine = (!own.is_empty()).then(|| own[dice.roll(own.len())]);
        match dice.roll(100) {
            0..15 => match mine {
                Some((Kind::Client, id)) => drop(t.count(false, c.clients().get(id).send().await)),
                Some((Kind::Task, id)) => drop(t.count(false, c.tasks().get(id).send().await)),
                Some((Kind::TimeEntry, id)) => drop(t.count(false, c.time_entries().get(id).send().await)),
                None => drop(t.count(false, c.clients().get(f.clients[dice.roll(f.clients.len())]).send().await)),
            },
            15..30 => drop(t.count(false, c.clients().list().per_page(50).send().await)),
            30..40 => {
                let (project, _) = f.pairs[dice.roll(f.pairs.len())];
                drop(t.count(false, c.time_entries().list().project_id(project).per_page(10).send().await));
            }
            40..45 => drop(t.count(false, c.tasks().list().is_active(true).send().await)),
            45..60 => {
                if let Some(r) = t.count(true, c.clients().create(CreateClientBody::new(&label)).send().await) {
                    t.created.push((Kind::Client, r.id));
                    t.live.insert((Kind::Client, r.id), Data::Named(label));
                }
            }
            60..70 => {
                if let Some(r) = t.count(true, c.tasks().create(CreateTaskBody::new(&label)).send().await) {
                    t.created.push((Kind::Task, r.id));
                    t.live.insert((Kind::Task, r.id), Data::Named(label));
                }
            }
            70..85 => {
                let (project, task) = f.pairs[dice.roll(f.pairs.len())];
                let date = NaiveDate::from_ymd_opt(2024, 3, 1 + dice.roll(28) as u32).unwrap();
                let hours = Decimal::new(25 + dice.roll(775) as i64, 2);
                let body = CreateTimeEntryBody::new(date, project, task).hours(hours).notes(&label);
                if let Some(r) = t.count(true, c.time_entries().create(body).send().await) {
                    t.created.push((Kind::TimeEntry, r.id));
                    let data = Data::Entry { date, project, task, hours, notes: label };
                    t.live.insert((Kind::TimeEntry, r.id), data);
                }
            }
            85..93 => update(&c, &mut t, mine, &label, Decimal::new(1 + dice.roll(999) as i64, 2)).await,
            _ => {
                let Some((kind, id)) = mine else { continue };
                let done = match kind {
                    Kind::Client => t.count(true, c.clients().delete(id).send().await).is_some(),
                    Kind::Task => t.count(true, c.tasks().delete(id).send().await).is_some(),
                    Kind::TimeEntry => t.count(true, c.time_entries().delete(id).send().await).is_some(),
                };
                if done {
                    t.live.remove(&(kind, id));
                    t.deleted.insert((kind, id));
                }
            }
        }
    }
    t
}

/// Renames an own client or task, or changes an own time entry's hours and notes.
async fn update(c: &Client, t: &mut Tally, mine: Option<(Kind, i64)>, label: &str, hours: Decimal) {
    let Some((kind, id)) = mine else { return };
    let done = match kind {
        Kind::Client => {
            t.count(true, c.clients().update(id, UpdateClientBody::new().name(label)).send().await).is_some()
        }
        Kind::Task => t.count(true, c.tasks().update(id, UpdateTaskBody::new().name(label)).send().await).is_some(),
        Kind::TimeEntry => {
            let body = UpdateTimeEntryBody::new().hours(hours).notes(label);
            t.count(true, c.time_entries().update(id, body).send().await).is_some()
        }
    };
    if !done {
        return;
    }
    match t.live.get_mut(&(kind, id)) {
        Some(Data::Named(name)) => *name = label.to_string(),
        Some(Data::Entry { hours: h, notes, .. }) => (*h, *notes) = (hours, label.to_string()),
        None => {}
    }
}

/// What the server holds for a record now (`None` when it is gone).
async fn stored(c: &Client, kind: Kind, id: i64) -> Option<Data> {
    let gone = |e: harvest_client::Error| {
        assert_eq!(e.status().map(|s| s.as_u16()), Some(404), "{kind:?} {id}: {e}");
    };
    match kind {
        Kind::Client => c.clients().get(id).send().await.map_err(gone).ok().map(|r| Data::Named(r.name)),
        Kind::Task => c.tasks().get(id).send().await.map_err(gone).ok().map(|r| Data::Named(r.name)),
        Kind::TimeEntry => c.time_entries().get(id).send().await.map_err(gone).ok().map(|r| Data::Entry {
            date: r.spent_date,
            project: r.project.id,
            task: r.task.id,
            hours: r.hours,
            notes: r.notes.unwrap_or_default(),
        }),
    }
}

/// Runs the workers for `RUN_FOR`, with `fault` added through the admin API once the
/// fixture is read; returns their tallies.
async fn run(server: &MockServer, fault: Option<&str>) -> Vec<Tally> {
    let client = Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .token("load")
        .account_id(1)
        .user_agent("load (dev@example.com)")
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let f = std::sync::Arc::new(fixture(&client).await);
    if let Some(fault) = fault {
        admin(server, reqwest::Method::POST, fault).await;
    }
    let until = Instant::now() + RUN_FOR;
    let tasks: Vec<_> = (0..WORKERS)
        .map(|n| {
            let (c, f) = (client.clone(), f.clone());
            tokio::spawn(async move { worker(c, &f, n, until).await })
        })
        .collect();
    let mut tallies = Vec::new();
    for task in tasks {
        tallies.push(task.await.unwrap());
    }
    tallies
}

/// Every acknowledged create holds its last acknowledged data, every acknowledged delete
/// is gone, and no id was handed out twice. Returns (requests, writes, errors by status).
async fn verify(server: &MockServer, tallies: &[Tally]) -> (usize, usize, BTreeMap<u16, usize>) {
    let c = Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .token("verify")
        .account_id(1)
        .user_agent("load (dev@example.com)")
        .build()
        .unwrap();
    let mut ids = BTreeSet::new();
    let (mut requests, mut writes, mut errors) = (0, 0, BTreeMap::new());
    for t in tallies {
        (requests, writes) = (requests + t.requests, writes + t.writes);
        for (status, n) in &t.errors {
            *errors.entry(*status).or_insert(0) += n;
        }
        for key in &t.created {
            assert!(ids.insert(*key), "id {key:?} was handed out twice");
        }
        for ((kind, id), data) in &t.live {
            assert_eq!(stored(&c, *kind, *id).await.as_ref(), Some(data), "{kind:?} {id}");
        }
        for (kind, id) in &t.deleted {
            assert_eq!(stored(&c, *kind, *id).await, None, "deleted {kind:?} {id}");
        }
    }
    assert!(ids.len() > WORKERS, "too few creates to prove anything: {}", ids.len());
    println!(
        "{requests} requests by {WORKERS} clients in {RUN_FOR:?}: {writes} acknowledged writes, {} records created \
         and checked, errors by status {errors:?}",
        ids.len()
    );
    (requests, writes, errors)
}

/// A call to `/__admin/faults`.
async fn admin(server: &MockServer, method: reqwest::Method, body: &str) -> serde_json::Value {
    let resp = harvest_tests::http_client()
        .request(method, format!("{}/__admin/faults", server.base_url()))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_and_writes_lose_nothing() {
    let server = MockServer::start(Config::default()).await.unwrap();
    let tallies = run(&server, None).await;
    let (_, writes, errors) = verify(&server, &tallies).await;
    assert!(writes > 0);
    assert!(errors.is_empty(), "error responses without any fault: {errors:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_injected_503s_the_only_errors_are_those() {
    let server = MockServer::start(Config::default()).await.unwrap();
    let fault = format!(r#"{{"fraction":0.05,"status":503,"body":"injected","count":{FAULT_BUDGET}}}"#);
    let tallies = run(&server, Some(&fault)).await;
    let left = admin(&server, reqwest::Method::GET, "").await["faults"][0]["count"].as_u64().unwrap();
    admin(&server, reqwest::Method::DELETE, "").await;
    let (_, _, errors) = verify(&server, &tallies).await;
    let injected = FAULT_BUDGET - left;
    assert!(injected > 0, "no fault was injected");
    assert_eq!(errors.keys().copied().collect::<Vec<_>>(), vec![503], "errors other than the injected 503s");
    assert_eq!(errors[&503] as u64, injected, "503s seen vs injected");
}

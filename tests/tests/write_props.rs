//! Write properties, through the generated client's typed bodies against the mock server,
//! for clients, contacts, tasks, projects, time entries and expenses.
//!
//! Bodies are generated from the spec's create and update operations (every body field
//! that sets a record field: random unicode text, two-decimal amounts within Harvest's
//! bounds, real dates, enum values, refs to existing records in combinations the server
//! accepts, optional fields present or absent, nullable ones sometimes `null`), decoded
//! into the client's typed input bodies and sent through its request builders.
//!
//! - create → get shows every sent field, an id, `created_at` = `updated_at` at the time
//!   of the request, and embedded refs equal to the records they point at;
//! - update of a random subset of fields on a random record changes exactly those fields
//!   (plus `updated_at`, and refs the spec derives from a changed ref), nothing else;
//! - a body with one field broken (required field missing or blank, wrong JSON type,
//!   `null` where not nullable, number or date out of range, dangling ref), sent raw, is a
//!   4xx whose message names the field, and the whole stored account is unchanged
//!   (and, for an update, the record's `GET` bytes too).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod write_props {
    pub mod checks;
    pub mod invalid;
    pub mod payloads;
    pub mod typed;
}

use std::collections::BTreeSet;

use futures_util::TryStreamExt;
use harvest_client::models::{UpdateProjectBody, UpdateTimeEntryBody};
use harvest_mock::Config;
use harvest_spec::ir::{OpKind, Operation, Resource, Spec};
use harvest_tests::{Env, op_path, snapshot, snapshot_diff, start_with};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, FileFailurePersistence, TestCaseError, TestRunner};
use tokio::runtime::Runtime;
use write_props::checks::{check_created, check_only_sent_changed, check_refs, check_sent, raw_get, record_path};
use write_props::invalid::{Break, apply, breaks, check_refused, send_raw};
use write_props::payloads::{World, body, fix_refs};
use write_props::typed::{Clients, Contacts, Expenses, Projects, Tasks, TimeEntries, Writable, fail};

/// Random cases per resource and property.
const CASES: u32 = 16;

/// A fifth of the default account: enough records to point at, cheap to snapshot.
const SCALE: f64 = 0.2;

/// A server of its own for one property (snapshots must not see other tests' writes).
struct Server {
    rt: Runtime,
    env: Env,
    world: World,
}

fn server() -> Server {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let env = rt.block_on(start_with(Config { scale: SCALE, ..Config::default() })).expect("server starts");
    let world = World::read(env.server.state());
    Server { rt, env, world }
}

fn runner() -> TestRunner {
    TestRunner::new(RunnerConfig {
        cases: CASES,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..RunnerConfig::default()
    })
}

/// The resource and its create and update operations.
fn operations<'a>(spec: &'a Spec, name: &str) -> (&'a Resource, &'a Operation, &'a Operation) {
    let r = spec.resource(spec.resource_named(name).expect("resource"));
    let op =
        |kind: OpKind| r.operations.iter().map(|o| spec.operation(*o)).find(|o| o.kind == kind).expect("operation");
    (r, op(OpKind::Create), op(OpKind::Update))
}

fn fields(op: &Operation) -> &[harvest_spec::ir::BodyField] {
    op.body.as_ref().map(|b| b.fields.as_slice()).unwrap_or_default()
}

fn creates<W: Writable>(s: &Server) {
    let spec = s.env.server.state().spec();
    let (resource, create, _) = operations(spec, W::RESOURCE);
    let strategy = (body(spec, &s.world, resource, create), any::<usize>());
    runner()
        .run(&strategy, |(mut sent, pick)| {
            s.rt.block_on(async {
                fix_refs(W::RESOURCE, &mut sent, &s.world, pick, None);
                let started = s.env.server.now(1);
                let id = W::create(&s.env.client, &sent).await?;
                let ended = s.env.server.now(1);
                let path = record_path(spec, resource, id).ok_or_else(|| fail("no get operation"))?;
                let (_, record) = raw_get(&s.env, &path).await?;
                check_sent(spec, resource, fields(create), &sent, &record)?;
                check_created(&record, id, (started, ended))?;
                check_refs(&s.env, spec, resource, &record).await
            })
        })
        .unwrap_or_else(|e| panic!("creating {}: {e}", W::RESOURCE));
}

fn updates<W: Writable>(s: &Server) {
    let spec = s.env.server.state().spec();
    let (resource, _, update) = operations(spec, W::RESOURCE);
    let strategy = (body(spec, &s.world, resource, update), any::<usize>(), any::<usize>());
    runner()
        .run(&strategy, |(mut sent, which, pick)| {
            s.rt.block_on(async {
                let ids = s.env.server.state().ids(W::RESOURCE);
                let id = ids[which % ids.len()];
                let path = record_path(spec, resource, id).ok_or_else(|| fail("no get operation"))?;
                let (_, before) = raw_get(&s.env, &path).await?;
                fix_refs(W::RESOURCE, &mut sent, &s.world, pick, Some(&before));
                W::update(&s.env.client, id, &sent).await?;
                let (_, after) = raw_get(&s.env, &path).await?;
                check_only_sent_changed(spec, resource, fields(update), &sent, &before, &after)?;
                check_refs(&s.env, spec, resource, &after).await
            })
        })
        .unwrap_or_else(|e| panic!("updating {}: {e}", W::RESOURCE));
}

fn refusals<W: Writable>(s: &Server) {
    let spec = s.env.server.state().spec();
    let (resource, create, update) = operations(spec, W::RESOURCE);
    let strategy = (
        any::<bool>(),
        body(spec, &s.world, resource, create),
        body(spec, &s.world, resource, update),
        breaks(),
        (any::<usize>(), any::<usize>()),
    );
    runner()
        .run(&strategy, |(creating, create_body, update_body, (how, field, value), (which, pick))| {
            s.rt.block_on(async {
                let state = s.env.server.state();
                let (op, method, id, mut sent) = if creating {
                    (create, reqwest::Method::POST, None, create_body)
                } else {
                    let ids = state.ids(W::RESOURCE);
                    (update, reqwest::Method::PATCH, Some(ids[which % ids.len()]), update_body)
                };
                let record_before = match id {
                    Some(id) => Some(raw_get(&s.env, &op_path(op, &[id])).await?),
                    None => None,
                };
                fix_refs(W::RESOURCE, &mut sent, &s.world, pick, record_before.as_ref().map(|(_, r)| r));
                let broken = apply(resource, fields(op), &mut sent, how, field, value)
                    .or_else(|| apply(resource, fields(op), &mut sent, Break::WrongType, field, value))
                    .ok_or_else(|| fail("nothing to break"))?;
                let before = snapshot(state);
                let (status, answer) =
                    send_raw(&s.env, method, &op_path(op, &id.into_iter().collect::<Vec<_>>()), &sent).await?;
                check_refused(status, &answer, &broken)?;
                if let Some(diff) = snapshot_diff(&before, &snapshot(state)) {
                    return Err(TestCaseError::fail(format!("a refused write changed the store: {diff}")));
                }
                if let (Some(id), Some((bytes, _))) = (id, record_before) {
                    let (now, _) = raw_get(&s.env, &op_path(op, &[id])).await?;
                    prop_assert!(now == bytes, "the record's GET bytes changed");
                }
                Ok(())
            })
        })
        .unwrap_or_else(|e| panic!("refusing a broken {} body: {e}", W::RESOURCE));
}

/// Runs `check` for every resource, in an order where later ones point at earlier ones.
macro_rules! for_each_resource {
    ($check:ident, $server:expr) => {{
        let s = $server;
        $check::<Clients>(&s);
        $check::<Contacts>(&s);
        $check::<Tasks>(&s);
        $check::<Projects>(&s);
        $check::<TimeEntries>(&s);
        $check::<Expenses>(&s);
    }};
}

#[test]
fn created_records_read_back_as_sent() {
    for_each_resource!(creates, server());
}

#[test]
fn updates_change_exactly_the_sent_fields() {
    for_each_resource!(updates, server());
}

#[test]
fn broken_bodies_are_refused_and_change_nothing() {
    for_each_resource!(refusals, server());
}

/// Regression: a small account was seeded with two user (or task) assignments for the same
/// project and user (task), which the API itself refuses; an update of any field of a time
/// entry then re-pointed its `user_assignment` to the other one.
#[test]
fn small_accounts_have_one_assignment_per_pair() {
    let s = server();
    s.rt.block_on(async {
        let c = &s.env.client;
        let users: Vec<_> = c.user_assignments().list().stream().try_collect().await.expect("user assignments");
        let pairs: BTreeSet<(i64, i64)> = users.iter().map(|a| (a.project.id, a.user.id)).collect();
        assert_eq!(pairs.len(), users.len(), "two user assignments share a project and user");
        let tasks: Vec<_> = c.task_assignments().list().stream().try_collect().await.expect("task assignments");
        let pairs: BTreeSet<(i64, i64)> = tasks.iter().map(|a| (a.project.id, a.task.id)).collect();
        assert_eq!(pairs.len(), tasks.len(), "two task assignments share a project and task");
        for id in s.env.server.state().ids("time_entry").into_iter().step_by(20) {
            let before = c.time_entries().get(id).send().await.expect("get");
            let body = UpdateTimeEntryBody::new().notes("regression");
            let after = c.time_entries().update(id, body).send().await.expect("update");
            assert_eq!(
                (after.user_assignment.id, after.task_assignment.id),
                (before.user_assignment.id, before.task_assignment.id)
            );
        }
    });
}

/// Regression: a time entry's and an expense's `client` (derived from the project's) kept
/// the old client after the project moved to another client, until the entry itself was
/// next written.
#[test]
fn moving_a_project_moves_the_client_of_its_entries() {
    let s = server();
    s.rt.block_on(async {
        let c = &s.env.client;
        let entry = c.time_entries().list().per_page(1).send().await.expect("list").items.remove(0);
        let project = entry.project.id;
        let other = s.world.ids["client"].iter().copied().find(|id| *id != entry.client.id).expect("a second client");
        c.projects().update(project, UpdateProjectBody::new().client_id(other)).send().await.expect("move");
        let entries: Vec<_> = c.time_entries().list().project_id(project).stream().try_collect().await.expect("list");
        assert!(entries.iter().all(|e| e.client.id == other), "time entries kept the old client");
        let expenses: Vec<_> = c.expenses().list().project_id(project).stream().try_collect().await.expect("list");
        assert!(expenses.iter().all(|e| e.client.id == other), "expenses kept the old client");
    });
}

//! The platform seed's watch triggers: "watch all changes or newly added records only",
//! with a limit per execution cycle, and each change saying whether the record was created
//! or updated since the checkpoint.
//!
//! The mock runs on the system clock here: watching by `updated_since` relies on changes
//! getting later timestamps, which a frozen clock never gives.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt};
use harvest_client::models::{Client, CreateClientBody, UpdateClientBody};
use harvest_client::runtime::WatchStream;
use harvest_client::{Change, ChangeKind, WatchMode};
use harvest_mock::{Config, MockServer};
use harvest_tests::{Env, TestResult};

use super::{POLL, WAIT, checkpoint_after};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A mock on the system clock and a client for it.
async fn start() -> Result<Env, BoxError> {
    let server = MockServer::start(Config::default()).await?;
    let client = harvest_client::Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .token("e2e-token")
        .account_id(1)
        .user_agent("harvest-tests (dev@example.com)")
        .build()?;
    Ok(Env { server, client })
}

/// Waits until the mock's clock (whole seconds) has moved past every write so far, so the
/// next change gets a later `updated_at` than any yielded.
async fn next_second() {
    tokio::time::sleep(Duration::from_millis(1100)).await;
}

/// The next change of a watch, failing after [`WAIT`].
async fn next(stream: &mut WatchStream<Client>) -> Result<Change<Client>, BoxError> {
    Ok(tokio::time::timeout(WAIT, stream.next()).await?.ok_or("the watch ended")??)
}

/// Whether a watch stays quiet for `quiet`.
async fn stays_quiet(stream: &mut WatchStream<Client>, quiet: Duration) -> bool {
    tokio::time::timeout(quiet, stream.next()).await.is_err()
}

async fn create(env: &Env, name: &str) -> Result<i64, BoxError> {
    Ok(env.client.clients().create(CreateClientBody::new(name)).send().await?.id)
}

async fn rename(env: &Env, id: i64, name: &str) -> Result<(), BoxError> {
    env.client.clients().update(id, UpdateClientBody::new().name(name)).send().await?;
    Ok(())
}

#[tokio::test]
async fn watch_new_only_passes_over_updates() -> TestResult {
    let env = start().await?;
    let existing: Vec<Client> = env.client.clients().list().stream().try_collect().await?;
    let cp = checkpoint_after(&existing);
    let (old, other) = match existing.as_slice() {
        [a, b, ..] => (a.id, b.id),
        _ => return Err("the seed has fewer than two clients".into()),
    };
    rename(&env, old, "Renamed Ltd").await?;
    let fresh = create(&env, "Brand New Ltd").await?;
    rename(&env, other, "Renamed Too Ltd").await?;

    let mut new_only = env.client.clients().watch(POLL).mode(WatchMode::NewOnly).from_checkpoint(cp.clone()).stream();
    let change = next(&mut new_only).await?;
    assert_eq!((change.record.id, change.kind), (fresh, ChangeKind::Created));
    assert!(stays_quiet(&mut new_only, Duration::from_millis(300)).await, "updates are passed over");

    let all: Vec<Change<Client>> =
        tokio::time::timeout(WAIT, env.client.clients().watch(POLL).from_checkpoint(cp).stream().take(3).try_collect())
            .await??;
    let kinds: BTreeMap<i64, ChangeKind> = all.iter().map(|c| (c.record.id, c.kind)).collect();
    let expected =
        BTreeMap::from([(old, ChangeKind::Updated), (fresh, ChangeKind::Created), (other, ChangeKind::Updated)]);
    assert_eq!(kinds, expected, "all changes, each with its kind");
    Ok(())
}

#[tokio::test]
async fn watch_limit_spreads_changes_over_polls_without_loss() -> TestResult {
    let interval = Duration::from_millis(400);
    let env = start().await?;
    let existing: Vec<Client> = env.client.clients().list().stream().try_collect().await?;
    let cp = checkpoint_after(&existing);
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(create(&env, &format!("Batch {i} Ltd")).await?);
    }

    let mut watch = env.client.clients().watch(interval).limit(3).from_checkpoint(cp).stream();
    let mut seen: Vec<(Instant, Change<Client>)> = Vec::new();
    for _ in 0..3 {
        let change = next(&mut watch).await?;
        seen.push((Instant::now(), change));
    }
    // While the rest waits for later polls: one more record, and a change to one already yielded.
    next_second().await;
    let late = create(&env, "Late Ltd").await?;
    let first = created[0];
    rename(&env, first, "Batch 0 Renamed Ltd").await?;
    for _ in 3..9 {
        let change = next(&mut watch).await?;
        seen.push((Instant::now(), change));
    }
    assert!(stays_quiet(&mut watch, interval * 2).await, "nothing is yielded twice");

    let ids: Vec<i64> = seen.iter().map(|(_, c)| c.record.id).collect();
    assert_eq!(ids[..7], created[..], "the first seven in order, three per poll");
    assert!(seen[..7].iter().all(|(_, c)| c.kind == ChangeKind::Created));
    let rest: BTreeMap<i64, ChangeKind> = seen[7..].iter().map(|(_, c)| (c.record.id, c.kind)).collect();
    assert_eq!(rest, BTreeMap::from([(first, ChangeKind::Updated), (late, ChangeKind::Created)]));
    // A poll's changes come at once; the next poll's after the interval.
    let gap = |i: usize| seen[i].0.duration_since(seen[i - 1].0);
    for i in [3, 6, 7] {
        assert!(gap(i) >= interval, "change {i} opens a poll: {:?}", gap(i));
    }
    for i in [1, 2, 4, 5, 8] {
        assert!(gap(i) < interval, "change {i} belongs to the poll before it: {:?}", gap(i));
    }

    // Resuming from a checkpoint saved in the middle of a poll, new records only: the rest
    // of the batch and the late one, none of them taken for an update.
    let mid = seen[1].1.checkpoint.clone();
    let mut resumed = env.client.clients().watch(POLL).mode(WatchMode::NewOnly).from_checkpoint(mid).stream();
    let mut again = Vec::new();
    for _ in 0..6 {
        let change = next(&mut resumed).await?;
        assert_eq!(change.kind, ChangeKind::Created);
        again.push(change.record.id);
    }
    again.sort_unstable();
    let mut expected: Vec<i64> = created[2..].to_vec();
    expected.push(late);
    expected.sort_unstable();
    assert_eq!(again, expected);
    assert!(stays_quiet(&mut resumed, Duration::from_millis(300)).await);
    Ok(())
}

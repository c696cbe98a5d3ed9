//! Contracts of time entries: lists and filters, writes, timers, external references.

use chrono::Duration;
use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{Contract, Error, Outcome, date, dec, first, gone, ids, my_project_and_task};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "listTimeEntries" => list,
        "createTimeEntry" => create,
        "retrieveTimeEntry" => retrieve,
        "updateTimeEntry" => update,
        "deleteTimeEntry" => delete,
        "deleteTimeEntryExternalReference" => delete_external_reference,
        "restartStoppedTimeEntry" => restart,
        "stopRunningTimeEntry" => stop,
    ]
}

/// A stopped entry of the authenticated user, made for the contract.
async fn stopped_entry(env: &Env, notes: &str) -> Result<TimeEntry, Error> {
    let (project, task) = my_project_and_task(env).await?;
    let body = CreateTimeEntryBody::new(date(2026, 3, 2)?, project, task).hours(dec(15, 1)).notes(notes);
    Ok(env.client.time_entries().create(body).send().await?)
}

async fn list(env: &Env) -> Outcome {
    let user = first(env.client.time_entries().list().per_page(1).send().await?, "time entry")?.user.id;
    let pages: Vec<_> = env.client.time_entries().list().user_id(user).per_page(25).pages().try_collect().await?;
    let all: Vec<TimeEntry> = pages.iter().flat_map(|p| p.items.iter().cloned()).collect();
    let total = pages.first().and_then(|p| p.total_entries).ok_or("no total_entries")?;
    ensure_eq!(all.len() as u64, total, "records walked vs total_entries");
    ensure!(pages.len() > 2 && all.iter().all(|e| e.user.id == user), "user_id: {} pages", pages.len());
    for (i, page) in pages.iter().enumerate() {
        let n = i as u64 + 1;
        ensure_eq!((page.page, page.total_pages), (Some(n), Some(pages.len() as u64)), "page {n}");
        ensure_eq!(page.next_page, (n < pages.len() as u64).then_some(n + 1), "next_page of page {n}");
        ensure_eq!(page.previous_page, (n > 1).then(|| n - 1), "previous_page of page {n}");
    }
    let order = all.windows(2).find(|w| (w[0].spent_date, w[0].id) <= (w[1].spent_date, w[1].id));
    ensure!(order.is_none(), "not latest spent date first: {:?}", order.map(|w| (w[0].id, w[1].id)));
    let sample = all.get(all.len() / 2).ok_or("no time entries")?;
    let (from, to) = (sample.spent_date - Duration::days(30), sample.spent_date);
    let filtered: Vec<TimeEntry> = env
        .client
        .time_entries()
        .list()
        .user_id(user)
        .project_id(sample.project.id)
        .from(from)
        .to(to)
        .stream()
        .try_collect()
        .await?;
    let expected: Vec<i64> = all
        .iter()
        .filter(|e| e.project.id == sample.project.id && e.spent_date >= from && e.spent_date <= to)
        .map(|e| e.id)
        .collect();
    ensure_eq!(ids(&filtered), expected, "user_id, project_id and an inclusive from/to window");
    let billed: Vec<TimeEntry> =
        env.client.time_entries().list().user_id(user).is_billed(true).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|e| e.is_billed).map(|e| e.id).collect();
    ensure_eq!(ids(&billed), expected, "user_id with is_billed=true");
    Ok(())
}

async fn create(env: &Env) -> Outcome {
    let (project, task) = my_project_and_task(env).await?;
    let me = env.client.users().me().send().await?;
    let reference = ExternalReferenceInput::new().id("ISSUE-7").permalink("https://tracker.example/ISSUE-7");
    let body = CreateTimeEntryBody::new(date(2026, 3, 3)?, project, task)
        .hours(dec(275, 2))
        .notes("Pairing")
        .external_reference(reference);
    let created = env.client.time_entries().create(body).send().await?;
    ensure_eq!((created.project.id, created.task.id, created.user.id), (project, task, me.id), "refs (user = me)");
    ensure_eq!(
        (created.spent_date, created.hours, created.notes.as_deref()),
        (date(2026, 3, 3)?, dec(275, 2), Some("Pairing"))
    );
    ensure!(!created.is_running && created.timer_started_at.is_none(), "an entry with hours is stopped");
    let er = created.external_reference.as_ref().ok_or("the external reference was dropped")?;
    ensure_eq!((er.id.as_str(), er.permalink.as_str()), ("ISSUE-7", "https://tracker.example/ISSUE-7"));
    ensure_eq!(env.client.time_entries().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn retrieve(env: &Env) -> Outcome {
    let listed = first(env.client.time_entries().list().per_page(3).send().await?, "time entry")?;
    ensure_eq!(env.client.time_entries().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update(env: &Env) -> Outcome {
    let created = stopped_entry(env, "Before").await?;
    let body = UpdateTimeEntryBody::new().notes("Edited").hours(dec(3, 0)).spent_date(date(2026, 3, 4)?);
    let updated = env.client.time_entries().update(created.id, body).send().await?;
    ensure_eq!(updated.id, created.id);
    ensure_eq!(
        (updated.notes.as_deref(), updated.hours, updated.spent_date),
        (Some("Edited"), dec(3, 0), date(2026, 3, 4)?)
    );
    ensure_eq!((updated.project.id, updated.task.id), (created.project.id, created.task.id), "unsent fields stay");
    ensure_eq!(env.client.time_entries().get(created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete(env: &Env) -> Outcome {
    let created = stopped_entry(env, "Doomed").await?;
    env.client.time_entries().delete(created.id).send().await?;
    gone(env.client.time_entries().get(created.id).send().await, "deleted time entry")?;
    let left: Vec<TimeEntry> = env
        .client
        .time_entries()
        .list()
        .project_id(created.project.id)
        .from(created.spent_date)
        .to(created.spent_date)
        .stream()
        .try_collect()
        .await?;
    ensure!(!ids(&left).contains(&created.id), "the deleted entry is still listed");
    Ok(())
}

async fn delete_external_reference(env: &Env) -> Outcome {
    let (project, task) = my_project_and_task(env).await?;
    let reference = ExternalReferenceInput::new().id("CARD-1").permalink("https://board.example/CARD-1");
    let body =
        CreateTimeEntryBody::new(date(2026, 3, 5)?, project, task).hours(dec(1, 0)).external_reference(reference);
    let created = env.client.time_entries().create(body).send().await?;
    ensure!(created.external_reference.is_some(), "no reference to delete");
    let linked = env.client.time_entries().list().external_reference_id("CARD-1").send().await?;
    ensure_eq!(ids(&linked.items), vec![created.id], "external_reference_id finds the linked entry");
    env.client.time_entries().delete_external_reference(created.id).send().await?;
    let after = env.client.time_entries().get(created.id).send().await?;
    ensure_eq!(after.external_reference, None, "the reference is gone");
    ensure_eq!((after.hours, after.notes), (created.hours, created.notes), "nothing else changed");
    Ok(())
}

async fn restart(env: &Env) -> Outcome {
    let created = stopped_entry(env, "Again").await?;
    let restarted = env.client.time_entries().restart(created.id).send().await?;
    ensure_eq!(restarted.id, created.id);
    ensure!(restarted.is_running && restarted.timer_started_at.is_some(), "restart starts the timer");
    ensure_eq!(restarted.hours_without_timer, created.hours, "hours tracked before the restart");
    ensure!(env.client.time_entries().get(created.id).send().await?.is_running, "stored as running");
    Ok(())
}

async fn stop(env: &Env) -> Outcome {
    let (project, task) = my_project_and_task(env).await?;
    let body = CreateTimeEntryBody::new(date(2026, 3, 6)?, project, task);
    let running = env.client.time_entries().create(body).send().await?;
    ensure!(running.is_running, "an entry without hours starts a timer");
    let stopped = env.client.time_entries().stop(running.id).send().await?;
    ensure_eq!(stopped.id, running.id);
    ensure!(!stopped.is_running && stopped.timer_started_at.is_none(), "stop stops the timer");
    ensure!(stopped.hours >= running.hours, "stopping lost hours");
    let page = env.client.time_entries().list().is_running(true).send().await?;
    ensure!(!ids(&page.items).contains(&running.id), "still listed as running");
    Ok(())
}

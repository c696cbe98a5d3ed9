//! Every action of the no-code platform's Harvest module (`shared/seeds/000_*.txt`),
//! performed through the generated client against the mock server, each checking
//! the data that comes back. README.md maps each action to its client call. Connecting
//! through OAuth, the watch modes and expense receipts have modules of their own.

use std::time::Duration;

use chrono::NaiveDate;
use futures_util::{StreamExt, TryStreamExt};
use harvest_client::models::*;
use harvest_client::runtime::{Checkpoint, Method, Record, StatusCode, Watch};
use harvest_tests::{Env, TestResult, start};
use rust_decimal::Decimal;

#[path = "seed_platform_actions/oauth.rs"]
mod oauth;
#[path = "seed_platform_actions/receipts.rs"]
mod receipts;
#[path = "seed_platform_actions/watch_modes.rs"]
mod watch_modes;

const POLL: Duration = Duration::from_millis(20);
const WAIT: Duration = Duration::from_secs(10);

fn day(s: &str) -> Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
}

/// A checkpoint past every record listed now, so a watch resumed from it sees only later changes.
fn checkpoint_after<T: Record>(records: &[T]) -> Checkpoint {
    let mut cp = Checkpoint::default();
    for r in records {
        cp.advance(r.id(), r.updated_at());
    }
    cp
}

/// The id of the next record a watch resumed from `checkpoint` yields.
async fn next_watched<T>(
    watch: Watch<T>,
    checkpoint: Checkpoint,
) -> Result<Option<i64>, Box<dyn std::error::Error + Send + Sync>>
where
    T: Record + serde::de::DeserializeOwned + Send + Unpin + 'static,
{
    let mut stream = watch.from_checkpoint(checkpoint).stream();
    let change = tokio::time::timeout(WAIT, stream.next()).await?.transpose()?;
    Ok(change.map(|c| c.record.id()))
}

/// A project the authenticated user is assigned to, with one of its tasks: where a
/// real integration tracks time.
async fn project_and_task(env: &Env) -> Result<(i64, i64), Box<dyn std::error::Error + Send + Sync>> {
    let mine: Vec<ProjectAssignment> = env.client.users().my_project_assignments().stream().try_collect().await?;
    let pa = mine
        .into_iter()
        .find(|pa| !pa.task_assignments.is_empty())
        .ok_or("the seeded user has no project with tasks")?;
    let task = pa.task_assignments.first().ok_or("no task")?.task.id;
    Ok((pa.project.id, task))
}

// ---- clients ----

#[tokio::test]
async fn clients_watch() -> TestResult {
    let env = start().await?;
    let existing: Vec<Client> = env.client.clients().list().stream().try_collect().await?;
    let cp = checkpoint_after(&existing);
    let created = env.client.clients().create(CreateClientBody::new("Watched Ltd")).send().await?;
    assert_eq!(next_watched(env.client.clients().watch(POLL), cp).await?, Some(created.id));
    Ok(())
}

#[tokio::test]
async fn clients_list_active_and_updated_since() -> TestResult {
    let env = start().await?;
    let all: Vec<Client> = env.client.clients().list().stream().try_collect().await?;
    assert!(!all.is_empty());
    let active: Vec<Client> = env.client.clients().list().is_active(true).stream().try_collect().await?;
    assert!(active.iter().all(|c| c.is_active));
    assert_eq!(active.len(), all.iter().filter(|c| c.is_active).count());
    assert!(!active.is_empty() && active.len() < all.len(), "the seed has active and archived clients");
    let newest = all.iter().map(|c| c.updated_at).max().ok_or("no clients")?;
    let recent: Vec<Client> = env.client.clients().list().updated_since(newest).stream().try_collect().await?;
    assert!(!recent.is_empty() && recent.iter().all(|c| c.updated_at >= newest));
    Ok(())
}

#[tokio::test]
async fn clients_get() -> TestResult {
    let env = start().await?;
    let first = env.client.clients().list().per_page(1).send().await?.items.into_iter().next().ok_or("no client")?;
    let got = env.client.clients().get(first.id).send().await?;
    assert_eq!((got.id, got.name.as_str()), (first.id, first.name.as_str()));
    Ok(())
}

#[tokio::test]
async fn clients_create() -> TestResult {
    let env = start().await?;
    let body = CreateClientBody::new("Initech").address("4120 Freidrich Lane\nAustin, TX").currency("EUR");
    let created = env.client.clients().create(body).send().await?;
    assert_eq!(created.name, "Initech");
    assert_eq!(created.address.as_deref(), Some("4120 Freidrich Lane\nAustin, TX"));
    assert_eq!(created.currency, "EUR");
    assert!(created.is_active, "clients are active unless archived");
    Ok(())
}

#[tokio::test]
async fn clients_update() -> TestResult {
    let env = start().await?;
    let created = env.client.clients().create(CreateClientBody::new("Hooli")).send().await?;
    let updated = env
        .client
        .clients()
        .update(created.id, UpdateClientBody::new().name("Hooli XYZ").is_active(false))
        .send()
        .await?;
    assert_eq!((updated.name.as_str(), updated.is_active), ("Hooli XYZ", false));
    assert!(updated.updated_at >= created.updated_at);
    Ok(())
}

#[tokio::test]
async fn clients_delete() -> TestResult {
    let env = start().await?;
    let created = env.client.clients().create(CreateClientBody::new("Short-lived")).send().await?;
    env.client.clients().delete(created.id).send().await?;
    let err = env.client.clients().get(created.id).send().await.err().ok_or("deleted client is still there")?;
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    Ok(())
}

// ---- contacts ----

#[tokio::test]
async fn contacts_watch() -> TestResult {
    let env = start().await?;
    let existing: Vec<Contact> = env.client.contacts().list().stream().try_collect().await?;
    let client_id = existing.first().ok_or("no contacts")?.client.id;
    let cp = checkpoint_after(&existing);
    let created = env.client.contacts().create(CreateContactBody::new(client_id, "Wanda")).send().await?;
    assert_eq!(next_watched(env.client.contacts().watch(POLL), cp).await?, Some(created.id));
    Ok(())
}

#[tokio::test]
async fn contacts_list_by_client() -> TestResult {
    let env = start().await?;
    let all: Vec<Contact> = env.client.contacts().list().stream().try_collect().await?;
    let client_id = all.first().ok_or("no contacts")?.client.id;
    let theirs: Vec<Contact> = env.client.contacts().list().client_id(client_id).stream().try_collect().await?;
    assert_eq!(theirs.len(), all.iter().filter(|c| c.client.id == client_id).count());
    assert!(theirs.iter().all(|c| c.client.id == client_id));
    Ok(())
}

#[tokio::test]
async fn contacts_get() -> TestResult {
    let env = start().await?;
    let first = env.client.contacts().list().per_page(1).send().await?.items.into_iter().next().ok_or("no contact")?;
    let got = env.client.contacts().get(first.id).send().await?;
    assert_eq!((got.id, &got.first_name, got.client.id), (first.id, &first.first_name, first.client.id));
    Ok(())
}

#[tokio::test]
async fn contacts_create() -> TestResult {
    let env = start().await?;
    let client = env.client.clients().create(CreateClientBody::new("Umbrella")).send().await?;
    let body = CreateContactBody::new(client.id, "Alice").last_name("Smith").email("alice@umbrella.test");
    let created = env.client.contacts().create(body).send().await?;
    assert_eq!(created.client.id, client.id);
    assert_eq!(created.client.name, "Umbrella", "the embedded client carries its name");
    assert_eq!(created.email.as_deref(), Some("alice@umbrella.test"));
    Ok(())
}

#[tokio::test]
async fn contacts_update() -> TestResult {
    let env = start().await?;
    let first = env.client.contacts().list().per_page(1).send().await?.items.into_iter().next().ok_or("no contact")?;
    let updated = env.client.contacts().update(first.id, UpdateContactBody::new().title("CFO")).send().await?;
    assert_eq!(updated.title.as_deref(), Some("CFO"));
    assert_eq!(updated.first_name, first.first_name, "fields not sent stay as they were");
    Ok(())
}

#[tokio::test]
async fn contacts_delete() -> TestResult {
    let env = start().await?;
    let first = env.client.contacts().list().per_page(1).send().await?.items.into_iter().next().ok_or("no contact")?;
    env.client.contacts().delete(first.id).send().await?;
    assert_eq!(
        env.client.contacts().get(first.id).send().await.err().and_then(|e| e.status()),
        Some(StatusCode::NOT_FOUND)
    );
    Ok(())
}

// ---- projects ----

#[tokio::test]
async fn projects_watch() -> TestResult {
    let env = start().await?;
    let existing: Vec<Project> = env.client.projects().list().stream().try_collect().await?;
    let client_id = existing.first().ok_or("no projects")?.client.id;
    let cp = checkpoint_after(&existing);
    let created = env.client.projects().create(CreateProjectBody::new(client_id, "Watched project")).send().await?;
    assert_eq!(next_watched(env.client.projects().watch(POLL), cp).await?, Some(created.id));
    Ok(())
}

#[tokio::test]
async fn projects_list_by_client_and_state() -> TestResult {
    let env = start().await?;
    let all: Vec<Project> = env.client.projects().list().stream().try_collect().await?;
    // A client with both active and archived projects, so both filters have something to drop.
    let client_id = all
        .iter()
        .map(|p| p.client.id)
        .find(|c| {
            let theirs = all.iter().filter(|p| p.client.id == *c);
            theirs.clone().any(|p| p.is_active) && theirs.clone().any(|p| !p.is_active)
        })
        .ok_or("no client with both active and archived projects")?;
    let filtered: Vec<Project> =
        env.client.projects().list().client_id(client_id).is_active(true).stream().try_collect().await?;
    assert!(!filtered.is_empty());
    assert!(filtered.iter().all(|p| p.client.id == client_id && p.is_active));
    assert_eq!(filtered.len(), all.iter().filter(|p| p.client.id == client_id && p.is_active).count());
    Ok(())
}

#[tokio::test]
async fn projects_get() -> TestResult {
    let env = start().await?;
    let first = env.client.projects().list().per_page(1).send().await?.items.into_iter().next().ok_or("no project")?;
    let got = env.client.projects().get(first.id).send().await?;
    assert_eq!((got.id, &got.name, got.client.id), (first.id, &first.name, first.client.id));
    Ok(())
}

#[tokio::test]
async fn projects_create() -> TestResult {
    let env = start().await?;
    let client = env.client.clients().create(CreateClientBody::new("E Corp")).send().await?;
    let body = CreateProjectBody::new(client.id, "Website").code("WEB").notes("Fixed fee");
    let created = env.client.projects().create(body).send().await?;
    assert_eq!((created.client.id, created.client.name.as_str()), (client.id, "E Corp"));
    assert_eq!(created.code.as_deref(), Some("WEB"));
    assert!(created.is_active);
    Ok(())
}

#[tokio::test]
async fn projects_update() -> TestResult {
    let env = start().await?;
    let first = env.client.projects().list().per_page(1).send().await?.items.into_iter().next().ok_or("no project")?;
    let updated = env
        .client
        .projects()
        .update(first.id, UpdateProjectBody::new().name("Renamed").is_active(false))
        .send()
        .await?;
    assert_eq!((updated.name.as_str(), updated.is_active), ("Renamed", false));
    Ok(())
}

#[tokio::test]
async fn projects_delete_also_deletes_their_time_entries() -> TestResult {
    let env = start().await?;
    let (project_id, _) = project_and_task(&env).await?;
    let before: Vec<TimeEntry> = env.client.time_entries().list().project_id(project_id).stream().try_collect().await?;
    env.client.projects().delete(project_id).send().await?;
    assert_eq!(
        env.client.projects().get(project_id).send().await.err().and_then(|e| e.status()),
        Some(StatusCode::NOT_FOUND)
    );
    let after: Vec<TimeEntry> = env.client.time_entries().list().project_id(project_id).stream().try_collect().await?;
    assert!(after.is_empty(), "{} of {} time entries survived", after.len(), before.len());
    Ok(())
}

// ---- tasks ----

#[tokio::test]
async fn tasks_watch() -> TestResult {
    let env = start().await?;
    let existing: Vec<Task> = env.client.tasks().list().stream().try_collect().await?;
    let cp = checkpoint_after(&existing);
    let created = env.client.tasks().create(CreateTaskBody::new("Watched task")).send().await?;
    assert_eq!(next_watched(env.client.tasks().watch(POLL), cp).await?, Some(created.id));
    Ok(())
}

#[tokio::test]
async fn tasks_list() -> TestResult {
    let env = start().await?;
    let all: Vec<Task> = env.client.tasks().list().stream().try_collect().await?;
    let active: Vec<Task> = env.client.tasks().list().is_active(true).stream().try_collect().await?;
    assert!(!active.is_empty() && active.len() < all.len(), "the seed has active and archived tasks");
    assert_eq!(active.len(), all.iter().filter(|t| t.is_active).count());
    Ok(())
}

#[tokio::test]
async fn tasks_get() -> TestResult {
    let env = start().await?;
    let first = env.client.tasks().list().per_page(1).send().await?.items.into_iter().next().ok_or("no task")?;
    assert_eq!(env.client.tasks().get(first.id).send().await?.name, first.name);
    Ok(())
}

#[tokio::test]
async fn tasks_create() -> TestResult {
    let env = start().await?;
    let created = env.client.tasks().create(CreateTaskBody::new("Research")).send().await?;
    assert_eq!(created.name, "Research");
    assert!(created.billable_by_default && created.is_active && !created.is_default, "documented defaults");
    Ok(())
}

#[tokio::test]
async fn tasks_update() -> TestResult {
    let env = start().await?;
    let created = env.client.tasks().create(CreateTaskBody::new("Draft")).send().await?;
    let updated = env
        .client
        .tasks()
        .update(created.id, UpdateTaskBody::new().name("Final").billable_by_default(false))
        .send()
        .await?;
    assert_eq!((updated.name.as_str(), updated.billable_by_default), ("Final", false));
    Ok(())
}

#[tokio::test]
async fn tasks_delete() -> TestResult {
    let env = start().await?;
    let created = env.client.tasks().create(CreateTaskBody::new("Unused")).send().await?;
    env.client.tasks().delete(created.id).send().await?;
    assert_eq!(
        env.client.tasks().get(created.id).send().await.err().and_then(|e| e.status()),
        Some(StatusCode::NOT_FOUND)
    );
    let (_, used_task) = project_and_task(&env).await?;
    let used = env.client.time_entries().list().task_id(used_task).per_page(1).send().await?;
    if !used.items.is_empty() {
        let err =
            env.client.tasks().delete(used_task).send().await.err().ok_or("a task with time entries was deleted")?;
        assert_eq!(err.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    }
    Ok(())
}

// ---- time entries ----

#[tokio::test]
async fn time_entries_watch() -> TestResult {
    let env = start().await?;
    let existing: Vec<TimeEntry> = env.client.time_entries().list().stream().try_collect().await?;
    let cp = checkpoint_after(&existing);
    let (project, task) = project_and_task(&env).await?;
    let body = CreateTimeEntryBody::new(day("2026-11-02")?, project, task).hours(Decimal::new(15, 1));
    let created = env.client.time_entries().create(body).send().await?;
    assert_eq!(next_watched(env.client.time_entries().watch(POLL), cp).await?, Some(created.id));
    Ok(())
}

#[tokio::test]
async fn time_entries_list_with_filters() -> TestResult {
    let env = start().await?;
    let (project, _) = project_and_task(&env).await?;
    // The last 120 days on the mock's clock: the seed has entries inside and outside it.
    let to = harvest_tests::test_now().date_naive();
    let from = to - chrono::Duration::days(120);
    let all: Vec<TimeEntry> = env.client.time_entries().list().project_id(project).stream().try_collect().await?;
    let entries: Vec<TimeEntry> =
        env.client.time_entries().list().project_id(project).from(from).to(to).stream().try_collect().await?;
    assert!(!entries.is_empty() && entries.len() < all.len(), "{} of {} entries", entries.len(), all.len());
    assert!(entries.iter().all(|e| e.project.id == project && e.spent_date >= from && e.spent_date <= to));
    assert_eq!(entries.len(), all.iter().filter(|e| e.spent_date >= from && e.spent_date <= to).count());
    let dates: Vec<NaiveDate> = entries.iter().map(|e| e.spent_date).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "most recent spent_date first");
    Ok(())
}

#[tokio::test]
async fn time_entries_get() -> TestResult {
    let env = start().await?;
    let first =
        env.client.time_entries().list().per_page(1).send().await?.items.into_iter().next().ok_or("no entry")?;
    let got = env.client.time_entries().get(first.id).send().await?;
    assert_eq!((got.id, got.hours, got.project.id), (first.id, first.hours, first.project.id));
    Ok(())
}

#[tokio::test]
async fn time_entries_create_with_and_without_hours() -> TestResult {
    let env = start().await?;
    let (project, task) = project_and_task(&env).await?;
    let stopped = env
        .client
        .time_entries()
        .create(
            CreateTimeEntryBody::new(day("2026-11-03")?, project, task).hours(Decimal::new(225, 2)).notes("Planning"),
        )
        .send()
        .await?;
    assert_eq!((stopped.hours, stopped.is_running), (Decimal::new(225, 2), false));
    assert_eq!((stopped.project.id, stopped.task.id), (project, task));
    assert_eq!(stopped.notes.as_deref(), Some("Planning"));
    let running =
        env.client.time_entries().create(CreateTimeEntryBody::new(day("2026-11-03")?, project, task)).send().await?;
    assert!(running.is_running, "no hours starts a timer");
    Ok(())
}

#[tokio::test]
async fn time_entries_update() -> TestResult {
    let env = start().await?;
    let first =
        env.client.time_entries().list().per_page(1).send().await?.items.into_iter().next().ok_or("no entry")?;
    let updated = env
        .client
        .time_entries()
        .update(first.id, UpdateTimeEntryBody::new().notes("Edited").hours(Decimal::new(3, 0)))
        .send()
        .await?;
    assert_eq!((updated.notes.as_deref(), updated.hours), (Some("Edited"), Decimal::new(3, 0)));
    Ok(())
}

#[tokio::test]
async fn time_entries_delete() -> TestResult {
    let env = start().await?;
    let first =
        env.client.time_entries().list().per_page(1).send().await?.items.into_iter().next().ok_or("no entry")?;
    env.client.time_entries().delete(first.id).send().await?;
    assert_eq!(
        env.client.time_entries().get(first.id).send().await.err().and_then(|e| e.status()),
        Some(StatusCode::NOT_FOUND)
    );
    Ok(())
}

// ---- expenses ----

async fn expense_category(env: &Env) -> Result<i64, Box<dyn std::error::Error + Send + Sync>> {
    let page = env.client.expense_categories().list().is_active(true).per_page(1).send().await?;
    Ok(page.items.first().ok_or("no expense category")?.id)
}

#[tokio::test]
async fn expenses_watch() -> TestResult {
    let env = start().await?;
    let existing: Vec<Expense> = env.client.expenses().list().stream().try_collect().await?;
    let cp = checkpoint_after(&existing);
    let (project, _) = project_and_task(&env).await?;
    let body = CreateExpenseBody::new(project, expense_category(&env).await?, day("2026-11-04")?)
        .total_cost(Decimal::new(4200, 2));
    let created = env.client.expenses().create(body).send().await?;
    assert_eq!(next_watched(env.client.expenses().watch(POLL), cp).await?, Some(created.id));
    Ok(())
}

#[tokio::test]
async fn expenses_list() -> TestResult {
    let env = start().await?;
    let all: Vec<Expense> = env.client.expenses().list().stream().try_collect().await?;
    let billed: Vec<Expense> = env.client.expenses().list().is_billed(false).stream().try_collect().await?;
    assert!(!all.is_empty());
    assert_eq!(billed.len(), all.iter().filter(|e| !e.is_billed).count());
    Ok(())
}

#[tokio::test]
async fn expenses_get() -> TestResult {
    let env = start().await?;
    let first = env.client.expenses().list().per_page(1).send().await?.items.into_iter().next().ok_or("no expense")?;
    let got = env.client.expenses().get(first.id).send().await?;
    assert_eq!(
        (got.id, got.total_cost, got.expense_category.id),
        (first.id, first.total_cost, first.expense_category.id)
    );
    Ok(())
}

#[tokio::test]
async fn expenses_create() -> TestResult {
    let env = start().await?;
    let (project, _) = project_and_task(&env).await?;
    let category = expense_category(&env).await?;
    let body =
        CreateExpenseBody::new(project, category, day("2026-11-05")?).total_cost(Decimal::new(1999, 2)).notes("Taxi");
    let created = env.client.expenses().create(body).send().await?;
    assert_eq!((created.project.id, created.expense_category.id), (project, category));
    assert_eq!(created.notes.as_deref(), Some("Taxi"));
    Ok(())
}

#[tokio::test]
async fn expenses_update() -> TestResult {
    let env = start().await?;
    let first = env.client.expenses().list().per_page(1).send().await?.items.into_iter().next().ok_or("no expense")?;
    let updated = env.client.expenses().update(first.id, UpdateExpenseBody::new().notes("Hotel")).send().await?;
    assert_eq!(updated.notes.as_deref(), Some("Hotel"));
    Ok(())
}

#[tokio::test]
async fn expenses_delete() -> TestResult {
    let env = start().await?;
    let first = env.client.expenses().list().per_page(1).send().await?.items.into_iter().next().ok_or("no expense")?;
    env.client.expenses().delete(first.id).send().await?;
    assert_eq!(
        env.client.expenses().get(first.id).send().await.err().and_then(|e| e.status()),
        Some(StatusCode::NOT_FOUND)
    );
    Ok(())
}

// ---- invoices and payments ----

fn line(kind: &str, quantity: i64, unit_price: i64) -> InvoiceLineItemInput {
    InvoiceLineItemInput::new().kind(kind).unit_price(Decimal::new(unit_price, 0)).quantity(Decimal::new(quantity, 0))
}

fn taxed(item: InvoiceLineItemInput) -> InvoiceLineItemInput {
    item.taxed(true)
}

#[tokio::test]
async fn invoices_watch() -> TestResult {
    let env = start().await?;
    let existing: Vec<Invoice> = env.client.invoices().list().stream().try_collect().await?;
    let cp = checkpoint_after(&existing);
    let client = env.client.clients().list().per_page(1).send().await?.items.into_iter().next().ok_or("no client")?;
    let created = env.client.invoices().create(CreateInvoiceBody::new(client.id)).send().await?;
    assert_eq!(next_watched(env.client.invoices().watch(POLL), cp).await?, Some(created.id));
    Ok(())
}

#[tokio::test]
async fn invoices_list_by_state() -> TestResult {
    let env = start().await?;
    let all: Vec<Invoice> = env.client.invoices().list().stream().try_collect().await?;
    let drafts: Vec<Invoice> = env.client.invoices().list().state(InvoiceState::Draft).stream().try_collect().await?;
    assert_eq!(drafts.len(), all.iter().filter(|i| i.state == InvoiceState::Draft).count());
    Ok(())
}

#[tokio::test]
async fn invoices_get() -> TestResult {
    let env = start().await?;
    let first = env.client.invoices().list().per_page(1).send().await?.items.into_iter().next().ok_or("no invoice")?;
    let got = env.client.invoices().get(first.id).send().await?;
    assert_eq!((got.id, got.amount, got.line_items.len()), (first.id, first.amount, first.line_items.len()));
    Ok(())
}

#[tokio::test]
async fn invoices_create_computes_amounts_from_line_items() -> TestResult {
    let env = start().await?;
    let client = env.client.clients().list().per_page(1).send().await?.items.into_iter().next().ok_or("no client")?;
    let body = CreateInvoiceBody::new(client.id)
        .tax(Decimal::new(10, 0))
        .line_items(vec![taxed(line("Service", 2, 100)), line("Product", 1, 50)]);
    let created = env.client.invoices().create(body).send().await?;
    assert_eq!(created.line_items.len(), 2);
    assert_eq!(created.amount, Decimal::new(270, 0), "250 of items plus 10% tax on the taxed 200");
    assert_eq!(created.due_amount, created.amount);
    assert_eq!(created.state, InvoiceState::Draft);
    Ok(())
}

#[tokio::test]
async fn invoices_update() -> TestResult {
    let env = start().await?;
    let client = env.client.clients().list().per_page(1).send().await?.items.into_iter().next().ok_or("no client")?;
    let created = env
        .client
        .invoices()
        .create(CreateInvoiceBody::new(client.id).line_items(vec![line("Service", 1, 100)]))
        .send()
        .await?;
    let updated =
        env.client.invoices().update(created.id, UpdateInvoiceBody::new().subject("October work")).send().await?;
    assert_eq!(updated.subject.as_deref(), Some("October work"));
    assert_eq!(updated.amount, created.amount);
    Ok(())
}

#[tokio::test]
async fn invoices_delete() -> TestResult {
    let env = start().await?;
    let client = env.client.clients().list().per_page(1).send().await?.items.into_iter().next().ok_or("no client")?;
    let created = env.client.invoices().create(CreateInvoiceBody::new(client.id)).send().await?;
    env.client.invoices().delete(created.id).send().await?;
    assert_eq!(
        env.client.invoices().get(created.id).send().await.err().and_then(|e| e.status()),
        Some(StatusCode::NOT_FOUND)
    );
    Ok(())
}

async fn open_invoice(env: &Env, amount: i64) -> Result<Invoice, Box<dyn std::error::Error + Send + Sync>> {
    let client = env.client.clients().list().per_page(1).send().await?.items.into_iter().next().ok_or("no client")?;
    let invoice = env
        .client
        .invoices()
        .create(CreateInvoiceBody::new(client.id).line_items(vec![line("Service", 1, amount)]))
        .send()
        .await?;
    env.client
        .invoice_messages()
        .create(invoice.id, CreateInvoiceMessageBody::new().event_type(InvoiceMessageEvent::Send))
        .send()
        .await?;
    Ok(env.client.invoices().get(invoice.id).send().await?)
}

#[tokio::test]
async fn invoice_payments_create_lowers_due_amount_and_settles() -> TestResult {
    let env = start().await?;
    let invoice = open_invoice(&env, 300).await?;
    assert_eq!(invoice.state, InvoiceState::Open);
    let paid = env
        .client
        .invoice_payments()
        .create(invoice.id, CreateInvoicePaymentBody::new(Decimal::new(100, 0)))
        .send()
        .await?;
    assert_eq!(paid.amount, Decimal::new(100, 0));
    assert_eq!(env.client.invoices().get(invoice.id).send().await?.due_amount, Decimal::new(200, 0));
    env.client
        .invoice_payments()
        .create(invoice.id, CreateInvoicePaymentBody::new(Decimal::new(200, 0)))
        .send()
        .await?;
    let settled = env.client.invoices().get(invoice.id).send().await?;
    assert_eq!((settled.due_amount, settled.state), (Decimal::ZERO, InvoiceState::Paid));
    Ok(())
}

#[tokio::test]
async fn invoice_payments_list() -> TestResult {
    let env = start().await?;
    let invoice = open_invoice(&env, 90).await?;
    let paid = env
        .client
        .invoice_payments()
        .create(invoice.id, CreateInvoicePaymentBody::new(Decimal::new(40, 0)))
        .send()
        .await?;
    let payments: Vec<InvoicePayment> = env.client.invoice_payments().list(invoice.id).stream().try_collect().await?;
    assert_eq!(payments.iter().map(|p| p.id).collect::<Vec<_>>(), vec![paid.id]);
    Ok(())
}

#[tokio::test]
async fn invoice_payments_delete_restores_due_amount() -> TestResult {
    let env = start().await?;
    let invoice = open_invoice(&env, 80).await?;
    let paid = env
        .client
        .invoice_payments()
        .create(invoice.id, CreateInvoicePaymentBody::new(Decimal::new(80, 0)))
        .send()
        .await?;
    env.client.invoice_payments().delete(invoice.id, paid.id).send().await?;
    let after = env.client.invoices().get(invoice.id).send().await?;
    assert_eq!((after.due_amount, after.state), (Decimal::new(80, 0), InvoiceState::Open));
    Ok(())
}

// ---- users ----

#[tokio::test]
async fn users_watch() -> TestResult {
    let env = start().await?;
    let existing: Vec<User> = env.client.users().list().stream().try_collect().await?;
    let cp = checkpoint_after(&existing);
    let created = env.client.users().create(CreateUserBody::new("Wes", "Watcher", "wes@watch.test")).send().await?;
    assert_eq!(next_watched(env.client.users().watch(POLL), cp).await?, Some(created.id));
    Ok(())
}

#[tokio::test]
async fn users_list() -> TestResult {
    let env = start().await?;
    let all: Vec<User> = env.client.users().list().stream().try_collect().await?;
    let active: Vec<User> = env.client.users().list().is_active(true).stream().try_collect().await?;
    assert_eq!(active.len(), all.iter().filter(|u| u.is_active).count());
    Ok(())
}

#[tokio::test]
async fn users_get_and_me() -> TestResult {
    let env = start().await?;
    let me = env.client.users().me().send().await?;
    let got = env.client.users().get(me.id).send().await?;
    assert_eq!((got.id, &got.email), (me.id, &me.email));
    Ok(())
}

#[tokio::test]
async fn users_create() -> TestResult {
    let env = start().await?;
    let created = env
        .client
        .users()
        .create(CreateUserBody::new("Grace", "Hopper", "grace@navy.test").is_contractor(true))
        .send()
        .await?;
    assert_eq!(
        (created.first_name.as_str(), created.email.as_str(), created.is_contractor),
        ("Grace", "grace@navy.test", true)
    );
    assert_eq!(created.weekly_capacity, 126_000, "35 hours by default");
    Ok(())
}

#[tokio::test]
async fn users_update() -> TestResult {
    let env = start().await?;
    let created = env.client.users().create(CreateUserBody::new("Ada", "King", "ada@engine.test")).send().await?;
    let updated = env.client.users().update(created.id, UpdateUserBody::new().last_name("Lovelace")).send().await?;
    assert_eq!(updated.last_name, "Lovelace");
    Ok(())
}

#[tokio::test]
async fn users_delete() -> TestResult {
    let env = start().await?;
    let created = env.client.users().create(CreateUserBody::new("Temp", "User", "temp@user.test")).send().await?;
    env.client.users().delete(created.id).send().await?;
    assert_eq!(
        env.client.users().get(created.id).send().await.err().and_then(|e| e.status()),
        Some(StatusCode::NOT_FOUND)
    );
    Ok(())
}

// ---- assignments ----

#[tokio::test]
async fn task_assignments_list_for_project() -> TestResult {
    let env = start().await?;
    let (project, _) = project_and_task(&env).await?;
    let theirs: Vec<TaskAssignment> =
        env.client.task_assignments().list_for_project(project).stream().try_collect().await?;
    assert!(!theirs.is_empty() && theirs.iter().all(|ta| ta.project.id == project));
    Ok(())
}

#[tokio::test]
async fn task_assignments_get() -> TestResult {
    let env = start().await?;
    let first =
        env.client.task_assignments().list().per_page(1).send().await?.items.into_iter().next().ok_or("none")?;
    let got = env.client.task_assignments().get(first.project.id, first.id).send().await?;
    assert_eq!((got.id, got.task.id), (first.id, first.task.id));
    Ok(())
}

#[tokio::test]
async fn user_assignments_list_by_user() -> TestResult {
    let env = start().await?;
    let all: Vec<UserAssignment> = env.client.user_assignments().list().stream().try_collect().await?;
    let user = all.first().ok_or("no user assignments")?.user.id;
    let theirs: Vec<UserAssignment> = env.client.user_assignments().list().user_id(user).stream().try_collect().await?;
    assert_eq!(theirs.len(), all.iter().filter(|ua| ua.user.id == user).count());
    Ok(())
}

#[tokio::test]
async fn user_assignments_get() -> TestResult {
    let env = start().await?;
    let first =
        env.client.user_assignments().list().per_page(1).send().await?.items.into_iter().next().ok_or("none")?;
    let got = env.client.user_assignments().get(first.project.id, first.id).send().await?;
    assert_eq!((got.id, got.user.id), (first.id, first.user.id));
    Ok(())
}

// ---- the free-form API call ----

#[tokio::test]
async fn make_an_api_call() -> TestResult {
    let env = start().await?;
    let page: serde_json::Value =
        env.client.raw(Method::GET, "/time_entries").query(&[("per_page", "3")]).send_json().await?;
    assert_eq!(page["per_page"], 3);
    assert_eq!(page["time_entries"].as_array().map(Vec::len), Some(3));
    let created: serde_json::Value =
        env.client.raw(Method::POST, "/tasks").json(&serde_json::json!({"name": "Raw task"})).send_json().await?;
    assert_eq!(created["name"], "Raw task");
    Ok(())
}

//! What every contract shares: its type, errors and small checks.

use std::future::Future;
use std::pin::Pin;

use chrono::{Duration, NaiveDate};
use futures_util::TryStreamExt;
use harvest_client::Page;
use harvest_client::runtime::{Record, StatusCode};
use harvest_tests::Env;
use rust_decimal::Decimal;

/// Any failure of a contract.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// The result of a contract.
pub type Outcome = Result<(), Error>;
/// A contract's future, borrowing the environment it runs in.
pub type Run<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;

/// One operation's contract: a call through the generated client and checks on
/// the decoded answer.
pub struct Contract {
    /// The spec's operation id (`listClients`).
    pub op: &'static str,
    /// The contract itself.
    pub run: for<'a> fn(&'a Env) -> Run<'a>,
}

/// The first record of a page, or an error naming what was listed.
pub fn first<T>(page: Page<T>, what: &str) -> Result<T, Error> {
    page.items.into_iter().next().ok_or_else(|| format!("no {what} listed").into())
}

/// Checks that a call failed with a 404 (the record is gone or out of scope).
pub fn gone<T: std::fmt::Debug>(result: Result<T, harvest_client::Error>, what: &str) -> Outcome {
    match result {
        Err(e) if e.status() == Some(StatusCode::NOT_FOUND) => Ok(()),
        Err(e) => Err(format!("{what}: expected a 404, got {e}").into()),
        Ok(v) => Err(format!("{what}: expected a 404, got {v:?}").into()),
    }
}

/// Checks that a call was refused with a 422 carrying a message.
pub fn refused<T: std::fmt::Debug>(result: Result<T, harvest_client::Error>, what: &str) -> Outcome {
    match result {
        Err(e) if e.status() == Some(StatusCode::UNPROCESSABLE_ENTITY) => match e.api_error().and_then(|b| b.text()) {
            Some(m) if !m.is_empty() => Ok(()),
            _ => Err(format!("{what}: a 422 without a message: {e}").into()),
        },
        Err(e) => Err(format!("{what}: expected a 422, got {e}").into()),
        Ok(v) => Err(format!("{what}: expected a 422, got {v:?}").into()),
    }
}

/// The ids of some records, in order.
pub fn ids<T: Record>(records: &[T]) -> Vec<i64> {
    records.iter().map(Record::id).collect()
}

/// Checks that ids are strictly descending: newest first, no record twice.
pub fn newest_first(ids: &[i64], what: &str) -> Outcome {
    match ids.windows(2).find(|w| w[0] <= w[1]) {
        Some(w) => Err(format!("{what}: {} is listed before {}", w[0], w[1]).into()),
        None => Ok(()),
    }
}

/// Checks a list envelope: `total_entries` is the number of records a full walk
/// yields, `total_pages` fits `per_page`, and the first page is full or complete.
pub fn envelope_agrees<T>(page: &Page<T>, walked: usize, what: &str) -> Outcome {
    let per_page = page.per_page.ok_or_else(|| format!("{what}: no per_page"))?;
    ensure_eq!(page.total_entries, Some(walked as u64), "{what}: total_entries vs records walked");
    ensure_eq!(page.total_pages, Some((walked as u64).div_ceil(per_page).max(1)), "{what}: total_pages");
    ensure_eq!(page.items.len() as u64, (walked as u64).min(per_page), "{what}: first page size");
    ensure!(page.links.first.is_some(), "{what}: no links.first");
    ensure_eq!(page.links.next.is_some(), walked as u64 > per_page, "{what}: links.next present");
    Ok(())
}

/// Whether two amounts agree to the cent (the server rounds money to cents).
pub fn close(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() <= Decimal::new(1, 2)
}

/// `value` as a decimal with `scale` fractional digits (`dec(1999, 2)` = 19.99).
pub fn dec(value: i64, scale: u32) -> Decimal {
    Decimal::new(value, scale)
}

/// A calendar date from its parts.
pub fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, Error> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("{y}-{m}-{d} is not a date").into())
}

/// The last 90 days of seeded data, up to the latest tracked day: a window every
/// report accepts, small enough to list its records quickly.
pub async fn recent_window(env: &Env) -> Result<(NaiveDate, NaiveDate), Error> {
    let latest = first(env.client.time_entries().list().per_page(1).send().await?, "time entry")?.spent_date;
    Ok((latest - Duration::days(89), latest))
}

/// A project the authenticated user may track time on, with one of its tasks.
pub async fn my_project_and_task(env: &Env) -> Result<(i64, i64), Error> {
    let mine: Vec<_> = env.client.users().my_project_assignments().stream().try_collect().await?;
    let pa = mine
        .into_iter()
        .find(|pa| !pa.task_assignments.is_empty())
        .ok_or("the authenticated user has no project with tasks")?;
    let task = pa.task_assignments.first().ok_or("no task")?.task.id;
    Ok((pa.project.id, task))
}

//! Report totals equal sums computed here, independently, from the time entries
//! and expenses the client lists for the same window, for random windows.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use futures_util::TryStreamExt;
use harvest_client::models::{Expense, TimeEntry};
use harvest_tests::{Env, start, test_now};
use proptest::prelude::*;
use rust_decimal::Decimal;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Totals per (group id, currency): (total, billable hours or amount, billable amount).
type Totals = BTreeMap<(i64, String), (Decimal, Decimal, Decimal)>;

fn add(totals: &mut Totals, key: (i64, String), total: Decimal, billable: Option<Decimal>, amount: Decimal) {
    let e = totals.entry(key).or_default();
    e.0 += total;
    if let Some(b) = billable {
        e.1 += b;
        e.2 += amount;
    }
}

/// Whether two report figures agree to the cent (the server rounds money to cents).
fn same(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() <= Decimal::new(1, 2)
}

fn compare(what: &str, ours: &Totals, theirs: &Totals) -> Result<(), String> {
    let keys: Vec<_> = ours.keys().collect();
    let their_keys: Vec<_> = theirs.keys().collect();
    if keys != their_keys {
        return Err(format!("{what}: groups differ\n ours:   {keys:?}\n report: {their_keys:?}"));
    }
    for (k, (a, b)) in ours.iter().zip(theirs.values()).map(|((k, a), b)| (k, (a, b))) {
        if !(same(a.0, b.0) && same(a.1, b.1) && same(a.2, b.2)) {
            return Err(format!("{what} {k:?}: ours {a:?}, report {b:?}"));
        }
    }
    Ok(())
}

/// Checks every report of the window against sums of the listed records; returns how many
/// time entries the window holds.
async fn check_window(env: &Env, from: NaiveDate, to: NaiveDate) -> Result<usize, Error> {
    let c = &env.client;
    let entries: Vec<TimeEntry> = c.time_entries().list().from(from).to(to).stream().try_collect().await?;
    let expenses: Vec<Expense> = c.expenses().list().from(from).to(to).stream().try_collect().await?;

    let (mut by_client, mut by_project, mut by_task, mut by_user) = Default::default();
    for e in &entries {
        let currency = e.client.currency.clone();
        let billable = e.billable.then_some(e.hours);
        let amount = if e.billable { e.hours * e.billable_rate.unwrap_or_default() } else { Decimal::ZERO };
        add(&mut by_client, (e.client.id, currency.clone()), e.hours, billable, amount);
        add(&mut by_project, (e.project.id, currency.clone()), e.hours, billable, amount);
        add(&mut by_task, (e.task.id, currency.clone()), e.hours, billable, amount);
        add(&mut by_user, (e.user.id, currency), e.hours, billable, amount);
    }
    let report = |rows: Vec<(i64, String, Decimal, Decimal, Decimal)>| -> Totals {
        rows.into_iter().map(|(id, cur, t, b, a)| ((id, cur), (t, b, a))).collect()
    };
    let clients = c.reports().time_clients(from, to).stream().try_collect::<Vec<_>>().await?;
    compare(
        "time/clients",
        &by_client,
        &report(
            clients
                .into_iter()
                .map(|r| {
                    (
                        r.client_id,
                        r.currency.unwrap_or_default(),
                        r.total_hours,
                        r.billable_hours,
                        r.billable_amount.unwrap_or_default(),
                    )
                })
                .collect(),
        ),
    )?;
    let projects = c.reports().time_projects(from, to).stream().try_collect::<Vec<_>>().await?;
    compare(
        "time/projects",
        &by_project,
        &report(
            projects
                .into_iter()
                .map(|r| {
                    (
                        r.project_id,
                        r.currency.unwrap_or_default(),
                        r.total_hours,
                        r.billable_hours,
                        r.billable_amount.unwrap_or_default(),
                    )
                })
                .collect(),
        ),
    )?;
    let tasks = c.reports().time_tasks(from, to).stream().try_collect::<Vec<_>>().await?;
    compare(
        "time/tasks",
        &by_task,
        &report(
            tasks
                .into_iter()
                .map(|r| {
                    (
                        r.task_id,
                        r.currency.unwrap_or_default(),
                        r.total_hours,
                        r.billable_hours,
                        r.billable_amount.unwrap_or_default(),
                    )
                })
                .collect(),
        ),
    )?;
    let team = c.reports().time_team(from, to).stream().try_collect::<Vec<_>>().await?;
    compare(
        "time/team",
        &by_user,
        &report(
            team.into_iter()
                .map(|r| {
                    (
                        r.user_id,
                        r.currency.unwrap_or_default(),
                        r.total_hours,
                        r.billable_hours,
                        r.billable_amount.unwrap_or_default(),
                    )
                })
                .collect(),
        ),
    )?;

    let mut by_category = Totals::new();
    for e in &expenses {
        let billable = e.billable.then_some(e.total_cost);
        add(
            &mut by_category,
            (e.expense_category.id, e.client.currency.clone()),
            e.total_cost,
            billable,
            Decimal::ZERO,
        );
    }
    let categories = c.reports().expense_categories(from, to).stream().try_collect::<Vec<_>>().await?;
    let theirs: Totals = categories
        .into_iter()
        .map(|r| ((r.expense_category_id, r.currency), (r.total_amount, r.billable_amount, Decimal::ZERO)))
        .collect();
    compare("expenses/categories", &by_category, &theirs)?;
    Ok(entries.len())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn report_totals_equal_independent_sums(start_back in 0i64..500, length in 0i64..=365) {
        let rt = tokio::runtime::Runtime::new().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let outcome = rt.block_on(async {
            let env = start().await?;
            // Windows on the mock's clock, inside the ~18 months the seed covers.
            let to = test_now().date_naive() - Duration::days(start_back);
            check_window(&env, to - Duration::days(length), to).await
        });
        prop_assert!(outcome.is_ok(), "{:?}", outcome.as_ref().err());
        // About 25 entries a week: a week or more is never empty, so no comparison is vacuous.
        if length >= 7 {
            prop_assert!(outcome.is_ok_and(|n| n > 0), "no time entries in a {length}-day window");
        }
    }
}

#[tokio::test]
async fn a_window_over_a_year_is_refused() -> Result<(), Error> {
    let env = start().await?;
    let to = test_now().date_naive();
    let err = env.client.reports().time_clients(to - Duration::days(400), to).send().await.err().ok_or("accepted")?;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    Ok(())
}

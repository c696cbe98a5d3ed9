//! Contracts of the ten reports: each row's names match the records it groups, and
//! its figures equal sums computed here from the listed time entries and expenses.

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::report_checks::{by_id, expense_sums, name_of, sums, time_sums};
use super::support::{Contract, Error, Outcome, close, envelope_agrees, recent_window};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "clientsTimeReport" => time_clients,
        "projectsTimeReport" => time_projects,
        "tasksReport" => time_tasks,
        "teamTimeReport" => time_team,
        "clientsExpensesReport" => expense_clients,
        "projectsExpensesReport" => expense_projects,
        "expenseCategoriesReport" => expense_categories,
        "teamExpensesReport" => expense_team,
        "uninvoicedReport" => uninvoiced,
        "projectBudgetReport" => project_budget,
    ]
}

async fn entries(env: &Env, from: NaiveDate, to: NaiveDate) -> Result<Vec<TimeEntry>, Error> {
    Ok(env.client.time_entries().list().from(from).to(to).stream().try_collect().await?)
}

async fn expenses(env: &Env, from: NaiveDate, to: NaiveDate) -> Result<Vec<Expense>, Error> {
    Ok(env.client.expenses().list().from(from).to(to).stream().try_collect().await?)
}

async fn time_clients(env: &Env) -> Outcome {
    let (from, to) = recent_window(env).await?;
    let rows: Vec<TimeClientsRow> =
        env.client.reports().time_clients(from, to).per_page(5).stream().try_collect().await?;
    envelope_agrees(
        &env.client.reports().time_clients(from, to).per_page(5).send().await?,
        rows.len(),
        "time/clients",
    )?;
    let clients = by_id(env.client.clients().list().stream().try_collect().await?);
    for r in &rows {
        ensure_eq!(r.client_name, name_of(&clients, r.client_id)?, "client name");
    }
    let listed = entries(env, from, to).await?;
    time_sums(
        &rows,
        &listed,
        |r| ((r.client_id, r.currency.clone().unwrap_or_default()), r.total_hours, r.billable_hours),
        |e| (e.client.id, e.client.currency.clone()),
    )
}

async fn time_projects(env: &Env) -> Outcome {
    let (from, to) = recent_window(env).await?;
    let rows: Vec<TimeProjectsRow> = env.client.reports().time_projects(from, to).stream().try_collect().await?;
    let projects = by_id(env.client.projects().list().stream().try_collect().await?);
    for r in &rows {
        ensure_eq!(r.project_name, name_of(&projects, r.project_id)?, "project name");
        ensure_eq!(Some(r.client_id), projects.get(&r.project_id).map(|p| p.client.id), "the project's client");
    }
    let listed = entries(env, from, to).await?;
    time_sums(
        &rows,
        &listed,
        |r| ((r.project_id, r.currency.clone().unwrap_or_default()), r.total_hours, r.billable_hours),
        |e| (e.project.id, e.client.currency.clone()),
    )
}

async fn time_tasks(env: &Env) -> Outcome {
    let (from, to) = recent_window(env).await?;
    let rows: Vec<TimeTasksRow> = env.client.reports().time_tasks(from, to).stream().try_collect().await?;
    let tasks = by_id(env.client.tasks().list().stream().try_collect().await?);
    for r in &rows {
        ensure_eq!(r.task_name, name_of(&tasks, r.task_id)?, "task name");
    }
    let listed = entries(env, from, to).await?;
    time_sums(
        &rows,
        &listed,
        |r| ((r.task_id, r.currency.clone().unwrap_or_default()), r.total_hours, r.billable_hours),
        |e| (e.task.id, e.client.currency.clone()),
    )
}

async fn time_team(env: &Env) -> Outcome {
    let (from, to) = recent_window(env).await?;
    let rows: Vec<TimeTeamRow> = env.client.reports().time_team(from, to).stream().try_collect().await?;
    let users = by_id(env.client.users().list().stream().try_collect().await?);
    for r in &rows {
        ensure_eq!(r.user_name, name_of(&users, r.user_id)?, "user name");
        let u = users.get(&r.user_id).ok_or("unlisted user")?;
        ensure_eq!((r.is_contractor, r.weekly_capacity), (u.is_contractor, u.weekly_capacity), "user {}", u.id);
    }
    let listed = entries(env, from, to).await?;
    time_sums(
        &rows,
        &listed,
        |r| ((r.user_id, r.currency.clone().unwrap_or_default()), r.total_hours, r.billable_hours),
        |e| (e.user.id, e.client.currency.clone()),
    )
}

async fn expense_clients(env: &Env) -> Outcome {
    let (from, to) = recent_window(env).await?;
    let rows: Vec<ExpenseClientsRow> = env.client.reports().expense_clients(from, to).stream().try_collect().await?;
    let clients = by_id(env.client.clients().list().stream().try_collect().await?);
    for r in &rows {
        ensure_eq!(r.client_name, name_of(&clients, r.client_id)?, "client name");
    }
    let listed = expenses(env, from, to).await?;
    expense_sums(
        &rows,
        &listed,
        |r| ((r.client_id, r.currency.clone()), r.total_amount, r.billable_amount),
        |e| (e.client.id, e.client.currency.clone()),
    )
}

async fn expense_projects(env: &Env) -> Outcome {
    let (from, to) = recent_window(env).await?;
    let rows: Vec<ExpenseProjectsRow> = env.client.reports().expense_projects(from, to).stream().try_collect().await?;
    let projects = by_id(env.client.projects().list().stream().try_collect().await?);
    for r in &rows {
        ensure_eq!(r.project_name, name_of(&projects, r.project_id)?, "project name");
        ensure_eq!(Some(r.client_id), projects.get(&r.project_id).map(|p| p.client.id), "the project's client");
    }
    let listed = expenses(env, from, to).await?;
    expense_sums(
        &rows,
        &listed,
        |r| ((r.project_id, r.currency.clone()), r.total_amount, r.billable_amount),
        |e| (e.project.id, e.client.currency.clone()),
    )
}

async fn expense_categories(env: &Env) -> Outcome {
    let (from, to) = recent_window(env).await?;
    let rows: Vec<ExpenseCategoriesRow> =
        env.client.reports().expense_categories(from, to).stream().try_collect().await?;
    let categories = by_id(env.client.expense_categories().list().stream().try_collect().await?);
    for r in &rows {
        ensure_eq!(r.expense_category_name, name_of(&categories, r.expense_category_id)?, "category name");
    }
    let listed = expenses(env, from, to).await?;
    expense_sums(
        &rows,
        &listed,
        |r| ((r.expense_category_id, r.currency.clone()), r.total_amount, r.billable_amount),
        |e| (e.expense_category.id, e.client.currency.clone()),
    )
}

async fn expense_team(env: &Env) -> Outcome {
    let (from, to) = recent_window(env).await?;
    let rows: Vec<ExpenseTeamRow> = env.client.reports().expense_team(from, to).stream().try_collect().await?;
    let users = by_id(env.client.users().list().stream().try_collect().await?);
    for r in &rows {
        ensure_eq!(r.user_name, name_of(&users, r.user_id)?, "user name");
        ensure_eq!(Some(r.is_contractor), users.get(&r.user_id).map(|u| u.is_contractor), "is_contractor");
    }
    let listed = expenses(env, from, to).await?;
    expense_sums(
        &rows,
        &listed,
        |r| ((r.user_id, r.currency.clone()), r.total_amount, r.billable_amount),
        |e| (e.user.id, e.client.currency.clone()),
    )
}

async fn uninvoiced(env: &Env) -> Outcome {
    let (from, to) = recent_window(env).await?;
    let rows: Vec<UninvoicedRow> = env.client.reports().uninvoiced(from, to).stream().try_collect().await?;
    ensure!(!rows.is_empty(), "nothing uninvoiced in a year of data");
    let projects = by_id(env.client.projects().list().stream().try_collect().await?);
    for r in &rows {
        ensure_eq!(r.project_name, name_of(&projects, r.project_id)?, "project name");
        ensure!(r.uninvoiced_hours <= r.total_hours, "project {}: uninvoiced hours exceed the total", r.project_id);
    }
    let listed = entries(env, from, to).await?;
    let key = |e: &TimeEntry| (e.project.id, e.client.currency.clone());
    let billable = sums(&listed, key, |e| e.billable.then_some(e.hours));
    let open = sums(&listed, key, |e| (e.billable && !e.is_billed).then_some(e.hours));
    for r in &rows {
        let k = (r.project_id, r.currency.clone());
        ensure!(close(r.total_hours, billable.get(&k).copied().unwrap_or_default()), "billable hours of {k:?}");
        ensure!(close(r.uninvoiced_hours, open.get(&k).copied().unwrap_or_default()), "uninvoiced hours of {k:?}");
    }
    Ok(())
}

async fn project_budget(env: &Env) -> Outcome {
    let projects: Vec<Project> = env.client.projects().list().stream().try_collect().await?;
    let rows: Vec<ProjectBudgetRow> = env.client.reports().project_budget().per_page(7).stream().try_collect().await?;
    let mut got: Vec<i64> = rows.iter().map(|r| r.project_id).collect();
    let mut all: Vec<i64> = projects.iter().map(|p| p.id).collect();
    got.sort_unstable();
    all.sort_unstable();
    ensure_eq!(got, all, "one row per project");
    let by_project = by_id(projects);
    for r in &rows {
        let p = by_project.get(&r.project_id).ok_or("unlisted project")?;
        ensure_eq!(
            (&r.project_name, r.client_id, r.is_active),
            (&p.name, p.client.id, p.is_active),
            "project {}",
            p.id
        );
        ensure_eq!((&r.budget_by, r.budget_is_monthly), (&p.budget_by, p.budget_is_monthly), "project {}", p.id);
        if let (Some(budget), Some(left)) = (r.budget, r.budget_remaining) {
            ensure!(
                close(left, budget - r.budget_spent),
                "project {}: remaining {left} != {budget} - {}",
                p.id,
                r.budget_spent
            );
        }
    }
    let active: Vec<ProjectBudgetRow> =
        env.client.reports().project_budget().is_active(true).stream().try_collect().await?;
    let mut got: Vec<i64> = active.iter().map(|r| r.project_id).collect();
    got.sort_unstable();
    let expected: Vec<i64> = by_project.values().filter(|p| p.is_active).map(|p| p.id).collect();
    ensure_eq!(got, expected, "is_active=true keeps the active projects");
    Ok(())
}

//! Contracts of projects and tasks.

use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{Contract, Outcome, date, dec, envelope_agrees, first, gone, ids, newest_first, refused};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "listProjects" => list_projects,
        "createProject" => create_project,
        "retrieveProject" => retrieve_project,
        "updateProject" => update_project,
        "deleteProject" => delete_project,
        "listTasks" => list_tasks,
        "createTask" => create_task,
        "retrieveTask" => retrieve_task,
        "updateTask" => update_task,
        "deleteTask" => delete_task,
    ]
}

async fn list_projects(env: &Env) -> Outcome {
    let all: Vec<Project> = env.client.projects().list().per_page(6).stream().try_collect().await?;
    newest_first(&ids(&all), "projects")?;
    envelope_agrees(&env.client.projects().list().per_page(6).send().await?, all.len(), "projects")?;
    let client = all.first().ok_or("no projects")?.client.id;
    let filtered: Vec<Project> =
        env.client.projects().list().client_id(client).is_active(true).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|p| p.client.id == client && p.is_active).map(|p| p.id).collect();
    ensure_eq!(ids(&filtered), expected, "client_id and is_active together");
    ensure!(!filtered.is_empty(), "the filter found nothing to compare");
    Ok(())
}

async fn create_project(env: &Env) -> Outcome {
    let client = env.client.clients().create(CreateClientBody::new("E Corp").currency("GBP")).send().await?;
    let body = CreateProjectBody::new(client.id, "Website")
        .code("WEB")
        .bill_by(BillBy::Project)
        .hourly_rate(dec(150, 0))
        .budget_by(BudgetBy::Project)
        .budget(dec(120, 0))
        .starts_on(date(2026, 1, 5)?);
    let created = env.client.projects().create(body).send().await?;
    ensure_eq!((created.client.id, created.client.name.as_str()), (client.id, "E Corp"), "embedded client");
    ensure_eq!(created.client.currency, "GBP", "the embedded client carries its currency");
    ensure_eq!((created.name.as_str(), created.code.as_deref()), ("Website", Some("WEB")));
    ensure_eq!((created.bill_by.clone(), created.hourly_rate), (BillBy::Project, Some(dec(150, 0))));
    ensure_eq!((created.budget_by.clone(), created.budget), (BudgetBy::Project, Some(dec(120, 0))));
    ensure_eq!(created.starts_on, Some(date(2026, 1, 5)?));
    ensure!(created.is_active && created.is_billable, "documented defaults");
    ensure_eq!(env.client.projects().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn retrieve_project(env: &Env) -> Outcome {
    let listed = first(env.client.projects().list().per_page(2).send().await?, "project")?;
    ensure_eq!(env.client.projects().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update_project(env: &Env) -> Outcome {
    let listed = first(env.client.projects().list().per_page(1).send().await?, "project")?;
    let body = UpdateProjectBody::new().name("Renamed").is_active(false).clear_notes();
    let updated = env.client.projects().update(listed.id, body).send().await?;
    ensure_eq!(updated.id, listed.id);
    ensure_eq!((updated.name.as_str(), updated.is_active, updated.notes.as_deref()), ("Renamed", false, None));
    ensure_eq!((updated.client.id, &updated.code), (listed.client.id, &listed.code), "unsent fields stay");
    ensure_eq!(env.client.projects().get(listed.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_project(env: &Env) -> Outcome {
    let entry = first(env.client.time_entries().list().per_page(1).send().await?, "time entry")?;
    let project = entry.project.id;
    env.client.projects().delete(project).send().await?;
    gone(env.client.projects().get(project).send().await, "deleted project")?;
    gone(env.client.time_entries().get(entry.id).send().await, "a time entry of the deleted project")?;
    let left = env.client.time_entries().list().project_id(project).send().await?;
    ensure_eq!(left.total_entries, Some(0), "time entries of a deleted project");
    Ok(())
}

async fn list_tasks(env: &Env) -> Outcome {
    let archived = env.client.tasks().create(CreateTaskBody::new("Archived task").is_active(false)).send().await?;
    let all: Vec<Task> = env.client.tasks().list().per_page(4).stream().try_collect().await?;
    newest_first(&ids(&all), "tasks")?;
    envelope_agrees(&env.client.tasks().list().per_page(4).send().await?, all.len(), "tasks")?;
    let active: Vec<Task> = env.client.tasks().list().is_active(true).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|t| t.is_active).map(|t| t.id).collect();
    ensure_eq!(ids(&active), expected, "is_active=true keeps exactly the active tasks");
    ensure!(!ids(&active).contains(&archived.id), "an archived task is listed as active");
    Ok(())
}

async fn create_task(env: &Env) -> Outcome {
    let body = CreateTaskBody::new("Research").default_hourly_rate(dec(9550, 2)).billable_by_default(false);
    let created = env.client.tasks().create(body).send().await?;
    ensure_eq!((created.name.as_str(), created.default_hourly_rate), ("Research", Some(dec(9550, 2))));
    ensure_eq!((created.billable_by_default, created.is_active, created.is_default), (false, true, false));
    ensure_eq!(env.client.tasks().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn retrieve_task(env: &Env) -> Outcome {
    let listed = first(env.client.tasks().list().per_page(2).send().await?, "task")?;
    ensure_eq!(env.client.tasks().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update_task(env: &Env) -> Outcome {
    let created = env.client.tasks().create(CreateTaskBody::new("Draft")).send().await?;
    let body = UpdateTaskBody::new().name("Final").billable_by_default(false).is_default(true);
    let updated = env.client.tasks().update(created.id, body).send().await?;
    ensure_eq!((updated.id, updated.name.as_str()), (created.id, "Final"));
    ensure_eq!((updated.billable_by_default, updated.is_default), (false, true));
    ensure_eq!(updated.default_hourly_rate, created.default_hourly_rate, "unsent fields stay");
    ensure_eq!(env.client.tasks().get(created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_task(env: &Env) -> Outcome {
    let created = env.client.tasks().create(CreateTaskBody::new("Unused")).send().await?;
    env.client.tasks().delete(created.id).send().await?;
    gone(env.client.tasks().get(created.id).send().await, "deleted task")?;
    let used = first(env.client.time_entries().list().per_page(1).send().await?, "time entry")?.task.id;
    refused(env.client.tasks().delete(used).send().await, "a task with time entries")?;
    env.client.tasks().get(used).send().await?;
    Ok(())
}

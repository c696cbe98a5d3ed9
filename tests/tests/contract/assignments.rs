//! Contracts of user and task assignments, across projects and per project.

use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{Contract, Error, Outcome, dec, envelope_agrees, first, gone, ids, newest_first, refused};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "listUserAssignments" => list_user_assignments,
        "listUserAssignmentsForSpecificProject" => user_assignments_for_project,
        "createUserAssignment" => create_user_assignment,
        "retrieveUserAssignment" => retrieve_user_assignment,
        "updateUserAssignment" => update_user_assignment,
        "deleteUserAssignment" => delete_user_assignment,
        "listTaskAssignments" => list_task_assignments,
        "listTaskAssignmentsForSpecificProject" => task_assignments_for_project,
        "createTaskAssignment" => create_task_assignment,
        "retrieveTaskAssignment" => retrieve_task_assignment,
        "updateTaskAssignment" => update_task_assignment,
        "deleteTaskAssignment" => delete_task_assignment,
    ]
}

/// A new, empty project of an existing client.
async fn new_project(env: &Env, name: &str) -> Result<i64, Error> {
    let client = first(env.client.clients().list().per_page(1).send().await?, "client")?.id;
    Ok(env.client.projects().create(CreateProjectBody::new(client, name)).send().await?.id)
}

async fn any_user(env: &Env) -> Result<i64, Error> {
    Ok(first(env.client.users().list().per_page(1).send().await?, "user")?.id)
}

async fn any_task(env: &Env) -> Result<i64, Error> {
    Ok(first(env.client.tasks().list().per_page(1).send().await?, "task")?.id)
}

async fn list_user_assignments(env: &Env) -> Outcome {
    let all: Vec<UserAssignment> = env.client.user_assignments().list().per_page(25).stream().try_collect().await?;
    newest_first(&ids(&all), "user assignments")?;
    envelope_agrees(&env.client.user_assignments().list().per_page(25).send().await?, all.len(), "user assignments")?;
    let user = all.first().ok_or("no user assignments")?.user.id;
    let theirs: Vec<UserAssignment> =
        env.client.user_assignments().list().user_id(user).is_active(true).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|a| a.user.id == user && a.is_active).map(|a| a.id).collect();
    ensure_eq!(ids(&theirs), expected, "user_id and is_active together");
    Ok(())
}

async fn user_assignments_for_project(env: &Env) -> Outcome {
    let all: Vec<UserAssignment> = env.client.user_assignments().list().stream().try_collect().await?;
    let project = all.first().ok_or("no user assignments")?.project.id;
    let theirs: Vec<UserAssignment> =
        env.client.user_assignments().list_for_project(project).per_page(2).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|a| a.project.id == project).map(|a| a.id).collect();
    ensure_eq!(ids(&theirs), expected, "the project's user assignments, walked in pages of 2");
    let page = env.client.user_assignments().list_for_project(project).per_page(2).send().await?;
    envelope_agrees(&page, expected.len(), "a project's user assignments")?;
    ensure_eq!((page.page, page.previous_page), (Some(1), None), "page numbers of the first page");
    Ok(())
}

async fn create_user_assignment(env: &Env) -> Outcome {
    let (project, user) = (new_project(env, "Staffing").await?, any_user(env).await?);
    let body = CreateUserAssignmentBody::new(user).is_project_manager(true).hourly_rate(dec(8750, 2));
    let created = env.client.user_assignments().create(project, body).send().await?;
    ensure_eq!((created.project.id, created.project.name.as_str(), created.user.id), (project, "Staffing", user));
    ensure_eq!((created.is_project_manager, created.hourly_rate, created.is_active), (true, Some(dec(8750, 2)), true));
    ensure_eq!(env.client.user_assignments().get(project, created.id).send().await?, created, "read back");
    let again = env.client.user_assignments().create(project, CreateUserAssignmentBody::new(user)).send().await;
    refused(again, "the same user assigned twice")
}

async fn retrieve_user_assignment(env: &Env) -> Outcome {
    let listed = first(env.client.user_assignments().list().per_page(2).send().await?, "user assignment")?;
    let got = env.client.user_assignments().get(listed.project.id, listed.id).send().await?;
    ensure_eq!(got, listed, "get equals the listed record");
    let elsewhere = new_project(env, "Elsewhere").await?;
    gone(env.client.user_assignments().get(elsewhere, listed.id).send().await, "under another project")
}

async fn update_user_assignment(env: &Env) -> Outcome {
    let project = new_project(env, "Rates").await?;
    let created = env
        .client
        .user_assignments()
        .create(project, CreateUserAssignmentBody::new(any_user(env).await?))
        .send()
        .await?;
    let body = UpdateUserAssignmentBody::new().use_default_rates(false).hourly_rate(dec(120, 0)).budget(dec(40, 0));
    let updated = env.client.user_assignments().update(project, created.id, body).send().await?;
    ensure_eq!((updated.id, updated.user.id), (created.id, created.user.id));
    ensure_eq!(
        (updated.use_default_rates, updated.hourly_rate, updated.budget),
        (false, Some(dec(120, 0)), Some(dec(40, 0)))
    );
    ensure_eq!(updated.is_project_manager, created.is_project_manager, "unsent fields stay");
    ensure_eq!(env.client.user_assignments().get(project, created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_user_assignment(env: &Env) -> Outcome {
    let project = new_project(env, "Brief").await?;
    let created = env
        .client
        .user_assignments()
        .create(project, CreateUserAssignmentBody::new(any_user(env).await?))
        .send()
        .await?;
    env.client.user_assignments().delete(project, created.id).send().await?;
    gone(env.client.user_assignments().get(project, created.id).send().await, "deleted user assignment")?;
    let left = env.client.user_assignments().list_for_project(project).send().await?;
    ensure_eq!(left.total_entries, Some(0), "assignments left on the project");
    Ok(())
}

async fn list_task_assignments(env: &Env) -> Outcome {
    let all: Vec<TaskAssignment> = env.client.task_assignments().list().per_page(30).stream().try_collect().await?;
    newest_first(&ids(&all), "task assignments")?;
    envelope_agrees(&env.client.task_assignments().list().per_page(30).send().await?, all.len(), "task assignments")?;
    let inactive: Vec<TaskAssignment> =
        env.client.task_assignments().list().is_active(false).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|a| !a.is_active).map(|a| a.id).collect();
    ensure_eq!(ids(&inactive), expected, "is_active=false keeps exactly the inactive assignments");
    Ok(())
}

async fn task_assignments_for_project(env: &Env) -> Outcome {
    let all: Vec<TaskAssignment> = env.client.task_assignments().list().stream().try_collect().await?;
    let project = all.first().ok_or("no task assignments")?.project.id;
    let theirs: Vec<TaskAssignment> =
        env.client.task_assignments().list_for_project(project).per_page(2).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|a| a.project.id == project).map(|a| a.id).collect();
    ensure_eq!(ids(&theirs), expected, "the project's task assignments, walked in pages of 2");
    let page = env.client.task_assignments().list_for_project(project).per_page(2).send().await?;
    envelope_agrees(&page, expected.len(), "a project's task assignments")
}

async fn create_task_assignment(env: &Env) -> Outcome {
    let (project, task) = (new_project(env, "Tasks").await?, any_task(env).await?);
    let body = CreateTaskAssignmentBody::new(task).billable(true).hourly_rate(dec(65, 0));
    let created = env.client.task_assignments().create(project, body).send().await?;
    ensure_eq!((created.project.id, created.task.id), (project, task));
    ensure_eq!((created.billable, created.hourly_rate, created.is_active), (true, Some(dec(65, 0)), true));
    ensure_eq!(env.client.task_assignments().get(project, created.id).send().await?, created, "read back");
    let again = env.client.task_assignments().create(project, CreateTaskAssignmentBody::new(task)).send().await;
    refused(again, "the same task assigned twice")
}

async fn retrieve_task_assignment(env: &Env) -> Outcome {
    let listed = first(env.client.task_assignments().list().per_page(2).send().await?, "task assignment")?;
    let got = env.client.task_assignments().get(listed.project.id, listed.id).send().await?;
    ensure_eq!(got, listed, "get equals the listed record");
    let elsewhere = new_project(env, "Nowhere").await?;
    gone(env.client.task_assignments().get(elsewhere, listed.id).send().await, "under another project")
}

async fn update_task_assignment(env: &Env) -> Outcome {
    let project = new_project(env, "Billing").await?;
    let created = env
        .client
        .task_assignments()
        .create(project, CreateTaskAssignmentBody::new(any_task(env).await?))
        .send()
        .await?;
    let body = UpdateTaskAssignmentBody::new().billable(!created.billable).budget(dec(12, 0));
    let updated = env.client.task_assignments().update(project, created.id, body).send().await?;
    ensure_eq!((updated.id, updated.task.id), (created.id, created.task.id));
    ensure_eq!((updated.billable, updated.budget), (!created.billable, Some(dec(12, 0))));
    ensure_eq!(updated.hourly_rate, created.hourly_rate, "unsent fields stay");
    ensure_eq!(env.client.task_assignments().get(project, created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_task_assignment(env: &Env) -> Outcome {
    let project = new_project(env, "Short").await?;
    let created = env
        .client
        .task_assignments()
        .create(project, CreateTaskAssignmentBody::new(any_task(env).await?))
        .send()
        .await?;
    env.client.task_assignments().delete(project, created.id).send().await?;
    gone(env.client.task_assignments().get(project, created.id).send().await, "deleted task assignment")?;
    let left = env.client.task_assignments().list_for_project(project).send().await?;
    ensure_eq!(left.total_entries, Some(0), "assignments left on the project");
    Ok(())
}

//! Contracts of the company and users: settings, users, `me`, project assignments, teammates.

use std::collections::BTreeSet;

use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{Contract, Error, Outcome, envelope_agrees, first, gone, ids, newest_first};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "retrieveCompany" => retrieve_company,
        "updateCompany" => update_company,
        "listUsers" => list_users,
        "createUser" => create_user,
        "retrieveTheCurrentlyAuthenticatedUser" => me,
        "retrieveUser" => retrieve_user,
        "updateUser" => update_user,
        "deleteUser" => delete_user,
        "listActiveProjectAssignments" => project_assignments,
        "listActiveProjectAssignmentsForTheCurrentlyAuthenticatedUser" => my_project_assignments,
        "listAssignedTeammatesForSpecificUser" => teammates,
        "updateUserAssignedTeammates" => update_teammates,
    ]
}

async fn retrieve_company(env: &Env) -> Outcome {
    let company = env.client.companies().get().send().await?;
    ensure!(!company.name.is_empty(), "the company has no name");
    ensure!(company.base_uri.contains(&company.full_domain), "{} is not on {}", company.base_uri, company.full_domain);
    ensure!(company.weekly_capacity > 0, "weekly capacity {}", company.weekly_capacity);
    ensure_eq!(env.client.companies().get().send().await?, company, "a second read");
    Ok(())
}

async fn update_company(env: &Env) -> Outcome {
    let before = env.client.companies().get().send().await?;
    let body = UpdateCompanyBody::new().wants_timestamp_timers(!before.wants_timestamp_timers).weekly_capacity(90_000);
    let after = env.client.companies().update(body).send().await?;
    ensure_eq!(after.wants_timestamp_timers, !before.wants_timestamp_timers);
    ensure_eq!(after.weekly_capacity, 90_000);
    ensure_eq!(after.name, before.name, "fields not sent stay");
    ensure_eq!(env.client.companies().get().send().await?, after, "the change is stored");
    let restore = UpdateCompanyBody::new()
        .wants_timestamp_timers(before.wants_timestamp_timers)
        .weekly_capacity(before.weekly_capacity);
    env.client.companies().update(restore).send().await?;
    Ok(())
}

async fn list_users(env: &Env) -> Outcome {
    let users = env.client.users();
    let all: Vec<User> = users.list().per_page(3).stream().try_collect().await?;
    newest_first(&ids(&all), "users")?;
    envelope_agrees(&users.list().per_page(3).send().await?, all.len(), "users")?;
    let active: Vec<User> = users.list().is_active(true).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|u| u.is_active).map(|u| u.id).collect();
    ensure_eq!(ids(&active), expected, "is_active=true keeps exactly the active users");
    let newest = all.iter().map(|u| u.updated_at).max().ok_or("no users")?;
    let recent: Vec<User> = users.list().updated_since(newest).stream().try_collect().await?;
    ensure!(!recent.is_empty() && recent.iter().all(|u| u.updated_at >= newest), "updated_since: {recent:?}");
    Ok(())
}

async fn create_user(env: &Env) -> Outcome {
    let body = CreateUserBody::new("Grace", "Hopper", "grace@navy.test")
        .is_contractor(true)
        .weekly_capacity(72_000)
        .roles(vec!["Compilers".into()])
        .access_roles(vec![AccessRole::Manager]);
    let created = env.client.users().create(body).send().await?;
    ensure_eq!(
        (created.first_name.as_str(), created.last_name.as_str(), created.email.as_str()),
        ("Grace", "Hopper", "grace@navy.test")
    );
    ensure_eq!((created.is_contractor, created.weekly_capacity), (true, 72_000));
    ensure_eq!(created.roles, vec!["Compilers".to_string()]);
    ensure_eq!(created.access_roles, vec![AccessRole::Manager]);
    ensure!(created.is_active, "a new user is active");
    ensure_eq!(env.client.users().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn me(env: &Env) -> Outcome {
    let me = env.client.users().me().send().await?;
    ensure_eq!(env.client.users().get(me.id).send().await?, me, "users/me is a user");
    Ok(())
}

async fn retrieve_user(env: &Env) -> Outcome {
    let listed = first(env.client.users().list().per_page(2).send().await?, "user")?;
    ensure_eq!(env.client.users().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update_user(env: &Env) -> Outcome {
    let created = env.client.users().create(CreateUserBody::new("Ada", "King", "ada@engine.test")).send().await?;
    let body = UpdateUserBody::new().last_name("Lovelace").telephone("555-0100").weekly_capacity(36_000);
    let updated = env.client.users().update(created.id, body).send().await?;
    ensure_eq!(updated.id, created.id);
    ensure_eq!((updated.last_name.as_str(), updated.telephone.as_str()), ("Lovelace", "555-0100"));
    ensure_eq!(updated.weekly_capacity, 36_000);
    ensure_eq!((updated.first_name.as_str(), updated.email.as_str()), ("Ada", "ada@engine.test"), "unsent fields");
    ensure!(updated.updated_at >= created.updated_at, "updated_at went back");
    ensure_eq!(env.client.users().get(created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_user(env: &Env) -> Outcome {
    let created = env.client.users().create(CreateUserBody::new("Temp", "User", "temp@user.test")).send().await?;
    env.client.users().delete(created.id).send().await?;
    gone(env.client.users().get(created.id).send().await, "deleted user")?;
    let all: Vec<User> = env.client.users().list().stream().try_collect().await?;
    ensure!(!ids(&all).contains(&created.id), "the deleted user is still listed");
    Ok(())
}

/// Ids of the active user assignments of `user`, and their projects.
async fn active_assignments(env: &Env, user: i64) -> Result<BTreeSet<(i64, i64)>, Error> {
    let list: Vec<UserAssignment> =
        env.client.user_assignments().list().user_id(user).is_active(true).stream().try_collect().await?;
    Ok(list.iter().map(|ua| (ua.id, ua.project.id)).collect())
}

async fn project_assignments(env: &Env) -> Outcome {
    let ua = first(env.client.user_assignments().list().is_active(true).per_page(1).send().await?, "assignment")?;
    let user = ua.user.id;
    let listed: Vec<ProjectAssignment> = env.client.users().project_assignments(user).stream().try_collect().await?;
    let got: BTreeSet<(i64, i64)> = listed.iter().map(|pa| (pa.id, pa.project.id)).collect();
    ensure_eq!(got, active_assignments(env, user).await?, "the user's active assignments");
    ensure!(listed.iter().all(|pa| pa.is_active), "an inactive assignment is listed");
    Ok(())
}

async fn my_project_assignments(env: &Env) -> Outcome {
    let me = env.client.users().me().send().await?;
    let listed: Vec<ProjectAssignment> = env.client.users().my_project_assignments().stream().try_collect().await?;
    ensure!(!listed.is_empty(), "the authenticated user has no projects");
    let got: BTreeSet<(i64, i64)> = listed.iter().map(|pa| (pa.id, pa.project.id)).collect();
    ensure_eq!(got, active_assignments(env, me.id).await?, "my active assignments");
    let pa = &listed[0];
    let tasks: Vec<TaskAssignment> =
        env.client.task_assignments().list_for_project(pa.project.id).stream().try_collect().await?;
    let mut expected = ids(&tasks);
    expected.sort_unstable();
    let mut embedded: Vec<i64> = pa.task_assignments.iter().map(|t| t.id).collect();
    embedded.sort_unstable();
    ensure_eq!(embedded, expected, "the embedded task assignments are the project's");
    Ok(())
}

/// Two users other than `user`, lowest id first.
async fn two_others(env: &Env, user: i64) -> Result<Vec<i64>, Error> {
    let all: Vec<User> = env.client.users().list().stream().try_collect().await?;
    let mut others: Vec<i64> = all.iter().map(|u| u.id).filter(|id| *id != user).take(2).collect();
    others.sort_unstable();
    ensure_eq!(others.len(), 2, "users besides {user}");
    Ok(others)
}

async fn teammates(env: &Env) -> Outcome {
    let manager = env.client.users().me().send().await?.id;
    let team = two_others(env, manager).await?;
    env.client.users().update_teammates(manager, UpdateUserAssignedTeammatesBody::new(team.clone())).send().await?;
    let listed: Vec<Teammate> = env.client.users().teammates(manager).stream().try_collect().await?;
    let mut got: Vec<i64> = listed.iter().map(|t| t.id).collect();
    got.sort_unstable();
    ensure_eq!(got, team, "the manager's teammates");
    for t in &listed {
        let u = env.client.users().get(t.id).send().await?;
        ensure_eq!((&t.first_name, &t.last_name, &t.email), (&u.first_name, &u.last_name, &u.email), "teammate");
    }
    Ok(())
}

async fn update_teammates(env: &Env) -> Outcome {
    let manager = first(env.client.users().list().per_page(1).send().await?, "user")?.id;
    let team = two_others(env, manager).await?;
    let set =
        env.client.users().update_teammates(manager, UpdateUserAssignedTeammatesBody::new(team.clone())).send().await?;
    ensure_eq!(set.iter().map(|t| t.id).collect::<Vec<_>>(), team, "the answer lists the new set");
    let cleared =
        env.client.users().update_teammates(manager, UpdateUserAssignedTeammatesBody::new(vec![])).send().await?;
    ensure!(cleared.is_empty(), "an empty list clears the set: {cleared:?}");
    let page = env.client.users().teammates(manager).send().await?;
    ensure!(page.items.is_empty(), "still listed after clearing: {:?}", page.items);
    Ok(())
}

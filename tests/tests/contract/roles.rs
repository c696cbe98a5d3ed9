//! Contracts of roles (named groups of users).

use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{Contract, Error, Outcome, envelope_agrees, first, gone, ids, newest_first};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "listRoles" => list_roles,
        "createRole" => create_role,
        "retrieveRole" => retrieve_role,
        "updateRole" => update_role,
        "deleteRole" => delete_role,
    ]
}

/// The ids of the first `n` users, lowest first.
async fn some_users(env: &Env, n: usize) -> Result<Vec<i64>, Error> {
    let users: Vec<User> = env.client.users().list().stream().try_collect().await?;
    let mut picked: Vec<i64> = ids(&users).into_iter().take(n).collect();
    picked.sort_unstable();
    ensure_eq!(picked.len(), n, "users available");
    Ok(picked)
}

async fn list_roles(env: &Env) -> Outcome {
    let made = env.client.roles().create(CreateRoleBody::new("Listed role")).send().await?;
    let all: Vec<Role> = env.client.roles().list().per_page(2).stream().try_collect().await?;
    newest_first(&ids(&all), "roles")?;
    envelope_agrees(&env.client.roles().list().per_page(2).send().await?, all.len(), "roles")?;
    ensure_eq!(all.first().map(|r| r.id), Some(made.id), "the newest role leads");
    Ok(())
}

async fn create_role(env: &Env) -> Outcome {
    let users = some_users(env, 2).await?;
    let created = env.client.roles().create(CreateRoleBody::new("Designer").user_ids(users.clone())).send().await?;
    ensure_eq!(created.name, "Designer");
    let mut holders = created.user_ids.clone();
    holders.sort_unstable();
    ensure_eq!(holders, users, "the role's users");
    ensure_eq!(env.client.roles().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn retrieve_role(env: &Env) -> Outcome {
    let listed = first(env.client.roles().list().per_page(2).send().await?, "role")?;
    ensure_eq!(env.client.roles().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update_role(env: &Env) -> Outcome {
    let users = some_users(env, 3).await?;
    let created =
        env.client.roles().create(CreateRoleBody::new("Analyst").user_ids(users[..2].to_vec())).send().await?;
    let body = UpdateRoleBody::new().user_ids(vec![users[2]]);
    let updated = env.client.roles().update(created.id, body).send().await?;
    ensure_eq!((updated.id, updated.name.as_str()), (created.id, "Analyst"), "the name was not sent");
    ensure_eq!(updated.user_ids, vec![users[2]], "user_ids replaces the whole set");
    ensure_eq!(env.client.roles().get(created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_role(env: &Env) -> Outcome {
    let created = env.client.roles().create(CreateRoleBody::new("Interim")).send().await?;
    env.client.roles().delete(created.id).send().await?;
    gone(env.client.roles().get(created.id).send().await, "deleted role")?;
    let all: Vec<Role> = env.client.roles().list().stream().try_collect().await?;
    ensure!(!ids(&all).contains(&created.id), "the deleted role is still listed");
    Ok(())
}

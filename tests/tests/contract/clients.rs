//! Contracts of clients and their contacts.

use futures_util::TryStreamExt;
use harvest_client::models::*;
use harvest_tests::Env;

use super::support::{Contract, Outcome, envelope_agrees, first, gone, ids, newest_first, refused};

/// This group's contracts.
pub fn contracts() -> Vec<Contract> {
    contracts![
        "listClients" => list_clients,
        "createClient" => create_client,
        "retrieveClient" => retrieve_client,
        "updateClient" => update_client,
        "deleteClient" => delete_client,
        "listContacts" => list_contacts,
        "createContact" => create_contact,
        "retrieveContact" => retrieve_contact,
        "updateContact" => update_contact,
        "deleteContact" => delete_contact,
    ]
}

async fn list_clients(env: &Env) -> Outcome {
    let clients = env.client.clients();
    let archived = clients.create(CreateClientBody::new("Archived Ltd").is_active(false)).send().await?;
    let all: Vec<Client> = clients.list().per_page(5).stream().try_collect().await?;
    newest_first(&ids(&all), "clients (cursor pages of 5)")?;
    envelope_agrees(&clients.list().per_page(5).send().await?, all.len(), "clients")?;
    ensure_eq!(all.first().map(|c| c.id), Some(archived.id), "the newest client leads");
    let inactive: Vec<Client> = clients.list().is_active(false).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|c| !c.is_active).map(|c| c.id).collect();
    ensure_eq!(ids(&inactive), expected, "is_active=false keeps exactly the archived clients");
    let recent: Vec<Client> = clients.list().updated_since(archived.updated_at).stream().try_collect().await?;
    ensure!(ids(&recent).contains(&archived.id), "updated_since misses the newest change");
    ensure!(recent.iter().all(|c| c.updated_at >= archived.updated_at), "updated_since lets older records through");
    Ok(())
}

async fn create_client(env: &Env) -> Outcome {
    let body = CreateClientBody::new("Initech").address("4120 Freidrich Lane\nAustin, TX").currency("EUR");
    let created = env.client.clients().create(body).send().await?;
    ensure_eq!(created.name, "Initech");
    ensure_eq!(created.address.as_deref(), Some("4120 Freidrich Lane\nAustin, TX"));
    ensure_eq!((created.currency.as_str(), created.is_active), ("EUR", true));
    ensure_eq!(env.client.clients().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn retrieve_client(env: &Env) -> Outcome {
    let listed = first(env.client.clients().list().per_page(3).send().await?, "client")?;
    ensure_eq!(env.client.clients().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update_client(env: &Env) -> Outcome {
    let created = env.client.clients().create(CreateClientBody::new("Hooli").address("1 Main St")).send().await?;
    let body = UpdateClientBody::new().name("Hooli XYZ").is_active(false).clear_address();
    let updated = env.client.clients().update(created.id, body).send().await?;
    ensure_eq!(updated.id, created.id);
    ensure_eq!((updated.name.as_str(), updated.is_active, updated.address.as_deref()), ("Hooli XYZ", false, None));
    ensure_eq!(updated.currency, created.currency, "unsent fields stay");
    ensure_eq!(env.client.clients().get(created.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_client(env: &Env) -> Outcome {
    let created = env.client.clients().create(CreateClientBody::new("Short-lived")).send().await?;
    env.client.clients().delete(created.id).send().await?;
    gone(env.client.clients().get(created.id).send().await, "deleted client")?;
    let project = first(env.client.projects().list().per_page(1).send().await?, "project")?;
    refused(env.client.clients().delete(project.client.id).send().await, "a client with projects")?;
    env.client.clients().get(project.client.id).send().await?;
    Ok(())
}

async fn list_contacts(env: &Env) -> Outcome {
    let all: Vec<Contact> = env.client.contacts().list().per_page(7).stream().try_collect().await?;
    newest_first(&ids(&all), "contacts")?;
    envelope_agrees(&env.client.contacts().list().per_page(7).send().await?, all.len(), "contacts")?;
    let client = all.first().ok_or("no contacts")?.client.id;
    let theirs: Vec<Contact> = env.client.contacts().list().client_id(client).stream().try_collect().await?;
    let expected: Vec<i64> = all.iter().filter(|c| c.client.id == client).map(|c| c.id).collect();
    ensure_eq!(ids(&theirs), expected, "client_id keeps exactly that client's contacts");
    Ok(())
}

async fn create_contact(env: &Env) -> Outcome {
    let client = env.client.clients().create(CreateClientBody::new("Umbrella")).send().await?;
    let body = CreateContactBody::new(client.id, "Alice")
        .last_name("Smith")
        .email("alice@umbrella.test")
        .phone_office("555-0101");
    let created = env.client.contacts().create(body).send().await?;
    ensure_eq!((created.client.id, created.client.name.as_str()), (client.id, "Umbrella"), "embedded client");
    ensure_eq!((created.first_name.as_str(), created.last_name.as_deref()), ("Alice", Some("Smith")));
    ensure_eq!((created.email.as_deref(), created.phone_office.as_str()), (Some("alice@umbrella.test"), "555-0101"));
    ensure_eq!(env.client.contacts().get(created.id).send().await?, created, "read back");
    Ok(())
}

async fn retrieve_contact(env: &Env) -> Outcome {
    let listed = first(env.client.contacts().list().per_page(2).send().await?, "contact")?;
    ensure_eq!(env.client.contacts().get(listed.id).send().await?, listed, "get equals the listed record");
    Ok(())
}

async fn update_contact(env: &Env) -> Outcome {
    let listed = first(env.client.contacts().list().per_page(1).send().await?, "contact")?;
    let updated = env.client.contacts().update(listed.id, UpdateContactBody::new().title("CFO")).send().await?;
    ensure_eq!((updated.id, updated.title.as_deref()), (listed.id, Some("CFO")));
    ensure_eq!(
        (&updated.first_name, &updated.email, updated.client.id),
        (&listed.first_name, &listed.email, listed.client.id)
    );
    ensure_eq!(env.client.contacts().get(listed.id).send().await?, updated, "stored");
    Ok(())
}

async fn delete_contact(env: &Env) -> Outcome {
    let listed = first(env.client.contacts().list().per_page(1).send().await?, "contact")?;
    env.client.contacts().delete(listed.id).send().await?;
    gone(env.client.contacts().get(listed.id).send().await, "deleted contact")?;
    let theirs: Vec<Contact> = env.client.contacts().list().client_id(listed.client.id).stream().try_collect().await?;
    ensure!(!ids(&theirs).contains(&listed.id), "the deleted contact is still listed");
    Ok(())
}

//! Creates a client, renames it, clears its address, then deletes it.
//!
//! Run against the mock server (`cargo run -p harvest-mock -- serve`):
//! `cargo run -p harvest-client --example create_then_update`.

use harvest_client::Client;
use harvest_client::models::{CreateClientBody, UpdateClientBody};

#[tokio::main]
async fn main() -> Result<(), harvest_client::Error> {
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let client = Client::builder()
        .base_url(env("HARVEST_BASE_URL", "http://127.0.0.1:8080/v2"))
        .token(env("HARVEST_TOKEN", "demo-token"))
        .account_id(env("HARVEST_ACCOUNT_ID", "1"))
        .user_agent("harvest-client example (dev@example.com)")
        .build()?;

    let created =
        client.clients().create(CreateClientBody::new("Acme Corp").address("1 Main St").currency("EUR")).send().await?;
    println!("created {} {:?} {:?}", created.id, created.name, created.address);

    // `name` changes, `address` is cleared (sent as null), everything else is left as is.
    let update = UpdateClientBody::new().name("Acme Corporation").clear_address();
    let updated = client.clients().update(created.id, update).send().await?;
    println!("updated {} {:?} {:?}", updated.id, updated.name, updated.address);

    client.clients().delete(created.id).send().await?;
    println!("deleted {}", created.id);
    Ok(())
}

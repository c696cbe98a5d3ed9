//! Lists every time entry, page after page, with a running total of hours.
//!
//! Against the mock server: `cargo run -p harvest-mock -- serve` in one terminal, then
//! `cargo run -p harvest-client --example list_time_entries`. Set `HARVEST_BASE_URL`,
//! `HARVEST_TOKEN` and `HARVEST_ACCOUNT_ID` to point it elsewhere.

use futures_util::TryStreamExt;
use harvest_client::Client;
use harvest_client::runtime::Decimal;

#[tokio::main]
async fn main() -> Result<(), harvest_client::Error> {
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let client = Client::builder()
        .base_url(env("HARVEST_BASE_URL", "http://127.0.0.1:8080/v2"))
        .token(env("HARVEST_TOKEN", "demo-token"))
        .account_id(env("HARVEST_ACCOUNT_ID", "1"))
        .user_agent("harvest-client example (dev@example.com)")
        .build()?;

    let mut entries = client.time_entries().list().per_page(500).stream();
    let (mut count, mut hours) = (0u64, Decimal::ZERO);
    while let Some(entry) = entries.try_next().await? {
        count += 1;
        hours += entry.hours;
        if count <= 5 {
            println!("{} {} {}h {}", entry.id, entry.spent_date, entry.hours, entry.project.name);
        }
    }
    println!("{count} time entries, {hours} hours in total");
    Ok(())
}

//! The `generate_client!` macro and `cargo xtask codegen` produce the same client.

use std::path::Path;

/// The Harvest client generated at compile time from the same spec.
mod via_macro {
    harvest_codegen_macro::generate_client!("../spec/harvest");
}

/// What the macro path renders for the spec, file by file.
const MACRO_SOURCE: &str = harvest_codegen_macro::generate_client_source!("../spec/harvest");

#[test]
fn macro_renders_the_checked_in_files() -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated");
    let mut checked_in = String::new();
    for name in ["models.rs", "operations.rs", "mod.rs"] {
        let text = std::fs::read_to_string(dir.join(name)).map_err(|e| e.to_string())?;
        checked_in.push_str(&format!("==> {name} <==\n{text}"));
    }
    if MACRO_SOURCE == checked_in {
        Ok(())
    } else {
        Err("the macro's rendering differs from src/generated (run `cargo xtask codegen`)".into())
    }
}

/// Uses a client's API the same way for both copies: it compiles only if both expose it.
macro_rules! exercise {
    ($client:ty, $models:path) => {{
        #[allow(dead_code, unused_imports)]
        async fn calls(client: &$client) -> Result<(), harvest_client::Error> {
            use $models as m;
            let page = client.clients().list().is_active(true).per_page(10).send().await?;
            let _: Vec<m::Client> = page.items;
            let _entry: m::TimeEntry = client.time_entries().get(1).send().await?;
            let body = m::UpdateTimeEntryBody::new().clear_notes().hours(harvest_client::runtime::Decimal::ONE);
            let _ = client.time_entries().update(1, body).send().await?;
            let _stream = client.time_entries().list().stream();
            let _watch = client.clients().watch(std::time::Duration::from_secs(60));
            Ok(())
        }
    }};
}

#[test]
fn both_clients_expose_the_same_api() -> Result<(), harvest_client::Error> {
    exercise!(harvest_client::Client, harvest_client::models);
    exercise!(via_macro::Client, via_macro::models);
    let a = harvest_client::Client::builder().user_agent("test (t@example.com)").build()?;
    let b = via_macro::Client::builder().user_agent("test (t@example.com)").build()?;
    assert_eq!(a.base_url(), b.base_url());
    Ok(())
}

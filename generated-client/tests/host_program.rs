//! The client leaves the program it is linked into alone: no process-wide TLS provider,
//! no change to how `Decimal` serialises elsewhere, and a caller's own `reqwest::Client`
//! is used as given. Its own test binary, since the crypto provider is process state.

mod support;

use harvest_client::Client;
use harvest_client::models::UpdateTimeEntryBody;
use rust_decimal::Decimal;
use support::{reply, serve};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn build() -> Result<Client, harvest_client::Error> {
    Client::builder().token("tok").account_id(1).user_agent("host-tests (dev@example.com)").build()
}

/// Building clients installs no provider, so the application's own install succeeds, and
/// clients built after it (two in one process) still build.
#[cfg(feature = "rustls")]
#[test]
fn clients_leave_the_crypto_provider_to_the_application() -> TestResult {
    use rustls::crypto::CryptoProvider;
    build()?;
    assert!(CryptoProvider::get_default().is_none(), "building a client installed a provider");
    let installed = CryptoProvider::install_default(rustls::crypto::ring::default_provider());
    assert!(installed.is_ok(), "the application could not install its provider");
    build()?;
    build()?;
    Ok(())
}

/// A struct of the application with a plain `#[derive(Serialize)]` writes its `Decimal` as a
/// string (`rust_decimal`'s default), while the client's bodies send numbers.
#[test]
fn decimals_elsewhere_still_serialise_as_strings() -> TestResult {
    #[derive(serde::Serialize)]
    struct Invoice {
        amount: Decimal,
    }
    let amount = Decimal::new(250, 2);
    assert_eq!(serde_json::to_string(&Invoice { amount })?, r#"{"amount":"2.50"}"#);
    let body = UpdateTimeEntryBody::new().hours(amount);
    assert_eq!(serde_json::to_string(&body)?, r#"{"hours":2.5}"#);
    Ok(())
}

/// A caller's `reqwest::Client` carries the requests, with the client's headers added.
#[cfg(feature = "rustls")]
#[tokio::test]
async fn a_callers_http_client_is_used() -> TestResult {
    let server = serve(|_, _, _| reply(200, "{}")).await?;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let http = reqwest::Client::builder().tls_backend_preconfigured(tls).build()?;
    let client =
        Client::builder().base_url(&server.base).token("tok").user_agent("ua (a@b.c)").http_client(http).build()?;
    client.raw(harvest_client::runtime::Method::GET, "/users/me").send().await?;
    assert_eq!(server.requests()[0].header("authorization"), Some("Bearer tok"));
    Ok(())
}

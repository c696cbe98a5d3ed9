//! The progenitor-generated client against the real `harvest-mock` binary: it lists
//! clients, fetches one, creates one, and reads a 404 as Harvest's error body.
//!
//! The binary comes from `HARVEST_MOCK_BIN`, else `target/debug/harvest-mock` of the
//! workspace (`run.sh` builds it first).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use harvest_progenitor_check::{Client, Error, types};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn mock_binary() -> PathBuf {
    match std::env::var_os("HARVEST_MOCK_BIN") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/harvest-mock"),
    }
}

/// Starts the mock on a free port and returns it with its base URL (from the ready line).
async fn start_mock() -> Result<(Child, String), Box<dyn std::error::Error>> {
    let bin = mock_binary();
    let mut child = Command::new(&bin)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{}: {e} (build it with `cargo build -p harvest-mock`)", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(60), BufReader::new(stdout).read_line(&mut line)).await??;
    let ready: serde_json::Value = serde_json::from_str(&line)?;
    let api = ready["api"].as_str().ok_or_else(|| format!("no `api` in the ready line {line:?}"))?;
    Ok((child, api.to_string()))
}

/// A progenitor client carrying Harvest's credentials and a User-Agent.
fn harvest_client(api: &str) -> Result<Client, Box<dyn std::error::Error>> {
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer progenitor-token"));
    headers.insert("Harvest-Account-Id", HeaderValue::from_static("1"));
    headers.insert(USER_AGENT, HeaderValue::from_static("progenitor check (dev@example.com)"));
    let http = reqwest::Client::builder().default_headers(headers).timeout(Duration::from_secs(30)).build()?;
    Ok(Client::new_with_client(api, http))
}

#[tokio::test]
async fn the_generated_client_talks_to_the_mock() -> TestResult {
    let (mut mock, api) = start_mock().await?;
    let client = harvest_client(&api)?;

    let page = client.list_clients().per_page(5).send().await?.into_inner();
    assert!(!page.clients.is_empty() && page.clients.len() <= 5, "{} clients", page.clients.len());
    assert!(page.total_entries.unwrap_or_default() >= page.clients.len() as i64);

    let first = &page.clients[0];
    let fetched = client.retrieve_client().client_id(first.id).send().await?.into_inner();
    assert_eq!((fetched.id, &fetched.name), (first.id, &first.name));

    let body = types::CreateClientBody {
        name: "Progenitor Ltd".into(),
        address: Some("1 Generated Way".into()),
        currency: None,
        is_active: None,
    };
    let created = client.create_client().body(body).send().await?;
    assert_eq!(created.status().as_u16(), 201);
    let again = client.retrieve_client().client_id(created.id).send().await?.into_inner();
    assert_eq!(again.name, "Progenitor Ltd");
    assert_eq!(again.address.as_deref(), Some("1 Generated Way"));

    match client.retrieve_client().client_id(i64::MAX).send().await {
        Err(Error::ErrorResponse(answer)) => {
            assert_eq!(answer.status().as_u16(), 404);
            assert!(answer.error.is_some() || answer.message.is_some(), "{:?}", answer.into_inner());
        }
        other => return Err(format!("expected a 404 error response, got {other:?}").into()),
    }

    mock.start_kill()?;
    mock.wait().await?;
    Ok(())
}

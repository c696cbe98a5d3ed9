//! `harvest-mock serve`: run the Harvest v2 mock server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use harvest_mock::{Config, MockServer};

/// A stateful, spec-driven imitation of the Harvest v2 API.
#[derive(Debug, Parser)]
#[command(name = "harvest-mock", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the server.
    Serve(Serve),
}

#[derive(Debug, clap::Args)]
struct Serve {
    /// Address to listen on.
    #[arg(long, env = "HARVEST_MOCK_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Seed of the generated data.
    #[arg(long, env = "HARVEST_MOCK_SEED", default_value_t = 42)]
    seed: u64,
    /// Multiplier of every resource's record count (500 gives 1,000,000 time entries).
    #[arg(long, env = "HARVEST_MOCK_SCALE", default_value_t = 1.0)]
    scale: f64,
    /// Spec file or directory (default: the embedded Harvest spec).
    #[arg(long, env = "HARVEST_MOCK_SPEC")]
    spec: Option<PathBuf>,
    /// Accepted token (repeat or comma-separate; default: any non-empty token).
    #[arg(long, env = "HARVEST_MOCK_TOKEN", value_delimiter = ',')]
    token: Vec<String>,
    /// Enforce Harvest's rate limits.
    #[arg(long, env = "HARVEST_MOCK_RATE_LIMIT")]
    rate_limit: bool,
    /// Delay added to every API response, in milliseconds.
    #[arg(long, env = "HARVEST_MOCK_LATENCY", default_value_t = 0)]
    latency: u64,
    /// Keep the state in this file across restarts.
    #[arg(long, env = "HARVEST_MOCK_STATE")]
    state: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let Command::Serve(s) = Cli::parse().command;
    if !(s.scale.is_finite() && s.scale > 0.0) {
        tracing::error!("--scale must be a positive number");
        return std::process::ExitCode::FAILURE;
    }
    let config = Config {
        addr: s.addr,
        seed: s.seed,
        scale: s.scale,
        spec: s.spec,
        tokens: s.token.into_iter().filter(|t| !t.is_empty()).collect(),
        rate_limit: s.rate_limit,
        latency: Duration::from_millis(s.latency),
        state: s.state,
        ..Config::default()
    };
    let started = std::time::Instant::now();
    let server = match MockServer::start(config).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(
        "harvest-mock listening on {} (API under /v2 and /api/v2, admin under /__admin), ready in {:?}",
        server.base_url(),
        started.elapsed()
    );
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::error!("cannot wait for Ctrl-C: {e}");
    }
    tracing::info!("shutting down");
    server.shutdown().await;
    std::process::ExitCode::SUCCESS
}

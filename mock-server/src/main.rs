//! `harvest-mock serve`: run the Harvest v2 mock server as a process. It logs
//! on stderr, writes one ready line on stdout once it serves, and stops
//! gracefully on SIGTERM or SIGINT (`harvest-mock serve --help` for the rest).
//! `harvest-mock export DIR` writes an account as fixtures.

mod cli;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use harvest_mock::MockServer;

use cli::StartError;
use cli::args::{Cli, Command, LogFormat, Serve};

/// mimalloc serves the many small allocations of seeding and of requests from per-thread
/// pages; a record freed on another thread than the one that made it costs no lock.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long open requests may take to finish once a stop signal arrives.
const GRACE: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> ExitCode {
    let done = match Cli::parse().command {
        Command::Serve(args) => {
            cli::logging::init(args.log_format);
            serve(args).await
        }
        Command::Export(args) => {
            cli::logging::init(LogFormat::Pretty);
            match tokio::task::spawn_blocking(move || args.run()).await {
                Ok(Ok((dir, files))) => {
                    tracing::info!("wrote {} files to {}", files.len(), dir.display());
                    Ok(())
                }
                Ok(Err(e)) => Err(e),
                Err(e) => Err(StartError::Server(harvest_mock::Error::Io(std::io::Error::other(e.to_string())))),
            }
        }
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Starts the server, announces it, and serves until a stop signal.
async fn serve(args: Serve) -> Result<(), StartError> {
    let config = args.config()?;
    // Before the ready line: a signal sent right after it must stop the server, not kill it.
    let shutdown = cli::signals::Shutdown::listen().map_err(StartError::Signals)?;
    let started = Instant::now();
    let server = MockServer::start(config).await?;
    tracing::info!(
        "harvest-mock listening on {} (API under /v2 and /api/v2, admin under /__admin), ready in {:?}",
        server.base_url(),
        started.elapsed()
    );
    if let Err(e) = cli::ready::announce(server.addr()) {
        tracing::warn!("could not write the ready line to stdout: {e}");
    }
    match shutdown.recv().await {
        Ok(signal) => tracing::info!("{signal}: shutting down"),
        Err(e) => tracing::error!("cannot wait for a stop signal ({e}); shutting down"),
    }
    if tokio::time::timeout(GRACE, server.shutdown()).await.is_err() {
        tracing::warn!("open requests did not finish within {GRACE:?}; stopping anyway");
    }
    Ok(())
}

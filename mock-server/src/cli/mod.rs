//! The `harvest-mock` binary's pieces: arguments, boolean values, logging,
//! signals, the ready line, and why a start can fail.

pub mod args;
pub mod boolish;
pub mod export;
pub mod logging;
pub mod ready;
pub mod signals;

use std::net::SocketAddr;

/// Why the binary could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// `--scale` is not a positive number.
    #[error("--scale (HARVEST_MOCK_SCALE) must be a positive number, not {0}")]
    Scale(f64),
    /// A non-loopback address without an admin token or `--allow-open-admin`.
    #[error(
        "refusing to listen on {0} without an admin token: anyone who reaches this address could reset, \
         reseed, read the journal of or inject faults into the mock through /__admin. Pass --admin-token \
         <TOKEN> (HARVEST_MOCK_ADMIN_TOKEN), or --allow-open-admin (HARVEST_MOCK_ALLOW_OPEN_ADMIN=true) to \
         accept that, or listen on 127.0.0.1"
    )]
    OpenAdmin(SocketAddr),
    /// `export --state` names a file that does not exist (export never creates one).
    #[error("--state {0}: no such state database (export only reads one)")]
    NoState(std::path::PathBuf),
    /// The signal listeners could not be installed.
    #[error("cannot listen for SIGTERM/SIGINT: {0}")]
    Signals(std::io::Error),
    /// The fixtures could not be written.
    #[error(transparent)]
    Export(#[from] harvest_mock::fixtures::FixtureError),
    /// The server did not start.
    #[error(transparent)]
    Server(#[from] harvest_mock::Error),
}

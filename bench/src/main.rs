//! `harvest-bench`: the measurement pieces of `cargo xtask bench` that need the
//! generated client, the code generator or an HTTP server of their own.
//!
//! Every subcommand talks to 127.0.0.1 only, is bounded by counts or durations,
//! and prints one JSON object on stdout; `cargo xtask bench` runs them, adds the
//! `wrk` and process measurements, and renders `BENCHMARKS.md`.

mod accounts;
mod ceiling;
mod client;
mod codegen;
mod endpoints;
mod pages;
mod stats;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Measurement pieces of `cargo xtask bench`.
#[derive(Debug, Parser)]
#[command(name = "harvest-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Capture each benchmarked endpoint's response from the mock, print the plan
    /// as JSON, then serve the captured bytes until stdin closes.
    Ceiling {
        /// The mock's origin, e.g. `http://127.0.0.1:8080`.
        #[arg(long)]
        mock: String,
        /// Address of the ceiling server (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
        /// Stop after this many seconds even if stdin stays open.
        #[arg(long, default_value_t = 1800)]
        max_seconds: u64,
    },
    /// Fetch every time entry through the generated client.
    Fetch {
        /// The mock's origin.
        #[arg(long)]
        mock: String,
        /// Page size.
        #[arg(long, default_value_t = 2000)]
        per_page: u32,
    },
    /// Decode throughput of the client's list-page type against `serde_json::Value`.
    Decode {
        /// The mock's origin.
        #[arg(long)]
        mock: String,
        /// Size of the captured page.
        #[arg(long, default_value_t = 2000)]
        per_page: u32,
        /// Seconds spent decoding with each decoder.
        #[arg(long, default_value_t = 1.0)]
        seconds: f64,
    },
    /// Median time of the first page and of a deep page of time entries.
    Pages {
        /// The mock's origin.
        #[arg(long)]
        mock: String,
        /// Page size.
        #[arg(long, default_value_t = 100)]
        per_page: u32,
        /// The deep page's number.
        #[arg(long, default_value_t = 400)]
        deep_page: u64,
        /// Requests per page (after one warm-up request each).
        #[arg(long, default_value_t = 51)]
        samples: usize,
    },
    /// Create accounts by a first request each, read the memory they add, and time
    /// snapshots and restores of one.
    Accounts {
        /// The mock's origin.
        #[arg(long)]
        mock: String,
        /// The mock's process id (its memory is read from /proc).
        #[arg(long)]
        pid: u32,
        /// Accounts to create.
        #[arg(long, default_value_t = 1000)]
        accounts: u64,
        /// Samples of each timed request.
        #[arg(long, default_value_t = 101)]
        samples: usize,
    },
    /// Print the JSON body of a valid time-entry create for the mock's data.
    CreateBody {
        /// The mock's origin.
        #[arg(long)]
        mock: String,
    },
    /// Time spec loading and code generation from the embedded spec.
    Codegen {
        /// Runs of each step; the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Codegen { runs } => codegen::run(runs),
        command => runtime().and_then(|rt| rt.block_on(run_async(command))),
    };
    match outcome {
        Ok(json) => {
            if let Some(json) = json {
                println!("{json}");
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("harvest-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

async fn run_async(command: Command) -> Result<Option<serde_json::Value>, String> {
    match command {
        Command::Ceiling { mock, addr, max_seconds } => ceiling::run(&mock, addr, max_seconds).await,
        Command::Fetch { mock, per_page } => client::fetch(&mock, per_page).await,
        Command::Decode { mock, per_page, seconds } => client::decode(&mock, per_page, seconds).await,
        Command::Pages { mock, per_page, deep_page, samples } => pages::run(&mock, per_page, deep_page, samples).await,
        Command::Accounts { mock, pid, accounts, samples } => accounts::run(&mock, pid, accounts, samples).await,
        Command::CreateBody { mock } => endpoints::create_body(&mock).await,
        Command::Codegen { runs } => codegen::run(runs),
    }
}

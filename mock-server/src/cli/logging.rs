//! Logs on stderr: human-readable lines (colour only on a terminal and
//! without `NO_COLOR`) or one JSON object per line, filtered by `RUST_LOG`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use super::args::LogFormat;

/// Installs the global subscriber; warns when `RUST_LOG` is set but invalid.
pub fn init(format: LogFormat) {
    let (filter, invalid) = match EnvFilter::try_from_default_env() {
        Ok(f) => (f, None),
        Err(e) => (EnvFilter::new("info"), std::env::var_os(EnvFilter::DEFAULT_ENV).map(|_| e)),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Pretty => {
            let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            builder.with_ansi(colour).init();
        }
        LogFormat::Json => builder.json().flatten_event(true).with_ansi(false).init(),
    }
    if let Some(e) = invalid {
        tracing::warn!("RUST_LOG is not a valid filter ({e}); logging at info");
    }
}

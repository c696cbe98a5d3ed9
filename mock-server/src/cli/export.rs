//! `harvest-mock export DIR`: writes one account (seeded from the same flags
//! as `serve`, read from a state database, or loaded from fixtures) as
//! fixtures, one pretty-printed JSON file per resource.

use std::path::PathBuf;

use harvest_mock::{AppState, Config};

use super::StartError;
use super::args::Data;

/// Shown after the flags of `harvest-mock export --help`.
pub const EXPORT_AFTER_HELP: &str = r#"Output:
  DIR/<plural>.json   one file per resource of the spec (clients.json, time_entries.json, ...):
                      an array of its records in id order, each as a GET returns it (embedded
                      {"id", "name", ...} summaries and computed fields included); a nested
                      resource's records also carry the parent their path names
                      ("user": {"id": 5} on billable_rates)
  DIR/teammates.json  [{"user_id": 5, "teammate_ids": [7, 8]}, ...]
  DIR/manifest.json   {"format": 1, "api": ..., "account_id": ...}
  Pretty-printed, newline at the end; the same account gives the same bytes. Files of these
  names are overwritten; others are left alone.

Load them with `harvest-mock serve --fixtures DIR` or POST /__admin/import (the files' contents as
one object: {"clients": [...], "projects": [...], ...})."#;

/// Flags of `export`.
#[derive(Debug, clap::Args)]
pub struct Export {
    /// Directory to write the files into (created when missing).
    dir: PathBuf,
    #[command(flatten)]
    data: Data,
    /// Export the account kept in this state database (it must exist; it is only read).
    #[arg(long, env = "HARVEST_MOCK_STATE")]
    state: Option<PathBuf>,
    /// Export these fixtures, checked and with every omitted and computed value filled in.
    #[arg(long, env = "HARVEST_MOCK_FIXTURES", value_name = "DIR", conflicts_with = "state")]
    fixtures: Option<PathBuf>,
    /// The account id written into the manifest.
    #[arg(long, env = "HARVEST_MOCK_ACCOUNT_ID", value_name = "ID", default_value_t = 1)]
    account_id: i64,
}

impl Export {
    /// Builds the account and writes it; returns the directory and the files written.
    pub fn run(self) -> Result<(PathBuf, Vec<String>), StartError> {
        self.data.check()?;
        if let Some(state) = self.state.as_ref().filter(|p| !p.exists()) {
            return Err(StartError::NoState(state.clone()));
        }
        let config = Config {
            seed: self.data.seed,
            scale: self.data.scale,
            spec: self.data.spec,
            state: self.state,
            fixtures: self.fixtures,
            now: self.data.now,
            account_id: self.account_id,
            ..Config::default()
        };
        let state = AppState::new(config)?;
        let files = state.export_fixtures(self.account_id, &self.dir)?;
        Ok((self.dir, files))
    }
}

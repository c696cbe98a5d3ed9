//! Fixtures through the shared state: what `harvest-mock export`, tests
//! and tools call (see [`crate::fixtures`] for the format and the checks).

use std::path::Path;

use serde_json::{Map, Value};

use super::AppState;
use crate::fixtures::{self, FixtureError};

impl AppState {
    /// Account `account` as fixture documents (resource plural, `teammates`, `manifest` → JSON),
    /// in the order `export` writes them; [`fixtures::pretty`] gives a document's file bytes.
    pub fn fixture_documents(&self, account: i64) -> Result<Vec<(String, Value)>, FixtureError> {
        fixtures::export_documents(&self.app, account)
    }

    /// Writes account `account` into `dir` (created when missing), one `<key>.json` file per
    /// document, overwriting files of those names; returns the names written.
    pub fn export_fixtures(&self, account: i64, dir: &Path) -> Result<Vec<String>, FixtureError> {
        fixtures::export_dir(&self.app, account, dir)
    }

    /// Replaces account `account`'s data with the fixtures of `dir` (its `*.json` files); on
    /// any problem ([`FixtureError::Invalid`] lists them all) nothing changes.
    pub fn import_fixtures(&self, account: i64, dir: &Path) -> Result<(), FixtureError> {
        fixtures::import_dir(&self.app, account, dir)
    }

    /// Replaces account `account`'s data with fixture documents given as one object (what
    /// `POST /__admin/import` takes); on any problem nothing changes.
    pub fn import_fixture_documents(&self, account: i64, docs: Map<String, Value>) -> Result<(), FixtureError> {
        fixtures::import_documents(&self.app, account, docs)
    }
}

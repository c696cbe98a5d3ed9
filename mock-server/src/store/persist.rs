//! `--state FILE`: the store saved as JSON, written atomically (temp file + rename).

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::Error;
use crate::plan::Plan;
use crate::store::Store;

/// Saves the store; a crash mid-write leaves the old file intact.
pub fn save(store: &Store, path: &Path) -> Result<(), Error> {
    let tmp = path.with_extension("tmp");
    let bytes = serde_json::to_vec(store)
        .map_err(|e| Error::State { path: path.display().to_string(), message: e.to_string() })?;
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    // Make the rename itself durable.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Loads a saved store and rebuilds its indexes.
pub fn load(plan: &Plan, path: &Path) -> Result<Store, Error> {
    let err = |m: String| Error::State { path: path.display().to_string(), message: m };
    let bytes = fs::read(path)?;
    let mut store: Store = serde_json::from_slice(&bytes).map_err(|e| err(e.to_string()))?;
    if store.tables.len() != plan.spec.resources.len() {
        return Err(err("the state was saved with another spec".into()));
    }
    store.reindex(plan);
    Ok(store)
}

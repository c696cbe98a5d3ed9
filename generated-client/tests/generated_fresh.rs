//! The checked-in `src/generated/` equals what `cargo xtask codegen` writes now.

use std::path::Path;

#[test]
fn generated_code_is_fresh() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = harvest_spec::load_path(&root.join("../spec/harvest")).map_err(|d| d.to_string())?;
    let files = harvest_codegen::generate_sources(&spec).map_err(|e| e.to_string())?;
    let states = harvest_codegen::sync_dir(&root.join("src/generated"), &files, true).map_err(|e| e.to_string())?;
    let stale: Vec<String> = states
        .iter()
        .filter_map(|s| match s {
            harvest_codegen::FileState::Stale(p) | harvest_codegen::FileState::Extra(p) => {
                Some(p.display().to_string())
            }
            _ => None,
        })
        .collect();
    if stale.is_empty() { Ok(()) } else { Err(format!("stale generated files (run `cargo xtask codegen`): {stale:?}")) }
}

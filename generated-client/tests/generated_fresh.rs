//! The checked-in `src/generated/` and `api/` equal what `cargo xtask codegen` writes now.

use std::path::Path;

use harvest_codegen::FileState;

#[test]
fn generated_code_is_fresh() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = harvest_spec::load_path(&root.join("../spec/harvest")).map_err(|d| d.to_string())?;
    let outputs = [
        ("src/generated", harvest_codegen::generate_sources(&spec).map_err(|e| e.to_string())?),
        ("api", harvest_codegen::doc_sources(&spec).map_err(|e| e.to_string())?),
    ];
    let mut stale = Vec::new();
    for (dir, files) in outputs {
        for state in harvest_codegen::sync_dir(&root.join(dir), &files, true).map_err(|e| e.to_string())? {
            if let FileState::Stale(p) | FileState::Extra(p) = state {
                stale.push(p.display().to_string());
            }
        }
    }
    if stale.is_empty() { Ok(()) } else { Err(format!("stale generated files (run `cargo xtask codegen`): {stale:?}")) }
}

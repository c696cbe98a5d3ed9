//! Golden tests: each fixture spec in `tests/specs/` generates exactly the checked-in
//! files in `tests/golden/<name>/` (compiled by `harvest-client`'s `goldens` test).
//! Run with `UPDATE_GOLDEN=1` to rewrite them after an intended change.

use std::path::Path;

use harvest_codegen::FileState;

fn check(name: &str) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let spec = harvest_spec::load_path(&root.join(format!("specs/{name}.yaml"))).map_err(|d| d.to_string())?;
    let files = harvest_codegen::generate_sources(&spec).map_err(|e| e.to_string())?;
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let states =
        harvest_codegen::sync_dir(&root.join("golden").join(name), &files, !update).map_err(|e| e.to_string())?;
    let stale: Vec<_> = states.iter().filter(|s| matches!(s, FileState::Stale(_) | FileState::Extra(_))).collect();
    if stale.is_empty() || update {
        Ok(())
    } else {
        Err(format!("golden output differs (UPDATE_GOLDEN=1 to accept): {stale:?}"))
    }
}

#[test]
fn nullable_optional() -> Result<(), String> {
    check("nullable_optional")
}

#[test]
fn open_enums() -> Result<(), String> {
    check("open_enums")
}

#[test]
fn keywords() -> Result<(), String> {
    check("keywords")
}

#[test]
fn nested() -> Result<(), String> {
    check("nested")
}

#[test]
fn pagination() -> Result<(), String> {
    check("pagination")
}

#[test]
fn the_harvest_spec_generates() -> Result<(), String> {
    let spec = harvest_spec::harvest().map_err(|d| d.to_string())?;
    let files = harvest_codegen::generate_sources(&spec).map_err(|e| e.to_string())?;
    assert_eq!(files.len(), 3);
    Ok(())
}

#[test]
fn bad_names_are_errors_not_panics() {
    for bad in ["", "1abc", "a-b", "type", "r#self", "r#", "é", "_"] {
        assert!(harvest_codegen::parse_ident(bad).is_err(), "{bad:?} should be rejected");
    }
    for good in ["a", "r#type", "TimeEntry", "_x1"] {
        assert!(harvest_codegen::parse_ident(good).is_ok(), "{good:?} should be accepted");
    }
}

#[test]
fn an_ir_with_unusable_names_yields_an_error() -> Result<(), String> {
    let mut spec = harvest_spec::load_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/open_enums.yaml"))
        .map_err(|d| d.to_string())?;
    if let Some(e) = spec.enums.first_mut() {
        e.rust.pascal = "not an ident".into();
    }
    assert!(harvest_codegen::generate(&spec).is_err());
    if let Some(e) = spec.enums.first_mut() {
        e.rust.pascal = "Light".into();
        e.unknown_variant = "Other".into();
        if let Some(v) = e.values.first_mut() {
            v.variant = "Other".into();
        }
    }
    let err = harvest_codegen::generate(&spec).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("the variant for unknown values, `Other`, is also a listed value"), "{err}");
    if let Some(op) = spec.operations.first_mut() {
        op.path.segments.push(harvest_spec::ir::PathSegment::Param(99));
    }
    if let Some(v) = spec.enums.first_mut().and_then(|e| e.values.first_mut()) {
        v.variant = "Red".into();
    }
    assert!(harvest_codegen::generate(&spec).is_err());
    Ok(())
}

#[test]
fn openapi_lists_every_operation_once() -> Result<(), String> {
    let spec = harvest_spec::harvest().map_err(|d| d.to_string())?;
    let doc = harvest_codegen::openapi(&spec).map_err(|e| e.to_string())?;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids: Vec<String> = doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(|item| item.as_object())
        .flat_map(|item| item.values())
        .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    let mut expected: Vec<String> = spec.operations.iter().map(|o| o.id.clone()).collect();
    expected.sort();
    assert_eq!(ids, expected);
    let md = harvest_codegen::markdown(&spec);
    for op in &spec.operations {
        assert!(md.contains(&format!("### `{}`", op.id)), "{} missing from the reference", op.id);
    }
    Ok(())
}

#[test]
fn check_names_stale_missing_and_extra_files() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("harvest-codegen-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files = vec![("a.rs".to_string(), "// a\n".to_string()), ("b.rs".to_string(), "// b\n".to_string())];
    // Writing creates both files; checking then finds everything fresh.
    harvest_codegen::sync_dir(&dir, &files, false)?;
    assert!(harvest_codegen::sync_dir(&dir, &files, true)?.iter().all(|s| matches!(s, FileState::Fresh(_))));
    std::fs::write(dir.join("a.rs"), "// edited by hand\n")?;
    std::fs::remove_file(dir.join("b.rs"))?;
    std::fs::write(dir.join("old.rs"), "// no longer generated\n")?;
    std::fs::write(dir.join("notes.txt"), "not ours\n")?;
    let states = harvest_codegen::sync_dir(&dir, &files, true)?;
    assert_eq!(
        states,
        vec![
            FileState::Stale(dir.join("a.rs")),
            FileState::Stale(dir.join("b.rs")),
            FileState::Extra(dir.join("old.rs"))
        ]
    );
    // Checking wrote nothing.
    assert_eq!(std::fs::read_to_string(dir.join("a.rs"))?, "// edited by hand\n");
    // Writing repairs it and removes the extra file, leaving other kinds of files alone.
    harvest_codegen::sync_dir(&dir, &files, false)?;
    assert!(harvest_codegen::sync_dir(&dir, &files, true)?.iter().all(|s| matches!(s, FileState::Fresh(_))));
    assert!(dir.join("notes.txt").exists());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

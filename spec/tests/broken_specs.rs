//! Each file in `tests/broken/` holds spec mistakes; the loader must report
//! every one with a location and a hint, and never panic.

use harvest_spec::{Source, load_sources};

fn fixture_api() -> Source {
    let name = "tests/fixtures/api.yaml";
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/api.yaml"))
        .unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
    Source { name: name.into(), text }
}

#[test]
fn broken_specs_report_located_diagnostics() {
    insta::glob!("broken/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut sources = vec![Source { name: format!("broken/{file_name}"), text }];
        if !file_name.contains("no_api_section") {
            sources.insert(0, fixture_api());
        }
        let diags = match load_sources(&sources) {
            Ok(_) => panic!("{file_name} loaded without a diagnostic"),
            Err(diags) => diags,
        };
        for d in &diags.0 {
            assert!(d.location.line >= 1 && d.location.column >= 1, "{file_name}: unlocated diagnostic {d}");
        }
        insta::assert_snapshot!(diags.to_string());
    });
}

#[test]
fn every_problem_is_collected_not_just_the_first() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/broken/06_unknown_type.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let Err(diags) = load_sources(&[fixture_api(), Source { name: "six.yaml".into(), text }]) else {
        panic!("a spec with two unknown types loaded");
    };
    assert_eq!(diags.len(), 2, "{diags}");
}

#[test]
fn the_fixture_api_alone_is_valid() {
    let spec = load_sources(&[fixture_api()]).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(spec.api.pagination.max, 2000);
    assert!(spec.operations.is_empty());
}

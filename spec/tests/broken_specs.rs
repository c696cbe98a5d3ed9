//! Each file in `tests/broken/` holds spec mistakes; the loader must report
//! every one with a location and a hint, and never panic.

use harvest_spec::catalog::{Catalog, Kind, Need};
use harvest_spec::{Source, load_sources, load_sources_with};

fn fixture(file: &str) -> Source {
    let name = format!("tests/fixtures/{file}");
    let path = format!("{}/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
    Source { name, text }
}

fn fixture_api() -> Source {
    fixture("api.yaml")
}

#[test]
fn broken_specs_report_located_diagnostics() {
    insta::glob!("broken/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut sources = vec![Source { name: format!("broken/{file_name}"), text }];
        let own_api = sources[0].text.lines().any(|l| l.starts_with("api:"));
        if !file_name.contains("no_api_section") && !own_api {
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

/// What the behaviours of `tests/fixtures/catalog.yaml` need.
fn catalog() -> Catalog {
    Catalog::default()
        .with(
            "invoice_totals",
            vec![
                Need::own("due_amount", Kind::Decimal),
                Need::own("amount", Kind::Decimal),
                Need::own("line_items", Kind::Array),
                Need::of_type("invoice_line_item", "quantity", Kind::Number),
                Need::of_type("invoice_line_item", "unit_price", Kind::Number),
            ],
        )
        .with(
            "invoice_message",
            vec![
                Need::parent("state", Kind::String),
                Need::own("event_type", Kind::String),
                Need::own("invoice", Kind::Ref(Some("invoice".into()))),
                Need::resource("invoice_payment", "amount", Kind::Decimal),
            ],
        )
        .with("invoice_message_template", Vec::new())
}

#[test]
fn catalog_needs_report_located_diagnostics() {
    let sources = [fixture_api(), fixture("catalog.yaml")];
    // Without a catalog the spec is valid: behaviour names belong to whatever interprets it.
    if let Err(diags) = load_sources(&sources) {
        panic!("catalog.yaml is a valid spec on its own:\n{diags}");
    }
    let Err(diags) = load_sources_with(&sources, &catalog()) else {
        panic!("catalog.yaml loaded although it breaks the catalog");
    };
    insta::assert_snapshot!(diags.to_string());
}

#[test]
fn missing_docs_are_reported_only_when_the_api_requires_them() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/broken/40_missing_docs.yaml");
    let strict = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
    let relaxed = strict.replace("  require_docs: true\n", "");
    assert_ne!(relaxed, strict, "the fixture no longer sets require_docs");
    let spec = load_sources(&[Source { name: "relaxed.yaml".into(), text: relaxed }]).unwrap_or_else(|d| panic!("{d}"));
    let client = spec.resources.iter().find(|r| r.name == "client").unwrap_or_else(|| panic!("no client"));
    let doc = |name: &str| client.field(name).map(|f| f.doc.clone());
    assert_eq!(doc("id").as_deref(), Some("Unique id of the client."));
    assert_eq!(doc("created_at").as_deref(), Some("When the record was created."));
    assert_eq!(doc("updated_at").as_deref(), Some("When the record last changed."));
    assert_eq!(doc("name").as_deref(), Some(""));
    let Err(diags) = load_sources(&[Source { name: "strict.yaml".into(), text: strict }]) else {
        panic!("fields without docs loaded although the api requires docs");
    };
    let named: Vec<&str> = diags.0.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        named,
        [
            "field `address_line.text` has no `doc`",
            "field `client.name` has no `doc`",
            "field `client.notify` has no `doc`",
            "filter `listClients.name` has no `doc`",
            "body field `archiveClient.reason` has no `doc`",
        ]
    );
    assert!(diags.0.iter().all(|d| d.location.file == "strict.yaml"), "{diags}");
}

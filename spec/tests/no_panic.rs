//! The loader must never panic, whatever it is fed.

use harvest_spec::catalog::{Catalog, Kind, Need};
use harvest_spec::{Source, harvest_sources, load_sources, load_sources_with};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Keys and words of the spec format, so random documents reach deep into the resolver.
const WORDS: &[&str] = &[
    "api",
    "enums",
    "types",
    "resources",
    "groups",
    "fields",
    "operations",
    "type",
    "ref",
    "embed",
    "via",
    "derive",
    "match",
    "input",
    "required",
    "optional",
    "kind",
    "list",
    "get",
    "method",
    "GET",
    "path",
    "/clients/{id}",
    "params",
    "self",
    "status",
    "pagination",
    "cursor",
    "page",
    "filters",
    "field",
    "response",
    "search",
    "entity",
    "delete",
    "when",
    "then",
    "block",
    "id",
    "string",
    "[id]",
    "client",
    "project.client",
    "values",
    "per_page",
    "default",
    "max",
    "behavior",
    "name",
    "plural",
    "sort",
    "created_at desc",
    "role",
    "created_at",
    "datetime",
    "compute",
    "product",
    "states",
    "transitions",
    "event",
    "from",
    "to",
    "stamp",
    "clear",
    "also",
    "nullify",
    "selects",
    "current_user",
];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS).prop_map(str::to_string)
}

fn document() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        word().prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((word(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = load_sources(&[Source { name: "random.yaml".into(), text }]);
    }

    #[test]
    fn arbitrary_documents_never_panic(doc in document()) {
        // JSON is valid YAML, so the generated tree can be fed as text.
        let _ = load_sources(&[Source { name: "random.yaml".into(), text: doc.to_string() }]);
    }

}

proptest! {
    // Each case loads the whole Harvest spec, so fewer cases keep the debug-mode run short.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mutated_harvest_spec_never_panics(file in 0usize..64, line in 0usize..400, edit in 0u8..4, junk in "[a-z_:{}\\[\\], -]{0,12}") {
        let mut sources = harvest_sources();
        let i = file % sources.len().max(1);
        if let Some(source) = sources.get_mut(i) {
            let mut lines: Vec<String> = source.text.lines().map(str::to_string).collect();
            if !lines.is_empty() {
                let at = line % lines.len();
                match edit {
                    0 => { lines.remove(at); }
                    1 => lines[at].push_str(&junk),
                    2 => lines.insert(at, junk.clone()),
                    _ => lines[at] = lines[at].replacen(':', &junk, 1),
                }
            }
            source.text = lines.join("\n");
        }
        let _ = load_sources(&sources);
        let _ = load_sources_with(&sources, &catalog());
    }
}

/// Every built-in behaviour, each needing fields of every kind of subject.
fn catalog() -> Catalog {
    let needs = vec![
        Need::own("state", Kind::String),
        Need::parent("sent_at", Kind::DateTime),
        Need::resource("invoice", "client", Kind::Ref(Some("client".into()))),
        Need::of_type("invoice_line_item", "quantity", Kind::Number),
    ];
    let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    let mut names: Vec<String> = spec.operations.iter().filter_map(|op| op.behavior.clone()).collect();
    names.sort();
    names.dedup();
    names.into_iter().fold(Catalog::default(), |c, name| c.with(name, needs.clone()))
}

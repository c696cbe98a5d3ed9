//! The generator never panics: IR names and references are checked, not trusted.

use std::path::Path;
use std::sync::OnceLock;

use harvest_spec::Spec;
use proptest::prelude::*;

fn base() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/nested.yaml");
        harvest_spec::load_path(&dir).ok()
    })
    .as_ref()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn arbitrary_names_and_indexes_give_errors_not_panics(
        name in "\\PC{0,12}",
        which in 0usize..8,
        index in 0usize..40,
    ) {
        let Some(spec) = base() else { return Err(TestCaseError::fail("fixture spec must load")) };
        let mut spec = spec.clone();
        match which {
            0 => if let Some(f) = spec.resources.iter_mut().flat_map(|r| r.fields.iter_mut()).nth(index % 8) { f.ident = name.clone() },
            1 => if let Some(r) = spec.resources.get_mut(index % 2) { r.rust.pascal = name.clone() },
            2 => if let Some(o) = spec.operations.get_mut(index % 5) { o.ident = name.clone() },
            3 => if let Some(o) = spec.operations.get_mut(index % 5) { o.id = name.clone() },
            4 => if let Some(g) = spec.groups.get_mut(index % 2) { g.rust.ident = name.clone() },
            5 => if let Some(o) = spec.operations.get_mut(index % 5) {
                o.path.segments.push(harvest_spec::ir::PathSegment::Param(index));
            },
            6 => if let Some(f) = spec.resources.iter_mut().flat_map(|r| r.fields.iter_mut()).nth(index % 8) {
                f.ty = harvest_spec::ir::TypeRef::Object(harvest_spec::ir::TypeId(index));
            },
            _ => if let Some(b) = spec.operations.iter_mut().filter_map(|o| o.body.as_mut()).nth(index % 2) { b.rust = name.clone() },
        }
        if let Ok(files) = harvest_codegen::generate(&spec) {
            // Whatever generates also renders (the tokens are valid Rust).
            prop_assert!(harvest_codegen::render(&files).is_ok());
        }
    }
}

/// A field named like the `clear_<field>()` setter of a nullable field is an error, not
/// generated code that fails to compile.
#[test]
fn a_field_named_like_a_clear_setter_is_an_error() -> Result<(), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/nullable_optional.yaml");
    let mut spec = harvest_spec::load_path(&path).map_err(|d| d.to_string())?;
    let body = spec.operations.iter_mut().filter_map(|o| o.body.as_mut()).find(|b| b.rust == "UpdateNoteBody");
    let field = body.and_then(|b| b.fields.iter_mut().find(|f| f.ident == "score")).ok_or("no `score` body field")?;
    field.ident = "clear_summary".into();
    match harvest_codegen::generate(&spec) {
        Err(e) if e.to_string().contains("clear_summary") => Ok(()),
        other => Err(format!("expected a clash error, got {other:?}")),
    }
}

//! The spec covers the real API: every operation of `endpoints.tsv`, and every
//! field (with a compatible type) of every entity in the seed connector's docs.

use std::collections::BTreeMap;
use std::path::PathBuf;

use harvest_spec::Spec;
use harvest_spec::ir::{PathSegment, Schema, TypeRef};

fn spec() -> Spec {
    harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"))
}

fn manifest_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// `shared/reference/endpoints.tsv` beside the project when present, else the copy kept as test data.
fn endpoints_tsv() -> String {
    let shared = manifest_path("../../shared/reference/endpoints.tsv");
    let copy = manifest_path("tests/data/endpoints.tsv");
    let copy_text = std::fs::read_to_string(&copy).unwrap_or_else(|e| panic!("{}: {e}", copy.display()));
    match std::fs::read_to_string(&shared) {
        Ok(text) => {
            assert_eq!(text, copy_text, "tests/data/endpoints.tsv is out of date with {}", shared.display());
            text
        }
        Err(_) => copy_text,
    }
}

/// `/v2/clients/{clientId}` → `/clients/{}`: names of path parameters do not matter.
fn normalise(path: &str) -> String {
    let path = path.strip_prefix("/v2").unwrap_or(path);
    path.split('/').map(|seg| if seg.starts_with('{') { "{}" } else { seg }).collect::<Vec<_>>().join("/")
}

#[test]
fn every_listed_operation_is_in_the_spec_with_the_same_method_path_and_status() {
    let spec = spec();
    let mut expected = BTreeMap::new();
    for line in endpoints_tsv().lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "bad endpoints.tsv line: {line}");
        expected.insert(
            cols[2].to_string(),
            (cols[0].to_string(), normalise(cols[1]), cols[3].parse::<u16>().unwrap_or(0)),
        );
    }
    assert_eq!(expected.len(), 113, "endpoints.tsv should list 113 operations");
    let mut problems = Vec::new();
    for (name, (method, path, status)) in &expected {
        let Some(id) = spec.operation_named(name) else {
            problems.push(format!("{name}: missing from the spec"));
            continue;
        };
        let op = spec.operation(id);
        let actual = (op.method.as_str().to_string(), normalise(&op.path.raw), op.status);
        if actual != (method.clone(), path.clone(), *status) {
            problems.push(format!("{name}: spec has {actual:?}, endpoints.tsv has {:?}", (method, path, status)));
        }
        let params = op.path.segments.iter().filter(|s| matches!(s, PathSegment::Param(_))).count();
        if params != op.path_params.len() {
            problems.push(format!("{name}: {params} path segments but {} parameters", op.path_params.len()));
        }
    }
    for op in &spec.operations {
        if !expected.contains_key(&op.id) {
            problems.push(format!("{}: in the spec but not in endpoints.tsv", op.id));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// Whether a spec type can carry a value the seed documents with `seed_type`.
fn compatible(spec: &Spec, ty: &TypeRef, seed_type: &str) -> bool {
    match (seed_type, ty) {
        ("integer", TypeRef::Id | TypeRef::Integer) => true,
        ("number", TypeRef::Decimal | TypeRef::Integer) => true,
        ("boolean", TypeRef::Boolean) => true,
        ("string", TypeRef::String | TypeRef::Date | TypeRef::DateTime | TypeRef::Time | TypeRef::Enum(_)) => true,
        ("array", TypeRef::Array(_)) => true,
        ("object", TypeRef::Ref(_) | TypeRef::Object(_) | TypeRef::Json) => true,
        (_, TypeRef::Enum(id)) => seed_type == "string" && !spec.enum_def(*id).values.is_empty(),
        _ => false,
    }
}

/// The record shape whose search entity is `entity` (the seed's entity key).
fn schema_for_entity(spec: &Spec, entity: &str) -> Option<Schema> {
    let resource = spec.resources.iter().position(|r| r.search.as_ref().is_some_and(|s| s.entity == entity));
    let ty = spec.types.iter().position(|t| t.search.as_ref().is_some_and(|s| s.entity == entity));
    resource
        .map(|i| Schema::Resource(harvest_spec::ir::ResourceId(i)))
        .or(ty.map(|i| Schema::Type(harvest_spec::ir::TypeId(i))))
}

fn rows(rel: &str) -> Vec<(String, String, String)> {
    let path = manifest_path(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 3, "bad line in {rel}: {l}");
            (c[0].to_string(), c[1].to_string(), c[2].to_string())
        })
        .collect()
}

#[test]
fn every_seed_entity_field_exists_with_a_compatible_type() {
    let spec = spec();
    let rows = rows("tests/data/seed_fields.tsv");
    assert!(rows.len() >= 261, "seed_fields.tsv looks truncated: {} rows", rows.len());
    let mut problems = Vec::new();
    for (entity, field, seed_type) in &rows {
        let Some(schema) = schema_for_entity(&spec, entity) else {
            problems.push(format!("{entity}: no resource or type has `search.entity: {entity}`"));
            continue;
        };
        match spec.fields_of(schema).iter().find(|f| &f.name == field) {
            None => problems.push(format!("{entity}.{field}: missing")),
            Some(f) if !compatible(&spec, &f.ty, seed_type) => {
                problems.push(format!("{entity}.{field}: spec type {:?} does not fit the seed's {seed_type}", f.ty))
            }
            Some(_) => {}
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn searchable_fields_match_the_seed_exactly() {
    let spec = spec();
    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (entity, field, _) in rows("tests/data/searchable_fields.tsv") {
        expected.entry(entity).or_default().push(field);
    }
    assert_eq!(expected.len(), 18, "the seed lists 18 searchable entities");
    for (entity, mut fields) in expected {
        let actual = spec
            .resources
            .iter()
            .filter_map(|r| r.search.as_ref())
            .chain(spec.types.iter().filter_map(|t| t.search.as_ref()))
            .find(|s| s.entity == entity);
        let Some(actual) = actual else { panic!("no search settings for `{entity}`") };
        let mut actual = actual.fields.clone();
        actual.sort();
        fields.sort();
        assert_eq!(actual, fields, "searchable fields of `{entity}`");
    }
}

#[test]
fn every_id_is_a_64_bit_id() {
    let spec = spec();
    let holders =
        spec.resources.iter().map(|r| (&r.name, &r.fields)).chain(spec.types.iter().map(|t| (&t.name, &t.fields)));
    for (holder, fields) in holders {
        for f in fields.iter().filter(|f| f.name == "id" || f.name.ends_with("_id")) {
            // External services' ids (external_reference.id, employee_id) are strings; none may be a 32-bit integer.
            assert!(matches!(f.ty, TypeRef::Id | TypeRef::String), "{holder}.{} is {:?}, not an id", f.name, f.ty);
        }
    }
}

#[test]
fn loading_twice_gives_identical_ir() {
    assert_eq!(spec(), spec());
}

#[test]
fn searches_have_typed_paths_and_a_client_method() {
    let spec = spec();
    let te = spec.resource_named("time_entry").map(|id| spec.resource(id)).unwrap_or_else(|| panic!("no time_entry"));
    let search = te.search.as_ref().unwrap_or_else(|| panic!("time entries are searchable"));
    assert_eq!((search.field_rust.as_str(), search.hit_rust.as_str()), ("TimeEntryField", "TimeEntrySearchHit"));
    let project_id = search.paths.iter().find(|p| p.path == "project.id").unwrap_or_else(|| panic!("no project.id"));
    assert_eq!(
        (project_id.variant.as_str(), &project_id.ty, project_id.field.as_str()),
        ("ProjectId", &TypeRef::Id, "project")
    );
    assert!(search.paths.iter().all(|p| search.fields.contains(&p.field)), "paths start at searchable fields");
    let group = search.group.map(|g| spec.group(g).name.clone());
    assert_eq!((group.as_deref(), search.method_ident.as_str()), (Some("time_entries"), "search"));
    let rows = spec.types.iter().find_map(|t| t.search.as_ref().filter(|s| s.entity == "time_projects"));
    let rows = rows.unwrap_or_else(|| panic!("time_projects are searchable"));
    let group = rows.group.map(|g| spec.group(g).name.clone());
    assert_eq!((group.as_deref(), rows.method_ident.as_str()), (Some("reports"), "search_time_projects"));
}

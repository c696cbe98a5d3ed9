//! The checked-in `src/generated/` and `api/` equal what `cargo xtask codegen` writes now,
//! the documents' examples included: they are what the default seeded account serves today.

use std::path::Path;

use harvest_codegen::FileState;
use serde_json::{Value, json};

#[test]
fn generated_code_is_fresh() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = harvest_spec::load_path(&root.join("../spec/harvest")).map_err(|d| d.to_string())?;
    let examples = harvest_mock::examples::openapi_examples().map_err(|e| e.to_string())?;
    let outputs = [
        ("src/generated", harvest_codegen::generate_sources(&spec).map_err(|e| e.to_string())?),
        ("api", harvest_codegen::doc_sources_with_examples(&spec, &examples).map_err(|e| e.to_string())?),
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

/// Every example in the checked-in 3.1 document (schemas' `examples`, request bodies' and
/// responses' `example`) is valid under its schema, formats included, and every operation
/// with a body or a GET response has one. The 3.0.3 document holds the same values.
#[test]
fn examples_fit_their_schemas() -> Result<(), String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("api/openapi.json"))
        .map_err(|e| e.to_string())?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let mut examples: Vec<(String, Value, &Value)> = Vec::new();
    let mut missing = Vec::new();
    let schemas = doc["components"]["schemas"].as_object().ok_or("no components.schemas")?;
    for (name, schema) in schemas {
        for example in schema["examples"].as_array().into_iter().flatten() {
            examples.push((format!("schema {name}"), json!({"$ref": format!("#/components/schemas/{name}")}), example));
        }
    }
    for (path, item) in doc["paths"].as_object().ok_or("no paths")? {
        for (method, op) in item.as_object().ok_or("a path item is not an object")? {
            let at = format!("{} {path}", method.to_uppercase());
            let body = &op["requestBody"]["content"]["application/json"];
            if !body.is_null() {
                match body.get("example") {
                    Some(example) => examples.push((format!("{at} request"), body["schema"].clone(), example)),
                    None => missing.push(format!("{at} request")),
                }
            }
            for (status, response) in op["responses"].as_object().ok_or("no responses")? {
                let media = &response["content"]["application/json"];
                if let Some(example) = media.get("example") {
                    examples.push((format!("{at} {status}"), media["schema"].clone(), example));
                }
            }
            let ok = &op["responses"]["200"]["content"]["application/json"];
            let shown = ok.get("example").is_some()
                || ok["schema"]["$ref"]
                    .as_str()
                    .is_some_and(|r| doc.pointer(&r[1..]).is_some_and(|s| s.get("examples").is_some()));
            if method == "get" && !shown {
                missing.push(format!("{at} response"));
            }
        }
    }
    let mut invalid = Vec::new();
    for (at, schema, example) in &examples {
        // The schema with the document's components beside it, so its `$ref`s resolve.
        let root = json!({"allOf": [schema], "components": doc["components"]});
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("{at}: the schema does not compile: {e}"))?;
        invalid.extend(validator.iter_errors(example).map(|e| format!("{at}: {} at {}", e, e.instance_path())));
    }
    if examples.is_empty() || !missing.is_empty() || !invalid.is_empty() {
        return Err(format!("{} examples; without one: {missing:?}; invalid: {invalid:#?}", examples.len()));
    }
    Ok(())
}

//! The OpenAPI documents in both versions: fixture specs give exactly the checked-in
//! documents in `tests/golden_openapi/<name>/`, and the Harvest spec's 3.0.3 document
//! uses no JSON Schema 2020-12 construct while saying what the 3.1 one says.
//! Run with `UPDATE_GOLDEN=1` to rewrite the documents after an intended change.

use std::path::Path;

use harvest_codegen::{FileState, OpenApiVersion};
use serde_json::Value;

fn check(name: &str) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let spec = harvest_spec::load_path(&root.join(format!("specs/{name}.yaml"))).map_err(|d| d.to_string())?;
    let files: Vec<(String, String)> = harvest_codegen::doc_sources(&spec)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|(file, _)| file.ends_with(".json"))
        .collect();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = root.join("golden_openapi").join(name);
    let states = harvest_codegen::sync_dir(&dir, &files, !update).map_err(|e| e.to_string())?;
    let stale: Vec<_> = states.iter().filter(|s| matches!(s, FileState::Stale(_) | FileState::Extra(_))).collect();
    if stale.is_empty() || update {
        Ok(())
    } else {
        Err(format!("golden OpenAPI differs (UPDATE_GOLDEN=1 to accept): {stale:?}"))
    }
}

#[test]
fn nullable_optional() -> Result<(), String> {
    check("nullable_optional")
}

#[test]
fn nested() -> Result<(), String> {
    check("nested")
}

/// Every object key anywhere in `v`, with the path to it.
fn keys<'a>(v: &'a Value, path: &mut Vec<&'a str>, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(map) => {
            for (k, inner) in map {
                out.push((format!("{}/{k}", path.join("/")), inner));
                path.push(k);
                keys(inner, path, out);
                path.pop();
            }
        }
        Value::Array(items) => items.iter().for_each(|i| keys(i, path, out)),
        _ => {}
    }
}

fn harvest(version: OpenApiVersion) -> Result<Value, String> {
    let spec = harvest_spec::harvest().map_err(|d| d.to_string())?;
    harvest_codegen::openapi_document(&spec, version).map_err(|e| e.to_string())
}

#[test]
fn the_3_0_document_has_no_3_1_constructs() -> Result<(), String> {
    let doc = harvest(OpenApiVersion::V3_0)?;
    assert_eq!(doc["openapi"], "3.0.3");
    let mut found = Vec::new();
    keys(&doc, &mut Vec::new(), &mut found);
    let mut nullable = 0;
    for (path, value) in &found {
        let key = path.rsplit('/').next().unwrap_or_default();
        // Property maps hold field names, not keywords.
        if path.rsplit('/').nth(1) == Some("properties") {
            continue;
        }
        match key {
            "type" => assert!(value.is_string() && *value != "null", "{path}: {value}"),
            "const" | "examples" | "$defs" | "prefixItems" => panic!("{path}: 3.1 keyword"),
            "exclusiveMinimum" | "exclusiveMaximum" => assert!(value.is_boolean(), "{path}: {value}"),
            "required" if value.is_array() => assert!(value.as_array().is_some_and(|r| !r.is_empty()), "{path}"),
            "nullable" => nullable += 1,
            _ => {}
        }
    }
    // Every schema beside a `$ref` is ignored in 3.0, so nothing may stand beside one.
    for (path, value) in &found {
        if let Some(map) = value.as_object()
            && map.contains_key("$ref")
        {
            assert_eq!(map.len(), 1, "{path}: keywords beside $ref");
        }
    }
    assert!(nullable > 200, "only {nullable} nullable schemas");
    Ok(())
}

#[test]
fn both_versions_describe_the_same_operations_and_schemas() -> Result<(), String> {
    let (v31, v30) = (harvest(OpenApiVersion::V3_1)?, harvest(OpenApiVersion::V3_0)?);
    assert_eq!(v31["openapi"], "3.1.0");
    let names = |doc: &Value, key: &str| -> Vec<String> {
        doc[key].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
    };
    assert_eq!(names(&v31, "paths"), names(&v30, "paths"));
    // 3.0 adds the one `Error` schema its `4XX`/`5XX` answers share.
    let mut schemas31 = names(&v31["components"], "schemas");
    schemas31.push("Error".into());
    schemas31.sort();
    let mut schemas30 = names(&v30["components"], "schemas");
    schemas30.sort();
    assert_eq!(schemas31, schemas30);
    for (path, item) in v31["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let other = &v30["paths"][path][method];
            assert_eq!(op["operationId"], other["operationId"]);
            let params = |o: &Value| -> Vec<Value> {
                o["parameters"].as_array().into_iter().flatten().map(|p| p["name"].clone()).collect()
            };
            assert_eq!(params(op), params(other), "{method} {path}");
            // Errors are each status in 3.1, `4XX` and `5XX` in 3.0 (for progenitor); the success is the same.
            let mut statuses = names(op, "responses");
            statuses.retain(|s| s.starts_with('2'));
            statuses.extend(["4XX".to_string(), "5XX".to_string()]);
            assert_eq!(statuses, names(other, "responses"), "{method} {path}");
        }
    }
    // A nullable field stays nullable: `Project.budget` is a number or null.
    let budget = &v30["components"]["schemas"]["Project"]["properties"]["budget"];
    assert_eq!((budget["type"].as_str(), budget["nullable"].as_bool()), (Some("number"), Some(true)), "{budget}");
    Ok(())
}

/// Every operation of the 3.1 document, as `(method path, operation)`.
fn operations(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            out.push((format!("{method} {path}"), op));
        }
    }
    out
}

#[test]
fn the_3_1_document_declares_each_error_and_no_default() -> Result<(), String> {
    let spec = harvest_spec::harvest().map_err(|d| d.to_string())?;
    let doc = harvest(OpenApiVersion::V3_1)?;
    let ops = operations(&doc);
    assert_eq!(ops.len(), spec.operations.len());
    let shared = &doc["components"]["responses"];
    for (name, op) in ops {
        // Error answers are references to the shared responses.
        let mut r = op["responses"].clone();
        for answer in r.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
            if let Some(target) = answer["$ref"].as_str().and_then(|t| t.strip_prefix("#/components/responses/")) {
                *answer = shared[target].clone();
            }
        }
        assert!(r.get("default").is_none(), "{name} hides behind `default`");
        for status in ["400", "401", "403", "429"] {
            assert!(r.get(status).is_some(), "{name} does not declare {status}");
        }
        assert_eq!(r["401"]["headers"]["WWW-Authenticate"]["required"], true, "{name}");
        assert_eq!(r["429"]["headers"]["Retry-After"]["schema"]["type"], "integer", "{name}");
        let example = &r["401"]["content"]["application/json"]["schema"]["examples"][0];
        assert_eq!(example.to_string(), spec.api.errors.unauthorized, "{name}");
        let has_id = op["parameters"].as_array().into_iter().flatten().any(|p| p["in"] == "path");
        assert_eq!(r.get("404").is_some(), has_id, "{name}: 404 exactly when a path names a record");
        if let Some(body) = op.get("requestBody") {
            assert!(r.get("413").is_some() && r.get("422").is_some(), "{name}");
            assert!(body["required"].is_boolean(), "{name}");
        }
    }
    Ok(())
}

#[test]
fn the_3_1_document_states_the_bounds_the_mock_enforces() -> Result<(), String> {
    use harvest_spec::ir::{MAX_PAGE, NON_BLANK_PATTERN, cursor_pattern};
    let doc = harvest(OpenApiVersion::V3_1)?;
    let ops = operations(&doc);
    let param = |name: &str, p: &str| -> Value {
        let op = ops.iter().find(|(n, _)| n == name).map(|(_, op)| *op).unwrap_or(&Value::Null);
        op["parameters"].as_array().into_iter().flatten().find(|q| q["name"] == p).cloned().unwrap_or(Value::Null)
    };
    assert_eq!(param("get /clients", "cursor")["schema"]["pattern"], cursor_pattern());
    assert_eq!(param("get /time_entries", "page")["schema"]["maximum"], MAX_PAGE);
    assert_eq!(param("get /time_entries", "per_page")["schema"]["maximum"], 2000);
    let since = param("get /clients", "updated_since");
    assert_eq!(
        (since["schema"]["format"].as_str(), since["allowEmptyValue"].as_bool()),
        (Some("date-time"), Some(true))
    );
    let from = param("get /reports/time/clients", "from");
    assert_eq!((from["required"].as_bool(), from.get("allowEmptyValue")), (Some(true), None));
    assert!(from["description"].as_str().is_some_and(|d| d.contains("365 days")), "{from}");
    let schemas = &doc["components"]["schemas"];
    let create =
        schemas.as_object().and_then(|m| m.iter().find(|(k, _)| k.starts_with("CreateClient"))).map(|(_, v)| v);
    let name = create.map(|c| c["properties"]["name"].clone()).unwrap_or(Value::Null);
    assert_eq!(name["pattern"], NON_BLANK_PATTERN, "{name}");
    // A response enum is open (the client keeps unknown values); a request's is closed.
    let status = &schemas["TimeEntry"]["properties"]["approval_status"];
    assert_eq!(status["anyOf"][0]["$ref"], "#/components/schemas/ApprovalStatus", "{status}");
    assert_eq!(status["anyOf"][1], serde_json::json!({"type": "string"}), "{status}");
    let filter = param("get /time_entries", "approval_status");
    assert_eq!(filter["schema"]["$ref"], "#/components/schemas/ApprovalStatus", "{filter}");
    // Updates may leave the body out; creates with a required field may not.
    let body_required = |n: &str| ops.iter().find(|(k, _)| k == n).map(|(_, op)| op["requestBody"]["required"].clone());
    assert_eq!(body_required("post /clients"), Some(Value::Bool(true)));
    assert_eq!(body_required("patch /clients/{client_id}"), Some(Value::Bool(false)));
    Ok(())
}

/// Rules the mock enforces on request bodies that the document states (TESTING.md, "What
/// the OpenAPI document and the mock agree on"): a payment's lower bound, recipients
/// unless an event, a value type's required fields, and a line item's two forms.
#[test]
fn the_harvest_document_states_the_body_rules() -> Result<(), String> {
    let doc = harvest(OpenApiVersion::V3_1)?;
    let schema = |name: &str| doc["components"]["schemas"][name].clone();
    let amount = &schema("CreateInvoicePaymentBody")["properties"]["amount"];
    assert_eq!((amount["exclusiveMinimum"].as_i64(), amount.get("minimum")), (Some(0), None), "{amount}");
    let old = harvest(OpenApiVersion::V3_0)?;
    let amount30 = &old["components"]["schemas"]["CreateInvoicePaymentBody"]["properties"]["amount"];
    assert_eq!((amount30["minimum"].as_i64(), amount30["exclusiveMinimum"].as_bool()), (Some(0), Some(true)));
    for body in ["CreateInvoiceMessageBody", "CreateEstimateMessageBody"] {
        let either = &schema(body)["allOf"][0]["anyOf"];
        assert_eq!(either[0]["required"], serde_json::json!(["recipients"]), "{body}");
        assert_eq!(either[0]["properties"]["recipients"]["minItems"], 1, "{body}");
        assert_eq!(either[1]["required"], serde_json::json!(["event_type"]), "{body}");
    }
    assert_eq!(schema("MessageRecipientInput")["required"], serde_json::json!(["email"]));
    assert_eq!(schema("ExternalReferenceInput")["required"], serde_json::json!(["id"]));
    assert_eq!(schema("InvoiceLineItemsImportInput")["properties"]["project_ids"]["minItems"], 1);
    let item = schema("InvoiceLineItemInput");
    assert_eq!(item["anyOf"][1]["required"], serde_json::json!(["kind", "unit_price"]));
    assert!(item.get("required").is_none(), "an item named by id needs nothing else");
    Ok(())
}

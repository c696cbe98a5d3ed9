//! Examples in the OpenAPI document, given as data (the generator seeds nothing itself).
//!
//! The examples come as one JSON object, `{"source": {...}, "responses": {operationId:
//! body}, "requests": {operationId: body}}`, as `harvest_mock::examples::openapi_examples`
//! takes them from the mock's default seeded account. They go where each says most, once:
//! a record a GET returns becomes its schema's `examples` (so every operation that returns
//! that record shows it); a list's page becomes its operation's response `example`, and its
//! first item the item schema's example when no GET of one record gave it one; a request
//! body becomes its operation's `requestBody` `example`.

use harvest_spec::Spec;
use harvest_spec::ir::{Operation, Response};
use serde_json::{Map, Value, json};

use super::schema_name;
use crate::Error;

/// Puts `examples` into the 3.1 document `doc` of `spec`; an example naming an operation the
/// spec does not have, or a section that is not an object, is an error.
pub(super) fn apply(spec: &Spec, doc: &mut Value, examples: &Map<String, Value>) -> Result<(), Error> {
    let responses = section(examples, "responses")?;
    let requests = section(examples, "requests")?;
    for id in responses.keys().chain(requests.keys()) {
        if !spec.operations.iter().any(|op| &op.id == id) {
            return Err(example_error(id, "no operation of the spec has this id"));
        }
    }
    let ones = spec.operations.iter().filter(|op| matches!(op.response, Response::One(_)));
    let lists = spec.operations.iter().filter(|op| !matches!(op.response, Response::One(_)));
    for op in ones.chain(lists) {
        if let Some(example) = responses.get(&op.id) {
            response(spec, doc, op, example)?;
        }
        if let Some(example) = requests.get(&op.id) {
            let media = media(doc, op, &["requestBody"])?;
            media.insert("example".into(), example.clone());
        }
    }
    if let Some(source) = examples.get("source") {
        let now = source["now"].as_str().unwrap_or_default();
        let text = format!(
            "Examples are what the mock serves from its default account (seed {}, scale {}) with its clock \
             frozen at {now}: start it with `harvest-mock --now {now}` to get the same records.",
            source["seed"], source["scale"]
        );
        doc["info"]["description"] = Value::String(text);
    }
    Ok(())
}

/// One operation's response example: on its record's schema, or on the operation.
fn response(spec: &Spec, doc: &mut Value, op: &Operation, example: &Value) -> Result<(), Error> {
    match &op.response {
        Response::None => Err(example_error(&op.id, "the operation answers without a body")),
        Response::One(schema) => {
            schema_example(doc, &schema_name(spec, *schema), example);
            Ok(())
        }
        Response::List(item) | Response::BareList { item, .. } => {
            let first = example.as_object().and_then(|o| o.values().find_map(Value::as_array)).and_then(|a| a.first());
            if let Some(first) = first {
                schema_example(doc, &schema_name(spec, *item), first);
            }
            let status = op.status.to_string();
            let media = media(doc, op, &["responses", status.as_str()])?;
            media.insert("example".into(), example.clone());
            Ok(())
        }
    }
}

/// Sets a component schema's `examples` unless it has some.
fn schema_example(doc: &mut Value, name: &str, example: &Value) {
    if let Some(Value::Object(schema)) = doc.pointer_mut(&format!("/components/schemas/{name}")) {
        schema.entry("examples").or_insert_with(|| json!([example]));
    }
}

/// The `application/json` media type object at `path` inside `op`'s operation object.
fn media<'a>(doc: &'a mut Value, op: &Operation, path: &[&str]) -> Result<&'a mut Map<String, Value>, Error> {
    let method = op.method.as_str().to_ascii_lowercase();
    let pointer = format!(
        "/paths/{}/{method}/{}/content/application~1json",
        op.path.raw.replace('~', "~0").replace('/', "~1"),
        path.join("/")
    );
    match doc.pointer_mut(&pointer) {
        Some(Value::Object(media)) => Ok(media),
        _ => Err(example_error(&op.id, &format!("the document has no `{pointer}` to put the example in"))),
    }
}

/// The `key` section of the examples (operation id → example); absent is empty.
fn section(examples: &Map<String, Value>, key: &str) -> Result<Map<String, Value>, Error> {
    match examples.get(key) {
        None => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(_) => Err(example_error(key, "is not an object of operation ids")),
    }
}

fn example_error(operation: &str, message: &str) -> Error {
    Error::Example { operation: operation.into(), message: message.into() }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    fn document(examples: Value) -> Result<Value, crate::Error> {
        let spec = harvest_spec::harvest()
            .map_err(|d| crate::Error::Example { operation: "spec".into(), message: d.to_string() })?;
        let Value::Object(examples) = examples else { return Ok(Value::Null) };
        super::super::openapi::document_with_examples(&spec, super::super::OpenApiVersion::V3_1, &examples)
    }

    #[test]
    fn each_example_goes_where_it_says_most() -> Result<(), crate::Error> {
        let client = json!({"id": 1, "name": "A"});
        let page = json!({"tasks": [{"id": 2, "name": "T"}], "per_page": 1});
        let doc = document(json!({
            "responses": {"retrieveClient": client, "listTasks": page},
            "requests": {"createClient": {"name": "A"}},
            "source": {"seed": 42, "scale": 1.0, "now": "2026-03-02T15:00:00Z"},
        }))?;
        assert_eq!(doc["components"]["schemas"]["Client"]["examples"], json!([client]));
        assert_eq!(doc["components"]["schemas"]["Task"]["examples"], json!([{"id": 2, "name": "T"}]));
        assert_eq!(doc["paths"]["/tasks"]["get"]["responses"]["200"]["content"]["application/json"]["example"], page);
        assert_eq!(
            doc["paths"]["/clients"]["post"]["requestBody"]["content"]["application/json"]["example"],
            json!({"name": "A"})
        );
        assert!(doc["info"]["description"].as_str().is_some_and(|d| d.contains("--now 2026-03-02T15:00:00Z")));
        assert_eq!(document(Value::Object(Map::new()))?["components"]["schemas"]["Client"].get("examples"), None);
        Ok(())
    }

    #[test]
    fn an_example_for_no_operation_is_an_error() {
        let err = document(json!({"requests": {"createNothing": {}}})).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("example for `createNothing`: no operation of the spec has this id"));
        assert!(document(json!({"responses": []})).is_err());
        assert!(document(json!({"responses": {"deleteClient": {}}})).is_err());
    }
}

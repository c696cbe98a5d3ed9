//! Rewrites an OpenAPI 3.1 document into OpenAPI 3.0.3, saying the same thing.
//!
//! 3.1 schemas are JSON Schema 2020-12; 3.0.3 schemas are an older, smaller dialect.
//! Every rewrite here keeps the meaning:
//!
//! | 3.1 | 3.0.3 |
//! | --- | --- |
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `anyOf`/`oneOf` with a `{"type": "null"}` member | the other members, `nullable: true` |
//! | `$ref` beside other keywords (ignored beside `$ref` in 3.0) | `allOf: [{$ref}]` beside them |
//! | `const: v` | `enum: [v]` |
//! | `examples: [v, …]` | `example: v` |
//! | `exclusiveMinimum: n` (`exclusiveMaximum`) | `minimum: n, exclusiveMinimum: true` |
//! | `required: []` (3.0 needs at least one name) | left out |
//! | `pattern` | left out (see below) |
//! | an open enum, `anyOf: [$ref, {type: string}]` | the `$ref` (see below) |
//!
//! Two rewrites drop a constraint, because this export is for client generators and the
//! 3.1 document, which validators such as schemathesis read, keeps both: `pattern`
//! (non-blank names, the cursor's shape), which progenitor's typify turns into a newtype
//! validated with the `regress` crate and built with `TryFrom` instead of `From`; and the
//! open form of a response enum, which would become an untagged union of the enum and a
//! string. The enum's description still says to accept values it does not list.
//!
//! Only schemas are rewritten: the walk knows where OpenAPI puts them, so a property
//! *named* `const` or `type` is never mistaken for a keyword.

use serde_json::{Map, Value, json};

use super::OpenApiVersion;

/// Turns a 3.1 document into 3.0.3 in place.
pub(super) fn downgrade(doc: &mut Value) {
    let Value::Object(root) = doc else { return };
    root.insert("openapi".into(), Value::String(OpenApiVersion::V3_0.number().into()));
    if let Some(Value::Object(schemas)) = root.get_mut("components").and_then(|c| c.get_mut("schemas")) {
        schemas.values_mut().for_each(schema);
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for item in paths.values_mut() {
            path_item(item);
        }
    }
}

/// A path item: its shared parameters and each operation.
fn path_item(item: &mut Value) {
    let Value::Object(item) = item else { return };
    for (key, value) in item.iter_mut() {
        match key.as_str() {
            "parameters" => parameters(value),
            "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => operation(value),
            _ => {}
        }
    }
}

fn operation(op: &mut Value) {
    let Value::Object(op) = op else { return };
    if let Some(params) = op.get_mut("parameters") {
        parameters(params);
    }
    if let Some(body) = op.get_mut("requestBody") {
        content(body);
    }
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        for response in responses.values_mut() {
            content(response);
            if let Some(Value::Object(headers)) = response.get_mut("headers") {
                for header in headers.values_mut() {
                    parameter(header);
                }
            }
        }
    }
}

fn parameters(list: &mut Value) {
    if let Value::Array(list) = list {
        list.iter_mut().for_each(parameter);
    }
}

/// A parameter or header: its `schema`, or the schemas of its `content`.
fn parameter(p: &mut Value) {
    if let Some(s) = p.get_mut("schema") {
        schema(s);
    }
    content(p);
}

/// The schema of every media type of a request body, response or parameter.
fn content(holder: &mut Value) {
    if let Some(Value::Object(media)) = holder.get_mut("content") {
        for m in media.values_mut() {
            if let Some(s) = m.get_mut("schema") {
                schema(s);
            }
        }
    }
}

/// One schema and, depth first, every schema inside it.
fn schema(value: &mut Value) {
    let Value::Object(s) = value else { return };
    for key in ["items", "not", "additionalProperties"] {
        if let Some(inner) = s.get_mut(key) {
            schema(inner);
        }
    }
    if let Some(Value::Object(props)) = s.get_mut("properties") {
        props.values_mut().for_each(schema);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = s.get_mut(key) {
            members.iter_mut().for_each(schema);
        }
    }
    type_list(s);
    null_member(s, "anyOf");
    null_member(s, "oneOf");
    closed_enum(s);
    if let Some(v) = s.remove("const") {
        s.insert("enum".into(), json!([v]));
    }
    if let Some(Value::Array(mut examples)) = s.remove("examples")
        && !examples.is_empty()
    {
        s.insert("example".into(), examples.swap_remove(0));
    }
    if s.get("pattern").is_some_and(Value::is_string) {
        s.remove("pattern");
    }
    exclusive_bound(s, "exclusiveMinimum", "minimum");
    exclusive_bound(s, "exclusiveMaximum", "maximum");
    if s.get("required").and_then(Value::as_array).is_some_and(Vec::is_empty) {
        s.remove("required");
    }
    if s.contains_key("$ref") && s.len() > 1 {
        let target = s.remove("$ref").unwrap_or(Value::Null);
        s.insert("allOf".into(), json!([{ "$ref": target }]));
    }
}

/// `type: [T, "null"]` → `type: T, nullable: true`; several non-null types become an `anyOf`.
fn type_list(s: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = s.get("type") else { return };
    let nullable = types.iter().any(|t| t == "null");
    let mut others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    s.remove("type");
    match others.len() {
        0 => {}
        1 => {
            s.insert("type".into(), others.swap_remove(0));
        }
        _ => {
            let members: Vec<Value> = others.into_iter().map(|t| json!({ "type": t })).collect();
            s.insert("anyOf".into(), Value::Array(members));
        }
    }
    if nullable {
        s.insert("nullable".into(), Value::Bool(true));
    }
}

/// An `anyOf`/`oneOf` with a `{"type": "null"}` member: the member goes, `nullable: true`
/// comes, and a single remaining member is merged into the schema itself.
fn null_member(s: &mut Map<String, Value>, key: &str) {
    let Some(Value::Array(members)) = s.get_mut(key) else { return };
    let before = members.len();
    members.retain(|m| !is_null_schema(m));
    if members.len() == before {
        return;
    }
    s.insert("nullable".into(), Value::Bool(true));
    let Some(Value::Array(mut members)) = s.remove(key) else { return };
    match members.len() {
        0 => {}
        1 => merge(s, members.swap_remove(0)),
        _ => {
            s.insert(key.into(), Value::Array(members));
        }
    }
}

/// An open enum, `anyOf: [{$ref}, {"type": "string"}]`, becomes its `$ref`.
fn closed_enum(s: &mut Map<String, Value>) {
    let Some(Value::Array(members)) = s.get("anyOf") else { return };
    let [reference, Value::Object(string)] = members.as_slice() else { return };
    if reference.get("$ref").is_none() || string.len() != 1 || string.get("type") != Some(&json!("string")) {
        return;
    }
    let target = reference["$ref"].clone();
    s.remove("anyOf");
    s.insert("$ref".into(), target);
}

/// `{"type": "null"}`, or `{"type": "null", "nullable": true}` after its own rewrite.
fn is_null_schema(m: &Value) -> bool {
    match m {
        Value::Object(m) => {
            let typed_null = m.get("type").is_some_and(|t| t == "null");
            let bare_nullable = m.get("nullable") == Some(&Value::Bool(true)) && !m.contains_key("type");
            (typed_null || bare_nullable) && m.keys().all(|k| matches!(k.as_str(), "type" | "nullable" | "description"))
        }
        _ => false,
    }
}

/// Puts `member`'s keywords into `s` (whose own keywords win), a reference as `allOf`.
fn merge(s: &mut Map<String, Value>, member: Value) {
    let Value::Object(member) = member else { return };
    for (k, v) in member {
        if k == "$ref" {
            s.insert("allOf".into(), json!([{ "$ref": v }]));
        } else if k == "nullable" {
            continue;
        } else {
            s.entry(k).or_insert(v);
        }
    }
}

/// A numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true`.
fn exclusive_bound(s: &mut Map<String, Value>, exclusive: &str, inclusive: &str) {
    if let Some(n) = s.get(exclusive).filter(|v| v.is_number()).cloned() {
        s.insert(inclusive.into(), n);
        s.insert(exclusive.into(), Value::Bool(true));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    fn lowered(s: Value) -> Value {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": s}}, "paths": {}});
        super::downgrade(&mut doc);
        assert_eq!(doc["openapi"], "3.0.3");
        doc["components"]["schemas"]["S"].take()
    }

    #[test]
    fn type_lists_become_nullable() {
        assert_eq!(lowered(json!({"type": ["integer", "null"]})), json!({"type": "integer", "nullable": true}));
        assert_eq!(
            lowered(json!({"type": ["integer", "string"]})),
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
        );
    }

    #[test]
    fn a_null_member_of_any_of_becomes_nullable() {
        assert_eq!(
            lowered(json!({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}], "description": "d"})),
            json!({"type": "string", "format": "date", "nullable": true, "description": "d"})
        );
        assert_eq!(
            lowered(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})),
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
        assert_eq!(
            lowered(json!({"oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]})),
            json!({"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": true})
        );
    }

    #[test]
    fn a_ref_with_siblings_moves_into_all_of() {
        assert_eq!(
            lowered(json!({"$ref": "#/components/schemas/A", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
        assert_eq!(lowered(json!({"$ref": "#/components/schemas/A"})), json!({"$ref": "#/components/schemas/A"}));
    }

    #[test]
    fn json_schema_2020_keywords_get_their_3_0_forms() {
        assert_eq!(lowered(json!({"const": "x"})), json!({"enum": ["x"]}));
        assert_eq!(lowered(json!({"type": "string", "pattern": "\\S"})), json!({"type": "string"}));
        let open = json!({"anyOf": [{"$ref": "#/components/schemas/E"}, {"type": "string"}]});
        assert_eq!(lowered(open.clone()), json!({"$ref": "#/components/schemas/E"}));
        assert_eq!(
            lowered(json!({"anyOf": [open, {"type": "null"}], "description": "d"})),
            json!({"description": "d", "nullable": true, "allOf": [{"$ref": "#/components/schemas/E"}]})
        );
        assert_eq!(lowered(json!({"type": "integer", "examples": [3, 4]})), json!({"type": "integer", "example": 3}));
        assert_eq!(
            lowered(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10})),
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 0, "exclusiveMaximum": true, "maximum": 10})
        );
        assert_eq!(
            lowered(json!({"type": "object", "properties": {}, "required": []})),
            json!({"type": "object", "properties": {}})
        );
    }

    #[test]
    fn nested_schemas_are_rewritten_but_property_names_are_not() {
        let s = lowered(json!({
            "type": "object",
            "properties": {
                "const": {"type": ["string", "null"]},
                "type": {"type": "array", "items": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}},
            },
            "required": ["const"],
        }));
        assert_eq!(s["properties"]["const"], json!({"type": "string", "nullable": true}));
        assert_eq!(
            s["properties"]["type"]["items"],
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
        assert_eq!(s["required"], json!(["const"]));
    }

    #[test]
    fn parameters_bodies_and_responses_are_rewritten() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {"get": {
                "parameters": [{"name": "n", "in": "query", "schema": {"type": ["integer", "null"], "exclusiveMinimum": 0}}],
                "requestBody": {"content": {"application/json": {"schema": {"const": 1}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": ["string", "null"]}}}}},
            }}},
        });
        super::downgrade(&mut doc);
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(
            op["parameters"][0]["schema"],
            json!({"type": "integer", "nullable": true, "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(op["requestBody"]["content"]["application/json"]["schema"], json!({"enum": [1]}));
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"type": "string", "nullable": true})
        );
    }
}

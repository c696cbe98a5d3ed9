//! The IR as an OpenAPI document.

use harvest_spec::Spec;
use harvest_spec::ir::{
    Body, DESTROY_INPUT, Field, ID_FIELD, MAX_DECIMAL, NON_BLANK_PATTERN, Operation, Presence, Response, TypeRef,
};
use serde_json::{Map, Value, json};

use super::{OpenApiVersion, examples, openapi30, parameters, responses, schema_name};
use crate::Error;

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The schema of a value of type `ty`; `request` when it is sent rather than received.
pub(super) fn type_schema(spec: &Spec, ty: &TypeRef, request: bool) -> Value {
    match ty {
        TypeRef::Id | TypeRef::Integer => json!({"type": "integer", "format": "int64"}),
        TypeRef::Decimal if request => json!({"type": "number", "minimum": -MAX_DECIMAL, "maximum": MAX_DECIMAL}),
        TypeRef::Decimal => json!({"type": "number"}),
        TypeRef::Boolean => json!({"type": "boolean"}),
        TypeRef::String => json!({"type": "string"}),
        TypeRef::Time => json!({"type": "string", "description": "Time of day (`8:00am` or `14:59`)."}),
        TypeRef::Date => json!({"type": "string", "format": "date"}),
        TypeRef::DateTime => json!({"type": "string", "format": "date-time"}),
        TypeRef::Json => json!({}),
        // The server refuses a value a request enum does not list; a response enum stays open,
        // as the generated client reads it (an unknown value is kept, not an error).
        TypeRef::Enum(id) if request => {
            spec.enums.get(id.0).map(|e| reference(&e.rust.pascal)).unwrap_or_else(|| json!({}))
        }
        TypeRef::Enum(id) => spec
            .enums
            .get(id.0)
            .map(|e| json!({"anyOf": [reference(&e.rust.pascal), {"type": "string"}]}))
            .unwrap_or_else(|| json!({})),
        TypeRef::Object(id) => spec
            .types
            .get(id.0)
            .map(|t| {
                let name = match (request, &t.input_rust) {
                    (true, Some(input)) => input,
                    _ => &t.rust.pascal,
                };
                reference(name)
            })
            .unwrap_or_else(|| json!({})),
        TypeRef::Ref(_) if request => json!({"type": "integer", "format": "int64"}),
        TypeRef::Ref(r) => spec.types.get(r.embed.0).map(|t| reference(&t.rust.pascal)).unwrap_or_else(|| json!({})),
        TypeRef::Array(inner) => json!({"type": "array", "items": type_schema(spec, inner, request)}),
    }
}

fn with_doc(mut schema: Value, doc: &str, nullable: bool) -> Value {
    if nullable {
        schema = json!({"anyOf": [schema, {"type": "null"}]});
    }
    if !doc.trim().is_empty()
        && let Value::Object(map) = &mut schema
    {
        map.insert("description".into(), Value::String(doc.trim().into()));
    }
    schema
}

fn record_schema(spec: &Spec, doc: &str, fields: &[Field]) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields.iter().filter(|f| !f.hidden) {
        let mut s = with_doc(type_schema(spec, &f.ty, false), &f.doc, f.nullable);
        if f.deprecated
            && let Value::Object(m) = &mut s
        {
            m.insert("deprecated".into(), Value::Bool(true));
        }
        props.insert(f.name.clone(), s);
        if !f.optional {
            required.push(Value::String(f.name.clone()));
        }
    }
    json!({"type": "object", "description": doc, "properties": props, "required": required})
}

/// The request form of a value type. Its required fields are required whenever the object
/// is sent; an item of a list that an update edits by `id` (`line_items`) needs them only
/// when it is new: it names an item by `id`, or is new with its required fields, or is a
/// new one marked `_destroy`, which is dropped.
fn input_schema(spec: &Spec, doc: &str, fields: &[&Field]) -> Value {
    let mut props = Map::new();
    for f in fields {
        let mut schema = type_schema(spec, &f.ty, true);
        field_rules(&mut schema, Some(f));
        props.insert(f.input_name.clone(), with_doc(schema, &f.doc, f.nullable));
    }
    let required: Vec<&str> =
        fields.iter().filter(|f| f.input.create == Presence::Required).map(|f| f.input_name.as_str()).collect();
    let named_by_id = fields.iter().any(|f| f.name == ID_FIELD && f.input.update && f.input.create == Presence::Absent);
    let mut schema = json!({"type": "object", "description": doc, "properties": props});
    if named_by_id && !required.is_empty() {
        let mut ways = vec![json!({"required": [ID_FIELD]}), json!({"required": required})];
        if fields.iter().any(|f| f.name == DESTROY_INPUT) {
            ways.push(json!({"required": [DESTROY_INPUT], "properties": {DESTROY_INPUT: {"const": true}}}));
        }
        schema["anyOf"] = Value::Array(ways);
    } else if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// The record field a body field sets, if any.
fn target_field<'s>(spec: &'s Spec, op: &Operation, target: Option<&str>) -> Option<&'s Field> {
    let (r, target) = (op.resource.and_then(|r| spec.resources.get(r.0))?, target?);
    r.fields.iter().find(|f| f.name == target)
}

/// States the rules of the record field a body field sets: not blank, not empty (see
/// `harvest_spec::ir::wire`), and its lower bound (`harvest_spec::ir::Minimum`), which
/// replaces the decimal's general `-MAX_DECIMAL`.
fn field_rules(schema: &mut Value, field: Option<&Field>) {
    let Some(f) = field else { return };
    if f.must_not_be_blank() {
        schema["pattern"] = Value::String(NON_BLANK_PATTERN.into());
    }
    if f.must_not_be_empty() {
        schema["minItems"] = json!(1);
    }
    if let (Some(m), Value::Object(map)) = (f.minimum, &mut *schema) {
        map.remove("minimum");
        map.insert(if m.exclusive { "exclusiveMinimum" } else { "minimum" }.into(), m.number());
    }
}

fn body_schema(spec: &Spec, op: &Operation, body: &Body) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    let mut either = Vec::new();
    for f in &body.fields {
        let target = target_field(spec, op, f.target.as_deref());
        let mut schema = type_schema(spec, &f.ty, true);
        field_rules(&mut schema, target);
        if let Some(other) = target.and_then(|t| required_unless(spec, body, t)) {
            either.push((f.name.clone(), schema.clone(), other));
        }
        props.insert(f.name.clone(), with_doc(schema, &f.doc, f.nullable));
        if f.required {
            required.push(Value::String(f.name.clone()));
        }
    }
    let mut schema = json!({"type": "object", "description": format!("Request body of `{}`.", op.id), "properties": props, "required": required});
    // `required_unless`: the field, not empty, or the other one, not null (one `anyOf` each).
    let all: Vec<Value> = either
        .into_iter()
        .map(|(name, own, (other, other_schema))| {
            let own = if own.get("type") == Some(&json!("array")) { json!({"minItems": 1}) } else { own };
            json!({"anyOf": [
                {"required": [name.clone()], "properties": {name: own}},
                {"required": [other.clone()], "properties": {other: other_schema}},
            ]})
        })
        .collect();
    if !all.is_empty() {
        schema["allOf"] = Value::Array(all);
    }
    schema
}

/// For a body field whose record field declares `required_unless`: the other body field's
/// name and its schema without `null`.
fn required_unless(spec: &Spec, body: &Body, target: &Field) -> Option<(String, Value)> {
    let other = target.required_unless.as_deref()?;
    let f = body.fields.iter().find(|f| f.target.as_deref() == Some(other))?;
    Some((f.name.clone(), type_schema(spec, &f.ty, true)))
}

fn response_schema(spec: &Spec, op: &Operation) -> Option<Value> {
    match &op.response {
        Response::None => None,
        Response::One(s) => Some(reference(&schema_name(spec, *s))),
        Response::BareList { key, item } => Some(json!({
            "type": "object",
            "properties": { key.clone(): {"type": "array", "items": reference(&schema_name(spec, *item))} },
            "required": [key],
        })),
        Response::List(s) => {
            let envelope = op.pagination.as_ref().map(|p| p.envelope.clone()).unwrap_or_default();
            let int_or_null = json!({"type": ["integer", "null"]});
            Some(json!({
                "type": "object",
                "properties": {
                    envelope.clone(): {"type": "array", "items": reference(&schema_name(spec, *s))},
                    "per_page": {"type": "integer"},
                    "total_pages": int_or_null,
                    "total_entries": int_or_null,
                    "next_page": int_or_null,
                    "previous_page": int_or_null,
                    "page": int_or_null,
                    "links": reference("PaginationLinks"),
                },
                "required": [envelope, "links"],
            }))
        }
    }
}

/// The spec as an OpenAPI 3.1 document (`openapi_document(spec, OpenApiVersion::V3_1)`).
pub fn openapi(spec: &Spec) -> Result<Value, Error> {
    openapi_document(spec, OpenApiVersion::V3_1)
}

/// The spec as an OpenAPI document of the given version.
///
/// Both versions describe the same operations and schemas: the document is built once in
/// 3.1 terms, and 3.0.3 rewrites how JSON Schema says it, leaving out `pattern` for client
/// generators and declaring errors as `4XX`/`5XX` (see `describe` and `openapi30`).
pub fn openapi_document(spec: &Spec, version: OpenApiVersion) -> Result<Value, Error> {
    document_with_examples(spec, version, &Map::new())
}

/// [`openapi_document`] carrying `examples` (see `examples::apply`).
pub(super) fn document_with_examples(
    spec: &Spec,
    version: OpenApiVersion,
    examples: &Map<String, Value>,
) -> Result<Value, Error> {
    let mut doc = describe(spec, version);
    examples::apply(spec, &mut doc, examples)?;
    if version == OpenApiVersion::V3_0 {
        openapi30::downgrade(&mut doc);
    }
    Ok(doc)
}

/// The document in 3.1 terms, with the error responses `version` needs.
///
/// 3.1, which schemathesis reads, declares each error status an operation can answer
/// (see [`responses`]), so an undeclared status is a failure. The 3.0.3 document is read
/// by generators such as progenitor that also count `default` as a possible success and
/// refuse an operation whose success and errors differ in type; there, Harvest's errors
/// are declared as what they are, `4XX` and `5XX`, with one `Error` schema.
fn describe(spec: &Spec, version: OpenApiVersion) -> Value {
    let mut schemas = Map::new();
    for e in &spec.enums {
        let values: Vec<&str> = e.values.iter().map(|v| v.wire.as_str()).collect();
        let doc = format!("{} Clients should accept values not listed here.", e.doc.trim());
        schemas.insert(e.rust.pascal.clone(), json!({"type": "string", "enum": values, "description": doc.trim()}));
    }
    for t in &spec.types {
        schemas.insert(t.rust.pascal.clone(), record_schema(spec, &t.doc, &t.fields));
        if let Some(input) = &t.input_rust {
            let fields: Vec<&Field> =
                t.fields.iter().filter(|f| !f.input.is_read_only()).chain(t.inputs.iter()).collect();
            schemas.insert(input.clone(), input_schema(spec, &format!("Request form of `{}`.", t.name), &fields));
        }
    }
    for r in &spec.resources {
        schemas.insert(r.rust.pascal.clone(), record_schema(spec, &r.doc, &r.fields));
    }
    schemas.insert(
        "PaginationLinks".into(),
        json!({
            "type": "object",
            "description": "Links to other pages; follow `next` verbatim.",
            "properties": {
                "first": {"type": ["string", "null"]},
                "next": {"type": ["string", "null"]},
                "previous": {"type": ["string", "null"]},
                "last": {"type": ["string", "null"]},
            },
        }),
    );
    let mut paths: Map<String, Value> = Map::new();
    for op in &spec.operations {
        let group = spec.groups.get(op.group.0).map(|g| g.name.clone()).unwrap_or_default();
        let mut operation = json!({
            "operationId": op.id,
            "tags": [group],
            "summary": op.doc,
            "parameters": parameters::parameters(spec, op),
        });
        if let Some(body) = &op.body {
            schemas.insert(body.rust.clone(), body_schema(spec, op, body));
            // A request without a body is a body without fields: refused (422) only when a
            // field is required (or required unless another is sent), as Rails treats missing
            // parameters (TESTING.md).
            let required = body.fields.iter().any(|f| {
                f.required || target_field(spec, op, f.target.as_deref()).is_some_and(|t| t.required_unless.is_some())
            });
            operation["requestBody"] =
                json!({"required": required, "content": {"application/json": {"schema": reference(&body.rust)}}});
        }
        let mut response = json!({"description": "Success."});
        if let Some(schema) = response_schema(spec, op) {
            response["content"] = json!({"application/json": {"schema": schema}});
        }
        let mut responses = Map::new();
        responses.insert(op.status.to_string(), response);
        match version {
            OpenApiVersion::V3_1 => responses.extend(responses::error_responses(op)),
            OpenApiVersion::V3_0 => {
                for status in ["4XX", "5XX"] {
                    let error = json!({"description": "A Harvest error.", "content": {"application/json": {"schema": reference("Error")}}});
                    responses.insert(status.into(), error);
                }
            }
        }
        operation["responses"] = Value::Object(responses);
        let entry = paths.entry(op.path.raw.clone()).or_insert_with(|| json!({}));
        if let Value::Object(map) = entry {
            map.insert(op.method.as_str().to_ascii_lowercase(), operation);
        }
    }
    if version == OpenApiVersion::V3_0 {
        schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "description": "Harvest error bodies come in three shapes: message; error and error_description; status and error.",
            "properties": {
                "message": {"type": "string"},
                "error": {"type": "string"},
                "error_description": {"type": "string"},
                "status": {"type": "integer"},
            },
        }),
    );
    }
    let api = &spec.api;
    let mut components = json!({
        "schemas": schemas,
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "account": {"type": "apiKey", "in": "header", "name": api.auth.account_header},
        },
    });
    if version == OpenApiVersion::V3_1 {
        components["responses"] = Value::Object(responses::components(spec));
    }
    json!({
        "openapi": OpenApiVersion::V3_1.number(),
        "info": {"title": api.title, "version": "2"},
        "servers": [{"url": api.base_url}],
        "security": [{"bearer": [], "account": []}],
        "paths": paths,
        "components": components,
    })
}

//! The IR as an OpenAPI document.

use harvest_spec::Spec;
use harvest_spec::ir::{Body, Field, Operation, PaginationStyle, Response, TypeRef};
use serde_json::{Map, Value, json};

use super::{OpenApiVersion, openapi30, schema_name};
use crate::Error;

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn type_schema(spec: &Spec, ty: &TypeRef, request: bool) -> Value {
    match ty {
        TypeRef::Id | TypeRef::Integer => json!({"type": "integer", "format": "int64"}),
        TypeRef::Decimal => json!({"type": "number"}),
        TypeRef::Boolean => json!({"type": "boolean"}),
        TypeRef::String => json!({"type": "string"}),
        TypeRef::Time => json!({"type": "string", "description": "Time of day (`8:00am` or `14:59`)."}),
        TypeRef::Date => json!({"type": "string", "format": "date"}),
        TypeRef::DateTime => json!({"type": "string", "format": "date-time"}),
        TypeRef::Json => json!({}),
        TypeRef::Enum(id) => spec.enums.get(id.0).map(|e| reference(&e.rust.pascal)).unwrap_or_else(|| json!({})),
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

fn input_schema(spec: &Spec, doc: &str, fields: &[&Field]) -> Value {
    let mut props = Map::new();
    for f in fields {
        props.insert(f.input_name.clone(), with_doc(type_schema(spec, &f.ty, true), &f.doc, f.nullable));
    }
    json!({"type": "object", "description": doc, "properties": props})
}

fn body_schema(spec: &Spec, op: &Operation, body: &Body) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in &body.fields {
        props.insert(f.name.clone(), with_doc(type_schema(spec, &f.ty, true), &f.doc, f.nullable));
        if f.required {
            required.push(Value::String(f.name.clone()));
        }
    }
    json!({"type": "object", "description": format!("Request body of `{}`.", op.id), "properties": props, "required": required})
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
/// Both versions describe the same operations, schemas and constraints: the document is
/// built once in 3.1 terms, and 3.0.3 rewrites only how JSON Schema says it.
pub fn openapi_document(spec: &Spec, version: OpenApiVersion) -> Result<Value, Error> {
    let mut doc = describe(spec, version);
    if version == OpenApiVersion::V3_0 {
        openapi30::downgrade(&mut doc);
    }
    Ok(doc)
}

/// Where an error answer is declared, in a version's document.
///
/// 3.1 declares one `default` response. The 3.0.3 document is read by generators such as
/// progenitor that also count `default` as a possible success, and refuse an operation
/// whose success and `default` differ in type; there, Harvest's errors are declared as
/// what they are, `4XX` and `5XX`.
fn error_statuses(version: OpenApiVersion) -> &'static [&'static str] {
    match version {
        OpenApiVersion::V3_1 => &["default"],
        OpenApiVersion::V3_0 => &["4XX", "5XX"],
    }
}

/// The document in 3.1 terms, with the response layout `version` needs.
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
        let mut params = Vec::new();
        for p in &op.path_params {
            params.push(json!({"name": p.name, "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}}));
        }
        for q in &op.query {
            params.push(json!({
                "name": q.name, "in": "query", "required": q.required,
                "description": q.doc, "schema": type_schema(spec, &q.ty, true),
            }));
        }
        if let Some(p) = &op.pagination {
            params.push(json!({"name": "per_page", "in": "query", "required": false,
                "schema": {"type": "integer", "minimum": 1, "maximum": p.per_page.max, "default": p.per_page.default}}));
            let (name, schema) = match p.style {
                PaginationStyle::Page => ("page", json!({"type": "integer", "minimum": 1})),
                PaginationStyle::Cursor => ("cursor", json!({"type": "string"})),
            };
            params.push(json!({"name": name, "in": "query", "required": false, "schema": schema,
                "description": "Prefer following `links.next`."}));
        }
        let mut operation = json!({
            "operationId": op.id,
            "tags": [group],
            "summary": op.doc,
            "parameters": params,
        });
        if let Some(body) = &op.body {
            schemas.insert(body.rust.clone(), body_schema(spec, op, body));
            operation["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": reference(&body.rust)}}});
        }
        let mut response = json!({"description": "Success."});
        if let Some(schema) = response_schema(spec, op) {
            response["content"] = json!({"application/json": {"schema": schema}});
        }
        let mut responses = Map::new();
        responses.insert(op.status.to_string(), response);
        for status in error_statuses(version) {
            let error = json!({"description": "A Harvest error.", "content": {"application/json": {"schema": reference("Error")}}});
            responses.insert((*status).into(), error);
        }
        operation["responses"] = Value::Object(responses);
        let entry = paths.entry(op.path.raw.clone()).or_insert_with(|| json!({}));
        if let Value::Object(map) = entry {
            map.insert(op.method.as_str().to_ascii_lowercase(), operation);
        }
    }
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
    let api = &spec.api;
    json!({
        "openapi": OpenApiVersion::V3_1.number(),
        "info": {"title": api.title, "version": "2"},
        "servers": [{"url": api.base_url}],
        "security": [{"bearer": [], "account": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "account": {"type": "apiKey", "in": "header", "name": api.auth.account_header},
            },
        },
    })
}

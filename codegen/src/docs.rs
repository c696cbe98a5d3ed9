//! Non-Rust outputs: an OpenAPI 3.1 document and a Markdown reference of every operation.

use harvest_spec::Spec;
use harvest_spec::ir::{Body, Field, Operation, PaginationStyle, Response, Schema, TypeRef};
use serde_json::{Map, Value, json};

use crate::Error;

fn schema_name(spec: &Spec, schema: Schema) -> String {
    match schema {
        Schema::Resource(id) => spec.resources.get(id.0).map(|r| r.rust.pascal.clone()),
        Schema::Type(id) => spec.types.get(id.0).map(|t| t.rust.pascal.clone()),
    }
    .unwrap_or_else(|| "Missing".into())
}

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

/// The spec as an OpenAPI 3.1 document.
pub fn openapi(spec: &Spec) -> Result<Value, Error> {
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
        operation["responses"] = json!({
            op.status.to_string(): response,
            "default": {"description": "A Harvest error.", "content": {"application/json": {"schema": reference("Error")}}},
        });
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
    Ok(json!({
        "openapi": "3.1.0",
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
    }))
}

fn type_text(spec: &Spec, ty: &TypeRef) -> String {
    if let Some(scalar) = ty.scalar_name() {
        return scalar.into();
    }
    match ty {
        TypeRef::Enum(id) => spec.enums.get(id.0).map(|e| format!("`{}`", e.rust.pascal)).unwrap_or_default(),
        TypeRef::Object(id) => spec.types.get(id.0).map(|t| format!("`{}`", t.rust.pascal)).unwrap_or_default(),
        TypeRef::Ref(r) => spec.types.get(r.embed.0).map(|t| format!("`{}`", t.rust.pascal)).unwrap_or_default(),
        TypeRef::Array(inner) => format!("[{}]", type_text(spec, inner)),
        _ => String::new(),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown reference of every operation, grouped as the client groups them.
pub fn markdown(spec: &Spec) -> String {
    let mut out = String::new();
    out.push_str("<!-- @generated by `cargo xtask codegen` from spec/harvest — do not edit -->\n\n");
    out.push_str(&format!("# {} — operation reference\n\n", spec.api.title));
    out.push_str(&format!("Base URL: `{}`. Every call below is on a `harvest_client::Client`.\n", spec.api.base_url));
    for group in &spec.groups {
        out.push_str(&format!("\n## `client.{}()`\n\n{}\n", group.rust.ident, group.doc.trim()));
        for id in &group.operations {
            let Some(op) = spec.operations.get(id.0) else { continue };
            let mut args: Vec<String> = op.path_params.iter().map(|p| p.ident.clone()).collect();
            args.extend(op.query.iter().filter(|q| q.required).map(|q| q.ident.clone()));
            if op.body.is_some() {
                args.push("body".into());
            }
            out.push_str(&format!(
                "\n### `{}` — `{} {}`\n\n`client.{}().{}({})`: {}\n",
                op.id,
                op.method.as_str(),
                op.path.raw,
                group.rust.ident,
                op.ident,
                args.join(", "),
                op.doc.trim()
            ));
            let response = match &op.response {
                Response::None => "nothing".to_string(),
                Response::One(s) => format!("`{}`", schema_name(spec, *s)),
                Response::List(s) => {
                    let style = match op.pagination.as_ref().map(|p| p.style) {
                        Some(PaginationStyle::Cursor) => "cursor",
                        _ => "page",
                    };
                    format!(
                        "`Page<{}>` ({style} pagination; `.stream()` and `.pages()` follow `links.next`)",
                        schema_name(spec, *s)
                    )
                }
                Response::BareList { key, item } => format!("`Vec<{}>` (under `{key}`)", schema_name(spec, *item)),
            };
            out.push_str(&format!("\nReturns {response}; success status {}.\n", op.status));
            if !op.query.is_empty() {
                out.push_str("\n| query parameter | type | required | description |\n| --- | --- | --- | --- |\n");
                for q in &op.query {
                    out.push_str(&format!(
                        "| `{}` | {} | {} | {} |\n",
                        q.name,
                        type_text(spec, &q.ty),
                        if q.required { "yes" } else { "no" },
                        cell(&q.doc)
                    ));
                }
            }
            if let Some(body) = &op.body {
                out.push_str(&format!(
                    "\nBody `{}`:\n\n| field | type | required | nullable | description |\n| --- | --- | --- | --- | --- |\n",
                    body.rust
                ));
                for f in &body.fields {
                    out.push_str(&format!(
                        "| `{}` | {} | {} | {} | {} |\n",
                        f.name,
                        type_text(spec, &f.ty),
                        if f.required { "yes" } else { "no" },
                        if f.nullable { "yes" } else { "no" },
                        cell(&f.doc)
                    ));
                }
            }
        }
    }
    out
}

/// The documentation outputs as `(file name, text)`: `openapi.json` and `operations.md`.
pub fn doc_sources(spec: &Spec) -> Result<Vec<(String, String)>, Error> {
    let openapi = openapi(spec)?;
    let text = serde_json::to_string_pretty(&openapi)
        .map_err(|e| Error::Syntax { file: "openapi.json".into(), message: e.to_string() })?;
    Ok(vec![("openapi.json".into(), format!("{text}\n")), ("operations.md".into(), markdown(spec))])
}

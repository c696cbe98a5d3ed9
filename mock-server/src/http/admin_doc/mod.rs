//! The OpenAPI 3.1 document of everything the mock serves besides the Harvest API: the
//! admin API (`/__admin`), the hosted connector API (`/api/v1`), Harvest ID, the search
//! action (`POST /v2/{entity}/search`), uploaded files and the documents themselves.
//!
//! Written by hand as JSON values, one module per part, because these routes are plain
//! axum handlers with no spec behind them (the API document comes from the spec IR).
//! `cargo xtask codegen` writes it to `mock-server/api/admin-openapi.json`, which the
//! mock serves at `/admin-openapi.json`; the tests in `tests.rs` keep it and the router
//! in step (every route described, every described operation routed, and every
//! example request's real answer valid under the document).

mod admin;
mod services;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value, json};

/// The document, as `cargo xtask codegen` writes it.
pub fn admin_openapi() -> Value {
    let mut paths = Map::new();
    services::paths(&mut paths);
    admin::paths(&mut paths);
    let mut schemas = Map::new();
    admin::schemas(&mut schemas);
    services::schemas(&mut schemas);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "harvest-mock: admin API, hosted connector API, Harvest ID and search",
            "version": "1",
            "description": "Everything harvest-mock serves besides the Harvest API (whose document is \
                `/openapi.json`). The admin API needs the admin token when the mock has one \
                (`--admin-token`): `Authorization: Bearer <token>` or `X-Admin-Token`. An admin call \
                naming an account (`Harvest-Account-Id` or `?account_id=`) acts on that account.",
        },
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "admin": {"type": "http", "scheme": "bearer", "description": "The admin token, when the mock has one."},
                "adminHeader": {"type": "apiKey", "in": "header", "name": "X-Admin-Token"},
                "bearer": {"type": "http", "scheme": "bearer"},
                "account": {"type": "apiKey", "in": "header", "name": "Harvest-Account-Id"},
            },
        },
    })
}

/// A reference to a component schema.
fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A JSON response described by `description` whose body is `schema`.
fn json_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// A response without a body.
fn empty(description: &str) -> Value {
    json!({"description": description})
}

/// A JSON request body (`required`) with its schema and an example the mock accepts.
fn body(schema: Value, required: bool, example: Value) -> Value {
    json!({"required": required, "content": {"application/json": {"schema": schema, "example": example}}})
}

/// An object schema whose listed properties are all required.
fn object(properties: Value) -> Value {
    let required: Vec<Value> =
        properties.as_object().map(|p| p.keys().cloned().map(Value::String).collect()).unwrap_or_default();
    json!({"type": "object", "properties": properties, "required": required})
}

/// A schema of `ty` or `null`.
fn nullable(ty: &str) -> Value {
    json!({"type": [ty, "null"]})
}

/// A query parameter.
fn query(name: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description})
}

/// A path parameter with an example value.
fn path_param(name: &str, schema: Value, example: Value) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": schema, "example": example})
}

/// Adds an operation under `path` and `method` (lower case).
fn add(paths: &mut Map<String, Value>, path: &str, method: &str, operation: Value) {
    if let Value::Object(item) = paths.entry(path.to_string()).or_insert_with(|| json!({})) {
        item.insert(method.into(), operation);
    }
}

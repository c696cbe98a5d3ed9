//! The error answers of each operation, status by status, with Harvest's bodies.
//!
//! Every operation can be refused for a missing `User-Agent` (400), bad credentials
//! (401), a role that does not allow it (403) and the rate limit (429). Operations that
//! take input add 422; those that select a record by id add 404; those with a body add
//! 400 for a malformed one and 413 for an oversized one. The byte-exact bodies of
//! `api.errors` in the spec are the examples, and their keys the required properties,
//! so the document shows what the server sends.

use harvest_spec::Spec;
use harvest_spec::ir::{OpKind, Operation};
use serde_json::{Map, Value, json};

/// The schema an error body's JSON text has: an object requiring each key it holds,
/// typed as the value is; the text itself is the example.
fn body_schema(text: &str, description: &str) -> Value {
    let example: Value = serde_json::from_str(text).unwrap_or_else(|_| json!({}));
    let mut props = Map::new();
    if let Value::Object(m) = &example {
        for (k, v) in m {
            let ty = match v {
                Value::Number(_) => "integer",
                Value::Bool(_) => "boolean",
                _ => "string",
            };
            props.insert(k.clone(), json!({"type": ty}));
        }
    }
    let required: Vec<&String> = props.keys().collect();
    json!({"type": "object", "description": description, "properties": props, "required": required, "examples": [example]})
}

/// `{"message": "..."}`, the body of 422s, malformed bodies and oversized ones.
fn message_schema(description: &str, example: &str) -> Value {
    json!({
        "type": "object",
        "description": description,
        "properties": {"message": {"type": "string"}},
        "required": ["message"],
        "examples": [{"message": example}],
    })
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// Whether an operation reads input that can be refused with a 422.
fn takes_input(op: &Operation) -> bool {
    op.body.is_some()
        || !op.query.is_empty()
        || op.pagination.is_some()
        || matches!(op.kind, OpKind::Create | OpKind::Update | OpKind::Delete | OpKind::Action)
}

/// A reference to one of the shared error responses.
fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/responses/{name}") })
}

/// The shared error responses (`components/responses`), by name.
pub(super) fn components(spec: &Spec) -> Map<String, Value> {
    let errors = &spec.api.errors;
    let mut out = Map::new();
    let user_agent = body_schema(&errors.missing_user_agent, "The request has no `User-Agent` header.");
    let malformed = message_schema(
        "The body is not a JSON object, a form or a multipart form.",
        "The request body must be a JSON object",
    );
    out.insert("MissingUserAgent".into(), json_response("No `User-Agent` header.", user_agent.clone()));
    out.insert(
        "BadRequest".into(),
        json_response("No `User-Agent` header, or a malformed body.", json!({"oneOf": [user_agent, malformed]})),
    );
    let mut unauthorized = json_response(
        "The access token or the account id is missing, expired, revoked or wrong.",
        body_schema(&errors.unauthorized, "An OAuth2 error."),
    );
    unauthorized["headers"] = json!({"WWW-Authenticate": {
        "description": "The OAuth2 challenge.",
        "required": true,
        "schema": {"type": "string", "examples": [errors.www_authenticate]},
    }});
    out.insert("Unauthorized".into(), unauthorized);
    out.insert(
        "Forbidden".into(),
        json_response("The user the token acts as may not do this.", body_schema(&errors.forbidden, "Not authorized.")),
    );
    out.insert(
        "NotFound".into(),
        json_response("No record has this id.", body_schema(&errors.not_found, "Not found.")),
    );
    out.insert(
        "TooLarge".into(),
        json_response(
            "The body is larger than the server reads.",
            message_schema("Too large.", "Request body is too large"),
        ),
    );
    out.insert(
        "Unprocessable".into(),
        json_response(
            "A value is missing or invalid, or the request breaks a rule of the records involved; the message names every problem, Rails style.",
            message_schema("The problems, joined by commas.", "Project can't be blank, Spent date is not a valid date"),
        ),
    );
    out.insert(
        "TooManyRequests".into(),
        json!({
            "description": "Too many requests: wait the seconds `Retry-After` gives, then retry.",
            "headers": {"Retry-After": {
                "description": "Seconds until the rate limit lifts.",
                "required": true,
                "schema": {"type": "integer", "minimum": 0, "examples": [errors.retry_after_seconds]},
            }},
            "content": {"text/html": {"schema": {"type": "string", "maxLength": 0}}},
        }),
    );
    out
}

/// The error responses of one operation, by status code, as references to [`components`].
pub(super) fn error_responses(op: &Operation) -> Map<String, Value> {
    let mut out = Map::new();
    let bad_request = if op.body.is_some() { "BadRequest" } else { "MissingUserAgent" };
    out.insert("400".into(), reference(bad_request));
    out.insert("401".into(), reference("Unauthorized"));
    out.insert("403".into(), reference("Forbidden"));
    if !op.path_params.is_empty() {
        out.insert("404".into(), reference("NotFound"));
    }
    if op.body.is_some() {
        out.insert("413".into(), reference("TooLarge"));
    }
    if takes_input(op) {
        out.insert("422".into(), reference("Unprocessable"));
    }
    out.insert("429".into(), reference("TooManyRequests"));
    out
}

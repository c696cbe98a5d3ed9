//! The parameters of an operation: path ids, filters and paging, with every bound
//! the server enforces on them.
//!
//! An optional query parameter sent empty (`?updated_since=`) is the same as leaving it
//! out, so each carries `allowEmptyValue`. `page`, `per_page` and `cursor` state their
//! bounds and the cursor's shape from the IR ([`MAX_PAGE`], [`cursor_pattern`]); report
//! windows state their span in the description, which JSON Schema cannot compare.

use harvest_spec::Spec;
use harvest_spec::ir::{MAX_PAGE, Operation, PaginationStyle, QueryParam, cursor_pattern};
use serde_json::{Value, json};

use super::openapi::type_schema;

/// What a report says about its `from`/`to` pair, for those two parameters.
fn window_note(op: &Operation, q: &QueryParam) -> Option<String> {
    let w = op.report.as_ref()?.window.as_ref()?;
    if q.name != w.from && q.name != w.to {
        return None;
    }
    let span = w.max.as_ref().map(|(days, _)| format!(" at most {days} days apart, and")).unwrap_or_default();
    Some(format!(" `{}` and `{}` must be{span} `{}` not before `{}` (a 422 otherwise).", w.from, w.to, w.to, w.from))
}

fn query(spec: &Spec, op: &Operation, q: &QueryParam) -> Value {
    let mut doc = q.doc.trim().to_string();
    if let Some(note) = window_note(op, q) {
        doc.push_str(&note);
    }
    let mut p = json!({
        "name": q.name, "in": "query", "required": q.required,
        "description": doc.trim(), "schema": type_schema(spec, &q.ty, true),
    });
    if !q.required {
        p["allowEmptyValue"] = Value::Bool(true);
    }
    p
}

/// The parameters of an operation, in the order path, query, paging.
pub(super) fn parameters(spec: &Spec, op: &Operation) -> Vec<Value> {
    let mut params = Vec::new();
    for p in &op.path_params {
        params.push(
            json!({"name": p.name, "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}}),
        );
    }
    params.extend(op.query.iter().map(|q| query(spec, op, q)));
    if let Some(p) = &op.pagination {
        params.push(json!({"name": "per_page", "in": "query", "required": false, "allowEmptyValue": true,
            "schema": {"type": "integer", "minimum": 1, "maximum": p.per_page.max, "default": p.per_page.default}}));
        let (name, schema) = match p.style {
            PaginationStyle::Page => ("page", json!({"type": "integer", "minimum": 1, "maximum": MAX_PAGE})),
            PaginationStyle::Cursor => (
                "cursor",
                json!({
                    "type": "string",
                    "pattern": cursor_pattern(),
                    "description": "Base64 of `{\"after\":{\"id\":N}}`: continue after record N.",
                }),
            ),
        };
        params.push(json!({"name": name, "in": "query", "required": false, "allowEmptyValue": true, "schema": schema,
            "description": "Prefer following `links.next`."}));
    }
    params
}

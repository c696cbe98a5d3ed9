//! Request bodies: JSON objects or form-encoded fields (`a[]=x`, `a[0][k]=v`).

use axum::http::HeaderMap;
use serde_json::{Map, Value};

use crate::engine::{ApiError, ApiResult};

/// Parses a JSON or form-encoded body into an object.
pub fn parse_body(headers: &HeaderMap, bytes: &[u8]) -> ApiResult<Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let ct = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    if ct.starts_with("application/x-www-form-urlencoded") {
        return Ok(parse_form(bytes));
    }
    if ct.starts_with("multipart/") {
        return Err(ApiError::Unprocessable("multipart bodies are not supported by the mock".into()));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::BadRequest("The request body must be a JSON object".into())),
        Err(e) if ct.contains("json") || ct.is_empty() && bytes.first() == Some(&b'{') => {
            Err(ApiError::BadRequest(format!("Malformed JSON in request body: {e}")))
        }
        Err(_) => Ok(parse_form(bytes)),
    }
}

/// `a=1&b[]=x&c[0][k]=v` → `{"a":"1","b":["x"],"c":[{"k":"v"}]}`.
fn parse_form(bytes: &[u8]) -> Map<String, Value> {
    let mut root = Value::Object(Map::new());
    for (k, v) in form_urlencoded::parse(bytes) {
        let mut keys: Vec<String> = Vec::new();
        let (head, tail) =
            k.split_once('[').map(|(h, t)| (h.to_string(), format!("[{t}"))).unwrap_or((k.to_string(), String::new()));
        keys.push(head);
        for part in tail.split('[').skip(1) {
            keys.push(part.trim_end_matches(']').to_string());
        }
        if keys.len() > 16 {
            continue;
        }
        insert_path(&mut root, &keys, Value::String(v.into_owned()));
    }
    match root {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn insert_path(node: &mut Value, keys: &[String], v: Value) {
    let Some((k, rest)) = keys.split_first() else { return };
    if k.is_empty() || k.parse::<usize>().is_ok() {
        if !node.is_array() {
            *node = Value::Array(Vec::new());
        }
        let Value::Array(a) = node else { return };
        let i = k.parse::<usize>().unwrap_or(a.len()).min(a.len());
        if rest.is_empty() {
            a.push(v);
            return;
        }
        if i == a.len() {
            a.push(Value::Object(Map::new()));
        }
        insert_path(&mut a[i], rest, v);
    } else {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(m) = node else { return };
        if rest.is_empty() {
            m.insert(k.clone(), v);
        } else {
            insert_path(m.entry(k.clone()).or_insert(Value::Null), rest, v);
        }
    }
}

//! Request bodies: JSON objects, form-encoded fields (`a[]=x`, `a[0][k]=v`) and
//! `multipart/form-data` (text parts as form fields, file parts as uploads).

use axum::body::Bytes;
use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use crate::engine::{ApiError, ApiResult};

/// Parses a JSON, form-encoded or multipart body into an object. A file part becomes
/// `{"file_name", "content_type", "content"}` (content in base64) under its field name.
pub async fn parse_body(headers: &HeaderMap, bytes: &[u8]) -> ApiResult<Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let raw_ct = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    let ct = raw_ct.to_ascii_lowercase();
    if ct.starts_with("application/x-www-form-urlencoded") {
        return Ok(parse_form(bytes));
    }
    if ct.starts_with("multipart/form-data") {
        return parse_multipart(raw_ct, bytes).await;
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

/// A `multipart/form-data` body: text parts are read like form fields, file parts become uploads.
async fn parse_multipart(content_type: &str, bytes: &[u8]) -> ApiResult<Map<String, Value>> {
    let bad = |what: &str| ApiError::BadRequest(format!("Malformed multipart body: {what}"));
    let boundary = multer::parse_boundary(content_type).map_err(|e| bad(&e.to_string()))?;
    let data = Bytes::copy_from_slice(bytes);
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(data) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut files = Map::new();
    while let Some(part) = parts.next_field().await.map_err(|e| bad(&e.to_string()))? {
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part.file_name().map(str::to_string);
        let content_type = part.content_type().map_or("application/octet-stream".to_string(), ToString::to_string);
        let content = part.bytes().await.map_err(|e| bad(&e.to_string()))?;
        match file_name {
            Some(file_name) => {
                let upload =
                    json!({"file_name": file_name, "content_type": content_type, "content": STANDARD.encode(&content)});
                files.insert(name, upload);
            }
            None => fields.push((name, String::from_utf8_lossy(&content).into_owned())),
        }
    }
    let form = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let mut body = parse_form(form.as_bytes());
    body.extend(files);
    Ok(body)
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

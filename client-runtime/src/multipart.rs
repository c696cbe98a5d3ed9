//! `multipart/form-data` bodies: a JSON body's fields as form fields, then the files.
//!
//! Nested values are named the way Rails-style servers (Harvest) read them back:
//! `address[city]`, `tags[]` for a list of plain values, `line_items[0][kind]` for a list
//! of objects. `null` goes as an empty field.

use crate::{Error, Json, Upload};

/// The form fields of a JSON object body, in its key order.
pub(crate) fn form_fields(body: &Json) -> Result<Vec<(String, String)>, Error> {
    let Json::Object(map) = body else {
        return Err(Error::Encode(<serde_json::Error as serde::ser::Error>::custom(
            "a body sent as form fields must be a JSON object",
        )));
    };
    let mut fields = Vec::new();
    for (key, value) in map {
        flatten(key.clone(), value, &mut fields);
    }
    Ok(fields)
}

fn flatten(name: String, value: &Json, out: &mut Vec<(String, String)>) {
    match value {
        Json::Null => out.push((name, String::new())),
        Json::Bool(b) => out.push((name, b.to_string())),
        Json::Number(n) => out.push((name, n.to_string())),
        Json::String(s) => out.push((name, s.clone())),
        Json::Object(map) => {
            for (key, value) in map {
                flatten(format!("{name}[{key}]"), value, out);
            }
        }
        Json::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                match item {
                    Json::Object(_) | Json::Array(_) => flatten(format!("{name}[{index}]"), item, out),
                    _ => flatten(format!("{name}[]"), item, out),
                }
            }
        }
    }
}

/// A name inside a quoted header parameter, escaped as browsers do (HTML's form encoding):
/// `"` and line breaks become percent escapes, so a name cannot end the header early.
fn quoted(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// A boundary found in none of the parts. Random, so a collision is astronomically
/// unlikely; the loop makes it impossible.
fn boundary(parts: &[&[u8]]) -> String {
    loop {
        let random: String = (0..32).map(|_| fastrand::alphanumeric()).collect();
        let candidate = format!("harvest-client-{random}");
        let needle = candidate.as_bytes();
        if !parts.iter().any(|part| part.windows(needle.len()).any(|w| w == needle)) {
            return candidate;
        }
    }
}

/// Encodes `fields` and `files` as one `multipart/form-data` body: its `Content-Type`
/// (with the boundary) and its bytes.
pub(crate) fn encode(fields: &[(String, String)], files: &[(String, Upload)]) -> Result<(String, Vec<u8>), Error> {
    for (_, file) in files {
        if file.content_type().chars().any(char::is_control) {
            return Err(Error::Encode(<serde_json::Error as serde::ser::Error>::custom(format!(
                "the content type of `{}` has a control character",
                file.file_name()
            ))));
        }
    }
    let contents: Vec<&[u8]> = fields
        .iter()
        .map(|(_, value)| value.as_bytes())
        .chain(files.iter().map(|(_, file)| file.bytes().as_ref()))
        .collect();
    let boundary = boundary(&contents);
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n", quoted(name)).as_bytes(),
        );
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    for (name, file) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                quoted(name),
                quoted(file.file_name()),
                file.content_type()
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((format!("multipart/form-data; boundary={boundary}"), body))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use serde_json::json;

    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn nested_values_get_bracketed_names() {
        let body = json!({
            "project_id": 5, "total_cost": 12.5, "billable": false, "notes": null,
            "address": {"city": "Oslo"}, "tags": ["a", "b"],
            "line_items": [{"kind": "Service", "amount": 3}],
        });
        assert_eq!(
            form_fields(&body).unwrap(),
            pairs(&[
                ("project_id", "5"),
                ("total_cost", "12.5"),
                ("billable", "false"),
                ("notes", ""),
                ("address[city]", "Oslo"),
                ("tags[]", "a"),
                ("tags[]", "b"),
                ("line_items[0][kind]", "Service"),
                ("line_items[0][amount]", "3"),
            ])
        );
        assert!(matches!(form_fields(&json!([1])), Err(Error::Encode(_))));
    }

    #[test]
    fn the_body_has_every_part_and_a_boundary_none_contains() {
        let file = Upload::new("a \"b\".pdf", "application/pdf", &b"%PDF\r\n--x\x00\xff"[..]);
        let (content_type, body) = encode(&pairs(&[("notes", "line\r\nbreak")]), &[("receipt".into(), file)]).unwrap();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"notes\"\r\n\r\nline\r\nbreak\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"receipt\"; filename=\"a %22b%22.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n%PDF\r\n--x\x00"
        );
        assert!(body.starts_with(expected.as_bytes()), "{}", String::from_utf8_lossy(&body));
        let mut end = b"\xff\r\n".to_vec();
        end.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        assert!(body.ends_with(&end), "{}", String::from_utf8_lossy(&body));
        assert_eq!(body.windows(boundary.len()).filter(|w| *w == boundary.as_bytes()).count(), 3);
    }

    #[test]
    fn a_content_type_with_a_line_break_is_refused() {
        let file = Upload::new("a.pdf", "application/pdf\r\nX-Evil: 1", &b"x"[..]);
        assert!(matches!(encode(&[], &[("receipt".into(), file)]), Err(Error::Encode(_))));
    }
}

//! The JSON path of a decode failure, found from where `serde_json` stopped.
//!
//! A failed decode reports the line and column it reached: just after the value it rejected
//! (or the `}` of an object missing a field), or at the start of a value of the wrong kind.
//! Scanning the text up to there tells which value that is. Doing this once, here, instead of
//! decoding again through a path-tracking deserializer means each generated record type is
//! compiled for one deserializer only.

/// Where the scan is inside one open object or array.
enum Frame {
    /// Inside an object: the key of the member being read, once its `:` was seen.
    Object(Option<String>),
    /// Inside an array: the index of the element being read.
    Array(usize),
}

/// The byte offset of a 1-based `line` and a `column` counted in bytes from the line's start.
fn offset(text: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column).min(text.len())
}

/// The end of the string starting at `text[start]` (a `"`): the index after its closing quote.
fn string_end(text: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

/// The path (`clients[2].is_active`, `.` for the root) of the value at `line`/`column` of
/// `text`, as `serde_json` reports positions.
pub(crate) fn at(text: &[u8], line: usize, column: usize) -> String {
    let text = &text[..offset(text, line, column)];
    let mut stack: Vec<Frame> = Vec::new();
    let mut key = None;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'"' => {
                let end = string_end(text, i);
                if matches!(stack.last(), Some(Frame::Object(None))) {
                    key = serde_json::from_slice::<String>(&text[i..end]).ok();
                }
                i = end;
                continue;
            }
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object(slot)) = stack.last_mut() {
                    *slot = key.take();
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(slot)) => *slot = None,
                Some(Frame::Array(index)) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    render(&stack)
}

/// `a[1].b`, the way `serde_path_to_error` shows paths; `.` when empty.
fn render(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() { ".".to_owned() } else { path }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use serde::Deserialize;
    use serde::de::DeserializeOwned;

    /// A record with the kinds of values generated models hold.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Client {
        id: i64,
        name: String,
        is_active: bool,
        tags: Vec<String>,
        rate: Option<f64>,
        address: Option<Address>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Address {
        city: String,
        lines: Vec<Line>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Line {
        text: String,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Envelope {
        clients: Vec<Client>,
        per_page: Option<u64>,
    }

    /// The scanner's path for `body` equals the path-tracking deserializer's.
    fn same_path<T: DeserializeOwned + std::fmt::Debug>(body: &str) {
        let error = serde_json::from_str::<T>(body).expect_err(body);
        let de = &mut serde_json::Deserializer::from_str(body);
        let reference = serde_path_to_error::deserialize::<_, T>(de).expect_err(body);
        let found = super::at(body.as_bytes(), error.line(), error.column());
        assert_eq!(found, reference.path().to_string(), "{body}: {error}");
    }

    const GOOD: &str = r#"{"id":1,"name":"a","is_active":true,"tags":["x"],"rate":null,"address":null}"#;

    #[test]
    fn paths_match_the_path_tracking_deserializer() {
        let records = [
            r#"{"id":"1","name":"a","is_active":true,"tags":[],"rate":null,"address":null}"#,
            r#"{"id":1,"name":"a","is_active":"yes","tags":[],"rate":null,"address":null}"#,
            r#"{"id":1,"name":"a","is_active":true,"tags":["x",2],"rate":null,"address":null}"#,
            r#"{"id":1,"name":"a","is_active":true,"tags":[],"rate":"high","address":null}"#,
            r#"{"id":1,"is_active":true,"tags":[],"rate":1.5}"#,
            r#"{"id":1,"name":"a","is_active":true,"tags":[],"rate":null,"address":{"city":"b","lines":[{"text":1}]}}"#,
            r#"{"id":1,"name":"a","is_active":true,"tags":[],"rate":null,"address":{"city":"b","lines":[{},{"text":"c"}]}}"#,
            r#"{"id":1,"name":"a,b]}[{\"q","is_active":true,"tags":[],"rate":null,"address":{"lines":[]}}"#,
            r#"{"id":1,"name":"a","is_active":true,"tags":{},"rate":null,"address":null}"#,
            r#"{"id":1,"name":"a","is_active":true,"tags":[],"rate":null,"address":[1]}"#,
            r#"{"id":1,"name":"a","is_active":true,"tags":[],"rate":null,"address":null,"zz":[{"id":"x"}],"id":"2"}"#,
            "17",
            "[]",
        ];
        for record in records {
            same_path::<Client>(record);
            same_path::<Vec<Client>>(&format!("[{GOOD}, {record}]"));
            same_path::<Envelope>(&format!("{{\"per_page\": 2,\n \"clients\": [{GOOD},\n  {record}]}}"));
        }
        same_path::<Envelope>(&format!(r#"{{"clients": [{GOOD}], "per_page": "2"}}"#));
        same_path::<Envelope>(r#"{"clients": {}}"#);
    }

    #[test]
    fn the_root_is_a_dot() {
        assert_eq!(super::at(b"{\"a\":1}", 1, 7), ".");
        assert_eq!(super::at(b"", 1, 0), ".");
    }
}

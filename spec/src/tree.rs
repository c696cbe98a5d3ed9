//! A YAML document as a tree of located nodes.
//!
//! The spec is first read into this generic tree so that every later check can
//! point at the exact line and column, and so that all problems can be
//! collected instead of stopping at the first one.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::Diagnostics;
use crate::ir::Location;

/// A YAML value with the line and column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) line: u32,
    pub(crate) column: u32,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order; keys are scalars rendered as strings.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// A short name of the value's kind, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// The node's location in `file`.
    pub(crate) fn location(&self, file: &str) -> Location {
        Location { file: file.to_string(), line: self.line, column: self.column }
    }

    /// The scalar as text (keys and names), or `None` for collections.
    pub(crate) fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => Some("null".to_string()),
            Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// Converts a scalar or collection into JSON (for defaults and error bodies).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => {
                serde_json::Number::from_f64(*f).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
            }
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => serde_json::Value::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => serde_json::Value::Object(
                entries.iter().map(|(k, v)| (k.scalar_text().unwrap_or_default(), v.to_json())).collect(),
            ),
        }
    }
}

/// Parses one YAML document; a syntax error becomes one located diagnostic.
pub(crate) fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    match serde_saphyr::from_str::<Spanned<Value>>(text) {
        Ok(spanned) => Some(located(spanned)),
        Err(err) => {
            let (line, column) = err.location().map(|l| (to_u32(l.line()), to_u32(l.column()))).unwrap_or((1, 1));
            let location = Location { file: file.to_string(), line: line.max(1), column: column.max(1) };
            diags.error(&location, format!("not valid YAML: {}", first_line(&err.to_string())));
            None
        }
    }
}

/// The parser's first message line without its own `error: line N column M:` prefix.
fn first_line(message: &str) -> &str {
    let line = message.lines().next().unwrap_or(message);
    let line = line.strip_prefix("error: ").unwrap_or(line);
    match line.strip_prefix("line ").and_then(|rest| rest.split_once(": ")) {
        Some((_, text)) => text,
        None => line,
    }
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn located(spanned: Spanned<Value>) -> Node {
    Node { line: to_u32(spanned.referenced.line()), column: to_u32(spanned.referenced.column()), value: spanned.value }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::Int).unwrap_or(Value::Float(v as f64)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::Int).unwrap_or(Value::Float(v as f64)))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::Int).unwrap_or(Value::Float(v as f64)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Value>>()? {
            items.push(located(item));
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Value>>()? {
            let value = map.next_value::<Spanned<Value>>()?;
            entries.push((located(key), located(value)));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_carry_line_and_column() {
        let mut diags = Diagnostics::default();
        let root = parse("t.yaml", "a:\n  b: [1, x]\n", &mut diags).unwrap_or_else(|| panic!("{diags}"));
        let Value::Map(entries) = &root.value else { panic!("expected a map") };
        let (_, inner) = &entries[0];
        let Value::Map(inner) = &inner.value else { panic!("expected a map") };
        let (key, list) = &inner[0];
        assert_eq!((key.line, key.column), (2, 3));
        let Value::Seq(items) = &list.value else { panic!("expected a list") };
        assert_eq!(items[1].value, Value::Str("x".into()));
        assert_eq!((items[1].line, items[1].column), (2, 10));
    }

    #[test]
    fn syntax_errors_are_located() {
        let mut diags = Diagnostics::default();
        assert!(parse("bad.yaml", "a: [1, 2\nb: 3\n", &mut diags).is_none());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags.0[0].location.file, "bad.yaml");
    }
}

//! Typed reading of tree nodes, collecting problems instead of stopping.

use crate::diag::{Diagnostics, did_you_mean};
use crate::ir::Location;
use crate::tree::{Node, Value};

/// A value with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Located<T> {
    pub(crate) value: T,
    pub(crate) loc: Location,
}

/// Reading context: the file being read and where problems go.
pub(crate) struct Reader<'a> {
    pub(crate) file: &'a str,
    pub(crate) diags: &'a mut Diagnostics,
}

impl Reader<'_> {
    pub(crate) fn loc(&self, node: &Node) -> Location {
        node.location(self.file)
    }

    fn wrong_kind(&mut self, node: &Node, expected: &str, what: &str) {
        let loc = self.loc(node);
        self.diags.error(&loc, format!("{what} must be {expected}, found {}", node.value.kind()));
    }

    /// The entries of a mapping whose keys are all in `allowed`; unknown keys are reported.
    pub(crate) fn map<'n>(&mut self, node: &'n Node, what: &str, allowed: &[&str]) -> Option<Entries<'n>> {
        let entries = self.entries(node, what)?;
        for (key, _) in entries.iter() {
            if !allowed.contains(&key.value.as_str()) {
                let help = match did_you_mean(&key.value, allowed.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`? allowed keys: {}", allowed.join(", ")),
                    None => format!("allowed keys: {}", allowed.join(", ")),
                };
                self.diags.error_help(&key.loc, format!("unknown key `{}` in {what}", key.value), help);
            }
        }
        Some(entries)
    }

    /// The entries of a mapping with arbitrary names as keys (a named collection).
    pub(crate) fn entries<'n>(&mut self, node: &'n Node, what: &str) -> Option<Entries<'n>> {
        let Value::Map(raw) = &node.value else {
            if node.value != Value::Null {
                self.wrong_kind(node, "a mapping", what);
            }
            return None;
        };
        let mut entries = Vec::with_capacity(raw.len());
        for (key, value) in raw {
            match &key.value {
                Value::Str(s) => entries.push((Located { value: s.clone(), loc: self.loc(key) }, value)),
                _ => self.wrong_kind(key, "a string", &format!("a key in {what}")),
            }
        }
        Some(Entries(entries))
    }

    pub(crate) fn string(&mut self, node: &Node, what: &str) -> Option<Located<String>> {
        match &node.value {
            Value::Str(s) => Some(Located { value: s.clone(), loc: self.loc(node) }),
            _ => {
                self.wrong_kind(node, "a string", what);
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong_kind(node, "`true` or `false`", what);
                None
            }
        }
    }

    pub(crate) fn u32(&mut self, node: &Node, what: &str) -> Option<u32> {
        match &node.value {
            Value::Int(i) if *i >= 0 => match u32::try_from(*i) {
                Ok(n) => Some(n),
                Err(_) => {
                    let loc = self.loc(node);
                    self.diags.error(&loc, format!("{what} is too large: {i}"));
                    None
                }
            },
            Value::Int(i) => {
                let loc = self.loc(node);
                self.diags.error(&loc, format!("{what} must be zero or more, found {i}"));
                None
            }
            _ => {
                self.wrong_kind(node, "a whole number", what);
                None
            }
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub(crate) fn strings(&mut self, node: &Node, what: &str) -> Vec<Located<String>> {
        match &node.value {
            Value::Seq(items) => items.iter().filter_map(|item| self.string(item, what)).collect(),
            Value::Str(_) => self.string(node, what).into_iter().collect(),
            _ => {
                self.wrong_kind(node, "a list of strings", what);
                Vec::new()
            }
        }
    }

    pub(crate) fn list<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            _ => {
                self.wrong_kind(node, "a list", what);
                &[]
            }
        }
    }
}

/// The string-keyed entries of a mapping, in document order.
pub(crate) struct Entries<'n>(pub(crate) Vec<(Located<String>, &'n Node)>);

impl<'n> Entries<'n> {
    pub(crate) fn get(&self, key: &str) -> Option<&'n Node> {
        self.0.iter().find(|(k, _)| k.value == key).map(|(_, v)| *v)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &(Located<String>, &'n Node)> {
        self.0.iter()
    }
}

//! Rust names, decided once: case conversion, keyword escaping, collisions.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::diag::Diagnostics;
use crate::ir::{Location, RustName};

/// Keywords that take the `r#` prefix.
const RAW_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "gen",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct",
    "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const RESERVED: &[&str] = &["self", "super", "crate", "Self", "_"];

/// A `snake_case` identifier for `name`, keyword-escaped; `None` if nothing usable remains.
pub(crate) fn ident(name: &str) -> Option<String> {
    let mut snake = name.to_snake_case();
    if snake.is_empty() || !snake.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert(0, '_');
    }
    if RESERVED.contains(&snake.as_str()) {
        snake.push('_');
    } else if RAW_KEYWORDS.contains(&snake.as_str()) {
        snake.insert_str(0, "r#");
    }
    Some(snake)
}

/// A `PascalCase` type or variant name for `name`; `None` if nothing usable remains.
pub(crate) fn pascal(name: &str) -> Option<String> {
    let mut words = String::with_capacity(name.len());
    for c in name.chars() {
        words.push(if c.is_ascii_alphanumeric() { c } else { ' ' });
    }
    let mut out = words.to_upper_camel_case();
    if out.is_empty() {
        return None;
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        out.push('_');
    }
    Some(out)
}

/// Both Rust names of a spec name, reporting names that yield no identifier.
pub(crate) fn rust_name(name: &str, loc: &Location, what: &str, diags: &mut Diagnostics) -> RustName {
    match (ident(name), pascal(name)) {
        (Some(ident), Some(pascal)) => RustName { ident, pascal },
        _ => {
            diags.error_help(
                loc,
                format!("{what} `{name}` gives no Rust identifier"),
                "use letters, digits and underscores, starting with a letter",
            );
            RustName { ident: "invalid".into(), pascal: "Invalid".into() }
        }
    }
}

/// Detects two origins claiming the same generated name within one scope.
#[derive(Default)]
pub(crate) struct NameScope {
    taken: BTreeMap<String, (String, Location)>,
}

impl NameScope {
    /// Claims `name` for `origin`; reports a collision naming both origins.
    pub(crate) fn claim(&mut self, name: &str, origin: &str, loc: &Location, scope: &str, diags: &mut Diagnostics) {
        if let Some((first, first_loc)) = self.taken.get(name) {
            diags.error_help(
                loc,
                format!("{origin} and {first} (at {first_loc}) both become `{name}` in {scope}"),
                "rename one of them",
            );
        } else {
            self.taken.insert(name.to_string(), (origin.to_string(), loc.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(ident("type").as_deref(), Some("r#type"));
        assert_eq!(ident("self").as_deref(), Some("self_"));
        assert_eq!(ident("isActive").as_deref(), Some("is_active"));
        assert_eq!(ident("2fa").as_deref(), Some("_2fa"));
        assert_eq!(ident("a-b").as_deref(), Some("a_b"));
        assert_eq!(ident("%%"), None);
    }

    #[test]
    fn enum_values_become_variants() {
        assert_eq!(pascal("re-open").as_deref(), Some("ReOpen"));
        assert_eq!(pascal("net 15").as_deref(), Some("Net15"));
        assert_eq!(pascal("12h").as_deref(), Some("V12h"));
        assert_eq!(pascal("%%"), None);
    }

    proptest! {
        #[test]
        fn identifiers_are_always_valid(name in "\\PC{0,24}") {
            if let Some(id) = ident(&name) {
                let bare = id.strip_prefix("r#").unwrap_or(&id);
                prop_assert!(!bare.is_empty());
                prop_assert!(bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                prop_assert!(!bare.starts_with(|c: char| c.is_ascii_digit()));
                prop_assert!(!RESERVED.contains(&bare));
            }
            if let Some(p) = pascal(&name) {
                prop_assert!(p.chars().next().is_some_and(|c| c.is_ascii_uppercase()));
                prop_assert!(p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            }
        }
    }
}

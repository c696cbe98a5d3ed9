//! Rules on request values that hold for every operation: the server enforces
//! them and the OpenAPI document states them, both reading them from here so
//! the two cannot drift apart.
//!
//! - a required text field must not be blank ([`Field::must_not_be_blank`],
//!   [`is_blank`], and [`NON_BLANK_PATTERN`] for the document);
//! - a required list of a record or value type must not be empty
//!   ([`Field::must_not_be_empty`], `minItems: 1` in the document);
//! - `page` runs from 1 to [`MAX_PAGE`], a decimal from -[`MAX_DECIMAL`] to [`MAX_DECIMAL`];
//! - a keyset `cursor` is base64 of `{"after":{"id":N}}` ([`encode_cursor`],
//!   [`decode_cursor`], and [`cursor_pattern`] for the document).

use super::{Field, Presence, TypeRef};

/// The highest `page` number a page-numbered list accepts (a larger one is a 422).
pub const MAX_PAGE: u64 = 1_000_000_000;

/// The largest magnitude a decimal in a request may have (money and hours are kept as
/// exact decimals, which hold about 7.9e28); beyond it a value is invalid (422).
pub const MAX_DECIMAL: f64 = 1e28;

/// A regular expression (ECMA-262 and Python alike) that a text matches when it is not
/// blank: it holds one character outside Unicode's `White_Space` set, the set Rails'
/// `blank?` and Rust's [`char::is_whitespace`] both use.
pub const NON_BLANK_PATTERN: &str =
    "[^\\t\\n\\u000b\\u000c\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

/// Whether a text is blank (empty, or only whitespace), as Rails' presence check sees it.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

impl Field {
    /// Whether a request may not send this field blank: a text that a create must carry
    /// is refused with "… can't be blank" when empty or only whitespace, on update too.
    pub fn must_not_be_blank(&self) -> bool {
        matches!(self.ty, TypeRef::String) && self.input.create == Presence::Required
    }

    /// Whether a request may not send this field as an empty list: a list a create must
    /// carry is blank when empty (Rails' presence check), so `[]` is refused with
    /// "… can't be blank" (`line_items_import.project_ids`).
    pub fn must_not_be_empty(&self) -> bool {
        matches!(self.ty, TypeRef::Array(_)) && self.input.create == Presence::Required
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The JSON a cursor carries before the id.
const CURSOR_HEAD: &str = "{\"after\":{\"id\":";

/// The cursor that continues a list after record `id`: standard padded base64 of
/// `{"after":{"id":N}}`, as Harvest's `links.next` carries it.
pub fn encode_cursor(id: i64) -> String {
    base64(format!("{CURSOR_HEAD}{id}}}}}").as_bytes())
}

/// The record id a cursor continues after; `None` when it is not base64 of
/// `{"after":{"id":N}}` (surrounding whitespace is ignored).
pub fn decode_cursor(cursor: &str) -> Option<i64> {
    let bytes = unbase64(cursor.trim())?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("after")?.get("id")?.as_i64()
}

/// A regular expression matching cursors of ids from 1 to 18 digits (every id the
/// server hands out): each is accepted by [`decode_cursor`].
///
/// Base64 turns three bytes into four characters, so the pattern is the encoded
/// `{"after":{"id":` (15 bytes) followed by the digits three at a time, then the last
/// one or two digits together with the closing `}}`. The classes below are the
/// characters those byte groups can encode to; the first digit is never `0`.
pub fn cursor_pattern() -> String {
    // Three digits.
    let triple = "(?:[MN][DTjz]|O[DT])[AEIMQUYcgk][w-z0-5]";
    // Three digits, the first not 0.
    let first = "(?:M[Tjz]|N[DTjz]|O[DT])[AEIMQUYcgk][w-z0-5]";
    // One digit, then `}}`; and the same digit when it is the first.
    let one = "(?:[MN][HXn3]|O[HX])19";
    let one_first = "(?:M[Xn3]|N[HXn3]|O[HX])19";
    // Two digits, then `}}`; and the same when they are the first.
    let two = "(?:[MN][DTjz]|O[DT])[BFJNRVZdhl]9fQ==";
    let two_first = "(?:M[Tjz]|N[DTjz]|O[DT])[BFJNRVZdhl]9fQ==";
    let head = base64(CURSOR_HEAD.as_bytes());
    format!(
        "^{head}(?:{first}(?:(?:{triple}){{0,5}}fX0=|(?:{triple}){{0,4}}{one}|(?:{triple}){{0,4}}{two})|{one_first}|{two_first})$"
    )
}

/// Standard padded base64.
fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard padded base64; `None` for anything else.
fn unbase64(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(4) {
        return None;
    }
    let body = s.trim_end_matches('=');
    if s.len() - body.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in body.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn cursors_are_harvests_base64_of_the_last_id() {
        // The cursor of Harvest's own pagination example decodes to {"after":{"id":3007}}.
        assert_eq!(encode_cursor(3007), "eyJhZnRlciI6eyJpZCI6MzAwN319");
        assert_eq!(decode_cursor("eyJhZnRlciI6eyJpZCI6MzAwN319"), Some(3007));
        assert_eq!(decode_cursor(" eyJhZnRlciI6eyJpZCI6MzAwN319\n"), Some(3007));
        assert_eq!(decode_cursor("eyJhZnRlciI6eyJpZCI6MzAwN31"), None);
        assert_eq!(decode_cursor("not a cursor"), None);
        assert_eq!(decode_cursor(""), None);
        assert_eq!(decode_cursor(&base64(b"{\"before\":{\"id\":3}}")), None);
    }

    #[test]
    fn the_blank_pattern_names_exactly_the_whitespace_rust_trims() {
        let listed: Vec<char> = (0..=0x10ffff_u32).filter_map(char::from_u32).filter(|c| c.is_whitespace()).collect();
        let expected: Vec<char> = "\t\n\u{b}\u{c}\r \u{85}\u{a0}\u{1680}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}"
            .chars()
            .chain('\u{2000}'..='\u{200a}')
            .collect();
        let mut sorted = expected.clone();
        sorted.sort_unstable();
        assert_eq!(listed, sorted);
        for c in expected {
            let escaped = format!("\\u{:04x}", c as u32);
            let named = match c {
                '\t' => "\\t".to_string(),
                '\n' => "\\n".to_string(),
                '\r' => "\\r".to_string(),
                ' ' => " ".to_string(),
                _ => escaped,
            };
            let in_range = ('\u{2000}'..='\u{200a}').contains(&c);
            assert!(in_range || NON_BLANK_PATTERN.contains(&named), "{named} missing from the pattern");
        }
        assert!(is_blank(" \u{3000}\t") && is_blank("") && !is_blank(" a ") && !is_blank("\u{1c}"));
    }

    /// Cursors drawn from the pattern (proptest reads no anchors: they are taken off).
    fn unanchored_cursors() -> impl Strategy<Value = String> {
        let pattern = cursor_pattern();
        let inner = pattern.trim_start_matches('^').trim_end_matches('$').to_string();
        proptest::string::string_regex(&inner).unwrap_or_else(|e| panic!("cursor pattern: {e}"))
    }

    proptest! {
        #[test]
        fn every_id_round_trips(id in 1..i64::MAX) {
            prop_assert_eq!(decode_cursor(&encode_cursor(id)), Some(id));
        }

        #[test]
        fn every_cursor_the_pattern_admits_decodes(cursor in unanchored_cursors()) {
            let id = decode_cursor(&cursor);
            prop_assert!(id.is_some_and(|id| id > 0), "{cursor} does not decode to an id");
            let id = id.unwrap_or_default();
            prop_assert_eq!(encode_cursor(id), cursor);
        }
    }
}

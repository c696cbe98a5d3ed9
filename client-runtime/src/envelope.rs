//! Reading a list envelope straight from the bytes: the records under a key known only at
//! run time, the paging fields beside them, everything else skipped.
//!
//! This is the fast path. It does not explain failures: any body it cannot read is handed
//! back as `None`, and the caller reads it again to say what is wrong with it.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use crate::Links;

/// The paging fields of a list envelope; absent and `null` fields are `None`.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Meta {
    pub(super) per_page: Option<u64>,
    pub(super) total_pages: Option<u64>,
    pub(super) total_entries: Option<u64>,
    pub(super) page: Option<u64>,
    pub(super) next_page: Option<u64>,
    pub(super) previous_page: Option<u64>,
    pub(super) links: Option<Links>,
}

/// Reads `body` as a JSON object, decoding the value under `key` as `T` and, when `with_meta`,
/// the paging fields; `None` when the body is not UTF-8 or anything in it fails to decode.
///
/// A key that appears twice keeps its last value, as a `serde_json::Value` map does.
pub(super) fn read<T: DeserializeOwned>(body: &[u8], key: &str, with_meta: bool) -> Option<(T, Meta)> {
    std::str::from_utf8(body).ok()?;
    // The same deserializer type as `decode`'s, so each record type is compiled once for both.
    let mut de = serde_json::Deserializer::from_slice(body);
    let read = seed(key, with_meta).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(read)
}

/// The envelope reader as a seed, for decoders that wrap the JSON deserializer.
pub(super) fn seed<T>(key: &str, with_meta: bool) -> Envelope<'_, T> {
    Envelope { key: Keys { records: key, with_meta }, records: PhantomData }
}

/// What one key of the envelope holds.
enum Key {
    Records,
    PerPage,
    TotalPages,
    TotalEntries,
    Page,
    NextPage,
    PreviousPage,
    Links,
    Other,
}

/// Classifies envelope keys without allocating them.
#[derive(Clone, Copy)]
struct Keys<'k> {
    records: &'k str,
    with_meta: bool,
}

impl<'de> DeserializeSeed<'de> for Keys<'_> {
    type Value = Key;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Keys<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if key == self.records {
            return Ok(Key::Records);
        }
        if !self.with_meta {
            return Ok(Key::Other);
        }
        Ok(match key {
            "per_page" => Key::PerPage,
            "total_pages" => Key::TotalPages,
            "total_entries" => Key::TotalEntries,
            "page" => Key::Page,
            "next_page" => Key::NextPage,
            "previous_page" => Key::PreviousPage,
            "links" => Key::Links,
            _ => Key::Other,
        })
    }
}

/// The envelope object: `T` under the records key, plus the paging fields.
pub(super) struct Envelope<'k, T> {
    key: Keys<'k>,
    records: PhantomData<fn() -> T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Envelope<'_, T> {
    type Value = (T, Meta);

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Envelope<'_, T> {
    type Value = (T, Meta);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object with `{}`", self.key.records)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut records = None;
        let mut meta = Meta::default();
        while let Some(key) = map.next_key_seed(self.key)? {
            match key {
                Key::Records => records = Some(map.next_value()?),
                other => read_meta(other, &mut map, &mut meta)?,
            }
        }
        let records = records.ok_or_else(|| de::Error::custom(format!("missing field `{}`", self.key.records)))?;
        Ok((records, meta))
    }
}

/// Reads one paging field (or skips an unknown one). Kept out of line: it does not depend on
/// the record type, so every list shares one copy instead of inlining its own.
#[inline(never)]
fn read_meta<'de, A: MapAccess<'de>>(key: Key, map: &mut A, meta: &mut Meta) -> Result<(), A::Error> {
    match key {
        Key::PerPage => meta.per_page = map.next_value()?,
        Key::TotalPages => meta.total_pages = map.next_value()?,
        Key::TotalEntries => meta.total_entries = map.next_value()?,
        Key::Page => meta.page = map.next_value()?,
        Key::NextPage => meta.next_page = map.next_value()?,
        Key::PreviousPage => meta.previous_page = map.next_value()?,
        Key::Links => meta.links = map.next_value()?,
        Key::Records | Key::Other => {
            map.next_value::<IgnoredAny>()?;
        }
    }
    Ok(())
}

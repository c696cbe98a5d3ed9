//! A record as the state database keeps it: a JSON object of its present
//! fields by name. Reading goes straight into the record's slots and cells,
//! without building a map or a `Value` first (a million records are read at
//! start-up).

use std::borrow::Cow;
use std::fmt;

use harvest_spec::ir::{Field, ResourceId};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::{Cell, Draft, Rec};
use crate::plan::{FieldIx, Plan, ResInfo};

/// A record as a JSON object of its present fields, by name.
pub fn to_json(plan: &Plan, r: ResourceId, rec: &Rec) -> String {
    let fields = &plan.spec.resource(r).fields;
    let obj: Map<String, Value> =
        fields.iter().zip(rec.iter()).filter_map(|(f, v)| Some((f.name.clone(), v.as_ref()?.to_value()))).collect();
    Value::Object(obj).to_string()
}

/// Reads a record of `r` written by [`to_json`]; a field the spec does not have is an error
/// naming it.
pub fn from_json(plan: &Plan, r: ResourceId, text: &str) -> Result<Draft, String> {
    let seed = Slots { info: &plan.res[r], fields: &plan.spec.resource(r).fields };
    let mut de = serde_json::Deserializer::from_str(text);
    let rec = seed.deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(rec)
}

/// Reads a JSON object into the slots of a record of one resource.
struct Slots<'a> {
    info: &'a ResInfo,
    fields: &'a [Field],
}

impl<'de> DeserializeSeed<'de> for Slots<'_> {
    type Value = Draft;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Draft, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Slots<'_> {
    type Value = Draft;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of a record's fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Draft, A::Error> {
        let mut rec = Draft::absent(self.fields.len());
        // Fields come in the spec's order (see `to_json`): each name is first compared with
        // the field after the last one read, and looked up only when it is not that one.
        let mut next = 0;
        while let Some(Name(name)) = map.next_key::<Name<'de>>()? {
            let ix = match self.fields.get(next) {
                Some(f) if f.name == name => FieldIx(next),
                _ => self
                    .info
                    .ix(&name)
                    .ok_or_else(|| de::Error::custom(format!("a field `{name}` the spec does not have")))?,
            };
            next = ix.0 + 1;
            rec[ix] = Some(map.next_value::<CellValue>()?.0);
        }
        Ok(rec)
    }
}

/// One field's value, read straight into a [`Cell`] (as `Cell::from(Value)` would make it).
struct CellValue(Cell);

impl<'de> de::Deserialize<'de> for CellValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CellValue, D::Error> {
        d.deserialize_any(CellVisitor).map(CellValue)
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = Cell;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Cell, E> {
        Ok(Cell::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Cell, E> {
        Ok(Cell::Int(i))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Cell, E> {
        Ok(Cell::from(Value::from(u)))
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Cell, E> {
        Ok(Cell::from(Value::from(x)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Cell, E> {
        Ok(Cell::string(s))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Cell, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Cell::from)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Cell, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Cell::from)
    }
}

/// A field name, borrowed from the text unless it holds escapes.
struct Name<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Name<'de>, D::Error> {
        d.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Name<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Borrowed(s)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(s.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_it_was_written_and_unknown_fields_are_named() {
        let plan = Plan::harvest();
        let store = crate::seed::seed(&plan, &[], 3, 1.0, chrono::Utc::now(), &crate::seed::Progress::default());
        let mut read = 0;
        for (r, table) in store.tables.iter() {
            for (id, rec) in table.rows.iter().take(20) {
                let back = from_json(&plan, r, &to_json(&plan, r, rec)).unwrap_or_else(|e| panic!("{id}: {e}"));
                assert_eq!(&back.into_rec(), rec, "record {id}");
                read += 1;
            }
        }
        assert!(read > 100, "records of many resources were read back");
        let client = plan.spec.resource_named("client").unwrap_or_else(|| panic!("no client"));
        let err = from_json(&plan, client, r#"{"id": 1, "colour": "red"}"#).err().unwrap_or_default();
        assert!(err.contains("`colour`"), "{err}");
        assert!(from_json(&plan, client, "[1, 2]").is_err(), "not an object");
    }
}

//! A record as the state database keeps it: a JSON object of its present
//! fields by name. Reading goes straight into the record's slots, without
//! building a map first (a million records are read at start-up).

use std::borrow::Cow;
use std::fmt;

use harvest_spec::ir::ResourceId;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::{Cell, Draft, Rec};
use crate::plan::{Plan, ResInfo};

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
    let seed = Slots { info: &plan.res[r], fields: plan.spec.resource(r).fields.len() };
    let mut de = serde_json::Deserializer::from_str(text);
    let rec = seed.deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(rec)
}

/// Reads a JSON object into the slots of a record of one resource.
struct Slots<'a> {
    info: &'a ResInfo,
    fields: usize,
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
        let mut rec = Draft::absent(self.fields);
        while let Some(Name(name)) = map.next_key::<Name<'de>>()? {
            let ix = self
                .info
                .ix(&name)
                .ok_or_else(|| de::Error::custom(format!("a field `{name}` the spec does not have")))?;
            rec[ix] = Some(Cell::from(map.next_value::<Value>()?));
        }
        Ok(rec)
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

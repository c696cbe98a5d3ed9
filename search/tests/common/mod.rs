//! The test entity shared by the search suites: a time entry with a nested client.

use std::collections::BTreeMap;

use harvest_search::{FieldType, Schema};

/// `time_entries` with numbers, text, booleans, dates and a `client {id, name}` object.
pub fn schema() -> Schema {
    let client = BTreeMap::from([("id".to_string(), FieldType::Integer), ("name".to_string(), FieldType::Text)]);
    Schema {
        entity: "time_entries".into(),
        fields: BTreeMap::from([
            ("id".to_string(), FieldType::Integer),
            ("hours".to_string(), FieldType::Number),
            ("notes".to_string(), FieldType::Text),
            ("is_billed".to_string(), FieldType::Boolean),
            ("spent_date".to_string(), FieldType::Date),
            ("created_at".to_string(), FieldType::DateTime),
            ("client".to_string(), FieldType::Object(client)),
        ]),
    }
}

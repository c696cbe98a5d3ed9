//! What can be searched: field names and the kind of value each holds.

use std::collections::BTreeMap;

use harvest_spec::Spec;
use harvest_spec::ir::{Field, Schema as RecordShape, TypeRef};

/// The kind of value a searchable field holds, which decides the operators and values it accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    /// Whole numbers and ids.
    Integer,
    /// Decimal numbers.
    Number,
    /// Text (and enum values, times of day).
    Text,
    /// `true` / `false`.
    Boolean,
    /// `YYYY-MM-DD`, compared as text (which orders correctly).
    Date,
    /// `YYYY-MM-DDTHH:MM:SSZ`, compared as text (which orders correctly).
    DateTime,
    /// A list of values of one type.
    Array(Box<FieldType>),
    /// An object; known sub-fields can be reached with dotted paths (`client.id`).
    Object(BTreeMap<String, FieldType>),
}

impl FieldType {
    /// A short name for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            FieldType::Integer => "an integer",
            FieldType::Number => "a number",
            FieldType::Text => "text",
            FieldType::Boolean => "a boolean",
            FieldType::Date => "a date",
            FieldType::DateTime => "a date-time",
            FieldType::Array(_) => "a list",
            FieldType::Object(_) => "an object",
        }
    }

    /// Whether `gt`/`lt` and sorting make sense on it.
    pub fn is_ordered(&self) -> bool {
        matches!(self, FieldType::Integer | FieldType::Number | FieldType::Text | FieldType::Date | FieldType::DateTime)
    }

    /// Whether the text operators (`like`, `fuzzy`, `keyword`) apply.
    pub fn is_textual(&self) -> bool {
        matches!(self, FieldType::Text | FieldType::Date | FieldType::DateTime)
    }
}

/// The searchable fields of one entity.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Entity name, used in messages (`time_entries`).
    pub entity: String,
    /// Top-level searchable fields.
    pub fields: BTreeMap<String, FieldType>,
}

impl Schema {
    /// The type at a dotted path, or why there is none.
    pub fn resolve(&self, path: &str) -> Result<&FieldType, String> {
        let mut parts = path.split('.');
        let first = parts.next().unwrap_or_default();
        let mut ty = self.fields.get(first).ok_or_else(|| {
            let names: Vec<&str> = self.fields.keys().map(String::as_str).collect();
            format!("`{first}` is not a searchable field of {}; searchable fields: {}", self.entity, names.join(", "))
        })?;
        for part in parts {
            ty = match ty {
                FieldType::Object(sub) => sub.get(part).ok_or_else(|| {
                    let names: Vec<&str> = sub.keys().map(String::as_str).collect();
                    format!("`{path}`: `{part}` is not a field of this object; its fields: {}", names.join(", "))
                })?,
                other => return Err(format!("`{path}`: cannot go inside {}", other.describe())),
            };
        }
        Ok(ty)
    }

    /// The search schema of every searchable resource and type of a spec, keyed by entity name.
    pub fn all_from_spec(spec: &Spec) -> BTreeMap<String, (RecordShape, Schema)> {
        let mut out = BTreeMap::new();
        let shapes = spec
            .resources
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.search.as_ref().map(|s| (RecordShape::Resource(harvest_spec::ir::ResourceId(i)), s)))
            .chain(
                spec.types.iter().enumerate().filter_map(|(i, t)| {
                    t.search.as_ref().map(|s| (RecordShape::Type(harvest_spec::ir::TypeId(i)), s))
                }),
            );
        for (shape, search) in shapes {
            let fields = spec.fields_of(shape);
            let schema = Schema {
                entity: search.entity.clone(),
                fields: search
                    .fields
                    .iter()
                    .filter_map(|name| fields.iter().find(|f| &f.name == name))
                    .map(|f| (f.name.clone(), field_type(spec, &f.ty)))
                    .collect(),
            };
            out.insert(search.entity.clone(), (shape, schema));
        }
        out
    }
}

fn object_of(spec: &Spec, fields: &[Field]) -> FieldType {
    FieldType::Object(fields.iter().filter(|f| !f.hidden).map(|f| (f.name.clone(), field_type(spec, &f.ty))).collect())
}

/// The search type of a spec type.
pub fn field_type(spec: &Spec, ty: &TypeRef) -> FieldType {
    match ty {
        TypeRef::Id | TypeRef::Integer => FieldType::Integer,
        TypeRef::Decimal => FieldType::Number,
        TypeRef::Boolean => FieldType::Boolean,
        TypeRef::String | TypeRef::Time | TypeRef::Enum(_) => FieldType::Text,
        TypeRef::Date => FieldType::Date,
        TypeRef::DateTime => FieldType::DateTime,
        TypeRef::Array(inner) => FieldType::Array(Box::new(field_type(spec, inner))),
        TypeRef::Json => FieldType::Object(BTreeMap::new()),
        TypeRef::Object(id) => object_of(spec, &spec.type_def(*id).fields),
        TypeRef::Ref(r) => object_of(spec, &spec.type_def(r.embed).fields),
    }
}

//! Types of fields: scalars, enums, value types, refs, and the fields themselves.

use serde_json::Value;

use super::*;

/// A Rust name decided by the loader.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RustName {
    /// `snake_case` identifier, keyword-escaped (`r#type`), for fields and methods.
    pub ident: String,
    /// `PascalCase` name, for types and variants.
    pub pascal: String,
}

/// An enum: a set of known string values.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// Name in the spec (`approval_status`).
    pub name: String,
    /// Rust names.
    pub rust: RustName,
    /// One-line description.
    pub doc: String,
    /// Known values in declaration order.
    pub values: Vec<EnumValue>,
    /// Rust variant that keeps a value the spec does not list (`Other`, or `Unknown` if `other` is a value).
    pub unknown_variant: String,
    /// Declaration site.
    pub location: Location,
}

/// One known value of an enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumValue {
    /// The string on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub variant: String,
}

/// What kind of value a field holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A record id (always i64).
    Id,
    /// A whole number.
    Integer,
    /// Money, hours, rates, percentages: a decimal number.
    Decimal,
    /// `true` / `false`.
    Boolean,
    /// Free text.
    String,
    /// Calendar date, `YYYY-MM-DD`.
    Date,
    /// UTC timestamp with second precision, `YYYY-MM-DDTHH:MM:SSZ`.
    DateTime,
    /// Time of day as Harvest prints it (`8:00am` or `14:59`).
    Time,
    /// Any JSON value.
    Json,
    /// One value of an enum.
    Enum(EnumId),
    /// A value object.
    Object(TypeId),
    /// An embedded summary of another resource.
    Ref(RefType),
    /// A list.
    Array(Box<TypeRef>),
}

impl TypeRef {
    /// The spec's word for a built-in scalar type (`decimal`, `datetime`);
    /// `None` for enums, value types, refs and arrays.
    pub fn scalar_name(&self) -> Option<&'static str> {
        Some(match self {
            TypeRef::Id => "id",
            TypeRef::Integer => "integer",
            TypeRef::Decimal => "decimal",
            TypeRef::Boolean => "boolean",
            TypeRef::String => "string",
            TypeRef::Date => "date",
            TypeRef::DateTime => "datetime",
            TypeRef::Time => "time",
            TypeRef::Json => "json",
            TypeRef::Enum(_) | TypeRef::Object(_) | TypeRef::Ref(_) | TypeRef::Array(_) => return None,
        })
    }
}

/// An embedded reference to another resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RefType {
    /// The resource pointed at.
    pub target: ResourceId,
    /// The synthesised type of the embedded object.
    pub embed: TypeId,
    /// How the mock finds the referenced record.
    pub source: RefSource,
}

/// How a reference is established.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RefSource {
    /// Set by requests through the body field `via` (`client_id`).
    Input {
        /// Wire name of the request field carrying the id.
        via: String,
        /// Rust ident of that request field.
        via_ident: String,
    },
    /// Copied from a ref of a ref: `project.client` = (field `project`, then its field `client`).
    Derive {
        /// Local ref field.
        through: String,
        /// Ref field of the record that one points at.
        field: String,
    },
    /// The target record whose ref fields equal ours: pairs of (target field, our field).
    Match(Vec<(String, String)>),
    /// Set only by the server (seeded data and behaviours).
    Server,
}

/// Whether and how a field may be sent in a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InputRule {
    /// On create.
    pub create: Presence,
    /// Accepted on update.
    pub update: bool,
}

impl InputRule {
    /// A field no request may set.
    pub const READ_ONLY: InputRule = InputRule { create: Presence::Absent, update: false };

    /// True when no request body accepts the field.
    pub fn is_read_only(&self) -> bool {
        self.create == Presence::Absent && !self.update
    }
}

/// Whether a create request must, may or may not carry a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Must be present (422 when missing).
    Required,
    /// May be present.
    Optional,
    /// Not accepted (ignored when sent).
    Absent,
}

/// A fake-data hint for seeding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FakeHint {
    /// Company name.
    CompanyName,
    /// Person's first name.
    PersonFirstName,
    /// Person's last name.
    PersonLastName,
    /// E-mail address.
    Email,
    /// Phone number.
    Phone,
    /// Postal address (may contain newlines).
    Address,
    /// ISO 4217 currency code.
    CurrencyCode,
    /// Harvest time-zone name.
    Timezone,
    /// URL.
    Url,
    /// 32 lowercase hex digits.
    Hex32,
    /// One word.
    Word,
    /// One sentence.
    Sentence,
    /// A paragraph.
    Paragraph,
    /// Job title.
    JobTitle,
    /// Short project code.
    ProjectCode,
    /// Invoice or estimate number.
    InvoiceNumber,
    /// Hours worked, 0.25..8 in quarter hours.
    Hours,
    /// An amount of money, 10..5000 with two decimals.
    Money,
    /// An hourly rate, 50..250.
    Rate,
    /// A percentage, 0..25.
    Percentage,
    /// A date within the seeded window.
    RecentDate,
    /// A timestamp within the seeded window.
    RecentDatetime,
    /// Weekly capacity in seconds.
    WeeklyCapacity,
    /// Boolean, true most of the time.
    BooleanMostlyTrue,
    /// Boolean, false most of the time.
    BooleanMostlyFalse,
    /// A random known value of the field's enum.
    Enum,
}

/// One field of a type or resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Rust ident (keyword-escaped).
    pub ident: String,
    /// Value type.
    pub ty: TypeRef,
    /// May be `null`.
    pub nullable: bool,
    /// May be absent from a response.
    pub optional: bool,
    /// Kept by the server to relate records (a nested record's parent taken from the path); never in responses.
    pub hidden: bool,
    /// Request rules (read-only when no request accepts it).
    pub input: InputRule,
    /// Wire name of the request field (`client_id` for a ref with `via`; else the name).
    pub input_name: String,
    /// Rust ident of the request field.
    pub input_ident: String,
    /// Value filled in on create when the request omits it.
    pub default: Option<Value>,
    /// The value every seeded record gets (`seed: "%Y-%m-%d"`), instead of a generated one.
    pub seed: Option<Value>,
    /// For `[id]` fields: the resource the ids point at.
    pub references: Option<ResourceId>,
    /// For numeric fields: the smallest value a request may send (`minimum`, `exclusive_minimum`).
    pub minimum: Option<Minimum>,
    /// A create must send this field (not empty) unless it sends the sibling named here (not null).
    pub required_unless: Option<String>,
    /// Fake-data hint.
    pub fake: Option<FakeHint>,
    /// One-line description.
    pub doc: String,
    /// Marked deprecated by Harvest.
    pub deprecated: bool,
    /// The timestamp the server keeps in this field (`role: created_at`), if any.
    pub role: Option<FieldRole>,
    /// How the server computes this field from its siblings (`compute: {product: [a, b]}`), if it does.
    pub compute: Option<Compute>,
    /// Declaration site.
    pub location: Location,
}

/// Why a type exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeOrigin {
    /// Declared under `types:`.
    Declared,
    /// Synthesised for the embed of `holder.field` (holder is a resource or a type name).
    Embed {
        /// Spec name of the resource or type holding the ref field.
        holder: String,
        /// The ref field.
        field: String,
        /// The resource embedded.
        target: ResourceId,
    },
}

/// A value object (not stored on its own).
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Spec name (`external_reference`, or `time_entry_client` for embeds).
    pub name: String,
    /// Rust names.
    pub rust: RustName,
    /// One-line description.
    pub doc: String,
    /// Response fields.
    pub fields: Vec<Field>,
    /// Request-only fields (e.g. `_destroy` on line items).
    pub inputs: Vec<Field>,
    /// Rust name of the request struct, when the type is used in a request body.
    pub input_rust: Option<String>,
    /// Offline search settings for report rows.
    pub search: Option<Search>,
    /// Why it exists.
    pub origin: TypeOrigin,
    /// Declaration site.
    pub location: Location,
}

//! The validated, resolved model of an API spec (the IR).
//!
//! Everything here is decided once by the loader: Rust names are final,
//! references are indexes, and every collection is in a deterministic order
//! (the order of the YAML documents and of the keys inside them). Emitters and
//! the mock server read these types and never re-derive a name.

mod access;
mod api;
mod bounds;
mod operations;
mod report;
mod resources;
mod rules;
mod types;
mod wire;

use std::fmt;

pub use access::*;
pub use api::*;
pub use bounds::*;
pub use operations::*;
pub use report::*;
pub use resources::*;
pub use rules::*;
pub use types::*;
pub use wire::*;

/// The field that identifies a record of a resource, or an item of an array
/// of objects (`line_items[].id`); the format reserves the name.
pub const ID_FIELD: &str = "id";

/// The field an embedded summary shows as a record's name; a resource with
/// `name_from` gets it synthesised from those fields.
pub const NAME_FIELD: &str = "name";

/// The request-only input of an item type that, set to true on update,
/// removes the item its `id` names (Rails' nested-attributes convention).
pub const DESTROY_INPUT: &str = "_destroy";

/// A whole API: settings, enums, value types, resources and operations.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Base URL, auth, rate limits, pagination defaults and error bodies.
    pub api: Api,
    /// Closed sets of string values, in declaration order.
    pub enums: Vec<EnumDef>,
    /// Value objects: declared types, synthesised embed types and report rows.
    pub types: Vec<TypeDef>,
    /// Stored record kinds, in declaration order.
    pub resources: Vec<Resource>,
    /// Client method groups (one per resource with operations, plus declared groups).
    pub groups: Vec<Group>,
    /// Every operation, in declaration order.
    pub operations: Vec<Operation>,
}

/// Index of a group in [`Spec::groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(pub usize);

/// A set of operations the client exposes together (`client.time_entries()`).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Spec name (a resource's plural, or a declared group such as `reports`).
    pub name: String,
    /// Rust names (`time_entries` / `TimeEntries`).
    pub rust: RustName,
    /// One-line description.
    pub doc: String,
    /// The resource it belongs to, if any.
    pub resource: Option<ResourceId>,
    /// Its operations in declaration order.
    pub operations: Vec<OperationId>,
    /// Declaration site (the resource or the group).
    pub location: Location,
}

/// A record shape: a stored resource or a value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Schema {
    /// A resource's records.
    Resource(ResourceId),
    /// A value type.
    Type(TypeId),
}

/// Index of an enum in [`Spec::enums`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub usize);

/// Index of a type in [`Spec::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// Index of a resource in [`Spec::resources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(pub usize);

/// Index of an operation in [`Spec::operations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OperationId(pub usize);

/// Where something was declared: file, line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Location {
    /// File name as given to the loader (embedded files use their relative path).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

impl Spec {
    /// The enum with this id.
    pub fn enum_def(&self, id: EnumId) -> &EnumDef {
        &self.enums[id.0]
    }

    /// The type with this id.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The resource with this id.
    pub fn resource(&self, id: ResourceId) -> &Resource {
        &self.resources[id.0]
    }

    /// The group with this id.
    pub fn group(&self, id: GroupId) -> &Group {
        &self.groups[id.0]
    }

    /// The fields of a record shape.
    pub fn fields_of(&self, schema: Schema) -> &[Field] {
        match schema {
            Schema::Resource(id) => &self.resource(id).fields,
            Schema::Type(id) => &self.type_def(id).fields,
        }
    }

    /// The operation with this id.
    pub fn operation(&self, id: OperationId) -> &Operation {
        &self.operations[id.0]
    }

    /// The resource with this spec name.
    pub fn resource_named(&self, name: &str) -> Option<ResourceId> {
        self.resources.iter().position(|r| r.name == name).map(ResourceId)
    }

    /// The operation with this Harvest name.
    pub fn operation_named(&self, id: &str) -> Option<OperationId> {
        self.operations.iter().position(|o| o.id == id).map(OperationId)
    }
}

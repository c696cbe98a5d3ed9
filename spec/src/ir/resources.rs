//! Stored resources: fields, sort order, search entities.

use super::*;

/// A kind of stored record.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Singular spec name (`time_entry`).
    pub name: String,
    /// Rust names (`TimeEntry`).
    pub rust: RustName,
    /// Plural wire name (`time_entries`): envelope key and group name.
    pub plural: String,
    /// One-line description.
    pub doc: String,
    /// One record, no id (`company`).
    pub singleton: bool,
    /// Fields joined by a space into a synthetic `name` for embeds.
    pub name_from: Vec<String>,
    /// Records created at the default seeding scale.
    pub seed_count: u32,
    /// Default list order.
    pub sort: Vec<SortKey>,
    /// Response fields.
    pub fields: Vec<Field>,
    /// Request-only fields.
    pub inputs: Vec<Field>,
    /// Offline search settings.
    pub search: Option<Search>,
    /// What happens to records pointing here when one is deleted.
    pub delete_rules: Vec<DeleteRule>,
    /// The states its records move through, and the events that move them.
    pub states: Option<StateMachine>,
    /// Who may read and change its records (`access:`); everyone when `None`.
    pub access: Option<Access>,
    /// This resource's operations.
    pub operations: Vec<OperationId>,
    /// Declaration site.
    pub location: Location,
}

impl Resource {
    /// The field with this wire name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Index in `fields` of the field that keeps this timestamp.
    pub fn field_with_role(&self, role: FieldRole) -> Option<usize> {
        self.fields.iter().position(|f| f.role == Some(role))
    }
}

/// One key of a sort order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// Field wire name.
    pub field: String,
    /// Descending when true.
    pub descending: bool,
}

/// Offline search settings (the search action of the seed connector).
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// Entity name in `POST /v2/{entity}/search`.
    pub entity: String,
    /// Searchable fields: wire names, each a field of the record.
    pub fields: Vec<String>,
    /// Every path a query may name: each searchable field, and the scalar sub-fields of
    /// embedded objects (`project.id`).
    pub paths: Vec<SearchPath>,
    /// Rust name of the enum of searchable paths (`TimeEntryField`).
    pub field_rust: String,
    /// Rust name of a search result (the searchable fields, each optional) (`TimeEntrySearchHit`).
    pub hit_rust: String,
    /// Rust ident of the client method that searches (`search`, or `search_time_projects` in a shared group).
    pub method_ident: String,
    /// The client group that exposes the search (the resource's group, or the group of the report
    /// that lists these rows).
    pub group: Option<GroupId>,
}

/// One path a search query may name.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPath {
    /// Dotted wire path (`project.id`).
    pub path: String,
    /// Rust variant name (`ProjectId`).
    pub variant: String,
    /// Type of the value at the path.
    pub ty: TypeRef,
    /// The top-level searchable field the path starts at (`project`).
    pub field: String,
}

//! Operations: methods, paths, parameters, filters, bodies and responses.

use serde_json::Value;

use super::*;

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether repeating the request has no further effect.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// What an operation does, for the mock's generic handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// List records with filters and pagination.
    List,
    /// Fetch one record.
    Get,
    /// Create a record.
    Create,
    /// Partially update a record.
    Update,
    /// Delete a record.
    Delete,
    /// A special action handled by its behaviour.
    Action,
    /// A computed report.
    Report,
}

/// Pagination style of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaginationStyle {
    /// `links.next` carries an opaque `cursor` (keyset on id).
    Cursor,
    /// `links.next` carries `page=N+1`.
    Page,
}

/// Pagination of a list or report operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// Cursor or page numbers.
    pub style: PaginationStyle,
    /// `per_page` bounds.
    pub per_page: PerPage,
    /// Key of the item array in the envelope (`clients`, `results`).
    pub envelope: String,
}

/// A path template split into parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// As written in the spec (`/projects/{project_id}/user_assignments`).
    pub raw: String,
    /// Its segments between slashes.
    pub segments: Vec<PathSegment>,
}

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A fixed segment.
    Literal(String),
    /// An index into [`Operation::path_params`].
    Param(usize),
}

/// A path parameter and what it selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathParam {
    /// Wire name in the template.
    pub name: String,
    /// Rust ident.
    pub ident: String,
    /// What the value selects.
    pub binding: ParamBinding,
}

/// What a path parameter selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamBinding {
    /// The record's own id.
    SelfId,
    /// The id of the record's ref field with this name (its parent).
    Parent(String),
}

/// A query parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryParam {
    /// Wire name.
    pub name: String,
    /// Rust ident.
    pub ident: String,
    /// Value type.
    pub ty: TypeRef,
    /// Whether the request must carry it.
    pub required: bool,
    /// The filter it applies, when it filters records.
    pub filter: Option<Filter>,
    /// One-line description.
    pub doc: String,
}

/// A filter on a record field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Dotted field path (`client` compares the ref's id; `external_reference.id`; through an
    /// array, `line_items.project` matches when any element matches).
    pub field: String,
    /// Comparison.
    pub op: FilterOp,
}

/// Filter comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterOp {
    /// Equal.
    Eq,
    /// Greater than or equal (`updated_since`, `from`).
    Gte,
    /// Less than or equal (`to`).
    Lte,
}

/// What an operation answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// No meaningful body.
    None,
    /// One record.
    One(Schema),
    /// A paginated envelope list (see [`Operation::pagination`]).
    List(Schema),
    /// `{"<key>": [...]}` without pagination fields.
    BareList {
        /// The key.
        key: String,
        /// The item shape.
        item: Schema,
    },
}

/// The request body of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Rust name of the generated request struct (`CreateClientBody`).
    pub rust: String,
    /// The fields, each with its input rule for this operation.
    pub fields: Vec<BodyField>,
}

/// One field of a request body.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyField {
    /// Wire name (`client_id`).
    pub name: String,
    /// Rust ident.
    pub ident: String,
    /// Value type as sent (a ref becomes [`TypeRef::Id`]; objects use their input struct).
    pub ty: TypeRef,
    /// Must be present.
    pub required: bool,
    /// May be sent as `null` to clear the value.
    pub nullable: bool,
    /// Record field it sets (`client` for `client_id`), when it maps to one.
    pub target: Option<String>,
    /// Value used when omitted on create.
    pub default: Option<Value>,
    /// One-line description.
    pub doc: String,
}

/// One API operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Harvest's operation name (`listClients`).
    pub id: String,
    /// Method name inside its group (`list`, `list_for_project`).
    pub ident: String,
    /// Rust name of the client's request builder (`ListClientsRequest`).
    pub request_rust: String,
    /// Whether repeating the request is safe, so clients may retry it unasked.
    pub idempotent: bool,
    /// The client group it belongs to.
    pub group: GroupId,
    /// The resource whose records it works on, if any (reports have none).
    pub resource: Option<ResourceId>,
    /// What it does.
    pub kind: OpKind,
    /// HTTP method.
    pub method: Method,
    /// Path relative to the API root.
    pub path: PathTemplate,
    /// Path parameters in template order.
    pub path_params: Vec<PathParam>,
    /// Query parameters (filters and others; not `page`/`per_page`/`cursor`).
    pub query: Vec<QueryParam>,
    /// Pagination, for lists and reports.
    pub pagination: Option<Pagination>,
    /// Request body, when it takes one.
    pub body: Option<Body>,
    /// Response shape.
    pub response: Response,
    /// Success status code.
    pub status: u16,
    /// Name of the behaviour the server applies (`behavior: invoice_totals`); the
    /// interpreter's catalog says which names exist.
    pub behavior: Option<String>,
    /// Where the `behavior:` value was written.
    pub behavior_location: Option<Location>,
    /// Answers with the authenticated user's record (`selects: current_user`).
    pub selects_current_user: bool,
    /// How a report operation computes its rows (`report:`).
    pub report: Option<Report>,
    /// Who may call it (`access:`), overriding its resource's; `None` follows the resource.
    pub access: Option<Access>,
    /// One-line description.
    pub doc: String,
    /// Declaration site.
    pub location: Location,
}

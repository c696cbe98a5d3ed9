//! The validated, resolved model of an API spec (the IR).
//!
//! Everything here is decided once by the loader: Rust names are final,
//! references are indexes, and every collection is in a deterministic order
//! (the order of the YAML documents and of the keys inside them). Emitters and
//! the mock server read these types and never re-derive a name.

use std::fmt;

use serde_json::Value;

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

/// API-wide settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Human title of the API.
    pub title: String,
    /// The real service's base URL, including the version segment.
    pub base_url: String,
    /// Path prefixes the API is served under (`/v2`, `/api/v2`).
    pub path_prefixes: Vec<String>,
    /// How requests authenticate.
    pub auth: Auth,
    /// Rate-limit classes; the first whose prefix matches a path applies.
    pub rate_limits: Vec<RateLimit>,
    /// `per_page` default and maximum for lists that do not override them.
    pub pagination: PerPage,
    /// Byte-exact error bodies, keyed by their role.
    pub errors: ErrorBodies,
    /// The resource whose record is the authenticated user (`current_user: user`), if declared.
    pub current_user: Option<ResourceId>,
    /// The prefix the real service writes into absolute URLs it hands out (`Location`), if declared.
    pub location_prefix: Option<String>,
}

/// Authentication headers and query parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// Header carrying `Bearer <token>`.
    pub token_header: String,
    /// Header carrying the account id.
    pub account_header: String,
    /// Query parameter that may carry the token instead.
    pub token_query: String,
    /// Query parameter that may carry the account id instead.
    pub account_query: String,
    /// Whether a request without `User-Agent` is refused with 400.
    pub user_agent_required: bool,
}

/// One rate-limit class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// Name of the class (`general`, `reports`).
    pub name: String,
    /// Path prefix (relative to the API root) the class applies to; empty = all.
    pub path_prefix: String,
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length in seconds.
    pub per_seconds: u32,
}

/// `per_page` bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerPage {
    /// Used when the request has no `per_page`.
    pub default: u32,
    /// Largest accepted value; larger is a 422.
    pub max: u32,
}

/// Error bodies as the real API sends them (JSON text, byte-exact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBodies {
    /// 401 body for a missing or rejected token or account id.
    pub unauthorized: String,
    /// `WWW-Authenticate` header value sent with a 401.
    pub www_authenticate: String,
    /// 403 body.
    pub forbidden: String,
    /// 404 body for a missing record.
    pub not_found: String,
    /// 400 body for a request without `User-Agent`.
    pub missing_user_agent: String,
    /// `Retry-After` seconds used when a rate limit has no better estimate.
    pub retry_after_seconds: u32,
}

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

/// A timestamp the server maintains in a resource field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldRole {
    /// Set once, when the record is created.
    CreatedAt,
    /// Set on creation and on every change.
    UpdatedAt,
    /// The day the record describes (`spent_date`): seeded records are created on it.
    RecordedOn,
}

/// A field computed from other fields of the same resource or type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Compute {
    /// The product of these factors.
    Product(Vec<Operand>),
}

/// One factor of a computed field: a numeric sibling (`quantity`), or a
/// numeric field of the record a sibling ref points at (`expense_category.unit_price`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operand {
    /// Index of the sibling in the holder's `fields`.
    pub field: usize,
    /// When the sibling is a ref: index of the factor in the referenced resource's `fields`.
    pub through: Option<usize>,
}

/// Which states an event moves a record between (`states:` on a resource).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateMachine {
    /// Index of the enum-typed state field in the resource's `fields`.
    pub field: usize,
    /// Transitions in declaration order; the first that matches wins.
    pub transitions: Vec<Transition>,
}

impl StateMachine {
    /// The transition `event` takes from `state`: the first whose event matches and whose `from`
    /// is empty or lists the state. `None` means the event is not allowed in that state.
    pub fn next(&self, event: &str, state: &str) -> Option<&Transition> {
        self.transitions.iter().find(|t| t.event == event && (t.from.is_empty() || t.from.iter().any(|s| s == state)))
    }
}

/// One allowed move of a state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The event name (`send`, `re-open`).
    pub event: String,
    /// States it applies in; empty = any state.
    pub from: Vec<String>,
    /// The state it moves to; `None` = the state is unchanged.
    pub to: Option<String>,
    /// Datetime fields (indexes into the resource's `fields`) set to the current time.
    pub stamp: Vec<usize>,
    /// Nullable datetime fields (indexes into the resource's `fields`) set to null.
    pub clear: Vec<usize>,
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

/// A rule applied when a record is deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRule {
    /// Resource whose records point at the deleted one.
    pub resource: ResourceId,
    /// Their ref field.
    pub field: String,
    /// What to do.
    pub action: DeleteAction,
    /// For `nullify`: other fields of the dependants (indexes into that resource's `fields`) set
    /// to these values at the same time (`also: {is_billed: false}`).
    pub also: Vec<(usize, Value)>,
}

/// What happens to dependants on delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteAction {
    /// Refuse with 422 and this message.
    Block(String),
    /// Delete the dependants too.
    Cascade,
    /// Set the dependants' reference to null.
    Nullify,
}

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
    /// One-line description.
    pub doc: String,
    /// Declaration site.
    pub location: Location,
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

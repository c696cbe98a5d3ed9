//! What each behaviour needs from the spec, checked when a spec loads with a [`Catalog`].
//!
//! The mock server implements behaviours in Rust and reads fields by name. A
//! catalog lists, per behaviour, the fields it reads or writes and their kinds,
//! so a spec that renames or retypes one of them is refused at load time with
//! the `behavior:` line that depends on it, instead of misbehaving at run time.

use std::fmt;

use crate::diag::{Diagnostics, did_you_mean};
use crate::ir::{Compute, EnumDef, Field, Location, Operation, ParamBinding, Resource, Spec, TypeDef, TypeRef};

/// Every behaviour an implementation offers, with what each needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// The behaviours, by spec name.
    pub behaviors: Vec<BehaviorNeeds>,
}

impl Catalog {
    /// Adds a behaviour with its needs.
    pub fn with(mut self, name: impl Into<String>, needs: Vec<Need>) -> Self {
        self.behaviors.push(BehaviorNeeds { name: name.into(), needs });
        self
    }

    /// The behaviour with this spec name (the first, if listed twice).
    pub fn get(&self, name: &str) -> Option<&BehaviorNeeds> {
        self.behaviors.iter().find(|b| b.name == name)
    }
}

/// One behaviour and the fields it relies on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BehaviorNeeds {
    /// The name written after `behavior:`.
    pub name: String,
    /// Fields that must exist with a fitting type wherever the behaviour is used.
    pub needs: Vec<Need>,
}

/// One field a behaviour reads or writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// Whose field it is.
    pub on: Subject,
    /// Its wire name.
    pub field: String,
    /// The type it must have.
    pub kind: Kind,
}

impl Need {
    /// A field of the operation's own resource.
    pub fn own(field: impl Into<String>, kind: Kind) -> Self {
        Need { on: Subject::Own, field: field.into(), kind }
    }

    /// A field of the resource the operation's first parent path parameter selects.
    pub fn parent(field: impl Into<String>, kind: Kind) -> Self {
        Need { on: Subject::Parent, field: field.into(), kind }
    }

    /// A field of the resource with this spec name.
    pub fn resource(resource: impl Into<String>, field: impl Into<String>, kind: Kind) -> Self {
        Need { on: Subject::Resource(resource.into()), field: field.into(), kind }
    }

    /// A field of the declared type with this spec name.
    pub fn of_type(ty: impl Into<String>, field: impl Into<String>, kind: Kind) -> Self {
        Need { on: Subject::Type(ty.into()), field: field.into(), kind }
    }
}

/// Whose field a [`Need`] names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The operation's resource.
    Own,
    /// The resource of the ref field bound by the operation's first `Parent` path parameter.
    Parent,
    /// A resource, by spec name.
    Resource(String),
    /// A declared type, by spec name.
    Type(String),
}

/// The type a needed field must have (nullability is not checked; an `id` field fits only [`Kind::Any`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Any type.
    Any,
    /// `integer` or `decimal`.
    Number,
    /// `decimal`.
    Decimal,
    /// `integer`.
    Integer,
    /// `boolean`.
    Boolean,
    /// `string`, or an enum.
    String,
    /// `date`.
    Date,
    /// `datetime`.
    DateTime,
    /// A ref to the resource with this spec name, or to any resource.
    Ref(Option<String>),
    /// A list of anything.
    Array,
    /// A declared value type.
    Object,
    /// A number the server computes as what remains (`compute: {remaining: ...}`).
    Remaining,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Any => f.write_str("any type"),
            Kind::Number => f.write_str("integer or decimal"),
            Kind::Decimal => f.write_str("decimal"),
            Kind::Integer => f.write_str("integer"),
            Kind::Boolean => f.write_str("boolean"),
            Kind::String => f.write_str("string or enum"),
            Kind::Date => f.write_str("date"),
            Kind::DateTime => f.write_str("datetime"),
            Kind::Ref(Some(target)) => write!(f, "ref to {target}"),
            Kind::Ref(None) => f.write_str("a ref"),
            Kind::Array => f.write_str("a list"),
            Kind::Object => f.write_str("a value type"),
            Kind::Remaining => f.write_str("computed with `remaining`"),
        }
    }
}

impl Kind {
    /// Whether `field` fits: its type, and for [`Kind::Remaining`] its computation.
    pub fn accepts_field(&self, spec: &Spec, field: &Field) -> bool {
        match self {
            Kind::Remaining => matches!(field.compute, Some(Compute::Remaining { .. })),
            _ => self.accepts(spec, &field.ty),
        }
    }

    /// Whether a field of type `ty` fits ([`Kind::Remaining`] never fits a bare type).
    pub fn accepts(&self, spec: &Spec, ty: &TypeRef) -> bool {
        match (self, ty) {
            (Kind::Any, _)
            | (Kind::Number, TypeRef::Integer | TypeRef::Decimal)
            | (Kind::Decimal, TypeRef::Decimal)
            | (Kind::Integer, TypeRef::Integer)
            | (Kind::Boolean, TypeRef::Boolean)
            | (Kind::String, TypeRef::String | TypeRef::Enum(_))
            | (Kind::Date, TypeRef::Date)
            | (Kind::DateTime, TypeRef::DateTime)
            | (Kind::Ref(None), TypeRef::Ref(_))
            | (Kind::Array, TypeRef::Array(_))
            | (Kind::Object, TypeRef::Object(_)) => true,
            (Kind::Ref(Some(target)), TypeRef::Ref(rt)) => {
                spec.resources.get(rt.target.0).is_some_and(|r| &r.name == target)
            }
            _ => false,
        }
    }
}

/// A type as the spec writes it (`decimal`, `invoice_state`, `ref client`, `[invoice_line_item]`).
pub(crate) fn type_name(ty: &TypeRef, enums: &[EnumDef], types: &[TypeDef], resources: &[Resource]) -> String {
    let named = |name: Option<&str>| name.unwrap_or("?").to_string();
    if let Some(scalar) = ty.scalar_name() {
        return scalar.into();
    }
    match ty {
        TypeRef::Enum(id) => named(enums.get(id.0).map(|e| e.name.as_str())),
        TypeRef::Object(id) => named(types.get(id.0).map(|t| t.name.as_str())),
        TypeRef::Ref(rt) => format!("ref {}", named(resources.get(rt.target.0).map(|r| r.name.as_str()))),
        TypeRef::Array(inner) => format!("[{}]", type_name(inner, enums, types, resources)),
        _ => String::new(),
    }
}

/// Checks every operation's `behavior:` against the catalog.
pub(crate) fn check(spec: &Spec, catalog: &Catalog, diags: &mut Diagnostics) {
    for op in &spec.operations {
        let Some(name) = &op.behavior else { continue };
        let loc = op.behavior_location.as_ref().unwrap_or(&op.location);
        match catalog.get(name) {
            Some(behavior) => {
                for need in &behavior.needs {
                    check_need(spec, op, name, need, loc, diags);
                }
            }
            None => {
                let names: Vec<&str> = catalog.behaviors.iter().map(|b| b.name.as_str()).collect();
                let help = match did_you_mean(name, names.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None if names.is_empty() => "the catalog offers no behaviours; remove `behavior:`".into(),
                    None => format!("one of: {}", names.join(", ")),
                };
                diags.error_help(loc, format!("unknown behavior `{name}`"), help);
            }
        }
    }
}

fn check_need(spec: &Spec, op: &Operation, behavior: &str, need: &Need, loc: &Location, diags: &mut Diagnostics) {
    let wanted = format!("behavior {behavior} needs field {} ({})", need.field, need.kind);
    let subject = match subject(spec, op, &need.on) {
        Ok(subject) => subject,
        Err((problem, help)) => {
            diags.error_help(loc, format!("{wanted} on {problem}"), help);
            return;
        }
    };
    let (what, fields, inputs) = subject;
    let Some(field) = fields.iter().chain(inputs).find(|f| f.name == need.field) else {
        // Only a field of a fitting type can be the one renamed away.
        let fitting = fields.iter().chain(inputs).filter(|f| need.kind.accepts_field(spec, f));
        let help = match did_you_mean(&need.field, fitting.map(|f| f.name.as_str())) {
            Some(close) => format!("add the field, or rename `{close}` back to `{}`", need.field),
            None => "add the field, or rename it back".into(),
        };
        diags.error_help(loc, format!("{wanted} on {what}, which has no such field"), help);
        return;
    };
    if need.kind == Kind::Remaining && !need.kind.accepts_field(spec, field) {
        diags.error_help(
            loc,
            format!("{wanted} on {what}, but it is not computed (at {})", field.location),
            format!("declare `{}` with `compute: {{remaining: [total, share.amount]}}`", need.field),
        );
    } else if !need.kind.accepts_field(spec, field) {
        diags.error_help(
            loc,
            format!(
                "{wanted} on {what}, but it is {} (at {})",
                type_name(&field.ty, &spec.enums, &spec.types, &spec.resources),
                field.location
            ),
            format!("give `{}` the type {}", need.field, need.kind),
        );
    }
}

/// The subject's description with its response and request-only fields, or what is wrong.
type Found<'s> = (String, &'s [Field], &'s [Field]);

fn subject<'s>(spec: &'s Spec, op: &Operation, on: &Subject) -> Result<Found<'s>, (String, String)> {
    let resource = |id: crate::ir::ResourceId| {
        spec.resources.get(id.0).map(|r| (format!("resource {}", r.name), r.fields.as_slice(), r.inputs.as_slice()))
    };
    let missing =
        |what: &str, name: &str, help: &str| (format!("{what} {name}, which the spec does not declare"), help.into());
    match on {
        Subject::Own => op.resource.and_then(resource).ok_or_else(|| {
            (
                format!("the resource of operation {}, which has none", op.id),
                "add `resource: NAME` to the operation".into(),
            )
        }),
        Subject::Parent => {
            let parent = op.path_params.iter().find_map(|p| match &p.binding {
                ParamBinding::Parent(field) => Some(field),
                ParamBinding::SelfId => None,
            });
            let target = parent
                .and_then(|field| op.resource.and_then(|r| spec.resources.get(r.0)).and_then(|r| r.field(field)))
                .and_then(|f| match &f.ty {
                    TypeRef::Ref(rt) => Some(rt.target),
                    _ => None,
                });
            target.and_then(resource).ok_or_else(|| {
                (
                    format!("the parent of operation {}, which has no parent path parameter", op.id),
                    "nest the path under its parent and bind it, e.g. `params: {invoice_id: invoice}`".into(),
                )
            })
        }
        Subject::Resource(name) => spec
            .resource_named(name)
            .and_then(resource)
            .ok_or_else(|| missing("resource", name, "declare the resource, or rename it back")),
        Subject::Type(name) => spec
            .types
            .iter()
            .find(|t| &t.name == name)
            .map(|t| (format!("type {}", t.name), t.fields.as_slice(), t.inputs.as_slice()))
            .ok_or_else(|| missing("type", name, "declare the type, or rename it back")),
    }
}

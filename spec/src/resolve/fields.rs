//! Fields: types, input rules, defaults, fake hints and embedded references.

use serde_json::Value;

use super::naming::{self, NameScope};
use super::{Named, Resolver, ident};
use crate::diag::did_you_mean;
use crate::ir::{
    FakeHint, Field, InputRule, Location, NAME_FIELD, Presence, RefSource, RefType, Resource, ResourceId, TypeDef,
    TypeId, TypeOrigin, TypeRef,
};
use crate::raw::{RawField, TypeExpr};
use crate::read::Located;

/// An embed type waiting for its target's fields.
pub(crate) struct PendingEmbed {
    embed: TypeId,
    target: ResourceId,
    names: Vec<Located<String>>,
}

const PRIMITIVES: &[(&str, TypeRef)] = &[
    ("id", TypeRef::Id),
    ("integer", TypeRef::Integer),
    ("decimal", TypeRef::Decimal),
    ("boolean", TypeRef::Boolean),
    ("string", TypeRef::String),
    ("date", TypeRef::Date),
    ("datetime", TypeRef::DateTime),
    ("time", TypeRef::Time),
    ("json", TypeRef::Json),
];

const FAKE_HINTS: &[(&str, FakeHint)] = &[
    ("company_name", FakeHint::CompanyName),
    ("person_first_name", FakeHint::PersonFirstName),
    ("person_last_name", FakeHint::PersonLastName),
    ("email", FakeHint::Email),
    ("phone", FakeHint::Phone),
    ("address", FakeHint::Address),
    ("currency_code", FakeHint::CurrencyCode),
    ("timezone", FakeHint::Timezone),
    ("url", FakeHint::Url),
    ("hex32", FakeHint::Hex32),
    ("word", FakeHint::Word),
    ("sentence", FakeHint::Sentence),
    ("paragraph", FakeHint::Paragraph),
    ("job_title", FakeHint::JobTitle),
    ("project_code", FakeHint::ProjectCode),
    ("invoice_number", FakeHint::InvoiceNumber),
    ("hours", FakeHint::Hours),
    ("money", FakeHint::Money),
    ("rate", FakeHint::Rate),
    ("percentage", FakeHint::Percentage),
    ("recent_date", FakeHint::RecentDate),
    ("recent_datetime", FakeHint::RecentDatetime),
    ("weekly_capacity", FakeHint::WeeklyCapacity),
    ("boolean_mostly_true", FakeHint::BooleanMostlyTrue),
    ("boolean_mostly_false", FakeHint::BooleanMostlyFalse),
    ("enum", FakeHint::Enum),
];

const INPUT_RULES: &[(&str, InputRule)] = &[
    ("required", InputRule { create: Presence::Required, update: true }),
    ("optional", InputRule { create: Presence::Optional, update: true }),
    ("create", InputRule { create: Presence::Optional, update: false }),
    ("create_required", InputRule { create: Presence::Required, update: false }),
    ("update", InputRule { create: Presence::Absent, update: true }),
];

pub(crate) fn parse_input_rule(r: &mut Resolver<'_>, word: &Located<String>) -> Option<InputRule> {
    r.keyword(word, INPUT_RULES, "input rule")
}

/// Resolves a type expression (a name or `[T]`).
pub(crate) fn resolve_type(r: &mut Resolver<'_>, expr: &TypeExpr, loc: &Location) -> Option<TypeRef> {
    match expr {
        TypeExpr::Array(inner) => resolve_type(r, inner, loc).map(|t| TypeRef::Array(Box::new(t))),
        TypeExpr::Named(name) => {
            if let Some((_, t)) = PRIMITIVES.iter().find(|(k, _)| k == name) {
                return Some(t.clone());
            }
            if let Some((Named::Resource(_), _)) = r.names.get(name) {
                r.diags.error_help(
                    loc,
                    format!("`{name}` is a resource, not a type"),
                    format!("embed it with `ref: {name}, embed: [id, name]`"),
                );
                return None;
            }
            if !r.names.contains_key(name) {
                let candidates = PRIMITIVES.iter().map(|(k, _)| *k).chain(r.names.keys().map(String::as_str));
                let help = match did_you_mean(name, candidates) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "use id, integer, decimal, boolean, string, date, datetime, time, json, or a declared enum or type".into(),
                };
                r.diags.error_help(loc, format!("unknown type `{name}`"), help);
                return None;
            }
            match r.lookup(name, loc, "type")? {
                Named::Enum(id) => Some(TypeRef::Enum(id)),
                Named::Type(id) => Some(TypeRef::Object(id)),
                Named::Resource(_) => None,
            }
        }
    }
}

/// Resolves the fields of one holder (resource or type). `inputs` fields default to `input: optional`.
pub(crate) fn resolve_fields(
    r: &mut Resolver<'_>,
    holder: &str,
    raw: &[RawField],
    inputs: bool,
) -> (Vec<Field>, Vec<PendingEmbed>) {
    let mut out = Vec::new();
    let mut embeds = Vec::new();
    let mut scope = NameScope::default();
    let what = if inputs { "request-only fields" } else { "fields" };
    for f in raw {
        let Some(field_ident) = ident(&f.name.value) else {
            r.diags.error_help(
                &f.name.loc,
                format!("field `{}` gives no Rust identifier", f.name.value),
                "use letters, digits and underscores",
            );
            continue;
        };
        scope.claim(
            &field_ident,
            &format!("field `{}`", f.name.value),
            &f.name.loc,
            &format!("the {what} of `{holder}`"),
            r.diags,
        );
        let default_rule =
            if inputs { InputRule { create: Presence::Optional, update: true } } else { InputRule::READ_ONLY };
        let input = match &f.input {
            Some(word) => parse_input_rule(r, word).unwrap_or(default_rule),
            None => default_rule,
        };
        let ty = match (&f.reference, &f.ty) {
            (Some(target), None) => resolve_ref(r, holder, f, target, input, &mut embeds),
            (None, Some(ty)) => {
                check_ref_only_keys(r, f);
                resolve_type(r, &ty.value, &ty.loc)
            }
            (Some(_), Some(ty)) => {
                r.diags.error_help(
                    &ty.loc,
                    format!("field `{}` has both `type` and `ref`", f.name.value),
                    "keep `ref` for an embedded record, or `type` for a plain value",
                );
                None
            }
            (None, None) => {
                r.diags.error_help(
                    &f.name.loc,
                    format!("field `{}` of `{holder}` has no `type`", f.name.value),
                    "write `type: string` (or another type), or `ref: RESOURCE` for an embedded record",
                );
                None
            }
        };
        let Some(ty) = ty else { continue };
        let references = f.references.as_ref().and_then(|target| {
            if ty != TypeRef::Array(Box::new(TypeRef::Id)) && ty != TypeRef::Id {
                r.diags.error_help(
                    &target.loc,
                    format!("`references` needs `type: [id]` or `type: id`, field `{}` is not", f.name.value),
                    "remove `references` or change the type",
                );
            }
            match r.lookup(&target.value, &target.loc, "resource")? {
                Named::Resource(id) => Some(id),
                _ => {
                    r.diags.error(&target.loc, format!("`references: {}` must name a resource", target.value));
                    None
                }
            }
        });
        let fake = f.fake.as_ref().and_then(|h| r.keyword(h, FAKE_HINTS, "fake hint"));
        if let Some(h) = f.fake.as_ref().filter(|_| fake == Some(FakeHint::Enum) && !matches!(ty, TypeRef::Enum(_))) {
            r.diags.error_help(
                &h.loc,
                format!("`fake: enum` on field `{}` that is not an enum", f.name.value),
                "pick another hint or give the field an enum type",
            );
        }
        if let Some(default) = &f.default {
            check_default(r, f, &ty, default);
        }
        if let Some(seed) = f.seed.as_ref().filter(|v| !value_fits(r, &ty, f.nullable, v)) {
            r.diags.error_help(
                &f.name.loc,
                format!("seed value `{seed}` of field `{}` does not fit its type", f.name.value),
                "give a value of the field's type (null only for nullable fields)",
            );
        }
        let minimum = super::bounds::minimum(r, f, &ty);
        let input_name = match (&ty, &f.via) {
            (TypeRef::Ref(_), Some(via)) => via.value.clone(),
            _ => f.name.value.clone(),
        };
        let input_ident = ident(&input_name).unwrap_or_else(|| field_ident.clone());
        out.push(Field {
            name: f.name.value.clone(),
            ident: field_ident,
            ty,
            nullable: f.nullable,
            optional: f.optional,
            hidden: f.hidden,
            input,
            input_name,
            input_ident,
            default: f.default.clone(),
            seed: f.seed.clone(),
            references,
            minimum,
            required_unless: None,
            fake,
            doc: f.doc.clone().unwrap_or_default(),
            deprecated: f.deprecated,
            role: None,
            compute: None,
            location: f.name.loc.clone(),
        });
    }
    super::conditions::required_unless(r, raw, &mut out);
    (out, embeds)
}

fn check_ref_only_keys(r: &mut Resolver<'_>, f: &RawField) {
    let stray = [
        ("embed", f.embed.first().map(|e| &e.loc)),
        ("via", f.via.as_ref().map(|v| &v.loc)),
        ("derive", f.derive.as_ref().map(|v| &v.loc)),
    ];
    for (key, loc) in stray {
        if let Some(loc) = loc {
            r.diags.error_help(
                loc,
                format!("`{key}` on field `{}` that is not a `ref`", f.name.value),
                "remove it, or make the field `ref: RESOURCE`",
            );
        }
    }
}

fn resolve_ref(
    r: &mut Resolver<'_>,
    holder: &str,
    f: &RawField,
    target: &Located<String>,
    input: InputRule,
    embeds: &mut Vec<PendingEmbed>,
) -> Option<TypeRef> {
    let target_id = match r.lookup(&target.value, &target.loc, "resource")? {
        Named::Resource(id) => id,
        _ => {
            r.diags.error_help(
                &target.loc,
                format!("`ref: {}` must name a resource", target.value),
                "use `type:` for enums and value types",
            );
            return None;
        }
    };
    if f.embed.is_empty() {
        r.diags.error_help(
            &f.name.loc,
            format!("ref field `{}` has no `embed` list", f.name.value),
            "write `embed: [id, name]` with the target fields to include",
        );
    }
    let sources = [f.via.is_some(), f.derive.is_some(), !f.matches.is_empty()].iter().filter(|s| **s).count();
    if sources > 1 {
        r.diags.error_help(
            &f.name.loc,
            format!("ref field `{}` has more than one of `via`, `derive`, `match`", f.name.value),
            "keep exactly one way to set the reference",
        );
    }
    if !input.is_read_only() && f.via.is_none() {
        r.diags.error_help(
            &f.name.loc,
            format!("ref field `{}` accepts input but has no `via`", f.name.value),
            format!("write `via: {}_id`", f.name.value),
        );
    }
    if let Some(via) = f.via.as_ref().filter(|_| input.is_read_only() && f.input.is_none()) {
        r.diags.error_help(
            &via.loc,
            format!("ref field `{}` has `via` but no `input` rule", f.name.value),
            "add `input: required` or `input: optional`",
        );
    }
    let source = if let Some(via) = &f.via {
        let via_ident = ident(&via.value).unwrap_or_default();
        RefSource::Input { via: via.value.clone(), via_ident }
    } else if let Some(derive) = &f.derive {
        match derive.value.split_once('.') {
            Some((through, field)) if !through.is_empty() && !field.is_empty() => {
                RefSource::Derive { through: through.into(), field: field.into() }
            }
            _ => {
                r.diags.error_help(
                    &derive.loc,
                    format!("`derive: {}` is not of the form `ref_field.its_ref_field`", derive.value),
                    "write e.g. `derive: project.client`",
                );
                RefSource::Server
            }
        }
    } else if !f.matches.is_empty() {
        RefSource::Match(f.matches.iter().map(|(theirs, ours)| (theirs.value.clone(), ours.value.clone())).collect())
    } else {
        RefSource::Server
    };
    let embed_name = format!("{holder}_{}", f.name.value);
    let embed_id = TypeId(r.types.len());
    let rust = naming::rust_name(&embed_name, &f.name.loc, "embed type", r.diags);
    if let Some((_, first)) = r.names.get(&embed_name) {
        r.diags.error_help(
            &f.name.loc,
            format!(
                "the embed type of `{holder}.{}` is named `{embed_name}`, which is already declared at {first}",
                f.name.value
            ),
            "rename the declared name or the field",
        );
    } else {
        r.names.insert(embed_name.clone(), (Named::Type(embed_id), f.name.loc.clone()));
    }
    r.types.push(TypeDef {
        name: embed_name,
        rust,
        doc: format!("The `{}` summary embedded in `{holder}.{}`.", target.value, f.name.value),
        fields: Vec::new(),
        inputs: Vec::new(),
        input_rust: None,
        search: None,
        origin: TypeOrigin::Embed { holder: holder.to_string(), field: f.name.value.clone(), target: target_id },
        location: f.name.loc.clone(),
    });
    embeds.push(PendingEmbed { embed: embed_id, target: target_id, names: f.embed.clone() });
    Some(TypeRef::Ref(RefType { target: target_id, embed: embed_id, source }))
}

fn check_default(r: &mut Resolver<'_>, f: &RawField, ty: &TypeRef, default: &Value) {
    if !value_fits(r, ty, f.nullable, default) {
        r.diags.error_help(
            &f.name.loc,
            format!("default `{default}` of field `{}` does not fit its type", f.name.value),
            "give a default of the field's type (null only for nullable fields)",
        );
    }
}

/// Whether `value` is a value of type `ty` (`null` only when `nullable`).
pub(crate) fn value_fits(r: &Resolver<'_>, ty: &TypeRef, nullable: bool, value: &Value) -> bool {
    match (ty, value) {
        (_, Value::Null) => nullable,
        (TypeRef::Boolean, Value::Bool(_)) => true,
        (TypeRef::Integer | TypeRef::Id, Value::Number(n)) => n.is_i64(),
        (TypeRef::Decimal, Value::Number(_)) => true,
        (TypeRef::String | TypeRef::Date | TypeRef::DateTime | TypeRef::Time, Value::String(_)) => true,
        (TypeRef::Enum(id), Value::String(s)) => {
            r.enums.get(id.0).is_none_or(|e| e.values.iter().any(|v| &v.wire == s))
        }
        (TypeRef::Array(_), Value::Array(_)) | (TypeRef::Json, _) | (TypeRef::Object(_), Value::Object(_)) => true,
        _ => false,
    }
}

/// Copies the embedded fields of each target into its embed type.
pub(crate) fn fill_embeds(r: &mut Resolver<'_>, resources: &[Resource], embeds: Vec<PendingEmbed>) {
    for pending in embeds {
        let target = &resources[pending.target.0];
        let mut fields = Vec::new();
        for name in &pending.names {
            if let Some(field) = target.field(&name.value) {
                fields.push(Field {
                    input: InputRule::READ_ONLY,
                    default: None,
                    seed: None,
                    minimum: None,
                    required_unless: None,
                    role: None,
                    compute: None,
                    location: name.loc.clone(),
                    ..field.clone()
                });
            } else if name.value == NAME_FIELD && !target.name_from.is_empty() {
                fields.push(synthetic_name(&name.loc));
            } else {
                let candidates = target.fields.iter().map(|f| f.name.as_str());
                let help = match did_you_mean(&name.value, candidates) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None if name.value == NAME_FIELD => {
                        format!("add `name_from: [first_name, last_name]` to resource `{}`", target.name)
                    }
                    None => format!("embed one of the fields of `{}`", target.name),
                };
                r.diags.error_help(
                    &name.loc,
                    format!("resource `{}` has no field `{}` to embed", target.name, name.value),
                    help,
                );
            }
        }
        r.types[pending.embed.0].fields = fields;
    }
}

fn synthetic_name(loc: &Location) -> Field {
    Field {
        name: NAME_FIELD.into(),
        ident: NAME_FIELD.into(),
        ty: TypeRef::String,
        nullable: false,
        optional: false,
        hidden: false,
        input: InputRule::READ_ONLY,
        input_name: NAME_FIELD.into(),
        input_ident: NAME_FIELD.into(),
        default: None,
        seed: None,
        references: None,
        minimum: None,
        required_unless: None,
        fake: None,
        doc: "Full name.".into(),
        deprecated: false,
        role: None,
        compute: None,
        location: loc.clone(),
    }
}

/// Checks `derive` and `match` references against the resources they walk through.
pub(crate) fn check_ref_sources(r: &mut Resolver<'_>, resources: &[Resource]) {
    let ref_target = |res: &Resource, field: &str| -> Option<ResourceId> {
        match &res.field(field)?.ty {
            TypeRef::Ref(rt) => Some(rt.target),
            _ => None,
        }
    };
    for res in resources {
        for field in &res.fields {
            let TypeRef::Ref(rt) = &field.ty else { continue };
            match &rt.source {
                RefSource::Derive { through, field: far } => {
                    let far_target = ref_target(res, through).and_then(|mid| ref_target(&resources[mid.0], far));
                    if far_target != Some(rt.target) {
                        r.diags.error_help(
                            &field.location,
                            format!(
                                "`derive: {through}.{far}` on `{}.{}` does not lead to a `{}`",
                                res.name, field.name, resources[rt.target.0].name
                            ),
                            format!(
                                "`{through}` must be a ref field of `{}` whose target has a ref field `{far}` to `{}`",
                                res.name, resources[rt.target.0].name
                            ),
                        );
                    }
                }
                RefSource::Match(pairs) => {
                    let target = &resources[rt.target.0];
                    for (theirs, ours) in pairs {
                        let (a, b) = (ref_target(target, theirs), ref_target(res, ours));
                        if a.is_none() || a != b {
                            r.diags.error_help(&field.location, format!("`match: {{{theirs}: {ours}}}` on `{}.{}`: `{}.{theirs}` and `{}.{ours}` must be refs to the same resource", res.name, field.name, target.name, res.name), "name ref fields on both sides");
                        }
                    }
                }
                RefSource::Input { .. } | RefSource::Server => {}
            }
        }
    }
}

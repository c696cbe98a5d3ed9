//! Field docs: defaults for the fields every record shares, and the `require_docs` check.

use crate::diag::Diagnostics;
use crate::raw::{RawField, RawOperation, RawSpec, TypeExpr};

/// Gives a record's `id` and its `created_at` / `updated_at` timestamps a doc when they have
/// none: the doc follows from what the field is, so every spec would write the same line.
pub(crate) fn fill_defaults(raw: &mut RawSpec) {
    let holders = raw
        .types
        .iter_mut()
        .map(|t| (&t.name.value, t.fields.iter_mut().chain(t.inputs.iter_mut())))
        .chain(raw.resources.iter_mut().map(|r| (&r.name.value, r.fields.iter_mut().chain(r.inputs.iter_mut()))));
    for (holder, fields) in holders {
        for f in fields.filter(|f| missing(f)) {
            f.doc = default_doc(holder, f);
        }
    }
}

/// The default doc of a shared field, if `f` is one.
fn default_doc(holder: &str, f: &RawField) -> Option<String> {
    let role = f.role.as_ref().map(|r| r.value.as_str());
    let is = |name: &str| f.ty.as_ref().is_some_and(|t| t.value == TypeExpr::Named(name.into()));
    match (f.name.value.as_str(), role) {
        (_, Some("created_at")) => Some("When the record was created.".into()),
        (_, Some("updated_at")) => Some("When the record last changed.".into()),
        ("id", None) if is("id") => Some(format!("Unique id of the {}.", holder.replace('_', " "))),
        _ => None,
    }
}

/// With `api: {require_docs: true}`, reports every field, request-only input, body field and
/// filter without a `doc`, naming the holder and the field.
pub(crate) fn check(raw: &RawSpec, diags: &mut Diagnostics) {
    if !raw.apis.iter().any(|a| a.value.require_docs) {
        return;
    }
    for t in &raw.types {
        report(&t.name.value, "field", t.fields.iter().chain(&t.inputs), diags);
    }
    for r in &raw.resources {
        report(&r.name.value, "field", r.fields.iter().chain(&r.inputs), diags);
        check_operations(&r.operations, diags);
    }
    for g in &raw.groups {
        check_operations(&g.operations, diags);
    }
}

fn check_operations(operations: &[RawOperation], diags: &mut Diagnostics) {
    for op in operations {
        report(&op.id.value, "body field", &op.body, diags);
        report(&op.id.value, "filter", &op.filters, diags);
    }
}

fn report<'a>(holder: &str, what: &str, fields: impl IntoIterator<Item = &'a RawField>, diags: &mut Diagnostics) {
    for f in fields.into_iter().filter(|f| missing(f)) {
        diags.error_help(
            &f.name.loc,
            format!("{what} `{holder}.{}` has no `doc`", f.name.value),
            "write `doc:` with one line on what the value means (`api: {require_docs: true}` asks for one everywhere)",
        );
    }
}

fn missing(f: &RawField) -> bool {
    f.doc.as_deref().is_none_or(|d| d.trim().is_empty())
}

//! A numeric field's `minimum` or `exclusive_minimum`, checked once at load: one of the
//! two, a number, on a field a request sends as a number, and admitting the field's default.

use serde_json::Value;

use super::Resolver;
use crate::ir::{Minimum, TypeRef};
use crate::raw::RawField;

/// The lower bound field `f` (of type `ty`) declares, reporting every misuse.
pub(super) fn minimum(r: &mut Resolver<'_>, f: &RawField, ty: &TypeRef) -> Option<Minimum> {
    let field = &f.name.value;
    if let [_, second, ..] = f.minimums.as_slice() {
        r.diags.error_help(
            &second.0.loc,
            format!("field `{field}` has both `minimum` and `exclusive_minimum`"),
            "keep one: `minimum` admits the bound itself, `exclusive_minimum` refuses it",
        );
        return None;
    }
    let (key, value) = f.minimums.first()?;
    let Some(number) = value.as_f64().filter(|_| matches!(value, Value::Number(_))) else {
        r.diags.error_help(
            &key.loc,
            format!("`{}` of field `{field}` is `{value}`, not a number", key.value),
            "write a number, `0` or `0.5`",
        );
        return None;
    };
    if !matches!(ty, TypeRef::Decimal | TypeRef::Integer) {
        r.diags.error_help(
            &key.loc,
            format!("`{}` on field `{field}`, which is not a number", key.value),
            "bounds apply to `type: decimal` and `type: integer` fields only",
        );
        return None;
    }
    let bound = Minimum { value: number, exclusive: key.value == "exclusive_minimum" };
    if let Some(d) = f.default.as_ref().and_then(Value::as_f64).filter(|d| !bound.admits(*d)) {
        r.diags.error_help(
            &key.loc,
            format!("default `{d}` of field `{field}` is below its `{}` {number}", key.value),
            "raise the default or lower the bound",
        );
    }
    Some(bound)
}

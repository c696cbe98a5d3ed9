//! Computed fields: `compute: {product: [...]}` on any response field, and
//! `compute: {remaining: [field, resource.field]}` on resource fields.

use super::Resolver;
use super::records::unknown_field;
use super::rules::ty_name;
use crate::ir::{Compute, Field, Location, Operand, Resource, ResourceId, Share, TypeRef};
use crate::raw::{RawCompute, RawField};
use crate::read::Located;

fn numeric(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Decimal | TypeRef::Integer)
}

/// Resolves the `compute` of every field of `holder` (`own` is its id when it is a resource).
pub(crate) fn resolve_computes(
    r: &mut Resolver<'_>,
    holder: &str,
    own: Option<ResourceId>,
    raw: &[RawField],
    fields: &mut [Field],
    resources: &[Resource],
) {
    for f in raw {
        let Some(c) = &f.compute else { continue };
        let Some(ix) = fields.iter().position(|x| x.name == f.name.value) else { continue };
        let name = &f.name.value;
        if !numeric(&fields[ix].ty) {
            let ty = ty_name(r, &fields[ix].ty, resources);
            r.diags.error_help(
                &c.op.loc,
                format!("a computed field of the wrong type: `{holder}.{name}` is {ty}"),
                if c.op.value == "remaining" {
                    "what remains is `decimal` or `integer`; change the field's type"
                } else {
                    "a product is `decimal` or `integer`; change the field's type"
                },
            );
        }
        let compute = if c.op.value == "remaining" {
            remaining(r, holder, own, name, c, ix, fields, resources)
        } else {
            product(r, holder, name, c, ix, fields, resources)
        };
        if let Some(compute) = compute {
            fields[ix].compute = Some(compute);
        }
    }
}

/// `product: [a, b, ref.c]`.
fn product(
    r: &mut Resolver<'_>,
    holder: &str,
    name: &str,
    c: &RawCompute,
    ix: usize,
    fields: &[Field],
    resources: &[Resource],
) -> Option<Compute> {
    if c.operands.is_empty() {
        r.diags.error_help(
            &c.op.loc,
            format!("the product of `{holder}.{name}` has no operands"),
            "write `product: [quantity, unit_price]`",
        );
    }
    let what = format!("an operand of `{holder}.{name}`");
    let mut operands = Vec::new();
    for o in &c.operands {
        let (head, tail) = match o.value.split_once('.') {
            Some((head, tail)) => (head, Some(tail)),
            None => (o.value.as_str(), None),
        };
        let Some(j) = sibling(r, holder, name, o, head, ix, fields, &what) else { continue };
        match tail {
            None if !numeric(&fields[j].ty) => {
                let ty = ty_name(r, &fields[j].ty, resources);
                r.diags.error_help(
                    &o.loc,
                    format!("{what} is `{}`, which is {ty}, not a number", o.value),
                    "multiply `integer` or `decimal` fields",
                );
            }
            None => operands.push(Operand { field: j, through: None }),
            Some(tail) => {
                if let Some(k) = through_ref(r, &fields[j], tail, &o.loc, &what, resources) {
                    operands.push(Operand { field: j, through: Some(k) });
                }
            }
        }
    }
    Some(Compute::Product(operands))
}

/// `remaining: [amount, invoice_payment.amount]`.
#[allow(clippy::too_many_arguments)]
fn remaining(
    r: &mut Resolver<'_>,
    holder: &str,
    own: Option<ResourceId>,
    name: &str,
    c: &RawCompute,
    ix: usize,
    fields: &[Field],
    resources: &[Resource],
) -> Option<Compute> {
    let Some(own) = own else {
        r.diags.error_help(
            &c.op.loc,
            format!("`remaining` on `{holder}.{name}`: only a resource's fields can subtract other records"),
            "compute it on the resource, or use `product`",
        );
        return None;
    };
    let [from, less] = c.operands.as_slice() else {
        r.diags.error_help(
            &c.op.loc,
            format!("`remaining` of `{holder}.{name}` takes two operands, not {}", c.operands.len()),
            "write `remaining: [amount, invoice_payment.amount]`: a numeric field, then `resource.field` to subtract",
        );
        return None;
    };
    let what = format!("the first operand of `{holder}.{name}`");
    let from_ix = sibling(r, holder, name, from, &from.value, ix, fields, &what)?;
    if !numeric(&fields[from_ix].ty) {
        let ty = ty_name(r, &fields[from_ix].ty, resources);
        r.diags.error_help(
            &from.loc,
            format!("{what} is `{}`, which is {ty}, not a number", from.value),
            "subtract from an `integer` or `decimal` field",
        );
        return None;
    }
    let less = share(r, holder, own, name, less, resources)?;
    Some(Compute::Remaining { from: from_ix, less })
}

/// The second operand of `remaining`: `resource.field`, where the resource has one ref to `own`.
fn share(
    r: &mut Resolver<'_>,
    holder: &str,
    own: ResourceId,
    name: &str,
    o: &Located<String>,
    resources: &[Resource],
) -> Option<Share> {
    let what = format!("the second operand of `{holder}.{name}`");
    let Some((res_name, field)) = o.value.split_once('.') else {
        r.diags.error_help(
            &o.loc,
            format!("{what} is `{}`, not `resource.field`", o.value),
            "name the records to subtract and their field, e.g. `invoice_payment.amount`",
        );
        return None;
    };
    let Some(child) = resources.iter().position(|x| x.name == res_name).map(ResourceId) else {
        let help = match crate::diag::did_you_mean(res_name, resources.iter().map(|x| x.name.as_str())) {
            Some(close) => format!("did you mean `{close}`?"),
            None => "name a resource whose records point at this one".into(),
        };
        r.diags.error_help(&o.loc, format!("{what} names `{res_name}`, which is not a resource"), help);
        return None;
    };
    let target = &resources[child.0];
    let refs: Vec<usize> = (0..target.fields.len())
        .filter(|&k| matches!(&target.fields[k].ty, TypeRef::Ref(rt) if rt.target == own))
        .collect();
    let [via] = refs.as_slice() else {
        let count = if refs.is_empty() { "no ref field" } else { "more than one ref field" };
        r.diags.error_help(
            &o.loc,
            format!("{what} subtracts `{res_name}` records, but `{res_name}` has {count} to `{holder}`"),
            format!("give `{res_name}` exactly one `ref: {holder}` field"),
        );
        return None;
    };
    let Some(k) = target.fields.iter().position(|x| x.name == field) else {
        unknown_field(r, res_name, &target.fields, field, &o.loc, &what);
        return None;
    };
    if !numeric(&target.fields[k].ty) {
        let ty = ty_name(r, &target.fields[k].ty, resources);
        r.diags.error_help(
            &o.loc,
            format!("{what} is `{}`, which is {ty}, not a number", o.value),
            "subtract an `integer` or `decimal` field",
        );
        return None;
    }
    Some(Share { resource: child, via: *via, field: k })
}

/// The sibling an operand names, refusing the computed field itself.
#[allow(clippy::too_many_arguments)]
fn sibling(
    r: &mut Resolver<'_>,
    holder: &str,
    name: &str,
    o: &Located<String>,
    head: &str,
    ix: usize,
    fields: &[Field],
    what: &str,
) -> Option<usize> {
    match fields.iter().position(|x| x.name == head) {
        None => {
            unknown_field(r, holder, fields, head, &o.loc, what);
            None
        }
        Some(j) if j == ix => {
            r.diags.error_help(&o.loc, format!("`{holder}.{name}` is computed from itself"), "name other fields");
            None
        }
        Some(j) => Some(j),
    }
}

/// The numeric field `name` of the resource `sibling` refs (an operand `ref.field`), or a diagnostic.
fn through_ref(
    r: &mut Resolver<'_>,
    sibling: &Field,
    name: &str,
    loc: &Location,
    what: &str,
    resources: &[Resource],
) -> Option<usize> {
    let TypeRef::Ref(rt) = &sibling.ty else {
        let ty = ty_name(r, &sibling.ty, resources);
        r.diags.error_help(
            loc,
            format!("{what} reads `{}.{name}`, but `{}` is {ty}, not a ref", sibling.name, sibling.name),
            "a dotted operand goes through a ref field: `expense_category.unit_price`",
        );
        return None;
    };
    let target = resources.get(rt.target.0)?;
    let Some(k) = target.fields.iter().position(|x| x.name == name) else {
        unknown_field(r, &target.name, &target.fields, name, loc, what);
        return None;
    };
    if !numeric(&target.fields[k].ty) {
        let ty = ty_name(r, &target.fields[k].ty, resources);
        r.diags.error_help(
            loc,
            format!("{what} is `{}.{name}`, which is {ty}, not a number", sibling.name),
            "multiply `integer` or `decimal` fields",
        );
        return None;
    }
    Some(k)
}

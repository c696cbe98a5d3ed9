//! Invoice and estimate money: line-item amounts and document totals, what
//! is still due after payments, and the seeding passes that keep billed work
//! and payments consistent with them. All in decimals, rounded half up.

use std::collections::BTreeMap;

use harvest_spec::ir::{Compute, ResourceId};
use serde_json::Value;

use super::{put, stored_money};
use crate::plan::{FieldIx, Plan};
use crate::store::{Cell, Store, ref_id};
use crate::values::Money;

/// A JSON number as a decimal.
fn dec_value(v: Option<&Value>) -> Option<Money> {
    v.and_then(Value::as_f64).and_then(Money::of)
}

/// Recomputes line-item amounts (each item's computed field: quantity ×
/// unit price, as the spec declares) and the totals of an invoice or
/// estimate: amount = subtotal + taxes − discount; for invoices also what is
/// due and the paid state ([`settle`]).
pub fn totals(plan: &Plan, store: &mut Store, r: ResourceId, id: i64, with_due: bool) {
    let pct = |n: &str| stored_money(plan, store, r, id, n).unwrap_or_default();
    let hundred = Money::from(100);
    let (tax, tax2, discount) = (pct("tax"), pct("tax2"), pct("discount"));
    let computed = line_item_amount(plan, r);
    // The items are changed where they are stored: an invoice's are never copied.
    let sums = plan.res[r].ix("line_items").and_then(|ix| {
        store.edit_at(plan, r, id, ix, |cell| match cell {
            Cell::Json(v) => v.as_array_mut().map(|items| item_amounts(items, computed.as_ref())),
            _ => None,
        })
    });
    let [subtotal, taxed, taxed2] = sums.flatten().unwrap_or_else(|| {
        put(plan, store, r, id, "line_items", Value::Array(Vec::new()));
        [Money::ZERO; 3]
    });
    let tax_amount = Money::round(taxed * tax / hundred);
    let tax2_amount = Money::round(taxed2 * tax2 / hundred);
    let discount_amount = Money::round(subtotal * discount / hundred);
    let amount = Money::round(subtotal + tax_amount + tax2_amount - discount_amount);
    put(plan, store, r, id, "tax_amount", Money::to_value(tax_amount));
    put(plan, store, r, id, "tax2_amount", Money::to_value(tax2_amount));
    put(plan, store, r, id, "discount_amount", Money::to_value(discount_amount));
    put(plan, store, r, id, "amount", Money::to_value(amount));
    if with_due {
        settle(plan, store, r, id);
    }
}

/// Sets each item's computed amount (when the spec computes one); the sum of the amounts,
/// of those taxed, and of those taxed by the second tax.
fn item_amounts(items: &mut [Value], computed: Option<&(String, Vec<(String, Money)>)>) -> [Money; 3] {
    let [mut subtotal, mut taxed, mut taxed2] = [Money::ZERO; 3];
    for it in items {
        let Some(m) = it.as_object_mut() else { continue };
        let Some((target, operands)) = computed else { continue };
        let amount = Money::round(
            operands.iter().map(|(name, default)| dec_value(m.get(name.as_str())).unwrap_or(*default)).product(),
        );
        m.insert(target.clone(), Money::to_value(amount));
        subtotal += amount;
        if m.get("taxed").and_then(Value::as_bool).unwrap_or(false) {
            taxed += amount;
        }
        if m.get("taxed2").and_then(Value::as_bool).unwrap_or(false) {
            taxed2 += amount;
        }
    }
    [subtotal, taxed, taxed2]
}

/// The line-item field the spec computes as a product, and its operands'
/// names with the value an absent one counts as (`amount` = `quantity` × `unit_price`).
fn line_item_amount(plan: &Plan, r: ResourceId) -> Option<(String, Vec<(String, Money)>)> {
    let ix = plan.res[r].ix("line_items")?;
    let harvest_spec::ir::TypeRef::Array(inner) = &plan.spec.resource(r).fields[ix.0].ty else { return None };
    let harvest_spec::ir::TypeRef::Object(t) = inner.as_ref() else { return None };
    let fields = &plan.spec.type_def(*t).fields;
    fields.iter().find_map(|f| match &f.compute {
        Some(Compute::Product(ops)) => {
            let names = ops
                .iter()
                .filter(|o| o.through.is_none())
                .filter_map(|o| fields.get(o.field))
                .map(|o| (o.name.clone(), dec_value(o.default.as_ref()).unwrap_or_default()))
                .collect();
            Some((f.name.clone(), names))
        }
        _ => None,
    })
}

/// The invoice's field computed as what remains after payments (`due_amount`),
/// with the payments resource and its ref to the invoice.
fn due_of(plan: &Plan, inv: ResourceId) -> Option<(FieldIx, ResourceId, FieldIx)> {
    plan.spec.resource(inv).fields.iter().enumerate().find_map(|(ix, f)| match &f.compute {
        Some(Compute::Remaining { less, .. }) => Some((FieldIx(ix), less.resource, FieldIx(less.via))),
        _ => None,
    })
}

/// Recomputes what is due (the spec's `remaining` field), then the paid
/// state: `paid` once nothing is due after a payment, `open` again when
/// something is; `paid_at`/`paid_date` from the last payment while paid.
pub fn settle(plan: &Plan, store: &mut Store, inv: ResourceId, id: i64) {
    crate::engine::refresh_remaining(plan, store, inv, id);
    let Some((due_ix, p, via)) = due_of(plan, inv) else { return };
    let due = store.get(inv, id).and_then(|rec| rec.get(due_ix)?.as_ref()?.as_f64()).and_then(Money::of);
    let due = due.unwrap_or_default();
    let payments = store.referring(p, via, id);
    let last_paid = payments.last().and_then(|pid| store.field(plan, p, *pid, "paid_at").cloned());
    let state = store.field(plan, inv, id, "state").and_then(Cell::as_str).unwrap_or("draft").to_string();
    if due <= Money::ZERO && !payments.is_empty() && state != "paid" {
        put(plan, store, inv, id, "state", Value::String("paid".into()));
    } else if due > Money::ZERO && state == "paid" {
        put(plan, store, inv, id, "state", Value::String("open".into()));
    }
    let paid_now = store.field(plan, inv, id, "state").and_then(Cell::as_str) == Some("paid");
    let at = if paid_now { last_paid.unwrap_or(Cell::Null) } else { Cell::Null };
    let date = at.as_str().map_or(Cell::Null, |s| Cell::from(s.chars().take(10).collect::<String>()));
    put(plan, store, inv, id, "paid_at", at);
    put(plan, store, inv, id, "paid_date", date);
}

/// Seeding: payments only on sent invoices and never more than is due.
pub fn settle_all(plan: &Plan, store: &mut Store, p: ResourceId) {
    let Some(ix) = plan.res[p].refs.first().map(|rf| rf.ix) else { return };
    let Some(inv) = plan.res[p].refs.first().map(|rf| rf.target) else { return };
    let mut by_invoice: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (pid, rec) in &store.tables[p].rows {
        if let Some(i) = ref_id(rec.get(ix)) {
            by_invoice.entry(i).or_default().push(*pid);
        }
    }
    for (i, pids) in by_invoice {
        let state = store.field(plan, inv, i, "state").and_then(Cell::as_str).unwrap_or("draft").to_string();
        let mut left = stored_money(plan, store, inv, i, "amount").unwrap_or_default();
        for pid in pids {
            let amt = stored_money(plan, store, p, pid, "amount").unwrap_or_default().min(left);
            if state == "draft" || amt <= Money::ZERO {
                store.remove(plan, p, pid);
                continue;
            }
            left = Money::round(left - amt);
            put(plan, store, p, pid, "amount", Money::to_value(amt));
            if let Some(at) = store.field(plan, p, pid, "paid_at").and_then(Cell::as_str).map(str::to_string) {
                put(plan, store, p, pid, "paid_date", Value::String(at.chars().take(10).collect()));
            }
        }
    }
    let ids: Vec<i64> = store.tables[inv].rows.keys().copied().collect();
    for i in ids {
        if store.field(plan, inv, i, "state").and_then(Cell::as_str) == Some("paid") && due_of(plan, inv).is_some() {
            // A paid invoice without payments is open until one arrives.
            put(plan, store, inv, i, "state", Value::String("open".into()));
        }
        settle(plan, store, inv, i);
    }
}

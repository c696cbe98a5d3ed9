//! Computed fields. A product (`compute: {product: [...]}`) is set from its
//! operands, rounded as money, whenever every operand has a number; otherwise
//! the field keeps what was sent. What remains (`compute: {remaining: [a, r.b]}`)
//! is recomputed on the stored record whenever it or one of its shares changes.

use harvest_spec::ir::{Compute, Operand, ResourceId, TypeRef};

use crate::plan::{FieldIx, Plan};
use crate::store::{Cell, Rec, Store, ref_id};
use crate::values::Money;

/// Computes every product field of record `rec` of `r`.
pub fn apply(plan: &Plan, store: &Store, r: ResourceId, rec: &mut Rec) {
    let fields = &plan.spec.resource(r).fields;
    for &ix in &plan.res[r].computed {
        let Some(Compute::Product(operands)) = fields.get(ix.0).and_then(|f| f.compute.as_ref()) else { continue };
        let factors: Option<Vec<Money>> = operands.iter().map(|o| factor(plan, store, r, rec, o)).collect();
        if let (Some(factors), Some(slot)) = (factors, rec.get_mut(ix)) {
            *slot = Some(Cell::from(Money::to_value(factors.into_iter().product())));
        }
    }
}

/// The cell an operand reads from record `rec` of `r`, following a ref for `ref.field`
/// (the factors of computed fields and the paths of reports).
pub(super) fn operand_cell<'s>(
    plan: &Plan,
    store: &'s Store,
    r: ResourceId,
    rec: &'s Rec,
    o: &Operand,
) -> Option<&'s Cell> {
    let own = rec.get(FieldIx(o.field))?.as_ref()?;
    let Some(k) = o.through else { return Some(own) };
    let TypeRef::Ref(rt) = &plan.spec.resource(r).fields.get(o.field)?.ty else { return None };
    store.get(rt.target, own.as_i64()?)?.get(FieldIx(k))?.as_ref()
}

/// The number an operand stands for in `rec`.
fn factor(plan: &Plan, store: &Store, r: ResourceId, rec: &Rec, o: &Operand) -> Option<Money> {
    money(operand_cell(plan, store, r, rec, o))
}

/// A stored number as money.
pub(super) fn money(cell: Option<&Cell>) -> Option<Money> {
    cell.and_then(Cell::as_f64).and_then(Money::of)
}

/// Recomputes the `remaining` fields of stored record `id` of `r`: the
/// `from` field less the shares pointing at it, rounded, never below zero.
pub fn refresh(plan: &Plan, store: &mut Store, r: ResourceId, id: i64) {
    let fields = &plan.spec.resource(r).fields;
    for &ix in &plan.res[r].computed {
        let Some(Compute::Remaining { from, less }) = fields.get(ix.0).and_then(|f| f.compute.as_ref()) else {
            continue;
        };
        let Some(rec) = store.get(r, id) else { return };
        let whole = money(rec.get(FieldIx(*from)).and_then(Option::as_ref)).unwrap_or_default();
        let taken: Money = store
            .referring(less.resource, FieldIx(less.via), id)
            .into_iter()
            .filter_map(|s| money(store.get(less.resource, s)?.get(FieldIx(less.field))?.as_ref()))
            .sum();
        let left = Money::round((whole - taken).max(Money::ZERO));
        store.set_at(plan, r, id, ix, Cell::from(Money::to_value(left)));
    }
}

/// After record `id` of `r` was stored: its `remaining` fields, and those of
/// the records it is a share of, now and (given the record as it was) before.
pub fn stored(plan: &Plan, store: &mut Store, r: ResourceId, id: i64, before: Option<&Rec>) {
    refresh(plan, store, r, id);
    if plan.res[r].shares_of.is_empty() {
        return;
    }
    if let Some(before) = before {
        refresh_parents(plan, store, r, before);
    }
    if let Some(now) = store.get(r, id).cloned() {
        refresh_parents(plan, store, r, &now);
    }
}

/// Recomputes the records that `rec`, a record of `r` just written or
/// deleted, is a share of.
pub fn refresh_parents(plan: &Plan, store: &mut Store, r: ResourceId, rec: &Rec) {
    for &(parent, via) in &plan.res[r].shares_of {
        if let Some(pid) = ref_id(rec.get(via)) {
            refresh(plan, store, parent, pid);
        }
    }
}

//! Computed fields of a record (`compute: {product: [...]}` in the spec): set
//! from their operands, rounded as money, whenever every operand has a number;
//! otherwise the field keeps what was sent.

use harvest_spec::ir::{Compute, Operand, ResourceId, TypeRef};

use crate::plan::{FieldIx, Plan};
use crate::store::{Cell, Rec, Store};
use crate::values::Money;

/// Computes every computed field of record `rec` of `r`.
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

/// The number an operand stands for in `rec`, following a ref for `ref.field`.
fn factor(plan: &Plan, store: &Store, r: ResourceId, rec: &Rec, o: &Operand) -> Option<Money> {
    let cell = rec.get(FieldIx(o.field))?.as_ref()?;
    let cell = match o.through {
        None => cell,
        Some(k) => {
            let TypeRef::Ref(rt) = &plan.spec.resource(r).fields.get(o.field)?.ty else { return None };
            store.get(rt.target, cell.as_i64()?)?.get(FieldIx(k))?.as_ref()?
        }
    };
    cell.as_f64().and_then(Money::of)
}

//! `line_items_import` on invoice create: uninvoiced billable time and
//! expenses of the given projects become line items and are marked billed.

use harvest_spec::ir::ResourceId;
use serde_json::{Map, Value, json};

use super::{put, stored_money};
use crate::plan::Plan;
use crate::render::display_name;
use crate::store::{Cell, Store};
use crate::values::{Money, parse_date};

fn ids(imp: &Value) -> Option<Vec<i64>> {
    imp.get("project_ids")?.as_array()?.iter().map(|v| crate::values::num(Some(v)).map(|x| x as i64)).collect()
}

/// Checks that the projects to import from exist (their presence and type are checked
/// with the rest of the body, from the spec).
pub fn check(plan: &Plan, store: &Store, imp: &Value, problems: &mut Vec<String>) {
    let Some(p) = super::resource_named(plan, "project") else { return };
    if let Some(list) = ids(imp)
        && list.iter().any(|id| store.get(p, *id).is_none())
    {
        problems.push("Line items import project ids is invalid".into());
    }
}

fn range(part: Option<&Map<String, Value>>) -> (String, String) {
    let d = |k: &str| {
        part.and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .and_then(parse_date)
            .map(|d| d.format("%Y-%m-%d").to_string())
    };
    (d("from").unwrap_or_default(), d("to").unwrap_or_else(|| "9999-12-31".into()))
}

/// Adds one line per project for its time and one for its expenses.
pub fn import_lines(plan: &Plan, store: &mut Store, inv_r: ResourceId, inv: i64, imp: &Map<String, Value>) {
    let Some(projects) = ids(&Value::Object(imp.clone())) else { return };
    let Some(pr) = super::resource_named(plan, "project") else { return };
    let te = super::resource_with(plan, "time_entry_timer");
    let ex = super::resource_named(plan, "expense");
    let mut items = match store.field(plan, inv_r, inv, "line_items") {
        Some(Cell::Json(v)) => v.as_array().cloned().unwrap_or_default(),
        _ => Vec::new(),
    };
    for pid in projects {
        let name = display_name(plan, store, pr, pid);
        for (src, part, kind) in [(te, "time", "Service"), (ex, "expenses", "Product")] {
            let (Some(src), Some(part)) = (src, imp.get(part).and_then(Value::as_object)) else { continue };
            let (from, to) = range(Some(part));
            let Some(pix) = plan.res[src].ix("project") else { continue };
            let mut qty = Money::ZERO;
            let mut amount = Money::ZERO;
            let mut billed = Vec::new();
            for id in store.referring(src, pix, pid) {
                let date = store.field(plan, src, id, "spent_date").and_then(Cell::as_str).unwrap_or("").to_string();
                let billable = store.field(plan, src, id, "billable") == Some(&Cell::Bool(true));
                let done = store.field(plan, src, id, "is_billed") == Some(&Cell::Bool(true));
                if !billable || done || date < from || date > to {
                    continue;
                }
                if Some(src) == ex {
                    qty = Money::ONE;
                    amount += stored_money(plan, store, src, id, "total_cost").unwrap_or_default();
                } else {
                    let h = stored_money(plan, store, src, id, "hours").unwrap_or_default();
                    qty += h;
                    amount += h * stored_money(plan, store, src, id, "billable_rate").unwrap_or_default();
                }
                billed.push(id);
            }
            if billed.is_empty() {
                continue;
            }
            let unit = if qty > Money::ZERO { Money::round(amount / qty) } else { Money::ZERO };
            items.push(json!({"id": store.alloc_item(), "project": pid, "kind": kind, "description": name,
                "quantity": Money::to_value(qty), "unit_price": Money::to_value(unit), "amount": Money::to_value(amount), "taxed": false, "taxed2": false}));
            let field = plan.res[src]
                .refs
                .iter()
                .find(|rf| rf.target == inv_r)
                .map(|rf| plan.spec.resource(src).fields[rf.ix.0].name.clone());
            for id in billed {
                if let Some(f) = &field {
                    put(plan, store, src, id, f, Value::from(inv));
                }
                put(plan, store, src, id, "is_billed", Value::Bool(true));
            }
        }
    }
    put(plan, store, inv_r, inv, "line_items", Value::Array(items));
}

//! Built-in behaviours the spec attaches to operations, plus the consistency
//! rules they share with seeding.

pub mod actions;
pub mod hooks;
pub mod import;
pub mod reports;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::plan::Plan;
use crate::store::{Cell, Store, ref_id};
use crate::values::{dec, round2};

/// Recomputes line-item amounts and the totals of an invoice or estimate:
/// amount = subtotal + taxes − discount; for invoices also `due_amount`.
pub fn totals(plan: &Plan, store: &mut Store, r: usize, id: i64, with_due: bool) {
    let pct = |n: &str| store.num(plan, r, id, n).unwrap_or(0.0);
    let (tax, tax2, discount) = (pct("tax"), pct("tax2"), pct("discount"));
    let mut subtotal = 0.0;
    let mut taxed = 0.0;
    let mut taxed2 = 0.0;
    let mut items = match store.field(plan, r, id, "line_items") {
        Some(Cell::Json(v)) => v.as_array().cloned().unwrap_or_default(),
        _ => Vec::new(),
    };
    for it in &mut items {
        let Some(m) = it.as_object_mut() else { continue };
        let q = m.get("quantity").and_then(Value::as_f64).unwrap_or(1.0);
        let p = m.get("unit_price").and_then(Value::as_f64).unwrap_or(0.0);
        let amount = round2(q * p);
        m.insert("amount".into(), dec(amount));
        subtotal += amount;
        if m.get("taxed").and_then(Value::as_bool).unwrap_or(false) {
            taxed += amount;
        }
        if m.get("taxed2").and_then(Value::as_bool).unwrap_or(false) {
            taxed2 += amount;
        }
    }
    let tax_amount = round2(taxed * tax / 100.0);
    let tax2_amount = round2(taxed2 * tax2 / 100.0);
    let discount_amount = round2(subtotal * discount / 100.0);
    let amount = round2(subtotal + tax_amount + tax2_amount - discount_amount);
    store.set(plan, r, id, "line_items", Value::Array(items));
    store.set(plan, r, id, "tax_amount", dec(tax_amount));
    store.set(plan, r, id, "tax2_amount", dec(tax2_amount));
    store.set(plan, r, id, "discount_amount", dec(discount_amount));
    store.set(plan, r, id, "amount", dec(amount));
    if with_due {
        settle(plan, store, r, id);
    }
}

/// The payments resource and its invoice ref position.
fn payments_of(plan: &Plan, inv: usize) -> Option<(usize, usize)> {
    let p = crate::seed::resource_with(plan, harvest_spec::ir::Behavior::InvoicePaymentCreate)?;
    let ix = plan.res[p].refs.iter().find(|rf| rf.target.0 == inv)?.ix;
    Some((p, ix))
}

/// `due_amount` = amount − payments; `paid` once nothing is due, `open` again when something is.
pub fn settle(plan: &Plan, store: &mut Store, inv: usize, id: i64) {
    let amount = store.num(plan, inv, id, "amount").unwrap_or(0.0);
    let (paid, last_paid) = match payments_of(plan, inv) {
        Some((p, ix)) => {
            let ids = store.referring(p, ix, id);
            let paid: f64 = ids.iter().filter_map(|pid| store.num(plan, p, *pid, "amount")).sum();
            let last = ids.last().and_then(|pid| store.field(plan, p, *pid, "paid_at").cloned());
            (paid, last)
        }
        None => (0.0, None),
    };
    let due = round2((amount - paid).max(0.0));
    store.set(plan, inv, id, "due_amount", dec(due));
    let state = store.field(plan, inv, id, "state").and_then(Cell::as_str).unwrap_or("draft").to_string();
    if due <= 0.0 && paid > 0.0 && state != "paid" {
        store.set(plan, inv, id, "state", Value::String("paid".into()));
    } else if due > 0.0 && state == "paid" {
        store.set(plan, inv, id, "state", Value::String("open".into()));
    }
    let paid_now = store.field(plan, inv, id, "state").and_then(Cell::as_str) == Some("paid");
    let at = if paid_now { last_paid.unwrap_or(Cell::Null) } else { Cell::Null };
    let date = at.as_str().map_or(Cell::Null, |s| Cell::from(s.chars().take(10).collect::<String>()));
    store.set(plan, inv, id, "paid_at", at);
    store.set(plan, inv, id, "paid_date", date);
}

/// Seeding: payments only on sent invoices and never more than is due.
pub fn settle_all(plan: &Plan, store: &mut Store, p: usize) {
    let Some(ix) = plan.res[p].refs.first().map(|rf| rf.ix) else { return };
    let Some(inv) = plan.res[p].refs.first().map(|rf| rf.target.0) else { return };
    let mut by_invoice: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (pid, rec) in &store.tables[p].rows {
        if let Some(i) = ref_id(rec.get(ix)) {
            by_invoice.entry(i).or_default().push(*pid);
        }
    }
    for (i, pids) in by_invoice {
        let state = store.field(plan, inv, i, "state").and_then(Cell::as_str).unwrap_or("draft").to_string();
        let mut left = store.num(plan, inv, i, "amount").unwrap_or(0.0);
        for pid in pids {
            let amt = store.num(plan, p, pid, "amount").unwrap_or(0.0).min(left);
            if state == "draft" || amt <= 0.0 {
                store.remove(plan, p, pid);
                continue;
            }
            left = round2(left - amt);
            store.set(plan, p, pid, "amount", dec(amt));
            if let Some(at) = store.field(plan, p, pid, "paid_at").and_then(Cell::as_str).map(str::to_string) {
                store.set(plan, p, pid, "paid_date", Value::String(at.chars().take(10).collect()));
            }
        }
    }
    let ids: Vec<i64> = store.tables[inv].rows.keys().copied().collect();
    for i in ids {
        if store.field(plan, inv, i, "state").and_then(Cell::as_str) == Some("paid") && payments_of(plan, inv).is_some()
        {
            // A paid invoice without payments is open until one arrives.
            store.set(plan, inv, i, "state", Value::String("open".into()));
        }
        settle(plan, store, inv, i);
    }
}

/// Seeding: billed records point at an invoice of their own client.
pub fn rebill(plan: &Plan, store: &mut Store, r: usize, ix: usize, inv: usize) {
    let Some(client_ix) = plan.res[r].ix("client") else { return };
    let Some(inv_client_ix) = plan.res[inv].ix("client") else { return };
    let ids: Vec<i64> = store.tables[r].rows.keys().copied().collect();
    for id in ids {
        let Some(rec) = store.get(r, id) else { continue };
        let billed = ref_id(rec.get(ix)).is_some();
        let mut new = Value::Null;
        if billed && let Some(c) = ref_id(rec.get(client_ix)) {
            let invs = store.referring(inv, inv_client_ix, c);
            if !invs.is_empty() {
                new = Value::from(invs[(id as usize) % invs.len()]);
            }
        }
        let is_billed = !new.is_null();
        if billed {
            let name = plan.spec.resources[r].fields[ix].name.clone();
            store.set(plan, r, id, &name, new);
        }
        store.set(plan, r, id, "is_billed", Value::Bool(is_billed));
        if is_billed {
            store.set(plan, r, id, "is_locked", Value::Bool(true));
            store.set(plan, r, id, "locked_reason", Value::String("Item Invoiced and Approved".into()));
        }
    }
}

/// Rate histories: each rate ends the day before the next one starts.
pub fn close_rates(plan: &Plan, store: &mut Store, r: usize) {
    let Some(user_ix) = plan.res[r].refs.first().map(|rf| rf.ix) else { return };
    let mut by_user: BTreeMap<i64, Vec<(String, i64)>> = BTreeMap::new();
    for (id, rec) in &store.tables[r].rows {
        let u = ref_id(rec.get(user_ix)).unwrap_or(0);
        let start = store.field(plan, r, *id, "start_date").and_then(Cell::as_str).unwrap_or("").to_string();
        by_user.entry(u).or_default().push((start, *id));
    }
    for (_, mut rates) in by_user {
        rates.sort();
        for w in 0..rates.len() {
            let end = rates
                .get(w + 1)
                .and_then(|(s, _)| crate::values::parse_date(s))
                .and_then(|d| d.pred_opt())
                .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
                .unwrap_or(Value::Null);
            store.set(plan, r, rates[w].1, "end_date", end);
        }
    }
}

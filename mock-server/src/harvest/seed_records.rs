//! The per-record part of Harvest's seeding pass, run on each time entry and
//! expense as it is drawn: stopped timers with consistent hours, billable
//! flags and rates that follow the task and project, and billed work that
//! sits on an invoice of its own client, locked.

use std::collections::BTreeMap;

use harvest_spec::ir::ResourceId;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::{resource_named, resource_with, timers};
use crate::plan::{FieldIx, Plan};
use crate::seed::{ById, RecordHook};
use crate::store::{Cell, Rec, Store, ref_id};
use crate::values::dec;

/// The per-record hook for `r`, when Harvest's pass has one for it.
pub fn hook<'a>(plan: &'a Plan, store: &'a Store, r: ResourceId) -> Option<RecordHook<'a>> {
    let timer =
        (resource_with(plan, "time_entry_timer") == Some(r)).then(|| TimeEntry::resolve(plan, store, r)).flatten();
    let billing = Billing::resolve(plan, store, r);
    if timer.is_none() && billing.is_empty() {
        return None;
    }
    Some(Box::new(move |id, rec, rng| {
        if let Some(t) = &timer {
            t.apply(rec, rng);
        }
        for b in &billing {
            b.apply(id, rec);
        }
    }))
}

/// Field positions of a time entry and the flags it takes from other tables.
struct TimeEntry {
    hours: FieldIx,
    hours_without_timer: FieldIx,
    rounded_hours: FieldIx,
    is_running: FieldIx,
    timer_started_at: FieldIx,
    budgeted: FieldIx,
    billable: FieldIx,
    billable_rate: FieldIx,
    approval_status: FieldIx,
    is_closed: FieldIx,
    external_reference: FieldIx,
    /// The entry's task assignment field, and each assignment's `billable`.
    task_billable: Option<(FieldIx, Flags)>,
    /// The entry's project field, and each project's `is_billable`.
    project_billable: Option<(FieldIx, Flags)>,
}

/// A boolean field of every record of a table, by id (seeded ids are dense: an array
/// read per time entry instead of a walk down the table's tree).
struct Flags(ById<Option<bool>>);

impl Flags {
    /// Field `ix` of every record of `table`.
    fn of(store: &Store, table: ResourceId, ix: FieldIx) -> Flags {
        let rows = &store.tables[table].rows;
        let first = rows.keys().next().copied().unwrap_or(0);
        let last = rows.keys().next_back().copied().unwrap_or(first - 1);
        let mut values = ById::span(first, last, usize::MAX).unwrap_or_default();
        for (id, rec) in rows {
            if let Some(slot) = values.get_mut(*id) {
                *slot = rec.value(ix).and_then(Cell::as_bool);
            }
        }
        Flags(values)
    }

    /// The flag of record `id`, if it has one.
    fn get(&self, id: i64) -> Option<bool> {
        self.0.get(id).copied().flatten()
    }
}

impl TimeEntry {
    /// Every position the hook writes (all declared needs of `time_entry_timer`).
    fn resolve(plan: &Plan, store: &Store, r: ResourceId) -> Option<TimeEntry> {
        let info = &plan.res[r];
        let flag = |via: &str, table: &str, name: &str| {
            let t = resource_named(plan, table)?;
            Some((info.ix(via)?, Flags::of(store, t, plan.res[t].ix(name)?)))
        };
        Some(TimeEntry {
            hours: info.ix("hours")?,
            hours_without_timer: info.ix("hours_without_timer")?,
            rounded_hours: info.ix("rounded_hours")?,
            is_running: info.ix("is_running")?,
            timer_started_at: info.ix("timer_started_at")?,
            budgeted: info.ix("budgeted")?,
            billable: info.ix("billable")?,
            billable_rate: info.ix("billable_rate")?,
            approval_status: info.ix("approval_status")?,
            is_closed: info.ix("is_closed")?,
            external_reference: info.ix("external_reference")?,
            task_billable: flag("task_assignment", "task_assignment", "billable"),
            project_billable: flag("project", "project", "is_billable"),
        })
    }

    /// A stopped timer: hours as tracked, billable when the task and project are, a rate
    /// when billable, closed when approved, and now and then a link to another tool.
    fn apply(&self, rec: &mut Rec, rng: &mut ChaCha8Rng) {
        let hours = rec.value(self.hours).and_then(Cell::as_f64).unwrap_or(1.0);
        rec[self.hours_without_timer] = Some(Cell::from(dec(hours)));
        rec[self.rounded_hours] = Some(Cell::from(dec(timers::quarter_up(hours))));
        rec[self.is_running] = Some(Cell::Bool(false));
        rec[self.timer_started_at] = Some(Cell::Null);
        rec[self.budgeted] = Some(Cell::Bool(true));
        let flag = |of: &Option<(FieldIx, Flags)>| {
            let (via, flags) = of.as_ref()?;
            flags.get(ref_id(rec.get(*via))?)
        };
        if let (Some(ta), Some(pb)) = (flag(&self.task_billable), flag(&self.project_billable)) {
            rec[self.billable] = Some(Cell::Bool(ta && pb));
        }
        if rec.value(self.billable).and_then(Cell::as_bool) != Some(true) {
            rec[self.billable_rate] = Some(Cell::Null);
        } else if rec.value(self.billable_rate).is_none_or(Cell::is_null) {
            rec[self.billable_rate] = Some(Cell::from(dec(100.0)));
        }
        let approved = rec.value(self.approval_status).and_then(Cell::as_str) == Some("approved");
        rec[self.is_closed] = Some(Cell::Bool(approved));
        if rng.gen_bool(0.1) {
            let n = rng.gen_range(1000..99999);
            let link = json!({"id": n.to_string(), "group_id": "1", "account_id": null,
                "permalink": format!("https://example.com/issues/{n}"), "service": "example.com", "service_icon_url": null});
            rec[self.external_reference] = Some(Cell::from(link));
        }
    }
}

/// One nullable invoice ref of a resource: a seeded record billed on an invoice is moved to
/// an invoice of its own client (or unbilled when that client has none), and billed work is locked.
struct Billing {
    invoice: FieldIx,
    client: FieldIx,
    is_billed: Option<FieldIx>,
    is_locked: Option<FieldIx>,
    locked_reason: Option<FieldIx>,
    /// Invoice ids by client id, ascending.
    invoices_of: BTreeMap<i64, Vec<i64>>,
}

impl Billing {
    /// One per nullable ref of `r` to the invoice table (payments excepted: they are the invoice's own).
    fn resolve(plan: &Plan, store: &Store, r: ResourceId) -> Vec<Billing> {
        let Some(inv) = resource_with(plan, "invoice_totals") else { return Vec::new() };
        let (Some(client), Some(inv_client)) = (plan.res[r].ix("client"), plan.res[inv].ix("client")) else {
            return Vec::new();
        };
        if plan.spec.resource(r).name == "invoice_payment" {
            return Vec::new();
        }
        let refs: Vec<FieldIx> = plan.res[r]
            .refs
            .iter()
            .filter(|rf| rf.target == inv && plan.spec.resource(r).fields[rf.ix.0].nullable)
            .map(|rf| rf.ix)
            .collect();
        if refs.is_empty() {
            return Vec::new();
        }
        let mut invoices_of: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (id, rec) in &store.tables[inv].rows {
            if let Some(c) = ref_id(rec.get(inv_client)) {
                invoices_of.entry(c).or_default().push(*id);
            }
        }
        let info = &plan.res[r];
        refs.into_iter()
            .map(|invoice| Billing {
                invoice,
                client,
                is_billed: info.ix("is_billed"),
                is_locked: info.ix("is_locked"),
                locked_reason: info.ix("locked_reason"),
                invoices_of: invoices_of.clone(),
            })
            .collect()
    }

    fn apply(&self, id: i64, rec: &mut Rec) {
        let billed = ref_id(rec.get(self.invoice)).is_some();
        let on = billed
            .then(|| ref_id(rec.get(self.client)))
            .flatten()
            .and_then(|c| self.invoices_of.get(&c))
            .filter(|invs| !invs.is_empty())
            .and_then(|invs| invs.get(id.rem_euclid(invs.len() as i64) as usize).copied());
        if billed {
            rec[self.invoice] = Some(on.map_or(Cell::Null, Cell::Int));
        }
        if let Some(ix) = self.is_billed {
            rec[ix] = Some(Cell::Bool(on.is_some()));
        }
        if on.is_some() {
            if let Some(ix) = self.is_locked {
                rec[ix] = Some(Cell::Bool(true));
            }
            if let Some(ix) = self.locked_reason {
                rec[ix] = Some(Cell::from(Value::String("Item Invoiced and Approved".into())));
            }
        }
    }
}

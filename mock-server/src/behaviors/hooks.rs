//! Behaviour hooks around the generic create, update and delete handlers.
//! Every `before_*` hook only validates and prepares the record; every
//! `after_*` hook is infallible, so a rejected request changes nothing.

use harvest_spec::ir::Behavior;
use serde_json::Value;

use super::{close_rates, settle, totals};
use crate::errors::ApiResult;
use crate::handlers::Ctx;
use crate::plan::Plan;
use crate::store::{Cell, Rec, Store, ref_id};
use crate::values::{dec, now, parse_date, round2, today};

fn set(plan: &Plan, r: usize, rec: &mut Rec, name: &str, v: impl Into<Cell>) {
    if let Some(ix) = plan.res[r].ix(name) {
        rec[ix] = Some(v.into());
    }
}

fn get<'a>(plan: &Plan, r: usize, rec: &'a Rec, name: &str) -> Option<&'a Cell> {
    plan.res[r].ix(name).and_then(|ix| rec.get(ix)).and_then(Option::as_ref)
}

/// The parent record a nested operation works under.
fn parent(ctx: &Ctx<'_>) -> Option<(usize, i64)> {
    let pp = ctx.op.parents.first()?;
    Some((pp.target.0, *ctx.params.get(pp.param)?))
}

/// Hours between two `8:00am` / `14:59` times of day.
fn span(start: &str, end: &str) -> Option<f64> {
    fn minutes(t: &str) -> Option<i64> {
        let t = t.trim().to_ascii_lowercase();
        let (body, pm) = match (t.strip_suffix("am"), t.strip_suffix("pm")) {
            (Some(b), _) => (b.to_string(), Some(false)),
            (_, Some(b)) => (b.to_string(), Some(true)),
            _ => (t.clone(), None),
        };
        let (h, m) = body.split_once(':').unwrap_or((body.as_str(), "0"));
        let mut h: i64 = h.trim().parse().ok().filter(|h| (0..=48).contains(h))?;
        let m: i64 = m.trim().parse().ok().filter(|m| (0..60).contains(m))?;
        match pm {
            Some(true) if h < 12 => h += 12,
            Some(false) if h == 12 => h = 0,
            _ => {}
        }
        Some(h * 60 + m)
    }
    let d = minutes(end)? - minutes(start)?;
    Some(round2(d.max(0) as f64 / 60.0))
}

pub fn before_create(ctx: &Ctx<'_>, store: &Store, r: usize, rec: &mut Rec, problems: &mut Vec<String>) {
    let plan = ctx.plan;
    let (me_name, me_email) = crate::seed::me_name(plan, store);
    match ctx.op.behavior {
        Some(Behavior::TimeEntryTimer) => {
            let hours = crate::values::num(ctx.body.get("hours"));
            let started = ctx.body.get("started_time").and_then(Value::as_str);
            let ended = ctx.body.get("ended_time").and_then(Value::as_str);
            let hours = hours.or_else(|| started.zip(ended).and_then(|(s, e)| span(s, e)));
            let running = hours.is_none() && ended.is_none();
            let h = hours.unwrap_or(0.0);
            set(plan, r, rec, "hours", dec(h));
            set(plan, r, rec, "hours_without_timer", dec(h));
            set(plan, r, rec, "rounded_hours", dec((h * 4.0).ceil() / 4.0));
            set(plan, r, rec, "is_running", Value::Bool(running));
            set(plan, r, rec, "timer_started_at", if running { Value::String(now()) } else { Value::Null });
            set(plan, r, rec, "billable", Value::Bool(true));
            set(plan, r, rec, "budgeted", Value::Bool(true));
            set(plan, r, rec, "approval_status", Value::String("unsubmitted".into()));
            if let Some(u) = get(plan, r, rec, "user").and_then(Cell::as_i64).or(Some(store.me))
                && let Some(ur) = crate::seed::resource_with(plan, Behavior::CurrentUser)
            {
                let rate = store.field(plan, ur, u, "default_hourly_rate").cloned().unwrap_or(Cell::Null);
                set(plan, r, rec, "billable_rate", rate);
                let cost = store.field(plan, ur, u, "cost_rate").cloned().unwrap_or(Cell::Null);
                set(plan, r, rec, "cost_rate", cost);
            }
        }
        Some(Behavior::InvoiceMessage | Behavior::EstimateMessage) => {
            let event = ctx.body.get("event_type").filter(|v| !v.is_null());
            let recipients = ctx.body.get("recipients").and_then(Value::as_array).map_or(0, Vec::len);
            if event.is_none() && recipients == 0 {
                problems.push("Recipients can't be blank".into());
            }
            for (f, v) in [
                ("sent_by", &me_name),
                ("sent_from", &me_name),
                ("sent_by_email", &me_email),
                ("sent_from_email", &me_email),
            ] {
                set(plan, r, rec, f, Value::String(v.clone()));
            }
            if event.is_some() {
                for f in ["subject", "body"] {
                    if ctx.body.get(f).is_none() {
                        set(plan, r, rec, f, Value::Null);
                    }
                }
            }
            if let (Some(e), Some((pr, pid))) = (event.and_then(Value::as_str), parent(ctx)) {
                let state = store.field(plan, pr, pid, "state").and_then(Cell::as_str).unwrap_or("");
                if transition(ctx.op.behavior == Some(Behavior::InvoiceMessage), e, state).is_none() {
                    problems.push(format!("Event type {e} is not allowed while the state is {state}"));
                }
            }
        }
        Some(Behavior::InvoicePaymentCreate) => {
            if let Some(a) = get(plan, r, rec, "amount").and_then(Cell::as_f64)
                && a <= 0.0
            {
                problems.push("Amount must be greater than 0".into());
            }
            let at = get(plan, r, rec, "paid_at").and_then(Cell::as_str).map(str::to_string);
            let date = get(plan, r, rec, "paid_date").and_then(Cell::as_str).map(str::to_string);
            let (at, date) = match (at, date) {
                (Some(a), None) => (a.clone(), a.chars().take(10).collect()),
                (None, Some(d)) => (format!("{d}T00:00:00Z"), d),
                (Some(a), Some(d)) => (a, d),
                (None, None) => (now(), today()),
            };
            set(plan, r, rec, "paid_at", Value::String(at));
            set(plan, r, rec, "paid_date", Value::String(date));
            set(plan, r, rec, "recorded_by", Value::String(me_name));
            set(plan, r, rec, "recorded_by_email", Value::String(me_email));
        }
        Some(Behavior::RateCreate) => {
            if let Some(d) = get(plan, r, rec, "start_date").and_then(Cell::as_str).and_then(parse_date)
                && d > chrono::Utc::now().date_naive()
            {
                problems.push("Start date can't be in the future".into());
            }
        }
        Some(b @ (Behavior::InvoiceTotals | Behavior::EstimateTotals)) => {
            if b == Behavior::InvoiceTotals
                && let Some(imp) = ctx.body.get("line_items_import")
            {
                super::import::check(plan, store, imp, problems);
            }
            if let (Some(c), Some(cr)) =
                (get(plan, r, rec, "client").and_then(Cell::as_i64), plan.spec.resource_named("client"))
                && ctx.body.get("currency").is_none()
                && let Some(cur) = store.field(plan, cr.0, c, "currency").cloned()
            {
                set(plan, r, rec, "currency", cur);
            }
            set(plan, r, rec, "state", Value::String("draft".into()));
        }
        _ => {}
    }
}

/// The state an event moves an invoice (`invoice`) or an estimate to;
/// `None` when the event is not allowed from `state`; the same state when it changes nothing.
fn transition(invoice: bool, event: &str, state: &str) -> Option<String> {
    let next = match (invoice, event, state) {
        (true, "send", "draft" | "open") => "open",
        (true, "close", "draft" | "open") => "closed",
        (true, "re-open", "closed") => "open",
        (true, "draft", "open") => "draft",
        (false, "send", "draft" | "sent") => "sent",
        (false, "accept", "draft" | "sent") => "accepted",
        (false, "decline", "draft" | "sent") => "declined",
        (false, "re-open", "accepted" | "declined") => "sent",
        (false, "view" | "invoice", s) => s,
        (_, "send", s) => s,
        _ => return None,
    };
    Some(next.to_string())
}

pub fn before_update(ctx: &Ctx<'_>, _store: &Store, r: usize, _id: i64, rec: &mut Rec, _problems: &mut [String]) {
    let plan = ctx.plan;
    if plan.spec.resources[r].operations.iter().any(|o| plan.ops[o.0].behavior == Some(Behavior::TimeEntryTimer)) {
        let hours = crate::values::num(ctx.body.get("hours")).or_else(|| {
            let s = ctx.body.get("started_time").and_then(Value::as_str)?;
            let e = ctx.body.get("ended_time").and_then(Value::as_str)?;
            span(s, e)
        });
        if let Some(h) = hours {
            set(plan, r, rec, "hours", dec(h));
            set(plan, r, rec, "hours_without_timer", dec(h));
            set(plan, r, rec, "rounded_hours", dec((h * 4.0).ceil() / 4.0));
        }
    }
}

pub fn after_write(ctx: &Ctx<'_>, store: &mut Store, r: usize, id: i64, created: bool) {
    let plan = ctx.plan;
    match ctx.op.behavior {
        Some(Behavior::InvoiceTotals) => {
            if created && let Some(imp) = ctx.body.get("line_items_import").and_then(Value::as_object) {
                super::import::import_lines(plan, store, r, id, imp);
            }
            totals(plan, store, r, id, true)
        }
        Some(Behavior::EstimateTotals) => totals(plan, store, r, id, false),
        Some(b @ (Behavior::InvoiceMessage | Behavior::EstimateMessage)) if created => {
            let Some((pr, pid)) = parent(ctx) else { return };
            let state = store.field(plan, pr, pid, "state").and_then(Cell::as_str).unwrap_or("").to_string();
            let event = store.field(plan, r, id, "event_type").and_then(Cell::as_str).map(str::to_string);
            let event = event.unwrap_or_else(|| "send".into());
            let Some(next) = transition(b == Behavior::InvoiceMessage, &event, &state) else { return };
            let next = next.as_str();
            if next == state {
                return;
            }
            let stamp = Value::String(now());
            store.set(plan, pr, pid, "state", Value::String(next.into()));
            match next {
                "open" | "sent" if state == "draft" => store.set(plan, pr, pid, "sent_at", stamp.clone()),
                "closed" => store.set(plan, pr, pid, "closed_at", stamp.clone()),
                "draft" => store.set(plan, pr, pid, "sent_at", Value::Null),
                "accepted" => store.set(plan, pr, pid, "accepted_at", stamp.clone()),
                "declined" => store.set(plan, pr, pid, "declined_at", stamp.clone()),
                _ => {}
            }
            if event == "re-open" {
                for f in ["closed_at", "accepted_at", "declined_at"] {
                    store.set(plan, pr, pid, f, Value::Null);
                }
            }
            store.set(plan, pr, pid, "updated_at", stamp);
        }
        Some(Behavior::InvoicePaymentCreate) => {
            if let Some((pr, pid)) = parent(ctx) {
                settle(plan, store, pr, pid);
            }
        }
        Some(Behavior::RateCreate) => {
            let Some(user_ix) = plan.res[r].refs.first().map(|rf| rf.ix) else { return };
            let Some(user) = store.get(r, id).and_then(|x| ref_id(x.get(user_ix))) else { return };
            let start = store.field(plan, r, id, "start_date").and_then(Cell::as_str).map(str::to_string);
            for other in store.referring(r, user_ix, user) {
                if other == id {
                    continue;
                }
                let os = store.field(plan, r, other, "start_date").and_then(Cell::as_str).unwrap_or("").to_string();
                // No start date replaces the history; an earlier one replaces the later rates.
                if start.as_ref().is_none_or(|s| os.as_str() >= s.as_str()) {
                    store.remove(plan, r, other);
                }
            }
            close_rates(plan, store, r);
        }
        _ => {}
    }
}

pub fn before_delete(_ctx: &Ctx<'_>, _store: &Store, _r: usize, _id: i64) -> ApiResult<()> {
    Ok(())
}

/// The invoice whose `due_amount` must be recomputed after the delete.
pub fn delete_parent(ctx: &Ctx<'_>, _store: &Store, _r: usize, _id: i64) -> Option<(usize, i64)> {
    if ctx.op.behavior == Some(Behavior::InvoicePaymentDelete) { parent(ctx) } else { None }
}

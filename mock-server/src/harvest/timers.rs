//! Time entries: hours from a duration or from start and end times, running
//! timers, and the restart, stop and external-reference actions.

use chrono::{DateTime, Utc};
use harvest_spec::ir::ResourceId;
use serde_json::Value;

use super::{get, me_rates, set};
use crate::engine::{ApiError, ApiResult, Behavior, Ctx, Output, record_doc};
use crate::plan::Plan;
use crate::store::{Cell, Rec, Store};
use crate::values::{dec, parse_datetime, round2};

/// `time_entry_timer`: a new entry tracks a duration, a span of the day, or
/// starts a running timer; an update recomputes hours from what was sent.
pub struct Timer;

impl Behavior for Timer {
    fn before_create(&self, ctx: &Ctx<'_>, store: &Store, rec: &mut Rec, _problems: &mut Vec<String>) {
        let Some(r) = ctx.op.resource else { return };
        let plan = ctx.plan;
        let hours = crate::values::num(ctx.body.get("hours"));
        let started = ctx.body.get("started_time").and_then(Value::as_str);
        let ended = ctx.body.get("ended_time").and_then(Value::as_str);
        let hours = hours.or_else(|| started.zip(ended).and_then(|(s, e)| span(s, e)));
        let running = hours.is_none() && ended.is_none();
        set_hours(ctx, r, rec, hours.unwrap_or(0.0));
        set(plan, r, rec, "is_running", Value::Bool(running));
        set(plan, r, rec, "timer_started_at", if running { Value::String(ctx.stamp()) } else { Value::Null });
        set(plan, r, rec, "billable", Value::Bool(true));
        set(plan, r, rec, "budgeted", Value::Bool(true));
        set(plan, r, rec, "approval_status", Value::String("unsubmitted".into()));
        let user = get(plan, r, rec, "user").and_then(Cell::as_i64).unwrap_or(ctx.me(store));
        if let Some((rate, cost)) = me_rates(plan, store, user) {
            set(plan, r, rec, "billable_rate", rate);
            set(plan, r, rec, "cost_rate", cost);
        }
    }

    /// A running timer's hours grow with the clock.
    fn behind(&self, plan: &Plan, r: ResourceId, store: &Store, now: DateTime<Utc>) -> bool {
        !Timer::late(plan, r, store, now).is_empty()
    }

    fn catch_up(&self, plan: &Plan, r: ResourceId, store: &mut Store, now: DateTime<Utc>) {
        for (id, hours) in Timer::late(plan, r, store, now) {
            super::put(plan, store, r, id, "hours", dec(hours));
            super::put(plan, store, r, id, "rounded_hours", dec(quarter_up(hours)));
        }
    }

    fn before_update(&self, ctx: &Ctx<'_>, _store: &Store, rec: &mut Rec, _problems: &mut Vec<String>) {
        let Some(r) = ctx.op.resource else { return };
        let hours = crate::values::num(ctx.body.get("hours")).or_else(|| {
            let s = ctx.body.get("started_time").and_then(Value::as_str)?;
            let e = ctx.body.get("ended_time").and_then(Value::as_str)?;
            span(s, e)
        });
        if let Some(h) = hours {
            set_hours(ctx, r, rec, h);
        }
    }
}

impl Timer {
    /// Running entries of `r` whose hours are not yet what the clock says, with those hours.
    fn late(plan: &Plan, r: ResourceId, store: &Store, now: DateTime<Utc>) -> Vec<(i64, f64)> {
        let Some(ix) = plan.res[r].ix("is_running") else { return Vec::new() };
        let Some(running) = store.with_bool(r, ix, true) else { return Vec::new() };
        running
            .iter()
            .filter_map(|id| {
                let base = store.num(plan, r, id, "hours_without_timer").unwrap_or(0.0);
                let started =
                    store.field(plan, r, id, "timer_started_at").and_then(Cell::as_str).and_then(parse_datetime)?;
                let hours = round2(base + (now - started).num_seconds().max(0) as f64 / 3600.0);
                (store.num(plan, r, id, "hours") != Some(hours)).then_some((id, hours))
            })
            .collect()
    }
}

/// Hours, hours without the timer, and hours rounded up to the quarter.
fn set_hours(ctx: &Ctx<'_>, r: ResourceId, rec: &mut Rec, h: f64) {
    set(ctx.plan, r, rec, "hours", dec(h));
    set(ctx.plan, r, rec, "hours_without_timer", dec(h));
    set(ctx.plan, r, rec, "rounded_hours", dec(quarter_up(h)));
}

/// Hours rounded up to the next quarter hour.
pub fn quarter_up(h: f64) -> f64 {
    (h * 4.0).ceil() / 4.0
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

/// What a timer action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerAction {
    /// `time_entry_restart`: a stopped entry runs again.
    Restart,
    /// `time_entry_stop`: a running entry stops and counts its time.
    Stop,
    /// `time_entry_delete_external_reference`.
    DeleteExternalReference,
}

impl Behavior for TimerAction {
    fn write(&self, ctx: &Ctx<'_>, store: &mut Store) -> Option<ApiResult<Output>> {
        Some(act(*self, ctx, store))
    }
}

fn act(action: TimerAction, ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Output> {
    let plan = ctx.plan;
    let r = ctx.res()?;
    let id = ctx.self_id()?;
    store.get(r, id).ok_or(ApiError::NotFound)?;
    let running = store.field(plan, r, id, "is_running").and_then(Cell::as_bool).unwrap_or(false);
    let stamp = ctx.stamp();
    match action {
        TimerAction::Restart => {
            if running {
                return Err(ApiError::Unprocessable("Time entry is already running".into()));
            }
            let hours = store.num(plan, r, id, "hours").unwrap_or(0.0);
            super::put(plan, store, r, id, "hours_without_timer", dec(hours));
            super::put(plan, store, r, id, "is_running", Value::Bool(true));
            super::put(plan, store, r, id, "timer_started_at", Value::String(stamp.clone()));
        }
        TimerAction::Stop => {
            if !running {
                return Err(ApiError::Unprocessable("Time entry is not running".into()));
            }
            let base = store.num(plan, r, id, "hours_without_timer").unwrap_or(0.0);
            let started = store.field(plan, r, id, "timer_started_at").and_then(Cell::as_str).and_then(parse_datetime);
            let elapsed = started.map(|s| (ctx.now - s).num_seconds().max(0) as f64 / 3600.0).unwrap_or(0.0);
            let hours = round2(base + elapsed);
            super::put(plan, store, r, id, "hours", dec(hours));
            super::put(plan, store, r, id, "hours_without_timer", dec(hours));
            super::put(plan, store, r, id, "rounded_hours", dec(quarter_up(hours)));
            super::put(plan, store, r, id, "is_running", Value::Bool(false));
            super::put(plan, store, r, id, "timer_started_at", Value::Null);
        }
        TimerAction::DeleteExternalReference => super::put(plan, store, r, id, "external_reference", Value::Null),
    }
    super::touch(plan, store, r, id, &stamp);
    if matches!(ctx.op.response, harvest_spec::ir::Response::None) {
        return Ok(Output::Empty);
    }
    record_doc(ctx, store, r, id)
}

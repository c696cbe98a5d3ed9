//! The reports, computed from the current data.

use std::collections::BTreeMap;

use axum::response::Response;
use harvest_spec::ir::{Behavior as B, Response as Shape, Schema};
use serde_json::{Map, Value};

use crate::errors::{ApiError, ApiResult};
use crate::handlers::Ctx;
use crate::pagination;
use crate::plan::Plan;
use crate::render::{self, display_name};
use crate::store::{Cell, Store, ref_id};
use crate::values::{dec, parse_date};

#[derive(Default, Clone)]
struct Sums {
    total_hours: f64,
    billable_hours: f64,
    billable_amount: f64,
    total_amount: f64,
    uninvoiced_hours: f64,
    uninvoiced_expenses: f64,
    uninvoiced_amount: f64,
}

fn named(plan: &Plan, n: &str) -> ApiResult<usize> {
    plan.spec.resource_named(n).map(|r| r.0).ok_or(ApiError::NotFound)
}

pub fn report(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Response> {
    let plan = ctx.plan;
    let p = ctx.op.pagination.as_ref().ok_or(ApiError::NotFound)?;
    let req = pagination::parse(&ctx.query, p)?;
    let b = ctx.op.behavior.ok_or(ApiError::NotFound)?;
    let schema = match &ctx.op.response {
        Shape::List(s) | Shape::One(s) => *s,
        _ => return Err(ApiError::NotFound),
    };
    let needs_range = ctx.op.filters.iter().any(|f| f.name == "from" && f.required);
    crate::handlers::parsed_filters_pub(ctx)?;
    let range = if needs_range {
        let from = ctx
            .q("from")
            .and_then(parse_date)
            .ok_or_else(|| ApiError::Unprocessable("From is not a valid date".into()))?;
        let to =
            ctx.q("to").and_then(parse_date).ok_or_else(|| ApiError::Unprocessable("To is not a valid date".into()))?;
        if to < from {
            return Err(ApiError::Unprocessable("To must be after from".into()));
        }
        if (to - from).num_days() > 365 {
            return Err(ApiError::Unprocessable("The timeframe cannot exceed 1 year".into()));
        }
        Some((from.format("%Y-%m-%d").to_string(), to.format("%Y-%m-%d").to_string()))
    } else {
        None
    };
    let fixed_ok = ctx.q("include_fixed_fee") != Some("false");
    let active = ctx.q("is_active").map(|v| v == "true");
    let rows = compute(plan, store, b, schema, range.as_ref(), fixed_ok, active)?;
    let ids: Vec<i64> = (0..rows.len() as i64).collect();
    Ok(crate::handlers::page_pub(ctx, p, &req, &ids, |i| rows.get(i).cloned().unwrap_or(Value::Null)))
}

/// The rows (of shape `schema`) of report `b` over the whole data set, for the offline search of report entities.
pub fn rows_for_search(plan: &Plan, store: &Store, b: B, schema: Schema) -> Vec<Value> {
    compute(plan, store, b, schema, None, true, None).unwrap_or_default()
}

/// Computes the rows of report `b`: `range` limits dates (inclusive, `YYYY-MM-DD`), `fixed_ok`
/// counts fixed-fee projects' amounts, `active` keeps only projects in that state.
fn compute(
    plan: &Plan,
    store: &Store,
    b: B,
    schema: Schema,
    range: Option<&(String, String)>,
    fixed_ok: bool,
    active: Option<bool>,
) -> ApiResult<Vec<Value>> {
    let in_range = |d: Option<&Cell>| match (range, d.and_then(Cell::as_str)) {
        (None, _) => true,
        (Some((f, t)), Some(d)) => d >= f.as_str() && d <= t.as_str(),
        _ => false,
    };
    let te = crate::seed::resource_with(plan, B::TimeEntryTimer).ok_or(ApiError::NotFound)?;
    let ex = named(plan, "expense")?;
    let pr = named(plan, "project")?;
    let fixed = |pid: Option<i64>| {
        pid.and_then(|p| store.field(plan, pr, p, "is_fixed_fee")).and_then(Cell::as_bool).unwrap_or(false)
    };
    let currency_of = |r: usize, id: i64| -> String {
        let c = store.ref_of(plan, r, id, "client");
        let cr = plan.spec.resource_named("client").map(|x| x.0);
        c.zip(cr)
            .and_then(|(c, cr)| store.field(plan, cr, c, "currency"))
            .and_then(Cell::as_str)
            .unwrap_or("USD")
            .to_string()
    };
    // (group resource field, group id, currency) → sums
    let mut groups: BTreeMap<(i64, String), Sums> = BTreeMap::new();
    let (src, key): (usize, &str) = match b {
        B::ReportTimeClients => (te, "client"),
        B::ReportTimeProjects => (te, "project"),
        B::ReportTimeTasks => (te, "task"),
        B::ReportTimeTeam => (te, "user"),
        B::ReportExpenseClients => (ex, "client"),
        B::ReportExpenseProjects => (ex, "project"),
        B::ReportExpenseCategories => (ex, "expense_category"),
        B::ReportExpenseTeam => (ex, "user"),
        B::ReportUninvoiced | B::ReportProjectBudget => (pr, "id"),
        _ => return Err(ApiError::NotFound),
    };
    match b {
        B::ReportUninvoiced | B::ReportProjectBudget => {
            for &pid in store.tables[pr].rows.keys() {
                if active.is_some_and(|a| store.field(plan, pr, pid, "is_active") != Some(&Cell::Bool(a))) {
                    continue;
                }
                if b == B::ReportUninvoiced && !fixed_ok && fixed(Some(pid)) {
                    continue;
                }
                groups.insert((pid, currency_of(pr, pid)), Sums::default());
            }
            let pix = plan.res[te].ix("project").ok_or(ApiError::NotFound)?;
            let monthly_from = crate::values::today()[..8].to_string() + "01";
            for (key, s) in groups.iter_mut() {
                let budget_by = store.field(plan, pr, key.0, "budget_by").and_then(Cell::as_str).unwrap_or("none");
                let monthly =
                    store.field(plan, pr, key.0, "budget_is_monthly").and_then(Cell::as_bool).unwrap_or(false);
                for id in store.referring(te, pix, key.0) {
                    let date = store.field(plan, te, id, "spent_date");
                    let billable = store.field(plan, te, id, "billable").and_then(Cell::as_bool).unwrap_or(false);
                    let h = store.num(plan, te, id, "hours").unwrap_or(0.0);
                    let rate = store.num(plan, te, id, "billable_rate").unwrap_or(0.0);
                    if b == B::ReportProjectBudget {
                        if monthly && date.and_then(Cell::as_str).is_none_or(|d| d < monthly_from.as_str()) {
                            continue;
                        }
                        s.total_hours += if matches!(budget_by, "project_cost" | "task_fees") { h * rate } else { h };
                        continue;
                    }
                    if !in_range(date) || !billable {
                        continue;
                    }
                    s.total_hours += h;
                    if store.field(plan, te, id, "is_billed") != Some(&Cell::Bool(true)) {
                        s.uninvoiced_hours += h;
                        s.uninvoiced_amount += h * rate;
                    }
                }
                if b == B::ReportUninvoiced
                    && let Some(eix) = plan.res[ex].ix("project")
                {
                    for id in store.referring(ex, eix, key.0) {
                        let billable = store.field(plan, ex, id, "billable").and_then(Cell::as_bool).unwrap_or(false);
                        if in_range(store.field(plan, ex, id, "spent_date"))
                            && billable
                            && store.field(plan, ex, id, "is_billed") != Some(&Cell::Bool(true))
                        {
                            s.uninvoiced_expenses += store.num(plan, ex, id, "total_cost").unwrap_or(0.0);
                        }
                    }
                }
            }
            if b == B::ReportUninvoiced {
                groups.retain(|_, s| s.total_hours > 0.0 || s.uninvoiced_expenses > 0.0);
            }
        }
        _ => {
            let kix = plan.res[src].ix(key).ok_or(ApiError::NotFound)?;
            for (&id, rec) in &store.tables[src].rows {
                if !in_range(store.field(plan, src, id, "spent_date")) {
                    continue;
                }
                let Some(k) = ref_id(rec.get(kix)) else { continue };
                let s = groups.entry((k, currency_of(src, id))).or_default();
                let billable = store.field(plan, src, id, "billable").and_then(Cell::as_bool).unwrap_or(false);
                if src == te {
                    let h = store.num(plan, src, id, "hours").unwrap_or(0.0);
                    s.total_hours += h;
                    if billable {
                        s.billable_hours += h;
                        if fixed_ok || !fixed(store.ref_of(plan, src, id, "project")) {
                            s.billable_amount += h * store.num(plan, src, id, "billable_rate").unwrap_or(0.0);
                        }
                    }
                } else {
                    let c = store.num(plan, src, id, "total_cost").unwrap_or(0.0);
                    s.total_amount += c;
                    if billable {
                        s.billable_amount += c;
                    }
                }
            }
        }
    }
    let group_res = if key == "id" {
        pr
    } else {
        plan.res[src].ref_at(plan.res[src].ix(key).unwrap_or(0)).map(|rf| rf.target.0).unwrap_or(pr)
    };
    Ok(groups.iter().map(|((gid, cur), s)| row(plan, store, schema, group_res, *gid, cur, s)).collect())
}

#[allow(clippy::too_many_arguments)]
fn row(plan: &Plan, store: &Store, schema: Schema, gr: usize, gid: i64, cur: &str, s: &Sums) -> Value {
    let mut m = Map::new();
    let budget = store.num(plan, gr, gid, "budget").or_else(|| store.num(plan, gr, gid, "cost_budget"));
    for f in plan.spec.fields_of(schema) {
        let n = f.name.as_str();
        let v = match n {
            "currency" => Value::String(cur.into()),
            "total_hours" => dec(s.total_hours),
            "billable_hours" => dec(s.billable_hours),
            "billable_amount" => dec(s.billable_amount),
            "total_amount" => dec(s.total_amount),
            "uninvoiced_hours" => dec(s.uninvoiced_hours),
            "uninvoiced_expenses" => dec(s.uninvoiced_expenses),
            "uninvoiced_amount" => dec(s.uninvoiced_amount),
            "budget" => budget.map(dec).unwrap_or(Value::Null),
            "budget_spent" => dec(s.total_hours),
            "budget_remaining" => budget.map(|x| dec(x - s.total_hours)).unwrap_or(Value::Null),
            _ => {
                let (prefix, suffix) = n.rsplit_once('_').unwrap_or((n, ""));
                let own = &plan.spec.resources[gr].name;
                if prefix == own && suffix == "id" {
                    Value::from(gid)
                } else if prefix == own && suffix == "name" {
                    Value::String(display_name(plan, store, gr, gid))
                } else if let Some(t) = store.ref_of(plan, gr, gid, prefix).filter(|_| suffix == "id") {
                    Value::from(t)
                } else if suffix == "name"
                    && let (Some(t), Some(tr)) = (store.ref_of(plan, gr, gid, prefix), plan.spec.resource_named(prefix))
                {
                    Value::String(display_name(plan, store, tr.0, t))
                } else {
                    store.field(plan, gr, gid, n).map_or(Value::Null, Cell::to_value)
                }
            }
        };
        m.insert(f.name.clone(), v);
    }
    render::object(plan, store, schema, &Value::Object(m), 0)
}

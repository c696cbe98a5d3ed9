//! The reports, computed from the current data.

use std::collections::BTreeMap;

use harvest_spec::ir::{ResourceId, Response as Shape, Schema};
use serde_json::{Map, Value};

use super::stored_money;
use crate::engine::paging;
use crate::engine::{ApiError, ApiResult, Behavior, Ctx, Output, Rows, parsed_filters, rows_page};
use crate::plan::{FieldIx, Plan};
use crate::render::{self, display_name};
use crate::store::{Cell, Store, ref_id};
use crate::values::{Money, parse_date};

/// Which report a [`Report`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// Time by client.
    TimeClients,
    /// Time by project.
    TimeProjects,
    /// Time by task.
    TimeTasks,
    /// Time by user.
    TimeTeam,
    /// Expenses by client.
    ExpenseClients,
    /// Expenses by project.
    ExpenseProjects,
    /// Expenses by category.
    ExpenseCategories,
    /// Expenses by user.
    ExpenseTeam,
    /// Uninvoiced time and expenses by project.
    Uninvoiced,
    /// Budget use by project.
    ProjectBudget,
}

/// One of the ten reports, computed from the current data.
pub struct Report(pub ReportKind);

impl Behavior for Report {
    fn read(&self, ctx: &Ctx<'_>, store: &Store) -> Option<ApiResult<Output>> {
        Some(report(ctx, store, self.0))
    }

    fn report_rows(&self, plan: &Plan, store: &Store, shape: Schema) -> Option<Vec<Value>> {
        Some(compute(plan, store, self.0, shape, None, true, None).unwrap_or_default())
    }
}

#[derive(Default, Clone)]
struct Sums {
    total_hours: Money,
    billable_hours: Money,
    billable_amount: Money,
    total_amount: Money,
    uninvoiced_hours: Money,
    uninvoiced_expenses: Money,
    uninvoiced_amount: Money,
}

fn named(plan: &Plan, n: &str) -> ApiResult<ResourceId> {
    super::resource_named(plan, n).ok_or(ApiError::NotFound)
}

fn report(ctx: &Ctx<'_>, store: &Store, b: ReportKind) -> ApiResult<Output> {
    let plan = ctx.plan;
    let p = ctx.op.pagination.as_ref().ok_or(ApiError::NotFound)?;
    let req = paging::parse(&ctx.query, p)?;
    let schema = match &ctx.op.response {
        Shape::List(s) | Shape::One(s) => *s,
        _ => return Err(ApiError::NotFound),
    };
    let needs_range = ctx.op.filters.iter().any(|f| f.name == "from" && f.required);
    parsed_filters(ctx)?;
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
    Ok(rows_page(req, Rows { ids, items: rows }))
}

/// Computes the rows of report `b`: `range` limits dates (inclusive, `YYYY-MM-DD`), `fixed_ok`
/// counts fixed-fee projects' amounts, `active` keeps only projects in that state.
fn compute(
    plan: &Plan,
    store: &Store,
    b: ReportKind,
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
    let te = super::resource_with(plan, "time_entry_timer").ok_or(ApiError::NotFound)?;
    let ex = named(plan, "expense")?;
    let pr = named(plan, "project")?;
    let fixed = |pid: Option<i64>| {
        pid.and_then(|p| store.field(plan, pr, p, "is_fixed_fee")).and_then(Cell::as_bool).unwrap_or(false)
    };
    let currency_of = |r: ResourceId, id: i64| -> String {
        let c = store.ref_of(plan, r, id, "client");
        let cr = super::resource_named(plan, "client");
        c.zip(cr)
            .and_then(|(c, cr)| store.field(plan, cr, c, "currency"))
            .and_then(Cell::as_str)
            .unwrap_or("USD")
            .to_string()
    };
    // (group resource field, group id, currency) → sums
    let mut groups: BTreeMap<(i64, String), Sums> = BTreeMap::new();
    let (src, key): (ResourceId, &str) = match b {
        ReportKind::TimeClients => (te, "client"),
        ReportKind::TimeProjects => (te, "project"),
        ReportKind::TimeTasks => (te, "task"),
        ReportKind::TimeTeam => (te, "user"),
        ReportKind::ExpenseClients => (ex, "client"),
        ReportKind::ExpenseProjects => (ex, "project"),
        ReportKind::ExpenseCategories => (ex, "expense_category"),
        ReportKind::ExpenseTeam => (ex, "user"),
        ReportKind::Uninvoiced | ReportKind::ProjectBudget => (pr, "id"),
    };
    match b {
        ReportKind::Uninvoiced | ReportKind::ProjectBudget => {
            for &pid in store.tables[pr].rows.keys() {
                if active.is_some_and(|a| store.field(plan, pr, pid, "is_active") != Some(&Cell::Bool(a))) {
                    continue;
                }
                if b == ReportKind::Uninvoiced && !fixed_ok && fixed(Some(pid)) {
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
                    let h = stored_money(plan, store, te, id, "hours").unwrap_or_default();
                    let rate = stored_money(plan, store, te, id, "billable_rate").unwrap_or_default();
                    if b == ReportKind::ProjectBudget {
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
                if b == ReportKind::Uninvoiced
                    && let Some(eix) = plan.res[ex].ix("project")
                {
                    for id in store.referring(ex, eix, key.0) {
                        let billable = store.field(plan, ex, id, "billable").and_then(Cell::as_bool).unwrap_or(false);
                        if in_range(store.field(plan, ex, id, "spent_date"))
                            && billable
                            && store.field(plan, ex, id, "is_billed") != Some(&Cell::Bool(true))
                        {
                            s.uninvoiced_expenses +=
                                stored_money(plan, store, ex, id, "total_cost").unwrap_or_default();
                        }
                    }
                }
            }
            if b == ReportKind::Uninvoiced {
                groups.retain(|_, s| s.total_hours > Money::ZERO || s.uninvoiced_expenses > Money::ZERO);
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
                    let h = stored_money(plan, store, src, id, "hours").unwrap_or_default();
                    s.total_hours += h;
                    if billable {
                        s.billable_hours += h;
                        if fixed_ok || !fixed(store.ref_of(plan, src, id, "project")) {
                            s.billable_amount +=
                                h * stored_money(plan, store, src, id, "billable_rate").unwrap_or_default();
                        }
                    }
                } else {
                    let c = stored_money(plan, store, src, id, "total_cost").unwrap_or_default();
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
        plan.res[src].ref_at(plan.res[src].ix(key).unwrap_or(FieldIx(0))).map(|rf| rf.target).unwrap_or(pr)
    };
    Ok(groups.iter().map(|((gid, cur), s)| row(plan, store, schema, group_res, *gid, cur, s)).collect())
}

#[allow(clippy::too_many_arguments)]
fn row(plan: &Plan, store: &Store, schema: Schema, gr: ResourceId, gid: i64, cur: &str, s: &Sums) -> Value {
    let mut m = Map::new();
    let budget =
        stored_money(plan, store, gr, gid, "budget").or_else(|| stored_money(plan, store, gr, gid, "cost_budget"));
    for f in plan.spec.fields_of(schema) {
        let n = f.name.as_str();
        let v = match n {
            "currency" => Value::String(cur.into()),
            "total_hours" => Money::to_value(s.total_hours),
            "billable_hours" => Money::to_value(s.billable_hours),
            "billable_amount" => Money::to_value(s.billable_amount),
            "total_amount" => Money::to_value(s.total_amount),
            "uninvoiced_hours" => Money::to_value(s.uninvoiced_hours),
            "uninvoiced_expenses" => Money::to_value(s.uninvoiced_expenses),
            "uninvoiced_amount" => Money::to_value(s.uninvoiced_amount),
            "budget" => budget.map(Money::to_value).unwrap_or(Value::Null),
            "budget_spent" => Money::to_value(s.total_hours),
            "budget_remaining" => budget.map(|x| Money::to_value(x - s.total_hours)).unwrap_or(Value::Null),
            _ => {
                let (prefix, suffix) = n.rsplit_once('_').unwrap_or((n, ""));
                let own = &plan.spec.resource(gr).name;
                if prefix == own && suffix == "id" {
                    Value::from(gid)
                } else if prefix == own && suffix == "name" {
                    Value::String(display_name(plan, store, gr, gid))
                } else if let Some(t) = store.ref_of(plan, gr, gid, prefix).filter(|_| suffix == "id") {
                    Value::from(t)
                } else if suffix == "name"
                    && let (Some(t), Some(tr)) =
                        (store.ref_of(plan, gr, gid, prefix), super::resource_named(plan, prefix))
                {
                    Value::String(display_name(plan, store, tr, t))
                } else {
                    store.field(plan, gr, gid, n).map_or(Value::Null, Cell::to_value)
                }
            }
        };
        m.insert(f.name.clone(), v);
    }
    render::object(plan, store, schema, &Value::Object(m), 0)
}

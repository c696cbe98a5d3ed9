//! The report executor: interprets an operation's `report:` over the store.
//! Rows are keyed by (row record, currency) and come in that order. A report
//! counts only the records the acting user may read under their resources'
//! `access:` rules, and leaves out the fields its `rates:` hides from them.

use std::collections::BTreeMap;

use harvest_spec::ir::{
    Condition, DerivedColumn, Exclusion, Operand, Report, ReportRows, ResourceId, Response, Schema,
};
use serde_json::{Map, Value};

use super::access::{self, Scope as Reach};
use super::compute::{money, operand_cell as cell};
use super::query::filter_ids;
use super::{ApiError, ApiResult, Ctx, Output, Rows, paging, parsed_filters, rows_page};
use crate::plan::{FieldIx, Plan, ReportColumn};
use crate::render::{self, display_name};
use crate::store::{Cell, Rec, Store, ref_id};
use chrono::{DateTime, Utc};

use crate::values::{Money, fmt_date, parse_date};

/// What the request narrows: the window's days, the exclusions it switches
/// on, (for `rows: all`) the row records its filters select, and the records
/// of each source the user may read (`None`: all).
struct Scope<'q> {
    range: Option<(String, String)>,
    excluded: &'q dyn Fn(&str) -> bool,
    row_ids: Option<Vec<i64>>,
    month_start: String,
    readable: Option<Vec<(ResourceId, Option<Reach>)>>,
}

impl Scope<'_> {
    /// Whether the user may count record `rec` of `r`.
    fn reads(&self, r: ResourceId, rec: &Rec) -> bool {
        let Some(readable) = &self.readable else { return true };
        readable.iter().find(|(x, _)| *x == r).is_none_or(|(_, reach)| reach.as_ref().is_some_and(|s| s.admits(rec)))
    }
}

/// Answers a report operation with one page of rows.
pub fn report(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Output> {
    let plan = ctx.plan;
    let rep = plan.spec.operation(ctx.op.id).report.as_ref().ok_or(ApiError::NotFound)?;
    let p = ctx.op.pagination.as_ref().ok_or(ApiError::NotFound)?;
    let req = paging::parse(&ctx.query, p)?;
    let Response::List(schema) = ctx.op.response else { return Err(ApiError::NotFound) };
    let filters = parsed_filters(ctx)?;
    let mut range = None;
    if let Some(w) = &rep.window
        && let (Some(from), Some(to)) = (ctx.q(&w.from).and_then(parse_date), ctx.q(&w.to).and_then(parse_date))
    {
        if to < from {
            return Err(ApiError::Unprocessable(format!("{} must be after {}", crate::plan::humanize(&w.to), w.from)));
        }
        if let Some((days, message)) = &w.max
            && (to - from).num_days() > i64::from(*days)
        {
            return Err(ApiError::Unprocessable(message.clone()));
        }
        range = Some((from.format("%Y-%m-%d").to_string(), to.format("%Y-%m-%d").to_string()));
    }
    let held = access::roles(ctx, store, ctx.me(store));
    let resources = rep.sources.iter().map(|s| s.resource).chain([rep.rows_of]);
    let readable: Vec<(ResourceId, Option<Reach>)> = resources
        .map(|r| (r, access::readable(ctx, store, r, &held)))
        .filter(|(_, s)| *s != Some(Reach::All))
        .collect();
    let row_ids = match rep.rows {
        ReportRows::All => {
            let ids = filter_ids(ctx, store, rep.rows_of, filters)?;
            Some(match readable.iter().find(|(r, _)| *r == rep.rows_of) {
                Some((r, reach)) => ids
                    .into_iter()
                    .filter(|id| store.get(*r, *id).is_some_and(|rec| reach.as_ref().is_some_and(|s| s.admits(rec))))
                    .collect(),
                None => ids,
            })
        }
        ReportRows::Touched => None,
    };
    let excluded = |name: &str| ctx.q(name) == Some("false");
    let readable = (!readable.is_empty()).then_some(readable);
    let scope = Scope { range, excluded: &excluded, row_ids, month_start: month_start(ctx.now), readable };
    let mut items = compute(plan, store, rep, schema, &ctx.op.report_columns, &scope);
    let rule = plan.spec.operation(ctx.op.id).access.as_ref().and_then(|a| a.rates.as_ref());
    if let Some(rates) = rule.filter(|r| !r.roles.admits(held.iter().map(String::as_str))) {
        for item in items.iter_mut().filter_map(Value::as_object_mut) {
            for name in &rates.hides {
                item.remove(name);
            }
        }
    }
    let ids = (0..items.len() as i64).collect();
    Ok(rows_page(req, Rows { ids, items }))
}

/// Every row of a report, over all days and with nothing excluded (what its search action searches).
pub fn all_rows(plan: &Plan, store: &Store, op: &crate::plan::OpPlan, now: DateTime<Utc>) -> Vec<Value> {
    let (Some(rep), Response::List(schema)) = (&plan.spec.operation(op.id).report, &op.response) else {
        return Vec::new();
    };
    let scope =
        Scope { range: None, excluded: &|_| false, row_ids: None, month_start: month_start(now), readable: None };
    compute(plan, store, rep, *schema, &op.report_columns, &scope)
}

fn month_start(now: DateTime<Utc>) -> String {
    fmt_date(now).get(..8).map(|ym| format!("{ym}01")).unwrap_or_default()
}

fn compute(
    plan: &Plan,
    store: &Store,
    rep: &Report,
    schema: Schema,
    columns: &[ReportColumn],
    scope: &Scope<'_>,
) -> Vec<Value> {
    let width = columns.len();
    let mut groups: BTreeMap<(i64, String), Vec<Money>> = BTreeMap::new();
    if rep.rows == ReportRows::All {
        let ids: Vec<i64> = match &scope.row_ids {
            Some(ids) => ids.clone(),
            None => store.tables[rep.rows_of].rows.keys().copied().collect(),
        };
        for id in ids {
            groups.insert((id, String::new()), vec![Money::ZERO; width]);
        }
    }
    let account_currency = || {
        plan.account_currency
            .and_then(|(c, ix)| store.tables[c].rows.values().next()?.get(ix)?.as_ref()?.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    for src in &rep.sources {
        let r = src.resource;
        let row_ix = FieldIx(src.row);
        for rec in store.tables[r].rows.values() {
            let date = src.date.and_then(|d| rec.get(FieldIx(d))?.as_ref()?.as_str());
            if let Some((from, to)) = &scope.range
                && date.is_none_or(|d| d < from.as_str() || d > to.as_str())
            {
                continue;
            }
            if let Some(path) = &src.current_month_when
                && truth(plan, store, r, rec, path)
                && date.is_none_or(|d| d < scope.month_start.as_str())
            {
                continue;
            }
            if !scope.reads(r, rec)
                || !holds(plan, store, r, rec, &src.when)
                || excluded(plan, store, r, rec, &src.excluded_by, scope)
            {
                continue;
            }
            let Some(row) = ref_id(rec.get(row_ix)) else { continue };
            let currency = match (rep.currency_column, &src.currency) {
                (None, _) => String::new(),
                (Some(_), Some(path)) => text(plan, store, r, rec, path).unwrap_or_else(account_currency),
                (Some(_), None) => account_currency(),
            };
            let sums = match rep.rows {
                ReportRows::All => match groups.get_mut(&(row, currency)) {
                    Some(sums) => sums,
                    None => continue,
                },
                ReportRows::Touched => groups.entry((row, currency)).or_insert_with(|| vec![Money::ZERO; width]),
            };
            for sum in &src.sums {
                for term in &sum.terms {
                    if holds(plan, store, r, rec, &term.when)
                        && !excluded(plan, store, r, rec, &term.excluded_by, scope)
                    {
                        let product: Money =
                            term.of.iter().map(|o| number(plan, store, r, rec, o).unwrap_or_default()).product();
                        if let Some(slot) = sums.get_mut(sum.column) {
                            *slot += product;
                        }
                    }
                }
            }
        }
    }
    if rep.drop_empty {
        let summed: Vec<usize> = rep.sources.iter().flat_map(|s| &s.sums).map(|s| s.column).collect();
        groups.retain(|_, sums| summed.iter().any(|&c| sums.get(c).is_some_and(|v| *v != Money::ZERO)));
    }
    groups
        .iter()
        .map(|((row, currency), sums)| render_row(plan, store, rep, schema, columns, *row, currency, sums))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn render_row(
    plan: &Plan,
    store: &Store,
    rep: &Report,
    schema: Schema,
    columns: &[ReportColumn],
    row: i64,
    currency: &str,
    sums: &[Money],
) -> Value {
    let r = rep.rows_of;
    let mut computed: Vec<Option<Money>> = sums.iter().copied().map(Some).collect();
    for c in &rep.columns {
        match c {
            DerivedColumn::FirstOf { column, fields } => {
                let first = fields.iter().find_map(|f| money(store.get(r, row)?.get(FieldIx(*f))?.as_ref()));
                if let Some(slot) = computed.get_mut(*column) {
                    *slot = first;
                }
            }
            DerivedColumn::Minus { column, from, less } => {
                let a = computed.get(*from).copied().flatten();
                let b = computed.get(*less).copied().flatten();
                if let Some(slot) = computed.get_mut(*column) {
                    *slot = a.zip(b).map(|(a, b)| a - b);
                }
            }
        }
    }
    let field = |ix: FieldIx| store.get(r, row).and_then(|rec| rec.get(ix)?.as_ref());
    let mut out = Map::new();
    for (ix, (f, source)) in plan.spec.fields_of(schema).iter().zip(columns).enumerate() {
        let v = match *source {
            ReportColumn::Currency => Value::String(currency.to_string()),
            ReportColumn::Computed => computed.get(ix).copied().flatten().map_or(Value::Null, Money::to_value),
            ReportColumn::RowId => Value::from(row),
            ReportColumn::RowName => Value::String(display_name(plan, store, r, row)),
            ReportColumn::RefId(fx) => field(fx).and_then(Cell::as_i64).map_or(Value::Null, Value::from),
            ReportColumn::RefName(fx, target) => match field(fx).and_then(Cell::as_i64) {
                Some(t) => Value::String(display_name(plan, store, target, t)),
                None => Value::Null,
            },
            ReportColumn::Field(fx) => field(fx).map_or(Value::Null, Cell::to_value),
            ReportColumn::Null => Value::Null,
        };
        out.insert(f.name.clone(), v);
    }
    render::object(plan, store, schema, &Value::Object(out), 0)
}

fn number(plan: &Plan, store: &Store, r: ResourceId, rec: &Rec, o: &Operand) -> Option<Money> {
    money(cell(plan, store, r, rec, o))
}

fn truth(plan: &Plan, store: &Store, r: ResourceId, rec: &Rec, o: &Operand) -> bool {
    cell(plan, store, r, rec, o).and_then(Cell::as_bool).unwrap_or(false)
}

fn text(plan: &Plan, store: &Store, r: ResourceId, rec: &Rec, o: &Operand) -> Option<String> {
    cell(plan, store, r, rec, o).and_then(Cell::as_str).map(str::to_string)
}

fn holds(plan: &Plan, store: &Store, r: ResourceId, rec: &Rec, conditions: &[Condition]) -> bool {
    conditions.iter().all(|c| match c {
        Condition::Is(path, want) => truth(plan, store, r, rec, path) == *want,
        Condition::In { path, values, negated } => {
            let v = cell(plan, store, r, rec, path).and_then(Cell::as_str);
            v.is_some_and(|v| values.iter().any(|x| x == v)) != *negated
        }
    })
}

fn excluded(
    plan: &Plan,
    store: &Store,
    r: ResourceId,
    rec: &Rec,
    exclusion: &Option<Exclusion>,
    scope: &Scope<'_>,
) -> bool {
    exclusion.as_ref().is_some_and(|e| (scope.excluded)(&e.filter) && truth(plan, store, r, rec, &e.when))
}

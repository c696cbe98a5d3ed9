//! Reading `report:` of a report operation.

use crate::ir::Location;
use crate::read::{Entries, Located, Reader};
use crate::tree::{Node, Value};

/// `report:` as written.
#[derive(Debug)]
pub(crate) struct RawReport {
    pub(crate) rows: Option<Located<String>>,
    pub(crate) drop_empty: bool,
    pub(crate) window: Option<RawWindow>,
    pub(crate) currency_column: Option<Located<String>>,
    pub(crate) sources: Vec<RawSource>,
    pub(crate) columns: Vec<RawColumn>,
    pub(crate) loc: Location,
}

/// `window:` of a report.
#[derive(Debug)]
pub(crate) struct RawWindow {
    pub(crate) from: Option<Located<String>>,
    pub(crate) to: Option<Located<String>>,
    pub(crate) max_days: Option<Located<u32>>,
    pub(crate) too_long: Option<String>,
    pub(crate) loc: Location,
}

/// One entry of `sources:`, keyed by resource name.
#[derive(Debug)]
pub(crate) struct RawSource {
    pub(crate) resource: Located<String>,
    pub(crate) row: Option<Located<String>>,
    pub(crate) currency: Option<Located<String>>,
    pub(crate) current_month_when: Option<Located<String>>,
    pub(crate) when: Vec<RawCondition>,
    pub(crate) excluded_by: Option<RawExclusion>,
    pub(crate) sums: Vec<(Located<String>, Vec<RawTerm>)>,
}

/// One term of a sum: `hours`, or `{of: [hours, rate], when: [...], excluded_by: {...}}`.
#[derive(Debug)]
pub(crate) struct RawTerm {
    pub(crate) of: Vec<Located<String>>,
    pub(crate) when: Vec<RawCondition>,
    pub(crate) excluded_by: Option<RawExclusion>,
    pub(crate) loc: Location,
}

/// A condition: `billable`, `{not: is_billed}`, `{field: budget_by, in: [...]}` or `not_in`.
#[derive(Debug)]
pub(crate) enum RawCondition {
    Is(Located<String>, bool),
    In { field: Located<String>, values: Vec<Located<String>>, negated: bool },
}

/// `excluded_by: {query_parameter: path}`.
#[derive(Debug)]
pub(crate) struct RawExclusion {
    pub(crate) filter: Located<String>,
    pub(crate) when: Located<String>,
}

/// One entry of `columns:`: `{first_of: [a, b]}` or `{minus: [a, b]}`.
#[derive(Debug)]
pub(crate) struct RawColumn {
    pub(crate) name: Located<String>,
    pub(crate) op: Located<String>,
    pub(crate) operands: Vec<Located<String>>,
}

const REPORT_KEYS: &[&str] = &["rows", "drop_empty", "window", "currency_column", "sources", "columns"];
const WINDOW_KEYS: &[&str] = &["from", "to", "max_days", "too_long"];
const SOURCE_KEYS: &[&str] = &["row", "currency", "current_month_when", "when", "excluded_by", "sums"];
const TERM_KEYS: &[&str] = &["of", "when", "excluded_by"];
const CONDITION_KEYS: &[&str] = &["not", "field", "in", "not_in"];
const COLUMN_KEYS: &[&str] = &["first_of", "minus"];

fn located(r: &mut Reader<'_>, m: &Entries<'_>, key: &str) -> Option<Located<String>> {
    m.get(key).and_then(|n| r.string(n, &format!("`{key}`")))
}

/// Reads `report: {rows, drop_empty, window, currency_column, sources, columns}`.
pub(crate) fn read_report(r: &mut Reader<'_>, node: &Node) -> Option<RawReport> {
    let loc = r.loc(node);
    let m = r.map(node, "`report`", REPORT_KEYS)?;
    let mut sources = Vec::new();
    if let Some(entries) = m.get("sources").and_then(|n| r.entries(n, "`sources`")) {
        for (name, body) in entries.iter() {
            if let Some(s) = read_source(r, name.clone(), body) {
                sources.push(s);
            }
        }
    }
    let mut columns = Vec::new();
    if let Some(entries) = m.get("columns").and_then(|n| r.entries(n, "`columns`")) {
        for (name, body) in entries.iter() {
            let Some(c) = r.map(body, &format!("column `{}`", name.value), COLUMN_KEYS) else { continue };
            let Some((op, operands)) = c.iter().next() else {
                let loc = r.loc(body);
                r.diags.error_help(
                    &loc,
                    format!("column `{}` computes nothing", name.value),
                    "write `first_of: [a, b]` or `minus: [a, b]`",
                );
                continue;
            };
            let operands = r.strings(operands, &format!("the operands of column `{}`", name.value));
            columns.push(RawColumn { name: name.clone(), op: op.clone(), operands });
        }
    }
    Some(RawReport {
        rows: located(r, &m, "rows"),
        drop_empty: m.get("drop_empty").and_then(|n| r.boolean(n, "`drop_empty`")).unwrap_or(false),
        window: m.get("window").and_then(|n| read_window(r, n)),
        currency_column: located(r, &m, "currency_column"),
        sources,
        columns,
        loc,
    })
}

fn read_window(r: &mut Reader<'_>, node: &Node) -> Option<RawWindow> {
    let loc = r.loc(node);
    let m = r.map(node, "`window`", WINDOW_KEYS)?;
    let max_days = m.get("max_days").and_then(|n| Some(Located { value: r.u32(n, "`max_days`")?, loc: r.loc(n) }));
    Some(RawWindow {
        from: located(r, &m, "from"),
        to: located(r, &m, "to"),
        max_days,
        too_long: located(r, &m, "too_long").map(|s| s.value),
        loc,
    })
}

fn read_source(r: &mut Reader<'_>, resource: Located<String>, node: &Node) -> Option<RawSource> {
    let m = r.map(node, &format!("source `{}`", resource.value), SOURCE_KEYS)?;
    let mut sums = Vec::new();
    if let Some(entries) = m.get("sums").and_then(|n| r.entries(n, "`sums`")) {
        for (column, body) in entries.iter() {
            let terms = match &body.value {
                Value::Seq(items) => items.iter().filter_map(|t| read_term(r, t)).collect(),
                _ => read_term(r, body).into_iter().collect(),
            };
            sums.push((column.clone(), terms));
        }
    }
    Some(RawSource {
        row: located(r, &m, "row"),
        currency: located(r, &m, "currency"),
        current_month_when: located(r, &m, "current_month_when"),
        when: m.get("when").map(|n| read_conditions(r, n)).unwrap_or_default(),
        excluded_by: m.get("excluded_by").and_then(|n| read_exclusion(r, n)),
        sums,
        resource,
    })
}

fn read_term(r: &mut Reader<'_>, node: &Node) -> Option<RawTerm> {
    let loc = r.loc(node);
    if let Value::Str(_) = node.value {
        let of = r.string(node, "a summed field")?;
        return Some(RawTerm { of: vec![of], when: Vec::new(), excluded_by: None, loc });
    }
    let m = r.map(node, "a sum term", TERM_KEYS)?;
    let Some(of) = m.get("of") else {
        r.diags.error_help(
            &loc,
            "a sum term names nothing to add",
            "write `of: hours` or `of: [hours, billable_rate]`",
        );
        return None;
    };
    Some(RawTerm {
        of: r.strings(of, "`of`"),
        when: m.get("when").map(|n| read_conditions(r, n)).unwrap_or_default(),
        excluded_by: m.get("excluded_by").and_then(|n| read_exclusion(r, n)),
        loc,
    })
}

fn read_conditions(r: &mut Reader<'_>, node: &Node) -> Vec<RawCondition> {
    let items = match &node.value {
        Value::Seq(items) => items.as_slice(),
        _ => std::slice::from_ref(node),
    };
    items.iter().filter_map(|item| read_condition(r, item)).collect()
}

fn read_condition(r: &mut Reader<'_>, node: &Node) -> Option<RawCondition> {
    if let Value::Str(_) = node.value {
        return Some(RawCondition::Is(r.string(node, "a condition")?, true));
    }
    let m = r.map(node, "a condition", CONDITION_KEYS)?;
    if let Some(not) = m.get("not") {
        return Some(RawCondition::Is(r.string(not, "`not`")?, false));
    }
    let loc = r.loc(node);
    let (Some(field), values) = (located(r, &m, "field"), m.get("in").or(m.get("not_in"))) else {
        r.diags.error_help(
            &loc,
            "a condition names no field",
            "write `billable`, `{not: is_billed}` or `{field: budget_by, in: [a, b]}`",
        );
        return None;
    };
    let Some(values) = values else {
        r.diags.error_help(
            &loc,
            format!("the condition on `{}` lists no values", field.value),
            "add `in: [a, b]` or `not_in: [a, b]`",
        );
        return None;
    };
    let negated = m.get("in").is_none();
    Some(RawCondition::In { field, values: r.strings(values, "the condition's values"), negated })
}

fn read_exclusion(r: &mut Reader<'_>, node: &Node) -> Option<RawExclusion> {
    let entries = r.entries(node, "`excluded_by`")?;
    let loc = r.loc(node);
    let [(filter, path)] = entries.0.as_slice() else {
        r.diags.error_help(
            &loc,
            "`excluded_by` takes one entry",
            "write `excluded_by: {include_fixed_fee: project.is_fixed_fee}`",
        );
        return None;
    };
    Some(RawExclusion { filter: filter.clone(), when: r.string(path, "the excluded records' path")? })
}

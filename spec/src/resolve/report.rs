//! Resolving `report:`: sources, paths, conditions, sums and derived columns,
//! each checked against the spec with a located diagnostic.

use super::Resolver;
use super::records::unknown_field;
use super::rules::ty_name;
use crate::ir::{
    Condition, DerivedColumn, Exclusion, Field, FieldRole, OpKind, Operand, QueryParam, Report, ReportRows,
    ReportSource, Resource, ResourceId, Response, Schema, Sum, Term, TypeRef, Window,
};
use crate::raw::{RawCondition, RawExclusion, RawReport, RawSource, RawWindow};
use crate::read::Located;

/// What a path must hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Number,
    Boolean,
    Text,
}

impl Want {
    fn fits(self, ty: &TypeRef) -> bool {
        match self {
            Want::Number => matches!(ty, TypeRef::Decimal | TypeRef::Integer),
            Want::Boolean => *ty == TypeRef::Boolean,
            Want::Text => matches!(ty, TypeRef::String | TypeRef::Enum(_)),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Want::Number => "a number",
            Want::Boolean => "a boolean",
            Want::Text => "a string or enum",
        }
    }
}

/// The operation a report belongs to, as far as the report needs it.
pub(crate) struct ReportOp<'a> {
    pub(crate) id: &'a str,
    pub(crate) kind: OpKind,
    pub(crate) resource: Option<ResourceId>,
    pub(crate) response: &'a Response,
    pub(crate) query: &'a [QueryParam],
}

/// Resolves `report:`; `None` after reporting what is wrong.
pub(crate) fn resolve_report(
    r: &mut Resolver<'_>,
    raw: &RawReport,
    op: &ReportOp<'_>,
    resources: &[Resource],
) -> Option<Report> {
    if op.kind != OpKind::Report {
        r.diags.error_help(
            &raw.loc,
            format!("`report` on operation `{}`, which is not `kind: report`", op.id),
            "remove it, or make the operation `kind: report`",
        );
        return None;
    }
    let Response::List(Schema::Type(row_type)) = op.response else {
        r.diags.error_help(
            &raw.loc,
            format!("the rows of report `{}` need a declared type", op.id),
            "give the operation `response: <a type under types:>` and `pagination`",
        );
        return None;
    };
    let columns: Vec<Field> = r.types.get(row_type.0).map(|t| t.fields.clone()).unwrap_or_default();
    let type_name = r.types.get(row_type.0).map(|t| t.name.clone()).unwrap_or_default();
    let rows = match &raw.rows {
        None => ReportRows::Touched,
        Some(word) => r
            .keyword(word, &[("touched", ReportRows::Touched), ("all", ReportRows::All)], "row set")
            .unwrap_or(ReportRows::Touched),
    };
    if raw.sources.is_empty() {
        r.diags.error_help(
            &raw.loc,
            format!("report `{}` has no sources", op.id),
            "list the summed records under `sources:`",
        );
        return None;
    }
    let mut ctx = Ctx { r, op, resources, columns: &columns, type_name: &type_name, rows_of: None };
    let sources: Vec<ReportSource> = raw.sources.iter().filter_map(|s| ctx.source(s, raw.window.as_ref())).collect();
    let window = raw.window.as_ref().and_then(|w| ctx.window(w));
    let currency_column = raw.currency_column.as_ref().and_then(|c| ctx.column(c, Want::Text));
    let rows_of = ctx.rows_of?;
    if rows == ReportRows::All && op.resource != Some(rows_of) {
        let name = &resources[rows_of.0].name;
        ctx.r.diags.error_help(
            &raw.loc,
            format!("`rows: all` lists the records of `{name}`, but the operation's resource is not `{name}`"),
            format!("give the operation `resource: {name}`, so its filters select the rows"),
        );
    }
    if rows == ReportRows::All && currency_column.is_some() {
        ctx.r.diags.error_help(
            &raw.loc,
            "`rows: all` cannot have a `currency_column`: a row nothing touched has no currency",
            "remove `currency_column`, or list touched rows only",
        );
    }
    let mut derived = Vec::new();
    for c in &raw.columns {
        let Some(column) = ctx.column(&c.name, Want::Number) else { continue };
        match c.op.value.as_str() {
            "first_of" => {
                let fields = &resources[rows_of.0].fields;
                let picked = c.operands.iter().filter_map(|o| {
                    ctx.field_of(&resources[rows_of.0].name, fields, o, Want::Number, "a `first_of` operand")
                });
                derived.push(DerivedColumn::FirstOf { column, fields: picked.collect() });
            }
            _ => {
                let [from, less] = c.operands.as_slice() else {
                    ctx.r.diags.error_help(
                        &c.op.loc,
                        format!("`minus` of column `{}` takes two columns, not {}", c.name.value, c.operands.len()),
                        "write `minus: [budget, budget_spent]`",
                    );
                    continue;
                };
                if let (Some(from), Some(less)) = (ctx.column(from, Want::Number), ctx.column(less, Want::Number)) {
                    derived.push(DerivedColumn::Minus { column, from, less });
                }
            }
        }
    }
    Some(Report { rows_of, rows, drop_empty: raw.drop_empty, window, currency_column, sources, columns: derived })
}

struct Ctx<'a, 'r, 'd> {
    r: &'a mut Resolver<'d>,
    op: &'a ReportOp<'r>,
    resources: &'a [Resource],
    columns: &'a [Field],
    type_name: &'a str,
    rows_of: Option<ResourceId>,
}

impl Ctx<'_, '_, '_> {
    fn source(&mut self, s: &RawSource, window: Option<&RawWindow>) -> Option<ReportSource> {
        let name = &s.resource.value;
        let Some(resource) = self.resources.iter().position(|x| &x.name == name).map(ResourceId) else {
            let help = match crate::diag::did_you_mean(name, self.resources.iter().map(|x| x.name.as_str())) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "key each source by the resource whose records it sums".into(),
            };
            self.r.diags.error_help(&s.resource.loc, format!("report source `{name}` is not a resource"), help);
            return None;
        };
        let res = &self.resources[resource.0];
        let row = self.row(s, resource);
        let current_month_when =
            s.current_month_when.as_ref().and_then(|p| self.path(resource, p, Want::Boolean, "`current_month_when`"));
        let dated = window.is_some() || s.current_month_when.is_some();
        let date = res.field_with_role(FieldRole::RecordedOn).filter(|_| dated);
        if dated && date.is_none() {
            self.r.diags.error_help(
                &s.resource.loc,
                format!("report source `{name}` is counted by day, but no field says which day a record describes"),
                format!("give a date field of `{name}` `role: recorded_on`"),
            );
        }
        let currency = s.currency.as_ref().and_then(|c| self.path(resource, c, Want::Text, "`currency`"));
        let when = self.conditions(resource, &s.when);
        let excluded_by = s.excluded_by.as_ref().and_then(|e| self.exclusion(resource, e));
        let mut sums = Vec::new();
        for (column, terms) in &s.sums {
            let Some(col) = self.column(column, Want::Number) else { continue };
            for t in terms.iter().filter(|t| t.of.is_empty()) {
                self.r.diags.error_help(
                    &t.loc,
                    format!("a term of sum `{}` adds nothing", column.value),
                    "write `of: hours` or `of: [hours, billable_rate]`",
                );
            }
            let terms = terms
                .iter()
                .map(|t| Term {
                    of: t.of.iter().filter_map(|o| self.path(resource, o, Want::Number, "a summed field")).collect(),
                    when: self.conditions(resource, &t.when),
                    excluded_by: t.excluded_by.as_ref().and_then(|e| self.exclusion(resource, e)),
                })
                .collect();
            sums.push(Sum { column: col, terms });
        }
        Some(ReportSource { resource, row: row?, date, current_month_when, currency, when, excluded_by, sums })
    }

    /// A source's `row`: its ref field to the resource the rows describe, the same for every source.
    fn row(&mut self, s: &RawSource, resource: ResourceId) -> Option<usize> {
        let res = &self.resources[resource.0];
        let name = &res.name;
        let Some(row_word) = &s.row else {
            self.r.diags.error_help(
                &s.resource.loc,
                format!("report source `{name}` has no `row`"),
                "name its ref to the record a row describes, e.g. `row: client`",
            );
            return None;
        };
        let Some(row) = res.fields.iter().position(|f| f.name == row_word.value) else {
            unknown_field(self.r, name, &res.fields, &row_word.value, &row_word.loc, "`row`");
            return None;
        };
        let TypeRef::Ref(rt) = &res.fields[row].ty else {
            let ty = ty_name(self.r, &res.fields[row].ty, self.resources);
            self.r.diags.error_help(
                &row_word.loc,
                format!("`row: {}` of source `{name}` is {ty}, not a ref", row_word.value),
                "name a ref field: a row describes the record it points at",
            );
            return None;
        };
        match self.rows_of {
            None => self.rows_of = Some(rt.target),
            Some(first) if first != rt.target => {
                let (a, b) = (&self.resources[first.0].name, &self.resources[rt.target.0].name);
                self.r.diags.error_help(
                    &row_word.loc,
                    format!("source `{name}` groups by `{b}`, but an earlier source groups by `{a}`"),
                    "every source's `row` must point at the same resource",
                );
            }
            Some(_) => {}
        }
        Some(row)
    }

    fn window(&mut self, w: &RawWindow) -> Option<Window> {
        let (Some(from), Some(to)) = (&w.from, &w.to) else {
            self.r.diags.error_help(
                &w.loc,
                "a window names its two query parameters, `from` and `to`",
                "write `window: {from: from, to: to}`",
            );
            return None;
        };
        let declared = [from, to].map(|p| self.query_param(p, QueryWant::Date).is_some());
        let max = match (&w.max_days, &w.too_long) {
            (Some(days), Some(message)) => Some((days.value, message.clone())),
            (None, None) => None,
            _ => {
                self.r.diags.error_help(
                    &w.loc,
                    "a window's `max_days` and `too_long` go together",
                    "write both: `max_days: 365, too_long: The timeframe cannot exceed 1 year`",
                );
                None
            }
        };
        if declared != [true, true] {
            return None;
        }
        Some(Window { from: from.value.clone(), to: to.value.clone(), max })
    }

    /// A query parameter of the operation of this type.
    fn query_param(&mut self, name: &Located<String>, want: QueryWant) -> Option<()> {
        let Some(q) = self.op.query.iter().find(|q| q.name == name.value) else {
            let help = match crate::diag::did_you_mean(&name.value, self.op.query.iter().map(|q| q.name.as_str())) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "declare it under the operation's `filters:`".into(),
            };
            self.r.diags.error_help(
                &name.loc,
                format!("report `{}` reads query parameter `{}`, which it does not declare", self.op.id, name.value),
                help,
            );
            return None;
        };
        let (ty, what) = match want {
            QueryWant::Date => (TypeRef::Date, "date"),
            QueryWant::Boolean => (TypeRef::Boolean, "boolean"),
        };
        if q.ty != ty {
            let found = ty_name(self.r, &q.ty, self.resources);
            self.r.diags.error_help(
                &name.loc,
                format!("query parameter `{}` of report `{}` is {found}, not {what}", name.value, self.op.id),
                format!("declare it `type: {what}`"),
            );
            return None;
        }
        Some(())
    }

    /// A column of the row type holding `want`.
    fn column(&mut self, name: &Located<String>, want: Want) -> Option<usize> {
        let Some(ix) = self.columns.iter().position(|f| f.name == name.value) else {
            unknown_field(self.r, self.type_name, self.columns, &name.value, &name.loc, "a report column");
            return None;
        };
        if !want.fits(&self.columns[ix].ty) {
            let ty = ty_name(self.r, &self.columns[ix].ty, self.resources);
            self.r.diags.error_help(
                &name.loc,
                format!("report column `{}.{}` is {ty}, not {}", self.type_name, name.value, want.name()),
                format!("give the column a type that holds {}", want.name()),
            );
            return None;
        }
        Some(ix)
    }

    /// A field of `fields` (of `holder`) holding `want`.
    fn field_of(
        &mut self,
        holder: &str,
        fields: &[Field],
        name: &Located<String>,
        want: Want,
        what: &str,
    ) -> Option<usize> {
        let Some(ix) = fields.iter().position(|f| f.name == name.value) else {
            unknown_field(self.r, holder, fields, &name.value, &name.loc, what);
            return None;
        };
        if !want.fits(&fields[ix].ty) {
            let ty = ty_name(self.r, &fields[ix].ty, self.resources);
            self.r.diags.error_help(
                &name.loc,
                format!("{what} is `{holder}.{}`, which is {ty}, not {}", name.value, want.name()),
                format!("name a field that holds {}", want.name()),
            );
            return None;
        }
        Some(ix)
    }

    /// `field` or `ref.field` read from a record of `source`.
    fn path(&mut self, source: ResourceId, p: &Located<String>, want: Want, what: &str) -> Option<Operand> {
        let res = &self.resources[source.0];
        let Some((head, tail)) = p.value.split_once('.') else {
            let field = self.field_of(&res.name, &res.fields, p, want, what)?;
            return Some(Operand { field, through: None });
        };
        let head = Located { value: head.to_string(), loc: p.loc.clone() };
        let Some(field) = res.fields.iter().position(|f| f.name == head.value) else {
            unknown_field(self.r, &res.name, &res.fields, &head.value, &p.loc, what);
            return None;
        };
        let TypeRef::Ref(rt) = &res.fields[field].ty else {
            let ty = ty_name(self.r, &res.fields[field].ty, self.resources);
            self.r.diags.error_help(
                &p.loc,
                format!("{what} reads `{}`, but `{}.{}` is {ty}, not a ref", p.value, res.name, head.value),
                "a dotted path goes through a ref field: `project.is_fixed_fee`",
            );
            return None;
        };
        let target = &self.resources[rt.target.0];
        let tail = Located { value: tail.to_string(), loc: p.loc.clone() };
        let through = self.field_of(&target.name, &target.fields, &tail, want, what)?;
        Some(Operand { field, through: Some(through) })
    }

    fn conditions(&mut self, source: ResourceId, raw: &[RawCondition]) -> Vec<Condition> {
        let mut out = Vec::new();
        for c in raw {
            match c {
                RawCondition::Is(p, truth) => {
                    if let Some(path) = self.path(source, p, Want::Boolean, "a condition") {
                        out.push(Condition::Is(path, *truth));
                    }
                }
                RawCondition::In { field, values, negated } => {
                    let Some(path) = self.path(source, field, Want::Text, "a condition") else { continue };
                    self.check_values(source, path, values);
                    let values = values.iter().map(|v| v.value.clone()).collect();
                    out.push(Condition::In { path, values, negated: *negated });
                }
            }
        }
        out
    }

    /// Values compared with an enum path must be values of that enum.
    fn check_values(&mut self, source: ResourceId, path: Operand, values: &[Located<String>]) {
        let res = &self.resources[source.0];
        let field = match (path.through, &res.fields[path.field].ty) {
            (Some(k), TypeRef::Ref(rt)) => &self.resources[rt.target.0].fields[k],
            _ => &res.fields[path.field],
        };
        let TypeRef::Enum(e) = field.ty else { return };
        let Some(def) = self.r.enums.get(e.0) else { return };
        let known: Vec<String> = def.values.iter().map(|v| v.wire.clone()).collect();
        let enum_name = def.name.clone();
        for v in values {
            if !known.contains(&v.value) {
                let help = match crate::diag::did_you_mean(&v.value, known.iter().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("one of: {}", known.join(", ")),
                };
                self.r.diags.error_help(&v.loc, format!("`{}` is not a value of enum `{enum_name}`", v.value), help);
            }
        }
    }

    fn exclusion(&mut self, source: ResourceId, e: &RawExclusion) -> Option<Exclusion> {
        self.query_param(&e.filter, QueryWant::Boolean)?;
        let when = self.path(source, &e.when, Want::Boolean, "`excluded_by`")?;
        Some(Exclusion { filter: e.filter.value.clone(), when })
    }
}

/// The type a query parameter a report reads must have.
#[derive(Clone, Copy)]
enum QueryWant {
    Date,
    Boolean,
}

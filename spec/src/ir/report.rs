//! How a report operation computes its rows (`report:` on a `kind: report`
//! operation): records of one or more source resources, grouped by the
//! record each points at, with sums, conditions and derived columns.

use super::*;

/// A report: rows keyed by (row record, currency), in row-id order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The resource whose records the rows describe (the target of every source's `row` ref).
    pub rows_of: ResourceId,
    /// Which row records appear.
    pub rows: ReportRows,
    /// Whether rows whose every sum is zero are left out.
    pub drop_empty: bool,
    /// Which source records count, by the day they describe.
    pub window: Option<Window>,
    /// Index in the row type of the column that holds the currency; rows are per currency.
    pub currency_column: Option<usize>,
    /// The records summed, per resource.
    pub sources: Vec<ReportSource>,
    /// Columns computed from the row record and the sums.
    pub columns: Vec<DerivedColumn>,
}

/// Which records of the row resource become rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportRows {
    /// Those at least one counted source record points at.
    Touched,
    /// Every record the operation's filters select, even with nothing summed.
    All,
}

/// Which source records a report counts: those whose `recorded_on` day lies
/// between the dates of two query parameters, inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The query parameter of the first day.
    pub from: String,
    /// The query parameter of the last day.
    pub to: String,
    /// The longest allowed span in days, and the 422 message beyond it.
    pub max: Option<(u32, String)>,
}

/// One resource whose records are summed into rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSource {
    /// The resource.
    pub resource: ResourceId,
    /// Index of its ref field to the row resource.
    pub row: usize,
    /// Index of its `recorded_on` field, when the report has a window or `current_month_when`.
    pub date: Option<usize>,
    /// Records for which this boolean path is true count only from the first day of the current month.
    pub current_month_when: Option<Operand>,
    /// Where its currency is read (`client.currency`).
    pub currency: Option<Operand>,
    /// Conditions every counted record meets.
    pub when: Vec<Condition>,
    /// Records the query can leave out of every sum.
    pub excluded_by: Option<Exclusion>,
    /// The sums it adds to.
    pub sums: Vec<Sum>,
}

/// One summed column of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sum {
    /// Index of the column in the row type.
    pub column: usize,
    /// What each record adds; every term whose conditions hold counts.
    pub terms: Vec<Term>,
}

/// What one record adds to a sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The product of these numeric paths.
    pub of: Vec<Operand>,
    /// Conditions the record meets for the term to count.
    pub when: Vec<Condition>,
    /// Records the query can leave out of this term.
    pub excluded_by: Option<Exclusion>,
}

/// A condition on a source record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The boolean path is true (`billable`), or with `false` is not true (`{not: is_billed}`).
    Is(Operand, bool),
    /// The string or enum path is (or, `negated`, is not) one of the values.
    In {
        /// The path.
        path: Operand,
        /// The values.
        values: Vec<String>,
        /// Whether the condition is `not_in`.
        negated: bool,
    },
}

/// `excluded_by: {include_fixed_fee: project.is_fixed_fee}`: when the boolean
/// query parameter is `false`, records for which the path is true do not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// The query parameter.
    pub filter: String,
    /// The boolean path.
    pub when: Operand,
}

/// A column computed once the sums are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DerivedColumn {
    /// The first of these numeric fields of the row record that has a value.
    FirstOf {
        /// Index of the column in the row type.
        column: usize,
        /// Indexes of the row resource's fields.
        fields: Vec<usize>,
    },
    /// One column less another; null when either is null.
    Minus {
        /// Index of the column in the row type.
        column: usize,
        /// Index of the column subtracted from.
        from: usize,
        /// Index of the column subtracted.
        less: usize,
    },
}

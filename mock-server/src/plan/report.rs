//! Where each column of a report row comes from, decided once at start-up.
//!
//! Columns the spec's `report:` names (the currency, sums, derived columns)
//! come from there; every other column is read from the row record by name:
//! `<row>_id` and `<row>_name` are the record's id and display name,
//! `<ref>_id` and `<ref>_name` those of the record a ref of it points at, and
//! any other name is the row record's field of that name (null when none).

use harvest_spec::Spec;
use harvest_spec::ir::{DerivedColumn, ID_FIELD, NAME_FIELD, Report, ResourceId, Schema};

use super::{FieldIx, ResInfo};

/// The source of one column of a report row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The row's currency.
    Currency,
    /// A sum or a derived column: the value computed for this column.
    Computed,
    /// The row record's id.
    RowId,
    /// The row record's display name.
    RowName,
    /// The id a ref field of the row record holds.
    RefId(FieldIx),
    /// The display name of the record a ref field of the row record points at.
    RefName(FieldIx, ResourceId),
    /// A field of the row record.
    Field(FieldIx),
    /// Nothing to read: null.
    Null,
}

/// The columns of `report`'s row type, in order.
pub fn columns(spec: &Spec, res: &[ResInfo], report: &Report, schema: Schema) -> Vec<Column> {
    let row = &res[report.rows_of.0];
    let own = &spec.resource(report.rows_of).name;
    let computed = |ix: usize| {
        report.sources.iter().flat_map(|s| &s.sums).any(|s| s.column == ix)
            || report.columns.iter().any(|c| match c {
                DerivedColumn::FirstOf { column, .. } | DerivedColumn::Minus { column, .. } => *column == ix,
            })
    };
    spec.fields_of(schema)
        .iter()
        .enumerate()
        .map(|(ix, f)| {
            if report.currency_column == Some(ix) {
                return Column::Currency;
            }
            if computed(ix) {
                return Column::Computed;
            }
            let name = f.name.as_str();
            let (prefix, suffix) = name.rsplit_once('_').unwrap_or((name, ""));
            let reference = row.ix(prefix).and_then(|fx| row.refs.iter().find(|rf| rf.ix == fx));
            match (suffix, reference) {
                (ID_FIELD, _) if prefix == own => Column::RowId,
                (NAME_FIELD, _) if prefix == own => Column::RowName,
                (ID_FIELD, Some(rf)) => Column::RefId(rf.ix),
                (NAME_FIELD, Some(rf)) => Column::RefName(rf.ix, rf.target),
                _ => row.ix(name).map_or(Column::Null, Column::Field),
            }
        })
        .collect()
}

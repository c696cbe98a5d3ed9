//! What the report contracts check: figures per group against sums of listed
//! records, and the names rows give the records they group.

use std::collections::BTreeMap;

use harvest_client::models::*;
use harvest_client::runtime::Record;
use rust_decimal::Decimal;

use super::support::{Error, Outcome, close};

/// A report row's group: the grouped record's id and the currency.
pub type Key = (i64, String);

/// Sums of `value` per key (records whose value is `None` do not count).
pub fn sums<T>(items: &[T], key: impl Fn(&T) -> Key, value: impl Fn(&T) -> Option<Decimal>) -> BTreeMap<Key, Decimal> {
    let mut out = BTreeMap::new();
    for it in items {
        let entry = out.entry(key(it)).or_insert(Decimal::ZERO);
        if let Some(v) = value(it) {
            *entry += v;
        }
    }
    out
}

/// The report's figures per group against ours: the same groups, each equal to the cent.
pub fn same_sums(what: &str, report: &BTreeMap<Key, Decimal>, ours: &BTreeMap<Key, Decimal>) -> Outcome {
    ensure_eq!(report.keys().collect::<Vec<_>>(), ours.keys().collect::<Vec<_>>(), "{what}: groups");
    for ((k, theirs), mine) in report.iter().zip(ours.values()) {
        ensure!(close(*theirs, *mine), "{what} of {k:?}: report {theirs}, listed records {mine}");
    }
    Ok(())
}

pub fn by_id<T: Record>(records: Vec<T>) -> BTreeMap<i64, T> {
    records.into_iter().map(|r| (r.id(), r)).collect()
}

pub fn name_of(records: &BTreeMap<i64, impl Named>, id: i64) -> Result<String, Error> {
    records.get(&id).map(Named::display).ok_or_else(|| format!("a row names record {id}, which is not listed").into())
}

/// How a report names a record.
pub trait Named {
    fn display(&self) -> String;
}

impl Named for Client {
    fn display(&self) -> String {
        self.name.clone()
    }
}
impl Named for Project {
    fn display(&self) -> String {
        self.name.clone()
    }
}
impl Named for Task {
    fn display(&self) -> String {
        self.name.clone()
    }
}
impl Named for ExpenseCategory {
    fn display(&self) -> String {
        self.name.clone()
    }
}
impl Named for User {
    fn display(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// Checks a time report's rows: `key` of each row and of each entry, its total and billable hours.
pub fn time_sums<R>(
    rows: &[R],
    entries: &[TimeEntry],
    row: impl Fn(&R) -> (Key, Decimal, Decimal),
    entry: impl Fn(&TimeEntry) -> Key,
) -> Outcome {
    let total = sums(rows, |r| row(r).0, |r| Some(row(r).1));
    ensure_eq!(total.len(), rows.len(), "one row per group and currency");
    for r in rows {
        let (k, t, b) = row(r);
        ensure!(b <= t, "{k:?}: billable hours {b} exceed total hours {t}");
    }
    same_sums("total_hours", &total, &sums(entries, &entry, |e| Some(e.hours)))?;
    same_sums(
        "billable_hours",
        &sums(rows, |r| row(r).0, |r| Some(row(r).2)),
        &sums(entries, &entry, |e| e.billable.then_some(e.hours)),
    )
}

/// Checks an expense report's rows: total and billable amounts per group.
pub fn expense_sums<R>(
    rows: &[R],
    listed: &[Expense],
    row: impl Fn(&R) -> (Key, Decimal, Decimal),
    expense: impl Fn(&Expense) -> Key,
) -> Outcome {
    let total = sums(rows, |r| row(r).0, |r| Some(row(r).1));
    ensure_eq!(total.len(), rows.len(), "one row per group and currency");
    same_sums("total_amount", &total, &sums(listed, &expense, |e| Some(e.total_cost)))?;
    same_sums(
        "billable_amount",
        &sums(rows, |r| row(r).0, |r| Some(row(r).2)),
        &sums(listed, &expense, |e| e.billable.then_some(e.total_cost)),
    )
}

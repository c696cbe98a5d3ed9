//! Search semantics as properties over random records and random filter trees.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

mod common;

use common::schema;
use harvest_search::{Rec, Source, parse_request, search};
use proptest::prelude::*;
use serde_json::{Value, json};

const NOTES: &[&str] =
    &["Design review", "design meeting", "Client call", "bug fixing", "Review of designs", "", "call with team"];

fn record() -> impl Strategy<Value = (u8, u8, bool, u8, u8, Option<u8>)> {
    (0u8..16, 0u8..7, any::<bool>(), 1u8..28, 1u8..5, prop::option::of(0u8..4))
}

fn records() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(record(), 0..60).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (h, n, billed, day, client, missing_notes))| {
                let notes = if missing_notes == Some(0) { Value::Null } else { json!(NOTES[n as usize]) };
                json!({
                    "id": i as i64 + 1,
                    "hours": f64::from(h) / 4.0,
                    "notes": notes,
                    "is_billed": billed,
                    "spent_date": format!("2026-03-{day:02}"),
                    "client": {"id": client, "name": format!("Client {client}")},
                })
            })
            .collect()
    })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0u8..16).prop_map(|h| json!({"gte": {"hours": f64::from(h) / 4.0}})),
        (0u8..16).prop_map(|h| json!({"lt": {"hours": f64::from(h) / 4.0}})),
        any::<bool>().prop_map(|b| json!({"eq": {"is_billed": b}})),
        (1u8..5).prop_map(|c| json!({"eq": {"client.id": c}})),
        (1u8..5).prop_map(|c| json!({"neq": {"client.id": c}})),
        prop::collection::vec(1u8..5, 0..3).prop_map(|cs| json!({"in": {"client.id": cs}})),
        (1u8..28).prop_map(|d| json!({"lte": {"spent_date": format!("2026-03-{d:02}")}})),
        prop::sample::select(vec!["%review%", "design%", "_lient call", "%"])
            .prop_map(|p| json!({"like": {"notes": p}})),
        prop::sample::select(vec!["desgin", "review", "call team"]).prop_map(|w| json!({"fuzzy": {"notes": w}})),
        prop::sample::select(vec!["review", "call", "bug"]).prop_map(|w| json!({"keyword": {"notes": w}})),
    ]
}

fn filter() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|f| json!({"not": f})),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|fs| json!({"and": fs})),
            prop::collection::vec(inner, 0..3).prop_map(|fs| json!({"or": fs})),
        ]
    })
}

/// The ids a filter selects, unpaged.
fn ids(records: &[Value], filter: &Value) -> BTreeSet<i64> {
    let request = parse_request(&json!({"query": {"filter": filter}, "limit": 10_000}), &schema())
        .unwrap_or_else(|e| panic!("{e}"));
    let (page, _) = search(&request, &schema(), &records).unwrap_or_else(|e| panic!("{e}"));
    assert!(!page.has_more);
    page.data.iter().filter_map(|r| r["id"].as_i64()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn or_with_its_negation_is_everything(records in records(), f in filter()) {
        let all: BTreeSet<i64> = records.iter().filter_map(|r| r["id"].as_i64()).collect();
        prop_assert_eq!(ids(&records, &json!({"or": [f.clone(), {"not": f}]})), all);
    }

    #[test]
    fn and_is_a_subset_and_intersection(records in records(), f in filter(), g in filter()) {
        let both = ids(&records, &json!({"and": [f.clone(), g.clone()]}));
        let (fs, gs) = (ids(&records, &f), ids(&records, &g));
        prop_assert!(both.is_subset(&fs));
        prop_assert_eq!(both, fs.intersection(&gs).copied().collect::<BTreeSet<_>>());
        let either = ids(&records, &json!({"or": [f, g]}));
        prop_assert_eq!(either, fs.union(&gs).copied().collect::<BTreeSet<_>>());
    }

    #[test]
    fn not_is_the_complement(records in records(), f in filter()) {
        let all: BTreeSet<i64> = records.iter().filter_map(|r| r["id"].as_i64()).collect();
        let yes = ids(&records, &f);
        let no = ids(&records, &json!({"not": f}));
        prop_assert!(yes.is_disjoint(&no));
        prop_assert_eq!(yes.union(&no).copied().collect::<BTreeSet<_>>(), all);
    }

    #[test]
    fn cursor_walk_equals_the_unpaged_result_in_order(
        records in records(),
        f in filter(),
        limit in 1usize..7,
        desc in any::<bool>(),
        field in prop::sample::select(vec!["hours", "spent_date", "notes", "client.id"]),
    ) {
        let dir = if desc { "desc" } else { "asc" };
        let query = json!({"filter": f, "sort": [{field: dir}]});
        let all_req = parse_request(&json!({"query": query, "limit": 10_000}), &schema()).unwrap_or_else(|e| panic!("{e}"));
        let (all, _) = search(&all_req, &schema(), &records.as_slice()).unwrap_or_else(|e| panic!("{e}"));
        // Sort order holds: the key never goes the wrong way (nulls last, ascending).
        let keys: Vec<Value> = all.data.iter().map(|r| field.split('.').try_fold(r, |v, p| v.get(p)).cloned().unwrap_or(Value::Null)).collect();
        for pair in keys.windows(2) {
            let ord = match (pair[0].is_null(), pair[1].is_null()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Greater,
                (false, true) => std::cmp::Ordering::Less,
                _ => harvest_search::eval::compare(&pair[0], &pair[1]).unwrap_or(std::cmp::Ordering::Equal),
            };
            let ord = if desc { ord.reverse() } else { ord };
            prop_assert_ne!(ord, std::cmp::Ordering::Greater, "sort order broken: {:?}", pair);
        }
        let mut walked = Vec::new();
        let mut cursor = Value::Null;
        for _ in 0..=records.len() + 1 {
            let req = parse_request(&json!({"query": query, "limit": limit, "cursor": cursor}), &schema()).unwrap_or_else(|e| panic!("{e}"));
            let (page, _) = search(&req, &schema(), &records.as_slice()).unwrap_or_else(|e| panic!("{e}"));
            prop_assert!(page.data.len() <= limit);
            walked.extend(page.data);
            match page.cursor {
                Some(c) => cursor = json!(c),
                None => break,
            }
        }
        prop_assert_eq!(walked, all.data);
    }

    #[test]
    fn cursor_stays_correct_while_records_change(records in records(), limit in 1usize..5, extra in 0usize..5) {
        // Records present throughout are each returned exactly once even if others are added mid-walk.
        let query = json!({"sort": [{"hours": "asc"}]});
        let mut live = records.clone();
        let mut seen: HashMap<i64, usize> = HashMap::new();
        let mut cursor = Value::Null;
        for step in 0..=records.len() + extra + 1 {
            let req = parse_request(&json!({"query": query, "limit": limit, "cursor": cursor}), &schema()).unwrap_or_else(|e| panic!("{e}"));
            let (page, _) = search(&req, &schema(), &live.as_slice()).unwrap_or_else(|e| panic!("{e}"));
            for r in &page.data {
                *seen.entry(r["id"].as_i64().unwrap_or(-1)).or_default() += 1;
            }
            if step < extra {
                let id = 1000 + step as i64;
                live.push(json!({"id": id, "hours": 1.0, "notes": "new", "is_billed": false, "spent_date": "2026-03-02", "client": {"id": 1, "name": "Client 1"}}));
            }
            match page.cursor {
                Some(c) => cursor = json!(c),
                None => break,
            }
        }
        for r in &records {
            let id = r["id"].as_i64().unwrap_or(-1);
            prop_assert_eq!(seen.get(&id).copied(), Some(1), "record {} seen {:?} times", id, seen.get(&id));
        }
        prop_assert!(seen.values().all(|n| *n == 1));
    }
}

/// A source with an index on `client.id`, counting what it hands out.
struct Indexed {
    records: Vec<Value>,
    by_client: HashMap<i64, Vec<usize>>,
}

impl Source for Indexed {
    fn scan(&self) -> Box<dyn Iterator<Item = Rec<'_>> + '_> {
        Box::new(self.records.iter().map(Cow::Borrowed))
    }

    fn lookup_eq(&self, path: &str, value: &Value) -> Option<Vec<Rec<'_>>> {
        if path != "client.id" {
            return None;
        }
        let rows = self.by_client.get(&value.as_i64()?).map(Vec::as_slice).unwrap_or(&[]);
        Some(rows.iter().map(|i| Cow::Borrowed(&self.records[*i])).collect())
    }
}

#[test]
fn indexed_equality_filters_do_not_scan_every_record() {
    let records: Vec<Value> =
        (0..10_000).map(|i| json!({"id": i, "hours": 1.0, "client": {"id": i % 100, "name": "c"}})).collect();
    let mut by_client: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        by_client.entry(r["client"]["id"].as_i64().unwrap_or(-1)).or_default().push(i);
    }
    let source = Indexed { records, by_client };
    let req = parse_request(
        &json!({"query": {"filter": {"and": [{"eq": {"client.id": 7}}, {"gte": {"hours": 0.5}}]}}}),
        &schema(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (page, _) = search(&req, &schema(), &source).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.data.len(), 100);
    assert_eq!(page.examined, 100, "only the indexed candidates are examined");
    let scan = parse_request(&json!({"query": {"filter": {"gte": {"hours": 0.5}}}, "limit": 1}), &schema())
        .unwrap_or_else(|e| panic!("{e}"));
    let (page, _) = search(&scan, &schema(), &source).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.examined, 10_000, "a range filter has no index and scans");
}

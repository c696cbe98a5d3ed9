//! A selective search over 1,000,000 time entries: answered through an index on
//! `project.id` versus the same request over a source without indexes (a full
//! scan), measured in the same run. Run with `cargo bench -p harvest-search`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use harvest_search::{FieldType, Rec, Schema, Source, parse_request, search};
use serde_json::{Value, json};

const RECORDS: usize = 1_000_000;
const PROJECTS: i64 = 2_000;

struct Entries {
    records: Vec<Value>,
    by_project: Option<HashMap<i64, Vec<usize>>>,
}

impl Source for Entries {
    fn scan(&self) -> Box<dyn Iterator<Item = Rec<'_>> + '_> {
        Box::new(self.records.iter().map(Cow::Borrowed))
    }

    fn lookup_eq(&self, path: &str, value: &Value) -> Option<Vec<Rec<'_>>> {
        let index = self.by_project.as_ref().filter(|_| path == "project.id")?;
        let rows = index.get(&value.as_i64()?).map(Vec::as_slice).unwrap_or(&[]);
        Some(rows.iter().map(|i| Cow::Borrowed(&self.records[*i])).collect())
    }
}

fn schema() -> Schema {
    let project = BTreeMap::from([("id".to_string(), FieldType::Integer)]);
    Schema {
        entity: "time_entries".into(),
        fields: BTreeMap::from([
            ("id".to_string(), FieldType::Integer),
            ("hours".to_string(), FieldType::Number),
            ("is_billed".to_string(), FieldType::Boolean),
            ("spent_date".to_string(), FieldType::Date),
            ("project".to_string(), FieldType::Object(project)),
        ]),
    }
}

fn entries() -> Vec<Value> {
    (0..RECORDS as i64)
        .map(|i| {
            json!({
                "id": i + 1,
                "hours": f64::from((i % 32) as i32) / 4.0,
                "is_billed": i % 3 == 0,
                "spent_date": format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                "project": {"id": (i * 7919) % PROJECTS},
            })
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let records = entries();
    let mut index: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        index.entry(r["project"]["id"].as_i64().unwrap_or(-1)).or_default().push(i);
    }
    let indexed = Entries { records, by_project: Some(index) };
    let request = parse_request(
        &json!({"query": {"filter": {"and": [{"eq": {"project.id": 42}}, {"gte": {"hours": 1.0}}]}, "sort": [{"spent_date": "desc"}]}, "limit": 100}),
        &schema(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("search 1M time entries, project.id = 42 and hours >= 1");
    group.sample_size(10);
    group.bench_function("indexed", |b| b.iter(|| black_box(search(&request, &schema(), &indexed))));
    let scan = Entries { records: indexed.records, by_project: None };
    group.bench_function("full scan (baseline)", |b| b.iter(|| black_box(search(&request, &schema(), &scan))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

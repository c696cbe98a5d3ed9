//! Each operator's edge cases, and every kind of refused request.

mod common;

use common::schema;
use harvest_search::{FieldType, Schema, parse_request, search};
use serde_json::{Value, json};

fn data() -> Vec<Value> {
    vec![
        json!({"id": 1, "hours": 2, "notes": "Design review", "is_billed": true, "spent_date": "2026-03-01", "created_at": "2026-03-01T09:00:00Z", "client": {"id": 10, "name": "Acme"}}),
        json!({"id": 2, "hours": 2.5, "notes": "100% done", "is_billed": false, "spent_date": "2026-03-02", "created_at": "2026-03-02T09:00:00Z", "client": {"id": 11, "name": "Globex"}}),
        json!({"id": 3, "hours": 0.25, "notes": null, "is_billed": false, "spent_date": "2026-03-03", "created_at": "2026-03-03T09:00:00Z", "client": {"id": 10, "name": "Acme"}}),
    ]
}

fn hits(filter: Value) -> Vec<i64> {
    let req = parse_request(&json!({"query": {"filter": filter}}), &schema()).unwrap_or_else(|e| panic!("{e}"));
    let (page, _) = search(&req, &schema(), &data().as_slice()).unwrap_or_else(|e| panic!("{e}"));
    page.data.iter().filter_map(|r| r["id"].as_i64()).collect()
}

fn refused(body: Value) -> String {
    match parse_request(&body, &schema()) {
        Ok(req) => panic!("accepted {body}: {req:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn comparisons_treat_integers_and_decimals_alike() {
    assert_eq!(hits(json!({"eq": {"hours": 2.0}})), vec![1]);
    assert_eq!(hits(json!({"gt": {"hours": 2}})), vec![2]);
    assert_eq!(hits(json!({"lte": {"hours": 2}})), vec![1, 3]);
    assert_eq!(hits(json!({"lt": {"spent_date": "2026-03-02"}})), vec![1]);
    assert_eq!(hits(json!({"gte": {"created_at": "2026-03-02"}})), vec![2, 3]);
}

#[test]
fn null_and_missing_values() {
    assert_eq!(hits(json!({"eq": {"notes": null}})), vec![3]);
    assert_eq!(hits(json!({"neq": {"notes": null}})), vec![1, 2]);
    assert_eq!(
        hits(json!({"neq": {"notes": "Design review"}})),
        vec![2, 3],
        "neq is the complement of eq, nulls included"
    );
    assert_eq!(hits(json!({"like": {"notes": "%"}})), vec![1, 2], "a null is no text");
}

#[test]
fn nested_paths_objects_and_in() {
    assert_eq!(hits(json!({"eq": {"client.id": 10}})), vec![1, 3]);
    assert_eq!(hits(json!({"eq": {"client": {"name": "Globex"}}})), vec![2], "object equality compares the given keys");
    assert_eq!(hits(json!({"in": {"client.id": [11, 99]}})), vec![2]);
    assert_eq!(hits(json!({"in": {"client.id": []}})), Vec::<i64>::new());
    assert_eq!(
        hits(json!({"eq": {"client.id": 10, "is_billed": false}})),
        vec![3],
        "several fields in one operator all apply"
    );
}

#[test]
fn text_operators() {
    assert_eq!(hits(json!({"like": {"notes": "design%"}})), vec![1]);
    assert_eq!(hits(json!({"like": {"notes": "100\\%%"}})), vec![2], "backslash escapes a wildcard");
    assert_eq!(hits(json!({"like": {"client.name": "_cme"}})), vec![1, 3]);
    assert_eq!(hits(json!({"fuzzy": {"notes": "desing reveiw"}})), vec![1], "typos are tolerated");
    assert_eq!(hits(json!({"fuzzy": {"notes": "review design"}})), Vec::<i64>::new(), "word order matters");
    assert_eq!(hits(json!({"keyword": {"notes": "DONE"}})), vec![2]);
    assert_eq!(hits(json!({"keyword": {"notes": "don"}})), Vec::<i64>::new(), "whole words only");
}

#[test]
fn logic_operators_and_empty_lists() {
    assert_eq!(hits(json!({"and": []})), vec![1, 2, 3]);
    assert_eq!(hits(json!({"or": []})), Vec::<i64>::new());
    assert_eq!(hits(json!({"not": {"eq": {"is_billed": true}}})), vec![2, 3]);
    assert_eq!(hits(json!({"or": [{"eq": {"id": 1}}, {"eq": {"id": 3}}]})), vec![1, 3]);
}

#[test]
fn sorting_limit_and_projection() {
    let body = json!({"query": {"sort": [{"client.id": "desc"}, {"hours": "asc"}]}, "limit": 2, "fields": ["id", "client.name"]});
    let req = parse_request(&body, &schema()).unwrap_or_else(|e| panic!("{e}"));
    let (page, _) = search(&req, &schema(), &data().as_slice()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        page.data,
        vec![json!({"id": 2, "client": {"name": "Globex"}}), json!({"id": 3, "client": {"name": "Acme"}})]
    );
    assert!(page.has_more);
    let body = page.to_json(2);
    assert_eq!(body["meta"]["has_more"], json!(true));
    assert!(body["meta"]["cursor"].is_string());
    assert_eq!(body["meta"]["took_ms"], json!(2), "whole milliseconds");
    // The connector's typed methods send key lists; both forms select the same fields.
    let as_keys = json!({"query": {"sort": [{"client.id": "desc"}, {"hours": "asc"}]}, "limit": 2, "fields": [["id"], ["client", "name"]]});
    let req = parse_request(&as_keys, &schema()).unwrap_or_else(|e| panic!("{e}"));
    let (by_keys, _) = search(&req, &schema(), &data().as_slice()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(by_keys.data, page.data);
}

#[test]
fn refused_requests_name_the_problem_and_its_path() {
    let cases = [
        (
            json!({"query": {"filter": {"eq": {"colour": "red"}}}}),
            "query.filter.eq.colour: `colour` is not a searchable field",
        ),
        (
            json!({"query": {"filter": {"and": [{"eq": {"id": 1}}, {"between": {"id": 1}}]}}}),
            "query.filter.and[1].between: unknown operator `between`",
        ),
        (json!({"query": {"filter": {"eq": {"id": "one"}}}}), "query.filter.eq.id: expected an integer"),
        (
            json!({"query": {"filter": {"gt": {"is_billed": true}}}}),
            "query.filter.gt.is_billed: cannot order `is_billed`",
        ),
        (
            json!({"query": {"filter": {"like": {"hours": "1%"}}}}),
            "query.filter.like.hours: `like` applies to text fields",
        ),
        (
            json!({"query": {"filter": {"eq": {"id": 1}, "neq": {"id": 2}}}}),
            "query.filter: a condition has exactly one operator",
        ),
        (json!({"query": {"filter": {"and": {"eq": {"id": 1}}}}}), "query.filter.and: must be a list of conditions"),
        (
            json!({"query": {"filter": {"eq": {"spent_date": "March 1"}}}}),
            "query.filter.eq.spent_date: expected a date (YYYY-MM-DD)",
        ),
        (
            json!({"query": {"filter": {"eq": {"client.colour": 1}}}}),
            "query.filter.eq.client.colour: `client.colour`: `colour` is not a field",
        ),
        (
            json!({"query": {"sort": [{"hours": "up"}]}}),
            "query.sort[0]: direction of `hours` must be \"asc\" or \"desc\"",
        ),
        (json!({"query": {"sort": [{"client": "asc"}]}}), "query.sort[0]: cannot sort on `client`"),
        (json!({"limit": 0}), "limit: must be a whole number from 1 to"),
        (json!({"fields": ["id", "nope"]}), "fields[1]: `nope` is not a searchable field"),
        (json!({"fields": [["client", "nope"]]}), "fields[0]: `client.nope`: `nope` is not a field of this object"),
        (json!({"fields": [[1]]}), "fields[0]: a list of keys holds one or more strings"),
        (json!({"fields": [true]}), "fields[0]: must be a dotted field path or a list of keys, found a boolean"),
        (
            json!({"query": {"filter": {"fuzzy": {"notes": "  "}}}}),
            "query.filter.fuzzy.notes: `fuzzy` needs at least one word",
        ),
        (json!({"sort": []}), "sort: unknown key"),
        (json!([1]), "body: must be a JSON object"),
    ];
    for (body, expected) in cases {
        let message = refused(body);
        assert!(message.starts_with(expected), "got `{message}`, expected it to start with `{expected}`");
    }
}

#[test]
fn cursors_from_another_query_or_garbage_are_refused() {
    let first = parse_request(&json!({"query": {"sort": [{"hours": "asc"}]}, "limit": 1}), &schema())
        .unwrap_or_else(|e| panic!("{e}"));
    let (page, _) = search(&first, &schema(), &data().as_slice()).unwrap_or_else(|e| panic!("{e}"));
    let cursor = page.cursor.unwrap_or_default();
    let other = parse_request(&json!({"query": {"sort": [{"id": "asc"}]}, "cursor": cursor}), &schema())
        .unwrap_or_else(|e| panic!("{e}"));
    let err = search(&other, &schema(), &data().as_slice()).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.starts_with("cursor: the cursor belongs to a different"), "{err}");
    let garbage = parse_request(&json!({"cursor": "!!!"}), &schema()).unwrap_or_else(|e| panic!("{e}"));
    let err = search(&garbage, &schema(), &data().as_slice()).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.starts_with("cursor: not a cursor"), "{err}");
}

#[test]
fn harvest_spec_yields_a_schema_for_each_of_the_18_seed_entities() {
    let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    let all = Schema::all_from_spec(&spec);
    assert_eq!(all.len(), 18);
    let (_, te) = &all["time_entries"];
    assert_eq!(te.resolve("client.id"), Ok(&FieldType::Integer));
    assert_eq!(te.resolve("spent_date"), Ok(&FieldType::Date));
}

/// Records with a list of text (`tags`) and a list of objects (`items`).
fn listed() -> (Schema, Vec<Value>) {
    let item = std::collections::BTreeMap::from([("amount".to_string(), FieldType::Number)]);
    let schema = Schema {
        entity: "invoices".into(),
        fields: std::collections::BTreeMap::from([
            ("id".to_string(), FieldType::Integer),
            ("tags".to_string(), FieldType::Array(Box::new(FieldType::Text))),
            ("items".to_string(), FieldType::Array(Box::new(FieldType::Object(item)))),
        ]),
    };
    let data = vec![
        json!({"id": 1, "tags": ["manager", "admin"], "items": [{"amount": 50}, {"amount": 150}]}),
        json!({"id": 2, "tags": ["member"], "items": [{"amount": 20}]}),
        json!({"id": 3, "tags": [], "items": []}),
    ];
    (schema, data)
}

fn list_hits(filter: Value) -> Result<Vec<i64>, String> {
    let (schema, data) = listed();
    let req = parse_request(&json!({"query": {"filter": filter}}), &schema).map_err(|e| e.to_string())?;
    let (page, _) = search(&req, &schema, &data.as_slice()).map_err(|e| e.to_string())?;
    Ok(page.data.iter().filter_map(|r| r["id"].as_i64()).collect())
}

#[test]
fn contains_and_any_look_inside_list_fields() {
    assert_eq!(list_hits(json!({"contains": {"tags": "admin"}})), Ok(vec![1]));
    assert_eq!(list_hits(json!({"not": {"contains": {"tags": "admin"}}})), Ok(vec![2, 3]));
    assert_eq!(list_hits(json!({"any": {"items": {"gt": {"amount": 100}}}})), Ok(vec![1]));
    assert_eq!(list_hits(json!({"any": {"items": {"lte": {"amount": 50}}}})), Ok(vec![1, 2]));
    assert_eq!(
        list_hits(json!({"any": {"tags": {"like": "mem%"}}})),
        Ok(vec![2]),
        "a scalar element is compared itself"
    );
    assert_eq!(list_hits(json!({"any": {"tags": {"or": [{"eq": "admin"}, {"eq": "member"}]}}})), Ok(vec![1, 2]));
    assert_eq!(list_hits(json!({"any": {"tags": {"in": ["x", "manager"]}}})), Ok(vec![1]));
    let refusals = [
        (
            json!({"contains": {"id": 1}}),
            "query.filter.contains.id: `contains` applies to list fields; `id` is an integer",
        ),
        (json!({"contains": {"tags": 5}}), "query.filter.contains.tags: expected text"),
        (
            json!({"any": {"items": {"gt": {"price": 1}}}}),
            "query.filter.any.items.gt.price: `price` is not a searchable field of invoices.items[]",
        ),
        (json!({"any": {"tags": {"gt": 3}}}), "query.filter.any.tags.gt: expected text"),
        (json!({"contains": "admin"}), "query.filter.contains: must map list fields to the element looked for"),
    ];
    for (filter, want) in refusals {
        let got = match list_hits(filter.clone()) {
            Ok(ids) => panic!("{filter} was accepted: {ids:?}"),
            Err(e) => e,
        };
        assert!(got.starts_with(want), "{filter}: got `{got}`, expected it to start with `{want}`");
    }
}

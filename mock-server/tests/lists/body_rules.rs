//! Rules on request bodies the document states with `required`, `anyOf`, `minItems` and
//! `exclusiveMinimum` (TESTING.md, "What the OpenAPI document and the mock agree on"):
//! value objects carry their required fields, a line item is named by id or complete,
//! a required list is not empty.

use serde_json::{Value, json};

use harvest_mock::AppState;

use super::common::*;

fn message(r: &Resp) -> String {
    r.json()["message"].as_str().unwrap_or_default().to_string()
}

async fn refused(s: &AppState, method: &str, path: &str, body: Value, expected: &str) {
    let r = call(s, method, path, Some(&body)).await;
    assert_eq!((r.status.as_u16(), message(&r)), (422, expected.to_string()), "{method} {path} {body}");
}

#[tokio::test]
async fn value_objects_carry_their_required_fields_and_lists_are_not_empty() {
    let s = state();
    let entry = s.ids("time_entry")[0];
    let path = format!("/v2/time_entries/{entry}");
    // Sent again on update, the object needs its id, even where the entry holds one.
    let ok = call(&s, "PATCH", &path, Some(&json!({"external_reference": {"id": "1", "permalink": "https://x.test"}})))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    refused(
        &s,
        "PATCH",
        &path,
        json!({"external_reference": {"group_id": "g"}}),
        "External reference id can't be blank",
    )
    .await;
    refused(&s, "PATCH", &path, json!({"external_reference": {"id": " "}}), "External reference id can't be blank")
        .await;
    let client = s.ids("client")[0];
    let project = s.ids("project")[0];
    let import = |imp: Value| json!({"client_id": client, "line_items_import": imp});
    refused(
        &s,
        "POST",
        "/v2/invoices",
        import(json!({"project_ids": []})),
        "Line items import project ids can't be blank",
    )
    .await;
    refused(
        &s,
        "POST",
        "/v2/invoices",
        import(json!({"project_ids": [project], "time": {"summary_type": "bogus"}})),
        "Line items import time summary type is invalid",
    )
    .await;
}

#[tokio::test]
async fn a_line_item_is_named_by_id_or_complete_and_destroy_is_a_boolean() {
    let s = state();
    let client = s.ids("client")[0];
    let items = |items: Value| json!({"client_id": client, "line_items": items});
    refused(
        &s,
        "POST",
        "/v2/invoices",
        items(json!([{"description": "no kind, no price"}])),
        "Line items kind can't be blank, Line items unit price can't be blank",
    )
    .await;
    refused(
        &s,
        "POST",
        "/v2/estimates",
        items(json!([{"kind": "", "unit_price": 1.0}])),
        "Line items kind can't be blank",
    )
    .await;
    let dropped = call(&s, "POST", "/v2/invoices", Some(&items(json!([{"_destroy": true}])))).await;
    assert_eq!((dropped.status.as_u16(), dropped.json()["line_items"].clone()), (201, json!([])), "{}", dropped.text);
    let id = dropped.json()["id"].clone();
    refused(&s, "PATCH", &format!("/v2/invoices/{id}"), items(json!([{"_destroy": {}}])), "Line items is invalid")
        .await;
}

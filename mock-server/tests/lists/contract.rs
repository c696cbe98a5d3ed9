//! Where the OpenAPI document and the mock must agree (TESTING.md, "What the OpenAPI
//! document and the mock agree on"): typed filters, repeated and empty parameters, paging
//! bounds, cursors, text fields and request bodies. Each refusal changes nothing.

use harvest_spec::ir::{MAX_PAGE, encode_cursor};
use serde_json::json;

use super::common::*;

fn message(r: &Resp) -> String {
    r.json()["message"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn updated_since_takes_an_rfc3339_timestamp_and_refuses_a_plain_date() {
    let s = state();
    let r = call(&s, "GET", "/v2/clients?updated_since=2024-01-01", None).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(message(&r), "Updated since is invalid");
    for bad in ["2024-01-01T00:00:00", "yesterday", "2024-01-01T25:00:00Z"] {
        let r = call(&s, "GET", &format!("/v2/projects?updated_since={bad}"), None).await;
        assert_eq!(r.status, 422, "{bad}: {}", r.text);
    }
    for good in ["2024-01-01T00:00:00Z", "2024-01-01T02:00:00%2B02:00", ""] {
        let r = call(&s, "GET", &format!("/v2/clients?updated_since={good}"), None).await;
        assert_eq!(r.status, 200, "{good}: {}", r.text);
    }
}

#[tokio::test]
async fn an_empty_filter_is_no_filter_and_every_repeated_value_must_be_valid() {
    let s = state();
    let all = call(&s, "GET", "/v2/projects", None).await.json()["total_entries"].clone();
    let empty = call(&s, "GET", "/v2/projects?is_active=&client_id=", None).await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert_eq!(empty.json()["total_entries"], all);
    let r = call(&s, "GET", "/v2/projects?is_active=maybe&is_active=true", None).await;
    assert_eq!((r.status.as_u16(), message(&r)), (422, "Is active is invalid".to_string()));
    let r = call(&s, "GET", "/v2/time_entries?page=-3&page=1", None).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = call(&s, "GET", "/v2/time_entries?per_page=2&page=1&page=2", None).await;
    assert_eq!((r.status.as_u16(), r.json()["page"].clone()), (200, json!(2)));
}

#[tokio::test]
async fn pages_run_from_one_to_the_documented_maximum() {
    let s = state();
    let last = call(&s, "GET", &format!("/v2/time_entries?per_page=1&page={MAX_PAGE}"), None).await;
    assert_eq!(last.status, 200, "{}", last.text);
    assert_eq!(last.json()["time_entries"], json!([]));
    for bad in ["0".to_string(), (MAX_PAGE + 1).to_string(), "1.5".into()] {
        let r = call(&s, "GET", &format!("/v2/time_entries?page={bad}"), None).await;
        assert_eq!(r.status, 422, "page {bad}: {}", r.text);
        assert!(message(&r).starts_with("page must be"), "{}", r.text);
    }
}

#[tokio::test]
async fn cursors_are_the_documented_shape() {
    let s = state();
    let first = call(&s, "GET", "/v2/clients?per_page=2", None).await.json();
    let second_id = first["clients"][1]["id"].as_i64().expect("two clients");
    let next = call(&s, "GET", &format!("/v2/clients?per_page=2&cursor={}", encode_cursor(second_id)), None).await;
    assert_eq!(next.status, 200, "{}", next.text);
    assert!(next.json()["clients"][0]["id"].as_i64().is_some_and(|id| id != second_id));
    for bad in ["%C3%BC", "eyJhZnRlciI6eyJpZCI6MzAwN31", "True"] {
        let r = call(&s, "GET", &format!("/v2/clients?cursor={bad}"), None).await;
        assert_eq!((r.status.as_u16(), message(&r)), (422, "cursor is invalid".to_string()), "{bad}");
    }
}

#[tokio::test]
async fn text_fields_take_json_strings_that_are_not_blank() {
    let s = state();
    let before = call(&s, "GET", "/v2/clients", None).await.json()["total_entries"].clone();
    let r = call(&s, "POST", "/v2/clients", Some(&json!({"name": 0}))).await;
    assert_eq!((r.status.as_u16(), message(&r)), (422, "Name is invalid".to_string()));
    let r = call(&s, "POST", "/v2/clients", Some(&json!({"name": "\u{3000}\u{a0} "}))).await;
    assert_eq!((r.status.as_u16(), message(&r)), (422, "Name can't be blank".to_string()));
    assert_eq!(call(&s, "GET", "/v2/clients", None).await.json()["total_entries"], before);
    let r = call(&s, "POST", "/v2/clients", Some(&json!({"name": "\u{1c}"}))).await;
    assert_eq!(r.status, 201, "a control character is not whitespace: {}", r.text);
}

#[tokio::test]
async fn a_body_may_be_left_out_unless_a_field_is_required() {
    let s = state();
    let client = call(&s, "GET", "/v2/clients?per_page=1", None).await.json()["clients"][0].clone();
    let id = client["id"].as_i64().expect("a client");
    let r = call(&s, "PATCH", &format!("/v2/clients/{id}"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["name"], client["name"]);
    let r = call(&s, "POST", "/v2/clients", None).await;
    assert_eq!((r.status.as_u16(), message(&r)), (422, "Name can't be blank".to_string()));
}

#[tokio::test]
async fn parameters_a_behaviour_reads_are_checked_first() {
    let s = state();
    let invoice = call(&s, "GET", "/v2/invoices?per_page=1", None).await.json()["invoices"][0]["id"].clone();
    let r = call(&s, "GET", &format!("/v2/invoices/{invoice}/messages/new?thank_you=null"), None).await;
    assert_eq!((r.status.as_u16(), message(&r)), (422, "Thank you is invalid".to_string()));
    let r = call(&s, "GET", &format!("/v2/invoices/{invoice}/messages/new?thank_you=true"), None).await;
    assert_eq!((r.status.as_u16(), r.json()["thank_you"].clone()), (200, json!(true)));
}

#[tokio::test]
async fn json_bodies_carry_the_documented_types() {
    let s = state();
    let client = call(&s, "GET", "/v2/clients?per_page=1", None).await.json()["clients"][0]["id"].clone();
    let user = call(&s, "GET", "/v2/users?per_page=1", None).await.json()["users"][0]["id"].clone();
    let invoice = call(&s, "GET", "/v2/invoices?per_page=1", None).await.json()["invoices"][0].clone();
    let estimates = call(&s, "GET", "/v2/estimates", None).await.json()["total_entries"].clone();
    let cases = [
        ("POST", "/v2/clients".to_string(), json!({"name": "Typed", "is_active": 1}), "Is active is invalid"),
        ("PATCH", format!("/v2/users/{user}"), json!({"roles": "Designer"}), "Roles is invalid"),
        ("POST", "/v2/estimates".to_string(), json!({"client_id": client, "line_items": {}}), "Line items is invalid"),
        (
            "POST",
            "/v2/estimates".to_string(),
            json!({"client_id": client, "line_items": [{"id": null, "kind": "Service"}]}),
            "Line items is invalid",
        ),
    ];
    for (method, uri, body, expected) in cases {
        let r = call(&s, method, &uri, Some(&body)).await;
        assert_eq!((r.status.as_u16(), message(&r)), (422, expected.to_string()), "{method} {uri} {body}");
    }
    assert_eq!(call(&s, "GET", "/v2/estimates", None).await.json()["total_entries"], estimates);
    // A request-only input the behaviours read is typed too.
    let r = call(&s, "PATCH", &format!("/v2/invoices/{}", invoice["id"]), Some(&json!({"retainer_id": "soon"}))).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(message(&r).ends_with("is invalid"), "{}", r.text);
    let after = call(&s, "GET", &format!("/v2/invoices/{}", invoice["id"]), None).await.json();
    assert_eq!(after["updated_at"], invoice["updated_at"]);
}

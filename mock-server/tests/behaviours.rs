//! Special actions and reports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn timers_restart_and_stop() {
    let s = state();
    let id = s.ids("time_entry")[0];
    let before = call(&s, "GET", &format!("/v2/time_entries/{id}"), None).await.json();
    assert_eq!(before["is_running"], false);
    let r = call(&s, "PATCH", &format!("/v2/time_entries/{id}/restart"), None).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["is_running"], true);
    assert!(v["timer_started_at"].is_string());
    assert_eq!(call(&s, "PATCH", &format!("/v2/time_entries/{id}/restart"), None).await.status, 422);
    let running = call(&s, "GET", "/v2/time_entries?is_running=true", None).await.json();
    assert!(running["time_entries"].as_array().unwrap().iter().any(|e| e["id"] == id));
    let v = call(&s, "PATCH", &format!("/v2/time_entries/{id}/stop"), None).await.json();
    assert_eq!(v["is_running"], false);
    assert!(v["timer_started_at"].is_null());
    assert!(v["hours"].as_f64().unwrap() >= before["hours"].as_f64().unwrap());
    assert_eq!(call(&s, "PATCH", &format!("/v2/time_entries/{id}/stop"), None).await.status, 422);
}

#[tokio::test]
async fn external_reference_delete() {
    let s = state();
    let all = call(&s, "GET", "/v2/time_entries?per_page=2000", None).await.json();
    let e =
        all["time_entries"].as_array().unwrap().iter().find(|e| !e["external_reference"].is_null()).unwrap().clone();
    let r = call(&s, "DELETE", &format!("/v2/time_entries/{}/external_reference", e["id"]), None).await;
    assert_eq!(r.status, 200);
    let after = call(&s, "GET", &format!("/v2/time_entries/{}", e["id"]), None).await.json();
    assert!(after["external_reference"].is_null());
}

async fn new_invoice(s: &harvest_mock::AppState) -> i64 {
    let client = s.ids("client")[0];
    let r = call(
        s,
        "POST",
        "/v2/invoices",
        Some(&json!({"client_id": client, "line_items": [{"kind": "Service", "unit_price": 100.0}]})),
    )
    .await;
    r.json()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn invoice_messages_move_the_state() {
    let s = state();
    let id = new_invoice(&s).await;
    let state_of = |v: Value| v["state"].as_str().unwrap().to_string();
    let msg = call(&s, "POST", &format!("/v2/invoices/{id}/messages"), Some(&json!({"event_type": "send"}))).await;
    assert_eq!(msg.status, 201, "{}", msg.text);
    let m = msg.json();
    assert_eq!(
        (m["event_type"].clone(), m["recipients"].clone(), m["subject"].clone()),
        (json!("send"), json!([]), Value::Null)
    );
    assert_eq!(state_of(call(&s, "GET", &format!("/v2/invoices/{id}"), None).await.json()), "open");
    call(&s, "POST", &format!("/v2/invoices/{id}/messages"), Some(&json!({"event_type": "close"}))).await;
    assert_eq!(state_of(call(&s, "GET", &format!("/v2/invoices/{id}"), None).await.json()), "closed");
    call(&s, "POST", &format!("/v2/invoices/{id}/messages"), Some(&json!({"event_type": "re-open"}))).await;
    assert_eq!(state_of(call(&s, "GET", &format!("/v2/invoices/{id}"), None).await.json()), "open");
    call(&s, "POST", &format!("/v2/invoices/{id}/messages"), Some(&json!({"event_type": "draft"}))).await;
    assert_eq!(state_of(call(&s, "GET", &format!("/v2/invoices/{id}"), None).await.json()), "draft");
    let bad = call(
        &s,
        "POST",
        &format!("/v2/invoices/{id}/messages"),
        Some(&json!({"event_type": "close", "recipients": []})),
    )
    .await;
    assert_eq!(bad.status, 201);
    let none = call(&s, "POST", &format!("/v2/invoices/{id}/messages"), Some(&json!({"subject": "hi"}))).await;
    assert_eq!(none.text, r#"{"message":"Recipients can't be blank"}"#);
    let sent = call(&s, "POST", &format!("/v2/invoices/{id}/messages"), Some(&json!({"event_type": "re-open"}))).await;
    assert_eq!(sent.status, 201);
    let mail = call(
        &s,
        "POST",
        &format!("/v2/invoices/{id}/messages"),
        Some(&json!({"recipients": [{"name": "A", "email": "a@example.com"}], "subject": "Invoice"})),
    )
    .await;
    assert_eq!(mail.status, 201, "{}", mail.text);
    assert_eq!(mail.json()["recipients"], json!([{"name": "A", "email": "a@example.com"}]));
    let list = call(&s, "GET", &format!("/v2/invoices/{id}/messages"), None).await.json();
    assert!(list["invoice_messages"].as_array().unwrap().len() >= 5);
    let tpl = call(&s, "GET", &format!("/v2/invoices/{id}/messages/new?thank_you=true"), None).await.json();
    assert_eq!(tpl["thank_you"], true);
    assert_eq!(tpl["invoice_id"], id);
}

#[tokio::test]
async fn estimate_messages_move_the_state() {
    let s = state();
    let client = s.ids("client")[0];
    let e = call(&s, "POST", "/v2/estimates", Some(&json!({"client_id": client}))).await.json();
    let id = e["id"].as_i64().unwrap();
    assert_eq!(e["state"], "draft");
    for (event, want) in [("send", "sent"), ("accept", "accepted"), ("re-open", "sent"), ("decline", "declined")] {
        let r = call(&s, "POST", &format!("/v2/estimates/{id}/messages"), Some(&json!({"event_type": event}))).await;
        assert_eq!(r.status, 201, "{event}: {}", r.text);
        assert_eq!(call(&s, "GET", &format!("/v2/estimates/{id}"), None).await.json()["state"], want, "{event}");
    }
}

#[tokio::test]
async fn payments_settle_invoices() {
    let s = state();
    let id = new_invoice(&s).await;
    call(&s, "POST", &format!("/v2/invoices/{id}/messages"), Some(&json!({"event_type": "send"}))).await;
    let p = call(
        &s,
        "POST",
        &format!("/v2/invoices/{id}/payments"),
        Some(&json!({"amount": 40.0, "paid_date": "2025-06-01"})),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.text);
    assert_eq!(p.json()["paid_at"], "2025-06-01T00:00:00Z");
    let loc = p.headers["location"].to_str().unwrap().to_string();
    assert_eq!(loc, format!("http://mock.test/api/v2/invoices/{id}/payments/{}", p.json()["id"]));
    let inv = call(&s, "GET", &format!("/v2/invoices/{id}"), None).await.json();
    assert_eq!((inv["due_amount"].clone(), inv["state"].clone()), (json!(60.0), json!("open")));
    let p2 = call(&s, "POST", &format!("/v2/invoices/{id}/payments"), Some(&json!({"amount": 60.0}))).await.json();
    let inv = call(&s, "GET", &format!("/v2/invoices/{id}"), None).await.json();
    assert_eq!((inv["due_amount"].clone(), inv["state"].clone()), (json!(0.0), json!("paid")));
    assert!(inv["paid_at"].is_string());
    let d = call(&s, "DELETE", &format!("/v2/invoices/{id}/payments/{}", p2["id"]), None).await;
    assert_eq!(d.status, 200);
    let inv = call(&s, "GET", &format!("/v2/invoices/{id}"), None).await.json();
    assert_eq!((inv["due_amount"].clone(), inv["state"].clone()), (json!(60.0), json!("open")));
    // The spec's `exclusive_minimum: 0`, on the amount as sent (before it is kept in cents).
    for amount in [json!(0), json!(-5.5), json!("0")] {
        let r = call(&s, "POST", &format!("/v2/invoices/{id}/payments"), Some(&json!({"amount": amount}))).await;
        assert_eq!(
            (r.status.as_u16(), r.json()),
            (422, json!({"message": "Amount must be greater than 0"})),
            "{amount}"
        );
    }
    let tiny = call(&s, "POST", &format!("/v2/invoices/{id}/payments"), Some(&json!({"amount": 0.001}))).await;
    assert_eq!(tiny.status, 201, "{}", tiny.text);
}

#[tokio::test]
async fn users_me_assignments_teammates_and_rates() {
    let s = state();
    let me = call(&s, "GET", "/v2/users/me", None).await.json();
    let uid = me["id"].as_i64().unwrap();
    assert_eq!(me["access_roles"], json!(["administrator"]));
    let pa = call(&s, "GET", "/v2/users/me/project_assignments", None).await.json();
    let mine = call(&s, "GET", &format!("/v2/users/{uid}/project_assignments"), None).await.json();
    assert_eq!(pa["total_entries"], mine["total_entries"]);
    for a in pa["project_assignments"].as_array().unwrap() {
        let ua = call(&s, "GET", &format!("/v2/user_assignments?user_id={uid}&per_page=2000"), None).await.json();
        assert!(ua["user_assignments"].as_array().unwrap().iter().any(|u| u["id"] == a["id"]));
        assert!(a["client"]["name"].is_string());
        for t in a["task_assignments"].as_array().unwrap() {
            assert!(t["task"]["name"].is_string(), "{t}");
        }
    }
    let other = s.ids("user")[1];
    let r = call(&s, "PATCH", &format!("/v2/users/{uid}/teammates"), Some(&json!({"teammate_ids": [other]}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["teammates"]);
    assert_eq!(v["teammates"][0]["id"], other);
    let l = call(&s, "GET", &format!("/v2/users/{uid}/teammates"), None).await.json();
    assert_eq!(l["teammates"].as_array().unwrap().len(), 1);
    assert_eq!(
        call(&s, "PATCH", &format!("/v2/users/{uid}/teammates"), Some(&json!({"teammate_ids": [1]}))).await.status,
        422
    );
    // Rates: a later rate closes the previous one; no start date replaces the history.
    let a = call(
        &s,
        "POST",
        &format!("/v2/users/{uid}/billable_rates"),
        Some(&json!({"amount": 100.0, "start_date": "2025-01-01"})),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert!(a.headers["location"].to_str().unwrap().contains(&format!("/api/v2/users/{uid}/billable_rates/")));
    call(
        &s,
        "POST",
        &format!("/v2/users/{uid}/billable_rates"),
        Some(&json!({"amount": 120.0, "start_date": "2025-03-01"})),
    )
    .await;
    let rates = call(&s, "GET", &format!("/v2/users/{uid}/billable_rates"), None).await.json();
    let list = rates["billable_rates"].as_array().unwrap();
    let n = list.len();
    assert_eq!(list[n - 1]["start_date"], "2025-03-01");
    assert!(list[n - 1]["end_date"].is_null());
    assert_eq!(list[n - 2]["end_date"], "2025-02-28");
    call(&s, "POST", &format!("/v2/users/{uid}/cost_rates"), Some(&json!({"amount": 50.0}))).await;
    let costs = call(&s, "GET", &format!("/v2/users/{uid}/cost_rates"), None).await.json();
    assert_eq!(costs["total_entries"], 1);
    let future = call(
        &s,
        "POST",
        &format!("/v2/users/{uid}/cost_rates"),
        Some(&json!({"amount": 50.0, "start_date": "2999-01-01"})),
    )
    .await;
    assert_eq!(future.status, 422);
}

#[tokio::test]
async fn reports_follow_the_data() {
    let s = state();
    let spec = s.spec().clone();
    for op in spec.operations.iter().filter(|o| o.kind == harvest_spec::ir::OpKind::Report) {
        let path = format!("/v2{}", op.path.raw);
        let r = call(&s, "GET", &format!("{path}?from=2025-01-01&to=20251231"), None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        let v = r.json();
        assert!(v["results"].is_array());
        if op.query.iter().any(|q| q.required) {
            let long = call(&s, "GET", &format!("{path}?from=20200101&to=21000101"), None).await;
            assert_eq!(long.status, 422, "{path}");
            assert_eq!(call(&s, "GET", &path, None).await.status, 422, "{path}");
        }
    }
    // Time per project equals the sum of the entries in range.
    let v = call(&s, "GET", "/v2/reports/time/projects?from=20250101&to=20251231", None).await.json();
    let row = &v["results"][0];
    let pid = row["project_id"].as_i64().unwrap();
    let entries =
        call(&s, "GET", &format!("/v2/time_entries?project_id={pid}&from=2025-01-01&to=2025-12-31"), None).await.json();
    let hours: f64 = entries["time_entries"].as_array().unwrap().iter().map(|e| e["hours"].as_f64().unwrap()).sum();
    assert!((hours - row["total_hours"].as_f64().unwrap()).abs() < 0.01);
    let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "project_id",
            "project_name",
            "client_id",
            "client_name",
            "total_hours",
            "billable_hours",
            "currency",
            "billable_amount"
        ]
    );
}

#[tokio::test]
async fn invoices_import_uninvoiced_time_and_expenses() {
    let s = state();
    let report = call(&s, "GET", "/v2/reports/uninvoiced?from=20250101&to=20251231", None).await.json();
    let row = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["uninvoiced_hours"].as_f64().unwrap() > 0.0)
        .unwrap()
        .clone();
    let pid = row["project_id"].as_i64().unwrap();
    let client = row["client_id"].as_i64().unwrap();
    let body = json!({"client_id": client, "line_items_import": {"project_ids": [pid],
        "time": {"summary_type": "project", "from": "2025-01-01", "to": "2025-12-31"},
        "expenses": {"summary_type": "project", "from": "2025-01-01", "to": "2025-12-31"}}});
    let r = call(&s, "POST", "/v2/invoices", Some(&body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let inv = r.json();
    let lines = inv["line_items"].as_array().unwrap();
    assert!(!lines.is_empty());
    assert_eq!(lines[0]["quantity"], row["uninvoiced_hours"]);
    assert_eq!(lines[0]["project"]["id"], pid);
    let after = call(&s, "GET", "/v2/reports/uninvoiced?from=20250101&to=20251231", None).await.json();
    let still = after["results"].as_array().unwrap().iter().find(|r| r["project_id"] == pid);
    assert!(still.is_none_or(|r| r["uninvoiced_hours"] == 0.0), "{still:?}");
    let billed =
        call(&s, "GET", &format!("/v2/time_entries?project_id={pid}&is_billed=true&per_page=2000"), None).await.json();
    assert!(billed["time_entries"].as_array().unwrap().iter().any(|e| e["invoice"]["id"] == inv["id"]));
    let bad = call(&s, "POST", "/v2/invoices", Some(&json!({"client_id": client, "line_items_import": {}}))).await;
    assert_eq!(bad.text, r#"{"message":"Line items import project ids can't be blank"}"#);
}

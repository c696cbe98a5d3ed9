//! Create, update and delete: statuses, bodies, validation messages, delete rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn create_answers_201_with_location_and_defaults() {
    let s = state();
    let r = call(
        &s,
        "POST",
        "/v2/clients",
        Some(&json!({"name": "Acme", "id": 5, "statement_key": "ignored", "bogus": 1})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    let id = v["id"].as_i64().unwrap();
    assert_ne!(id, 5);
    assert_eq!(r.headers["location"], format!("http://mock.test/api/v2/clients/{id}").as_str());
    assert_eq!(v["is_active"], true);
    assert_eq!(v["statement_key"].as_str().unwrap().len(), 32);
    assert_eq!(call(&s, "GET", &format!("/v2/clients/{id}"), None).await.json(), v);
    // Project with only the required fields gets Harvest's defaults and the client embed.
    let p = call(&s, "POST", "/v2/projects", Some(&json!({"client_id": id, "name": "E-Corp"}))).await;
    assert_eq!(p.status, 201, "{}", p.text);
    let p = p.json();
    assert_eq!(
        (p["is_billable"].clone(), p["bill_by"].clone(), p["budget_by"].clone()),
        (json!(true), json!("none"), json!("none"))
    );
    assert_eq!(p["over_budget_notification_percentage"], 80.0);
    assert_eq!(p["client"], json!({"id": id, "name": "Acme", "currency": v["currency"]}));
}

#[tokio::test]
async fn form_bodies_are_accepted() {
    let s = state();
    let req = Request::post("/v2/users")
        .header("authorization", "Bearer t")
        .header("harvest-account-id", "1")
        .header("user-agent", "t")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("first_name=Ada&last_name=Lovelace&email=ada%40example.com&is_contractor=true&roles[]=Math&weekly_capacity=3600"))
        .unwrap();
    let r = send(&s, req).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    assert_eq!(v["is_contractor"], true);
    assert_eq!(v["roles"], json!(["Math"]));
    assert_eq!(v["weekly_capacity"], 3600);
    assert_eq!(v["access_roles"], json!(["member"]));
}

#[tokio::test]
async fn validation_names_every_problem_and_changes_nothing() {
    let s = state();
    let before = s.count("time_entry");
    let r = call(&s, "POST", "/v2/time_entries", Some(&json!({}))).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"message":"Project can't be blank, Task can't be blank, Spent date can't be blank, Spent date is not a valid date"}"#
    );
    let r = call(
        &s,
        "POST",
        "/v2/time_entries",
        Some(&json!({"project_id": 1, "task_id": s.ids("task")[0], "spent_date": "nope"})),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.text, r#"{"message":"Project must exist, Spent date is not a valid date"}"#);
    assert_eq!(s.count("time_entry"), before);
    let r = call(
        &s,
        "POST",
        "/v2/projects",
        Some(&json!({"client_id": s.ids("client")[0], "name": "x", "bill_by": "Sometimes"})),
    )
    .await;
    assert_eq!(r.text, r#"{"message":"Bill by is invalid"}"#);
    // Malformed JSON.
    let req = Request::post("/v2/clients")
        .header("authorization", "Bearer t")
        .header("harvest-account-id", "1")
        .header("user-agent", "t")
        .header("content-type", "application/json")
        .body(Body::from("{\"name\": "))
        .unwrap();
    let r = send(&s, req).await;
    assert_eq!(r.status, 400);
    assert!(r.json()["message"].as_str().unwrap().starts_with("Malformed JSON"));
    // Oversized body.
    let big = "x".repeat(2 * 1024 * 1024);
    let r = call(&s, "POST", "/v2/clients", Some(&json!({"name": big}))).await;
    assert_eq!(r.status, 413);
}

#[tokio::test]
async fn time_entry_create_resolves_relations() {
    let s = state();
    // A project the authenticated user is assigned to, and one of its task assignments.
    let mine = call(&s, "GET", "/v2/users/me/project_assignments", None).await.json();
    let pa = mine["project_assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|pa| !pa["task_assignments"].as_array().unwrap().is_empty())
        .unwrap()
        .clone();
    let ta = pa["task_assignments"][0]["id"].as_i64().unwrap();
    let project = pa["project"]["id"].clone();
    let task = pa["task_assignments"][0]["task"]["id"].clone();
    let r = call(
        &s,
        "POST",
        "/v2/time_entries",
        Some(&json!({"project_id": project, "task_id": task, "spent_date": "2025-06-02", "hours": 1.5})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    assert_eq!(v["task_assignment"]["id"], ta);
    assert_eq!(v["project"]["id"], project);
    assert_eq!(v["is_running"], false);
    assert_eq!(v["hours"], 1.5);
    let me = call(&s, "GET", "/v2/users/me", None).await.json();
    assert_eq!(v["user"]["id"], me["id"]);
    let client = s.field("project", project.as_i64().unwrap(), "client").unwrap();
    assert_eq!(v["client"]["id"], client);
    // Without hours: a running timer.
    let r = call(
        &s,
        "POST",
        "/v2/time_entries",
        Some(&json!({"project_id": project, "task_id": task, "spent_date": "2025-06-02"})),
    )
    .await;
    let t = r.json();
    assert_eq!((t["is_running"].clone(), t["hours"].clone()), (json!(true), json!(0.0)));
    assert!(t["timer_started_at"].is_string());
}

#[tokio::test]
async fn update_is_partial_and_advances_updated_at() {
    let s = state();
    let id = s.ids("client")[0];
    let before = call(&s, "GET", &format!("/v2/clients/{id}"), None).await.json();
    let r = call(
        &s,
        "PATCH",
        &format!("/api/v2/clients/{id}"),
        Some(&json!({"name": "Renamed", "created_at": "2000-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["name"], "Renamed");
    assert_eq!(v["created_at"], before["created_at"]);
    assert_eq!(v["address"], before["address"]);
    assert!(v["updated_at"].as_str() > before["updated_at"].as_str());
    let again = call(&s, "PATCH", &format!("/v2/clients/{id}"), Some(&json!({"name": "Again"}))).await.json();
    assert!(again["updated_at"].as_str() > v["updated_at"].as_str());
    // Embeds follow the renamed target.
    let p = call(&s, "GET", &format!("/v2/projects?client_id={id}"), None).await.json();
    for proj in p["projects"].as_array().unwrap() {
        assert_eq!(proj["client"]["name"], "Again");
    }
    assert_eq!(call(&s, "PATCH", "/v2/clients/1", Some(&json!({"name": "x"}))).await.status, 404);
    // Company singleton update.
    let c = call(&s, "PATCH", "/v2/company", Some(&json!({"weekly_capacity": 100, "name": "ignored"}))).await.json();
    assert_eq!(c["weekly_capacity"], 100);
    assert_ne!(c["name"], "ignored");
}

#[tokio::test]
async fn invoice_line_items_through_patch() {
    let s = state();
    let client = s.ids("client")[0];
    let r = call(&s, "POST", "/v2/invoices", Some(&json!({"client_id": client, "tax": 10.0, "discount": 5.0,
        "line_items": [{"kind": "Service", "unit_price": 100.0, "quantity": 2, "taxed": true}, {"kind": "Product", "unit_price": 50.0}]}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let inv = r.json();
    // subtotal 250, tax 10% of 200 = 20, discount 5% of 250 = 12.5
    assert_eq!(
        (inv["amount"].clone(), inv["due_amount"].clone(), inv["state"].clone()),
        (json!(257.5), json!(257.5), json!("draft"))
    );
    let id = inv["id"].as_i64().unwrap();
    let first = inv["line_items"][0]["id"].clone();
    let second = inv["line_items"][1]["id"].clone();
    let r = call(
        &s,
        "PATCH",
        &format!("/v2/invoices/{id}"),
        Some(&json!({"line_items": [
        {"id": first, "unit_price": 10.0}, {"id": second, "_destroy": true}, {"kind": "Service", "unit_price": 1.0}]})),
    )
    .await;
    let v = r.json();
    let items = v["line_items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["amount"], 20.0);
    assert_eq!(items[0]["kind"], "Service");
    assert_eq!(v["amount"], 21.0 + 2.0 - 1.05);
}

#[tokio::test]
async fn delete_rules_block_cascade_and_nullify() {
    let s = state();
    // A client with projects is blocked.
    let project = s.ids("project")[0];
    let client = s.field("project", project, "client").unwrap().as_i64().unwrap();
    let r = call(&s, "DELETE", &format!("/v2/clients/{client}"), None).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.text, r#"{"message":"This client is not removable. It still has projects and/or invoices."}"#);
    assert!(call(&s, "GET", &format!("/v2/clients/{client}"), None).await.status == 200);
    // A task with time entries is blocked.
    let te = s.ids("time_entry")[0];
    let task = s.field("time_entry", te, "task").unwrap().as_i64().unwrap();
    let r = call(&s, "DELETE", &format!("/v2/tasks/{task}"), None).await;
    assert_eq!(r.text, r#"{"message":"This task is not removable. It still has time entries."}"#);
    // Deleting a project cascades to its time entries and returns the project.
    let entries =
        call(&s, "GET", &format!("/v2/time_entries?project_id={project}"), None).await.json()["total_entries"]
            .as_i64()
            .unwrap();
    assert!(entries > 0);
    let before = s.count("time_entry");
    let r = call(&s, "DELETE", &format!("/v2/projects/{project}"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["id"], project);
    assert_eq!(s.count("time_entry") as i64, before as i64 - entries);
    assert_eq!(call(&s, "GET", &format!("/v2/projects/{project}"), None).await.status, 404);
    // Deleting an invoice nullifies the billed time entries.
    let billed = call(&s, "GET", "/v2/time_entries?is_billed=true&per_page=1", None).await.json();
    let e = &billed["time_entries"][0];
    let inv = e["invoice"]["id"].as_i64().unwrap();
    assert_eq!(call(&s, "DELETE", &format!("/v2/invoices/{inv}"), None).await.status, 200);
    let after = call(&s, "GET", &format!("/v2/time_entries/{}", e["id"]), None).await.json();
    assert!(after["invoice"].is_null());
    assert_eq!(after["is_billed"], false);
    // A contact goes; the second delete is a 404.
    let c = s.ids("contact")[0];
    assert_eq!(call(&s, "DELETE", &format!("/v2/contacts/{c}"), None).await.status, 200);
    assert_eq!(call(&s, "DELETE", &format!("/v2/contacts/{c}"), None).await.status, 404);
}

#[tokio::test]
async fn concurrent_creates_never_share_an_id() {
    let s = state();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            call(&s, "POST", "/v2/tasks", Some(&json!({"name": format!("t{i}")}))).await.json()["id"].as_i64().unwrap()
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 40);
}

#[tokio::test]
async fn assignments_are_unique_per_project() {
    let s = state();
    let ua = s.ids("user_assignment")[0];
    let project = s.field("user_assignment", ua, "project").unwrap();
    let user = s.field("user_assignment", ua, "user").unwrap();
    let r =
        call(&s, "POST", &format!("/v2/projects/{project}/user_assignments"), Some(&json!({"user_id": user}))).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.text, r#"{"message":"User has already been taken"}"#);
    let ta = s.ids("task_assignment")[0];
    let project = s.field("task_assignment", ta, "project").unwrap();
    let task = s.field("task_assignment", ta, "task").unwrap();
    let r =
        call(&s, "POST", &format!("/v2/projects/{project}/task_assignments"), Some(&json!({"task_id": task}))).await;
    assert_eq!(r.text, r#"{"message":"Task has already been taken"}"#);
}

#[tokio::test]
async fn time_on_a_project_the_user_is_not_assigned_to_is_refused() {
    let s = state();
    let client = call(&s, "POST", "/v2/clients", Some(&json!({"name": "Lonely Co"}))).await.json();
    let project =
        call(&s, "POST", "/v2/projects", Some(&json!({"client_id": client["id"], "name": "Nobody's"}))).await.json();
    let task = call(&s, "POST", "/v2/tasks", Some(&json!({"name": "Orphan task"}))).await.json();
    let before = call(&s, "GET", "/v2/time_entries?per_page=1", None).await.json()["total_entries"].clone();
    let body = json!({"project_id": project["id"], "task_id": task["id"], "spent_date": "2026-11-02", "hours": 1.0});
    let r = call(&s, "POST", "/v2/time_entries", Some(&body)).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json(), json!({"message": "User assignment must exist, Task assignment must exist"}));
    let after = call(&s, "GET", "/v2/time_entries?per_page=1", None).await.json()["total_entries"].clone();
    assert_eq!(before, after, "nothing was stored");
}

/// A JSON number as the decimal it is written as.
fn decimal(v: &Value) -> rust_decimal::Decimal {
    v.to_string().parse().unwrap_or_else(|e| panic!("{v} is not a decimal: {e}"))
}

/// Harvest's rounding: two places, halves away from zero.
fn half_up(d: rust_decimal::Decimal) -> rust_decimal::Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[tokio::test]
async fn money_is_decimal_and_rounds_half_up() {
    let s = state();
    let client = s.ids("client")[0];
    // 1 × 2.675 is 2.68: binary floats hold 2.67499999… and round it down.
    let r = call(&s, "POST", "/v2/invoices", Some(&json!({"client_id": client,
        "line_items": [{"kind": "Service", "quantity": 1, "unit_price": 2.675}, {"kind": "Service", "quantity": 0.5, "unit_price": 5.35}]}))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let inv = r.json();
    assert_eq!(inv["line_items"][0]["amount"], json!(2.68), "{inv}");
    // 0.5 × 5.35 = 2.675 exactly; as floats 2.67499999…
    assert_eq!(inv["line_items"][1]["amount"], json!(2.68), "{inv}");
    assert_eq!(inv["amount"], json!(5.36));
}

#[tokio::test]
async fn invoice_totals_over_many_lines_equal_the_decimal_sum() {
    let s = state();
    let client = s.ids("client")[0];
    // Quarter-hour quantities and odd cents: many products end in a half cent.
    let mut seed = 0x2545_f491_u64;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let items: Vec<Value> = (0..120)
        .map(|_| {
            let quantity = (next(40) + 1) as f64 * 0.25;
            let cents = next(200_000) * 2 + 1;
            json!({"kind": "Service", "quantity": quantity, "unit_price": cents as f64 / 100.0, "taxed": next(2) == 0})
        })
        .collect();
    let r = call(
        &s,
        "POST",
        "/v2/invoices",
        Some(&json!({"client_id": client, "tax": 8.25, "discount": 3.5, "line_items": items})),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let inv = r.json();
    let lines = inv["line_items"].as_array().unwrap();
    assert_eq!(lines.len(), 120);
    let (mut subtotal, mut taxed) = (rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ZERO);
    for line in lines {
        let amount = half_up(decimal(&line["quantity"]) * decimal(&line["unit_price"]));
        assert_eq!(decimal(&line["amount"]), amount, "{line}");
        subtotal += amount;
        if line["taxed"] == json!(true) {
            taxed += amount;
        }
    }
    let hundred = rust_decimal::Decimal::from(100);
    let tax = half_up(taxed * decimal(&json!(8.25)) / hundred);
    let discount = half_up(subtotal * decimal(&json!(3.5)) / hundred);
    assert_eq!(decimal(&inv["tax_amount"]), tax);
    assert_eq!(decimal(&inv["discount_amount"]), discount);
    assert_eq!(decimal(&inv["amount"]), subtotal + tax - discount);
    assert_eq!(decimal(&inv["due_amount"]), subtotal + tax - discount);
}

#[tokio::test]
async fn a_unit_priced_expense_costs_units_times_the_unit_price() {
    let s = state();
    let mine = call(&s, "GET", "/v2/users/me/project_assignments", None).await.json();
    let project = mine["project_assignments"][0]["project"]["id"].clone();
    let per_mile = call(
        &s,
        "POST",
        "/v2/expense_categories",
        Some(&json!({"name": "Mileage", "unit_name": "mile", "unit_price": 5.35})),
    )
    .await;
    assert_eq!(per_mile.status, 201, "{}", per_mile.text);
    let per_mile = per_mile.json()["id"].clone();
    let plain = call(&s, "POST", "/v2/expense_categories", Some(&json!({"name": "Meals"}))).await.json()["id"].clone();
    let expense = |category: &Value, extra: Value| {
        let mut body = json!({"project_id": project, "expense_category_id": category, "spent_date": "2025-06-02"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    // 0.5 × 5.35 = 2.675, half up 2.68 (as floats 2.67499…); the total sent is overruled.
    let r =
        call(&s, "POST", "/v2/expenses", Some(&expense(&per_mile, json!({"units": 0.5, "total_cost": 99.0})))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let e = r.json();
    assert_eq!((e["units"].clone(), e["total_cost"].clone()), (json!(0.5), json!(2.68)), "{e}");
    // More units on update: the total follows.
    let id = e["id"].as_i64().unwrap();
    let r = call(&s, "PATCH", &format!("/v2/expenses/{id}"), Some(&json!({"units": 10}))).await;
    assert_eq!(r.json()["total_cost"], json!(53.5));
    // A category without a unit price keeps the total that was sent.
    let r = call(&s, "POST", "/v2/expenses", Some(&expense(&plain, json!({"units": 3, "total_cost": 42.5})))).await;
    assert_eq!(r.json()["total_cost"], json!(42.5), "{}", r.text);
}

/// A `multipart/form-data` request: text fields, then files as (field, name, type, bytes).
fn multipart(method: &str, uri: &str, fields: &[(&str, String)], files: &[(&str, &str, &str, &[u8])]) -> Request<Body> {
    let boundary = "mock-boundary-7d1";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (field, file_name, content_type, bytes) in files {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes(),
        );
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    let mut req = req(method, uri, None);
    req.headers_mut().insert("content-type", format!("multipart/form-data; boundary={boundary}").parse().unwrap());
    *req.body_mut() = Body::from(body);
    req
}

#[tokio::test]
async fn expense_receipts_upload_serve_replace_and_delete() {
    let s = state();
    let mine = call(&s, "GET", "/v2/users/me/project_assignments", None).await.json();
    let project = mine["project_assignments"][0]["project"]["id"].to_string();
    let meals =
        call(&s, "POST", "/v2/expense_categories", Some(&json!({"name": "Meals"}))).await.json()["id"].to_string();
    let fields = [
        ("project_id", project.clone()),
        ("expense_category_id", meals.clone()),
        ("spent_date", "2025-06-02".to_string()),
        ("total_cost", "12.5".to_string()),
        ("notes", "lunch with a client".to_string()),
    ];
    let pdf: &[u8] = b"%PDF-1.4 receipt \x00\xff bytes";
    let r =
        send(&s, multipart("POST", "/v2/expenses", &fields, &[("receipt", "lunch.pdf", "application/pdf", pdf)])).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let e = r.json();
    assert_eq!(e["notes"], "lunch with a client", "text parts are fields");
    let receipt = &e["receipt"];
    assert_eq!(
        (receipt["file_name"].clone(), receipt["file_size"].clone(), receipt["content_type"].clone()),
        (json!("lunch.pdf"), json!(pdf.len()), json!("application/pdf"))
    );
    let url = receipt["url"].as_str().unwrap().to_string();
    assert!(url.starts_with("http://mock.test/receipts/"), "{url}");
    let path = url.trim_start_matches("http://mock.test").to_string();
    let served = send(&s, Request::builder().uri(&path).body(Body::empty()).unwrap()).await;
    assert_eq!((served.status.as_u16(), served.headers["content-type"].to_str().unwrap()), (200, "application/pdf"));
    assert_eq!(served.text.as_bytes(), String::from_utf8_lossy(pdf).as_bytes(), "the same bytes come back");
    let id = e["id"].as_i64().unwrap();

    // A new receipt replaces the old one, whose URL stops working.
    let png: &[u8] = b"\x89PNG fake";
    let r =
        send(&s, multipart("PATCH", &format!("/v2/expenses/{id}"), &[], &[("receipt", "scan.png", "image/png", png)]))
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["receipt"]["file_name"], "scan.png");
    assert_eq!(send(&s, Request::builder().uri(&path).body(Body::empty()).unwrap()).await.status, 404);
    let new_path = r.json()["receipt"]["url"].as_str().unwrap().trim_start_matches("http://mock.test").to_string();

    // delete_receipt removes it.
    let r = call(&s, "PATCH", &format!("/v2/expenses/{id}"), Some(&json!({"delete_receipt": true}))).await;
    assert_eq!((r.status.as_u16(), r.json()["receipt"].clone()), (200, Value::Null), "{}", r.text);
    assert_eq!(send(&s, Request::builder().uri(&new_path).body(Body::empty()).unwrap()).await.status, 404);

    // Non-files and oversized uploads are refused, and nothing is stored.
    let before = s.count("expense");
    let mut text_receipt = fields.to_vec();
    text_receipt.push(("receipt", "not a file".to_string()));
    let r = send(&s, multipart("POST", "/v2/expenses", &text_receipt, &[])).await;
    assert_eq!(
        (r.status.as_u16(), r.text.as_str()),
        (422, r#"{"message":"Receipt must be a file uploaded as multipart/form-data"}"#)
    );
    let r = call(&s, "POST", "/v2/expenses", Some(&json!({"project_id": project, "expense_category_id": meals, "spent_date": "2025-06-02", "total_cost": 3, "receipt": "x"}))).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let big = vec![b'x'; 2 * 1024 * 1024];
    let r =
        send(&s, multipart("POST", "/v2/expenses", &fields, &[("receipt", "big.pdf", "application/pdf", &big)])).await;
    assert_eq!(r.status, 413, "{}", r.text);
    assert_eq!(s.count("expense"), before, "refused uploads store no expense");
}

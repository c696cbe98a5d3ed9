//! The spec's `access:` rules, enforced for the user a token acts as: the
//! matrix of every operation × persona, members limited to their own time and
//! expenses, managers to their own and their projects', refused writes that
//! change nothing, and report amounts hidden from users who may not see rates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "roles/matrix.rs"]
mod matrix;
#[path = "roles/reports.rs"]
mod reports;
#[path = "roles/support.rs"]
mod support;

use common::*;
use serde_json::json;
use support::{Persona, as_user as act, persona as make};

#[tokio::test]
async fn a_member_keeps_to_their_own_time_and_refused_writes_change_nothing() {
    let s = state();
    let p = make(&s, &["member"]).await;
    let me = p.me;
    let other = s.ids("user")[0];
    // An assignment so the member may track time on a project.
    let ta = call(&s, "GET", "/v2/task_assignments?per_page=1", None).await.json()["task_assignments"][0].clone();
    let project = ta["project"]["id"].clone();
    let ua = call(&s, "POST", &format!("/v2/projects/{project}/user_assignments"), Some(&json!({"user_id": me}))).await;
    assert_eq!(ua.status, 201, "{}", ua.text);
    let entry = json!({"project_id": project, "task_id": ta["task"]["id"], "spent_date": "2025-05-05", "hours": 1.0});
    let mine = act(&s, &p, "POST", "/v2/time_entries", Some(&entry)).await;
    assert_eq!(mine.status, 201, "{}", mine.text);
    assert_eq!(mine.json()["user"]["id"], me);
    let listed = act(&s, &p, "GET", "/v2/time_entries", None).await.json();
    assert_eq!(listed["total_entries"], 1, "a member lists exactly their own time");
    let before = call(&s, "GET", "/v2/time_entries?per_page=2000", None).await.text;
    let clients_before = call(&s, "GET", "/v2/clients?per_page=2000", None).await.text;
    let mut for_other = entry.clone();
    for_other["user_id"] = json!(other);
    let refused = [
        act(&s, &p, "POST", "/v2/time_entries", Some(&for_other)).await,
        act(&s, &p, "POST", "/v2/clients", Some(&json!({"name": "Nope"}))).await,
    ];
    let all = call(&s, "GET", "/v2/time_entries?per_page=2000", None).await.json();
    let theirs = all["time_entries"]
        .as_array()
        .and_then(|es| es.iter().find(|e| e["user"]["id"] != me))
        .map(|e| e["id"].clone())
        .expect("an entry of another user");
    let more = [
        act(&s, &p, "DELETE", &format!("/v2/time_entries/{theirs}"), None).await,
        act(&s, &p, "PATCH", &format!("/v2/time_entries/{theirs}"), Some(&json!({"notes": "mine now"}))).await,
    ];
    for r in refused.iter().chain(&more) {
        assert_eq!((r.status.as_u16(), r.text.as_str()), (403, s.spec().api.errors.forbidden.as_str()));
    }
    assert_eq!(call(&s, "GET", "/v2/time_entries?per_page=2000", None).await.text, before, "time entries unchanged");
    assert_eq!(call(&s, "GET", "/v2/clients?per_page=2000", None).await.text, clients_before, "clients unchanged");
}

#[tokio::test]
async fn the_seeded_account_has_administrators_managers_with_add_ons_and_members() {
    let s = state();
    let roles: Vec<Vec<String>> = s
        .ids("user")
        .into_iter()
        .filter_map(|u| serde_json::from_value(s.field("user", u, "access_roles")?).ok())
        .collect();
    let with = |role: &str| roles.iter().filter(|r| r.iter().any(|x| x == role)).count();
    assert_eq!(with("administrator"), 2, "{roles:?}");
    assert!(with("manager") >= 3 && with("member") >= 2, "{roles:?}");
    for add_on in [
        "project_creator",
        "billable_rates_manager",
        "managed_projects_invoice_drafter",
        "managed_projects_invoice_manager",
        "client_and_task_manager",
        "time_and_expenses_manager",
        "estimates_manager",
    ] {
        assert_eq!(with(add_on), 1, "one manager holds {add_on}: {roles:?}");
    }
}

#[tokio::test]
async fn a_time_and_expenses_manager_writes_time_on_their_projects_only() {
    let s = state();
    let p: Persona = make(&s, &["manager", "time_and_expenses_manager"]).await;
    let tas = call(&s, "GET", "/v2/task_assignments?per_page=2000", None).await.json()["task_assignments"].clone();
    let tas = tas.as_array().unwrap();
    let (mine, other) = (&tas[0], tas.iter().find(|t| t["project"]["id"] != tas[0]["project"]["id"]).unwrap());
    support::manage(&s, &p, &[mine["project"]["id"].as_i64().unwrap()]).await;
    // Someone else assigned to both projects, so the entries are valid but for the rules.
    let worker = s.ids("user")[1];
    for ta in [mine, other] {
        let body = json!({"user_id": worker});
        call(&s, "POST", &format!("/v2/projects/{}/user_assignments", ta["project"]["id"]), Some(&body)).await;
    }
    let entry = |ta: &serde_json::Value| json!({"user_id": worker, "project_id": ta["project"]["id"], "task_id": ta["task"]["id"], "spent_date": "2025-06-02", "hours": 2.0});
    let made = act(&s, &p, "POST", "/v2/time_entries", Some(&entry(mine))).await;
    assert_eq!(made.status, 201, "their project: {}", made.text);
    let before = support::fingerprint(&s);
    let refused = act(&s, &p, "POST", "/v2/time_entries", Some(&entry(other))).await;
    assert_eq!((refused.status.as_u16(), refused.text.as_str()), (403, s.spec().api.errors.forbidden.as_str()));
    let id = made.json()["id"].clone();
    let moved = json!({"project_id": other["project"]["id"], "task_id": other["task"]["id"]});
    let away = act(&s, &p, "PATCH", &format!("/v2/time_entries/{id}"), Some(&moved)).await;
    assert_eq!(away.status, 403, "an entry cannot be moved out of their projects: {}", away.text);
    assert!(support::fingerprint(&s) == before, "refused writes changed nothing");
    let plain: Persona = make(&s, &["manager"]).await;
    support::manage(&s, &plain, &[mine["project"]["id"].as_i64().unwrap()]).await;
    let r = act(&s, &plain, "PATCH", &format!("/v2/time_entries/{id}"), Some(&json!({"notes": "x"}))).await;
    assert_eq!(r.status, 403, "without the add-on a manager only reads their projects' time");
    assert_eq!(act(&s, &plain, "GET", &format!("/v2/time_entries/{id}"), None).await.status, 200);
}

#[tokio::test]
async fn the_seed_makes_managers_and_members_project_managers() {
    let s = state();
    let spec = s.spec().clone();
    let by = spec.resource(spec.resource_named("project").unwrap()).access.as_ref().unwrap().managers.unwrap();
    let roles =
        |u: i64| -> Vec<String> { serde_json::from_value(s.field("user", u, "access_roles").unwrap()).unwrap() };
    let managing: Vec<(i64, usize)> = s
        .ids("user")
        .into_iter()
        .map(|u| (u, support::managed_by(&s, &spec, &by, u).len()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let has = |role: &str| managing.iter().filter(|(u, _)| roles(*u).iter().any(|r| r == role)).count();
    assert!(has("manager") >= 2, "managers who manage projects: {managing:?}");
    assert!(has("member") >= 1, "a member flagged as a project manager: {managing:?}");
}

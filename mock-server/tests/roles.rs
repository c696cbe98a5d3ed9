//! The spec's `access:` rules, enforced for the user a token acts as: a matrix
//! of every top-level read operation × role, members limited to their own time
//! and expenses, and refused writes that change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use harvest_mock::AppState;
use harvest_spec::ir::{Access, OpKind, ParamBinding, Roles};
use serde_json::{Value, json};

/// A user holding `roles`, created by the administrator, and a token acting as them.
async fn persona(s: &AppState, roles: &[&str]) -> (i64, String) {
    let n = s.count("user");
    let body = json!({"first_name": "P", "last_name": format!("{n}"), "email": format!("p{n}@example.com"), "access_roles": roles});
    let u = call(s, "POST", "/v2/users", Some(&body)).await;
    assert_eq!(u.status, 201, "{}", u.text);
    let id = u.json()["id"].as_i64().unwrap();
    let t = call(s, "POST", "/__admin/tokens", Some(&json!({"user_id": id}))).await.json();
    (id, t["token"].as_str().unwrap().to_string())
}

async fn as_user(s: &AppState, token: &str, method: &str, uri: &str, body: Option<&Value>) -> Resp {
    let mut r = req(method, uri, body);
    r.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    r.headers_mut().insert("harvest-account-id", "1".parse().unwrap());
    send(s, r).await
}

/// The rule an operation follows: its own, else its resource's.
fn rule<'a>(spec: &'a harvest_spec::Spec, op: &'a harvest_spec::ir::Operation) -> Option<&'a Access> {
    op.access.as_ref().or_else(|| op.resource.and_then(|r| spec.resource(r).access.as_ref()))
}

fn admits(roles: &Roles, held: &[&str]) -> bool {
    roles.admits(held.iter().copied())
}

const PERSONAS: [&[&str]; 9] = [
    &["administrator"],
    &["manager"],
    &["manager", "project_creator"],
    &["manager", "client_and_task_manager"],
    &["manager", "time_and_expenses_manager"],
    &["manager", "managed_projects_invoice_drafter"],
    &["manager", "managed_projects_invoice_manager"],
    &["manager", "estimates_manager"],
    &["member"],
];

#[tokio::test]
async fn every_top_level_read_follows_the_spec_for_every_role() {
    let s = state();
    let spec = s.spec().clone();
    let mut checked = 0;
    for roles in PERSONAS {
        let (me, token) = persona(&s, roles).await;
        for op in spec.operations.iter().filter(|o| matches!(o.kind, OpKind::List | OpKind::Get | OpKind::Report)) {
            if op.path_params.iter().any(|p| p.binding != ParamBinding::SelfId) || op.selects_current_user {
                continue;
            }
            let mut uri = format!("/v2{}", op.path.raw);
            if let (Some(r), true) = (op.resource, !op.path_params.is_empty()) {
                let name = &spec.resource(r).name;
                let Some(id) = s.ids(name).first().copied() else { continue };
                uri = uri.replace(&format!("{{{}}}", op.path_params[0].name), &id.to_string());
            }
            if op.kind == OpKind::Report {
                uri.push_str("?from=20250101&to=20251231");
            }
            let r = as_user(&s, &token, "GET", &uri, None).await;
            let expected_open = rule(&spec, op).is_none_or(|a| admits(&a.read, roles));
            let own = rule(&spec, op).and_then(|a| a.own);
            match (expected_open, own) {
                (true, _) => assert_ne!(r.status, 403, "{roles:?} {} {uri}: {}", op.id, r.text),
                (false, None) => {
                    assert_eq!(r.status, 403, "{roles:?} {} {uri}: {}", op.id, r.text);
                    assert_eq!(r.text, spec.api.errors.forbidden);
                }
                (false, Some(_)) if op.kind == OpKind::List => {
                    assert_eq!(r.status, 200, "{roles:?} {uri}: {}", r.text);
                    let key = &op.pagination.as_ref().unwrap().envelope;
                    let items = r.json()[key].as_array().unwrap().clone();
                    assert!(items.iter().all(|i| i["user"]["id"] == me), "{roles:?} {uri}: only their own records");
                }
                (false, Some(_)) => assert_eq!(r.status, 403, "{roles:?} {uri}: someone else's record"),
            }
            checked += 1;
        }
    }
    assert!(checked > 9 * 30, "only {checked} calls");
}

#[tokio::test]
async fn a_member_keeps_to_their_own_time_and_refused_writes_change_nothing() {
    let s = state();
    let (me, token) = persona(&s, &["member"]).await;
    let other = s.ids("user")[0];
    // An assignment so the member may track time on a project.
    let ta = call(&s, "GET", "/v2/task_assignments?per_page=1", None).await.json()["task_assignments"][0].clone();
    let project = ta["project"]["id"].clone();
    let ua = call(&s, "POST", &format!("/v2/projects/{project}/user_assignments"), Some(&json!({"user_id": me}))).await;
    assert_eq!(ua.status, 201, "{}", ua.text);
    let entry = json!({"project_id": project, "task_id": ta["task"]["id"], "spent_date": "2025-05-05", "hours": 1.0});
    let mine = as_user(&s, &token, "POST", "/v2/time_entries", Some(&entry)).await;
    assert_eq!(mine.status, 201, "{}", mine.text);
    assert_eq!(mine.json()["user"]["id"], me);
    let listed = as_user(&s, &token, "GET", "/v2/time_entries", None).await.json();
    assert_eq!(listed["total_entries"], 1, "a member lists exactly their own time");
    let before = call(&s, "GET", "/v2/time_entries?per_page=2000", None).await.text;
    let clients_before = call(&s, "GET", "/v2/clients?per_page=2000", None).await.text;
    let mut for_other = entry.clone();
    for_other["user_id"] = json!(other);
    let refused = [
        as_user(&s, &token, "POST", "/v2/time_entries", Some(&for_other)).await,
        as_user(&s, &token, "POST", "/v2/clients", Some(&json!({"name": "Nope"}))).await,
    ];
    let all = call(&s, "GET", "/v2/time_entries?per_page=2000", None).await.json();
    let theirs = all["time_entries"]
        .as_array()
        .and_then(|es| es.iter().find(|e| e["user"]["id"] != me))
        .map(|e| e["id"].clone())
        .expect("an entry of another user");
    let more = [
        as_user(&s, &token, "DELETE", &format!("/v2/time_entries/{theirs}"), None).await,
        as_user(&s, &token, "PATCH", &format!("/v2/time_entries/{theirs}"), Some(&json!({"notes": "mine now"}))).await,
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

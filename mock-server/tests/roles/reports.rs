//! Reports as seen by users of each role: a member's and a manager's reports
//! count only the time the rules let them read, and the amounts and currency a
//! report's `rates:` hides are absent for users who may not see rates.

use crate::common::*;
use crate::support::*;
use harvest_mock::AppState;
use serde_json::{Value, json};

const WINDOW: &str = "from=20250303&to=20260302";

/// Sum of `total_hours` over a report's rows, in hundredths.
fn hours(report: &Value) -> i64 {
    let rows = report["results"].as_array().cloned().unwrap_or_default();
    rows.iter().map(|r| (r["total_hours"].as_f64().unwrap_or(0.0) * 100.0).round() as i64).sum()
}

/// Sum of the hours of the time entries `keep` selects in the window, in hundredths (as the
/// administrator lists them).
async fn entry_hours(s: &AppState, keep: impl Fn(&Value) -> bool) -> i64 {
    let all = call(s, "GET", "/v2/time_entries?per_page=2000&from=2025-03-03&to=2026-03-02", None).await.json();
    let entries = all["time_entries"].as_array().cloned().unwrap_or_default();
    assert!(entries.len() < 2000, "one page holds them all");
    entries.iter().filter(|e| keep(e)).map(|e| (e["hours"].as_f64().unwrap_or(0.0) * 100.0).round() as i64).sum()
}

/// A time entry of `p` on a project the administrator assigns them to.
async fn track(s: &AppState, p: &Persona) {
    let ta = call(s, "GET", "/v2/task_assignments?per_page=1", None).await.json()["task_assignments"][0].clone();
    let project = &ta["project"]["id"];
    let ua =
        call(s, "POST", &format!("/v2/projects/{project}/user_assignments"), Some(&json!({"user_id": p.me}))).await;
    assert_eq!(ua.status, 201, "{}", ua.text);
    let entry = json!({"project_id": project, "task_id": ta["task"]["id"], "spent_date": "2025-05-05", "hours": 1.5});
    let r = as_user(s, p, "POST", "/v2/time_entries", Some(&entry)).await;
    assert_eq!(r.status, 201, "{}", r.text);
}

#[tokio::test]
async fn amounts_and_currency_are_hidden_from_users_who_may_not_see_rates() {
    let s = state();
    let member = persona(&s, &["member"]).await;
    let manager = persona(&s, &["manager"]).await;
    let rates = persona(&s, &["manager", "billable_rates_manager"]).await;
    for p in [&member, &manager, &rates] {
        track(&s, p).await;
        manage(&s, p, &[s.ids("project")[0]]).await;
    }
    for report in ["clients", "projects", "tasks", "team"] {
        let uri = format!("/v2/reports/time/{report}?{WINDOW}");
        let admin = call(&s, "GET", &uri, None).await.json();
        let rows = admin["results"].as_array().unwrap();
        assert!(!rows.is_empty() && rows.iter().all(|r| r["currency"].is_string() && r["billable_amount"].is_number()));
        for (p, sees) in [(&member, false), (&manager, false), (&rates, true)] {
            let r = as_user(&s, p, "GET", &uri, None).await;
            assert_eq!(r.status, 200, "{:?} {uri}: {}", p.roles, r.text);
            let rows = r.json()["results"].as_array().cloned().unwrap();
            assert!(!rows.is_empty(), "{:?} {uri}: their own time at least", p.roles);
            for row in &rows {
                let has = |k: &str| row.as_object().is_some_and(|o| o.contains_key(k));
                assert_eq!((has("currency"), has("billable_amount")), (sees, sees), "{:?} {uri}: {row}", p.roles);
                assert!(has("total_hours") && has("billable_hours"), "hours stay: {row}");
            }
        }
    }
    let uninvoiced = format!("/v2/reports/uninvoiced?{WINDOW}");
    let has_amount = |v: &Value| v["results"].as_array().unwrap().iter().all(|r| r.get("uninvoiced_amount").is_some());
    assert!(has_amount(&call(&s, "GET", &uninvoiced, None).await.json()));
    let r = as_user(&s, &manager, "GET", &uninvoiced, None).await.json();
    assert!(r["results"].as_array().unwrap().iter().all(|r| r.get("uninvoiced_amount").is_none()), "{r}");
}

#[tokio::test]
async fn a_members_time_report_counts_exactly_their_own_time() {
    let s = state();
    let member = persona(&s, &["member"]).await;
    track(&s, &member).await;
    let own = entry_hours(&s, |e| e["user"]["id"] == member.me).await;
    assert_eq!(own, 150);
    for report in ["clients", "projects", "tasks", "team"] {
        let r = as_user(&s, &member, "GET", &format!("/v2/reports/time/{report}?{WINDOW}"), None).await.json();
        assert_eq!(hours(&r), own, "{report}: {r}");
    }
    let everyone = call(&s, "GET", &format!("/v2/reports/time/clients?{WINDOW}"), None).await.json();
    assert!(hours(&everyone) > own, "the administrator counts everyone's time");
}

#[tokio::test]
async fn a_project_managers_time_report_counts_their_own_time_and_their_projects() {
    let s = state();
    let pm = persona(&s, &["manager"]).await;
    track(&s, &pm).await;
    let managed: Vec<i64> = s.ids("project").into_iter().rev().take(2).collect();
    manage(&s, &pm, &managed).await;
    let managed_json: Vec<Value> = managed.iter().map(|p| json!(p)).collect();
    let want = entry_hours(&s, |e| e["user"]["id"] == pm.me || managed_json.contains(&e["project"]["id"])).await;
    let own = entry_hours(&s, |e| e["user"]["id"] == pm.me).await;
    assert!(want > own, "their projects have others' time");
    let team = as_user(&s, &pm, "GET", &format!("/v2/reports/time/team?{WINDOW}"), None).await.json();
    assert_eq!(hours(&team), want, "{team}");
    let projects = as_user(&s, &pm, "GET", &format!("/v2/reports/time/projects?{WINDOW}"), None).await.json();
    assert_eq!(hours(&projects), want);
    let budget = as_user(&s, &pm, "GET", "/v2/reports/project_budget", None).await.json();
    let mut rows: Vec<i64> =
        budget["results"].as_array().unwrap().iter().filter_map(|r| r["project_id"].as_i64()).collect();
    rows.sort_unstable();
    let mut sorted = managed.clone();
    sorted.sort_unstable();
    assert_eq!(rows, sorted, "the budget report lists the projects they manage");
}

//! The controllable clock: frozen timestamps, running timers that grow as it
//! advances, `updated_since` that follows it, and per-account clocks.

use serde_json::json;

use super::*;

#[tokio::test]
async fn a_frozen_clock_stamps_every_write_with_the_same_instant() {
    let s = state();
    let made = call(&s, "POST", "/v2/clients", Some(&json!({"name": "Stamped"}))).await.json();
    assert_eq!(made["created_at"], "2026-03-02T15:00:00Z");
    assert_eq!(made["updated_at"], "2026-03-02T15:00:00Z");
    let clock = call_global(&s, "GET", "/__admin/clock", None).await.json();
    assert_eq!(clock, json!({"now": "2026-03-02T15:00:00Z", "frozen": true, "account_id": null, "own": false}));
}

#[tokio::test]
async fn the_same_seed_and_now_give_the_same_bytes_and_another_now_moves_the_dates() {
    let a = state();
    let b = state();
    let later =
        AppState::new(harvest_mock::Config { now: Some(test_now() + chrono::Duration::days(40)), ..config() }).unwrap();
    let uri = "/v2/time_entries?per_page=100";
    assert_eq!(call(&a, "GET", uri, None).await.text, call(&b, "GET", uri, None).await.text);
    let newest = |v: Value| items(&v)[0]["spent_date"].clone();
    assert_eq!(newest(call(&a, "GET", uri, None).await.json()), "2026-03-02", "today's timers come first");
    assert_eq!(newest(call(&later, "GET", uri, None).await.json()), "2026-04-11");
}

#[tokio::test]
async fn advancing_the_clock_grows_running_timers() {
    let s = state();
    let account = 61;
    let running = |s: AppState| async move {
        items(&call_in(&s, account, "GET", "/v2/time_entries?is_running=true", None).await.json())
    };
    let before = running(s.clone()).await;
    assert!(!before.is_empty(), "the seed has running timers");
    let set = call_in(&s, account, "POST", "/__admin/clock", Some(&json!({"advance_seconds": 5400}))).await;
    assert_eq!(set.json()["now"], "2026-03-02T16:30:00Z", "{}", set.text);
    let after = running(s.clone()).await;
    assert_eq!(after.len(), before.len());
    for (b, a) in before.iter().zip(&after) {
        let grown = a["hours"].as_f64().unwrap() - b["hours"].as_f64().unwrap();
        assert!((grown - 1.5).abs() < 0.011, "{} grew by {grown}", a["id"]);
        assert_eq!(a["updated_at"], b["updated_at"], "a timer ticking is not an update");
    }
    // The default account's clock did not move.
    let default = items(&call(&s, "GET", "/v2/time_entries?is_running=true", None).await.json());
    assert_eq!(default[0]["hours"], before[0]["hours"]);
    // Stopping the timer keeps the hours the clock gave it.
    let id = &after[0]["id"];
    let stopped = call_in(&s, account, "PATCH", &format!("/v2/time_entries/{id}/stop"), None).await.json();
    assert_eq!(stopped["hours"], after[0]["hours"]);
    assert_eq!(stopped["is_running"], false);
}

#[tokio::test]
async fn updated_since_follows_the_clock() {
    let s = state();
    let account = 62;
    let entries = items(&call_in(&s, account, "GET", "/v2/clients?per_page=2000", None).await.json());
    let (first, second) = (&entries[0]["id"], &entries[1]["id"]);
    let patch = |id: &Value| format!("/v2/clients/{id}");
    call_in(&s, account, "PATCH", &patch(first), Some(&json!({"name": "Touched first"}))).await;
    call_in(&s, account, "POST", "/__admin/clock", Some(&json!({"advance_seconds": 3600}))).await;
    call_in(&s, account, "PATCH", &patch(second), Some(&json!({"name": "Touched second"}))).await;
    let since = |t: &str| {
        let s = s.clone();
        let uri = format!("/v2/clients?updated_since={t}");
        async move {
            items(&call_in(&s, account, "GET", &uri, None).await.json())
                .iter()
                .map(|c| c["id"].clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(since("2026-03-02T15:30:00Z").await, vec![second.clone()]);
    let both = since("2026-03-02T15:00:00Z").await;
    assert!(both.contains(first) && both.contains(second), "{both:?}");
}

#[tokio::test]
async fn the_server_clock_can_run_again_and_bad_changes_are_refused() {
    let s = state();
    let back = call_global(&s, "POST", "/__admin/clock", Some(&json!({"system": true}))).await.json();
    assert_eq!(back["frozen"], false);
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(back["now"].as_str().unwrap().starts_with(&year), "{back}");
    let running =
        call_global(&s, "POST", "/__admin/clock", Some(&json!({"now": "2030-01-01T00:00:00Z", "freeze": false})))
            .await
            .json();
    assert_eq!(running["frozen"], false);
    assert!(running["now"].as_str().unwrap().starts_with("2030-01-01T00:00"), "{running}");
    for bad in [
        json!({}),
        json!({"now": "soon"}),
        json!({"now": "2030-01-01T00:00:00Z", "advance_seconds": 1}),
        json!({"tick": 1}),
    ] {
        let r = call_global(&s, "POST", "/__admin/clock", Some(&bad)).await;
        assert_eq!(r.status, 422, "{bad}: {}", r.text);
        assert!(r.json()["message"].is_string());
    }
}

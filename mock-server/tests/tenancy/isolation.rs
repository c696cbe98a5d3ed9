//! Many accounts at once: each sees only its own writes, and the default
//! account stays byte-identical; admin resets and eviction act per account.

use serde_json::json;

use super::*;

/// What the default account answers for a few lists, byte for byte.
async fn default_account_bytes(s: &AppState) -> Vec<String> {
    let mut out = Vec::new();
    for uri in ["/v2/clients?per_page=2000", "/v2/projects?per_page=2000", "/v2/time_entries?per_page=2000"] {
        out.push(call(s, "GET", uri, None).await.text);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_accounts_never_see_each_others_writes() {
    let s = state();
    let before = default_account_bytes(&s).await;
    let seeded_clients = s.count("client");
    let mut tasks = Vec::new();
    for n in 0..40i64 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let account = 5_000 + n;
            let mine = format!("Client of account {account}");
            let made = call_in(&s, account, "POST", "/v2/clients", Some(&json!({"name": mine}))).await;
            assert_eq!(made.status, 201, "{}", made.text);
            let id = made.json()["id"].clone();
            let renamed = format!("{mine} (renamed)");
            let patched =
                call_in(&s, account, "PATCH", &format!("/v2/clients/{id}"), Some(&json!({"name": renamed}))).await;
            assert_eq!(patched.status, 200, "{}", patched.text);
            // Each account deletes a different seeded project.
            let projects = items(&call_in(&s, account, "GET", "/v2/projects?per_page=2000", None).await.json());
            let victim = projects[n as usize % projects.len()]["id"].clone();
            let gone = call_in(&s, account, "DELETE", &format!("/v2/projects/{victim}"), None).await;
            assert_eq!(gone.status, 200, "{}", gone.text);
            for _ in 0..3 {
                let clients = items(&call_in(&s, account, "GET", "/v2/clients?per_page=2000", None).await.json());
                let names: Vec<&str> = clients.iter().filter_map(|c| c["name"].as_str()).collect();
                assert!(names.contains(&renamed.as_str()), "account {account} lost its own write");
                assert!(
                    names.iter().all(|name| !name.starts_with("Client of account") || *name == renamed),
                    "account {account} sees another account's client: {names:?}"
                );
                assert_eq!(clients.len(), seeded_clients + 1, "account {account}");
                let projects = items(&call_in(&s, account, "GET", "/v2/projects?per_page=2000", None).await.json());
                assert!(projects.iter().all(|p| p["id"] != victim), "account {account}: its delete came back");
                assert_eq!(projects.len(), s.count("project") - 1, "account {account}: another account's delete");
                tokio::task::yield_now().await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("an account's task panicked");
    }
    assert_eq!(default_account_bytes(&s).await, before, "the default account changed");
}

#[tokio::test]
async fn a_new_account_starts_as_the_same_seeded_bytes() {
    let s = state();
    for uri in ["/v2/users?per_page=2000", "/v2/invoices?per_page=2000", "/v2/time_entries?per_page=50"] {
        let default = call(&s, "GET", uri, None).await.text;
        assert_eq!(call_in(&s, 77, "GET", uri, None).await.text, default, "{uri}");
        assert_eq!(call_in(&s, 78, "GET", uri, None).await.text, default, "{uri}");
    }
}

#[tokio::test]
async fn resetting_one_account_leaves_the_others() {
    let s = state();
    for account in [11, 12] {
        let made = call_in(&s, account, "POST", "/v2/clients", Some(&json!({"name": format!("Kept {account}")}))).await;
        assert_eq!(made.status, 201);
    }
    let reset = call_in(&s, 11, "POST", "/__admin/reset", None).await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    let names = |v: Value| items(&v).iter().filter_map(|c| c["name"].as_str().map(str::to_string)).collect::<Vec<_>>();
    let eleven = names(call_in(&s, 11, "GET", "/v2/clients?per_page=2000", None).await.json());
    let twelve = names(call_in(&s, 12, "GET", "/v2/clients?per_page=2000", None).await.json());
    assert!(!eleven.contains(&"Kept 11".to_string()), "account 11 was reset");
    assert!(twelve.contains(&"Kept 12".to_string()), "account 12 was not");
    // A reset naming no account resets the whole server.
    assert_eq!(call_global(&s, "POST", "/__admin/reset", None).await.status, 200);
    let twelve = names(call_in(&s, 12, "GET", "/v2/clients?per_page=2000", None).await.json());
    assert!(!twelve.contains(&"Kept 12".to_string()), "a global reset forgets every account");
}

#[tokio::test]
async fn the_least_recently_used_account_is_evicted_beyond_the_cap() {
    let s = AppState::new(harvest_mock::Config { max_accounts: 3, ..config() }).unwrap();
    for account in [21, 22] {
        let made = call_in(&s, account, "POST", "/v2/clients", Some(&json!({"name": format!("Of {account}")}))).await;
        assert_eq!(made.status, 201);
    }
    // 22 is used again, so 21 is the least recently used when 23 arrives.
    call_in(&s, 22, "GET", "/v2/clients", None).await;
    call_in(&s, 23, "GET", "/v2/clients", None).await;
    let live = call(&s, "GET", "/__admin/accounts", None).await.json();
    assert_eq!(live["accounts"], json!([1, 22, 23]), "{live}");
    let count = |v: Value| v["total_entries"].as_u64().unwrap_or(0);
    let seeded = count(call(&s, "GET", "/v2/clients", None).await.json());
    assert_eq!(count(call_in(&s, 22, "GET", "/v2/clients", None).await.json()), seeded + 1);
    assert_eq!(count(call_in(&s, 21, "GET", "/v2/clients", None).await.json()), seeded, "21 starts over");
}

#[tokio::test]
async fn new_account_hands_out_unused_ids() {
    let server = harvest_mock::MockServer::start(config()).await.unwrap();
    let a = server.new_account();
    let b = server.new_account();
    assert_ne!(a, b);
    assert!(a != 1 && b != 1, "never the default account");
}

#[tokio::test]
async fn the_journal_and_faults_of_one_account_are_its_own() {
    let s = state();
    let fault = call_in(&s, 51, "POST", "/__admin/faults", Some(&json!({"status": 503}))).await;
    assert_eq!(fault.status, 201, "{}", fault.text);
    assert_eq!(fault.json()["account"], 51, "scoped to the admin call's account");
    assert_eq!(call_in(&s, 51, "GET", "/v2/clients", None).await.status, 503);
    assert_eq!(call_in(&s, 52, "GET", "/v2/clients", None).await.status, 200, "another account is untouched");
    // The journal as each account sees it.
    let seen = |account: i64| {
        let s = s.clone();
        async move { call_in(&s, account, "GET", "/__admin/requests", None).await.json()["count"].clone() }
    };
    assert_eq!(seen(51).await, 1);
    assert_eq!(seen(52).await, 1);
    // Resetting 51 clears its data, requests and faults only.
    assert_eq!(call_in(&s, 51, "POST", "/__admin/reset", None).await.status, 200);
    assert_eq!(seen(51).await, 0);
    assert_eq!(seen(52).await, 1);
    assert_eq!(call_in(&s, 51, "GET", "/v2/clients", None).await.status, 200, "its fault is gone");
    let all = call_global(&s, "GET", "/__admin/requests", None).await.json();
    assert_eq!(all["count"], 2, "{all}");
}

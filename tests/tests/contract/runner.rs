//! Runs groups of contracts in order on one mock server and checks, from the
//! server's journal, that each contract was answered by its own operation.

use std::collections::BTreeSet;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use harvest_tests::Env;

use super::journal::{Routes, take};
use super::support::Contract;

/// Longest a single contract may take.
const LIMIT: Duration = Duration::from_secs(30);

/// Groups of contracts sharing one server, run in this order.
pub type Server = Vec<(&'static str, Vec<Contract>)>;

/// What a server's run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One line per problem, naming the group and operation.
    pub failures: Vec<String>,
    /// Operation ids the server answered with a 2xx during the run.
    pub answered: BTreeSet<String>,
}

/// Starts a fresh mock server and runs each group's contracts on it, in order.
pub async fn run_server(groups: Server, routes: Arc<Routes>) -> Outcome {
    let mut out = Outcome::default();
    let names: Vec<&str> = groups.iter().map(|(g, _)| *g).collect();
    let env = match harvest_tests::start().await {
        Ok(env) => env,
        Err(e) => {
            out.failures.push(format!("{names:?}: the mock server did not start: {e}"));
            return out;
        }
    };
    let http = harvest_tests::http_client();
    if let Err(e) = take(&http, &env.server.base_url()).await {
        out.failures.push(format!("{names:?}: the journal is unreadable: {e}"));
        return out;
    }
    for (group, contracts) in groups {
        for c in contracts {
            run_one(&env, &http, &routes, group, &c, &mut out).await;
        }
    }
    out
}

/// Runs one contract, then reads (and clears) the journal to see what the server answered.
async fn run_one(env: &Env, http: &reqwest::Client, routes: &Routes, group: &str, c: &Contract, out: &mut Outcome) {
    let run = AssertUnwindSafe((c.run)(env)).catch_unwind();
    let result = match tokio::time::timeout(LIMIT, run).await {
        Err(_) => Err(format!("took longer than {LIMIT:?}")),
        Ok(Err(panic)) => Err(format!("panicked: {}", panic_text(panic.as_ref()))),
        Ok(Ok(Err(e))) => Err(e.to_string()),
        Ok(Ok(Ok(()))) => Ok(()),
    };
    if let Err(e) = result {
        out.failures.push(format!("[{group}] {}: {e}", c.op));
    }
    let entries = match take(http, &env.server.base_url()).await {
        Ok(entries) => entries,
        Err(e) => {
            out.failures.push(format!("[{group}] {}: the journal is unreadable: {e}", c.op));
            return;
        }
    };
    let mut own = false;
    let mut seen = Vec::new();
    for e in &entries {
        match routes.operation(&e.method, &e.path) {
            Ok(Some(op)) => {
                if (200..300).contains(&e.status) {
                    own |= op == c.op;
                    out.answered.insert(op.to_string());
                }
                seen.push(format!("{op} {}", e.status));
            }
            Ok(None) => seen.push(format!("{} {} {} (no operation)", e.method, e.path, e.status)),
            Err(ambiguous) => out.failures.push(format!("[{group}] {}: {ambiguous}", c.op)),
        }
    }
    if !own {
        out.failures
            .push(format!("[{group}] {}: the server never answered this operation with a 2xx; it saw {seen:?}", c.op));
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(s), _) => (*s).to_string(),
        (_, Some(s)) => s.clone(),
        _ => "a non-text panic".into(),
    }
}

//! Spec-driven contract coverage: every operation of the spec has a contract that
//! calls it through the generated client against the mock server and checks the
//! decoded answer (ids, sent fields, filters, totals, deletes, report rows).
//!
//! `every_operation_has_a_contract` compares the registry with the spec's operation
//! ids. `every_contract_passes_and_hits_its_operation` runs every contract, one mock
//! server per group, and reads the server's request journal after each one: the
//! contract must have received a 2xx from its own operation's method and route, and
//! after the run every operation of the spec must have been answered with a 2xx.

/// Fails the running contract with a message unless the condition holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+).into());
        }
    };
}

/// Fails the running contract unless both sides are equal, showing both.
macro_rules! ensure_eq {
    ($left:expr, $right:expr) => {{
        let (l, r) = (&$left, &$right);
        if l != r {
            return Err(format!("{} != {}: {:?} vs {:?}", stringify!($left), stringify!($right), l, r).into());
        }
    }};
    ($left:expr, $right:expr, $($msg:tt)+) => {{
        let (l, r) = (&$left, &$right);
        if l != r {
            return Err(format!("{}: {:?} vs {:?}", format!($($msg)+), l, r).into());
        }
    }};
}

/// A group's registry: operation id => contract function.
macro_rules! contracts {
    ($($op:literal => $f:ident),* $(,)?) => {
        vec![$($crate::contract::support::Contract { op: $op, run: |env| Box::pin($f(env)) }),*]
    };
}

mod contract {
    pub mod assignments;
    pub mod categories;
    pub mod clients;
    pub mod company_users;
    pub mod estimates;
    pub mod expenses;
    pub mod invoices;
    pub mod journal;
    pub mod projects;
    pub mod rates;
    pub mod report_checks;
    pub mod reports;
    pub mod roles;
    pub mod runner;
    pub mod support;
    pub mod time_entries;
}

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use contract::journal::Routes;
use contract::support::Error;

/// Every group of contracts, by the server it runs on. A server's groups run one
/// after another; servers run in parallel. Each contract makes its own records
/// (or reads current ones), so groups sharing a server do not depend on each other.
fn registry() -> Vec<contract::runner::Server> {
    use contract::*;
    vec![
        vec![
            ("reports", reports::contracts()),
            ("company_users", company_users::contracts()),
            ("rates", rates::contracts()),
            ("roles", roles::contracts()),
        ],
        vec![
            ("clients", clients::contracts()),
            ("projects", projects::contracts()),
            ("assignments", assignments::contracts()),
        ],
        vec![
            ("time_entries", time_entries::contracts()),
            ("expenses", expenses::contracts()),
            ("categories", categories::contracts()),
        ],
        vec![("invoices", invoices::contracts()), ("estimates", estimates::contracts())],
    ]
}

fn spec() -> Result<harvest_spec::ir::Spec, Error> {
    harvest_spec::harvest().map_err(|d| format!("the embedded spec does not load: {d}").into())
}

#[test]
fn every_operation_has_a_contract() -> Result<(), Error> {
    let spec = spec()?;
    let ops: BTreeSet<&str> = spec.operations.iter().map(|o| o.id.as_str()).collect();
    let mut registered: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let servers = registry();
    for (group, contracts) in servers.iter().flatten() {
        for c in contracts {
            registered.entry(c.op).or_default().push(group);
        }
    }
    let missing: Vec<&str> = ops.iter().copied().filter(|op| !registered.contains_key(op)).collect();
    let unknown: Vec<&str> = registered.keys().copied().filter(|op| !ops.contains(op)).collect();
    let twice: Vec<String> =
        registered.iter().filter(|(_, g)| g.len() > 1).map(|(op, g)| format!("{op} in {g:?}")).collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("{} operations have no contract: {}", missing.len(), missing.join(", ")));
    }
    if !unknown.is_empty() {
        problems.push(format!("contracts name operations the spec does not have: {}", unknown.join(", ")));
    }
    if !twice.is_empty() {
        problems.push(format!("operations registered more than once: {}", twice.join("; ")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(registered.len(), spec.operations.len());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_contract_passes_and_hits_its_operation() -> Result<(), Error> {
    let spec = spec()?;
    let routes = Arc::new(Routes::new(&spec));
    // One task per server, so the servers' start-up (seeding) uses every worker.
    let runs: Vec<_> = registry()
        .into_iter()
        .map(|groups| tokio::spawn(contract::runner::run_server(groups, routes.clone())))
        .collect();
    let mut failures = Vec::new();
    let mut answered: BTreeSet<String> = BTreeSet::new();
    for run in runs {
        match run.await {
            Ok(outcome) => {
                failures.extend(outcome.failures);
                answered.extend(outcome.answered);
            }
            Err(e) => failures.push(format!("a server's task failed: {e}")),
        }
    }
    let unanswered: Vec<String> = spec
        .operations
        .iter()
        .filter(|o| !answered.contains(&o.id))
        .map(|o| format!("{} ({} {})", o.id, o.method.as_str(), o.path.raw))
        .collect();
    if !unanswered.is_empty() {
        failures.push(format!(
            "the server journal shows no 2xx for {} operations: {}",
            unanswered.len(),
            unanswered.join(", ")
        ));
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    Ok(())
}

//! Shared set-up for the end-to-end suites in `tests/tests/`: a mock server on
//! a random loopback port with its default seeded account, and a generated
//! client pointed at it.

use harvest_client::Client;
use harvest_mock::{Config, MockServer};

/// Result type of the end-to-end tests.
pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A running mock server and a client authenticated against it.
pub struct Env {
    /// The server; it shuts down when dropped.
    pub server: MockServer,
    /// A client for its `/v2` API.
    pub client: Client,
}

/// Starts a mock server on the default seed and a client for it.
pub async fn start() -> Result<Env, Box<dyn std::error::Error + Send + Sync>> {
    start_with(Config::default()).await
}

/// The instant the suites freeze the mock's clock at (unless a suite sets its own): seeded
/// dates, running timers and write timestamps are then the same on every run.
pub fn test_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_772_463_600, 0).unwrap_or_default() // 2026-03-02T15:00:00Z
}

/// Starts a mock server with `config` (its clock frozen at [`test_now`] unless `config` sets
/// one) and a client for it.
pub async fn start_with(config: Config) -> Result<Env, Box<dyn std::error::Error + Send + Sync>> {
    let config = Config { now: config.now.or(Some(test_now())), ..config };
    let server = MockServer::start(config).await?;
    let client = Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .token("e2e-token")
        .account_id(1)
        .user_agent("harvest-tests (dev@example.com)")
        .build()?;
    Ok(Env { server, client })
}

/// A plain `reqwest::Client` for raw HTTP checks. reqwest is built with rustls but no crypto
/// provider, and the generated client installs none process-wide (it sets ring on its own
/// TLS config), so the suite installs ring itself first, as an application would.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Every stored record of every resource, field by field (refs as ids), keyed by
/// resource name and id: what robustness tests compare before and after.
pub type Snapshot = std::collections::BTreeMap<String, std::collections::BTreeMap<i64, Vec<Option<Value>>>>;

use harvest_client::runtime::serde_json::Value;
use harvest_spec::ir::{Operation, ParamBinding, PathSegment, TypeRef};

/// Reads the whole account of a running mock through its public accessors.
pub fn snapshot(state: &harvest_mock::AppState) -> Snapshot {
    let spec = state.spec();
    spec.resources
        .iter()
        .map(|r| {
            let rows = state
                .ids(&r.name)
                .into_iter()
                .map(|id| (id, r.fields.iter().map(|f| state.field(&r.name, id, &f.name)).collect()))
                .collect();
            (r.name.clone(), rows)
        })
        .collect()
}

/// The first difference between two snapshots, if any, described for a failure message.
pub fn snapshot_diff(before: &Snapshot, after: &Snapshot) -> Option<String> {
    for (name, rows) in before {
        let Some(now) = after.get(name) else { return Some(format!("resource {name} vanished")) };
        if let Some(id) = rows.keys().find(|id| !now.contains_key(id)) {
            return Some(format!("{name} {id} was deleted"));
        }
        if let Some(id) = now.keys().find(|id| !rows.contains_key(id)) {
            return Some(format!("{name} {id} was created"));
        }
        if let Some((id, old)) = rows.iter().find(|(id, old)| now.get(id) != Some(old)) {
            return Some(format!("{name} {id} changed: {old:?} -> {:?}", now.get(id)));
        }
    }
    None
}

/// The path of `op` below the API prefix (`/projects/5/user_assignments`) with `params`
/// in template order.
pub fn op_path(op: &Operation, params: &[i64]) -> String {
    op.path
        .segments
        .iter()
        .map(|s| match s {
            PathSegment::Literal(l) => format!("/{l}"),
            PathSegment::Param(i) => format!("/{}", params.get(*i).copied().unwrap_or(0)),
        })
        .collect()
}

/// Path parameters that name existing records for `op`: its own record (the first
/// stored one) and that record's parents, or the first record of each parent resource.
pub fn existing_params(state: &harvest_mock::AppState, op: &Operation) -> Option<Vec<i64>> {
    let spec = state.spec();
    let resource = op.resource.map(|r| spec.resource(r));
    let own = match resource {
        Some(r) if op.path_params.iter().any(|p| p.binding == ParamBinding::SelfId) => {
            Some(*state.ids(&r.name).first()?)
        }
        _ => None,
    };
    op.path_params
        .iter()
        .map(|p| match (&p.binding, resource) {
            (ParamBinding::SelfId, _) => own,
            (ParamBinding::Parent(field), Some(r)) => match own {
                Some(id) => state.field(&r.name, id, field)?.as_i64(),
                None => {
                    let target = match &r.field(field)?.ty {
                        TypeRef::Ref(rt) => rt.target,
                        _ => None?,
                    };
                    state.ids(&spec.resource(target).name).first().copied()
                }
            },
            (ParamBinding::Parent(_), None) => None,
        })
        .collect()
}

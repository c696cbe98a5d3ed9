//! Injected faults (`POST /__admin/faults`): the rules, each with an id, and
//! what they do to a request.

use rand::Rng;
use serde::{Deserialize, Serialize};

/// One fault rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Given by the server when the fault is added; names it in `DELETE /__admin/faults/{id}`.
    #[serde(default, skip_deserializing)]
    pub id: u64,
    /// Only requests whose path starts with this (e.g. `/v2/clients`).
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Only this method.
    #[serde(default)]
    pub method: Option<String>,
    /// Only requests naming this account (`Harvest-Account-Id` or `account_id`); set from the
    /// admin call's own account header when the body names none.
    #[serde(default)]
    pub account: Option<i64>,
    /// Added delay in milliseconds.
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Status to answer with instead of handling the request.
    #[serde(default)]
    pub status: Option<u16>,
    /// Body sent with `status`.
    #[serde(default)]
    pub body: Option<String>,
    /// Drop the connection instead of answering.
    #[serde(default)]
    pub drop_connection: bool,
    /// Apply to this many matching requests, then expire.
    #[serde(default)]
    pub count: Option<u32>,
    /// Apply to this fraction (0..1) of matching requests.
    #[serde(default)]
    pub fraction: Option<f64>,
}

/// What to do to one request.
#[derive(Debug, Clone, Default)]
pub struct Effect {
    /// Added delay.
    pub latency_ms: u64,
    /// Replace the response.
    pub status: Option<(u16, String)>,
    /// Drop the connection.
    pub drop: bool,
}

/// The active fault rules, oldest first. Ids are never reused while the
/// server runs, so a stale id cannot name a newer fault.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Vec<Fault>,
    last_id: u64,
}

impl Faults {
    /// Adds a rule under a new id; returns it as stored.
    pub fn add(&mut self, mut fault: Fault) -> Fault {
        self.last_id += 1;
        fault.id = self.last_id;
        self.rules.push(fault.clone());
        fault
    }

    /// The active rules (an expired `count` is gone).
    pub fn all(&self) -> &[Fault] {
        &self.rules
    }

    /// Removes the rule with this id; `None` when there is none (never added, removed or expired).
    pub fn remove(&mut self, id: u64) -> Option<Fault> {
        let at = self.rules.iter().position(|f| f.id == id)?;
        Some(self.rules.remove(at))
    }

    /// Removes every rule.
    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Removes the rules scoped to `account`.
    pub fn clear_account(&mut self, account: i64) {
        self.rules.retain(|f| f.account != Some(account));
    }

    /// Picks the effects of the active rules on a request naming `account` and counts them down.
    pub fn apply(&mut self, method: &str, path: &str, account: Option<&str>, rng: &mut impl Rng) -> Effect {
        apply(&mut self.rules, method, path, account, rng)
    }
}

/// Picks the effects of `faults` on a request and counts them down, dropping the expired.
fn apply(faults: &mut Vec<Fault>, method: &str, path: &str, account: Option<&str>, rng: &mut impl Rng) -> Effect {
    let mut eff = Effect::default();
    let account = account.and_then(|a| a.parse::<i64>().ok());
    for f in faults.iter_mut() {
        if f.account.is_some_and(|a| Some(a) != account) {
            continue;
        }
        if f.path_prefix.as_deref().is_some_and(|p| !path.starts_with(p)) {
            continue;
        }
        if f.method.as_deref().is_some_and(|m| !m.eq_ignore_ascii_case(method)) {
            continue;
        }
        if f.count == Some(0) {
            continue;
        }
        if let Some(fr) = f.fraction
            && rng.r#gen::<f64>() >= fr
        {
            continue;
        }
        if let Some(c) = f.count.as_mut() {
            *c -= 1;
        }
        eff.latency_ms += f.latency_ms.unwrap_or(0);
        if eff.status.is_none()
            && let Some(s) = f.status
        {
            eff.status = Some((s, f.body.clone().unwrap_or_default()));
        }
        eff.drop |= f.drop_connection;
    }
    faults.retain(|f| f.count != Some(0));
    eff
}

/// Per-request overrides: `Prefer: code=503`, `X-Mock-Delay: 300ms`, `X-Mock-Fault: reset`.
pub fn from_headers(headers: &axum::http::HeaderMap) -> Effect {
    let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::trim);
    let mut eff = Effect::default();
    if let Some(code) = get("prefer")
        .and_then(|p| p.split(',').find_map(|part| part.trim().strip_prefix("code=")))
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| (100..=599).contains(c))
    {
        eff.status = Some((code, String::new()));
    }
    if let Some(d) = get("x-mock-delay") {
        let ms = d.strip_suffix("ms").unwrap_or(d).trim();
        eff.latency_ms = ms.parse::<u64>().unwrap_or(0).min(60_000);
    }
    eff.drop = get("x-mock-fault").is_some_and(|f| f.eq_ignore_ascii_case("reset"));
    eff
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn ids_are_new_for_every_rule_and_name_it_until_it_goes() {
        let mut faults = Faults::default();
        let a = faults.add(Fault { status: Some(503), count: Some(1), ..Fault::default() });
        let b = faults.add(Fault { latency_ms: Some(5), ..Fault::default() });
        assert_eq!((a.id, b.id), (1, 2));
        assert_eq!(faults.all().iter().map(|f| f.id).collect::<Vec<_>>(), [1, 2]);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
        let eff = faults.apply("GET", "/v2/users", None, &mut rng);
        assert_eq!((eff.status.map(|s| s.0), eff.latency_ms), (Some(503), 5));
        // The first expired after its one use.
        assert!(faults.remove(a.id).is_none());
        assert_eq!(faults.remove(b.id).map(|f| f.id), Some(2));
        faults.clear();
        assert_eq!(faults.add(Fault::default()).id, 3);
    }

    #[test]
    fn a_rule_scoped_to_an_account_leaves_the_others() {
        let mut faults = Faults::default();
        faults.add(Fault { status: Some(503), account: Some(7), ..Fault::default() });
        faults.add(Fault { latency_ms: Some(5), ..Fault::default() });
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
        let mine = faults.apply("GET", "/v2/users", Some("7"), &mut rng);
        let theirs = faults.apply("GET", "/v2/users", Some("8"), &mut rng);
        let unnamed = faults.apply("GET", "/v2/users", None, &mut rng);
        assert_eq!((mine.status.map(|s| s.0), mine.latency_ms), (Some(503), 5));
        assert_eq!((theirs.status, theirs.latency_ms), (None, 5));
        assert_eq!(unnamed.status, None);
        faults.clear_account(7);
        assert_eq!(faults.all().len(), 1, "only the account's rule is cleared");
    }

    #[test]
    fn an_id_cannot_be_chosen_by_the_caller() {
        let f: Result<Fault, _> = serde_json::from_str(r#"{"id": 9, "status": 500}"#);
        assert!(f.is_err());
    }
}

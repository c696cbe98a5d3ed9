//! The permission matrix: every operation × persona (the administrator, a
//! manager with each add-on, a project manager, a manager of nothing, a member)
//! gets the status the spec's `access:` rules predict, lists hold exactly the
//! records the rules let the persona see, and the refused writes together leave
//! every stored value as it was.

use std::collections::BTreeSet;

use crate::common::*;
use crate::support::*;
use harvest_mock::AppState;
use harvest_spec::Spec;
use harvest_spec::ir::{OpKind, Operation, ParamBinding};
use serde_json::{Value, json};

/// Roles of the personas, and whether each manages projects.
const PERSONAS: [(&[&str], bool); 11] = [
    (&["administrator"], true),
    (&["manager"], true),
    (&["manager", "project_creator"], true),
    (&["manager", "billable_rates_manager"], true),
    (&["manager", "managed_projects_invoice_drafter"], true),
    (&["manager", "managed_projects_invoice_manager"], true),
    (&["manager", "client_and_task_manager"], true),
    (&["manager", "time_and_expenses_manager"], true),
    (&["manager", "estimates_manager"], true),
    (&["manager"], false),
    // A member flagged as the manager of a project gains nothing by it.
    (&["member"], true),
];

/// One request of the matrix and what the rules predict for it.
struct Call {
    op: usize,
    method: String,
    uri: String,
    /// `Some(true)`: within reach (any status but 403); `Some(false)`: 403; `None`: only
    /// the record decides, and it is not known before the request (not checked).
    allowed: Option<bool>,
}

/// The three projects with the most time entries.
fn busiest_projects(s: &AppState) -> Vec<i64> {
    let mut counts = std::collections::BTreeMap::<i64, usize>::new();
    for e in s.ids("time_entry") {
        if let Some(p) = s.field("time_entry", e, "project").and_then(|v| v.as_i64()) {
            *counts.entry(p).or_default() += 1;
        }
    }
    let mut by: Vec<(usize, i64)> = counts.into_iter().map(|(p, n)| (n, p)).collect();
    by.sort_unstable_by(|a, b| b.cmp(a));
    by.into_iter().take(3).map(|(_, p)| p).collect()
}

/// The uri of `op` with its path parameters taken from record `id` (self) or set to `parent`.
fn uri(s: &AppState, spec: &Spec, op: &Operation, id: Option<i64>, parent: Option<i64>) -> Option<String> {
    let mut uri = format!("/v2{}", op.path.raw);
    let res = &spec.resource(op.resource?).name;
    for p in &op.path_params {
        let value = match (&p.binding, id) {
            (ParamBinding::SelfId, Some(id)) => id,
            (ParamBinding::Parent(field), Some(id)) => s.field(res, id, field)?.as_i64()?,
            (ParamBinding::Parent(_), None) => parent?,
            (ParamBinding::SelfId, None) => return None,
        };
        uri = uri.replace(&format!("{{{}}}", p.name), &value.to_string());
    }
    if op.kind == OpKind::Report {
        uri.push_str(if uri.contains('?') { "&" } else { "?" });
        uri.push_str("from=20250303&to=20260302");
    }
    Some(uri)
}

/// The calls of one operation for `p`: a record within reach and one outside it where the
/// rule tells them apart, else the first.
fn calls(s: &AppState, spec: &Spec, ix: usize, p: &Persona) -> Vec<Call> {
    let op = &spec.operations[ix];
    let method = op.method.as_str().to_string();
    let expect = expect(s, spec, op.resource, rule(spec, op), op.kind, p);
    let decided = |inside: bool| match expect {
        Expect::All => Some(true),
        Expect::Nothing => Some(false),
        Expect::Some { .. } => Some(inside),
    };
    let has_self = op.path_params.iter().any(|x| x.binding == ParamBinding::SelfId);
    let parent = op.path_params.iter().find_map(|x| match &x.binding {
        ParamBinding::Parent(f) => Some(f.clone()),
        ParamBinding::SelfId => None,
    });
    let Some(res) = op.resource else {
        let uri = format!("/v2{}", op.path.raw);
        let uri = if op.kind == OpKind::Report { format!("{uri}?from=20250303&to=20260302") } else { uri };
        return vec![Call { op: ix, method, uri, allowed: decided(true) }];
    };
    let name = &spec.resource(res).name;
    let ids = s.ids(name);
    if has_self || op.selects_current_user {
        let mut picked = Vec::new();
        for want in [true, false] {
            if let Some(id) = ids.iter().copied().find(|id| expect.reaches(s, spec, res, *id, p.me) == want) {
                picked.extend(uri(s, spec, op, Some(id), None).map(|u| (u, want)));
            }
            if matches!(expect, Expect::All | Expect::Nothing) || op.selects_current_user {
                break;
            }
        }
        let allowed = |inside| if op.selects_current_user { Some(true) } else { decided(inside) };
        return picked
            .into_iter()
            .map(|(uri, inside)| Call { op: ix, method: method.clone(), uri, allowed: allowed(inside) })
            .collect();
    }
    match parent {
        None => {
            // A create decided by the record it would make (its own user, its project) is
            // left to the targeted tests; a list is checked item by item.
            let allowed = match (&expect, op.kind) {
                (Expect::Some { .. }, OpKind::Create) => None,
                _ => decided(true),
            };
            uri(s, spec, op, None, None).map(|uri| Call { op: ix, method, uri, allowed }).into_iter().collect()
        }
        Some(field) => {
            // Parents that have children: one the persona manages and one it does not.
            let parents: BTreeSet<i64> = ids.iter().filter_map(|id| s.field(name, *id, &field)?.as_i64()).collect();
            let (via, managed) = match &expect {
                Expect::Some { via, managed, .. } => (via.clone(), managed.clone()),
                _ => (None, Vec::new()),
            };
            let decides = via.as_deref() == Some(field.as_str());
            let mut out = Vec::new();
            for want in [true, false] {
                if let Some(pid) = parents.iter().copied().find(|x| !decides || managed.contains(x) == want) {
                    // A list under a parent out of reach is empty rather than refused.
                    let allowed = match (&expect, op.kind, decides) {
                        (Expect::Some { .. }, OpKind::Create, false) => None,
                        (_, OpKind::List, _) => decided(true),
                        _ => decided(want),
                    };
                    out.extend(uri(s, spec, op, None, Some(pid)).map(|uri| Call {
                        op: ix,
                        method: method.clone(),
                        uri,
                        allowed,
                    }));
                }
                if !decides {
                    break;
                }
            }
            out
        }
    }
}

/// Checks one read: its status, and for a list exactly the records the rule lets `p` see.
async fn check_read(s: &AppState, spec: &Spec, c: &Call, p: &Persona) {
    let op = &spec.operations[c.op];
    let sep = if c.uri.contains('?') { "&" } else { "?" };
    let uri = if op.kind == OpKind::List { format!("{}{sep}per_page=2000", c.uri) } else { c.uri.clone() };
    let r = as_user(s, p, &c.method, &uri, None).await;
    let what = format!("{:?} {} {uri}", p.roles, op.id);
    match c.allowed {
        Some(false) => {
            assert_eq!((r.status.as_u16(), r.text.as_str()), (403, spec.api.errors.forbidden.as_str()), "{what}")
        }
        _ => assert!(r.status.is_success(), "{what}: {} {}", r.status, r.text),
    }
    let (Some(pg), Some(res), Some(true)) = (&op.pagination, op.resource, c.allowed) else { return };
    // Lists of the current user's own (a behaviour computes them) differ from the
    // administrator's by design.
    if op.kind != OpKind::List || op.selects_current_user || op.behavior.is_some() {
        return;
    }
    let all = call(s, "GET", &uri, None).await.json();
    let mine = r.json();
    let expect = expect(s, spec, op.resource, rule(spec, op), op.kind, p);
    let ids = |v: &Value| -> Vec<i64> {
        v[&pg.envelope].as_array().map(|a| a.iter().filter_map(|i| i["id"].as_i64()).collect()).unwrap_or_default()
    };
    let want: Vec<i64> = ids(&all).into_iter().filter(|id| expect.reaches(s, spec, res, *id, p.me)).collect();
    assert_eq!(ids(&mine), want, "{what}: exactly the records within reach");
    assert_eq!(mine["total_entries"], json!(want.len()), "{what}");
}

#[tokio::test]
async fn every_operation_and_persona_gets_what_the_spec_rules_predict() {
    let spec = state().spec().clone();
    let (mut reads, mut refused, mut allowed) = (0, 0, 0);
    for (roles, manages) in PERSONAS {
        let s = state();
        let projects = busiest_projects(&s);
        let p = persona(&s, roles).await;
        // Two projects managed, and one the persona is only assigned to.
        if manages {
            manage(&s, &p, &projects[..2]).await;
        }
        assign(&s, &p, projects[2]).await;
        let all: Vec<Call> = (0..spec.operations.len()).flat_map(|ix| calls(&s, &spec, ix, &p)).collect();
        let is_write = |c: &Call| writes(spec.operations[c.op].kind);
        for c in all.iter().filter(|c| !is_write(c)) {
            check_read(&s, &spec, c, &p).await;
            reads += 1;
        }
        // The refused writes first, all of them against one fingerprint of the store.
        let before = fingerprint(&s);
        for c in all.iter().filter(|c| is_write(c) && c.allowed == Some(false)) {
            let r = as_user(&s, &p, &c.method, &c.uri, Some(&json!({}))).await;
            let what = format!("{roles:?} {} {} {}", spec.operations[c.op].id, c.method, c.uri);
            assert_eq!((r.status.as_u16(), r.text.as_str()), (403, spec.api.errors.forbidden.as_str()), "{what}");
            refused += 1;
        }
        assert!(fingerprint(&s) == before, "{roles:?}: a refused write changed the store");
        for c in all.iter().filter(|c| is_write(c) && c.allowed == Some(true)) {
            let r = as_user(&s, &p, &c.method, &c.uri, Some(&json!({}))).await;
            let what = format!("{roles:?} {} {} {}: {}", spec.operations[c.op].id, c.method, c.uri, r.text);
            assert!(r.status != 403 && !r.status.is_server_error(), "{what}");
            allowed += 1;
        }
        if roles == ["administrator"] {
            assert!(fingerprint(&s) != before, "the fingerprint sees the writes that were allowed");
        }
    }
    assert!(reads > 500 && refused > 200 && allowed > 80, "reads {reads}, refused {refused}, allowed {allowed}");
}

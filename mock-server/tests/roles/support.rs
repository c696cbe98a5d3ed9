//! Personas and what the spec's `access:` rules let them reach, worked out from
//! the stored records (never from the server's own access code).

use crate::common::*;
use harvest_mock::AppState;
use harvest_spec::Spec;
use harvest_spec::ir::{Access, OpKind, Operation, ResourceId, Roles, TypeRef};
use serde_json::{Value, json};

/// A user acting through their own token, and the projects they manage.
pub struct Persona {
    pub roles: Vec<String>,
    pub me: i64,
    pub token: String,
}

/// A user holding `roles`, created by the administrator, and a token acting as them.
pub async fn persona(s: &AppState, roles: &[&str]) -> Persona {
    let n = s.count("user");
    let body = json!({"first_name": "P", "last_name": format!("{n}"), "email": format!("p{n}@example.com"), "access_roles": roles});
    let u = call(s, "POST", "/v2/users", Some(&body)).await;
    assert_eq!(u.status, 201, "{}", u.text);
    let me = u.json()["id"].as_i64().unwrap();
    let t = call(s, "POST", "/__admin/tokens", Some(&json!({"user_id": me}))).await.json();
    let token = t["token"].as_str().unwrap().to_string();
    Persona { roles: roles.iter().map(|r| r.to_string()).collect(), me, token }
}

/// Makes the persona a project manager of `projects` (as the administrator).
pub async fn manage(s: &AppState, p: &Persona, projects: &[i64]) {
    for project in projects {
        let body = json!({"user_id": p.me, "is_project_manager": true});
        let r = call(s, "POST", &format!("/v2/projects/{project}/user_assignments"), Some(&body)).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
}

/// Assigns the persona to `project` without managing it (as the administrator).
pub async fn assign(s: &AppState, p: &Persona, project: i64) {
    let body = json!({"user_id": p.me, "is_project_manager": false});
    let r = call(s, "POST", &format!("/v2/projects/{project}/user_assignments"), Some(&body)).await;
    assert_eq!(r.status, 201, "{}", r.text);
}

/// A request as the persona.
pub async fn as_user(s: &AppState, p: &Persona, method: &str, uri: &str, body: Option<&Value>) -> Resp {
    let mut r = req(method, uri, body);
    r.headers_mut().insert("authorization", format!("Bearer {}", p.token).parse().unwrap());
    send(s, r).await
}

/// The rule an operation follows: its own, else its resource's.
pub fn rule<'a>(spec: &'a Spec, op: &'a Operation) -> Option<&'a Access> {
    if op.selects_current_user {
        return None;
    }
    op.access.as_ref().or_else(|| op.resource.and_then(|r| spec.resource(r).access.as_ref()))
}

/// Whether an operation of this kind is governed by the `write` roles.
pub fn writes(kind: OpKind) -> bool {
    !matches!(kind, OpKind::List | OpKind::Get | OpKind::Report)
}

/// What the spec says a persona reaches under one rule.
#[derive(Debug)]
pub enum Expect {
    All,
    /// Records whose `own` field is the persona, or whose `via` field is in `managed`.
    Some {
        own: Option<String>,
        via: Option<String>,
        managed: Vec<i64>,
    },
    Nothing,
}

fn admits(roles: &Roles, held: &[String]) -> bool {
    roles.admits(held.iter().map(String::as_str))
}

/// What `p` reaches with an operation of `kind` under `rule`.
pub fn expect(
    s: &AppState,
    spec: &Spec,
    res: Option<ResourceId>,
    rule: Option<&Access>,
    kind: OpKind,
    p: &Persona,
) -> Expect {
    let Some(a) = rule else { return Expect::All };
    let write = writes(kind);
    if admits(if write { &a.write } else { &a.read }, &p.roles) {
        return Expect::All;
    }
    let field = |ix: usize| res.map(|r| spec.resource(r).fields[ix].name.clone());
    let own = a.own.and_then(field);
    let m = a.managed.as_ref().filter(|m| admits(if write { &m.write } else { &m.read }, &p.roles));
    let (via, managed) = match m {
        Some(m) => (field(m.via), managed_by(s, spec, &m.by, p.me)),
        None => (None, Vec::new()),
    };
    if own.is_none() && via.is_none() { Expect::Nothing } else { Expect::Some { own, via, managed } }
}

/// Ids of the records user `me` manages under `by`, read from the stored link records.
pub fn managed_by(s: &AppState, spec: &Spec, by: &harvest_spec::ir::Managers, me: i64) -> Vec<i64> {
    let link = spec.resource(by.through);
    let name = |ix: usize| link.fields[ix].name.as_str();
    s.ids(&link.name)
        .into_iter()
        .filter(|a| s.field(&link.name, *a, name(by.user)) == Some(json!(me)))
        .filter(|a| s.field(&link.name, *a, name(by.flag)) == Some(json!(true)))
        .filter_map(|a| s.field(&link.name, a, name(by.target))?.as_i64())
        .collect()
}

impl Expect {
    /// Whether record `id` of resource `res` is within reach.
    pub fn reaches(&self, s: &AppState, spec: &Spec, res: ResourceId, id: i64, me: i64) -> bool {
        let resource = spec.resource(res);
        let value = |f: &str| match resource.fields.iter().find(|x| x.name == f).map(|x| &x.ty) {
            Some(TypeRef::Id) => Some(id),
            _ => s.field(&resource.name, id, f).and_then(|v| v.as_i64()),
        };
        match self {
            Expect::All => true,
            Expect::Nothing => false,
            Expect::Some { own, via, managed } => {
                own.as_deref().is_some_and(|f| value(f) == Some(me))
                    || via.as_deref().and_then(value).is_some_and(|v| managed.contains(&v))
            }
        }
    }
}

/// Every stored value of every record of the default account, as one string: equal
/// fingerprints mean nothing stored changed.
pub fn fingerprint(s: &AppState) -> String {
    let spec = s.spec();
    let mut out = String::new();
    for res in &spec.resources {
        for id in s.ids(&res.name) {
            out.push_str(&format!("{}#{id}", res.name));
            for f in &res.fields {
                out.push_str(&s.field(&res.name, id, &f.name).unwrap_or(Value::Null).to_string());
                out.push('|');
            }
            out.push('\n');
        }
    }
    out
}

//! Seeded data is referentially whole at every scale: every ref of every
//! record points at an existing record (null only where the field is
//! nullable), `[id]` lists point at existing records, `match` refs agree with
//! the fields they match and derived refs equal the ref they derive from.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use harvest_mock::{AppState, Config};
use harvest_spec::ir::{Field, RefSource, Schema, TypeRef};
use serde_json::Value;

/// (seed, scale): the default account, the tests' seed, tiny accounts that run
/// short of pairs and targets, and a larger one.
const CASES: &[(u64, f64)] = &[(42, 1.0), (7, 1.0), (3, 0.1), (11, 0.02), (1, 0.3), (5, 3.0)];

/// Everything wrong with one seeded account, as readable lines.
struct Check<'a> {
    state: &'a AppState,
    ids: HashMap<String, HashSet<i64>>,
    problems: Vec<String>,
}

impl Check<'_> {
    fn exists(&self, resource: &str, id: i64) -> bool {
        self.ids.get(resource).is_some_and(|s| s.contains(&id))
    }

    fn bad(&mut self, what: String) {
        if self.problems.len() < 20 {
            self.problems.push(what);
        }
    }

    /// A top-level field of record `id` of `resource`.
    fn field(&mut self, resource: &str, id: i64, f: &Field) {
        let spec = self.state.spec();
        let v = self.state.field(resource, id, &f.name);
        let here = format!("{resource} {id}.{}", f.name);
        match &f.ty {
            TypeRef::Ref(rt) => {
                let target = &spec.resource(rt.target).name;
                match v.as_ref().and_then(Value::as_i64) {
                    Some(t) if self.exists(target, t) => self.agrees(resource, id, &f.name, &rt.source, target, t),
                    Some(t) => self.bad(format!("{here} points at missing {target} {t}")),
                    None if f.nullable || (f.optional && v.is_none()) => {}
                    None => self.bad(format!("{here} is {v:?}, not a {target}")),
                }
            }
            _ => self.value(&here, f, v.as_ref()),
        }
    }

    /// A stored value: `[id]` lists and refs nested in value objects.
    fn value(&mut self, here: &str, f: &Field, v: Option<&Value>) {
        let spec = self.state.spec();
        let Some(v) = v else { return };
        if let (Some(t), Some(list)) = (f.references, v.as_array()) {
            let target = &spec.resource(t).name;
            for x in list {
                if !x.as_i64().is_some_and(|i| self.exists(target, i)) {
                    self.bad(format!("{here} lists missing {target} {x}"));
                }
            }
            return;
        }
        let (ty, objects): (_, Vec<&Value>) = match (&f.ty, v) {
            (TypeRef::Object(t), o) => (*t, vec![o]),
            (TypeRef::Array(inner), Value::Array(a)) => match inner.as_ref() {
                TypeRef::Object(t) => (*t, a.iter().collect()),
                _ => return,
            },
            _ => return,
        };
        for o in objects {
            let Some(m) = o.as_object() else { continue };
            for nf in spec.fields_of(Schema::Type(ty)) {
                let nv = m.get(&nf.name);
                match &nf.ty {
                    TypeRef::Ref(rt) => {
                        let target = &spec.resource(rt.target).name;
                        match nv.and_then(Value::as_i64) {
                            Some(i) if self.exists(target, i) => {}
                            Some(i) => self.bad(format!("{here}.{} points at missing {target} {i}", nf.name)),
                            None if nf.nullable || nv.is_none() => {}
                            None => self.bad(format!("{here}.{} is {nv:?}, not a {target}", nf.name)),
                        }
                    }
                    _ => self.value(&format!("{here}.{}", nf.name), nf, nv),
                }
            }
        }
    }

    /// A resolved ref agrees with the fields it matches or derives from.
    fn agrees(&mut self, resource: &str, id: i64, name: &str, source: &RefSource, target: &str, t: i64) {
        let pairs: Vec<(String, Value, Value)> = match source {
            RefSource::Match(pairs) => pairs
                .iter()
                .map(|(tf, of)| {
                    let theirs = self.state.field(target, t, tf).unwrap_or(Value::Null);
                    (
                        format!("{target} {t}.{tf} vs .{of}"),
                        theirs,
                        self.state.field(resource, id, of).unwrap_or(Value::Null),
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        for (what, theirs, ours) in pairs {
            if theirs != ours || ours.is_null() {
                self.bad(format!("{resource} {id}.{name}: {what}: {theirs} != {ours}"));
            }
        }
        if let RefSource::Derive { through, field } = source {
            let via = self.state.field(resource, id, through).and_then(|v| v.as_i64());
            let spec = self.state.spec();
            let r = spec.resource_named(resource).unwrap();
            let through_target = match spec.resource(r).field(through).map(|f| &f.ty) {
                Some(TypeRef::Ref(rt)) => spec.resource(rt.target).name.clone(),
                _ => return,
            };
            let expected = via.and_then(|v| self.state.field(&through_target, v, field));
            if expected.and_then(|e| e.as_i64()) != Some(t) {
                self.bad(format!("{resource} {id}.{name} = {t} is not its {through}.{field}"));
            }
        }
    }
}

/// Seeds one account and lists what is wrong with it.
fn problems(config: Config) -> Vec<String> {
    let state = AppState::new(config).expect("seeds");
    problems_of(&state)
}

/// What is wrong with a seeded account.
fn problems_of(state: &AppState) -> Vec<String> {
    let spec = state.spec();
    let ids = spec.resources.iter().map(|r| (r.name.clone(), state.ids(&r.name).into_iter().collect())).collect();
    let mut check = Check { state, ids, problems: Vec::new() };
    for res in &spec.resources {
        for id in state.ids(&res.name) {
            for f in res.fields.iter().filter(|f| may_hold_ids(f)) {
                check.field(&res.name, id, f);
            }
        }
    }
    check.problems
}

/// Refs, `[id]` lists and value objects (which may hold refs); not plain values.
fn may_hold_ids(f: &Field) -> bool {
    f.references.is_some() || matches!(f.ty, TypeRef::Ref(_) | TypeRef::Object(_) | TypeRef::Array(_))
}

fn assert_whole(seed: u64, scale: f64) {
    let found = problems(Config { seed, scale, ..Config::default() });
    assert!(found.is_empty(), "seed {seed}, scale {scale}:\n{}", found.join("\n"));
}

#[test]
fn every_seeded_ref_resolves_and_agrees() {
    for &(seed, scale) in CASES {
        assert_whole(seed, scale);
    }
}

/// The benchmark's account, where a user assignment's project could have no
/// task assignment and its time entries got a null one. Seeding it takes
/// about half a minute in a debug build, so it runs beside the others.
#[test]
fn the_benchmark_account_is_whole() {
    assert_whole(42, 50.0);
}

#[test]
fn the_check_sees_a_broken_ref() {
    // A deleted project leaves its time entries pointing at nothing; the check
    // must notice (so an empty list above means something).
    let state = AppState::new(Config { seed: 42, ..Config::default() }).expect("seeds");
    let entry = state.ids("time_entry")[0];
    let project = state.field("time_entry", entry, "project").and_then(|v| v.as_i64()).unwrap();
    let spec = state.spec();
    let mut ids: HashMap<String, HashSet<i64>> =
        spec.resources.iter().map(|r| (r.name.clone(), state.ids(&r.name).into_iter().collect())).collect();
    ids.get_mut("project").unwrap().remove(&project);
    let mut check = Check { state: &state, ids, problems: Vec::new() };
    let res = &spec.resources[spec.resource_named("time_entry").unwrap().0];
    for f in &res.fields {
        check.field(&res.name, entry, f);
    }
    assert!(check.problems.iter().any(|p| p.contains("missing project")), "{:?}", check.problems);
    // A task assignment of another project does not agree with the entry.
    let other = state
        .ids("task_assignment")
        .into_iter()
        .find(|ta| state.field("task_assignment", *ta, "project").and_then(|v| v.as_i64()) != Some(project))
        .unwrap();
    let source = match &res.field("task_assignment").unwrap().ty {
        TypeRef::Ref(rt) => rt.source.clone(),
        other => panic!("task_assignment is a ref, not {other:?}"),
    };
    check.problems.clear();
    check.agrees("time_entry", entry, "task_assignment", &source, "task_assignment", other);
    assert!(check.problems.iter().any(|p| p.contains("vs .project")), "{:?}", check.problems);
}

#[test]
fn a_record_whose_refs_cannot_agree_is_not_seeded() {
    // One seat and one kit among three rooms: when they are in different rooms
    // no booking can have both, and the account has no bookings rather than
    // bookings with a null seat or kit.
    let spec = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/unmatched"));
    let mut counts = Vec::new();
    for seed in 0..10 {
        let state = AppState::new(Config { seed, spec: Some(spec.clone()), ..Config::default() }).expect("seeds");
        let found = problems_of(&state);
        assert!(found.is_empty(), "seed {seed}:\n{}", found.join("\n"));
        counts.push(state.count("booking"));
    }
    assert!(counts.contains(&0) && counts.contains(&6), "both cases occur among the seeds: {counts:?}");
}

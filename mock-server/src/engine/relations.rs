//! Relations between records: refs that follow other refs (`derive`, `match`),
//! the uniqueness `match` refs rely on, and dependants that follow a change.

use harvest_spec::ir::{RefSource, ResourceId};

use crate::plan::{Plan, humanize};
use crate::store::{Cell, Rec, Store, ref_id};

/// Records that `match` refs must find uniquely (one user assignment per
/// project and user): a second one is "User has already been taken".
pub fn duplicates(plan: &Plan, store: &Store, r: ResourceId, rec: &Rec) -> Vec<String> {
    let mut out = Vec::new();
    for key in &plan.res[r].unique_keys {
        let vals: Option<Vec<i64>> = key.iter().map(|ix| ref_id(rec.get(*ix))).collect();
        let (Some(vals), Some(&first)) = (vals, key.first()) else { continue };
        let taken = store.referring(r, first, vals[0]).into_iter().any(|other| {
            store.get(r, other).is_some_and(|o| key.iter().zip(&vals).all(|(ix, v)| ref_id(o.get(*ix)) == Some(*v)))
        });
        if taken && let Some(last) = key.last() {
            out.push(format!("{} has already been taken", humanize(&plan.spec.resource(r).fields[last.0].name)));
        }
    }
    out
}

/// Recomputes `derive` and `match` refs from the record's other refs; returns a problem
/// (`User assignment must exist`) for each one the spec says is never null that finds nothing,
/// so a record never breaks its own schema (a time entry needs its user's assignment).
pub fn relink(plan: &Plan, store: &Store, r: ResourceId, rec: &mut Rec) -> Vec<String> {
    let info = &plan.res[r];
    let fields = &plan.spec.resource(r).fields;
    for rf in &info.refs {
        match &rf.source {
            RefSource::Derive { through, field } => {
                let v = info.ix(through).and_then(|tix| {
                    let tid = ref_id(rec.get(tix))?;
                    let tr = info.ref_at(tix)?.target;
                    store.field(plan, tr, tid, field).cloned()
                });
                rec[rf.ix] = Some(v.unwrap_or(Cell::Null));
            }
            RefSource::Match(pairs) => {
                let t = rf.target;
                let mut found: Option<Vec<i64>> = None;
                for (tf, of) in pairs {
                    let (Some(tix), Some(oix)) = (plan.res[t].ix(tf), info.ix(of)) else { continue };
                    let Some(v) = ref_id(rec.get(oix)) else {
                        found = Some(Vec::new());
                        continue;
                    };
                    let ids = store.referring(t, tix, v);
                    found = Some(match found {
                        Some(f) => f.into_iter().filter(|x| ids.contains(x)).collect(),
                        None => ids,
                    });
                }
                let v = found.and_then(|f| f.first().copied()).map_or(Cell::Null, Cell::Int);
                rec[rf.ix] = Some(v);
            }
            _ => {}
        }
    }
    info.refs
        .iter()
        .filter(|rf| matches!(rf.source, RefSource::Derive { .. } | RefSource::Match(_)))
        .filter(|rf| rec.get(rf.ix).is_some_and(|v| v.as_ref().is_none_or(Cell::is_null)))
        .filter_map(|rf| fields.get(rf.ix.0).filter(|f| !f.nullable && !f.optional))
        .map(|f| format!("{} must exist", humanize(&f.name)))
        .collect()
}

/// After record `id` of `r` changed, records whose `derive` refs go through it follow
/// (a time entry's client is its project's client, also after the project moves).
pub fn relink_dependants(plan: &Plan, store: &mut Store, r: ResourceId, id: i64) {
    for (dr, info) in plan.res.iter() {
        for rf in &info.refs {
            let RefSource::Derive { through, .. } = &rf.source else { continue };
            let Some(tix) = info.ix(through).filter(|tix| info.ref_at(*tix).is_some_and(|t| t.target == r)) else {
                continue;
            };
            for did in store.referring(dr, tix, id) {
                let Some(mut rec) = store.get(dr, did).cloned() else { continue };
                relink(plan, store, dr, &mut rec);
                store.put(plan, dr, did, rec);
            }
        }
    }
}

//! Records kept pre-serialised: the JSON of a record is rendered once and
//! reused until a record of any table its rendering reads changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use harvest_spec::ir::ResourceId;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use super::RecordView;
use crate::plan::Plan;
use crate::store::Store;

/// How many bytes of rendered JSON are kept before the cache starts over.
const BUDGET: usize = 64 * 1024 * 1024;

/// Rendered records by (resource, id), each with the stamp it was rendered at.
#[derive(Debug, Default)]
pub struct Rendered {
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    map: HashMap<(ResourceId, i64), (u64, Arc<RawValue>)>,
    bytes: usize,
}

/// A record's JSON, written verbatim into a response.
#[derive(Debug, Clone)]
pub struct Json(Arc<RawValue>);

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl Json {
    /// Length of the JSON text in bytes.
    pub fn len(&self) -> usize {
        self.0.get().len()
    }
}

impl Rendered {
    /// The JSON of record `id` of `r`, from the cache when nothing it shows has changed.
    pub fn record(&self, plan: &Plan, store: &Store, r: ResourceId, id: i64) -> Option<Json> {
        self.records(plan, store, r, &[id]).pop().flatten()
    }

    /// The JSON of each of `ids` of `r` (`None` for ids without a record), one lock
    /// for the cached ones, rendering and caching the rest.
    pub fn records(&self, plan: &Plan, store: &Store, r: ResourceId, ids: &[i64]) -> Vec<Option<Json>> {
        let stamp = store.stamp(plan.res.get(r).map_or(&[][..], |info| info.render_deps.as_slice()));
        let mut out: Vec<Option<Json>> = match self.entries.lock() {
            Ok(entries) => ids
                .iter()
                .map(|id| entries.map.get(&(r, *id)).filter(|(at, _)| *at == stamp).map(|(_, j)| Json(j.clone())))
                .collect(),
            Err(_) => vec![None; ids.len()],
        };
        let mut fresh = Vec::new();
        for (slot, id) in out.iter_mut().zip(ids).filter(|(slot, _)| slot.is_none()) {
            let Some(rec) = store.get(r, *id) else { continue };
            let Ok(text) = serde_json::to_string(&RecordView { plan, store, r, rec }) else { continue };
            let Ok(raw) = RawValue::from_string(text) else { continue };
            let json: Arc<RawValue> = raw.into();
            fresh.push((*id, json.clone()));
            *slot = Some(Json(json));
        }
        if !fresh.is_empty()
            && let Ok(mut entries) = self.entries.lock()
        {
            for (id, json) in fresh {
                if entries.bytes > BUDGET {
                    entries.map.clear();
                    entries.bytes = 0;
                }
                entries.bytes += json.get().len();
                entries.map.insert((r, id), (stamp, json));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Cell;

    #[test]
    fn a_change_to_the_record_or_to_what_it_embeds_renders_it_again() {
        let plan = Plan::harvest();
        let store0 = crate::seed::seed(&plan, &[], 42, 1.0, chrono::Utc::now(), &crate::seed::Progress::default());
        let mut store = store0;
        let te = plan.spec.resource_named("time_entry").unwrap_or(ResourceId(0));
        let project = plan.spec.resource_named("project").unwrap_or(ResourceId(0));
        let id = store.tables[te].rows.keys().next().copied().unwrap_or_default();
        let pid = store.ref_of(&plan, te, id, "project").unwrap_or_default();
        let cache = Rendered::default();
        let text =
            |c: &Rendered, s: &Store| c.record(&plan, s, te, id).map(|j| j.0.get().to_string()).unwrap_or_default();
        let first = text(&cache, &store);
        assert_eq!(first, text(&cache, &store), "unchanged record, same bytes");
        assert!(store.set(&plan, te, id, "notes", Cell::from("changed note")).is_ok());
        let second = text(&cache, &store);
        assert!(second.contains("changed note"), "{second}");
        assert!(store.set(&plan, project, pid, "name", Cell::from("Renamed project")).is_ok());
        let third = text(&cache, &store);
        assert!(third.contains("Renamed project"), "{third}");
        let fresh =
            serde_json::to_string(&RecordView { plan: &plan, store: &store, r: te, rec: &store.tables[te].rows[&id] })
                .unwrap_or_default();
        assert_eq!(third, fresh);
    }

    #[test]
    fn another_store_never_reuses_a_rendering() {
        let plan = Plan::harvest();
        let te = plan.spec.resource_named("time_entry").unwrap_or(ResourceId(0));
        let a = crate::seed::seed(&plan, &[], 42, 1.0, chrono::Utc::now(), &crate::seed::Progress::default());
        let b = crate::seed::seed(&plan, &[], 7, 1.0, chrono::Utc::now(), &crate::seed::Progress::default());
        let id = a.tables[te].rows.keys().next().copied().unwrap_or_default();
        let cache = Rendered::default();
        let from_a = cache.record(&plan, &a, te, id).map(|j| j.0.get().to_string());
        let from_b = cache.record(&plan, &b, te, id).map(|j| j.0.get().to_string());
        let direct_b = b
            .get(te, id)
            .map(|rec| serde_json::to_string(&RecordView { plan: &plan, store: &b, r: te, rec }).unwrap_or_default());
        assert_eq!(from_b, direct_b);
        assert_ne!(from_a, from_b);
    }
}

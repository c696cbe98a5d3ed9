//! The offline search action, `POST /{entity}/search`, over the live store.
//!
//! The search engine (`harvest-search`) checks and runs the request; this
//! module exposes the store to it: stored records rendered as responses are,
//! with the store's indexes answering equality on `id`, on ref ids
//! (`client.id`) and on filterable booleans (`is_billed`), so selective
//! filters do not scan every record.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use harvest_search::{Rec, Schema, Source};
use harvest_spec::ir::{ID_FIELD, OperationId, ResourceId, Response as Shape, Schema as RecordShape};
use serde_json::Value;

use super::{ApiError, ApiResult};
use crate::plan::Plan;
use crate::render;
use crate::store::{IdSet, Store};

/// What a search entity reads.
#[derive(Debug, Clone)]
enum Target {
    /// A stored resource.
    Resource(ResourceId),
    /// The rows of a report over all the data: the report's operation.
    Report(OperationId),
}

/// Every searchable entity of the spec, decided at start-up.
#[derive(Debug, Default)]
pub struct SearchTable {
    entities: BTreeMap<String, (Target, Schema)>,
}

impl SearchTable {
    /// The searchable entities of a plan: its resources with `search`, and report rows with `search`.
    pub fn build(plan: &Plan) -> SearchTable {
        let mut entities = BTreeMap::new();
        for (entity, (shape, schema)) in Schema::all_from_spec(&plan.spec) {
            let target = match shape {
                RecordShape::Resource(r) => Some(Target::Resource(r)),
                RecordShape::Type(t) => plan.ops.iter().find_map(|op| match &op.response {
                    Shape::List(RecordShape::Type(rt)) if *rt == t && plan.spec.operation(op.id).report.is_some() => {
                        Some(Target::Report(op.id))
                    }
                    _ => None,
                }),
            };
            if let Some(target) = target {
                entities.insert(entity, (target, schema));
            }
        }
        SearchTable { entities }
    }

    /// Whether `entity` can be searched.
    pub fn has(&self, entity: &str) -> bool {
        self.entities.contains_key(entity)
    }

    /// Answers one search request; `now` is the account's clock (for report rows).
    pub fn search(
        &self,
        plan: &Plan,
        store: &Store,
        entity: &str,
        body: &Value,
        now: DateTime<Utc>,
    ) -> ApiResult<Value> {
        let (target, schema) = self.entities.get(entity).ok_or(ApiError::NotFound)?;
        let request = harvest_search::parse_request(body, schema).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let (page, took_ms) = match target {
            Target::Resource(r) => {
                let source = StoreSource { plan, store, r: *r };
                harvest_search::search(&request, schema, &source)
            }
            Target::Report(op) => {
                let rows = super::report::all_rows(plan, store, &plan.ops[op.0], now);
                harvest_search::search(&request, schema, &rows.as_slice())
            }
        }
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        Ok(page.to_json(took_ms))
    }
}

/// One resource's records, rendered on demand.
struct StoreSource<'a> {
    plan: &'a Plan,
    store: &'a Store,
    r: ResourceId,
}

impl StoreSource<'_> {
    fn render(&self, id: i64) -> Option<Rec<'_>> {
        let rec = self.store.get(self.r, id)?;
        Some(Cow::Owned(render::record(self.plan, self.store, self.r, rec)))
    }
}

impl Source for StoreSource<'_> {
    fn scan(&self) -> Box<dyn Iterator<Item = Rec<'_>> + '_> {
        let table = &self.store.tables[self.r];
        Box::new(table.rows.values().map(|rec| Cow::Owned(render::record(self.plan, self.store, self.r, rec))))
    }

    fn lookup_eq(&self, path: &str, value: &Value) -> Option<Vec<Rec<'_>>> {
        let info = &self.plan.res[self.r];
        if let Some(b) = value.as_bool() {
            let ix = info.ix(path).filter(|ix| info.bools.contains(ix))?;
            let ids = self.store.with_bool(self.r, ix, b);
            return Some(ids.into_iter().flat_map(IdSet::iter).filter_map(|id| self.render(id)).collect());
        }
        let id = value.as_i64()?;
        if path == ID_FIELD {
            return Some(self.render(id).into_iter().collect());
        }
        let field = path.strip_suffix(".id")?;
        let ix = info.ix(field).filter(|ix| info.ref_at(*ix).is_some())?;
        let ids = self.store.tables[self.r].index.get(&ix)?.get(&id).map(IdSet::iter);
        Some(ids.into_iter().flatten().filter_map(|id| self.render(id)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::app::App;

    #[test]
    fn ids_ref_ids_and_booleans_are_answered_by_indexes() {
        let state = App::start(Config::default(), &crate::app::Progress::default()).unwrap_or_else(|e| panic!("{e}"));
        let inner = &state.inner;
        let tenant = state.default_tenant();
        let store = tenant.store.read().unwrap_or_else(|e| panic!("{e}"));
        let r = inner.plan.spec.resource_named("time_entry").unwrap_or_else(|| panic!("no time_entry"));
        let source = StoreSource { plan: &inner.plan, store: &store, r };
        let all: Vec<Value> = source.scan().map(|c| c.into_owned()).collect();
        let billed =
            source.lookup_eq("is_billed", &Value::Bool(true)).unwrap_or_else(|| panic!("is_billed is not indexed"));
        assert_eq!(billed.len(), all.iter().filter(|e| e["is_billed"] == Value::Bool(true)).count());
        assert!(billed.len() < all.len());
        let project = all[0]["project"]["id"].clone();
        let on_project =
            source.lookup_eq("project.id", &project).unwrap_or_else(|| panic!("project.id is not indexed"));
        assert_eq!(on_project.len(), all.iter().filter(|e| e["project"]["id"] == project).count());
        assert_eq!(source.lookup_eq("id", &all[0]["id"]).map(|v| v.len()), Some(1));
        assert!(source.lookup_eq("notes", &Value::String("x".into())).is_none(), "text is not indexed");
    }
}

//! The connector's entities and where the plain API serves each one, decided
//! once from the spec: every search entity (resources and report rows) with
//! its top-level list and, for resources, the get by id.

use std::collections::BTreeMap;

use harvest_spec::Spec;
use harvest_spec::ir::{OpKind, ParamBinding, PathSegment, Response, Schema};

/// How one entity is listed and fetched on the plain API.
#[derive(Debug, Clone)]
pub struct Entity {
    /// The list path below the API prefix (`/users`), and the envelope key of its items.
    pub list: Option<(String, String)>,
    /// The get path with `{id}` where the record's id goes (`/users/{id}`), or no
    /// placeholder for a singleton (`/company`).
    pub get: Option<String>,
}

/// Every entity of the connector, by name.
#[derive(Debug, Default)]
pub struct Entities(BTreeMap<String, Entity>);

impl Entities {
    /// The entities of `spec`: each `search.entity` of a resource or a report row type.
    pub fn build(spec: &Spec) -> Entities {
        let mut out = BTreeMap::new();
        for (i, r) in spec.resources.iter().enumerate() {
            let Some(search) = &r.search else { continue };
            let ops = spec.operations.iter().filter(|op| op.resource.map(|x| x.0) == Some(i));
            let mut entity = Entity { list: None, get: None };
            for op in ops {
                match op.kind {
                    OpKind::List if op.path_params.is_empty() && matches!(op.response, Response::List(_)) => {
                        let key = op.pagination.as_ref().map(|p| p.envelope.clone()).unwrap_or_default();
                        entity.list.get_or_insert((op.path.raw.clone(), key));
                    }
                    OpKind::Get if !op.selects_current_user && op.path_params.len() <= 1 => {
                        let own = op.path_params.iter().all(|p| p.binding == ParamBinding::SelfId);
                        if own && (r.singleton || !op.path_params.is_empty()) {
                            entity.get.get_or_insert(with_id_placeholder(op));
                        }
                    }
                    _ => {}
                }
            }
            out.insert(search.entity.clone(), entity);
        }
        for t in &spec.types {
            let Some(search) = &t.search else { continue };
            let report = spec.operations.iter().find(|op| {
                op.report.is_some()
                    && matches!(op.response, Response::List(Schema::Type(id)) if spec.type_def(id).name == t.name)
            });
            if let Some(op) = report {
                let key = op.pagination.as_ref().map(|p| p.envelope.clone()).unwrap_or_default();
                out.insert(search.entity.clone(), Entity { list: Some((op.path.raw.clone(), key)), get: None });
            }
        }
        Entities(out)
    }

    /// The entity with this name.
    pub fn get(&self, name: &str) -> Option<&Entity> {
        self.0.get(name)
    }

    /// The entity names, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }
}

/// The operation's path with `{id}` in place of its own id parameter.
fn with_id_placeholder(op: &harvest_spec::ir::Operation) -> String {
    op.path
        .segments
        .iter()
        .map(|s| match s {
            PathSegment::Literal(l) => format!("/{l}"),
            PathSegment::Param(_) => "/{id}".to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_connector_entity_has_a_list_and_resources_have_a_get() {
        let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
        let e = Entities::build(&spec);
        assert_eq!(e.names().len(), 18, "{:?}", e.names());
        for name in e.names() {
            let entity = &e.0[name];
            if name != "company" {
                assert!(entity.list.is_some(), "{name} has no list");
            }
            let by_id = (!name.starts_with("time_") || name == "time_entries") && !name.ends_with("_assignments");
            assert_eq!(entity.get.is_some(), by_id, "{name}: get");
        }
        assert_eq!(e.0["users"].get.as_deref(), Some("/users/{id}"));
        assert_eq!(e.0["company"].get.as_deref(), Some("/company"));
        assert_eq!(e.0["time_projects"].list, Some(("/reports/time/projects".into(), "results".into())));
    }
}

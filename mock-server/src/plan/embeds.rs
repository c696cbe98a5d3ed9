//! Where each field of an embedded ref summary (`"project": {"id", "name",
//! "code"}`) comes from in its target record, and which tables a record's
//! rendering reads, decided once at start-up.

use harvest_spec::ir::{ID_FIELD, NAME_FIELD, ResourceId, Spec, TypeId, TypeRef};

use super::{FieldIx, ResInfo};

/// The source of one field of an embedded summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedSrc {
    /// The target's field at this position.
    Field(FieldIx),
    /// The target's display name (its `name`, or its `name_from` fields joined).
    DisplayName,
    /// The target's id.
    Id,
    /// Nothing the target has: always `null`.
    Null,
}

/// How to fill one embedded summary type for one target resource.
#[derive(Debug, Clone)]
pub struct EmbedPlan {
    /// The resource the summary describes.
    pub target: ResourceId,
    /// The summary's fields in order: wire name and source.
    pub fields: Vec<(String, EmbedSrc)>,
}

/// One entry per spec type: the plan of the types used as ref summaries.
pub fn plan(spec: &Spec, res: &[ResInfo]) -> Vec<Option<EmbedPlan>> {
    let mut out: Vec<Option<EmbedPlan>> = vec![None; spec.types.len()];
    let resource_fields = spec.resources.iter().flat_map(|r| &r.fields);
    let type_fields = spec.types.iter().flat_map(|t| &t.fields);
    for f in resource_fields.chain(type_fields) {
        visit(spec, res, &f.ty, &mut out);
    }
    out
}

fn visit(spec: &Spec, res: &[ResInfo], ty: &TypeRef, out: &mut [Option<EmbedPlan>]) {
    match ty {
        TypeRef::Array(inner) => visit(spec, res, inner, out),
        TypeRef::Ref(rt) => {
            let (target, embed) = (rt.target, rt.embed.0);
            if out.get(embed).is_some_and(Option::is_none)
                && let Some(info) = res.get(target.0)
            {
                let fields = spec
                    .type_def(rt.embed)
                    .fields
                    .iter()
                    .map(|f| {
                        let src = match info.ix(&f.name) {
                            Some(ix) => EmbedSrc::Field(ix),
                            None if f.name == NAME_FIELD => EmbedSrc::DisplayName,
                            None if f.name == ID_FIELD => EmbedSrc::Id,
                            None => EmbedSrc::Null,
                        };
                        (f.name.clone(), src)
                    })
                    .collect();
                out[embed] = Some(EmbedPlan { target, fields });
            }
        }
        _ => {}
    }
}

/// Per resource: the tables its rendered records read (itself, and every
/// resource its refs embed, transitively), so a cached rendering can tell
/// whether any of them changed.
pub fn render_deps(spec: &Spec) -> Vec<Vec<ResourceId>> {
    (0..spec.resources.len())
        .map(|r| {
            let mut deps = vec![r];
            let mut seen_types = Vec::new();
            let mut i = 0;
            while let Some(&d) = deps.get(i) {
                for f in &spec.resources[d].fields {
                    refs_in(spec, &f.ty, &mut deps, &mut seen_types);
                }
                i += 1;
            }
            deps.sort_unstable();
            deps.into_iter().map(ResourceId).collect()
        })
        .collect()
}

fn refs_in(spec: &Spec, ty: &TypeRef, deps: &mut Vec<usize>, seen_types: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Array(inner) => refs_in(spec, inner, deps, seen_types),
        TypeRef::Ref(rt) if !deps.contains(&rt.target.0) => deps.push(rt.target.0),
        TypeRef::Object(t) if !seen_types.contains(t) => {
            seen_types.push(*t);
            for f in &spec.type_def(*t).fields {
                refs_in(spec, &f.ty, deps, seen_types);
            }
        }
        _ => {}
    }
}

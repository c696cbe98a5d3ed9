//! The offline search: per searchable record, the enum of its searchable paths,
//! the struct of a result, and the `search()` method of the group that exposes it.

use harvest_spec::Spec;
use harvest_spec::ir::{Field, GroupId, Location, Search, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;
use crate::names::{Side, Types, doc, ident, number_attr, unraw};

/// Every search of the spec with the fields of its record and where it was declared.
fn searches(spec: &Spec) -> impl Iterator<Item = (&Search, &[Field], &Location)> {
    let resources =
        spec.resources.iter().filter_map(|r| r.search.as_ref().map(|s| (s, r.fields.as_slice(), &r.location)));
    let types = spec.types.iter().filter_map(|t| t.search.as_ref().map(|s| (s, t.fields.as_slice(), &t.location)));
    resources.chain(types)
}

/// The field enums and result structs (for the models file).
pub(crate) fn models(spec: &Spec, types: &Types<'_>) -> Result<Vec<TokenStream>, Error> {
    let mut items = Vec::new();
    for (search, fields, at) in searches(spec) {
        let entity = &search.entity;
        let enum_name = ident(&search.field_rust, at)?;
        let mut variants = Vec::new();
        let mut paths = Vec::new();
        let mut tops = Vec::new();
        for p in &search.paths {
            let v = ident(&p.variant, at)?;
            let (path, field) = (&p.path, &p.field);
            let d = doc(&path_doc(spec, fields, path));
            variants.push(quote!(#d #v,));
            paths.push(quote!(Self::#v => #path,));
            tops.push(quote!(Self::#v => #field,));
        }
        let enum_doc = doc(&format!("The searchable paths of `{entity}`: a search filter can name nothing else."));
        let hit_name = ident(&search.hit_rust, at)?;
        let mut hit_fields = Vec::new();
        for name in &search.fields {
            let f = fields.iter().find(|f| &f.name == name).ok_or_else(|| {
                Error::spec(at, format!("search field `{name}` of `{entity}` is not a field of its records"))
            })?;
            let fid = ident(&f.ident, &f.location)?;
            let ty = types.rust(&f.ty, Side::Response, &f.location)?;
            let rename = if unraw(&f.ident) == f.name {
                quote!()
            } else {
                let w = &f.name;
                quote!(#[serde(rename = #w)])
            };
            let d = match f.doc.trim() {
                "" => doc(&format!("`{}`, when returned.", f.name)),
                text => doc(&format!("{text} `None` when the search left it out.")),
            };
            let num = number_attr(&f.ty);
            hit_fields.push(quote!(#d #rename #num #[serde(default)] pub #fid: ::std::option::Option<#ty>,));
        }
        let hit_doc = doc(&format!("One `{entity}` search result: the searchable fields the search returned."));
        items.push(quote! {
            #enum_doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #enum_name { #(#variants)* }
            impl rt::SearchField for #enum_name {
                fn path(self) -> &'static str { match self { #(#paths)* } }
                fn field(self) -> &'static str { match self { #(#tops)* } }
            }
            #hit_doc
            #[derive(Debug, Clone, PartialEq, rt::serde::Serialize, rt::serde::Deserialize)]
            #[serde(crate = "::harvest_client_runtime::serde")]
            pub struct #hit_name { #(#hit_fields)* }
        });
    }
    Ok(items)
}

/// `` `client.name`: Name of the client. ``: a search path with the doc of the field it ends at.
fn path_doc(spec: &Spec, fields: &[Field], path: &str) -> String {
    let mut fields = fields;
    let mut leaf = None;
    for segment in path.split('.') {
        let Some(f) = fields.iter().find(|f| f.name == segment) else {
            leaf = None;
            break;
        };
        leaf = Some(f);
        let mut ty = &f.ty;
        while let TypeRef::Array(inner) = ty {
            ty = inner;
        }
        fields = match ty {
            TypeRef::Ref(r) => spec.types.get(r.embed.0).map_or(&[], |t| t.fields.as_slice()),
            TypeRef::Object(id) => spec.types.get(id.0).map_or(&[], |t| t.fields.as_slice()),
            _ => &[],
        };
    }
    match leaf.map(|f| f.doc.trim()).filter(|d| !d.is_empty()) {
        Some(text) => format!("`{path}`: {text}"),
        None => format!("`{path}`"),
    }
}

/// The `search` methods of one group (for the operations file).
pub(crate) fn methods(spec: &Spec, group: GroupId) -> Result<Vec<TokenStream>, Error> {
    let mut out = Vec::new();
    for (search, _, at) in searches(spec).filter(|(s, _, _)| s.group == Some(group)) {
        let method = ident(&search.method_ident, at)?;
        let hit = ident(&search.hit_rust, at)?;
        let field = ident(&search.field_rust, at)?;
        let path = format!("/{}/search", search.entity);
        let d = doc(&format!(
            "Searches `{}` offline (`POST {path}`): build the query with [`rt::Filter`] over [`models::{}`].",
            search.entity, search.field_rust
        ));
        out.push(quote! {
            #d
            pub fn #method(&self) -> rt::SearchRequest<models::#hit, models::#field> {
                rt::SearchRequest::new(self.rt_core.clone(), #path)
            }
        });
    }
    Ok(out)
}

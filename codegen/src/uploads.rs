//! File fields: sent as `multipart/form-data` by a resource's create and update calls.
//!
//! The spec format has no upload construct, so a file field is recognised from what the
//! spec does declare: a resource field that no JSON request sets, that may be `null`, whose
//! type is an object declared under `types:`, and that the resource pairs with a
//! request-only boolean input `delete_<field>` (Harvest's `receipt` and `delete_receipt`).
//! Its create and update operations get a setter named like the field on their `Call`,
//! taking an `rt::Upload`; the runtime then sends the body's fields as form fields and the
//! file under the field's wire name.

use std::collections::BTreeSet;

use harvest_spec::Spec;
use harvest_spec::ir::{Field, OpKind, Operation, TypeOrigin, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;
use crate::names::{doc, ident};
use crate::operations::check_name;

/// The file fields an operation takes: none unless it creates or updates a resource with some.
fn file_fields<'a>(spec: &'a Spec, op: &Operation) -> Vec<&'a Field> {
    if !matches!(op.kind, OpKind::Create | OpKind::Update) || op.body.is_none() {
        return Vec::new();
    }
    let Some(resource) = op.resource.and_then(|id| spec.resources.get(id.0)) else { return Vec::new() };
    let declared_object = |ty: &TypeRef| match ty {
        TypeRef::Object(id) => spec.types.get(id.0).is_some_and(|t| t.origin == TypeOrigin::Declared),
        _ => false,
    };
    let deletable = |name: &str| {
        let flag = format!("delete_{name}");
        resource.inputs.iter().any(|i| i.name == flag && i.ty == TypeRef::Boolean)
    };
    resource
        .fields
        .iter()
        .filter(|f| f.input.is_read_only() && f.nullable && declared_object(&f.ty) && deletable(&f.name))
        .collect()
}

/// What one operation's file fields add to its parameter struct.
#[derive(Default)]
pub(crate) struct FileParts {
    /// Field declarations.
    pub fields: Vec<TokenStream>,
    /// Field initialisers.
    pub inits: Vec<TokenStream>,
    /// Setters on `Call<P>`.
    pub setters: Vec<TokenStream>,
    /// Statements attaching the files to `req`.
    pub attach: Vec<TokenStream>,
}

/// The parameter-struct pieces of `op`'s file fields, their names checked against `used`.
pub(crate) fn parts(spec: &Spec, op: &Operation, used: &mut BTreeSet<String>) -> Result<FileParts, Error> {
    let mut parts = FileParts::default();
    for field in file_fields(spec, op) {
        check_name(op, used, &field.ident)?;
        let fid = ident(&field.ident, &field.location)?;
        let wire = &field.name;
        let text = match field.doc.trim() {
            "" => format!("The `{wire}` file."),
            text => text.to_owned(),
        };
        let d = doc(&format!(
            "{text} Sent as the `{wire}` part of a `multipart/form-data` body, the other fields as form fields."
        ));
        parts.fields.push(quote!(#fid: ::std::option::Option<rt::Upload>,));
        parts.inits.push(quote!(#fid: None,));
        parts.setters.push(quote! {
            #d
            pub fn #fid(mut self, file: rt::Upload) -> Self {
                self.params.#fid = Some(file);
                self
            }
        });
        parts.attach.push(quote! {
            if let Some(file) = &self.#fid {
                req.upload(#wire, file.clone());
            }
        });
    }
    Ok(parts)
}

//! Per operation: the parameter struct, its `rt::Operation` impl, its setters on `Call<P>`
//! and the group method that starts it.

use std::collections::BTreeSet;

use harvest_spec::ir::{Operation, Response};
use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;
use crate::names::{Types, doc, ident};
use crate::operations::{check_name, is_string, method_tokens, param_type, path_expr};

/// The pieces of one operation's parameter struct.
#[derive(Default)]
struct Parts {
    /// Arguments of the group method.
    args: Vec<TokenStream>,
    /// Field declarations.
    fields: Vec<TokenStream>,
    /// Field initialisers in the group method.
    inits: Vec<TokenStream>,
    /// Setters on `Call<P>`.
    setters: Vec<TokenStream>,
    /// Statements adding query parameters to `req`.
    query: Vec<TokenStream>,
    /// Statements attaching files to `req`.
    attach: Vec<TokenStream>,
    /// Whether every field starts empty, so the struct derives `Default`.
    all_optional: bool,
}

fn setter(name: &proc_macro2::Ident, d: TokenStream, arg: TokenStream, assign: TokenStream) -> TokenStream {
    quote! {
        #d
        pub fn #name(mut self, #arg) -> Self {
            #assign
            self
        }
    }
}

fn parts(types: &Types<'_>, op: &Operation) -> Result<Parts, Error> {
    let at = &op.location;
    let mut used = BTreeSet::new();
    let mut p = Parts { all_optional: op.path_params.is_empty() && op.body.is_none(), ..Parts::default() };
    for param in &op.path_params {
        check_name(op, &mut used, &param.ident)?;
        let pid = ident(&param.ident, at)?;
        p.args.push(quote!(#pid: i64));
        p.fields.push(quote!(#pid: i64,));
        p.inits.push(quote!(#pid,));
    }
    for q in &op.query {
        check_name(op, &mut used, &q.ident)?;
        let qid = ident(&q.ident, at)?;
        let ty = param_type(types, &q.ty, op)?;
        let wire = &q.name;
        if q.required {
            p.all_optional = false;
            p.args.push(quote!(#qid: #ty));
            p.fields.push(quote!(#qid: #ty,));
            p.inits.push(quote!(#qid,));
            p.query.push(quote!(req.query(#wire, rt::QueryValue::to_query(&self.#qid));));
            continue;
        }
        p.fields.push(quote!(#qid: ::std::option::Option<#ty>,));
        p.inits.push(quote!(#qid: None,));
        let d = if q.doc.trim().is_empty() { doc(&format!("Sets the `{wire}` query parameter.")) } else { doc(&q.doc) };
        let (arg, assign) = if is_string(&q.ty) {
            (quote!(value: impl ::std::convert::Into<String>), quote!(self.params.#qid = Some(value.into());))
        } else {
            (quote!(value: #ty), quote!(self.params.#qid = Some(value);))
        };
        p.setters.push(setter(&qid, d, arg, assign));
        p.query.push(quote!(req.query_opt(#wire, &self.#qid);));
    }
    if let Some(body) = &op.body {
        let b = ident(&body.rust, at)?;
        p.args.push(quote!(body: models::#b));
        p.fields.push(quote!(body: models::#b,));
        p.inits.push(quote!(body,));
    }
    let files = crate::uploads::parts(types.spec, op, &mut used)?;
    p.fields.extend(files.fields);
    p.inits.extend(files.inits);
    p.setters.extend(files.setters);
    p.attach = files.attach;
    if let Some(pagination) = &op.pagination {
        check_name(op, &mut used, "per_page")?;
        p.fields.push(quote!(per_page: ::std::option::Option<u32>,));
        p.inits.push(quote!(per_page: None,));
        let d = doc(&format!("Records per page (at most {}); the server default when unset.", pagination.per_page.max));
        p.setters.push(setter(
            &ident("per_page", at)?,
            d,
            quote!(per_page: u32),
            quote!(self.params.per_page = Some(per_page);),
        ));
        p.query.push(quote!(req.query_opt("per_page", &self.per_page);));
    }
    Ok(p)
}

/// The group method and the items of one operation.
pub(crate) fn operation(types: &Types<'_>, op: &Operation) -> Result<(TokenStream, TokenStream), Error> {
    let at = &op.location;
    let name = ident(&op.request_rust, at)?;
    let method_ident = ident(&op.ident, at)?;
    let p = parts(types, op)?;
    let (args, fields, inits, setters, query, attach) = (&p.args, &p.fields, &p.inits, &p.setters, &p.query, &p.attach);
    let http_method = method_tokens(op.method);
    let path = path_expr(op)?;
    let idempotent = op.idempotent;
    let body = if op.body.is_some() { quote!(req.json(&self.body)?;) } else { TokenStream::new() };
    let (output, decode) = match &op.response {
        Response::None => (quote!(()), quote!(Ok(()))),
        Response::One(schema) => (types.schema(*schema, at)?, quote!(rt::decode(response))),
        Response::List(schema) => {
            let t = types.schema(*schema, at)?;
            let envelope = op.pagination.as_ref().map(|p| p.envelope.clone()).unwrap_or_default();
            (quote!(rt::Page<#t>), quote!(rt::decode_page(response, #envelope)))
        }
        Response::BareList { key, item } => {
            let t = types.schema(*item, at)?;
            (quote!(::std::vec::Vec<#t>), quote!(rt::decode_key(response, #key)))
        }
    };
    let new_request = quote!(rt::Request::new(#http_method, #path, #idempotent));
    let request = if query.is_empty() && body.is_empty() && attach.is_empty() {
        quote!(Ok(#new_request))
    } else {
        quote! {
            let mut req = #new_request;
            #(#query)*
            #body
            #(#attach)*
            Ok(req)
        }
    };
    let response_arg = if matches!(op.response, Response::None) { quote!(_response) } else { quote!(response) };
    let list_impl = match (&op.response, &op.pagination) {
        (Response::List(schema), Some(pagination)) => {
            let t = types.schema(*schema, at)?;
            let envelope = &pagination.envelope;
            quote! {
                impl rt::ListOperation for #name {
                    type Item = #t;
                    const ENVELOPE: &'static str = #envelope;
                }
            }
        }
        _ => TokenStream::new(),
    };
    let setters_impl = if setters.is_empty() {
        TokenStream::new()
    } else {
        quote! { impl Call<#name> { #(#setters)* } }
    };
    let http = format!("`{} {}`", op.method.as_str(), op.path.raw);
    let op_doc = match op.doc.trim() {
        "" => doc(&format!("{http}: Harvest operation `{}`.", op.id)),
        text => doc(&format!("{text} ({http}, Harvest operation `{}`.)", op.id)),
    };

    let struct_doc = doc(&format!("Parameters of `{}` ({http}); set them on its [`Call`].", op.id));
    let (derive_default, init) = if p.all_optional {
        (quote!(Default,), quote!(Default::default()))
    } else {
        (TokenStream::new(), quote!(#name { #(#inits)* }))
    };
    let method = quote! {
        #op_doc
        pub fn #method_ident(&self, #(#args),*) -> Call<#name> {
            Call::new(self.rt_core, #init)
        }
    };
    let item = quote! {
        #struct_doc
        #[derive(Debug, Clone, #derive_default)]
        pub struct #name {
            #(#fields)*
        }
        impl rt::Operation for #name {
            type Output = #output;
            fn request(&self) -> rt::Result<rt::Request> {
                #request
            }
            fn decode(#response_arg: &rt::Response) -> rt::Result<Self::Output> {
                #decode
            }
        }
        #list_impl
        #setters_impl
    };
    Ok((method, item))
}

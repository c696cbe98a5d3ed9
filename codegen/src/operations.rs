//! `operations.rs`: the client, one group struct per group, one request builder per operation.

use std::collections::BTreeSet;

use harvest_spec::Spec;
use harvest_spec::ir::{FilterOp, Group, GroupId, Method, OpKind, Operation, PathSegment, Response, Schema, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::Error;
use crate::names::{Side, Types, doc, ident, runtime_path};

/// Names the generated builders use for their own fields and methods.
const RESERVED_METHODS: &[&str] = &["send", "pages", "stream", "timeout", "retry", "per_page", "request", "core"];
const RESERVED_FIELDS: &[&str] = &["rt_core", "rt_opts", "rt_body", "rt_per_page"];
/// Methods of the client itself that group accessors must not shadow.
const CLIENT_METHODS: &[&str] = &["builder", "core", "raw", "from", "base_url"];

pub(crate) fn emit(spec: &Spec) -> Result<TokenStream, Error> {
    let types = Types { spec, prefix: quote!(models::) };
    let mut accessors = Vec::new();
    let mut items = Vec::new();
    let mut seen_groups = BTreeSet::new();
    for (group_index, group) in spec.groups.iter().enumerate() {
        let at = group_location(spec, group);
        if CLIENT_METHODS.contains(&group.rust.ident.as_str()) || !seen_groups.insert(group.rust.ident.clone()) {
            return Err(Error::spec(
                &at,
                format!("group name `{}` clashes with another client method", group.rust.ident),
            ));
        }
        let gident = ident(&group.rust.ident, &at)?;
        let gtype = ident(&group.rust.pascal, &at)?;
        let d = if group.doc.trim().is_empty() {
            doc(&format!("The `{}` operations.", group.name))
        } else {
            doc(&group.doc)
        };
        accessors.push(quote! {
            #d
            pub fn #gident(&self) -> #gtype<'_> {
                #gtype { rt_core: &self.core }
            }
        });
        items.push(group_tokens(spec, &types, GroupId(group_index), &gtype)?);
    }
    let api = &spec.api;
    let (base_url, token_header, account_header) = (&api.base_url, &api.auth.token_header, &api.auth.account_header);
    let user_agent_required = api.auth.user_agent_required;
    let builder_doc = doc(&format!("Starts configuring a client for `{base_url}`."));
    let runtime = runtime_path();
    Ok(quote! {
        //! The client: one accessor per resource group, one request builder per operation.
        use #runtime as rt;
        use super::models;

        /// This API's settings, from the spec.
        pub const API: rt::ApiConfig = rt::ApiConfig {
            base_url: #base_url,
            token_header: #token_header,
            account_header: #account_header,
            user_agent_required: #user_agent_required,
        };

        /// The API client. Build one with [`Client::builder`]; clones share one connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            core: rt::Core,
        }

        impl Client {
            #builder_doc
            pub fn builder() -> rt::ClientBuilder<Self> {
                rt::ClientBuilder::new(API)
            }
            /// The runtime core shared by every request.
            pub fn core(&self) -> &rt::Core {
                &self.core
            }
            /// The API root requests are sent to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }
            /// A free-form call to any path (relative to the base URL) or absolute URL, with auth added.
            pub fn raw(&self, method: rt::Method, path: impl ::std::convert::Into<String>) -> rt::RawRequest {
                self.core.raw(method, path)
            }
            #(#accessors)*
        }

        impl ::std::convert::From<rt::Core> for Client {
            fn from(core: rt::Core) -> Self {
                Self { core }
            }
        }

        #(#items)*
    })
}

fn group_location(spec: &Spec, group: &Group) -> harvest_spec::ir::Location {
    group.operations.first().and_then(|id| spec.operations.get(id.0)).map(|op| op.location.clone()).unwrap_or_default()
}

fn group_tokens(spec: &Spec, types: &Types<'_>, group_id: GroupId, gtype: &Ident) -> Result<TokenStream, Error> {
    let group = spec.group(group_id);
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    let mut names = BTreeSet::new();
    for id in &group.operations {
        let op =
            spec.operations.get(id.0).ok_or_else(|| Error::spec(&group_location(spec, group), "missing operation"))?;
        if !names.insert(op.ident.clone()) || op.ident == "watch" {
            return Err(Error::spec(
                &op.location,
                format!("method name `{}` is used twice in group `{}`", op.ident, group.name),
            ));
        }
        let (method, builder) = operation(types, op)?;
        methods.push(method);
        builders.push(builder);
    }
    if let Some(watch) = watch_method(spec, types, group)? {
        methods.push(watch);
    }
    methods.extend(crate::search::methods(spec, group_id)?);
    let d =
        if group.doc.trim().is_empty() { doc(&format!("The `{}` operations.", group.name)) } else { doc(&group.doc) };
    Ok(quote! {
        #d
        #[derive(Debug, Clone, Copy)]
        pub struct #gtype<'a> {
            rt_core: &'a rt::Core,
        }
        impl<'a> #gtype<'a> {
            #(#methods)*
        }
        #(#builders)*
    })
}

/// `watch(interval)` for groups whose list takes `updated_since` and whose records have id and `updated_at`.
fn watch_method(spec: &Spec, types: &Types<'_>, group: &Group) -> Result<Option<TokenStream>, Error> {
    let Some(resource_id) = group.resource else { return Ok(None) };
    let Some(resource) = spec.resources.get(resource_id.0) else { return Ok(None) };
    let plain = |wire: &str, ty: &TypeRef| {
        resource.fields.iter().any(|f| f.name == wire && &f.ty == ty && !f.nullable && !f.optional)
    };
    if !plain("id", &TypeRef::Id) || !plain("updated_at", &TypeRef::DateTime) {
        return Ok(None);
    }
    for id in &group.operations {
        let Some(op) = spec.operations.get(id.0) else { continue };
        let is_list = op.kind == OpKind::List && op.response == Response::List(Schema::Resource(resource_id));
        let Some(pagination) = &op.pagination else { continue };
        let since = op.query.iter().find(|q| {
            q.ty == TypeRef::DateTime
                && q.filter.as_ref().is_some_and(|f| f.field == "updated_at" && f.op == FilterOp::Gte)
        });
        let (true, Some(since), true) = (is_list, since, op.path_params.is_empty()) else { continue };
        let item = types.schema(Schema::Resource(resource_id), &op.location)?;
        let path = &op.path.raw;
        let envelope = &pagination.envelope;
        let param = &since.name;
        let d = doc(&format!(
            "Polls `{path}` every `interval` with `{param}` and yields each new or changed record once; \
             resume after a restart with [`rt::Watch::from_checkpoint`]."
        ));
        return Ok(Some(quote! {
            #d
            pub fn watch(&self, interval: ::std::time::Duration) -> rt::Watch<#item> {
                rt::Watch::new(self.rt_core.clone(), #path, #envelope, #param, interval)
            }
        }));
    }
    Ok(None)
}

fn builder_name(op: &Operation) -> Result<Ident, Error> {
    ident(&op.request_rust, &op.location)
}

fn method_tokens(m: Method) -> TokenStream {
    match m {
        Method::Get => quote!(rt::Method::GET),
        Method::Post => quote!(rt::Method::POST),
        Method::Patch => quote!(rt::Method::PATCH),
        Method::Delete => quote!(rt::Method::DELETE),
    }
}

fn operation(types: &Types<'_>, op: &Operation) -> Result<(TokenStream, TokenStream), Error> {
    let at = &op.location;
    let name = builder_name(op)?;
    let method_ident = ident(&op.ident, at)?;
    let mut used = BTreeSet::new();
    let mut check = |n: &str| -> Result<(), Error> {
        if RESERVED_METHODS.contains(&n) || RESERVED_FIELDS.contains(&n) || !used.insert(n.to_string()) {
            return Err(Error::spec(
                at,
                format!("parameter `{n}` of `{}` clashes with another name of its request builder", op.id),
            ));
        }
        Ok(())
    };

    // Arguments of the group method and fields of the builder.
    let mut args = Vec::new();
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut query_push = Vec::new();

    for p in &op.path_params {
        check(&p.ident)?;
        let pid = ident(&p.ident, at)?;
        args.push(quote!(#pid: i64));
        fields.push(quote!(#pid: i64,));
        inits.push(quote!(#pid,));
    }
    for q in &op.query {
        check(&q.ident)?;
        let qid = ident(&q.ident, at)?;
        let ty = types.rust(&q.ty, Side::Request, at)?;
        let wire = &q.name;
        let d = if q.doc.trim().is_empty() { doc(&format!("Sets the `{wire}` query parameter.")) } else { doc(&q.doc) };
        if q.required {
            args.push(quote!(#qid: #ty));
            fields.push(quote!(#qid: #ty,));
            inits.push(quote!(#qid,));
            query_push.push(quote!(req.query(#wire, rt::QueryValue::to_query(&self.#qid));));
        } else {
            fields.push(quote!(#qid: ::std::option::Option<#ty>,));
            inits.push(quote!(#qid: None,));
            let (arg, assign) = if matches!(q.ty, TypeRef::String | TypeRef::Time) {
                (quote!(value: impl ::std::convert::Into<String>), quote!(self.#qid = Some(value.into());))
            } else {
                (quote!(value: #ty), quote!(self.#qid = Some(value);))
            };
            setters.push(quote! {
                #d
                pub fn #qid(mut self, #arg) -> Self {
                    #assign
                    self
                }
            });
            query_push.push(quote! {
                if let Some(value) = &self.#qid {
                    req.query(#wire, rt::QueryValue::to_query(value));
                }
            });
        }
    }
    let body_ty = match &op.body {
        Some(body) => {
            let b = ident(&body.rust, at)?;
            args.push(quote!(body: models::#b));
            fields.push(quote!(rt_body: models::#b,));
            inits.push(quote!(rt_body: body,));
            quote!(req.json(&self.rt_body)?;)
        }
        None => TokenStream::new(),
    };
    if op.pagination.is_some() {
        fields.push(quote!(rt_per_page: ::std::option::Option<u32>,));
        inits.push(quote!(rt_per_page: None,));
        let max = op.pagination.as_ref().map(|p| p.per_page.max).unwrap_or_default();
        let d = doc(&format!("Records per page (at most {max}); the server default when unset."));
        setters.push(quote! {
            #d
            pub fn per_page(mut self, per_page: u32) -> Self {
                self.rt_per_page = Some(per_page);
                self
            }
        });
        query_push.push(quote! {
            if let Some(value) = self.rt_per_page {
                req.query("per_page", value.to_string());
            }
        });
    }

    // The path as a format string.
    let mut fmt = String::new();
    let mut fmt_args = Vec::new();
    for seg in &op.path.segments {
        fmt.push('/');
        match seg {
            PathSegment::Literal(s) => fmt.push_str(&s.replace('{', "{{").replace('}', "}}")),
            PathSegment::Param(i) => {
                let p =
                    op.path_params.get(*i).ok_or_else(|| Error::spec(at, "path segment names a missing parameter"))?;
                let pid = ident(&p.ident, at)?;
                fmt.push_str("{}");
                fmt_args.push(quote!(self.#pid));
            }
        }
    }
    if fmt.is_empty() {
        fmt.push('/');
    }
    let http_method = method_tokens(op.method);
    let path_expr = if fmt_args.is_empty() {
        let literal = fmt.replace("{{", "{").replace("}}", "}");
        quote!(#literal.to_owned())
    } else {
        quote!(format!(#fmt #(, #fmt_args)*))
    };
    let idempotent = op.idempotent;

    let (ret, decode) = match &op.response {
        Response::None => (quote!(()), quote! { let _ = response; Ok(()) }),
        Response::One(schema) => {
            let t = types.schema(*schema, at)?;
            (t.clone(), quote!(rt::decode::<#t>(&response)))
        }
        Response::List(schema) => {
            let t = types.schema(*schema, at)?;
            let envelope = op.pagination.as_ref().map(|p| p.envelope.clone()).unwrap_or_default();
            (quote!(rt::Page<#t>), quote!(rt::decode_page::<#t>(&response, #envelope)))
        }
        Response::BareList { key, item } => {
            let t = types.schema(*item, at)?;
            (quote!(::std::vec::Vec<#t>), quote!(rt::decode_key::<::std::vec::Vec<#t>>(&response, #key)))
        }
    };
    let streams = match (&op.response, &op.pagination) {
        (Response::List(schema), Some(p)) => {
            let t = types.schema(*schema, at)?;
            let envelope = &p.envelope;
            quote! {
                /// Every page, fetched lazily by following `links.next`; an error ends the stream after being yielded.
                pub fn pages(self) -> rt::PageStream<'static, #t> {
                    let request = self.request();
                    rt::pages(self.rt_core, request, #envelope)
                }
                /// Every record of every page, fetched lazily; an error ends the stream after being yielded.
                pub fn stream(self) -> rt::ItemStream<'static, #t> {
                    rt::items(self.pages())
                }
            }
        }
        _ => TokenStream::new(),
    };

    let http = format!("`{} {}`", op.method.as_str(), op.path.raw);
    let op_doc = if op.doc.trim().is_empty() { doc(&format!("{} ({http}).", op.id)) } else { doc(&op.doc) };
    let http_doc = doc(&format!("{http} — Harvest operation `{}`.", op.id));
    let builder_doc = doc(&format!("Request builder of `{}` ({http}); finish with `.send().await`.", op.id));
    let method = quote! {
        #op_doc
        ///
        #http_doc
        pub fn #method_ident(&self, #(#args),*) -> #name {
            #name { rt_core: self.rt_core.clone(), rt_opts: rt::RequestOptions::default(), #(#inits)* }
        }
    };
    let builder = quote! {
        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send()` is awaited"]
        pub struct #name {
            rt_core: rt::Core,
            rt_opts: rt::RequestOptions,
            #(#fields)*
        }
        impl #name {
            #(#setters)*
            /// Overrides the client's total timeout for this request.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.rt_opts.timeout = Some(timeout);
                self
            }
            /// Allows (or forbids) retries of this request even when its method is not idempotent.
            pub fn retry(mut self, retry: bool) -> Self {
                self.rt_opts.retry = Some(retry);
                self
            }
            fn request(&self) -> ::std::result::Result<rt::Request, rt::Error> {
                let mut req = rt::Request::new(#http_method, #path_expr, #idempotent);
                #(#query_push)*
                #body_ty
                req.options(self.rt_opts.clone());
                Ok(req)
            }
            /// Sends the request and decodes the answer.
            pub async fn send(self) -> ::std::result::Result<#ret, rt::Error> {
                let response = self.rt_core.execute(self.request()?).await?;
                #decode
            }
            #streams
        }
    };
    Ok((method, builder))
}

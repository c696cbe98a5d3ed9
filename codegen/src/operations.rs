//! `operations.rs`: the client, one group struct per group, and per operation a parameter
//! struct implementing the runtime's `Operation` traits with typed setters on `Call<P>`.

use std::collections::BTreeSet;

use harvest_spec::Spec;
use harvest_spec::ir::{FilterOp, Group, GroupId, Method, OpKind, Operation, PathSegment, Response, Schema, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::Error;
use crate::call::CALL;
use crate::names::{Side, Types, doc, ident, runtime_path};

/// Methods of `Call<P>` that parameter setters must not shadow.
const RESERVED_METHODS: &[&str] =
    &["send", "send_with_response", "pages", "stream", "timeout", "retry", "params", "new"];
/// Methods of the client itself that group accessors must not shadow.
const CLIENT_METHODS: &[&str] = &["builder", "core", "raw", "from", "base_url", "from_env", "accounts"];

pub(crate) fn emit(spec: &Spec) -> Result<TokenStream, Error> {
    let types = Types { spec, prefix: quote!(models::) };
    let mut accessors = Vec::new();
    let mut items = Vec::new();
    let mut seen_groups = BTreeSet::new();
    for (group_index, group) in spec.groups.iter().enumerate() {
        let at = group_location(spec, group);
        if CLIENT_METHODS.contains(&group.rust.ident.as_str())
            || !seen_groups.insert(group.rust.ident.clone())
            || group.rust.pascal == CALL
        {
            return Err(Error::spec(
                &at,
                format!("group name `{}` clashes with another client method or type", group.rust.ident),
            ));
        }
        let gident = ident(&group.rust.ident, &at)?;
        let gtype = ident(&group.rust.pascal, &at)?;
        let d = group_doc(group);
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
    let env_prefix = env_prefix(&api.title);
    let from_env_doc = doc(&format!(
        "A client configured from `{env_prefix}_ACCESS_TOKEN`, `{env_prefix}_ACCOUNT_ID`, \
         `{env_prefix}_USER_AGENT` and (optionally) `{env_prefix}_BASE_URL`."
    ));
    let runtime = runtime_path();
    let call = crate::call::tokens();
    Ok(quote! {
        //! The client: one accessor per resource group, one parameter struct per operation.
        use #runtime as rt;
        use super::models;

        /// This API's settings, from the spec.
        pub const API: rt::ApiConfig = rt::ApiConfig {
            base_url: #base_url,
            token_header: #token_header,
            account_header: #account_header,
            user_agent_required: #user_agent_required,
            env_prefix: #env_prefix,
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
            #from_env_doc
            pub fn from_env() -> rt::Result<Self> {
                Self::builder().from_env().build()
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
            /// The user the client's token acts as and the accounts it reaches, from Harvest ID
            /// (`GET /api/v2/accounts` on the builder's `identity_url`; no account header).
            pub async fn accounts(&self) -> rt::Result<rt::Accounts> {
                self.core.accounts().await
            }
            #(#accessors)*
        }

        impl ::std::convert::From<rt::Core> for Client {
            fn from(core: rt::Core) -> Self {
                Self { core }
            }
        }

        #call
        #(#items)*
    })
}

/// The environment-variable prefix of an API: the first word of its title, upper-cased
/// (`Harvest API v2` → `HARVEST`), with anything but letters and digits as `_`.
fn env_prefix(title: &str) -> String {
    let word = title.split_whitespace().next().unwrap_or("API");
    word.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

fn group_doc(group: &Group) -> TokenStream {
    if group.doc.trim().is_empty() { doc(&format!("The `{}` operations.", group.name)) } else { doc(&group.doc) }
}

fn group_location(spec: &Spec, group: &Group) -> harvest_spec::ir::Location {
    group.operations.first().and_then(|id| spec.operations.get(id.0)).map(|op| op.location.clone()).unwrap_or_default()
}

fn group_tokens(spec: &Spec, types: &Types<'_>, group_id: GroupId, gtype: &Ident) -> Result<TokenStream, Error> {
    let group = spec.group(group_id);
    let mut methods = Vec::new();
    let mut params = Vec::new();
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
        let (method, param) = crate::params::operation(types, op)?;
        methods.push(method);
        params.push(param);
    }
    if let Some(watch) = watch_method(spec, types, group)? {
        methods.push(watch);
    }
    methods.extend(crate::search::methods(spec, group_id)?);
    let d = group_doc(group);
    Ok(quote! {
        #d
        #[derive(Debug, Clone, Copy)]
        pub struct #gtype<'a> {
            rt_core: &'a rt::Core,
        }
        impl #gtype<'_> {
            #(#methods)*
        }
        #(#params)*
    })
}

/// `watch(interval)` for groups whose list takes `updated_since` and whose records have an id,
/// `created_at` and `updated_at` (the resources that `impl rt::Record`).
fn watch_method(spec: &Spec, types: &Types<'_>, group: &Group) -> Result<Option<TokenStream>, Error> {
    let Some(resource_id) = group.resource else { return Ok(None) };
    let Some(resource) = spec.resources.get(resource_id.0) else { return Ok(None) };
    let plain = |wire: &str, ty: &TypeRef| {
        resource.fields.iter().any(|f| f.name == wire && &f.ty == ty && !f.nullable && !f.optional)
    };
    if !plain("id", &TypeRef::Id)
        || !plain("created_at", &TypeRef::DateTime)
        || !plain("updated_at", &TypeRef::DateTime)
    {
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
            "Polls `{path}` every `interval` with `{param}` and yields each new or changed record once, \
             saying whether it was created or updated; choose new records only with [`rt::Watch::mode`], \
             cap each poll with [`rt::Watch::limit`], resume after a restart with [`rt::Watch::from_checkpoint`]."
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

pub(crate) fn method_tokens(m: Method) -> TokenStream {
    match m {
        Method::Get => quote!(rt::Method::GET),
        Method::Post => quote!(rt::Method::POST),
        Method::Patch => quote!(rt::Method::PATCH),
        Method::Delete => quote!(rt::Method::DELETE),
    }
}

/// The path as a `format!` expression over the parameter struct's fields.
pub(crate) fn path_expr(op: &Operation) -> Result<TokenStream, Error> {
    let at = &op.location;
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
    Ok(if fmt_args.is_empty() {
        let literal = fmt.replace("{{", "{").replace("}}", "}");
        quote!(#literal.to_owned())
    } else {
        quote!(format!(#fmt #(, #fmt_args)*))
    })
}

/// Checks a parameter name against `Call`'s own methods and the operation's other parameters.
pub(crate) fn check_name(op: &Operation, used: &mut BTreeSet<String>, n: &str) -> Result<(), Error> {
    if RESERVED_METHODS.contains(&n) || !used.insert(n.to_string()) {
        return Err(Error::spec(
            &op.location,
            format!("parameter `{n}` of `{}` clashes with another name of its request", op.id),
        ));
    }
    Ok(())
}

/// A string parameter's setter takes `impl Into<String>`.
pub(crate) fn is_string(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::Time)
}

/// The `Side::Request` Rust type of a parameter.
pub(crate) fn param_type(types: &Types<'_>, ty: &TypeRef, op: &Operation) -> Result<TokenStream, Error> {
    types.rust(ty, Side::Request, &op.location)
}

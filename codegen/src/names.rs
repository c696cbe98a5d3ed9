//! Identifiers and Rust types from IR names, checked instead of trusted.

use harvest_spec::Spec;
use harvest_spec::ir::{Location, Schema, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::Error;

/// Turns an IR name (`client_id`, `r#type`, `TimeEntry`) into an identifier, or says why it cannot.
pub fn parse_ident(name: &str) -> Result<Ident, String> {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(rest) => (true, rest),
        None => (false, name),
    };
    let mut chars = bare.chars();
    let valid = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => chars.all(|c| c.is_ascii_alphanumeric() || c == '_'),
        _ => false,
    };
    if !valid || bare == "_" {
        return Err(format!("`{name}` is not a Rust identifier"));
    }
    if raw {
        if matches!(bare, "self" | "super" | "crate" | "Self") {
            return Err(format!("`{name}` cannot be a raw identifier"));
        }
        return Ok(Ident::new_raw(bare, Span::call_site()));
    }
    syn::parse_str::<Ident>(bare)
        .map_err(|_| format!("`{name}` is a Rust keyword; the IR should escape it as `r#{name}`"))
}

/// [`parse_ident`] with the error located at `location`.
pub(crate) fn ident(name: &str, location: &Location) -> Result<Ident, Error> {
    parse_ident(name).map_err(|m| Error::spec(location, m))
}

/// The identifier without a raw prefix, as serde sees it.
pub(crate) fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Whether types are written for a response (record structs) or a request body (input structs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Response,
    Request,
}

/// Maps IR types to Rust types; `prefix` is the path to the models module (empty inside it).
pub(crate) struct Types<'a> {
    pub spec: &'a Spec,
    pub prefix: TokenStream,
}

impl Types<'_> {
    pub fn rust(&self, ty: &TypeRef, side: Side, at: &Location) -> Result<TokenStream, Error> {
        let prefix = &self.prefix;
        Ok(match ty {
            TypeRef::Id | TypeRef::Integer => quote!(i64),
            TypeRef::Decimal => quote!(rt::Decimal),
            TypeRef::Boolean => quote!(bool),
            TypeRef::String | TypeRef::Time => quote!(String),
            TypeRef::Date => quote!(rt::Date),
            TypeRef::DateTime => quote!(rt::DateTime),
            TypeRef::Json => quote!(rt::Json),
            TypeRef::Enum(id) => {
                let e = self.spec.enums.get(id.0).ok_or_else(|| Error::spec(at, "reference to a missing enum"))?;
                let name = ident(&e.rust.pascal, &e.location)?;
                quote!(#prefix #name)
            }
            TypeRef::Object(id) => {
                let t = self.spec.types.get(id.0).ok_or_else(|| Error::spec(at, "reference to a missing type"))?;
                let name = match (side, &t.input_rust) {
                    (Side::Request, Some(input)) => input,
                    (Side::Request, None) => {
                        return Err(Error::spec(
                            &t.location,
                            format!("type `{}` is used in a request but has no request form", t.name),
                        ));
                    }
                    (Side::Response, _) => &t.rust.pascal,
                };
                let name = ident(name, &t.location)?;
                quote!(#prefix #name)
            }
            TypeRef::Ref(r) => match side {
                Side::Request => quote!(i64),
                Side::Response => {
                    let t = self
                        .spec
                        .types
                        .get(r.embed.0)
                        .ok_or_else(|| Error::spec(at, "reference to a missing embed type"))?;
                    let name = ident(&t.rust.pascal, &t.location)?;
                    quote!(#prefix #name)
                }
            },
            TypeRef::Array(inner) => {
                let inner = self.rust(inner, side, at)?;
                quote!(::std::vec::Vec<#inner>)
            }
        })
    }

    /// The Rust type of a record shape.
    pub fn schema(&self, schema: Schema, at: &Location) -> Result<TokenStream, Error> {
        let prefix = &self.prefix;
        let name = match schema {
            Schema::Resource(id) => {
                let r =
                    self.spec.resources.get(id.0).ok_or_else(|| Error::spec(at, "reference to a missing resource"))?;
                ident(&r.rust.pascal, &r.location)?
            }
            Schema::Type(id) => {
                let t = self.spec.types.get(id.0).ok_or_else(|| Error::spec(at, "reference to a missing type"))?;
                ident(&t.rust.pascal, &t.location)?
            }
        };
        Ok(quote!(#prefix #name))
    }
}

/// `#[doc = " text"]` for a non-empty one-liner, nothing otherwise.
pub(crate) fn doc(text: &str) -> TokenStream {
    let text = text.trim();
    if text.is_empty() {
        return TokenStream::new();
    }
    let text = format!(" {text}");
    quote!(#[doc = #text])
}

/// `#[serde(serialize_with = ..)]` for a field holding decimals, so they go out as JSON
/// numbers (Harvest's form) without a global `rust_decimal` feature; nothing otherwise.
pub(crate) fn number_attr(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Decimal => quote!(#[serde(serialize_with = "rt::number::serialize")]),
        TypeRef::Array(inner) => number_attr(inner),
        _ => TokenStream::new(),
    }
}

/// The path generated code names the runtime crate by.
pub(crate) fn runtime_path() -> TokenStream {
    quote!(::harvest_client_runtime)
}

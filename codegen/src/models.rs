//! `models.rs`: enums, value types, embeds, resources, input structs and request bodies.

use harvest_spec::Spec;
use harvest_spec::ir::{Body, EnumDef, Field, Operation, TypeDef, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;
use crate::names::{Side, Types, doc, ident, number_attr, unraw};

/// The serde the generated derives use: the runtime's re-export, so users need not depend on it.
const SERDE_CRATE: &str = "::harvest_client_runtime::serde";

pub(crate) fn emit(spec: &Spec) -> Result<TokenStream, Error> {
    let types = Types { spec, prefix: TokenStream::new() };
    let mut items = Vec::new();
    for e in &spec.enums {
        items.push(enum_def(e)?);
    }
    for t in &spec.types {
        let name = ident(&t.rust.pascal, &t.location)?;
        items.push(record(&types, &name, &t.doc, &t.fields)?);
        if let Some(input) = &t.input_rust {
            items.push(input_struct(&types, t, input)?);
        }
    }
    for r in &spec.resources {
        let name = ident(&r.rust.pascal, &r.location)?;
        items.push(record(&types, &name, &r.doc, &r.fields)?);
        items.push(record_impl(&name, &r.fields));
    }
    for op in &spec.operations {
        if let Some(body) = &op.body {
            items.push(body_struct(&types, body, op)?);
        }
    }
    items.extend(crate::search::models(spec, &types)?);
    let runtime = crate::names::runtime_path();
    Ok(quote! {
        //! Records, value types, enums and request bodies of the API.
        use #runtime as rt;
        #(#items)*
    })
}

fn or_default(text: &str, fallback: String) -> TokenStream {
    if text.trim().is_empty() { doc(&fallback) } else { doc(text) }
}

fn enum_def(e: &EnumDef) -> Result<TokenStream, Error> {
    let name = ident(&e.rust.pascal, &e.location)?;
    if e.values.iter().any(|v| v.variant == e.unknown_variant) {
        return Err(Error::spec(
            &e.location,
            format!(
                "enum `{}`: the variant for unknown values, `{}`, is also a listed value",
                e.name, e.unknown_variant
            ),
        ));
    }
    let other = ident(&e.unknown_variant, &e.location)?;
    let mut variants = Vec::new();
    let mut to_str = Vec::new();
    let mut from_str = Vec::new();
    for v in &e.values {
        let var = ident(&v.variant, &e.location)?;
        let wire = &v.wire;
        let d = doc(&format!("`{wire}`"));
        variants.push(quote!(#d #var,));
        to_str.push(quote!(Self::#var => #wire,));
        from_str.push(quote!(#wire => Self::#var,));
    }
    let d = or_default(&e.doc, format!("Values of `{}`.", e.name));
    Ok(quote! {
        #d
        ///
        /// Values this client does not know are kept, not rejected.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know, kept as sent.
            #other(String),
        }
        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#other(s) => s,
                }
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(s: &str) -> Self {
                match s {
                    #(#from_str)*
                    other => Self::#other(other.to_owned()),
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl rt::serde::Serialize for #name {
            fn serialize<S: rt::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: rt::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <String as rt::serde::Deserialize>::deserialize(d)?;
                Ok(Self::from(s.as_str()))
            }
        }
        impl rt::QueryValue for #name {
            fn to_query(&self) -> String {
                self.as_str().to_owned()
            }
        }
    })
}

fn rename(wire: &str, ident_name: &str) -> TokenStream {
    if unraw(ident_name) == wire { TokenStream::new() } else { quote!(#[serde(rename = #wire)]) }
}

fn field_doc(f: &Field) -> TokenStream {
    let mut text = if f.doc.trim().is_empty() { format!("`{}`.", f.name) } else { f.doc.trim().to_string() };
    if f.deprecated {
        text.push_str(" (Deprecated by Harvest.)");
    }
    doc(&text)
}

fn record(types: &Types<'_>, name: &proc_macro2::Ident, text: &str, fields: &[Field]) -> Result<TokenStream, Error> {
    let d = or_default(text, format!("The `{name}` record."));
    let mut out = Vec::new();
    // Hidden fields relate records inside the server and never appear in responses.
    for f in fields.iter().filter(|f| !f.hidden) {
        let fid = ident(&f.ident, &f.location)?;
        let ty = types.rust(&f.ty, Side::Response, &f.location)?;
        let ren = rename(&f.name, &f.ident);
        let fd = field_doc(f);
        let num = number_attr(&f.ty);
        let (ty, extra) = if f.optional {
            (quote!(::std::option::Option<#ty>), quote!(#[serde(default, skip_serializing_if = "Option::is_none")]))
        } else if f.nullable {
            (quote!(::std::option::Option<#ty>), TokenStream::new())
        } else {
            (ty, TokenStream::new())
        };
        out.push(quote!(#fd #ren #num #extra pub #fid: #ty,));
    }
    Ok(quote! {
        #d
        #[derive(Debug, Clone, PartialEq, rt::serde::Serialize, rt::serde::Deserialize)]
        #[serde(crate = #SERDE_CRATE)]
        pub struct #name {
            #(#out)*
        }
    })
}

/// `impl rt::Record` for resources with a plain `id` and `updated_at` (what `watch` needs).
fn record_impl(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let plain =
        |wire: &str, ty: &TypeRef| fields.iter().find(|f| f.name == wire && &f.ty == ty && !f.nullable && !f.optional);
    let (Some(id), Some(updated)) = (plain("id", &TypeRef::Id), plain("updated_at", &TypeRef::DateTime)) else {
        return TokenStream::new();
    };
    let (Ok(id), Ok(updated)) = (crate::names::parse_ident(&id.ident), crate::names::parse_ident(&updated.ident))
    else {
        return TokenStream::new();
    };
    quote! {
        impl rt::Record for #name {
            fn id(&self) -> i64 {
                self.#id
            }
            fn updated_at(&self) -> rt::DateTime {
                self.#updated
            }
        }
    }
}

/// A setter: `pub fn name(mut self, value: T) -> Self`.
struct Setter {
    ident: proc_macro2::Ident,
    arg: TokenStream,
    assign: TokenStream,
    doc: TokenStream,
}

fn setter_tokens(s: &Setter) -> TokenStream {
    let Setter { ident, arg, assign, doc } = s;
    quote! {
        #doc
        pub fn #ident(mut self, #arg) -> Self {
            #assign
            self
        }
    }
}

/// Field declaration and setter of an optional request field (nullable → `rt::Patch`).
fn optional_field(
    fid: &proc_macro2::Ident,
    ty: &TypeRef,
    rust: TokenStream,
    nullable: bool,
    d: TokenStream,
) -> (TokenStream, Setter) {
    let is_string = matches!(ty, TypeRef::String | TypeRef::Time);
    if nullable {
        let decl = quote!(#[serde(default, skip_serializing_if = "rt::Patch::is_unset")] pub #fid: rt::Patch<#rust>,);
        let doc_set = quote!(#d #[doc = ""] #[doc = " `None` sends `null` to clear the value."]);
        let setter = if is_string {
            Setter {
                ident: fid.clone(),
                arg: quote!(value: ::std::option::Option<impl ::std::convert::Into<String>>),
                assign: quote!(self.#fid = rt::Patch::from(value.map(::std::convert::Into::into));),
                doc: doc_set,
            }
        } else {
            Setter {
                ident: fid.clone(),
                arg: quote!(value: ::std::option::Option<#rust>),
                assign: quote!(self.#fid = rt::Patch::from(value);),
                doc: doc_set,
            }
        };
        (decl, setter)
    } else {
        let decl =
            quote!(#[serde(default, skip_serializing_if = "Option::is_none")] pub #fid: ::std::option::Option<#rust>,);
        let setter = if is_string {
            Setter {
                ident: fid.clone(),
                arg: quote!(value: impl ::std::convert::Into<String>),
                assign: quote!(self.#fid = Some(value.into());),
                doc: d,
            }
        } else {
            Setter { ident: fid.clone(), arg: quote!(value: #rust), assign: quote!(self.#fid = Some(value);), doc: d }
        };
        (decl, setter)
    }
}

fn input_struct(types: &Types<'_>, t: &TypeDef, input: &str) -> Result<TokenStream, Error> {
    let name = ident(input, &t.location)?;
    let mut decls = Vec::new();
    let mut setters = Vec::new();
    for f in t.fields.iter().filter(|f| !f.input.is_read_only()).chain(t.inputs.iter()) {
        let fid = ident(&f.input_ident, &f.location)?;
        let rust = types.rust(&f.ty, Side::Request, &f.location)?;
        let ren = rename(&f.input_name, &f.input_ident);
        let d = field_doc(f);
        let num = number_attr(&f.ty);
        let (decl, setter) = optional_field(&fid, &f.ty, rust, f.nullable, d.clone());
        decls.push(quote!(#d #ren #num #decl));
        setters.push(setter_tokens(&setter));
    }
    let d = format!("Request form of [`{}`]: every field is optional and left out unless set.", t.rust.pascal);
    let d = doc(&d);
    Ok(quote! {
        #d
        #[derive(Debug, Clone, Default, PartialEq, rt::serde::Serialize, rt::serde::Deserialize)]
        #[serde(crate = #SERDE_CRATE)]
        pub struct #name {
            #(#decls)*
        }
        impl #name {
            /// An empty value: nothing is sent until a setter is called.
            pub fn new() -> Self {
                Self::default()
            }
            #(#setters)*
        }
    })
}

fn body_struct(types: &Types<'_>, body: &Body, op: &Operation) -> Result<TokenStream, Error> {
    let (op_id, at) = (&op.id, &op.location);
    let name = ident(&body.rust, at)?;
    // A body field without its own doc takes the doc of the record field it sets.
    let target_doc = |target: &Option<String>| -> String {
        let resource = op.resource.and_then(|r| types.spec.resources.get(r.0));
        match (resource, target) {
            (Some(r), Some(t)) => r.field(t).map(|f| f.doc.trim().to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    };
    let mut decls = Vec::new();
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for f in &body.fields {
        let fid = ident(&f.ident, at)?;
        let rust = types.rust(&f.ty, Side::Request, at)?;
        let ren = rename(&f.name, &f.ident);
        let d = match (f.doc.trim(), target_doc(&f.target)) {
            ("", t) if t.is_empty() => match &f.target {
                Some(target) if target != &f.name && f.ty == TypeRef::Id => {
                    doc(&format!("Id of the `{target}` to link."))
                }
                _ => doc(&format!("`{}`.", f.name)),
            },
            ("", t) => doc(&t),
            (own, _) => doc(own),
        };
        let is_string = matches!(f.ty, TypeRef::String | TypeRef::Time);
        let num = number_attr(&f.ty);
        if f.required {
            let (decl_ty, arg, init) = match (f.nullable, is_string) {
                (false, true) => {
                    (rust.clone(), quote!(#fid: impl ::std::convert::Into<String>), quote!(#fid: #fid.into(),))
                }
                (false, false) => (rust.clone(), quote!(#fid: #rust), quote!(#fid,)),
                (true, _) => {
                    (quote!(::std::option::Option<#rust>), quote!(#fid: ::std::option::Option<#rust>), quote!(#fid,))
                }
            };
            decls.push(quote!(#d #ren #num pub #fid: #decl_ty,));
            args.push(arg);
            inits.push(init);
        } else {
            let (decl, setter) = optional_field(&fid, &f.ty, rust, f.nullable, d.clone());
            decls.push(quote!(#d #ren #num #decl));
            inits.push(quote!(#fid: ::std::default::Default::default(),));
            setters.push(setter_tokens(&setter));
        }
    }
    let d = doc(&format!(
        "Request body of `{op_id}`. Required fields are arguments of `new`; the rest are left out unless set."
    ));
    let new_doc = if args.is_empty() {
        doc("An empty body: nothing is sent until a setter is called.")
    } else {
        doc("A body with the required fields; the others are left out until set.")
    };
    let many = if args.len() > 7 { quote!(#[allow(clippy::too_many_arguments)]) } else { TokenStream::new() };
    let default_impl = if args.is_empty() {
        quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    } else {
        TokenStream::new()
    };
    Ok(quote! {
        #d
        #[derive(Debug, Clone, PartialEq, rt::serde::Serialize, rt::serde::Deserialize)]
        #[serde(crate = #SERDE_CRATE)]
        pub struct #name {
            #(#decls)*
        }
        #default_impl
        impl #name {
            #new_doc
            #many
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits)* }
            }
            #(#setters)*
        }
    })
}

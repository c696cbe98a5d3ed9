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
    // Embedded summaries repeat a few shapes many times: the first type of each shape is a
    // struct, later ones are aliases of it.
    let mut shapes = std::collections::BTreeMap::new();
    for t in &spec.types {
        let name = ident(&t.rust.pascal, &t.location)?;
        let fields = record_fields(&types, &t.fields)?;
        match shapes.get(&fields.to_string()) {
            Some(same) => items.push(alias(&name, &t.doc, same)),
            None => {
                shapes.insert(fields.to_string(), name.clone());
                items.push(record(&name, &t.doc, fields));
            }
        }
        if let Some(input) = &t.input_rust {
            items.push(input_struct(&types, t, input)?);
        }
    }
    for r in &spec.resources {
        let name = ident(&r.rust.pascal, &r.location)?;
        items.push(record(&name, &r.doc, record_fields(&types, &r.fields)?));
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
    let variants = e
        .values
        .iter()
        .map(|v| {
            let var = ident(&v.variant, &e.location)?;
            let wire = &v.wire;
            Ok(quote!(#var = #wire,))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let d = or_default(&e.doc, format!("Values of `{}`.", e.name));
    Ok(quote! {
        rt::open_enum! {
            #d
            pub enum #name {
                #(#variants)*
                #[unknown]
                #other(String),
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

/// The fields of a response record.
fn record_fields(types: &Types<'_>, fields: &[Field]) -> Result<TokenStream, Error> {
    let mut out = TokenStream::new();
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
        out.extend(quote!(#fd #ren #num #extra pub #fid: #ty,));
    }
    Ok(out)
}

fn record(name: &proc_macro2::Ident, text: &str, fields: TokenStream) -> TokenStream {
    let d = or_default(text, format!("The `{name}` record."));
    quote! {
        #d
        #[derive(Debug, Clone, PartialEq, rt::serde::Serialize, rt::serde::Deserialize)]
        #[serde(crate = #SERDE_CRATE)]
        pub struct #name {
            #fields
        }
    }
}

/// A record with the same fields as `same`, declared as an alias of it.
fn alias(name: &proc_macro2::Ident, text: &str, same: &proc_macro2::Ident) -> TokenStream {
    let d = match text.trim() {
        "" => doc(&format!("The `{name}` record: the same fields as [`{same}`].")),
        text => doc(&format!("{text} (The same fields as [`{same}`].)")),
    };
    quote! {
        #d
        pub type #name = #same;
    }
}

/// `impl rt::Record` for resources with a plain `id`, `created_at` and `updated_at` (what
/// `watch` needs: the id and change time to resume, the creation time to tell new from changed).
fn record_impl(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let plain =
        |wire: &str, ty: &TypeRef| fields.iter().find(|f| f.name == wire && &f.ty == ty && !f.nullable && !f.optional);
    let (Some(id), Some(created), Some(updated)) =
        (plain("id", &TypeRef::Id), plain("created_at", &TypeRef::DateTime), plain("updated_at", &TypeRef::DateTime))
    else {
        return TokenStream::new();
    };
    let parse = crate::names::parse_ident;
    let (Ok(id), Ok(created), Ok(updated)) = (parse(&id.ident), parse(&created.ident), parse(&updated.ident)) else {
        return TokenStream::new();
    };
    quote! {
        impl rt::Record for #name {
            fn id(&self) -> i64 {
                self.#id
            }
            fn created_at(&self) -> rt::DateTime {
                self.#created
            }
            fn updated_at(&self) -> rt::DateTime {
                self.#updated
            }
        }
    }
}

/// Field declaration and setters of an optional request field. A nullable one is an
/// `rt::Patch`: its setter sends a value and `clear_<field>()` sends `null`.
fn optional_field(
    fid: &proc_macro2::Ident,
    ty: &TypeRef,
    rust: TokenStream,
    nullable: bool,
    d: TokenStream,
    at: &harvest_spec::ir::Location,
) -> Result<(TokenStream, Vec<TokenStream>), Error> {
    let (arg, value) = if matches!(ty, TypeRef::String | TypeRef::Time) {
        (quote!(value: impl ::std::convert::Into<String>), quote!(value.into()))
    } else {
        (quote!(value: #rust), quote!(value))
    };
    if !nullable {
        let decl =
            quote!(#[serde(default, skip_serializing_if = "Option::is_none")] pub #fid: ::std::option::Option<#rust>,);
        return Ok((decl, vec![setter(fid, d, arg, quote!(self.#fid = Some(#value);))]));
    }
    let decl = quote!(#[serde(default, skip_serializing_if = "rt::Patch::is_unset")] pub #fid: rt::Patch<#rust>,);
    let set = setter(fid, d, arg, quote!(self.#fid = rt::Patch::Value(#value);));
    let bare = crate::names::unraw(&fid.to_string()).to_owned();
    let clear = ident(&format!("clear_{bare}"), at)?;
    let clear_doc = doc(&format!("Sends `{bare}: null`, clearing the value."));
    let clear = quote! {
        #clear_doc
        pub fn #clear(mut self) -> Self {
            self.#fid = rt::Patch::Null;
            self
        }
    };
    Ok((decl, vec![set, clear]))
}

/// Refuses a field named like the `clear_<field>()` setter of a nullable optional field.
fn check_clear<'a>(
    fields: impl Iterator<Item = (&'a str, bool)> + Clone,
    at: &harvest_spec::ir::Location,
) -> Result<(), Error> {
    for (name, _) in fields.clone().filter(|(_, nullable)| *nullable) {
        let clear = format!("clear_{}", unraw(name));
        if fields.clone().any(|(other, _)| unraw(other) == clear) {
            return Err(Error::spec(at, format!("field `{clear}` clashes with the `{clear}()` setter of `{name}`")));
        }
    }
    Ok(())
}

/// `pub fn name(mut self, arg) -> Self { assign; self }`.
fn setter(name: &proc_macro2::Ident, doc: TokenStream, arg: TokenStream, assign: TokenStream) -> TokenStream {
    quote! {
        #doc
        pub fn #name(mut self, #arg) -> Self {
            #assign
            self
        }
    }
}

fn input_struct(types: &Types<'_>, t: &TypeDef, input: &str) -> Result<TokenStream, Error> {
    let name = ident(input, &t.location)?;
    let mut decls = Vec::new();
    let mut setters = Vec::new();
    let fields: Vec<&Field> = t.fields.iter().filter(|f| !f.input.is_read_only()).chain(t.inputs.iter()).collect();
    check_clear(fields.iter().map(|f| (f.input_ident.as_str(), f.nullable)), &t.location)?;
    for f in fields {
        let fid = ident(&f.input_ident, &f.location)?;
        let rust = types.rust(&f.ty, Side::Request, &f.location)?;
        let ren = rename(&f.input_name, &f.input_ident);
        let d = field_doc(f);
        let num = number_attr(&f.ty);
        let (decl, field_setters) = optional_field(&fid, &f.ty, rust, f.nullable, d.clone(), &f.location)?;
        decls.push(quote!(#d #ren #num #decl));
        setters.extend(field_setters);
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
    check_clear(body.fields.iter().filter(|f| !f.required).map(|f| (f.ident.as_str(), f.nullable)), at)?;
    for f in &body.fields {
        let fid = ident(&f.ident, at)?;
        let rust = types.rust(&f.ty, Side::Request, at)?;
        let ren = rename(&f.name, &f.ident);
        let text = match f.doc.trim() {
            "" => target_doc(&f.target),
            own => own.to_string(),
        };
        // A reference set by id (`client_id` for `client`) says so before the record field's doc.
        let linked = f.target.as_ref().filter(|t| *t != &f.name && f.ty == TypeRef::Id);
        let d = match (text.as_str(), linked) {
            ("", Some(target)) => doc(&format!("Id of the `{target}` to link.")),
            ("", None) => doc(&format!("`{}`.", f.name)),
            (text, Some(target)) => doc(&format!("Id of the `{target}`: {text}")),
            (text, None) => doc(text),
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
            let (decl, field_setters) = optional_field(&fid, &f.ty, rust, f.nullable, d.clone(), at)?;
            decls.push(quote!(#d #ren #num #decl));
            inits.push(quote!(#fid: ::std::default::Default::default(),));
            setters.extend(field_setters);
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

//! Generates the Harvest client from a spec at compile time.
//!
//! ```ignore
//! harvest_codegen_macro::generate_client!("spec/harvest");
//! ```
//!
//! The path is relative to the calling crate's `CARGO_MANIFEST_DIR` (a YAML file or
//! a directory of them). The expansion is exactly what `cargo xtask codegen` writes
//! (one `pub mod` per generated file, the same `harvest_codegen::generate` call),
//! refers to the runtime as `::harvest_client_runtime` (the calling crate depends on
//! `harvest-client-runtime`, not on Harvest's generated client), and re-expands when a spec
//! file changes. Spec problems become `compile_error!`s carrying their file, line
//! and column.

use std::path::{Path, PathBuf};

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;

/// Expands to the generated client modules for the spec at the given path.
#[proc_macro]
pub fn generate_client(input: TokenStream) -> TokenStream {
    match load(input.into()) {
        Ok((tracked, files)) => {
            let modules = files.module_tokens();
            quote! { #tracked #modules }.into()
        }
        Err(errors) => errors.into(),
    }
}

/// Expands to a `&str` of the files `cargo xtask codegen` would write for the spec,
/// each preceded by a `==> name <==` line: the text the macro path renders, for tests
/// that compare it with the checked-in files.
#[proc_macro]
pub fn generate_client_source(input: TokenStream) -> TokenStream {
    match load(input.into()) {
        Ok((tracked, files)) => match harvest_codegen::render(&files) {
            Ok(rendered) => {
                let text: String = rendered.iter().map(|(name, text)| format!("==> {name} <==\n{text}")).collect();
                quote! { { #tracked #text } }.into()
            }
            Err(err) => error(&err.to_string()).into(),
        },
        Err(errors) => errors.into(),
    }
}

fn error(message: &str) -> TokenStream2 {
    quote! { ::core::compile_error!(#message); }
}

fn load(input: TokenStream2) -> Result<(TokenStream2, harvest_codegen::GeneratedFiles), TokenStream2> {
    let literal = syn_lite::parse(input).map_err(|message| error(&message))?;
    let base = std::env::var("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("."));
    let path = base.join(&literal.0);
    let sources = harvest_spec::read_path(&path).map_err(|diags| diagnostics(&diags))?;
    // Rebuild tracking: each spec file is an include_bytes! the compiler watches.
    let tracked: TokenStream2 = spec_files(&path)
        .iter()
        .map(|p| {
            let p = p.display().to_string();
            quote! { const _: &[u8] = include_bytes!(#p); }
        })
        .collect();
    let spec = harvest_spec::load_sources(&sources).map_err(|diags| diagnostics(&diags))?;
    let files = harvest_codegen::generate(&spec).map_err(|err| error(&err.to_string()))?;
    Ok((tracked, files))
}

fn spec_files(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn diagnostics(diags: &harvest_spec::Diagnostics) -> TokenStream2 {
    let errors = diags.0.iter().map(|d| {
        let message = d.to_string();
        quote! { ::core::compile_error!(#message); }
    });
    quote! { #(#errors)* }
}

/// The one argument: a string literal, parsed without pulling in syn.
mod syn_lite {
    use proc_macro2::{TokenStream, TokenTree};

    pub struct Lit(pub String);

    pub fn parse(input: TokenStream) -> Result<Lit, String> {
        let mut tokens = input.into_iter();
        let usage = "expected one string literal: generate_client!(\"path/to/spec\")";
        let Some(TokenTree::Literal(lit)) = tokens.next() else { return Err(usage.into()) };
        if tokens.next().is_some() {
            return Err(usage.into());
        }
        let text = lit.to_string();
        let inner = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).ok_or_else(|| usage.to_string())?;
        if inner.contains('\\') {
            return Err("the spec path must not contain escapes".into());
        }
        Ok(Lit(inner.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_problems_become_located_compile_errors() {
        let Err(errors) = load(quote!("tests/specs/bad.yaml")) else { panic!("a broken spec must not load") };
        let text = errors.to_string();
        assert!(text.contains("compile_error"), "{text}");
        assert!(text.contains("bad.yaml:7:"), "{text}");
    }

    #[test]
    fn a_missing_spec_is_a_compile_error() {
        let Err(errors) = load(quote!("tests/specs/missing")) else { panic!("a missing spec must not load") };
        assert!(errors.to_string().contains("cannot read the spec"));
    }

    #[test]
    fn the_argument_must_be_one_string_literal() {
        for input in [quote!(), quote!(42), quote!("a", "b")] {
            let Err(errors) = load(input) else { panic!("bad input accepted") };
            assert!(errors.to_string().contains("expected one string literal"));
        }
    }

    #[test]
    fn the_harvest_spec_expands() {
        let Ok((tracked, files)) = load(quote!("../../spec/harvest")) else { panic!("the Harvest spec must load") };
        assert!(tracked.to_string().contains("include_bytes"));
        assert!(files.module_tokens().to_string().contains("pub mod operations"));
    }
}

//! Generates a client with progenitor from `generated-client/api/openapi-3.0.json` into
//! `$OUT_DIR/harvest.rs`. Any construct progenitor refuses fails the build, naming it.

use std::path::{Path, PathBuf};

type BoxError = Box<dyn std::error::Error>;

fn main() -> Result<(), BoxError> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let document = manifest.join("../../generated-client/api/openapi-3.0.json");
    println!("cargo:rerun-if-changed={}", document.display());
    let text = std::fs::read_to_string(&document).map_err(|e| format!("{}: {e}", document.display()))?;
    let spec = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not an OpenAPI 3.0 document: {e}", document.display()))?;
    let mut settings = progenitor::GenerationSettings::new();
    settings.with_interface(progenitor::InterfaceStyle::Builder).with_tag(progenitor::TagStyle::Merged);
    let tokens = progenitor::Generator::new(&settings)
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor refused {}: {e}", document.display()))?;
    let file: syn::File = syn::parse2(tokens)?;
    let out = Path::new(&std::env::var("OUT_DIR")?).join("harvest.rs");
    std::fs::write(&out, prettyplease::unparse(&file))?;
    Ok(())
}

//! The Harvest v2 API as data.
//!
//! The YAML documents under `spec/harvest/` describe every operation, field,
//! relation and wire rule of the API (the format is in `spec/FORMAT.md`). This
//! crate loads them, or any other spec in the same format, checks every rule
//! once, reports all problems with file, line and column, and returns the
//! [`ir::Spec`] that the code generator and the mock server both read.
//!
//! ```
//! let spec = harvest_spec::harvest().expect("the embedded spec is valid");
//! assert!(spec.operation_named("listTimeEntries").is_some());
//! ```

pub mod catalog;
pub mod diag;
pub mod ir;
pub mod permissions;
mod raw;
mod read;
mod resolve;
mod tree;

use std::fs;
use std::path::Path;

pub use catalog::Catalog;
pub use diag::{Diagnostic, Diagnostics};
pub use ir::Spec;
pub use permissions::permission_table;

use ir::Location;
use raw::RawSpec;
use read::Reader;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// One YAML document to load: a name for messages and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// File name shown in diagnostics.
    pub name: String,
    /// YAML text.
    pub text: String,
}

/// The documents of the default Harvest spec, as embedded in this crate.
pub fn harvest_sources() -> Vec<Source> {
    EMBEDDED.iter().map(|(name, text)| Source { name: (*name).to_string(), text: (*text).to_string() }).collect()
}

/// Loads the default Harvest spec embedded in this crate.
pub fn harvest() -> Result<Spec, Diagnostics> {
    load_sources(&harvest_sources())
}

/// Loads the default Harvest spec, checking every `behavior:` against `catalog`.
pub fn harvest_with(catalog: &Catalog) -> Result<Spec, Diagnostics> {
    load_sources_with(&harvest_sources(), catalog)
}

/// Loads a spec from a YAML file, or from every `*.yaml`/`*.yml` file of a directory in name order.
pub fn load_path(path: &Path) -> Result<Spec, Diagnostics> {
    load_sources(&read_path(path)?)
}

/// Like [`load_path`], checking every `behavior:` against `catalog`.
pub fn load_path_with(path: &Path, catalog: &Catalog) -> Result<Spec, Diagnostics> {
    load_sources_with(&read_path(path)?, catalog)
}

/// Reads the documents at `path` without loading them.
pub fn read_path(path: &Path) -> Result<Vec<Source>, Diagnostics> {
    let io_error = |p: &Path, err: std::io::Error| {
        let mut diags = Diagnostics::default();
        let location = Location { file: p.display().to_string(), line: 1, column: 1 };
        diags.error_help(
            &location,
            format!("cannot read the spec: {err}"),
            "pass a YAML file or a directory of YAML files",
        );
        diags
    };
    let read_one = |p: &Path| -> Result<Source, Diagnostics> {
        let text = fs::read_to_string(p).map_err(|e| io_error(p, e))?;
        Ok(Source { name: p.display().to_string(), text })
    };
    if !path.is_dir() {
        return Ok(vec![read_one(path)?]);
    }
    let mut files: Vec<_> = fs::read_dir(path)
        .map_err(|e| io_error(path, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    if files.is_empty() {
        let err = std::io::Error::new(std::io::ErrorKind::NotFound, "the directory has no .yaml files");
        return Err(io_error(path, err));
    }
    files.iter().map(|p| read_one(p)).collect()
}

/// Loads a spec from documents; every problem in every document is reported.
///
/// `behavior:` names are not checked: they belong to whatever interprets the spec; see
/// [`load_sources_with`] to check them against what an implementation offers.
pub fn load_sources(sources: &[Source]) -> Result<Spec, Diagnostics> {
    load(sources, None)
}

/// Loads a spec from documents, also checking that every `behavior:` is in `catalog` and that
/// every field each behaviour needs exists with a fitting type.
pub fn load_sources_with(sources: &[Source], catalog: &Catalog) -> Result<Spec, Diagnostics> {
    load(sources, Some(catalog))
}

fn load(sources: &[Source], catalog: Option<&Catalog>) -> Result<Spec, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut raw = RawSpec::default();
    for source in sources {
        let mut reader = Reader { file: &source.name, diags: &mut diags };
        if let Some(root) = tree::parse(&source.name, &source.text, reader.diags) {
            raw::read_document(&mut reader, &root, &mut raw);
        }
    }
    let first = sources.first().map(|s| s.name.as_str()).unwrap_or("<no documents>");
    match resolve::resolve(raw, first, catalog, &mut diags) {
        Some(spec) if diags.is_empty() => Ok(spec),
        _ => Err(diags.sorted()),
    }
}

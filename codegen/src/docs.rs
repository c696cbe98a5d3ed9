//! Non-Rust outputs: the OpenAPI document (3.1, and 3.0.3 for tools that cannot read
//! 3.1) and a Markdown reference of every operation.
//!
//! [`openapi_document`] is the one generator of both OpenAPI versions: it describes the
//! IR in OpenAPI 3.1 and, for 3.0.3, passes the result through [`openapi30`], which only
//! rewrites JSON Schema 2020-12 idioms into their 3.0.3 equivalents.

mod examples;
mod markdown;
mod openapi;
mod openapi30;
mod parameters;
mod responses;

use harvest_spec::Spec;
use harvest_spec::ir::Schema;
use serde_json::{Map, Value};

use crate::Error;

pub use markdown::markdown;
pub use openapi::{openapi, openapi_document};

/// The OpenAPI version a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpenApiVersion {
    /// OpenAPI 3.1.0, whose schemas are JSON Schema 2020-12 (`type: [T, "null"]`,
    /// `const`, numeric `exclusiveMinimum`, `examples`); written to `openapi.json`.
    V3_1,
    /// OpenAPI 3.0.3 for generators that cannot read 3.1, progenitor among them
    /// (`nullable: true`, boolean `exclusiveMinimum`, `example`); written to `openapi-3.0.json`.
    V3_0,
}

impl OpenApiVersion {
    /// Both versions, in the order their files are listed.
    pub const ALL: [OpenApiVersion; 2] = [OpenApiVersion::V3_1, OpenApiVersion::V3_0];

    /// The value of the document's `openapi` field.
    pub fn number(self) -> &'static str {
        match self {
            OpenApiVersion::V3_1 => "3.1.0",
            OpenApiVersion::V3_0 => "3.0.3",
        }
    }

    /// The file the document is written to in `generated-client/api/`.
    pub fn file_name(self) -> &'static str {
        match self {
            OpenApiVersion::V3_1 => "openapi.json",
            OpenApiVersion::V3_0 => "openapi-3.0.json",
        }
    }
}

/// The Rust name of a resource or type, as the client and both documents call it.
fn schema_name(spec: &Spec, schema: Schema) -> String {
    match schema {
        Schema::Resource(id) => spec.resources.get(id.0).map(|r| r.rust.pascal.clone()),
        Schema::Type(id) => spec.types.get(id.0).map(|t| t.rust.pascal.clone()),
    }
    .unwrap_or_else(|| "Missing".into())
}

/// The documentation outputs as `(file name, text)`: `openapi.json` (3.1),
/// `openapi-3.0.json` (3.0.3) and `operations.md`, without examples.
pub fn doc_sources(spec: &Spec) -> Result<Vec<(String, String)>, Error> {
    doc_sources_with_examples(spec, &Map::new())
}

/// [`doc_sources`] with `examples` in both OpenAPI documents: `{"source": {...},
/// "responses": {operationId: body}, "requests": {operationId: body}}` (see
/// `harvest_mock::examples::openapi_examples`, which `cargo xtask codegen` passes).
pub fn doc_sources_with_examples(spec: &Spec, examples: &Map<String, Value>) -> Result<Vec<(String, String)>, Error> {
    let mut files = Vec::new();
    for version in OpenApiVersion::ALL {
        let doc = openapi::document_with_examples(spec, version, examples)?;
        let text = serde_json::to_string_pretty(&doc)
            .map_err(|e| Error::Syntax { file: version.file_name().into(), message: e.to_string() })?;
        files.push((version.file_name().to_string(), format!("{text}\n")));
    }
    files.push(("operations.md".into(), markdown(spec)));
    Ok(files)
}

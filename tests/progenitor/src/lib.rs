//! The Harvest client progenitor generates from our OpenAPI 3.0.3 export
//! (`generated-client/api/openapi-3.0.json`); `build.rs` runs the generator.

#![allow(missing_docs, clippy::all, unused_imports, dead_code)]

include!(concat!(env!("OUT_DIR"), "/harvest.rs"));

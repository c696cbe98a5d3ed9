//! Time of the generator on the embedded spec: loading, `harvest_codegen::generate`, and
//! everything `cargo xtask codegen` writes (rendered Rust plus the API documents).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::stats::{median, ms};

fn timed<T, E: std::fmt::Display>(what: &str, f: impl FnOnce() -> Result<T, E>) -> Result<(Duration, T), String> {
    let start = Instant::now();
    let value = f().map_err(|e| format!("{what}: {e}"))?;
    Ok((start.elapsed(), value))
}

/// Runs each step `runs` times and reports the medians and the size of the output.
pub fn run(runs: usize) -> Result<Option<Value>, String> {
    let runs = runs.max(1);
    let (mut load, mut generate, mut all) = (Vec::new(), Vec::new(), Vec::new());
    let mut output = (0, 0);
    for _ in 0..runs {
        let (t, spec) = timed("loading the embedded spec", harvest_spec::harvest)?;
        load.push(t);
        let (t, files) = timed("harvest_codegen::generate", || harvest_codegen::generate(&spec))?;
        generate.push(t);
        drop(files);
        let (t, files) = timed("rendering every generated file", || {
            let mut files = harvest_codegen::generate_sources(&spec)?;
            files.extend(harvest_codegen::doc_sources(&spec)?);
            Ok::<_, harvest_codegen::Error>(files)
        })?;
        all.push(t);
        output = (files.len(), files.iter().map(|(_, text)| text.lines().count()).sum::<usize>());
    }
    Ok(Some(json!({
        "runs": runs,
        "load_ms": ms(median(&load)),
        "generate_ms": ms(median(&generate)),
        "all_files_ms": ms(median(&all)),
        "files": output.0,
        "lines": output.1,
    })))
}

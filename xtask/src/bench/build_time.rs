//! Code generation time on the embedded spec, and the clean build time of the generated client.

use std::process::Command;
use std::time::{Duration, Instant};

use super::process::run_bounded;
use super::report::{self, Section, Table};
use super::{Ctx, num};

fn clean_build(ctx: &mut Ctx) -> Result<Duration, String> {
    let target = ctx.dir.join("clean-build-target");
    let _ = std::fs::remove_dir_all(&target);
    let mut command = Command::new(super::cargo());
    command.args(["build", "--release", "--locked", "-p", "harvest-client"]);
    command.env("CARGO_TARGET_DIR", &target).current_dir(&ctx.root);
    ctx.record(&command);
    println!("bench: clean release build of harvest-client (fresh target dir, dependencies included)");
    let started = Instant::now();
    let outcome = run_bounded(command, "the clean build", &ctx.dir, "clean-build", Duration::from_secs(3600));
    let took = started.elapsed();
    let _ = std::fs::remove_dir_all(&target);
    outcome.map(|_| took)
}

/// Times the generator (medians) and, unless skipped, the clean build.
pub fn measure(ctx: &mut Ctx) -> Result<Section, String> {
    println!("bench: code generation");
    let runs = ctx.opts.codegen_runs.to_string();
    let g = ctx.bench_json(&["codegen", "--runs", &runs], "codegen", Duration::from_secs(600))?;
    let mut table = Table::new(&["measurement", "value", "target"]);
    let row = |what: &str, value: String| vec![what.to_owned(), value, "none set".to_owned()];
    table.row(row("load and validate the embedded spec (`harvest_spec::harvest`)", report::ms(num(&g, "/load_ms")?)));
    table.row(row("`harvest_codegen::generate` (spec → token streams)", report::ms(num(&g, "/generate_ms")?)));
    table.row(row(
        &format!(
            "every file `cargo xtask codegen` writes: generate + render + API docs ({} files, {} lines)",
            num(&g, "/files")?,
            report::count(num(&g, "/lines")? as u64)
        ),
        report::ms(num(&g, "/all_files_ms")?),
    ));
    let build = if ctx.opts.clean_build {
        report::ms(clean_build(ctx)?.as_secs_f64() * 1e3)
    } else {
        "skipped (--quick or --skip-clean-build)".into()
    };
    table.row(row(
        "clean `cargo build --release --locked -p harvest-client` in a fresh CARGO_TARGET_DIR (all dependencies included)",
        build,
    ));
    Ok(Section {
        title: "Code generation".into(),
        intro: format!(
            "`harvest-bench codegen`: medians of {runs} runs in one release process. The build row is wall time \
             of one cargo invocation compiling harvest-client and every dependency from scratch \
             (the temporary target directory is removed afterwards)."
        ),
        table,
        notes: Vec::new(),
    })
}

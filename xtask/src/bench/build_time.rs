//! Code generation time on the embedded spec, and the clean build time of the generated client.

use std::process::Command;
use std::time::{Duration, Instant};

use super::process::run_bounded;
use super::report::{self, Section, Table};
use super::{Ctx, num};

/// The client build timings, in a fresh target directory.
struct BuildTimes {
    /// harvest-client and every dependency from scratch.
    with_dependencies: Duration,
    /// harvest-client alone after `cargo clean -p harvest-client`, dependencies built.
    alone: Duration,
}

fn cargo_in(ctx: &mut Ctx, target: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(super::cargo());
    command.args(args);
    command.env("CARGO_TARGET_DIR", target).current_dir(&ctx.root);
    ctx.record(&command);
    command
}

fn timed(ctx: &mut Ctx, command: Command, what: &str, log: &str) -> Result<Duration, String> {
    let started = Instant::now();
    run_bounded(command, what, &ctx.dir, log, Duration::from_secs(3600))?;
    Ok(started.elapsed())
}

fn clean_build(ctx: &mut Ctx) -> Result<BuildTimes, String> {
    let target = ctx.dir.join("clean-build-target");
    let _ = std::fs::remove_dir_all(&target);
    let build = ["build", "--release", "--locked", "-p", "harvest-client"];
    println!("bench: clean release build of harvest-client (fresh target dir, dependencies included)");
    let command = cargo_in(ctx, &target, &build);
    let with_dependencies = timed(ctx, command, "the clean build", "clean-build");
    let alone = with_dependencies.as_ref().map_err(Clone::clone).and_then(|_| {
        println!("bench: release build of harvest-client alone (after `cargo clean -p harvest-client`)");
        let clean = cargo_in(ctx, &target, &["clean", "--release", "-p", "harvest-client"]);
        run_bounded(clean, "cargo clean -p", &ctx.dir, "clean-crate", Duration::from_secs(600))?;
        let command = cargo_in(ctx, &target, &build);
        timed(ctx, command, "the crate build", "crate-build")
    });
    let _ = std::fs::remove_dir_all(&target);
    Ok(BuildTimes { with_dependencies: with_dependencies?, alone: alone? })
}

/// The generated files issue 16 set a size target for, and the commit measured before it
/// (the last one whose client carried its runtime inside the generated code).
const WEIGHED: [&str; 2] = ["generated-client/src/generated/operations.rs", "generated-client/src/generated/models.rs"];
const WEIGHED_BEFORE: &str = "e68b53c";

/// Lines of the weighed files now and, read from git, at [`WEIGHED_BEFORE`].
fn generated_lines(ctx: &mut Ctx) -> Vec<String> {
    let now: Result<usize, String> = WEIGHED
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(ctx.root.join(path)).map_err(|e| format!("{path}: {e}"))?;
            Ok(text.lines().count())
        })
        .sum();
    let before: Result<usize, String> = WEIGHED
        .iter()
        .map(|path| {
            let mut show = Command::new("git");
            show.args(["show", &format!("{WEIGHED_BEFORE}:{path}")]).current_dir(&ctx.root);
            ctx.record(&show);
            let out = show.output().map_err(|e| format!("git show: {e}"))?;
            let text = String::from_utf8(out.stdout).map_err(|e| format!("{path} at {WEIGHED_BEFORE}: {e}"))?;
            if out.status.success() {
                Ok(text.lines().count())
            } else {
                Err(format!("{path} at {WEIGHED_BEFORE}: not in git"))
            }
        })
        .sum();
    let shown = |lines: &Result<usize, String>| match lines {
        Ok(n) => report::count(*n as u64),
        Err(e) => format!("unavailable ({e})"),
    };
    let change = match (&now, &before) {
        (Ok(now), Ok(before)) => format!(", {} lines", *now as i64 - *before as i64),
        _ => String::new(),
    };
    vec![
        format!(
            "lines of `operations.rs` + `models.rs` in generated-client/src/generated, now (at {WEIGHED_BEFORE}: {}{change})",
            shown(&before)
        ),
        shown(&now),
        "3,000 fewer than at e68b53c".to_owned(),
    ]
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
    table.row(generated_lines(ctx));
    let (with_dependencies, alone) = if ctx.opts.clean_build {
        let times = clean_build(ctx)?;
        let ms = |d: Duration| report::ms(d.as_secs_f64() * 1e3);
        (ms(times.with_dependencies), ms(times.alone))
    } else {
        let skipped = || "skipped (--quick or --skip-clean-build)".to_owned();
        (skipped(), skipped())
    };
    table.row(row(
        "clean `cargo build --release --locked -p harvest-client` in a fresh CARGO_TARGET_DIR (all dependencies included)",
        with_dependencies,
    ));
    table.row(vec![
        "the same build of harvest-client alone, after `cargo clean --release -p harvest-client` (dependencies built)"
            .to_owned(),
        alone,
        "≤ 20 s".to_owned(),
    ]);
    Ok(Section {
        title: "Code generation".into(),
        intro: format!(
            "`harvest-bench codegen`: medians of {runs} runs in one release process. The first build row is \
             wall time of one cargo invocation compiling harvest-client and every dependency from scratch; \
             the second rebuilds only harvest-client in the same target directory (removed afterwards)."
        ),
        table,
        notes: Vec::new(),
    })
}

//! `cargo xtask bench`: builds the release binaries, makes sure `wrk` is present, runs every
//! measurement on 127.0.0.1 (each bounded in time) and writes the report (`BENCHMARKS.md`).

mod accounts;
mod build_time;
mod durable;
mod machine;
mod options;
mod process;
mod report;
mod scale;
mod throughput;
mod wrk;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use options::Options;
pub use options::USAGE;
use process::{Server, free_port, run_bounded, start_server};

/// Everything the measurements share: options, paths, and the commands run so far.
pub struct Ctx {
    /// The run's options.
    pub opts: Options,
    /// The workspace root.
    pub root: PathBuf,
    /// `target/bench`: scripts, logs and outputs of this run.
    pub dir: PathBuf,
    /// The release mock server.
    pub mock_bin: PathBuf,
    /// The release `harvest-bench`.
    pub bench_bin: PathBuf,
    /// The load generator.
    pub wrk: PathBuf,
    /// Every command run, in order, as shell text.
    pub commands: Vec<String>,
}

impl Ctx {
    /// Records `command` for the report's command list.
    pub fn record(&mut self, command: &Command) {
        let rel = |s: &str| s.strip_prefix(&format!("{}/", self.root.display())).unwrap_or(s).to_owned();
        let env = command.get_envs().filter_map(|(k, v)| Some(format!("{}={}", k.to_str()?, rel(v?.to_str()?))));
        let program = Path::new(command.get_program());
        let program = if program.starts_with(&self.root) {
            rel(&program.to_string_lossy())
        } else {
            program.file_name().map_or_else(|| program.to_string_lossy(), |n| n.to_string_lossy()).into_owned()
        };
        let args = command.get_args().map(|a| rel(&a.to_string_lossy()));
        let words: Vec<String> = env.chain(std::iter::once(program)).chain(args).collect();
        let quoted: Vec<String> =
            words.into_iter().map(|w| if w.contains([' ', '&', '?', '(']) { format!("'{w}'") } else { w }).collect();
        self.commands.push(quoted.join(" "));
    }

    /// Starts the release mock at `scale` on a free port; returns it and its start-up time
    /// (spawn until `GET /__admin/health` answers 200).
    pub fn start_mock(&mut self, scale: u32, limit: Duration) -> Result<(Server, Duration), String> {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], free_port()?));
        let mut command = Command::new(&self.mock_bin);
        command.args(["serve", "--addr", &addr.to_string(), "--scale", &scale.to_string()]);
        command.env("NO_COLOR", "1").current_dir(&self.root);
        self.record(&command);
        let log = self.dir.join(format!("mock-scale-{scale}.log"));
        start_server(&format!("harvest-mock --scale {scale}"), command, addr, log, limit)
    }

    /// Runs `harvest-bench <args>` within `limit` and parses the JSON it prints.
    pub fn bench_json(&mut self, args: &[&str], tag: &str, limit: Duration) -> Result<serde_json::Value, String> {
        let mut command = Command::new(&self.bench_bin);
        command.args(args).current_dir(&self.root);
        self.record(&command);
        let what = format!("harvest-bench {}", args.first().unwrap_or(&""));
        let out = run_bounded(command, &what, &self.dir, tag, limit)?;
        let line = out.lines().rev().find(|l| l.starts_with('{')).unwrap_or("");
        serde_json::from_str(line).map_err(|e| format!("{what} printed no JSON result ({e}): {out}"))
    }
}

/// A number at `pointer` in a `harvest-bench` result.
pub fn num(value: &serde_json::Value, pointer: &str) -> Result<f64, String> {
    value
        .pointer(pointer)
        .and_then(serde_json::Value::as_f64)
        .ok_or_else(|| format!("no number at {pointer} in {value}"))
}

/// Runs `cargo xtask bench` with the arguments after `bench`.
pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    let opts = match options::parse(args) {
        Ok(opts) => opts,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match bench(root, opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn build(root: &Path, commands: &mut Vec<String>) -> Result<(), String> {
    let args = ["build", "--release", "--locked", "-p", "harvest-mock", "-p", "harvest-bench"];
    println!("bench: cargo {}", args.join(" "));
    commands.push(format!("cargo {}", args.join(" ")));
    let status = Command::new(cargo()).args(args).current_dir(root).status();
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("building the release binaries failed ({s})")),
        Err(e) => Err(format!("cannot run cargo: {e}")),
    }
}

fn bench(root: &Path, opts: Options) -> Result<(), String> {
    let started = Instant::now();
    let (date, machine) = (machine::now_utc(), machine::detect());
    let wrk = wrk::ensure()?;
    let mut commands = Vec::new();
    build(root, &mut commands)?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let dir = target.join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let release = target.join("release");
    let mut ctx = Ctx {
        opts,
        root: root.to_path_buf(),
        dir,
        mock_bin: release.join("harvest-mock"),
        bench_bin: release.join("harvest-bench"),
        wrk,
        commands,
    };
    let mut sections = vec![throughput::measure(&mut ctx)?];
    sections.push(accounts::measure(&mut ctx)?);
    sections.push(durable::measure(&mut ctx)?);
    sections.extend(scale::measure(&mut ctx)?);
    sections.push(build_time::measure(&mut ctx)?);
    let header = Header { date, machine, took: started.elapsed(), load_end: machine::load() };
    let text = render(&ctx, &header, &sections);
    let out = root.join(&ctx.opts.out);
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&out, &text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("\n{text}");
    println!("bench: wrote {}", out.display());
    Ok(())
}

/// Hand-written notes on the targets the measurements miss (profiles and what
/// would close each gap), kept in `bench/ANALYSIS.md` and copied into every report.
const ANALYSIS: &str = include_str!("../../../bench/ANALYSIS.md");

struct Header {
    date: String,
    machine: machine::Machine,
    took: Duration,
    load_end: String,
}

fn render(ctx: &Ctx, h: &Header, sections: &[report::Section]) -> String {
    let o = &ctx.opts;
    let m = &h.machine;
    let mode = if o.quick { "quick (development) run" } else { "full run" };
    let mut text = format!(
        "# Benchmarks\n\n\
         Every number below comes from one run of `cargo xtask bench` ({mode}); regenerate this file with \
         that command rather than editing it. Load generator, servers and client share the machine's cores, \
         and other work on the machine shows up in the numbers: compare the load averages.\n\n\
         | | |\n| --- | --- |\n\
         | date | {} |\n\
         | CPU | {}, {} logical CPUs |\n\
         | RAM | {:.1} GiB |\n\
         | OS | {} |\n\
         | toolchain | {} |\n\
         | load average (1, 5, 15 min) | {} at the start, {} at the end |\n\
         | run | `cargo xtask bench{}`, {:.0} s in all |\n\n",
        h.date,
        m.cpu,
        m.cores,
        m.ram_gib,
        m.os,
        m.rustc,
        m.load,
        h.load_end,
        if o.quick { " --quick" } else { "" },
        h.took.as_secs_f64(),
    );
    for section in sections {
        text += &section.render();
    }
    text += ANALYSIS;
    text += "\n## Commands\n\nIn the order run (ports are picked free at run time; outputs and logs in `target/bench/`):\n\n```sh\n";
    for command in &ctx.commands {
        text += &format!("{command}\n");
    }
    text + "```\n"
}

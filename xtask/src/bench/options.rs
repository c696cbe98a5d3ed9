//! Command-line options of `cargo xtask bench`.

use std::path::PathBuf;

/// Usage text of `cargo xtask bench`.
pub const USAGE: &str = "usage: cargo xtask bench [options]

  --quick              development run: 2 s wrk runs, fewer samples, no 1M scale, no clean build;
                       writes target/bench/BENCHMARKS.quick.md unless --out is given
  --duration SECS      length of each wrk run (default 5, quick 2)
  --connections N      wrk connections (default 32)
  --threads N          wrk threads (default 2)
  --skip-1m            leave out scale 500 (1,000,000 time entries)
  --skip-clean-build   leave out the clean release builds of harvest-client (with its dependencies, and alone)
  --out PATH           where to write the report (default BENCHMARKS.md)";

/// What one `cargo xtask bench` run measures and where it writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Development mode: shorter and smaller.
    pub quick: bool,
    /// Seconds of each wrk run.
    pub duration_s: u64,
    /// wrk connections.
    pub connections: u32,
    /// wrk threads.
    pub threads: u32,
    /// Whether scale 500 (1M time entries) is measured.
    pub one_million: bool,
    /// Whether the clean build of harvest-client is timed.
    pub clean_build: bool,
    /// The report's path, relative to the workspace root unless absolute.
    pub out: PathBuf,
    /// Requests per page in the deep-page comparison.
    pub page_samples: usize,
    /// Seconds each decoder runs.
    pub decode_seconds: f64,
    /// Runs of each codegen step.
    pub codegen_runs: usize,
}

fn number<T: std::str::FromStr>(flag: &str, value: Option<&&str>) -> Result<T, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value"))?;
    value.parse().map_err(|_| format!("{flag}: {value:?} is not a valid number"))
}

/// Parses the arguments after `bench`.
pub fn parse(args: &[&str]) -> Result<Options, String> {
    let quick = args.contains(&"--quick");
    let mut o = Options {
        quick,
        duration_s: if quick { 2 } else { 5 },
        connections: 32,
        threads: 2,
        one_million: !quick,
        clean_build: !quick,
        out: PathBuf::from(if quick { "target/bench/BENCHMARKS.quick.md" } else { "BENCHMARKS.md" }),
        page_samples: if quick { 15 } else { 51 },
        decode_seconds: if quick { 0.5 } else { 1.5 },
        codegen_runs: if quick { 3 } else { 7 },
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--quick" => {}
            "--duration" => o.duration_s = number(arg, it.next())?,
            "--connections" => o.connections = number(arg, it.next())?,
            "--threads" => o.threads = number(arg, it.next())?,
            "--skip-1m" => o.one_million = false,
            "--skip-clean-build" => o.clean_build = false,
            "--out" => o.out = PathBuf::from(it.next().ok_or("--out needs a path")?),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    if o.duration_s == 0 || o.connections == 0 || o.threads == 0 || o.threads > o.connections {
        return Err("--duration, --connections and --threads must be positive, threads ≤ connections".into());
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn defaults_are_the_full_run() {
        let o = parse(&[]).unwrap();
        assert_eq!((o.duration_s, o.connections, o.threads), (5, 32, 2));
        assert!(o.one_million && o.clean_build && !o.quick);
        assert_eq!(o.out, PathBuf::from("BENCHMARKS.md"));
    }

    #[test]
    fn quick_shortens_and_skips_but_flags_still_apply() {
        let o = parse(&["--quick", "--duration", "3"]).unwrap();
        assert!(o.quick && !o.one_million && !o.clean_build);
        assert_eq!(o.duration_s, 3);
        assert_eq!(o.out, PathBuf::from("target/bench/BENCHMARKS.quick.md"));
    }

    #[test]
    fn bad_arguments_are_named() {
        assert!(parse(&["--duration"]).unwrap_err().contains("--duration"));
        assert!(parse(&["--duration", "x"]).unwrap_err().contains("\"x\""));
        assert!(parse(&["--fast"]).unwrap_err().contains("--fast"));
        assert!(parse(&["--threads", "64"]).is_err());
    }
}

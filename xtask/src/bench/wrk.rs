//! The load generator: finding or installing `wrk`, its Lua scripts, and reading its results.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The summary `wrk` prints through the `done` hook of our scripts.
#[derive(Debug, Clone, PartialEq)]
pub struct WrkResult {
    /// Completed requests.
    pub requests: u64,
    /// Requests per second over the run.
    pub rps: f64,
    /// Median latency in microseconds.
    pub p50_us: f64,
    /// 99th percentile latency in microseconds.
    pub p99_us: f64,
    /// Responses with status ≥ 400.
    pub status_errors: u64,
    /// Connect, read, write and timeout errors.
    pub socket_errors: u64,
}

const RESULT_TAG: &str = "BENCH-RESULT";
/// Seconds before wrk gives up on a response (its default, 2 s, would hide slow answers from the latencies).
pub const TIMEOUT_S: u64 = 10;

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Uid:").map(|r| r.split_whitespace().next() == Some("0"))))
        .unwrap_or(false)
}

fn apt(args: &[&str]) -> bool {
    let (program, args): (&str, Vec<&str>) =
        if is_root() { ("apt-get", args.to_vec()) } else { ("sudo", [&["-n", "apt-get"], args].concat()) };
    println!("bench: running `{program} {}`", args.join(" "));
    Command::new(program).args(&args).status().is_ok_and(|s| s.success())
}

/// The `wrk` binary: from PATH, or installed from the distribution's `wrk` package.
pub fn ensure() -> Result<PathBuf, String> {
    if let Some(path) = on_path("wrk") {
        return Ok(path);
    }
    println!("bench: `wrk` (the HTTP load generator) is not on PATH; installing the Debian package `wrk`");
    if !apt(&["install", "-y", "wrk"]) {
        println!("bench: the install failed; refreshing the package lists and trying once more");
        let _ = apt(&["update"]);
        apt(&["install", "-y", "wrk"]);
    }
    on_path("wrk").ok_or_else(|| {
        "`wrk` is required and could not be installed (needs apt-get as root or password-less sudo); \
         install it yourself (Debian/Ubuntu: `apt-get install wrk`) and run `cargo xtask bench` again"
            .to_owned()
    })
}

fn lua_string(text: &str) -> Result<String, String> {
    if text.contains("]==]") {
        return Err(format!("cannot quote {text:?} for a wrk script"));
    }
    Ok(format!("[==[{text}]==]"))
}

/// The headers of an API request as account 1 (what the harvest-bench client sends).
pub fn api_headers() -> Vec<(String, String)> {
    [
        ("Authorization", "Bearer bench-token"),
        ("Harvest-Account-Id", "1"),
        ("User-Agent", "harvest-bench (bench@example.invalid)"),
    ]
    .iter()
    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
    .collect()
}

/// A wrk Lua script sending `method` with `headers` and `body`, whose `done` hook prints one
/// machine-readable result line (latencies in microseconds).
pub fn script(method: &str, headers: &[(String, String)], body: Option<&str>) -> Result<String, String> {
    let mut lua = format!("wrk.method = {}\n", lua_string(method)?);
    for (name, value) in headers {
        lua += &format!("wrk.headers[ {} ] = {}\n", lua_string(name)?, lua_string(value)?);
    }
    if let Some(body) = body {
        lua += &format!("wrk.body = {}\nwrk.headers[\"Content-Type\"] = \"application/json\"\n", lua_string(body)?);
    }
    lua += &format!(
        "done = function(summary, latency, requests)\n  \
         local e = summary.errors\n  \
         io.write(string.format(\"{RESULT_TAG} requests=%d duration_us=%d p50_us=%.1f p99_us=%.1f \
         status_errors=%d socket_errors=%d\\n\", summary.requests, summary.duration, \
         latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))\n\
         end\n"
    );
    Ok(lua)
}

/// Reads the result line of [`script`]'s `done` hook from wrk's output.
pub fn parse(output: &str) -> Result<WrkResult, String> {
    let line = output
        .lines()
        .find_map(|l| l.trim().strip_prefix(RESULT_TAG))
        .ok_or_else(|| format!("wrk printed no {RESULT_TAG} line; its output:\n{output}"))?;
    let field = |name: &str| -> Result<f64, String> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .ok_or_else(|| format!("wrk's result line lacks {name}: {line}"))?
            .parse::<f64>()
            .map_err(|e| format!("wrk's {name} in {line:?}: {e}"))
    };
    let duration_us = field("duration_us")?;
    let requests = field("requests")?;
    Ok(WrkResult {
        requests: requests as u64,
        rps: if duration_us > 0.0 { requests / (duration_us / 1e6) } else { 0.0 },
        p50_us: field("p50_us")?,
        p99_us: field("p99_us")?,
        status_errors: field("status_errors")? as u64,
        socket_errors: field("socket_errors")? as u64,
    })
}

/// The arguments of one wrk run against `url` with the script at `script`.
pub fn args(threads: u32, connections: u32, duration_s: u64, script: &Path, url: &str) -> Vec<String> {
    vec![
        format!("-t{threads}"),
        format!("-c{connections}"),
        format!("-d{duration_s}s"),
        "--latency".into(),
        "--timeout".into(),
        format!("{TIMEOUT_S}s"),
        "-s".into(),
        script.display().to_string(),
        url.to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const OUTPUT: &str = "Running 5s test @ http://127.0.0.1:40123/v2/time_entries\n  2 threads and 32 connections\n\
        Latency Distribution\n     50%  375.00us\n     99%    4.67ms\n  282715 requests in 5.00s, 34.51MB read\n\
        Requests/sec:  56543.00\nTransfer/sec:      6.90MB\n\
        BENCH-RESULT requests=282715 duration_us=5000000 p50_us=375.0 p99_us=4670.5 status_errors=3 socket_errors=1\n";

    #[test]
    fn the_result_line_is_found_among_wrks_own_output() {
        let r = parse(OUTPUT).unwrap();
        assert_eq!(r.requests, 282715);
        assert!((r.rps - 56543.0).abs() < 1e-6);
        assert_eq!((r.p50_us, r.p99_us), (375.0, 4670.5));
        assert_eq!((r.status_errors, r.socket_errors), (3, 1));
    }

    #[test]
    fn missing_or_malformed_results_are_errors() {
        assert!(parse("Requests/sec: 10\n").unwrap_err().contains("no BENCH-RESULT"));
        let partial = "BENCH-RESULT requests=1 duration_us=1000000 p50_us=1.0\n";
        assert!(parse(partial).unwrap_err().contains("p99_us"));
        let garbled = "BENCH-RESULT requests=x duration_us=1 p50_us=1 p99_us=1 status_errors=0 socket_errors=0\n";
        assert!(parse(garbled).unwrap_err().contains("requests"));
    }

    #[test]
    fn scripts_quote_bodies_and_headers_verbatim() {
        let headers = [("User-Agent".to_owned(), "bench (a@b.c)".to_owned())];
        let lua = script("POST", &headers, Some(r#"{"notes":"x"}"#)).unwrap();
        assert!(lua.contains(r#"wrk.body = [==[{"notes":"x"}]==]"#));
        assert!(lua.contains("wrk.headers[ [==[User-Agent]==] ] = [==[bench (a@b.c)]==]"));
        assert!(lua.contains("wrk.method = [==[POST]==]"));
        assert!(lua.contains("BENCH-RESULT requests=%d"));
        assert!(script("GET", &[], Some("]==]")).is_err());
    }
}

//! Throughput and latency of the mock against the precomputed-bytes ceiling, endpoint by endpoint.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::process::{Server, log_file, log_tail};
use super::report::{self, Section, Table, verdict};
use super::wrk::{self, WrkResult};
use super::{Ctx, num};

/// Throughput target: a read endpoint's req/s as a fraction of its ceiling.
const MIN_FRACTION: f64 = 0.5;
/// Latency target: p99 in microseconds.
const MAX_P99_US: f64 = 5000.0;

/// Starts `harvest-bench ceiling` against the mock and reads its plan (first stdout line).
fn start_ceiling(ctx: &mut Ctx, mock: &Server) -> Result<(Server, Value), String> {
    let log = ctx.dir.join("ceiling.log");
    let mut command = Command::new(&ctx.bench_bin);
    command.args(["ceiling", "--mock", &mock.origin()]).current_dir(&ctx.root);
    ctx.record(&command);
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(log_file(&log)?);
    let mut child = command.spawn().map_err(|e| format!("cannot start harvest-bench ceiling: {e}"))?;
    let mut line = String::new();
    if let Some(stdout) = child.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    let plan: Option<Value> = serde_json::from_str(&line).ok();
    let addr = plan.as_ref().and_then(|p| p["addr"].as_str()).and_then(|a| a.parse().ok());
    let (Some(plan), Some(addr)) = (plan, addr) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!(
            "the ceiling server (harvest-bench ceiling) did not start; {}:\n{}",
            log.display(),
            log_tail(&log, 15)
        ));
    };
    Ok((Server { addr, log, child }, plan))
}

/// One wrk run of `script` against `url`, bounded in time.
pub fn run_wrk(ctx: &mut Ctx, url: &str, script: &std::path::Path, tag: &str) -> Result<WrkResult, String> {
    let o = &ctx.opts;
    let mut command = Command::new(&ctx.wrk);
    command.args(wrk::args(o.threads, o.connections, o.duration_s, script, url));
    let limit = Duration::from_secs(o.duration_s + 60);
    ctx.record(&command);
    let out = super::process::run_bounded(command, &format!("wrk against {url}"), &ctx.dir, tag, limit)?;
    wrk::parse(&out)
}

fn errors(r: &WrkResult) -> Option<String> {
    (r.status_errors + r.socket_errors > 0)
        .then(|| format!("{} responses ≥ 400 and {} socket errors", r.status_errors, r.socket_errors))
}

/// Runs every endpoint of the plan against the mock (default data) and its ceiling.
pub fn measure(ctx: &mut Ctx) -> Result<Section, String> {
    println!("bench: throughput and latency (wrk, {} s per run)", ctx.opts.duration_s);
    let (mock, _) = ctx.start_mock(1, Duration::from_secs(60))?;
    let (ceiling, plan) = start_ceiling(ctx, &mock)?;
    let headers: Vec<(String, String)> = plan["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| Some((h[0].as_str()?.to_owned(), h[1].as_str()?.to_owned())))
        .collect();
    let mut table = Table::new(&[
        "endpoint",
        "response",
        "mock req/s",
        "ceiling req/s",
        "mock / ceiling",
        "mock p50",
        "mock p99",
        "ceiling p99",
        "target",
        "verdict",
    ]);
    let mut notes = Vec::new();
    for item in plan["endpoints"].as_array().into_iter().flatten() {
        let e = &item["endpoint"];
        let name = e["name"].as_str().unwrap_or("endpoint");
        let method = e["method"].as_str().unwrap_or("GET");
        let script = wrk::script(method, &headers, e["body"].as_str())?;
        let script_path = ctx.dir.join(format!("wrk-{name}.lua"));
        std::fs::write(&script_path, script).map_err(|e| format!("cannot write {}: {e}", script_path.display()))?;
        let mock_url = format!("{}{}", mock.origin(), e["path_and_query"].as_str().unwrap_or("/"));
        let ceiling_url = format!("{}{}", ceiling.origin(), item["ceiling_path"].as_str().unwrap_or("/"));
        println!("bench:   {name}: mock, then ceiling");
        let m = run_wrk(ctx, &mock_url, &script_path, &format!("wrk-{name}-mock"))?;
        let c = run_wrk(ctx, &ceiling_url, &script_path, &format!("wrk-{name}-ceiling"))?;
        let fraction = if c.rps > 0.0 { m.rps / c.rps } else { 0.0 };
        let read = e["read"].as_bool().unwrap_or(true);
        let (target, verdict) = if read {
            let fast = fraction >= MIN_FRACTION;
            let quick = m.p99_us < MAX_P99_US;
            let why = match (fast, quick) {
                (true, true) => String::new(),
                (false, true) => " (throughput)".into(),
                (true, false) => " (p99)".into(),
                (false, false) => " (throughput, p99)".into(),
            };
            ("≥ 50 %, p99 < 5 ms".to_owned(), format!("{}{why}", verdict(fast && quick)))
        } else {
            ("none (write)".to_owned(), "–".to_owned())
        };
        table.row(vec![
            e["label"].as_str().unwrap_or(name).to_owned(),
            format!("{:.1} KB", num(item, "/response_bytes")? / 1000.0),
            report::count(m.rps.round() as u64),
            report::count(c.rps.round() as u64),
            format!("{:.0} %", fraction * 100.0),
            report::ms(m.p50_us / 1000.0),
            report::ms(m.p99_us / 1000.0),
            report::ms(c.p99_us / 1000.0),
            target,
            verdict,
        ]);
        for (who, r) in [("mock", &m), ("ceiling", &c)] {
            if let Some(errors) = errors(r) {
                notes.push(format!("{name} against the {who}: {errors}."));
            }
        }
        if !read {
            notes.push(format!(
                "{name}: every request adds a record, so the mock's store grew by about {} time entries during \
                 its run; the ceiling answers the one captured 201 each time.",
                report::count(m.requests)
            ));
        }
    }
    drop(ceiling);
    drop(mock);
    let o = &ctx.opts;
    Ok(Section {
        title: "Mock throughput and latency".into(),
        intro: format!(
            "`wrk -t{} -c{} -d{}s --latency --timeout {}s` against the release mock (default data: scale 1, 2,000 time entries) \
             and, right after, against the ceiling: `harvest-bench ceiling`, a minimal axum 0.8 server answering \
             each endpoint with the status, headers and body bytes captured from the mock beforehand \
             (precomputed `Bytes`), i.e. the framework's ceiling for that response. Reads run first, the create \
             last. Targets (reads): at least 50 % of the ceiling's requests per second and p99 under 5 ms at {} \
             connections. Response = body size. Answers slower than the timeout count as socket errors and are \
             left out of the latencies (listed below the table when any occur).",
            o.threads,
            o.connections,
            o.duration_s,
            wrk::TIMEOUT_S,
            o.connections
        ),
        table,
        notes,
    })
}

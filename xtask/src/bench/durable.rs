//! Durable writes: creates per second with `--state` (an SQLite database, each create
//! committed before it is answered) as a share of the same creates in memory, at two
//! scales, and the start-up from a state database.

use std::process::Command;
use std::time::Duration;

use super::process::{free_port, start_server};
use super::report::{self, Section, Table, verdict};
use super::throughput::run_wrk;
use super::{Ctx, Server, wrk};

/// The share of in-memory creates per second durable creates must reach.
const MIN_SHARE: f64 = 0.10;

/// Starts the release mock at `scale`, with `--state FILE` when given.
pub(super) fn start(
    ctx: &mut Ctx,
    scale: u32,
    state: Option<&std::path::Path>,
    tag: &str,
) -> Result<(Server, Duration), String> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], free_port()?));
    let mut command = Command::new(&ctx.mock_bin);
    command.args(["serve", "--addr", &addr.to_string(), "--scale", &scale.to_string()]);
    if let Some(state) = state {
        command.arg("--state").arg(state);
    }
    command.env("NO_COLOR", "1").current_dir(&ctx.root);
    ctx.record(&command);
    let log = ctx.dir.join(format!("mock-{tag}.log"));
    start_server(&format!("harvest-mock ({tag})"), command, addr, log, Duration::from_secs(120 + u64::from(scale)))
}

/// wrk sending the benchmarked create to `mock` (body chosen from its data).
fn creates(ctx: &mut Ctx, mock: &Server, tag: &str) -> Result<wrk::WrkResult, String> {
    let origin = mock.origin();
    let body =
        ctx.bench_json(&["create-body", "--mock", &origin], &format!("create-body-{tag}"), Duration::from_secs(60))?;
    let headers = wrk::api_headers();
    let script = ctx.dir.join(format!("wrk-create-{tag}.lua"));
    std::fs::write(&script, wrk::script("POST", &headers, Some(&body.to_string()))?)
        .map_err(|e| format!("{}: {e}", script.display()))?;
    run_wrk(ctx, &format!("{origin}/v2/time_entries"), &script, &format!("wrk-create-{tag}"))
}

/// Measures durable against in-memory creates at scales 1 and 50, then a restart from the database.
pub fn measure(ctx: &mut Ctx) -> Result<Section, String> {
    println!("bench: durable writes (--state) against in-memory writes");
    let mut table = Table::new(&[
        "scale (time entries)",
        "in memory: creates/s",
        "--state: creates/s",
        "--state / in memory",
        "--state p50",
        "--state p99",
        "target",
        "verdict",
    ]);
    let mut notes = Vec::new();
    for scale in [1u32, 50] {
        println!("bench:   scale {scale}: in memory, then --state");
        let (mem, _) = start(ctx, scale, None, &format!("memory-{scale}"))?;
        let m = creates(ctx, &mem, &format!("memory-{scale}"))?;
        drop(mem);
        let db = ctx.dir.join(format!("state-{scale}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let (disk, created_in) = start(ctx, scale, Some(&db), &format!("state-{scale}"))?;
        let d = creates(ctx, &disk, &format!("state-{scale}"))?;
        drop(disk);
        let (again, restarted_in) = start(ctx, scale, Some(&db), &format!("state-restart-{scale}"))?;
        drop(again);
        let share = if m.rps > 0.0 { d.rps / m.rps } else { 0.0 };
        table.row(vec![
            format!("{scale} ({})", report::count(u64::from(scale) * 2000)),
            report::count(m.rps.round() as u64),
            report::count(d.rps.round() as u64),
            format!("{:.1} %", share * 100.0),
            report::ms(d.p50_us / 1000.0),
            report::ms(d.p99_us / 1000.0),
            format!("≥ {:.0} %", MIN_SHARE * 100.0),
            verdict(share >= MIN_SHARE),
        ]);
        notes.push(format!(
            "scale {scale}: the first start on a new state file (seeding and writing the account) took {:.2} s; \
             the restart from it, after {} durable creates, {:.2} s.",
            created_in.as_secs_f64(),
            report::count(d.requests),
            restarted_in.as_secs_f64()
        ));
        for (who, r) in [("in memory", &m), ("--state", &d)] {
            if r.status_errors + r.socket_errors > 0 {
                notes.push(format!(
                    "scale {scale} {who}: {} responses ≥ 400, {} socket errors",
                    r.status_errors, r.socket_errors
                ));
            }
        }
    }
    let o = &ctx.opts;
    Ok(Section {
        title: "Durable writes".into(),
        intro: format!(
            "`wrk -t{} -c{} -d{}s` sending `POST /v2/time_entries` to the release mock without `--state`, then to a \
             mock on a new `--state` database at the same scale (every create committed, `synchronous = FULL`, \
             before it is answered), same run. Then the mock is restarted on that database.",
            o.threads, o.connections, o.duration_s
        ),
        table,
        notes,
    })
}

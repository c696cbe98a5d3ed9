//! Accounts (tenants): the cost of a new one in time and memory, read throughput with 1,000
//! live accounts against one, and snapshot and restore times.

use std::process::Command;
use std::time::Duration;

use super::process::{free_port, start_server};
use super::report::{self, Section, Table, verdict};
use super::throughput::run_wrk;
use super::{Ctx, num, wrk};

/// Accounts created and rotated over.
const ACCOUNTS: u64 = 1000;
/// Where the mock's clock is frozen: on the hour, so the seeded running timers are current
/// and no account has to bring them up to date on its first request.
const NOW: &str = "2026-03-02T15:00:00Z";
/// First id of the created accounts (the same as `harvest-bench accounts` uses).
const FIRST_ACCOUNT: u64 = 3_000_000;
/// The read the throughput rows send.
const PATH: &str = "/v2/time_entries?per_page=100";

/// A wrk script that sends each request as the next of `count` accounts (the baseline uses the
/// same script over one account, so both pay the same per-request Lua).
fn rotating_script(headers: &[(String, String)], count: u64) -> Result<String, String> {
    let others: Vec<(String, String)> = headers.iter().filter(|(n, _)| n != "Harvest-Account-Id").cloned().collect();
    let mut lua = wrk::script("GET", &others, None)?;
    lua += &format!(
        "local n = 0\nrequest = function()\n  n = n + 1\n  \
         wrk.headers[\"Harvest-Account-Id\"] = tostring({FIRST_ACCOUNT} + (n % {count}))\n  \
         return wrk.format(nil, nil, wrk.headers)\nend\n"
    );
    Ok(lua)
}

/// Starts a mock with a frozen clock, creates the accounts, and measures.
pub fn measure(ctx: &mut Ctx) -> Result<Section, String> {
    println!("bench: accounts: creation, memory, snapshots, then read throughput with {ACCOUNTS} accounts");
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], free_port()?));
    let mut command = Command::new(&ctx.mock_bin);
    command.args(["serve", "--addr", &addr.to_string(), "--now", NOW, "--max-accounts", "5000"]);
    command.env("NO_COLOR", "1").current_dir(&ctx.root);
    ctx.record(&command);
    let log = ctx.dir.join("mock-accounts.log");
    let (mock, _) = start_server("harvest-mock (accounts)", command, addr, log, Duration::from_secs(60))?;
    let origin = mock.origin();
    let pid = mock.child.id().to_string();
    let accounts = ACCOUNTS.to_string();
    let args = ["accounts", "--mock", &origin, "--pid", &pid, "--accounts", &accounts];
    let costs = ctx.bench_json(&args, "accounts", Duration::from_secs(300))?;
    let headers = wrk::api_headers();
    let one_path = ctx.dir.join("wrk-accounts-one.lua");
    let many_path = ctx.dir.join("wrk-accounts-many.lua");
    std::fs::write(&one_path, rotating_script(&headers, 1)?).map_err(|e| format!("{}: {e}", one_path.display()))?;
    std::fs::write(&many_path, rotating_script(&headers, ACCOUNTS)?)
        .map_err(|e| format!("{}: {e}", many_path.display()))?;
    let url = format!("{origin}{PATH}");
    println!("bench:   {PATH}: one account and {ACCOUNTS} accounts, alternating, twice");
    let one = run_wrk(ctx, &url, &one_path, "wrk-accounts-one")?;
    let many = run_wrk(ctx, &url, &many_path, "wrk-accounts-many")?;
    let one_again = run_wrk(ctx, &url, &one_path, "wrk-accounts-one-again")?;
    let many_again = run_wrk(ctx, &url, &many_path, "wrk-accounts-many-again")?;
    drop(mock);

    let baseline = (one.rps + one_again.rps) / 2.0;
    let many_rps = (many.rps + many_again.rps) / 2.0;
    let share = if baseline > 0.0 { many_rps / baseline } else { 0.0 };
    let (first, again, live) = (num(&costs, "/first_ms")?, num(&costs, "/again_ms")?, num(&costs, "/live_ms")?);
    let creation = (first - again).max(0.0);
    let kib = num(&costs, "/kib_per_account")?;
    let (snapshot, restore, health) =
        (num(&costs, "/snapshot_ms")?, num(&costs, "/restore_ms")?, num(&costs, "/health_ms")?);
    let mut table = Table::new(&["measure", "value", "baseline (same run)", "target", "verdict"]);
    table.row(vec![
        "creating an account (first request − a request to a live account, medians)".into(),
        report::ms(creation),
        format!("first {} / live {} / account 1 {}", report::ms(first), report::ms(again), report::ms(live)),
        "≤ 1 ms".into(),
        verdict(creation <= 1.0),
    ]);
    table.row(vec![
        format!("memory per new account (RSS growth over {ACCOUNTS} accounts)"),
        format!("{kib:.1} KiB"),
        format!(
            "{} → {} KiB",
            report::count(num(&costs, "/rss_before_kib")? as u64),
            report::count(num(&costs, "/rss_after_kib")? as u64)
        ),
        "≤ 64 KiB".into(),
        verdict(kib <= 64.0),
    ]);
    table.row(vec![
        format!("`GET {PATH}` req/s over {ACCOUNTS} live accounts"),
        format!(
            "{} and {} ({:.0} % of one account)",
            report::count(many.rps.round() as u64),
            report::count(many_again.rps.round() as u64),
            share * 100.0
        ),
        format!(
            "one account: {} and {} req/s (alternating with the left column)",
            report::count(one.rps.round() as u64),
            report::count(one_again.rps.round() as u64)
        ),
        "≥ 90 %".into(),
        verdict(share >= 0.9),
    ]);
    table.row(vec![
        "snapshot of an account (`POST /__admin/snapshots`, median)".into(),
        report::ms(snapshot),
        format!("`GET /__admin/health`: {}", report::ms(health)),
        "O(1): near the health call".into(),
        "–".into(),
    ]);
    table.row(vec![
        "restore of a snapshot (`POST /__admin/snapshots/{id}/restore`, median)".into(),
        report::ms(restore),
        format!("`GET /__admin/health`: {}", report::ms(health)),
        "O(1): near the health call".into(),
        "–".into(),
    ]);
    let mut notes = Vec::new();
    let runs = [
        ("one account", &one),
        ("many accounts", &many),
        ("one account again", &one_again),
        ("many again", &many_again),
    ];
    for (who, r) in runs {
        if r.status_errors + r.socket_errors > 0 {
            notes.push(format!("{who}: {} responses ≥ 400, {} socket errors", r.status_errors, r.socket_errors));
        }
    }
    Ok(Section {
        title: "Accounts".into(),
        intro: format!(
            "One release mock at the default scale with `--now {NOW}`. `harvest-bench accounts` first sends \
             `GET /v2/users/me` to {ACCOUNTS} account ids never used before (each first request creates the \
             account as a copy of the seeded one), reading the process's RSS before and after, then to the same \
             accounts again; then it times snapshots and restores of one account. Then `wrk` reads `{PATH}` \
             with a script that names the next of N accounts on every request: N = 1 (the baseline) \
             and N = {ACCOUNTS}, alternating, twice each."
        ),
        table,
        notes,
    })
}

//! Scale: start-up time and peak memory per data size, deep-page cost, and the generated
//! client against a 100k-entry mock (fetch everything, decode throughput).

use std::time::Duration;

use serde_json::Value;

use super::process::{ready_in_ms, status_kib};
use super::report::{self, Section, Table, verdict};
use super::{Ctx, num};

/// One mock start at one scale.
struct ScaleRun {
    scale: u32,
    /// Started from a state database written by an earlier start, not from the seed.
    from_state: bool,
    entries: u64,
    startup: Duration,
    ready_in_ms: Option<f64>,
    hwm_kib: u64,
    rss_kib: u64,
    pages: Value,
    /// Every start-up measured for this row, in order (one, or [`MILLION_STARTS`] at a million).
    startups: Vec<Duration>,
}

/// The scale of 1,000,000 time entries (measured unless `--skip-1m`).
const MILLION_SCALE: u32 = 500;

/// Starts measured at 1,000,000 time entries: start-up there swings by a third with the
/// machine's load, so the row shows the median of several starts, not one.
const MILLION_STARTS: usize = 3;

/// A start of the mock: its start-up, the mock's own "ready in", peak and current RSS.
struct Start {
    startup: Duration,
    ready_in_ms: Option<f64>,
    hwm_kib: u64,
    rss_kib: u64,
}

impl ScaleRun {
    /// The row of one or more starts: the median start-up (and its "ready in" and current
    /// RSS), and the highest peak RSS of them all.
    fn from_starts(scale: u32, from_state: bool, entries: u64, pages: Value, starts: Vec<Start>) -> ScaleRun {
        let mut by_time: Vec<&Start> = starts.iter().collect();
        by_time.sort_by_key(|s| s.startup);
        let median = by_time.get(by_time.len() / 2);
        ScaleRun {
            scale,
            from_state,
            entries,
            startup: median.map_or(Duration::ZERO, |m| m.startup),
            ready_in_ms: median.and_then(|m| m.ready_in_ms),
            hwm_kib: starts.iter().map(|s| s.hwm_kib).max().unwrap_or(0),
            rss_kib: median.map_or(0, |m| m.rss_kib),
            pages,
            startups: starts.iter().map(|s| s.startup).collect(),
        }
    }
}

/// The scale whose mock the client fetches entirely (100,000 time entries).
const FETCH_SCALE: u32 = 50;
/// The scale whose page the decoders read: the default data, whose 2000 time entries fill one page.
const DECODE_SCALE: u32 = 1;

/// Starts the mock at each scale, then reads its memory, page costs and (at scale 50) the client.
pub fn measure(ctx: &mut Ctx) -> Result<Vec<Section>, String> {
    let mut scales = vec![1, 5, FETCH_SCALE];
    if ctx.opts.one_million {
        scales.push(MILLION_SCALE);
    }
    let mut runs = Vec::new();
    let (mut fetch, mut decode) = (Value::Null, Value::Null);
    for scale in scales {
        println!("bench: scale {scale}: start-up, memory, first and deep page");
        let limit = Duration::from_secs(60 + u64::from(scale));
        let (mock, startup) = ctx.start_mock(scale, limit)?;
        let hwm_kib = status_kib(mock.child.id(), "VmHWM")?;
        let rss_kib = status_kib(mock.child.id(), "VmRSS")?;
        let origin = mock.origin();
        let samples = ctx.opts.page_samples.to_string();
        let pages =
            ctx.bench_json(&["pages", "--mock", &origin, "--samples", &samples], &format!("pages-{scale}"), limit)?;
        if scale == DECODE_SCALE {
            println!("bench: client: decode throughput");
            let seconds = ctx.opts.decode_seconds.to_string();
            let args = ["decode", "--mock", &origin, "--per-page", "2000", "--seconds", &seconds];
            decode = ctx.bench_json(&args, "decode", Duration::from_secs(120))?;
        }
        if scale == FETCH_SCALE {
            println!("bench: client: fetch every time entry");
            let args = ["fetch", "--mock", &origin, "--per-page", "2000"];
            fetch = ctx.bench_json(&args, "fetch", Duration::from_secs(600))?;
        }
        let log = std::fs::read_to_string(&mock.log).unwrap_or_default();
        drop(mock);
        let mut starts = vec![Start { startup, ready_in_ms: ready_in_ms(&log), hwm_kib, rss_kib }];
        if scale == MILLION_SCALE {
            for _ in 1..MILLION_STARTS {
                let (mock, startup) = ctx.start_mock(scale, limit)?;
                starts.push(measured(mock, startup)?);
            }
        }
        let entries = num(&pages, "/total_entries")? as u64;
        runs.push(ScaleRun::from_starts(scale, false, entries, pages, starts));
    }
    if ctx.opts.one_million {
        runs.push(from_state_database(ctx, MILLION_SCALE, runs.last().map_or(0, |r| r.entries))?);
    }
    Ok(vec![memory_section(&runs), deep_page_section(&runs)?, client_section(&fetch, &decode)?])
}

/// Peak and current RSS of a started mock and its "ready in", then stops it.
fn measured(mock: super::process::Server, startup: Duration) -> Result<Start, String> {
    let hwm_kib = status_kib(mock.child.id(), "VmHWM")?;
    let rss_kib = status_kib(mock.child.id(), "VmRSS")?;
    let log = std::fs::read_to_string(&mock.log).unwrap_or_default();
    drop(mock);
    Ok(Start { startup, ready_in_ms: ready_in_ms(&log), hwm_kib, rss_kib })
}

/// Starts the mock on a new state database at `scale` (seeding and writing it), then
/// [`MILLION_STARTS`] times again on that database, and measures those starts.
fn from_state_database(ctx: &mut Ctx, scale: u32, entries: u64) -> Result<ScaleRun, String> {
    println!("bench: scale {scale}: start-up and memory from a state database");
    let db = ctx.dir.join(format!("start-{scale}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let (first, _) = super::durable::start(ctx, scale, Some(&db), &format!("start-{scale}-new-state"))?;
    drop(first);
    let mut starts = Vec::new();
    for k in 0..MILLION_STARTS {
        let (mock, startup) = super::durable::start(ctx, scale, Some(&db), &format!("start-{scale}-from-state-{k}"))?;
        starts.push(measured(mock, startup)?);
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    Ok(ScaleRun::from_starts(scale, true, entries, Value::Null, starts))
}

fn memory_section(runs: &[ScaleRun]) -> Section {
    let mut table = Table::new(&[
        "scale",
        "time entries",
        "start-up",
        "mock's \"ready in\"",
        "start-up target",
        "peak RSS",
        "RSS now",
        "peak RSS / time entry",
        "RSS target",
        "verdict",
    ]);
    for r in runs {
        let per_entry_kib = r.hwm_kib as f64 / r.entries.max(1) as f64;
        let startup_ms = r.startup.as_secs_f64() * 1e3;
        let (startup_target, startup_ok) = match r.scale {
            1 => ("< 100 ms", Some(startup_ms < 100.0)),
            MILLION_SCALE => ("< 5 s", Some(startup_ms < 5000.0)),
            _ => ("–", None),
        };
        let (rss_target, rss_ok) =
            if r.scale == MILLION_SCALE { ("≤ 1.5 KiB", Some(per_entry_kib <= 1.5)) } else { ("–", None) };
        let checks: Vec<bool> = [startup_ok, rss_ok].into_iter().flatten().collect();
        let verdict = if checks.is_empty() { "–".to_owned() } else { verdict(checks.iter().all(|ok| *ok)) };
        table.row(vec![
            if r.from_state { format!("{} (from `--state`)", r.scale) } else { r.scale.to_string() },
            report::count(r.entries),
            report::ms(startup_ms),
            r.ready_in_ms.map_or_else(|| "–".into(), report::ms),
            startup_target.into(),
            report::kib(r.hwm_kib),
            report::kib(r.rss_kib),
            format!("{per_entry_kib:.2} KiB"),
            rss_target.into(),
            verdict,
        ]);
    }
    let mut notes = Vec::new();
    for r in runs.iter().filter(|r| r.startups.len() > 1) {
        let each: Vec<String> = r.startups.iter().map(|d| format!("{:.2} s", d.as_secs_f64())).collect();
        notes.push(format!(
            "scale {}{}: {} starts, {} in the order run; the row shows the median start-up and the \
             highest peak RSS of them.",
            r.scale,
            if r.from_state { " from `--state`" } else { "" },
            r.startups.len(),
            each.join(" / "),
        ));
    }
    if let [.., a, b] = &runs.iter().filter(|r| !r.from_state).collect::<Vec<_>>()[..] {
        let bytes = (b.hwm_kib as f64 - a.hwm_kib as f64) * 1024.0 / (b.entries as f64 - a.entries as f64).max(1.0);
        notes.push(format!(
            "Marginal memory between scale {} and {}: {:.0} bytes per added time entry (every other resource \
             grows with the scale too).",
            a.scale, b.scale, bytes
        ));
    }
    Section {
        title: "Scale: start-up and memory".into(),
        intro: "`harvest-mock serve --scale N` (release) multiplies every resource's seed count. Start-up is \
                measured from spawning the process until `GET /__admin/health` answers 200; the mock's own \
                log line (\"ready in\") is shown beside it. Peak RSS (`VmHWM`) and RSS now (`VmRSS`) are read from \
                `/proc/<pid>/status` right after start-up; peak RSS per time entry divides the peak by the \
                number of time entries (so it includes every other resource, the spec and the server itself). \
                1 KiB = 1024 bytes. The row marked `--state` starts the mock on a state database an earlier \
                start seeded and wrote at that scale. At 1,000,000 time entries each row is started three times \
                (the notes list every start): it shows the median start-up and the highest peak RSS."
            .into(),
        table,
        notes,
    }
}

fn deep_page_section(runs: &[ScaleRun]) -> Result<Section, String> {
    let mut table = Table::new(&[
        "scale",
        "time entries",
        "page 1 (median)",
        "deep page (median)",
        "deep / first",
        "target",
        "verdict",
    ]);
    for r in runs.iter().filter(|r| r.pages["deep_ms"].is_number()) {
        let (first, deep) = (num(&r.pages, "/first_ms")?, num(&r.pages, "/deep_ms")?);
        let ratio = deep / first.max(1e-9);
        table.row(vec![
            r.scale.to_string(),
            report::count(r.entries),
            report::ms(first),
            format!("{} (page {})", report::ms(deep), num(&r.pages, "/deep_page")?),
            format!("{ratio:.2}×"),
            "≤ 2×".into(),
            verdict(ratio <= 2.0),
        ]);
    }
    let samples = runs.first().map(|r| r.pages["samples"].to_string()).unwrap_or_default();
    Ok(Section {
        title: "Deep page against first page".into(),
        intro: format!(
            "`harvest-bench pages`: `GET /v2/time_entries?page=P&per_page=100` through the generated client's \
             raw call on one kept-alive connection, page 1 and page 400 alternating, {samples} requests each \
             after one warm-up request each; medians of the round trip. Time entries are page-paginated in the \
             spec (no cursor), so the deep page is page 400; scales with fewer than 400 pages are left out."
        ),
        table,
        notes: Vec::new(),
    })
}

fn failed(error: &Value, notes: &mut Vec<String>) -> String {
    notes.push(format!("Failed: {}", error.as_str().unwrap_or("unknown error")));
    "**FAILED** (see below)".into()
}

fn client_section(fetch: &Value, decode: &Value) -> Result<Section, String> {
    let mut table = Table::new(&["measurement", "value", "target", "verdict"]);
    let mut notes = Vec::new();
    let what = format!("fetch every time entry of the scale-{FETCH_SCALE} mock, per_page {}", fetch["per_page"]);
    if fetch["error"].is_string() {
        table.row(vec![what, failed(&fetch["error"], &mut notes), "–".into(), "–".into()]);
    } else {
        let (records, pages, fetch_ms) = (num(fetch, "/records")?, num(fetch, "/pages")?, num(fetch, "/ms")?);
        table.row(vec![
            format!("{what} ({} records, {pages} pages)", report::count(records as u64)),
            format!("{} ({:.0} records/s)", report::ms(fetch_ms), records / (fetch_ms / 1e3).max(1e-9)),
            "–".into(),
            "–".into(),
        ]);
    }
    let client_row = "decode with the client's list-page type (`decode_page::<TimeEntry>`)";
    if decode["error"].is_string() {
        table.row(vec![client_row.into(), failed(&decode["error"], &mut notes), "≥ Value".into(), verdict(false)]);
    } else {
        let (client_rate, value_rate) = (num(decode, "/client_mb_s")?, num(decode, "/value_mb_s")?);
        let ratio = client_rate / value_rate.max(1e-9);
        table.row(vec![
            client_row.into(),
            format!("{client_rate:.1} MB/s ({ratio:.2}× Value)"),
            "≥ Value".into(),
            verdict(ratio >= 1.0),
        ]);
        table.row(vec![
            "decode into `serde_json::Value` (`from_slice`)".into(),
            format!("{value_rate:.1} MB/s"),
            "reference".into(),
            "–".into(),
        ]);
        table.row(vec![
            "decode straight into `{time_entries: Vec<TimeEntry>}` (`from_slice`, for comparison)".into(),
            format!("{:.1} MB/s", num(decode, "/direct_mb_s")?),
            "–".into(),
            "–".into(),
        ]);
    }
    Ok(Section {
        title: "Generated client".into(),
        intro: format!(
            "`harvest-bench fetch` against the release mock at scale {FETCH_SCALE}: \
             `client.time_entries().list().per_page(2000).pages()` until the last page (wall time, HTTP and \
             decoding included). `harvest-bench decode`: one page of 2000 time entries captured from the \
             default-data mock (scale {DECODE_SCALE}, {:.2} MB) decoded repeatedly by each decoder in alternating \
             100 ms slices, at least {:.1} s each, in the same process. MB = 10^6 bytes.",
            decode["page_bytes"].as_f64().unwrap_or(0.0) / 1e6,
            decode["seconds_each"].as_f64().unwrap_or(0.0)
        ),
        table,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_starts_give_the_median_start_up_and_the_highest_peak() {
        let start = |ms: u64, hwm_kib: u64| Start {
            startup: Duration::from_millis(ms),
            ready_in_ms: Some(ms as f64 - 1.0),
            hwm_kib,
            rss_kib: hwm_kib - 10,
        };
        let starts = vec![start(5_300, 1_400), start(4_100, 1_450), start(4_700, 1_420)];
        let run = ScaleRun::from_starts(MILLION_SCALE, true, 1_000_000, Value::Null, starts);
        assert_eq!(run.startup, Duration::from_millis(4_700));
        assert_eq!((run.ready_in_ms, run.rss_kib), (Some(4_699.0), 1_410), "taken from the median start");
        assert_eq!(run.hwm_kib, 1_450, "the highest peak of the three");
        assert_eq!(run.startups.len(), 3);
    }
}

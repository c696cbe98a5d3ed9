//! The machine a run happened on, and the date, for the report's header.

use std::time::{SystemTime, UNIX_EPOCH};

use super::process::parse_kib;

/// What the report says about the machine.
#[derive(Debug, Clone)]
pub struct Machine {
    /// CPU model name.
    pub cpu: String,
    /// Logical CPUs available to the process.
    pub cores: usize,
    /// Total memory in GiB.
    pub ram_gib: f64,
    /// Distribution and kernel.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// 1, 5 and 15 minute load averages.
    pub load: String,
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The value of the first `key : value` line of `/proc/cpuinfo`.
pub fn cpuinfo_field(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_owned())
    })
}

/// `PRETTY_NAME` of `/etc/os-release`, unquoted.
pub fn pretty_name(os_release: &str) -> Option<String> {
    os_release.lines().find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_owned()))
}

/// The current load averages (`/proc/loadavg`'s first three fields).
pub fn load() -> String {
    read("/proc/loadavg").split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// Reads the machine's description.
pub fn detect() -> Machine {
    let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|e| format!("unknown ({e})"));
    Machine {
        cpu: cpuinfo_field(&read("/proc/cpuinfo"), "model name").unwrap_or_else(|| "unknown CPU".into()),
        cores: std::thread::available_parallelism().map(usize::from).unwrap_or(1),
        ram_gib: parse_kib(&read("/proc/meminfo"), "MemTotal").unwrap_or(0) as f64 / (1024.0 * 1024.0),
        os: format!(
            "{}, Linux {}",
            pretty_name(&read("/etc/os-release")).unwrap_or_else(|| "unknown OS".into()),
            read("/proc/sys/kernel/osrelease").trim()
        ),
        rustc,
        load: load(),
    }
}

/// The civil (proleptic Gregorian) date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DD HH:MM UTC` for a number of seconds since the Unix epoch.
pub fn utc(secs: u64) -> String {
    let secs = secs as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", s / 3600, s % 3600 / 60)
}

/// Now, as [`utc`].
pub fn now_utc() -> String {
    utc(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_cross_leap_days_and_centuries() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_795_462_260), "2026-11-23 19:31 UTC");
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn proc_and_os_fields_are_found() {
        let cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu\n";
        assert_eq!(cpuinfo_field(cpuinfo, "model name").as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(cpuinfo_field(cpuinfo, "model"), None);
        let os = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
        assert_eq!(pretty_name(os).as_deref(), Some("Debian GNU/Linux 12 (bookworm)"));
    }
}

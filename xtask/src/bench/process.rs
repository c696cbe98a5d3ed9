//! Child processes of the benchmark: servers that are killed when dropped, bounded
//! one-shot commands, and readings from `/proc`.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server; killed (and reaped) when dropped.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Where its output goes.
    pub log: PathBuf,
    /// The process.
    pub child: Child,
}

impl Server {
    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))
}

/// The last `n` lines of a log file, for error messages.
pub fn log_tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Creates `path` for a child's output.
pub fn log_file(path: &Path) -> Result<File, String> {
    File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// Whether `GET /__admin/health` on `addr` answers 200 (waiting at most `wait` for the answer).
pub fn health_ok(addr: SocketAddr, wait: Duration) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let request = format!("GET /__admin/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut head = [0u8; 12];
    stream.set_read_timeout(Some(wait.max(Duration::from_millis(1)))).is_ok()
        && stream.write_all(request.as_bytes()).is_ok()
        && stream.read_exact(&mut head).is_ok()
        && head.starts_with(b"HTTP/1.1 200")
}

/// Starts `command` (a server that will listen on `addr`) and waits until its health check
/// answers, at most `limit`. Returns the server and the time from spawn to the first answer.
pub fn start_server(
    name: &str,
    mut command: Command,
    addr: SocketAddr,
    log: PathBuf,
    limit: Duration,
) -> Result<(Server, Duration), String> {
    let out = log_file(&log)?;
    let err = out.try_clone().map_err(|e| format!("{}: {e}", log.display()))?;
    command.stdin(Stdio::null()).stdout(out).stderr(err);
    let started = Instant::now();
    let child = command.spawn().map_err(|e| format!("cannot start {name}: {e}"))?;
    let mut server = Server { addr, log, child };
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            let tail = log_tail(&server.log, 15);
            let taken =
                if tail.contains("in use") { format!(" (port {} is taken)", addr.port()) } else { String::new() };
            return Err(format!(
                "{name} exited ({status}) before answering on {addr}{taken}; log {}:\n{tail}",
                server.log.display()
            ));
        }
        let left = limit.saturating_sub(started.elapsed());
        if health_ok(addr, left.min(Duration::from_secs(10))) {
            return Ok((server, started.elapsed()));
        }
        if left.is_zero() {
            return Err(format!(
                "{name} did not answer GET /__admin/health on {addr} within {limit:?}; log {}:\n{}",
                server.log.display(),
                log_tail(&server.log, 15)
            ));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Runs `command` to completion within `limit` (killing it otherwise), with its stdout and
/// stderr in `dir/{tag}.out` and `dir/{tag}.err`; returns its stdout.
pub fn run_bounded(mut command: Command, what: &str, dir: &Path, tag: &str, limit: Duration) -> Result<String, String> {
    let (out_path, err_path) = (dir.join(format!("{tag}.out")), dir.join(format!("{tag}.err")));
    command.stdin(Stdio::null()).stdout(log_file(&out_path)?).stderr(log_file(&err_path)?);
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("cannot start {what}: {e}"))?;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{what} did not finish within {limit:?} and was stopped"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for {what}: {e}")),
        }
    };
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    if !status.success() {
        return Err(format!("{what} failed ({status}); {}:\n{}", err_path.display(), log_tail(&err_path, 15)));
    }
    Ok(stdout)
}

/// A `kB` field of `/proc/<pid>/status` or `/proc/meminfo` (`VmHWM:   1234 kB`), in KiB.
pub fn parse_kib(text: &str, field: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().strip_suffix("kB")?.trim().parse().ok()
    })
}

/// Reads a `kB` field of a process's `/proc/<pid>/status`.
pub fn status_kib(pid: u32, field: &str) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    parse_kib(&text, field).ok_or_else(|| format!("{path} has no {field} line"))
}

/// The duration in the mock's own start-up log line (`... ready in 158.38ms`), in milliseconds.
pub fn ready_in_ms(log: &str) -> Option<f64> {
    let (_, rest) = log.rsplit_once("ready in ")?;
    let text = rest.split_whitespace().next()?;
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "s" => 1e3,
        "ms" => 1.0,
        "µs" | "us" => 1e-3,
        "ns" => 1e-6,
        _ => return None,
    };
    number.parse::<f64>().ok().map(|n| n * scale)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn answer_once(status_line: &'static str) -> SocketAddr {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut request = [0u8; 256];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(format!("{status_line}\r\ncontent-length: 0\r\n\r\n").as_bytes());
            }
        });
        addr
    }

    #[test]
    fn health_needs_a_200_answer() {
        assert!(health_ok(answer_once("HTTP/1.1 200 OK"), Duration::from_secs(5)));
        assert!(!health_ok(answer_once("HTTP/1.1 503 Service Unavailable"), Duration::from_secs(5)));
        let closed = SocketAddr::from(([127, 0, 0, 1], free_port().unwrap()));
        assert!(!health_ok(closed, Duration::from_secs(1)));
    }

    #[test]
    fn a_server_that_exits_early_is_named_with_its_port_and_log() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut command = Command::new("sh");
        command.args(["-c", "echo 'error: Address already in use'; exit 3"]);
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port().unwrap()));
        let err =
            start_server("fake-mock", command, addr, dir.join("fake.log"), Duration::from_secs(10)).err().unwrap();
        assert!(err.starts_with("fake-mock exited"), "{err}");
        assert!(err.contains(&format!("port {} is taken", addr.port())), "{err}");
        assert!(err.contains("Address already in use"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bounded_commands_are_stopped_at_their_limit_and_failures_show_stderr() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-run-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut slow = Command::new("sleep");
        slow.arg("5");
        let started = Instant::now();
        let err = run_bounded(slow, "sleep", &dir, "slow", Duration::from_millis(100)).unwrap_err();
        assert!(err.contains("did not finish"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(4));
        let mut failing = Command::new("sh");
        failing.args(["-c", "echo out; echo broken >&2; exit 2"]);
        assert!(run_bounded(failing, "sh", &dir, "fail", Duration::from_secs(10)).unwrap_err().contains("broken"));
        let mut fine = Command::new("sh");
        fine.args(["-c", "echo '{\"ok\":1}'"]);
        assert_eq!(run_bounded(fine, "sh", &dir, "ok", Duration::from_secs(10)).unwrap(), "{\"ok\":1}\n");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn kib_fields_are_read_by_exact_name() {
        let status = "Name:\tharvest-mock\nVmPeak:\t  812340 kB\nVmHWM:\t   43120 kB\nVmRSS:\t   15004 kB\n";
        assert_eq!(parse_kib(status, "VmHWM"), Some(43120));
        assert_eq!(parse_kib(status, "VmRSS"), Some(15004));
        assert_eq!(parse_kib(status, "VmSwap"), None);
        assert_eq!(parse_kib("MemTotal:       24684356 kB\nMemFree: 1 kB\n", "MemTotal"), Some(24684356));
        assert_eq!(parse_kib("VmHWMX:\t1 kB\n", "VmHWM"), None);
    }

    #[test]
    fn ready_in_reads_the_start_up_line_in_any_unit() {
        let log = |d: &str| format!("INFO harvest_mock: listening on http://127.0.0.1:1, ready in {d}\n");
        assert_eq!(ready_in_ms(&log("158.5ms")), Some(158.5));
        assert_eq!(ready_in_ms(&log("6.25s")), Some(6250.0));
        assert_eq!(ready_in_ms(&log("750µs")), Some(0.75));
        assert_eq!(ready_in_ms(&log("3 fortnights")), None);
        assert_eq!(ready_in_ms("nothing here"), None);
    }
}

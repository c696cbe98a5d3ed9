//! The `harvest-mock` binary as a process, as a test suite in another language
//! runs it: the ready line, stop signals, boolean variables, log formats, the
//! admin token, the refusal to open the admin API, `--help`, and fixtures
//! (`export`, `--fixtures`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Generous bounds: a debug build seeds before it serves, and CI machines are slow.
const START: Duration = Duration::from_secs(90);
const EXIT: Duration = Duration::from_secs(30);

/// A `harvest-mock serve` process; killed and reaped on drop, whatever the test did.
struct Mock {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
}

/// Sends each line of a pipe to a channel, from a thread that ends at end of file.
fn lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Mock {
    /// Starts `harvest-mock serve ARGS` with only the `HARVEST_MOCK_*` variables given.
    fn spawn(args: &[&str], envs: &[(&str, &str)]) -> Mock {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_harvest-mock"));
        cmd.arg("serve").args(args);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("HARVEST_MOCK_") {
                cmd.env_remove(key);
            }
        }
        cmd.env_remove("RUST_LOG").env_remove("NO_COLOR").envs(envs.iter().copied());
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("the binary starts");
        let stdout = lines(child.stdout.take().expect("piped stdout"));
        let stderr = lines(child.stderr.take().expect("piped stderr"));
        Mock { child, stdout, stderr }
    }

    /// The ready line, parsed; fails with the process's stderr when none comes.
    fn ready(&mut self) -> Value {
        match self.stdout.recv_timeout(START) {
            Ok(line) => serde_json::from_str(&line).unwrap_or_else(|e| panic!("ready line {line:?}: {e}")),
            Err(e) => {
                let _ = self.child.kill();
                panic!("no ready line ({e:?}); stderr:\n{}", drain(&self.stderr).join("\n"))
            }
        }
    }

    /// Waits for the process to exit by itself.
    fn exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + EXIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after {EXIT:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends a signal by name (`TERM`, `INT`).
    #[cfg(unix)]
    fn signal(&self, name: &str) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args([&format!("-{name}"), &pid]).status().expect("kill runs");
        assert!(status.success(), "kill -{name} {pid}");
    }

    /// Stops the process (gracefully where signals exist) and returns its stderr lines.
    fn stop(&mut self) -> Vec<String> {
        #[cfg(unix)]
        self.signal("TERM");
        #[cfg(not(unix))]
        let _ = self.child.kill();
        self.exit();
        drain(&self.stderr)
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every line still to come from a pipe, until it closes (or a generous timeout).
fn drain(rx: &Receiver<String>) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        match rx.recv_timeout(EXIT) {
            Ok(line) => out.push(line),
            Err(RecvTimeoutError::Disconnected) => return out,
            Err(RecvTimeoutError::Timeout) => panic!("the pipe stayed open; so far: {out:?}"),
        }
    }
}

/// One HTTP/1.1 request; the status and the body.
fn request(method: &str, url: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut sock = TcpStream::connect(host).expect("connects");
    sock.set_read_timeout(Some(EXIT)).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    sock.write_all(format!("{req}\r\n").as_bytes()).unwrap();
    let mut raw = String::new();
    sock.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{raw}"));
    (status, body.to_string())
}

const API: [(&str, &str); 3] =
    [("Authorization", "Bearer t"), ("Harvest-Account-Id", "1"), ("User-Agent", "binary-tests (dev@example.com)")];

const LOCAL: [&str; 2] = ["--addr", "127.0.0.1:0"];

#[test]
fn the_ready_line_names_the_real_port_and_the_api_answers() {
    let mut mock = Mock::spawn(&LOCAL, &[]);
    let ready = mock.ready();
    assert_eq!(ready["event"], "ready", "{ready}");
    assert_eq!(ready["pid"], mock.child.id(), "{ready}");
    let url = ready["url"].as_str().expect("url").to_string();
    let port: u16 = url.strip_prefix("http://127.0.0.1:").and_then(|p| p.parse().ok()).expect("a port");
    assert_ne!(port, 0);
    assert_eq!(ready["api"], format!("{url}/v2"));
    assert_eq!(ready["admin"], format!("{url}/__admin"));
    let (status, body) = request("GET", &format!("{url}/v2/company"), &API);
    assert_eq!(status, 200, "{body}");
    assert!(serde_json::from_str::<Value>(&body).expect("JSON")["name"].is_string(), "{body}");
}

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_stop_it_with_status_zero_and_one_stdout_line() {
    for signal in ["TERM", "INT"] {
        let mut mock = Mock::spawn(&LOCAL, &[]);
        mock.ready();
        mock.signal(signal);
        let status = mock.exit();
        assert!(status.success(), "SIG{signal}: {status:?}");
        assert_eq!(drain(&mock.stdout), Vec::<String>::new(), "stdout after the ready line");
        let stderr = drain(&mock.stderr).join("\n");
        assert!(stderr.contains(&format!("SIG{signal}: shutting down")), "{stderr}");
    }
}

#[test]
fn boolean_variables_take_words_digits_and_empty() {
    for value in ["yes", "ON", "1", "false", "off", ""] {
        let mut mock = Mock::spawn(&LOCAL, &[("HARVEST_MOCK_RATE_LIMIT", value)]);
        mock.ready();
    }
    // `yes` means it: the 101st request in 15 s is refused.
    let mut mock = Mock::spawn(&LOCAL, &[("HARVEST_MOCK_RATE_LIMIT", "yes")]);
    let url = mock.ready()["api"].as_str().unwrap().to_string();
    let statuses: Vec<u16> = (0..101).map(|_| request("GET", &format!("{url}/company"), &API).0).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 100);
    assert_eq!(statuses[100], 429);
}

#[test]
fn a_bad_boolean_fails_naming_the_variable_and_the_value() {
    let mut mock = Mock::spawn(&LOCAL, &[("HARVEST_MOCK_RATE_LIMIT", "maybe")]);
    let status = mock.exit();
    assert!(!status.success(), "{status:?}");
    let stderr = drain(&mock.stderr).join("\n");
    assert!(stderr.contains("HARVEST_MOCK_RATE_LIMIT") && stderr.contains("'maybe'"), "{stderr}");
    assert_eq!(drain(&mock.stdout), Vec::<String>::new());
}

#[test]
fn json_logs_are_one_object_per_line_and_pretty_logs_have_no_colour_in_a_pipe() {
    let mut mock =
        Mock::spawn(&["--addr", "127.0.0.1:0", "--log-format", "json"], &[("RUST_LOG", "harvest_mock=debug")]);
    let url = mock.ready()["api"].as_str().unwrap().to_string();
    assert_eq!(request("GET", &format!("{url}/company"), &API).0, 200);
    let logs = mock.stop();
    assert!(logs.len() >= 2, "{logs:?}");
    let events: Vec<Value> =
        logs.iter().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?} is not JSON: {e}"))).collect();
    assert!(events.iter().all(|e| e["level"].is_string() && e["timestamp"].is_string()), "{events:?}");
    assert!(events.iter().any(|e| e["path"] == "/v2/company" && e["status"] == 200), "{events:?}");

    let mut mock = Mock::spawn(&LOCAL, &[("HARVEST_MOCK_LOG_FORMAT", "pretty")]);
    mock.ready();
    let logs = mock.stop();
    assert!(!logs.is_empty());
    assert!(logs.iter().all(|l| !l.contains('\u{1b}') && serde_json::from_str::<Value>(l).is_err()), "{logs:?}");
}

#[test]
fn the_admin_token_guards_the_admin_api() {
    let mut mock = Mock::spawn(&LOCAL, &[("HARVEST_MOCK_ADMIN_TOKEN", "s3cret")]);
    let admin = mock.ready()["admin"].as_str().unwrap().to_string();
    let health = format!("{admin}/health");
    let refused: [&[(&str, &str)]; 4] =
        [&[], &[("Authorization", "Bearer wrong")], &[("X-Admin-Token", "wrong")], &[("Authorization", "s3cret")]];
    for headers in refused {
        let (status, body) = request("GET", &health, headers);
        assert_eq!(status, 401, "{headers:?}: {body}");
        let message = serde_json::from_str::<Value>(&body).expect("JSON")["message"].as_str().unwrap().to_string();
        assert!(message.contains("Authorization: Bearer") && message.contains("X-Admin-Token"), "{message}");
    }
    assert_eq!(request("POST", &format!("{admin}/reset"), &[]).0, 401);
    assert_eq!(request("GET", &format!("{admin}/nowhere"), &[]).0, 401);
    assert_eq!(request("GET", &health, &[("Authorization", "Bearer s3cret")]).0, 200);
    assert_eq!(request("GET", &health, &[("X-Admin-Token", "s3cret")]).0, 200);
    assert_eq!(request("POST", &format!("{admin}/reset"), &[("X-Admin-Token", "s3cret")]).0, 200);
    // The API keeps its own tokens.
    let api = admin.replace("/__admin", "/v2");
    assert_eq!(request("GET", &format!("{api}/company"), &API).0, 200);
}

#[test]
fn a_non_loopback_address_needs_an_admin_token_or_an_explicit_opt_in() {
    let mut open = Mock::spawn(&["--addr", "0.0.0.0:0"], &[]);
    let status = open.exit();
    assert!(!status.success(), "{status:?}");
    let stderr = drain(&open.stderr).join("\n");
    assert!(stderr.contains("--admin-token") && stderr.contains("--allow-open-admin"), "{stderr}");
    assert_eq!(drain(&open.stdout), Vec::<String>::new());

    let mut guarded = Mock::spawn(&["--addr", "0.0.0.0:0", "--admin-token", "t0ken"], &[]);
    let admin = guarded.ready()["admin"].as_str().unwrap().to_string();
    assert!(admin.starts_with("http://127.0.0.1:"), "{admin}");
    assert_eq!(request("GET", &format!("{admin}/health"), &[]).0, 401);
    assert_eq!(request("GET", &format!("{admin}/health"), &[("X-Admin-Token", "t0ken")]).0, 200);

    let mut allowed = Mock::spawn(&["--addr", "0.0.0.0:0", "--allow-open-admin"], &[]);
    let admin = allowed.ready()["admin"].as_str().unwrap().to_string();
    assert_eq!(request("GET", &format!("{admin}/health"), &[]).0, 200);
}

#[test]
fn help_documents_every_variable_the_admin_api_the_fault_headers_and_the_ready_line() {
    let mut help = Mock::spawn(&["--help"], &[("HARVEST_MOCK_ADMIN_TOKEN", "do-not-print-me")]);
    assert!(help.exit().success());
    let text = drain(&help.stdout).join("\n");
    let wanted = [
        "HARVEST_MOCK_ADDR",
        "HARVEST_MOCK_SEED",
        "HARVEST_MOCK_SCALE",
        "HARVEST_MOCK_SPEC",
        "HARVEST_MOCK_TOKEN",
        "HARVEST_MOCK_RATE_LIMIT",
        "HARVEST_MOCK_LATENCY",
        "HARVEST_MOCK_STATE",
        "HARVEST_MOCK_FIXTURES",
        "HARVEST_MOCK_LOG_FORMAT",
        "HARVEST_MOCK_ADMIN_TOKEN",
        "HARVEST_MOCK_ALLOW_OPEN_ADMIN",
        "HARVEST_MOCK_OAUTH_CONSENT",
        "RUST_LOG",
        "/__admin/health",
        "/__admin/reset",
        "/__admin/seed",
        "/__admin/requests",
        "/__admin/faults",
        "/__admin/tokens",
        "/__admin/import",
        "/admin-openapi.json",
        "Prefer: code=",
        "X-Mock-Delay",
        "X-Mock-Fault",
        "X-Admin-Token",
        r#"{"event":"ready""#,
        "SIGTERM",
        "405",
    ];
    let missing: Vec<&str> = wanted.into_iter().filter(|w| !text.contains(w)).collect();
    assert!(missing.is_empty(), "--help lacks {missing:?}:\n{text}");
    assert!(!text.contains("do-not-print-me"), "--help shows the admin token:\n{text}");
}

#[test]
fn oauth_flags_choose_the_clients_and_the_account() {
    let mut m = Mock::spawn(&["--addr", "127.0.0.1:0", "--oauth-client", "app:s3cret", "--account-id", "7"], &[]);
    let url = m.ready()["url"].as_str().unwrap().to_string();
    let (status, body) = request("GET", &format!("{url}/oauth2/authorize?client_id=other"), &[]);
    assert_eq!(status, 400, "an unlisted client: {body}");
    let (status, body) = request("GET", &format!("{url}/oauth2/authorize?client_id=app"), &[]);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("harvest:7"), "the scope names --account-id: {body}");
    m.stop();
}

#[test]
fn a_client_flag_without_a_secret_is_refused_naming_the_value() {
    let mut m = Mock::spawn(&["--addr", "127.0.0.1:0", "--connector-client", "only-an-id"], &[]);
    assert!(!m.exit().success());
    let err = drain(&m.stderr).join("\n");
    assert!(err.contains("only-an-id") && err.contains("ID:SECRET"), "{err}");
}

#[test]
fn the_port_answers_503_with_progress_while_seeding_then_200() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    // Enough data that seeding (a debug build) takes a while after the port is bound.
    let mut mock = Mock::spawn(&["--addr", &addr, "--scale", "25"], &[]);
    let health = format!("http://{addr}/__admin/health");
    let deadline = Instant::now() + START;
    let mut seen_seeding: Vec<Value> = Vec::new();
    let status = loop {
        assert!(Instant::now() < deadline, "not ready within {START:?}");
        if TcpStream::connect(&addr).is_err() {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let (status, body) = request("GET", &health, &[]);
        if status == 503 {
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["status"], "seeding", "{v}");
            assert!(v["progress"]["elapsed_ms"].is_u64() && v["progress"]["resources_done"].is_u64(), "{v}");
            // The API waits for the data too (or the data was ready in between).
            let (api, _) = request("GET", &format!("http://{addr}/v2/users"), &API);
            assert!(api == 503 || api == 200, "{api}");
            seen_seeding.push(v);
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        break status;
    };
    assert_eq!(status, 200);
    assert!(
        seen_seeding
            .iter()
            .any(|v| v["progress"]["stage"] == "seeding" && v["progress"]["resources"].as_u64() > Some(0)),
        "no answer during seeding itself: {seen_seeding:?}"
    );
    assert!(mock.ready()["url"].as_str().is_some_and(|u| u.ends_with(&port.to_string())));
    assert_eq!(request("GET", &format!("http://{addr}/v2/users"), &API).0, 200);
    mock.stop();
}

/// `harvest-mock export ARGS` with no `HARVEST_MOCK_*` variable set; waits for it.
fn export(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_harvest-mock"));
    cmd.arg("export").args(args);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("HARVEST_MOCK_") {
            cmd.env_remove(key);
        }
    }
    cmd.output().expect("the binary runs")
}

#[test]
fn export_then_export_of_those_fixtures_is_byte_identical_and_bad_fixtures_stop_serve() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let now = std::ffi::OsStr::new("2026-03-02T15:00:00Z");
    let flag = |f: &'static str| std::ffi::OsStr::new(f);
    let first = export(&[flag("--now"), now, flag("--seed"), flag("3"), a.as_os_str()]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let again = export(&[flag("--now"), now, flag("--fixtures"), a.as_os_str(), b.as_os_str()]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let mut names: Vec<_> = std::fs::read_dir(&a).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.len() > 10 && names.iter().any(|n| n == "time_entries.json"), "{names:?}");
    for name in &names {
        let (x, y) = (std::fs::read(a.join(name)).unwrap(), std::fs::read(b.join(name)).unwrap());
        assert!(x == y, "{name:?} differs after export → --fixtures → export");
    }
    let path = a.join("clients.json");
    let mut clients: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    clients[0]["colour"] = Value::from("red");
    clients[1]["is_active"] = Value::from("yes");
    std::fs::write(&path, serde_json::to_vec(&clients).unwrap()).unwrap();
    let mut mock = Mock::spawn(&[LOCAL[0], LOCAL[1], "--fixtures", a.to_str().unwrap()], &[]);
    let status = mock.exit();
    assert!(!status.success(), "{status:?}");
    let stderr = drain(&mock.stderr).join("\n");
    for wanted in ["2 errors", "clients.json, record 0, field `colour`", "clients.json, record 1, field `is_active`"] {
        assert!(stderr.contains(wanted), "stderr lacks {wanted:?}:\n{stderr}");
    }
    assert_eq!(drain(&mock.stdout), Vec::<String>::new(), "no ready line");
}

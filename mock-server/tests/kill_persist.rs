//! `--state FILE` survives SIGKILL: the real binary is killed in the middle of a
//! burst of concurrent creates, restarted on the same file, and every create
//! that was answered with a 2xx before the kill is there; a file that is not
//! its state database is refused and left as it is. Also: the binary's
//! default listen address is loopback.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const WRITERS: usize = 24;
/// Kill once this many creates were acknowledged (or after `BURST_LIMIT`).
const ACKED_BEFORE_KILL: usize = 30;
const BURST_LIMIT: Duration = Duration::from_secs(20);
const START_LIMIT: Duration = Duration::from_secs(120);

fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_harvest-mock"));
    for var in ["ADDR", "SEED", "SCALE", "SPEC", "TOKEN", "RATE_LIMIT", "LATENCY", "STATE"] {
        c.env_remove(format!("HARVEST_MOCK_{var}"));
    }
    c.env("NO_COLOR", "1").env("RUST_LOG", "harvest_mock=info");
    c
}

/// Starts `harvest-mock serve --state FILE --addr 127.0.0.1:0` and reads the address
/// from its ready line on stdout (`{"event":"ready","url":"http://127.0.0.1:PORT",...}`).
fn spawn(state: &Path) -> (Child, SocketAddr) {
    let mut child = command()
        .args(["serve", "--addr", "127.0.0.1:0", "--state"])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let ready: Value = serde_json::from_str(&line).unwrap_or_default();
            if let Some(url) = ready["url"].as_str().and_then(|u| u.strip_prefix("http://")) {
                let _ = tx.send(url.to_string());
            }
        }
    });
    let addr = rx.recv_timeout(START_LIMIT).expect("the server prints its ready line");
    (child, addr.parse().unwrap())
}

/// One request on a fresh connection: (status, JSON body); an error when the answer is cut.
async fn call(addr: SocketAddr, method: &str, path: &str, body: &str) -> std::io::Result<(u16, Value)> {
    let mut s = TcpStream::connect(addr).await?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer t\r\n\
         Harvest-Account-Id: 1\r\nUser-Agent: kill-persist (dev@example.com)\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| std::io::Error::other("cut answer"))?;
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    // Every answer here is JSON; one that does not parse was cut by the kill.
    let body = serde_json::from_str(body).map_err(|_| std::io::Error::other("cut answer"))?;
    Ok((status, body))
}

/// Acknowledged creates: (id, name).
type Acked = Arc<Mutex<Vec<(i64, String)>>>;

/// One writer: creates clients until the server stops answering.
async fn writer(addr: SocketAddr, n: usize, acked: Acked, sent: Arc<AtomicUsize>) {
    for i in 0.. {
        let name = format!("burst-{n}-{i}");
        sent.fetch_add(1, Ordering::SeqCst);
        match call(addr, "POST", "/v2/clients", &format!(r#"{{"name":"{name}"}}"#)).await {
            Ok((201, body)) => acked.lock().unwrap().push((body["id"].as_i64().unwrap(), name)),
            Ok((status, body)) => panic!("create {name}: {status} {body}"),
            Err(_) => return,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("account.json");
    let (mut child, addr) = spawn(&state);
    let acked: Acked = Arc::default();
    let sent = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS).map(|n| tokio::spawn(writer(addr, n, acked.clone(), sent.clone()))).collect();
    let started = Instant::now();
    while acked.lock().unwrap().len() < ACKED_BEFORE_KILL && started.elapsed() < BURST_LIMIT {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL
    let killed_at = (sent.load(Ordering::SeqCst), acked.lock().unwrap().len());
    child.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(!acked.is_empty(), "no create was acknowledged before the kill");
    assert!(killed_at.0 > killed_at.1, "the kill came after the burst, not during it: {killed_at:?}");

    let (mut child, addr) = spawn(&state);
    let (status, list) = call(addr, "GET", "/v2/clients?per_page=2000", "").await.unwrap();
    assert_eq!(status, 200, "{list}");
    let names: Vec<&str> = list["clients"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    for (id, name) in &acked {
        let (status, got) = call(addr, "GET", &format!("/v2/clients/{id}"), "").await.unwrap();
        assert_eq!((status, got["name"].as_str()), (200, Some(name.as_str())), "acknowledged create {id} {name}");
    }
    let landed = names.iter().filter(|n| n.starts_with("burst-")).count();
    child.kill().unwrap();
    child.wait().unwrap();
    println!(
        "{} creates sent, {} acknowledged when killed; after the restart all {} acknowledged are present \
         ({landed} burst records in total)",
        killed_at.0,
        acked.len(),
        acked.len()
    );
}

/// The admin API takes no credentials, so the binary must listen on loopback unless told otherwise.
#[test]
fn the_binary_listens_on_loopback_by_default() {
    let out = command().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let addr_line = help.lines().skip_while(|l| !l.contains("--addr")).take(3).collect::<Vec<_>>().join(" ");
    let default = addr_line.split("[default: ").nth(1).and_then(|d| d.split(']').next()).unwrap();
    let addr: SocketAddr = default.parse().unwrap();
    assert!(addr.ip().is_loopback(), "--addr defaults to {addr}");
}

/// A write whose state cannot be saved is not acknowledged: a 2xx promises it survives a kill.
#[tokio::test]
async fn a_write_that_cannot_be_saved_is_not_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("account.db");
    let (mut child, addr) = spawn(&state);
    // Another program holds the database's write lock for longer than the server waits.
    let other = rusqlite::Connection::open(&state).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let (status, body) = call(addr, "POST", "/v2/clients", r#"{"name":"unsaved"}"#).await.unwrap();
    other.execute_batch("ROLLBACK").unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(status >= 500, "an unsaved create was acknowledged: {status} {body}");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("locked")), "{body}");
}

/// Starts the binary on `state` and returns its exit status and stderr, expecting it to stop.
fn refused(state: &Path) -> (std::process::ExitStatus, String) {
    let out =
        command().args(["serve", "--addr", "127.0.0.1:0", "--state"]).arg(state).stdin(Stdio::null()).output().unwrap();
    (out.status, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A file that is not this program's state database (another format, another program's
/// database, a newer layout, a torn copy) is refused with a message, and left byte for byte.
#[tokio::test]
async fn a_foreign_newer_or_torn_file_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    // A real state database, to tear and to age.
    let good = dir.path().join("good.db");
    let (mut child, addr) = spawn(&good);
    for n in 0..20 {
        let (status, _) = call(addr, "POST", "/v2/clients", &format!(r#"{{"name":"kept {n}"}}"#)).await.unwrap();
        assert_eq!(status, 201);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let checkpointed = rusqlite::Connection::open(&good).unwrap();
    checkpointed.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(checkpointed);
    let bytes = std::fs::read(&good).unwrap();

    let json = dir.path().join("old.json");
    std::fs::write(&json, br#"{"tables":[],"me":1}"#).unwrap();
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    let newer = dir.path().join("newer.db");
    std::fs::write(&newer, &bytes).unwrap();
    rusqlite::Connection::open(&newer).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let torn = dir.path().join("torn.db");
    std::fs::write(&torn, &bytes[..bytes.len() / 2]).unwrap();

    let unreadable: &[&str] = &["cannot be read", "not a readable"];
    for (file, says) in [
        (&json, &["not an SQLite file"][..]),
        (&other, &["another program"][..]),
        (&newer, &["newer"][..]),
        (&torn, unreadable),
    ] {
        let before = std::fs::read(file).unwrap();
        let (status, stderr) = refused(file);
        assert!(!status.success(), "{} was accepted", file.display());
        assert!(
            says.iter().any(|s| stderr.contains(s)) && stderr.contains("left as it is"),
            "{}: {stderr}",
            file.display()
        );
        assert_eq!(std::fs::read(file).unwrap(), before, "{} was changed", file.display());
    }
    // The intact database still starts, with its writes.
    let (mut child, addr) = spawn(&good);
    let (_, clients) = call(addr, "GET", "/v2/clients?per_page=2000", "").await.unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let names: Vec<&str> = clients["clients"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names.iter().filter(|n| n.starts_with("kept ")).count(), 20);
}

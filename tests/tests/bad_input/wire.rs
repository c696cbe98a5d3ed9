//! A raw HTTP/1.1 client: request targets, methods and bodies are sent byte for
//! byte (a URL library would normalise `..`, `%2e%2e` and invalid UTF-8 away).

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest a hostile request may take to be answered.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// One request as bytes.
#[derive(Clone)]
pub struct Request {
    /// Method token.
    pub method: String,
    /// Request target, sent as is.
    pub target: Vec<u8>,
    /// Header lines (`name`, raw value).
    pub headers: Vec<(String, Vec<u8>)>,
    /// Body.
    pub body: Vec<u8>,
    /// Send the body chunked instead of with a `Content-Length`.
    pub chunked: bool,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cut = |b: &[u8]| {
            let s = String::from_utf8_lossy(&b[..b.len().min(120)]).into_owned();
            if b.len() > 120 { format!("{s}… ({} bytes)", b.len()) } else { s }
        };
        write!(f, "{} {} body={:?}", self.method, cut(&self.target), cut(&self.body))
    }
}

/// Headers of an authenticated JSON API request.
pub fn auth_headers() -> Vec<(String, Vec<u8>)> {
    vec![
        ("Authorization".into(), b"Bearer hostile-token".to_vec()),
        ("Harvest-Account-Id".into(), b"1".to_vec()),
        ("User-Agent".into(), b"bad-input (dev@example.com)".to_vec()),
    ]
}

/// An authenticated request with a JSON body.
pub fn api(method: &str, target: &str, body: &[u8]) -> Request {
    let mut headers = auth_headers();
    headers.push(("Content-Type".into(), b"application/json".to_vec()));
    Request { method: method.into(), target: target.as_bytes().to_vec(), headers, body: body.to_vec(), chunked: false }
}

/// An authenticated GET.
pub fn api_get(target: &str) -> Request {
    Request {
        method: "GET".into(),
        target: target.as_bytes().to_vec(),
        headers: auth_headers(),
        body: Vec::new(),
        chunked: false,
    }
}

/// A response.
#[derive(Debug)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Body (de-chunked).
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as text.
    pub fn text(&self) -> String {
        let s = String::from_utf8_lossy(&self.body[..self.body.len().min(300)]).into_owned();
        if self.body.len() > 300 { format!("{s}…") } else { s }
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

fn encode(r: &Request, addr: SocketAddr) -> Vec<u8> {
    let mut out = Vec::with_capacity(r.body.len() + 512);
    out.extend_from_slice(r.method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(&r.target);
    out.extend_from_slice(format!(" HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n").as_bytes());
    for (k, v) in &r.headers {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v);
        out.extend_from_slice(b"\r\n");
    }
    if r.chunked {
        out.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
        for chunk in r.body.chunks(64 * 1024) {
            out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            out.extend_from_slice(chunk);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", r.body.len()).as_bytes());
        out.extend_from_slice(&r.body);
    }
    out
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = b.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&b[..line_end]).ok()?.trim(), 16).ok()?;
        b = &b[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

fn parse(raw: &[u8]) -> Result<Answer, String> {
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no complete response head")?;
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line: {head}"))?;
    let body = &raw[head_end + 4..];
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(body).ok_or("bad chunked body")?
    } else {
        body.to_vec()
    };
    Ok(Answer { status, body })
}

/// Sends a request on a fresh connection and reads the whole answer, within [`ANSWER_WITHIN`].
/// The body is written while the answer is read, so an early refusal is still seen.
pub async fn send(addr: SocketAddr, r: &Request) -> Result<Answer, String> {
    let bytes = encode(r, addr);
    let exchange = async {
        let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        let (mut rd, mut wr) = stream.into_split();
        let write = async move {
            // The server may answer and close before reading everything (413).
            let _ = wr.write_all(&bytes).await;
            wr
        };
        let read = async {
            let mut raw = Vec::new();
            let got = rd.read_to_end(&mut raw).await;
            match got {
                Err(e) if raw.is_empty() => Err(format!("no answer: {e}")),
                _ => Ok(raw),
            }
        };
        // The write half stays open until the answer is read: a half-closed connection
        // may be dropped by the server before it answers.
        let (_wr, raw) = tokio::join!(write, read);
        parse(&raw?)
    };
    tokio::time::timeout(ANSWER_WITHIN, exchange)
        .await
        .map_err(|_| format!("no answer within {ANSWER_WITHIN:?}: {r:?}"))?
}

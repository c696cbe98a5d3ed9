//! The ready line: the one line the binary writes on stdout, once it serves.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// `{"event":"ready","url":…,"api":…,"admin":…,"pid":…}` for a server bound to `addr`;
/// an unspecified address is shown as the loopback address a local client reaches.
pub fn line(addr: SocketAddr) -> String {
    let mut reach = addr;
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => reach.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        IpAddr::V6(ip) if ip.is_unspecified() => reach.set_ip(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        _ => {}
    }
    let url = format!("http://{reach}");
    serde_json::json!({
        "event": "ready",
        "url": url,
        "api": format!("{url}/v2"),
        "admin": format!("{url}/__admin"),
        "pid": std::process::id(),
    })
    .to_string()
}

/// Writes the ready line to stdout and flushes it.
pub fn announce(addr: SocketAddr) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", line(addr))?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_addresses_are_shown_as_loopback() {
        let v4 = line(SocketAddr::from(([0, 0, 0, 0], 8080)));
        assert!(
            v4.starts_with(r#"{"event":"ready","url":"http://127.0.0.1:8080","api":"http://127.0.0.1:8080/v2""#),
            "{v4}"
        );
        let v6 = line("[::]:9".parse().unwrap_or_else(|e| panic!("{e}")));
        assert!(v6.contains(r#""admin":"http://[::1]:9/__admin""#), "{v6}");
    }
}

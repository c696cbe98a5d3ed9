//! The server's side of coverage: the mock's request journal (`/__admin/requests`)
//! and which spec operation each journalled request was routed to.

use harvest_spec::ir::{PathSegment, Spec};
use serde::Deserialize;

use super::support::Error;

/// One request the mock answered, as its journal records it.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Status of the answer.
    pub status: u16,
}

#[derive(Deserialize)]
struct Journal {
    requests: Vec<Entry>,
}

/// Reads and then clears the journal of the mock at `base` (`http://127.0.0.1:port`).
pub async fn take(http: &reqwest::Client, base: &str) -> Result<Vec<Entry>, Error> {
    let url = format!("{base}/__admin/requests");
    let bytes = http.get(&url).send().await?.error_for_status()?.bytes().await?;
    let journal: Journal = serde_json::from_slice(&bytes)?;
    http.delete(&url).send().await?.error_for_status()?;
    Ok(journal.requests)
}

/// One operation's method and path template, split into segments (`None` = a parameter).
struct Route {
    id: String,
    method: &'static str,
    segments: Vec<Option<String>>,
}

/// Every operation's route, to name the operation a journalled request reached.
pub struct Routes {
    prefixes: Vec<String>,
    routes: Vec<Route>,
}

impl Routes {
    /// The routes of every operation of `spec`, under each of its path prefixes.
    pub fn new(spec: &Spec) -> Routes {
        let routes = spec
            .operations
            .iter()
            .map(|op| Route {
                id: op.id.clone(),
                method: op.method.as_str(),
                segments: op
                    .path
                    .segments
                    .iter()
                    .map(|s| match s {
                        PathSegment::Literal(l) => Some(l.clone()),
                        PathSegment::Param(_) => None,
                    })
                    .collect(),
            })
            .collect();
        Routes { prefixes: spec.api.path_prefixes.clone(), routes }
    }

    /// The operation `method path` was routed to. Parameters are ids, so they match
    /// only digits (`/users/me` is not `/users/{user_id}`); a path two operations
    /// would both match is an error rather than a guess.
    pub fn operation(&self, method: &str, path: &str) -> Result<Option<&str>, String> {
        let Some(rest) = self.prefixes.iter().find_map(|p| path.strip_prefix(p.as_str())) else {
            return Ok(None);
        };
        let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        let matches: Vec<&str> = self
            .routes
            .iter()
            .filter(|r| r.method == method && r.segments.len() == parts.len())
            .filter(|r| {
                r.segments.iter().zip(&parts).all(|(seg, part)| match seg {
                    Some(lit) => lit == part,
                    None => !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()),
                })
            })
            .map(|r| r.id.as_str())
            .collect();
        match matches.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            many => Err(format!("{method} {path} matches several operations: {many:?}")),
        }
    }
}

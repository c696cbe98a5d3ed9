//! The methods each API path declares, decided once at start-up, so that an
//! undeclared method on a known path is a 405 with `Allow` rather than a 404.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{HeaderValue, header};
use axum::response::Response;
use harvest_spec::Spec;
use harvest_spec::ir::PathSegment;

use super::respond::json_bytes;

/// One path template (a literal per segment, `None` for an id) and its `Allow` value.
#[derive(Debug)]
struct Shape {
    segs: Vec<Option<String>>,
    allow: HeaderValue,
}

/// Every path template of the spec with the methods declared on it.
#[derive(Debug)]
pub struct Allowed {
    /// Literal segments before ids at each position, as the route table matches them.
    shapes: Vec<Shape>,
}

/// `Allow` of the offline search endpoint `POST /{entity}/search`.
static SEARCH_ALLOW: HeaderValue = HeaderValue::from_static("POST");

impl Allowed {
    /// Groups the spec's operations by path template.
    pub fn build(spec: &Spec) -> Allowed {
        let mut by_path: BTreeMap<Vec<Option<String>>, BTreeSet<&'static str>> = BTreeMap::new();
        for op in &spec.operations {
            let segs = op
                .path
                .segments
                .iter()
                .map(|s| match s {
                    PathSegment::Literal(l) => Some(l.clone()),
                    PathSegment::Param(_) => None,
                })
                .collect();
            by_path.entry(segs).or_default().insert(op.method.as_str());
        }
        let mut shapes: Vec<Shape> = by_path
            .into_iter()
            .filter_map(|(segs, methods)| {
                let allow = HeaderValue::from_str(&methods.into_iter().collect::<Vec<_>>().join(", ")).ok()?;
                Some(Shape { segs, allow })
            })
            .collect();
        // `/users/me` before `/users/{id}`, as the route table orders them.
        shapes.sort_by_key(|s| s.segs.iter().map(Option::is_none).collect::<Vec<bool>>());
        Allowed { shapes }
    }

    /// The `Allow` value of a path below a prefix; `None` when no operation has that path.
    pub fn get(&self, rest: &[&str]) -> Option<&HeaderValue> {
        self.shapes.iter().find(|s| matches(&s.segs, rest)).map(|s| &s.allow)
    }

    /// `Allow` of a search path (`[entity, "search"]` of a searchable entity).
    pub fn search() -> &'static HeaderValue {
        &SEARCH_ALLOW
    }
}

/// Whether a path matches a template: literals equal, ids integers.
fn matches(segs: &[Option<String>], rest: &[&str]) -> bool {
    segs.len() == rest.len()
        && segs.iter().zip(rest).all(|(seg, got)| match seg {
            Some(lit) => lit == got,
            None => got.parse::<i64>().is_ok(),
        })
}

/// 405 with `Allow` and a body in the shape of Harvest's 404.
pub fn not_allowed(allow: &HeaderValue) -> Response {
    let mut r = json_bytes(405, br#"{"status":405,"error":"Method Not Allowed"}"#.to_vec());
    r.headers_mut().insert(header::ALLOW, allow.clone());
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_like_the_route_table() {
        let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
        let allowed = Allowed::build(&spec);
        assert_eq!(allowed.get(&["users", "me"]).map(|v| v.as_bytes()), Some(&b"GET"[..]));
        assert_eq!(allowed.get(&["users", "7"]).map(|v| v.as_bytes()), Some(&b"DELETE, GET, PATCH"[..]));
        assert_eq!(allowed.get(&["company"]).map(|v| v.as_bytes()), Some(&b"GET, PATCH"[..]));
        assert!(allowed.get(&["users", "x7"]).is_none());
        assert!(allowed.get(&["nope"]).is_none());
    }
}

//! The route table: method and path segments of every operation under every prefix.

use harvest_spec::Spec;
use harvest_spec::ir::{Method, OperationId, PathSegment};

/// One compiled route.
#[derive(Debug, Clone)]
struct Route {
    method: Method,
    segs: Vec<Option<String>>,
    op: OperationId,
    literals: usize,
}

/// A matched route: the operation and its path parameter values.
#[derive(Debug, Clone)]
pub struct RouteMatch {
    /// The operation.
    pub op: OperationId,
    /// Path parameter values in template order.
    pub params: Vec<i64>,
}

/// All routes, most specific first.
#[derive(Debug, Clone)]
pub struct RouteTable {
    prefixes: Vec<Vec<String>>,
    routes: Vec<Route>,
}

fn split(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

impl RouteTable {
    /// Compiles every operation of the spec.
    pub fn build(spec: &Spec) -> RouteTable {
        let mut routes: Vec<Route> = spec
            .operations
            .iter()
            .enumerate()
            .map(|(i, op)| {
                let segs: Vec<Option<String>> = op
                    .path
                    .segments
                    .iter()
                    .map(|s| match s {
                        PathSegment::Literal(l) => Some(l.clone()),
                        PathSegment::Param(_) => None,
                    })
                    .collect();
                let literals = segs.iter().filter(|s| s.is_some()).count();
                Route { method: op.method, segs, op: OperationId(i), literals }
            })
            .collect();
        // Literal segments win over parameters (`/users/me` before `/users/{id}`).
        routes.sort_by(|a, b| {
            let ka: Vec<bool> = a.segs.iter().map(Option::is_none).collect();
            let kb: Vec<bool> = b.segs.iter().map(Option::is_none).collect();
            ka.cmp(&kb).then(b.literals.cmp(&a.literals))
        });
        let prefixes =
            spec.api.path_prefixes.iter().map(|p| split(p).into_iter().map(str::to_string).collect()).collect();
        RouteTable { prefixes, routes }
    }

    /// The path below the first matching prefix, if any.
    pub fn strip_prefix<'a>(&self, path: &'a str) -> Option<Vec<&'a str>> {
        let segs = split(path);
        let mut best: Option<Vec<&str>> = None;
        for p in &self.prefixes {
            if segs.len() >= p.len() && segs.iter().zip(p).all(|(a, b)| a == b) {
                let rest = segs[p.len()..].to_vec();
                if best.as_ref().is_none_or(|b| rest.len() < b.len()) {
                    best = Some(rest);
                }
            }
        }
        best
    }

    /// Finds the operation for a method and a path below a prefix.
    pub fn find(&self, method: Method, rest: &[&str]) -> Option<RouteMatch> {
        'routes: for r in &self.routes {
            if r.method != method || r.segs.len() != rest.len() {
                continue;
            }
            let mut params = Vec::new();
            for (seg, got) in r.segs.iter().zip(rest) {
                match seg {
                    Some(lit) if lit == got => {}
                    Some(_) => continue 'routes,
                    None => match got.parse::<i64>() {
                        Ok(v) => params.push(v),
                        Err(_) => continue 'routes,
                    },
                }
            }
            return Some(RouteMatch { op: r.op, params });
        }
        None
    }
}

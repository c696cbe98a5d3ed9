//! The hostile requests: what is sent to which operation, and what must come back.

use harvest_mock::AppState;
use harvest_spec::Spec;
use harvest_spec::ir::{OpKind, TypeRef};
use proptest::prelude::*;

use crate::inputs::*;
use crate::wire::{self, Request};

/// What a hostile request must get.
#[derive(Debug, Clone, Copy)]
pub enum Expect {
    /// Exactly this status.
    Status(u16),
    /// Any 4xx.
    ClientError,
    /// A 2xx or a 4xx: the request is odd but answerable.
    NoServerError,
    /// A 400 from the HTTP layer itself: the request line is not HTTP (raw bytes over 0x7f
    /// in the target), so no handler runs and the body may be empty.
    NotHttp,
}

/// One operation, addressed on existing records.
#[derive(Debug, Clone)]
pub struct Op {
    id: String,
    method: &'static str,
    kind: OpKind,
    /// `/v2/...` with existing ids.
    path: String,
    /// Body fields: name, type, whether it sets a record field.
    fields: Vec<(String, TypeRef, bool)>,
    /// Query parameters: name, type, required.
    query: Vec<(String, TypeRef, bool)>,
    paginated: bool,
    /// Methods no operation has on this path.
    other_methods: Vec<&'static str>,
}

/// Every operation of the served spec.
pub struct Catalog {
    spec: Spec,
    ops: Vec<Op>,
}

const METHODS: [&str; 4] = ["GET", "POST", "PATCH", "DELETE"];
const UNKNOWN_METHODS: [&str; 6] = ["PUT", "OPTIONS", "TRACE", "FOO", "PROPFIND", "LINK"];

impl Catalog {
    /// Reads the operations from the running server's spec, with ids of its records.
    pub fn new(state: &AppState) -> Catalog {
        let spec = state.spec().clone();
        let ops = spec
            .operations
            .iter()
            .map(|op| {
                let params = harvest_tests::existing_params(state, op).expect("every operation has records");
                let taken: Vec<&str> =
                    spec.operations.iter().filter(|o| o.path.raw == op.path.raw).map(|o| o.method.as_str()).collect();
                Op {
                    id: op.id.clone(),
                    method: op.method.as_str(),
                    kind: op.kind,
                    path: format!("/v2{}", harvest_tests::op_path(op, &params)),
                    fields: op
                        .body
                        .iter()
                        .flat_map(|b| &b.fields)
                        .map(|f| (f.name.clone(), f.ty.clone(), f.target.is_some()))
                        .collect(),
                    query: op.query.iter().map(|q| (q.name.clone(), q.ty.clone(), q.required)).collect(),
                    paginated: op.pagination.is_some(),
                    other_methods: METHODS
                        .iter()
                        .filter(|m| !taken.contains(m))
                        .chain(&UNKNOWN_METHODS)
                        .copied()
                        .collect(),
                }
            })
            .collect();
        Catalog { spec, ops }
    }

    fn indexes(&self, keep: impl Fn(&Op) -> bool) -> Vec<usize> {
        (0..self.ops.len()).filter(|i| keep(&self.ops[*i])).collect()
    }

    /// A JSON object in the shape of the operation's body (not necessarily acceptable).
    fn plausible_body(&self, op: &Op) -> String {
        if op.fields.is_empty() {
            return r#"{"note":"hostile","n":[1,2,{"k":null}]}"#.into();
        }
        let pairs: Vec<String> =
            op.fields.iter().map(|(name, ty, _)| format!("\"{name}\":{}", self.plausible(ty))).collect();
        format!("{{{}}}", pairs.join(","))
    }

    fn plausible(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Id | TypeRef::Integer | TypeRef::Ref(_) => "1".into(),
            TypeRef::Decimal => "1.5".into(),
            TypeRef::Boolean => "true".into(),
            TypeRef::String => "\"hostile text\"".into(),
            TypeRef::Time => "\"9:00am\"".into(),
            TypeRef::Date => "\"2024-01-02\"".into(),
            TypeRef::DateTime => "\"2024-01-02T03:04:05Z\"".into(),
            TypeRef::Json | TypeRef::Object(_) => r#"{"k":[1,"v"]}"#.into(),
            TypeRef::Enum(e) => format!("\"{}\"", self.spec.enum_def(*e).values.first().map_or("x", |v| &v.wire)),
            TypeRef::Array(inner) => format!("[{}]", self.plausible(inner)),
        }
    }

    /// Every operation with every kind of attack: each wrong value in each of its fields,
    /// each of its query parameters, broken bodies, oversized bodies and unknown methods;
    /// and every traversal with three methods.
    pub fn exhaustive(&self) -> Vec<Attack> {
        let mut out = Vec::new();
        for (op, o) in self.ops.iter().enumerate() {
            out.push(Attack::Truncated { op, cut: op * 7 });
            out.push(Attack::Corrupted { op, at: op * 13, junk: op % JUNK.len() });
            out.push(Attack::Nested { op, depth: 10_000, in_field: op % 2 == 0 });
            out.push(Attack::BadUtf8Body { op, junk: op % BAD_UTF8.len() });
            out.push(Attack::BadUtf8Path { op, junk: op % BAD_PATH.len() });
            out.push(Attack::Oversized { op, chunked: false });
            out.push(Attack::Oversized { op, chunked: true });
            out.extend((0..o.other_methods.len()).map(|method| Attack::Method { op, method }));
            let typed: Vec<&TypeRef> =
                o.fields.iter().filter(|(_, t, set)| *set && !wrong_values(t).is_empty()).map(|f| &f.1).collect();
            for (field, ty) in typed.iter().enumerate() {
                out.extend((0..wrong_values(ty).len()).map(|value| Attack::WrongType { op, field, value }));
            }
            if o.method == "GET" {
                let params = 3 + o.query.len();
                out.extend((0..params).map(|param| Attack::BadQuery {
                    op,
                    param,
                    value: op,
                    noise: vec![op % NOISE.len()],
                }));
            }
        }
        for target in 0..TRAVERSALS.len() {
            for method in 0..3 {
                out.push(Attack::Traversal { target, method });
            }
        }
        out
    }
}

/// One hostile request, as indexes into the catalog and the tables below.
#[derive(Debug, Clone)]
pub enum Attack {
    /// A valid-shaped JSON body cut short.
    Truncated { op: usize, cut: usize },
    /// A valid-shaped JSON body with junk inserted.
    Corrupted { op: usize, at: usize, junk: usize },
    /// One field with a value of the wrong type (or out of range).
    WrongType { op: usize, field: usize, value: usize },
    /// Arrays or objects nested far deeper than any parser allows.
    Nested { op: usize, depth: usize, in_field: bool },
    /// A 1 MB string in a field that is not free text.
    LongString { op: usize, field: usize },
    /// Invalid UTF-8 inside a JSON string.
    BadUtf8Body { op: usize, junk: usize },
    /// Invalid UTF-8 (raw or escaped) in the path.
    BadUtf8Path { op: usize, junk: usize },
    /// Noise, then one invalid paging or filter parameter last.
    BadQuery { op: usize, param: usize, value: usize, noise: Vec<usize> },
    /// Odd but harmless query noise on a read.
    OddQuery { op: usize, noise: Vec<usize> },
    /// A path that tries to climb out of `/v2` into the admin API.
    Traversal { target: usize, method: usize },
    /// A body over the 1 MiB limit.
    Oversized { op: usize, chunked: bool },
    /// A create with a body that is not JSON, under another content type.
    ContentType { op: usize, kind: usize },
    /// A method no operation has on the path: a 405.
    Method { op: usize, method: usize },
}

fn json_request(op: &Op, body: Vec<u8>) -> Request {
    wire::api(op.method, &op.path, &body)
}

impl Attack {
    /// The request and what it must get; `None` when the generated input happens to be valid.
    pub fn request(&self, c: &Catalog) -> Option<(Request, Expect)> {
        let typed = |op: &Op, field: &usize, pick: &dyn Fn(&TypeRef) -> bool| {
            let fields: Vec<&(String, TypeRef, bool)> =
                op.fields.iter().filter(|(_, t, set)| *set && pick(t)).collect();
            (!fields.is_empty()).then(|| fields[field % fields.len()].clone())
        };
        Some(match self {
            Attack::Truncated { op, cut } => {
                let op = &c.ops[*op];
                let body = c.plausible_body(op).into_bytes();
                let end = 1 + cut % (body.len() - 1);
                (json_request(op, body[..end].to_vec()), Expect::Status(400))
            }
            Attack::Corrupted { op, at, junk } => {
                let op = &c.ops[*op];
                let mut body = c.plausible_body(op).into_bytes();
                let at = at % (body.len() + 1);
                body.splice(at..at, JUNK[*junk].iter().copied());
                if serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v.is_object()) {
                    return None;
                }
                (json_request(op, body), Expect::Status(400))
            }
            Attack::WrongType { op, field, value } => {
                let op = &c.ops[*op];
                let (name, ty, _) = typed(op, field, &|t| !wrong_values(t).is_empty())?;
                let values = wrong_values(&ty);
                let body = format!("{{\"{name}\":{}}}", values[value % values.len()]);
                (json_request(op, body.into_bytes()), Expect::ClientError)
            }
            Attack::Nested { op, depth, in_field } => {
                let op = &c.ops[*op];
                let (open, close) = if depth % 2 == 0 { ("[", "]") } else { ("{\"a\":", "}") };
                let deep = format!("{}1{}", open.repeat(*depth), close.repeat(*depth));
                let key = op.fields.first().map_or("x", |f| f.0.as_str());
                let body = if *in_field { format!("{{\"{key}\":{deep}}}") } else { deep };
                (json_request(op, body.into_bytes()), Expect::Status(400))
            }
            Attack::LongString { op, field } => {
                let op = &c.ops[*op];
                let pick =
                    |t: &TypeRef| !matches!(t, TypeRef::String | TypeRef::Time | TypeRef::Json | TypeRef::Array(_));
                let (name, _, _) = typed(op, field, &pick)?;
                let body = format!("{{\"{name}\":\"{}\"}}", "9".repeat(1_000_000));
                (json_request(op, body.into_bytes()), Expect::ClientError)
            }
            Attack::BadUtf8Body { op, junk } => {
                let op = &c.ops[*op];
                let key = op.fields.first().map_or("x", |f| f.0.as_str());
                let mut body = format!("{{\"{key}\":\"ab").into_bytes();
                body.extend_from_slice(BAD_UTF8[*junk]);
                body.extend_from_slice(b"cd\"}");
                (json_request(op, body), Expect::Status(400))
            }
            Attack::BadUtf8Path { op, junk } => {
                let op = &c.ops[*op];
                let mut r = json_request(op, Vec::new());
                let cut = r.target.iter().rposition(|b| *b == b'/').unwrap_or(0);
                r.target.truncate(cut + 1);
                r.target.extend_from_slice(BAD_PATH[*junk]);
                let raw = BAD_PATH[*junk].iter().any(|b| *b > 0x7f);
                (r, if raw { Expect::NotHttp } else { Expect::ClientError })
            }
            Attack::BadQuery { op, param, value, noise } => {
                let op = &c.ops[*op];
                let mut candidates: Vec<(String, TypeRef)> = Vec::new();
                if op.paginated {
                    candidates.extend(["per_page", "page", "cursor"].map(|p| (p.to_string(), TypeRef::Integer)));
                }
                candidates.extend(
                    op.query
                        .iter()
                        .filter(|(n, t, _)| !wrong_query_values(n, t).is_empty())
                        .map(|(n, t, _)| (n.clone(), t.clone())),
                );
                if candidates.is_empty() {
                    return None;
                }
                let (name, ty) = &candidates[param % candidates.len()];
                let values = wrong_query_values(name, ty);
                let mut pairs: Vec<String> = noise.iter().map(|n| NOISE[*n].to_string()).collect();
                pairs.extend(
                    op.query
                        .iter()
                        .filter(|q| q.2 && &q.0 != name)
                        .map(|q| format!("{}={}", q.0, valid_query_value(&q.1))),
                );
                pairs.push(format!("{name}={}", values[value % values.len()]));
                let mut r = wire::api_get(&format!("{}?{}", op.path, pairs.join("&")));
                r.method = op.method.into();
                // Lists and reports validate their parameters; the one action with query
                // parameters (the invoice message template) reads its flags leniently.
                (r, if op.paginated { Expect::Status(422) } else { Expect::NoServerError })
            }
            Attack::OddQuery { op, noise } => {
                let op = &c.ops[*op];
                let mut pairs: Vec<String> =
                    op.query.iter().filter(|q| q.2).map(|q| format!("{}={}", q.0, valid_query_value(&q.1))).collect();
                pairs.extend(noise.iter().map(|n| NOISE[*n].to_string()));
                (wire::api_get(&format!("{}?{}", op.path, pairs.join("&"))), Expect::NoServerError)
            }
            Attack::Traversal { target, method } => {
                let mut r = wire::api(TRAVERSAL_METHODS[*method], TRAVERSALS[*target], br#"{"seed":7,"scale":0.5}"#);
                r.target = TRAVERSALS[*target].as_bytes().to_vec();
                (r, Expect::ClientError)
            }
            Attack::Oversized { op, chunked } => {
                let op = &c.ops[*op];
                let body = format!("{{\"name\":\"{}\"}}", "a".repeat(1024 * 1024 + 10)).into_bytes();
                let mut r = json_request(op, body);
                r.chunked = *chunked;
                if *chunked {
                    r.target = format!("/api{}", op.path).into_bytes();
                }
                (r, Expect::Status(413))
            }
            Attack::ContentType { op, kind } => {
                let op = &c.ops[*op];
                let (ct, body) = CONTENT_TYPES[*kind];
                let mut r = json_request(op, body.to_vec());
                r.headers.retain(|(k, _)| k != "Content-Type");
                r.headers.push(("Content-Type".into(), ct.as_bytes().to_vec()));
                (r, Expect::ClientError)
            }
            Attack::Method { op, method } => {
                let op = &c.ops[*op];
                let mut r = json_request(op, Vec::new());
                r.method = op.other_methods[*method].into();
                (r, Expect::Status(405))
            }
        })
    }
}

/// The strategy: every kind of attack over the operations it applies to.
pub fn attacks(c: &Catalog) -> BoxedStrategy<Attack> {
    let all = c.indexes(|_| true);
    let with_fields = c.indexes(|o| o.fields.iter().any(|f| f.2));
    let reads = c.indexes(|o| o.method == "GET" && matches!(o.kind, OpKind::List | OpKind::Report | OpKind::Get));
    let queried = c.indexes(|o| o.method == "GET" && (o.paginated || !o.query.is_empty()));
    let creates = c.indexes(|o| o.kind == OpKind::Create);
    let pick = |v: &Vec<usize>| proptest::sample::select(v.clone());
    let noise = || proptest::collection::vec(0..NOISE.len(), 0..4);
    prop_oneof![
        3 => (pick(&all), any::<usize>()).prop_map(|(op, cut)| Attack::Truncated { op, cut }),
        3 => (pick(&all), any::<usize>(), 0..JUNK.len()).prop_map(|(op, at, junk)| Attack::Corrupted { op, at, junk }),
        5 => (pick(&with_fields), any::<usize>(), any::<usize>())
            .prop_map(|(op, field, value)| Attack::WrongType { op, field, value }),
        1 => (pick(&all), 129..10_000usize, any::<bool>()).prop_map(|(op, depth, in_field)| Attack::Nested { op, depth, in_field }),
        1 => (pick(&with_fields), any::<usize>()).prop_map(|(op, field)| Attack::LongString { op, field }),
        2 => (pick(&all), 0..BAD_UTF8.len()).prop_map(|(op, junk)| Attack::BadUtf8Body { op, junk }),
        2 => (pick(&all), 0..BAD_PATH.len()).prop_map(|(op, junk)| Attack::BadUtf8Path { op, junk }),
        4 => (pick(&queried), any::<usize>(), any::<usize>(), noise())
            .prop_map(|(op, param, value, noise)| Attack::BadQuery { op, param, value, noise }),
        2 => (pick(&reads), noise()).prop_map(|(op, noise)| Attack::OddQuery { op, noise }),
        2 => (0..TRAVERSALS.len(), 0..TRAVERSAL_METHODS.len()).prop_map(|(target, method)| Attack::Traversal { target, method }),
        1 => (pick(&all), any::<bool>()).prop_map(|(op, chunked)| Attack::Oversized { op, chunked }),
        2 => (pick(&creates), 0..CONTENT_TYPES.len()).prop_map(|(op, kind)| Attack::ContentType { op, kind }),
        1 => pick(&all).prop_flat_map(|op| (Just(op), 0..UNKNOWN_METHODS.len())).prop_map(|(op, method)| Attack::Method { op, method }),
    ]
    .boxed()
}

impl Catalog {
    /// The operation id an attack targets, for messages.
    pub fn op_of(&self, attack: &Attack) -> &str {
        let ix = match attack {
            Attack::Truncated { op, .. }
            | Attack::Corrupted { op, .. }
            | Attack::WrongType { op, .. }
            | Attack::Nested { op, .. }
            | Attack::LongString { op, .. }
            | Attack::BadUtf8Body { op, .. }
            | Attack::BadUtf8Path { op, .. }
            | Attack::BadQuery { op, .. }
            | Attack::OddQuery { op, .. }
            | Attack::Oversized { op, .. }
            | Attack::ContentType { op, .. }
            | Attack::Method { op, .. } => Some(*op),
            Attack::Traversal { .. } => None,
        };
        ix.map_or("(traversal)", |i| self.ops[i].id.as_str())
    }
}

impl Catalog {
    /// The `/v2` path (on existing records) of the operation with this id.
    pub fn path_of(&self, id: &str) -> &str {
        self.ops.iter().find(|o| o.id == id).map_or("/v2/unknown-operation", |o| o.path.as_str())
    }
}

//! The raw material of hostile requests: junk bytes, broken paths, query noise,
//! traversal targets, content types, and the values each field or query
//! parameter type must refuse.

use harvest_spec::ir::TypeRef;

/// Bytes inserted into a JSON body to break it.
pub const JUNK: [&[u8]; 13] =
    [b"}", b"{", b"\"", b",", b":", b"]", b"\x00", b"\\", b"tru", b"NaN", b"Infinity", b"'", b"\x01"];
/// Invalid UTF-8 sequences (a lone byte, an overlong form, a surrogate, a 5-byte form).
pub const BAD_UTF8: [&[u8]; 5] = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"];
/// What replaces the last path segment: raw and escaped invalid UTF-8, NUL, encoded slashes.
pub const BAD_PATH: [&[u8]; 8] =
    [b"\xff\xfe", b"%ff%fe", b"%c3%28", b"%00", b"\xc3\x28", b"1%2f2", b"1?q=\xff\xfe", b"1?q=%ff&%c3%28=1"];
/// Odd but harmless query pairs: empty keys and values, broken escapes, repeated keys.
pub const NOISE: [&str; 14] = [
    "=",
    "&",
    "==",
    "=x",
    "x=",
    "%",
    "%zz=%zz",
    "%ff%fe=%80",
    "a=1&a=2&a=3",
    "a[]=1&a[x]=2",
    ";",
    "+=+",
    "%2B=%2B",
    "per_page=5&per_page=7",
];
/// Request targets that climb towards `/__admin`, raw and encoded.
pub const TRAVERSALS: [&str; 16] = [
    "/v2/../__admin/reset",
    "/v2/%2e%2e/__admin/reset",
    "/v2/%2E%2E/__admin/faults",
    "/v2/..%2f__admin%2freset",
    "/v2/%2e%2e%2f__admin%2freset",
    "/api/v2/../../__admin/seed",
    "/v2/clients/../../__admin/reset",
    "/v2/./../__admin/requests",
    "/v2/..\\__admin\\reset",
    "/v2/%5c..%5c__admin%5creset",
    "/v2/clients/..;/..;/__admin/reset",
    "/v2//..//__admin/faults",
    "/v2/%252e%252e/__admin/reset",
    "/v2/..%00/__admin/reset",
    "/V2/../__ADMIN/reset",
    "/v2/clients/%2e%2e/%2e%2e/__admin/seed",
];
/// Methods the traversal targets are tried with.
pub const TRAVERSAL_METHODS: [&str; 3] = ["POST", "DELETE", "GET"];
/// Bodies that are not JSON objects, under other content types.
pub const CONTENT_TYPES: [(&str, &[u8]); 6] = [
    ("text/plain", b"just some words"),
    ("application/xml", b"<client><name>x</name></client>"),
    // A well-formed multipart body is a legitimate form (receipts need it); one without its
    // boundary parameter is not.
    ("multipart/form-data", b"--XYZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--XYZ--\r\n"),
    ("application/octet-stream", b"\x00\x01\x02\xff\xfe"),
    ("application/json; charset=utf-16", b"\xff\xfe{\x00\"\x00n\x00\"\x00:\x001\x00}\x00"),
    ("text/html", b"<p>hello</p>"),
];

/// Values a field of this type must refuse (raw JSON text).
pub fn wrong_values(ty: &TypeRef) -> &'static [&'static str] {
    match ty {
        // Body ids are references: 0 (sent as -0) names no record.
        TypeRef::Id | TypeRef::Ref(_) => &[
            r#""abc""#,
            "true",
            "{}",
            "[[1]]",
            "1.5",
            "18446744073709551616",
            "-9.3e18",
            "1e400",
            r#""1 2""#,
            r#""１２""#,
            "-0",
        ],
        TypeRef::Integer => &[
            r#""abc""#,
            "true",
            "{}",
            "[[1]]",
            "1.5",
            "18446744073709551616",
            "-9.3e18",
            "1e400",
            r#""1 2""#,
            r#""１２""#,
        ],
        TypeRef::Decimal => {
            &[r#""abc""#, "true", "{}", "[1]", "1e400", r#""NaN""#, r#""inf""#, r#""-Infinity""#, r#""1e999""#]
        }
        TypeRef::Boolean => &[r#""yes""#, "2", "{}", "[]", "-1"],
        TypeRef::String | TypeRef::Time => &["{}", "[{}]", "true", r#"{"a":[1]}"#],
        TypeRef::Date => &[r#""2025-13-45""#, "20250101", "true", r#""tomorrow""#, r#""2025-02-30""#],
        TypeRef::DateTime => &[r#""yesterday""#, "5", r#""2025-01-01T25:00:00Z""#],
        TypeRef::Enum(_) => &[r#""no_such_value""#, "5", "[]"],
        TypeRef::Object(_) => &[r#""x""#, "5", "[]", "true"],
        TypeRef::Array(inner) if matches!(inner.as_ref(), TypeRef::Object(_)) => &[r#""x""#, "5", "[1]", "[[]]"],
        TypeRef::Array(_) => &["[{}]", r#"{"a":{}}"#, "[[1]]"],
        TypeRef::Json => &[],
    }
}

/// Query values a parameter of this type must refuse.
pub fn wrong_query_values(name: &str, ty: &TypeRef) -> &'static [&'static str] {
    match (name, ty) {
        ("per_page", _) => {
            &["-1", "abc", "99999999999999999999", "0", "2001", "-0", "1e3", "1.5", "0x10", "%zz", "%ff"]
        }
        ("page", _) => &["0", "-1", "abc", "99999999999999999999", "1.0", "%ff"],
        ("cursor", _) => &["!!!", "bm90IGpzb24=", "eyJhZnRlciI6eyJpZCI6IngifX0=", "eyJhZnRlciI6e319", "%ff"],
        (_, TypeRef::Id | TypeRef::Integer | TypeRef::Ref(_)) => &["abc", "1.5", "99999999999999999999", "%ff"],
        (_, TypeRef::Boolean) => &["maybe", "2", "yes"],
        (_, TypeRef::Date) => &["2025-13-45", "tomorrow", "2024-02-30"],
        (_, TypeRef::DateTime) => &["yesterday", "2025-01-01T25:00:00Z"],
        (_, TypeRef::Enum(_)) => &["no_such_value"],
        _ => &[],
    }
}

/// A value a required query parameter of this type accepts.
pub fn valid_query_value(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Date => "2024-01-01",
        TypeRef::Boolean => "true",
        _ => "1",
    }
}

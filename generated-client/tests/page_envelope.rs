//! The runtime's list-envelope decoding (`decode_page`, `decode_key`) on bodies laid out
//! in every allowed way: keys in any order, unknown keys anywhere, paging fields missing or
//! `null`, repeated keys; and on broken bodies, whose errors name the JSON path at fault
//! with the same path and message as ever.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use harvest_client::Error;
use harvest_client::models::{ApprovalStatus, Client, TimeEntry};
use harvest_client::runtime::{HeaderMap, Links, Method, Page, Response, StatusCode, decode, decode_key, decode_page};
use harvest_mock::{Config, MockServer};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Cases of the key-order property.
const CASES: u32 = 48;

fn response(body: impl Into<Vec<u8>>) -> Response {
    Response { status: StatusCode::OK, headers: HeaderMap::new(), body: body.into().into() }
}

fn client(id: i64) -> Value {
    json!({"id": id, "name": format!("Client {id}"), "is_active": id % 2 == 0, "address": null,
        "statement_key": format!("k{id}"), "currency": "EUR",
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-02-01T00:00:00Z"})
}

fn links() -> Value {
    json!({"first": "https://h/v2/clients?page=1", "next": "https://h/v2/clients?page=3",
        "previous": "https://h/v2/clients?page=1", "last": "https://h/v2/clients?page=4"})
}

/// A page-style envelope of `records` clients, page 2 of 4, keys in the usual order.
fn envelope(records: &[Value]) -> Vec<(String, Value)> {
    [
        ("clients", Value::from(records.to_vec())),
        ("per_page", json!(2)),
        ("total_pages", json!(4)),
        ("total_entries", json!(8)),
        ("next_page", json!(3)),
        ("previous_page", json!(1)),
        ("page", json!(2)),
        ("links", links()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Writes `pairs` as a JSON object in exactly this order, repeats included.
fn object_text(pairs: &[(String, Value)]) -> String {
    let fields: Vec<String> = pairs.iter().map(|(k, v)| format!("{}:{v}", Value::from(k.as_str()))).collect();
    format!("{{{}}}", fields.join(","))
}

fn expected_page(records: &[Value]) -> Page<Client> {
    Page {
        items: records.iter().map(|r| serde_json::from_value(r.clone()).unwrap()).collect(),
        per_page: Some(2),
        total_pages: Some(4),
        total_entries: Some(8),
        page: Some(2),
        next_page: Some(3),
        previous_page: Some(1),
        links: serde_json::from_value(links()).unwrap(),
    }
}

fn decode_error(body: &str) -> (String, String) {
    match decode_page::<Client>(&response(body), "clients") {
        Err(Error::Decode { status, path, message, body: raw }) => {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(raw, body.as_bytes(), "the error keeps the raw body");
            (path, message)
        }
        other => panic!("expected a decode error for {body}, got {other:?}"),
    }
}

/// The usual links in the given order, with an unknown key last.
fn shuffled_links(order: &[usize], extra: Value) -> Value {
    let usual: Vec<(String, Value)> = links().as_object().unwrap().clone().into_iter().collect();
    let mut pairs: Vec<(String, Value)> = order.iter().map(|&i| usual[i].clone()).collect();
    pairs.push(("zz_more".into(), extra));
    serde_json::from_str(&object_text(&pairs)).unwrap()
}

fn extra_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        "[ -~]{0,8}".prop_map(Value::from),
        Just(json!({"clients": [1, 2], "links": {"next": 5}, "per_page": "x"})),
        Just(json!([[{"a": [null]}], {}, []])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// Shuffled envelope and `links` keys, with unknown keys (some named like envelope
    /// keys one level down) in the envelope, in `links` and in records, give the page
    /// the usual layout gives.
    #[test]
    fn any_key_order_and_unknown_keys_give_the_same_page(
        ids in proptest::collection::vec(1i64..1000, 0..4),
        order in Just((0..8).collect::<Vec<usize>>()).prop_shuffle(),
        link_order in Just((0..4).collect::<Vec<usize>>()).prop_shuffle(),
        extras in proptest::collection::vec(("zz_[a-z]{1,5}", extra_value()), 0..4),
        record_extra in extra_value(),
    ) {
        let plain: Vec<Value> = ids.iter().map(|&id| client(id)).collect();
        let padded: Vec<Value> = plain.iter().cloned().map(|mut r| {
            r["zz_new"] = record_extra.clone();
            r
        }).collect();
        let usual = envelope(&padded);
        let mut pairs: Vec<(String, Value)> = order.iter().map(|&i| usual[i].clone()).collect();
        let links_at = pairs.iter().position(|(k, _)| k == "links").unwrap();
        pairs[links_at].1 = shuffled_links(&link_order, record_extra);
        for (n, extra) in extras.into_iter().enumerate() {
            let at = (n * 3) % (pairs.len() + 1);
            pairs.insert(at, extra);
        }
        let page = decode_page::<Client>(&response(object_text(&pairs)), "clients")
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(page, expected_page(&plain));
    }
}

#[test]
fn missing_or_null_paging_fields_read_as_none() {
    let records = vec![client(1)];
    let none = Page {
        items: vec![serde_json::from_value::<Client>(client(1)).unwrap()],
        per_page: None,
        total_pages: None,
        total_entries: None,
        page: None,
        next_page: None,
        previous_page: None,
        links: Links::default(),
    };
    let only_records = json!({"clients": records}).to_string();
    assert_eq!(decode_page::<Client>(&response(only_records), "clients").unwrap(), none);
    let nulls = json!({"clients": records, "per_page": null, "total_pages": null, "total_entries": null,
        "next_page": null, "previous_page": null, "page": null, "links": null});
    assert_eq!(decode_page::<Client>(&response(nulls.to_string()), "clients").unwrap(), none);
    let partial_links = json!({"links": {"next": "https://h/v2/clients?cursor=x"}, "clients": records});
    let page = decode_page::<Client>(&response(partial_links.to_string()), "clients").unwrap();
    let next = Links { next: Some("https://h/v2/clients?cursor=x".into()), ..Links::default() };
    assert_eq!(page, Page { links: next, ..none });
}

#[test]
fn a_repeated_key_keeps_its_last_value() {
    let mut pairs = envelope(&[json!({"broken": true})]);
    pairs.extend(envelope(&[client(7)]));
    pairs.push(("per_page".into(), json!(5)));
    let page = decode_page::<Client>(&response(object_text(&pairs)), "clients").unwrap();
    assert_eq!(page, Page { per_page: Some(5), ..expected_page(&[client(7)]) });
}

#[test]
fn a_failing_record_names_its_index_and_field() {
    let mut records: Vec<Value> = (1..=3).map(client).collect();
    records[2]["is_active"] = json!("yes");
    let (path, message) = decode_error(&object_text(&envelope(&records)));
    assert_eq!(path, "clients[2].is_active");
    assert_eq!(message, r#"invalid type: string "yes", expected a boolean"#);

    records[2] = client(3);
    records[1].as_object_mut().unwrap().remove("name");
    let (path, message) = decode_error(&object_text(&envelope(&records)));
    assert_eq!(path, "clients[1]");
    assert_eq!(message, "missing field `name`");

    records[1] = json!(17);
    let (path, message) = decode_error(&object_text(&envelope(&records)));
    assert_eq!(path, "clients[1]");
    assert_eq!(message, "invalid type: integer `17`, expected struct Client");
}

#[test]
fn broken_envelopes_name_the_field_at_fault() {
    let cases: [(Value, &str, &str); 4] = [
        (json!({"per_page": 2}), "clients", "missing field `clients`"),
        (json!({"clients": {}}), "clients", "invalid type: map, expected a sequence"),
        (json!({"clients": [], "per_page": "2"}), "per_page", r#"invalid type: string "2", expected u64"#),
        (json!({"clients": [], "links": {"next": 3}}), "links.next", "invalid type: integer `3`, expected a string"),
    ];
    for (body, want_path, want_message) in cases {
        let (path, message) = decode_error(&body.to_string());
        assert_eq!((path.as_str(), message.as_str()), (want_path, want_message), "{body}");
    }
}

#[test]
fn bodies_that_are_not_one_json_object_fail_at_the_root() {
    let cases = [
        ("[]", "expected a JSON object"),
        (r#"{"clients": [], "page": 1"#, "EOF while parsing an object at line 1 column 25"),
        (r#"{"clients": [], "page": 1} {}"#, "trailing characters at line 1 column 28"),
        (r#"{"clients": [{"id": 1, "name": oops}]}"#, "expected value at line 1 column 32"),
    ];
    for (body, want) in cases {
        assert_eq!(decode_error(body), (".".to_owned(), want.to_owned()), "{body}");
    }
    let not_utf8 = b"{\"clients\": [], \"zz\": \"\xff\"}".to_vec();
    let Err(Error::Decode { path, message, .. }) = decode_page::<Client>(&response(not_utf8), "clients") else {
        panic!("invalid UTF-8 must not decode");
    };
    assert_eq!((path.as_str(), message.as_str()), (".", "invalid unicode code point at line 1 column 24"));
}

/// Values under unknown keys are skipped unread, as the generated types skip them in a
/// single record (`decode`): they must be well-formed JSON, but a lone surrogate escape or
/// a number too large for `f64` in them does not fail the page.
#[test]
fn unknown_values_are_skipped_as_in_a_single_record() {
    for odd in [r#""\ud800""#, "1e400"] {
        let mut record = client(1).to_string();
        record.insert_str(1, &format!(r#""zz_odd":{odd},"#));
        let single: Client = decode(&response(record.as_str())).unwrap();
        let body = format!(r#"{{"zz_odd":{odd},"clients":[{record}],"page":1}}"#);
        let page = decode_page::<Client>(&response(body), "clients").unwrap();
        assert_eq!((page.items, page.page), (vec![single], Some(1)), "{odd}");
    }
}

#[test]
fn decode_key_reads_one_key_in_any_position_and_ignores_the_rest() {
    let body = json!({"zz_first": [1], "per_page": "not a number", "clients": [client(4)], "links": 5});
    let read: Vec<Client> = decode_key(&response(body.to_string()), "clients").unwrap();
    assert_eq!(read, vec![serde_json::from_value::<Client>(client(4)).unwrap()]);
    let broken = json!({"clients": [client(4), {"id": "5"}]}).to_string();
    let Err(Error::Decode { path, message, .. }) = decode_key::<Vec<Client>>(&response(broken), "clients") else {
        panic!("a broken record must not decode");
    };
    assert_eq!((path.as_str(), message.as_str()), ("clients[1].id", r#"invalid type: string "5", expected i64"#));
}

/// Real time entries from the mock, laid out backwards with an unknown approval status and
/// unknown keys, decode to what `serde_json` makes of the records alone.
#[tokio::test]
async fn mock_time_entries_in_reverse_order_with_an_unknown_status() {
    let server = MockServer::start(Config::default()).await.unwrap();
    let api = harvest_client::Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .token("test-token")
        .account_id(1)
        .user_agent("harvest-client tests (dev@example.com)")
        .build()
        .unwrap();
    let sent = api.raw(Method::GET, "/time_entries").query(&[("per_page", 40)]).send().await.unwrap();
    let Value::Object(body) = serde_json::from_slice::<Value>(&sent.body).unwrap() else { panic!("not an object") };
    let mut pairs: Vec<(String, Value)> = body.into_iter().rev().collect();
    let records = pairs.iter_mut().find(|(k, _)| k == "time_entries").map(|(_, v)| v).unwrap();
    records[0]["approval_status"] = json!("zz_later");
    records[1]["zz_new"] = json!({"time_entries": []});
    let expected: Vec<TimeEntry> = serde_json::from_value(records.clone()).unwrap();
    pairs.insert(1, ("zz_meta".into(), json!([{"page": "x"}])));
    let page = decode_page::<TimeEntry>(&response(object_text(&pairs)), "time_entries").unwrap();
    assert_eq!(page.items.len(), 40);
    assert_eq!(page.items, expected);
    assert_eq!(page.items[0].approval_status, Some(ApprovalStatus::Other("zz_later".into())));
    assert_eq!((page.per_page, page.page), (Some(40), Some(1)));
    assert!(page.links.next.is_some_and(|next| next.contains("page=2")));
}

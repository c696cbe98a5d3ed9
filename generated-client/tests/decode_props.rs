//! Decoding properties of the generated models, driven by the spec IR: for every record
//! and value type, random valid JSON (nullable fields null or set, optional fields absent
//! or present, enums known or unknown, unknown extra keys in every object) decodes into
//! the generated type and serialises back to the same JSON.
//!
//! Normalisation allowed when comparing (everything else must match exactly, key order
//! included):
//! - numbers compare by value as `f64`: decimals are `rust_decimal::Decimal` sent as JSON
//!   numbers, so `80` comes back as `80.0` (both parse to the same `f64`);
//! - a field that is both optional and nullable and arrives as `null` comes back absent
//!   (the client reads both as `None`);
//! - unknown extra keys are dropped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Debug;
use std::sync::OnceLock;

use harvest_client::models::*;
use harvest_client::runtime::{HeaderMap, StatusCode, decode_page};
use harvest_spec::ir::{EnumDef, Field, Schema, Spec, TypeOrigin, TypeRef};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Cases per type and property (each case decodes one random record).
const CASES: u32 = 64;

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| harvest_spec::harvest().expect("the embedded spec loads"))
}

/// A JSON text sent to the client and the JSON expected back from re-serialising.
type Pair = (Value, Value);

/// Extra keys start with `zz_`, which no field of the spec does (checked below).
const EXTRA_PREFIX: &str = "zz_";

fn text() -> BoxedStrategy<String> {
    // Any characters (controls, quotes, astral planes), short.
    proptest::string::string_regex("(?s).{0,16}").expect("valid regex").boxed()
}

fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1.0e9f64..1.0e9).prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(("[a-z]{1,6}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A decimal as Harvest sends it: up to 12 significant digits, up to 4 decimal places.
fn decimal() -> BoxedStrategy<Value> {
    (-999_999_999_999i64..1_000_000_000_000, 0u32..=4)
        .prop_map(|(mantissa, scale)| {
            let text = rust_decimal::Decimal::new(mantissa, scale).to_string();
            serde_json::from_str::<Value>(&text).expect("a decimal is a JSON number")
        })
        .boxed()
}

fn date() -> BoxedStrategy<Value> {
    // 1970-01-01 ..= 2099-12-31
    (0i64..47_481)
        .prop_map(|d| {
            let day = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + chrono::Duration::days(d);
            Value::from(day.format("%Y-%m-%d").to_string())
        })
        .boxed()
}

fn datetime() -> BoxedStrategy<Value> {
    (0i64..4_102_444_800)
        .prop_map(|s| {
            let t = chrono::DateTime::from_timestamp(s, 0).expect("in range");
            Value::from(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        })
        .boxed()
}

fn time_of_day() -> BoxedStrategy<Value> {
    prop_oneof![
        (1u32..=12, 0u32..60, prop::bool::ANY)
            .prop_map(|(h, m, am)| format!("{h}:{m:02}{}", if am { "am" } else { "pm" })),
        (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h:02}:{m:02}")),
    ]
    .prop_map(Value::from)
    .boxed()
}

/// A string that is not one of the enum's values.
fn unknown_value(def: &EnumDef) -> BoxedStrategy<String> {
    let known: Vec<String> = def.values.iter().map(|v| v.wire.clone()).collect();
    prop_oneof!["[a-z_ -]{1,20}", text()].prop_filter("not a known value", move |s| !known.contains(s)).boxed()
}

fn enum_value(def: &EnumDef) -> BoxedStrategy<Value> {
    let known: Vec<Value> = def.values.iter().map(|v| Value::from(v.wire.clone())).collect();
    prop_oneof![3 => proptest::sample::select(known), 1 => unknown_value(def).prop_map(Value::from)].boxed()
}

fn same_twice(s: BoxedStrategy<Value>) -> BoxedStrategy<Pair> {
    s.prop_map(|v| (v.clone(), v)).boxed()
}

/// A value of `ty` (never null: nullability belongs to the field).
fn value(ty: &TypeRef, extras: bool) -> BoxedStrategy<Pair> {
    let spec = spec();
    match ty {
        TypeRef::Id => same_twice(prop_oneof![1i64..100_000, 1i64..=i64::MAX].prop_map(Value::from).boxed()),
        TypeRef::Integer => same_twice(any::<i64>().prop_map(Value::from).boxed()),
        TypeRef::Decimal => same_twice(decimal()),
        TypeRef::Boolean => same_twice(any::<bool>().prop_map(Value::from).boxed()),
        TypeRef::String => same_twice(text().prop_map(Value::from).boxed()),
        TypeRef::Date => same_twice(date()),
        TypeRef::DateTime => same_twice(datetime()),
        TypeRef::Time => same_twice(time_of_day()),
        TypeRef::Json => same_twice(any_json()),
        TypeRef::Enum(id) => same_twice(enum_value(spec.enum_def(*id))),
        TypeRef::Object(id) => record(&spec.type_def(*id).fields, extras),
        TypeRef::Ref(r) => record(&spec.type_def(r.embed).fields, extras),
        TypeRef::Array(inner) => proptest::collection::vec(value(inner, extras), 0..4)
            .prop_map(|items| {
                let (input, expected) = items.into_iter().unzip();
                (Value::Array(input), Value::Array(expected))
            })
            .boxed(),
    }
}

/// One field: `None` when absent from the JSON.
fn field(f: &Field, extras: bool) -> BoxedStrategy<(Option<Value>, Option<Value>)> {
    let base = value(&f.ty, extras);
    let present = if f.nullable { prop_oneof![1 => Just((Value::Null, Value::Null)), 3 => base].boxed() } else { base };
    let optional = f.optional;
    if !optional {
        return present.prop_map(|(i, e)| (Some(i), Some(e))).boxed();
    }
    proptest::option::of(present)
        .prop_map(move |p| match p {
            None => (None, None),
            // Optional and nullable: `null` reads as `None` and is then left out.
            Some((Value::Null, _)) => (Some(Value::Null), None),
            Some((i, e)) => (Some(i), Some(e)),
        })
        .boxed()
}

/// An object with `fields` in spec order (hidden fields never appear); with `extras`,
/// unknown keys are inserted at random positions of the input.
fn record(fields: &[Field], extras: bool) -> BoxedStrategy<Pair> {
    let names: Vec<String> = fields.iter().filter(|f| !f.hidden).map(|f| f.name.clone()).collect();
    let values: Vec<_> = fields.iter().filter(|f| !f.hidden).map(|f| field(f, extras)).collect();
    let extra = if extras {
        proptest::collection::vec((any::<usize>(), "[a-z0-9_]{0,8}", any_json()), 0..3).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    (values, extra)
        .prop_map(move |(values, extra)| {
            let (mut input, mut expected) = (Map::new(), Map::new());
            for (name, (i, e)) in names.iter().zip(values) {
                if let Some(i) = i {
                    input.insert(name.clone(), i);
                }
                if let Some(e) = e {
                    expected.insert(name.clone(), e);
                }
            }
            for (at, key, v) in extra {
                let key = format!("{EXTRA_PREFIX}{key}");
                if !input.contains_key(&key) {
                    input.shift_insert(at % (input.len() + 1), key, v);
                }
            }
            (Value::Object(input), Value::Object(expected))
        })
        .boxed()
}

/// Equal JSON, numbers compared by value, object keys in the same order.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.keys().eq(y.keys()) && x.values().zip(y.values()).all(|(x, y)| same_json(x, y))
        }
        _ => a == b,
    }
}

/// Decodes `input` (as wire text) into `T`, re-serialises it and compares with `expected`;
/// decoding the re-serialised text gives the same value again.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(
    input: &Value,
    expected: &Value,
) -> Result<(), String> {
    let wire = serde_json::to_string(input).map_err(|e| e.to_string())?;
    let decoded: T = serde_json::from_str(&wire).map_err(|e| format!("decode failed: {e}\n{wire}"))?;
    let back = serde_json::to_value(&decoded).map_err(|e| e.to_string())?;
    if !same_json(&back, expected) {
        return Err(format!("re-serialised differs\n sent:     {wire}\n expected: {expected}\n got:      {back}"));
    }
    let again: T = serde_json::from_value(back).map_err(|e| format!("second decode failed: {e}"))?;
    if again != decoded {
        return Err(format!("second decode differs: {again:?} vs {decoded:?}"));
    }
    Ok(())
}

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() })
}

/// Runs `check` on `CASES` random records of the shape named `rust` (a resource or a type).
fn for_records(rust: &str, extras: bool, check: RoundTrip) -> Result<(), String> {
    let spec = spec();
    let fields = spec
        .resources
        .iter()
        .find(|r| r.rust.pascal == rust)
        .map(|r| &r.fields)
        .or_else(|| spec.types.iter().find(|t| t.rust.pascal == rust).map(|t| &t.fields))
        .ok_or_else(|| format!("{rust} is neither a resource nor a type of the spec"))?;
    runner()
        .run(&record(fields, extras), |(input, expected)| check(&input, &expected).map_err(TestCaseError::fail))
        .map_err(|e| format!("{rust}: {e}"))
}

/// Decodes a JSON record into one generated type and compares what it serialises back to.
type RoundTrip = fn(&Value, &Value) -> Result<(), String>;
/// Checks one wire value of one generated enum.
type EnumCheck = fn(&EnumDef, &str) -> Result<(), String>;

/// `(Rust name, round trip)` for every record shape the client decodes from responses.
macro_rules! shapes {
    ($($t:ident),* $(,)?) => {
        &[$((stringify!($t), round_trip::<$t> as RoundTrip)),*]
    };
}

const SHAPES: &[(&str, RoundTrip)] = shapes![
    // Resources.
    Company,
    User,
    BillableRate,
    CostRate,
    Client,
    Contact,
    Project,
    UserAssignment,
    TaskAssignment,
    Task,
    TimeEntry,
    Expense,
    ExpenseCategory,
    Invoice,
    InvoiceMessage,
    InvoicePayment,
    InvoiceItemCategory,
    Estimate,
    EstimateMessage,
    EstimateItemCategory,
    Role,
    // Declared value types and report rows.
    Teammate,
    ProjectAssignment,
    ProjectTaskAssignment,
    ExternalReference,
    Receipt,
    InvoiceLineItem,
    InvoiceRetainer,
    MessageRecipient,
    PaymentGateway,
    InvoiceMessageTemplate,
    InvoiceLineItemsImport,
    InvoiceTimeImport,
    InvoiceExpenseImport,
    EstimateLineItem,
    TimeClientsRow,
    TimeProjectsRow,
    TimeTasksRow,
    TimeTeamRow,
    ExpenseClientsRow,
    ExpenseProjectsRow,
    ExpenseCategoriesRow,
    ExpenseTeamRow,
    UninvoicedRow,
    ProjectBudgetRow,
];

/// `(Rust name, check)` for every enum: a known value decodes to its variant, anything else to
/// the unknown variant, and both serialise back unchanged.
macro_rules! enums {
    ($($t:ident),* $(,)?) => {
        &[$((stringify!($t), check_enum::<$t> as EnumCheck)),*]
    };
}

const ENUMS: &[(&str, EnumCheck)] = enums![
    ApprovalStatus,
    WeekStartDay,
    TimeFormat,
    Clock,
    CurrencyCodeDisplay,
    CurrencySymbolDisplay,
    AccessRole,
    BillBy,
    BudgetBy,
    InvoiceState,
    EstimateState,
    PaymentTerm,
    PaymentOption,
    InvoiceMessageEvent,
    EstimateMessageEvent,
    InvoiceTimeSummaryType,
    InvoiceExpenseSummaryType,
];

fn check_enum<E: DeserializeOwned + Serialize + Debug>(def: &EnumDef, wire: &str) -> Result<(), String> {
    let json = Value::from(wire);
    let e: E = serde_json::from_value(json.clone()).map_err(|err| format!("{wire:?} does not decode: {err}"))?;
    let debug = format!("{e:?}");
    let unknown = format!("{}({wire:?})", def.unknown_variant);
    match def.values.iter().find(|v| v.wire == wire) {
        Some(v) if debug != v.variant => return Err(format!("{wire:?} decoded to {debug}, not {}", v.variant)),
        None if debug != unknown => return Err(format!("{wire:?} decoded to {debug}, not {unknown}")),
        _ => {}
    }
    let back = serde_json::to_value(&e).map_err(|err| err.to_string())?;
    if back == json { Ok(()) } else { Err(format!("{wire:?} serialised back as {back}")) }
}

#[test]
fn the_lists_cover_every_resource_type_and_enum_of_the_spec() {
    let spec = spec();
    let listed: Vec<&str> = SHAPES.iter().map(|(n, _)| *n).collect();
    for r in &spec.resources {
        assert!(listed.contains(&r.rust.pascal.as_str()), "resource {} has no round-trip case", r.rust.pascal);
    }
    for t in spec.types.iter().filter(|t| t.origin == TypeOrigin::Declared) {
        assert!(listed.contains(&t.rust.pascal.as_str()), "type {} has no round-trip case", t.rust.pascal);
    }
    let enums: Vec<&str> = ENUMS.iter().map(|(n, _)| *n).collect();
    for e in &spec.enums {
        assert!(enums.contains(&e.rust.pascal.as_str()), "enum {} has no case", e.rust.pascal);
    }
    let fields = spec.resources.iter().flat_map(|r| &r.fields).chain(spec.types.iter().flat_map(|t| &t.fields));
    for f in fields {
        assert!(!f.name.starts_with(EXTRA_PREFIX), "field {} collides with the extra-key prefix", f.name);
    }
}

#[test]
fn random_valid_records_decode_and_serialise_back_unchanged() {
    let failures: Vec<String> =
        SHAPES.iter().filter_map(|(name, check)| for_records(name, false, *check).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn unknown_extra_keys_in_every_object_are_ignored() {
    let failures: Vec<String> =
        SHAPES.iter().filter_map(|(name, check)| for_records(name, true, *check).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_enum_keeps_known_and_unknown_values() {
    for def in &spec().enums {
        let (_, check) = ENUMS.iter().find(|(n, _)| *n == def.rust.pascal).expect("listed (checked above)");
        let known: Vec<String> = def.values.iter().map(|v| v.wire.clone()).collect();
        let any_value = prop_oneof![proptest::sample::select(known), unknown_value(def)];
        runner()
            .run(&any_value, |wire| check(def, &wire).map_err(TestCaseError::fail))
            .unwrap_or_else(|e| panic!("{}: {e}", def.rust.pascal));
    }
}

fn fields_of(resource: &str) -> &'static [Field] {
    let spec = spec();
    spec.resource_named(resource).map(|r| spec.fields_of(Schema::Resource(r))).expect("resource exists")
}

fn enum_named(name: &str) -> &'static EnumDef {
    spec().enums.iter().find(|e| e.name == name).expect("enum exists")
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    /// Unknown values inside records land in the typed field's unknown variant.
    #[test]
    fn unknown_enum_values_inside_records_decode(
        (mut entry, _) in record(fields_of("time_entry"), true),
        (mut invoice, _) in record(fields_of("invoice"), true),
        status in unknown_value(enum_named("approval_status")),
        state in unknown_value(enum_named("invoice_state")),
        option in unknown_value(enum_named("payment_option")),
    ) {
        entry["approval_status"] = Value::from(status.clone());
        let entry: TimeEntry = serde_json::from_value(entry).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(entry.approval_status, Some(ApprovalStatus::Other(status)));

        invoice["state"] = Value::from(state.clone());
        invoice["payment_options"] = serde_json::json!(["credit_card", option]);
        let invoice: Invoice = serde_json::from_value(invoice).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(invoice.state, InvoiceState::Other(state));
        prop_assert_eq!(invoice.payment_options, vec![PaymentOption::CreditCard, PaymentOption::Other(option)]);
    }

    /// A list envelope of random time entries (page style, any page) decodes through the
    /// runtime's `decode_page`: every item round-trips and the paging fields are read as sent.
    #[test]
    fn a_pagination_envelope_decodes(
        items in proptest::collection::vec(record(fields_of("time_entry"), true), 0..5),
        (per_page, total_pages, page) in (1u64..=2000, 1u64..50).prop_flat_map(|(pp, tp)| (Just(pp), Just(tp), 1..=tp)),
        cursor_style in any::<bool>(),
        (extra_key, extra_value) in ("[a-z]{1,8}", any_json()),
    ) {
        let link = |p: u64, r: &str| format!("https://api.harvestapp.com/v2/time_entries?page={p}&per_page={per_page}&ref={r}");
        let next = (page < total_pages).then_some(page + 1);
        let previous = (page > 1).then_some(page - 1);
        // Cursor lists leave `page` null between the first and the last page.
        let shown_page = (!cursor_style || page == 1 || page == total_pages).then_some(page);
        let (input, expected): (Vec<Value>, Vec<Value>) = items.into_iter().unzip();
        let mut body = Map::new();
        body.insert("time_entries".into(), Value::Array(input));
        body.insert("per_page".into(), per_page.into());
        body.insert("total_pages".into(), total_pages.into());
        body.insert("total_entries".into(), (total_pages * per_page).into());
        body.insert("next_page".into(), next.into());
        body.insert("previous_page".into(), previous.into());
        body.insert("page".into(), shown_page.into());
        body.insert("links".into(), serde_json::json!({
            "first": link(1, "first"),
            "next": next.map(|n| link(n, "next")),
            "previous": previous.map(|n| link(n, "previous")),
            "last": link(total_pages, "last"),
            EXTRA_PREFIX: extra_value.clone(),
        }));
        body.insert(format!("{EXTRA_PREFIX}{extra_key}"), extra_value);
        let response = harvest_client::runtime::Response {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: serde_json::to_vec(&Value::Object(body)).map_err(|e| TestCaseError::fail(e.to_string()))?.into(),
        };
        let page_of = decode_page::<TimeEntry>(&response, "time_entries").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = serde_json::to_value(&page_of.items).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(same_json(&back, &Value::Array(expected)), "items differ: {}", back);
        prop_assert_eq!(page_of.per_page, Some(per_page));
        prop_assert_eq!(page_of.total_pages, Some(total_pages));
        prop_assert_eq!(page_of.total_entries, Some(total_pages * per_page));
        prop_assert_eq!(page_of.page, shown_page);
        prop_assert_eq!(page_of.next_page, next);
        prop_assert_eq!(page_of.previous_page, previous);
        prop_assert_eq!(page_of.links.first, Some(link(1, "first")));
        prop_assert_eq!(page_of.links.next, next.map(|n| link(n, "next")));
        prop_assert_eq!(page_of.links.previous, previous.map(|n| link(n, "previous")));
        prop_assert_eq!(page_of.links.last, Some(link(total_pages, "last")));
    }
}

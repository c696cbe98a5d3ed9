//! Wire formats: dates, timestamps, decimals and coercion of request values.

mod money;

pub use money::{Money, dec, round2};

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Timelike, Utc};
use harvest_spec::ir::{MAX_DECIMAL, TypeRef};
use serde_json::Value;

use crate::plan::Plan;

/// The date of an instant in Harvest's format.
pub fn fmt_date(t: DateTime<Utc>) -> String {
    let d = t.date_naive();
    // Written by hand: seeding formats millions of dates, and a format string is parsed per call.
    match u32::try_from(d.year()) {
        Ok(year @ 0..=9999) => {
            let mut s = String::with_capacity(10);
            push_date(&mut s, year, d.month(), d.day());
            s
        }
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

/// An instant in Harvest's format (RFC 3339, whole seconds, `Z`).
pub fn fmt_datetime(t: DateTime<Utc>) -> String {
    let (d, time) = (t.date_naive(), t.time());
    // By hand too (two per seeded record); chrono writes the rare years past 9999 and leap
    // seconds.
    match u32::try_from(d.year()) {
        Ok(year @ 0..=9999) if time.nanosecond() < 1_000_000_000 => {
            let mut s = String::with_capacity(20);
            push_date(&mut s, year, d.month(), d.day());
            s.push('T');
            push_digits(&mut s, time.hour(), 2);
            s.push(':');
            push_digits(&mut s, time.minute(), 2);
            s.push(':');
            push_digits(&mut s, time.second(), 2);
            s.push('Z');
            s
        }
        _ => t.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

/// `YYYY-MM-DD` onto `s`.
fn push_date(s: &mut String, year: u32, month: u32, day: u32) {
    push_digits(s, year, 4);
    s.push('-');
    push_digits(s, month, 2);
    s.push('-');
    push_digits(s, day, 2);
}

/// The last `width` decimal digits of `n`, zero-padded, onto `s`.
fn push_digits(s: &mut String, n: u32, width: u32) {
    for k in (0..width).rev() {
        let digit = (n / 10u32.pow(k)) % 10;
        s.push(char::from(b'0' + digit as u8));
    }
}

/// `YYYY-MM-DD` read by hand (seeding reads millions of dates; a format string is parsed per call).
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

/// Parses `YYYY-MM-DD` or `YYYYMMDD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if let Some(d) = parse_iso_date(s) {
        return Some(d);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| NaiveDate::parse_from_str(s, "%Y%m%d").ok())
}

/// Parses an ISO 8601 timestamp (or a date, taken as midnight UTC).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        return Some(t.and_utc());
    }
    parse_date(s).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
}

/// A JSON value read as a number (numbers or numeric strings).
pub fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Why a value does not fit its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    /// Not a valid date.
    Date,
    /// Anything else.
    Invalid,
}

/// Coerces a request value (JSON or form text) to a field type.
pub fn coerce(plan: &Plan, ty: &TypeRef, v: &Value) -> Result<Value, Bad> {
    match ty {
        TypeRef::Id | TypeRef::Integer => match v {
            Value::Number(n) if n.is_i64() => Ok(v.clone()),
            // Whole floats strictly inside the i64 range: a literal beyond it rounds to ±2^63.
            Value::Number(n) => n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f > i64::MIN as f64 && *f < i64::MAX as f64)
                .map(|f| Value::from(f as i64))
                .ok_or(Bad::Invalid),
            Value::String(s) => s.trim().parse::<i64>().map(Value::from).map_err(|_| Bad::Invalid),
            _ => Err(Bad::Invalid),
        },
        // `NaN`, `inf` and numbers too large to round would be stored as null.
        TypeRef::Decimal => match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
        .filter(|x| x.abs() <= MAX_DECIMAL)
        .map(dec)
        .filter(Value::is_number)
        .ok_or(Bad::Invalid),
        // Text forms of a boolean come from query strings and form bodies; a JSON body says
        // `true` or `false`, as the document types it.
        TypeRef::Boolean => match v {
            Value::Bool(_) => Ok(v.clone()),
            Value::String(s) if s == "true" || s == "1" => Ok(Value::Bool(true)),
            Value::String(s) if s == "false" || s == "0" => Ok(Value::Bool(false)),
            _ => Err(Bad::Invalid),
        },
        // A JSON number is not text: the document types these fields as strings, and a
        // form body sends every value as text anyway (TESTING.md, "What the OpenAPI
        // document and the mock agree on").
        TypeRef::String | TypeRef::Time => match v {
            Value::String(_) => Ok(v.clone()),
            _ => Err(Bad::Invalid),
        },
        TypeRef::Date => match v.as_str().and_then(parse_date) {
            Some(d) => Ok(Value::String(d.format("%Y-%m-%d").to_string())),
            None => Err(Bad::Date),
        },
        // A request's timestamp is RFC 3339 (the document's `date-time`), as Harvest
        // documents it: a plain date or a time without its offset is refused.
        TypeRef::DateTime => match v.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()) {
            Some(t) => Ok(Value::String(fmt_datetime(t.with_timezone(&Utc)))),
            None => Err(Bad::Invalid),
        },
        TypeRef::Enum(e) => {
            let s = v.as_str().ok_or(Bad::Invalid)?;
            if plan.spec.enum_def(*e).values.iter().any(|x| x.wire == s) { Ok(v.clone()) } else { Err(Bad::Invalid) }
        }
        TypeRef::Json => Ok(v.clone()),
        TypeRef::Ref(_) => coerce(plan, &TypeRef::Id, v),
        TypeRef::Object(_) => {
            if v.is_object() {
                Ok(v.clone())
            } else {
                Err(Bad::Invalid)
            }
        }
        TypeRef::Array(inner) => {
            // A list is an array; form bodies send one as `roles[]=a&roles[]=b`.
            let Value::Array(items) = v else { return Err(Bad::Invalid) };
            items.iter().map(|x| coerce(plan, inner, x)).collect::<Result<Vec<_>, _>>().map(Value::Array)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_and_written_by_hand_agree_with_chrono() {
        for s in ["2026-03-02", "1999-12-31", "2024-02-29", "0001-01-01"] {
            assert_eq!(parse_iso_date(s), NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(), "{s}");
            let t = parse_iso_date(s).and_then(|d| d.and_hms_opt(13, 0, 0)).map(|d| d.and_utc());
            assert_eq!(t.map(fmt_date).as_deref(), Some(s), "{s} written back");
        }
        for bad in ["2026-02-30", "2026-13-01", "2026-3-02", "2026/03/02", "20260302", "2026-03-0x", ""] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
        assert_eq!(parse_date("20260302"), NaiveDate::from_ymd_opt(2026, 3, 2), "the compact form still reads");
    }

    proptest::proptest! {
        #[test]
        fn instants_written_by_hand_agree_with_chrono(secs in -70_000_000_000i64..300_000_000_000i64) {
            let t = DateTime::from_timestamp(secs, 0).unwrap_or_default();
            proptest::prop_assert_eq!(fmt_datetime(t), t.to_rfc3339_opts(SecondsFormat::Secs, true));
            proptest::prop_assert_eq!(fmt_date(t), t.date_naive().format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn instants_at_the_edges_of_four_digit_years_agree_with_chrono() {
        for (year, month, day, hms) in [(0, 1, 1, 0), (9999, 12, 31, 86_399), (10_000, 1, 1, 0), (-1, 12, 31, 86_399)] {
            let date = NaiveDate::from_ymd_opt(year, month, day).unwrap_or_else(|| panic!("{year}"));
            let t = date.and_hms_opt(0, 0, 0).map(|d| d.and_utc() + chrono::Duration::seconds(hms));
            let t = t.unwrap_or_else(|| panic!("{year}"));
            assert_eq!(fmt_datetime(t), t.to_rfc3339_opts(SecondsFormat::Secs, true), "{t:?}");
            assert_eq!(fmt_date(t), t.date_naive().format("%Y-%m-%d").to_string(), "{t:?}");
        }
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31).and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_000));
        let leap = leap.map(|t| t.and_utc()).unwrap_or_else(|| panic!("a leap second"));
        assert_eq!(fmt_datetime(leap), leap.to_rfc3339_opts(SecondsFormat::Secs, true), "a leap second");
    }
}

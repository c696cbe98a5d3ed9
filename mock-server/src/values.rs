//! Wire formats: dates, timestamps, decimals and coercion of request values.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use harvest_spec::ir::TypeRef;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

use crate::plan::Plan;

/// The current time in Harvest's format.
pub fn now() -> String {
    fmt_datetime(Utc::now())
}

/// Today's date in Harvest's format.
pub fn today() -> String {
    Utc::now().date_naive().format("%Y-%m-%d").to_string()
}

/// A timestamp in Harvest's format.
pub fn fmt_datetime(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses `YYYY-MM-DD` or `YYYYMMDD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
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

/// A number as the decimal it is written as (`2.675` is 2.675, not the
/// binary float just below it); `None` for NaN and infinities.
pub fn decimal(x: f64) -> Option<Decimal> {
    Decimal::from_str(&x.to_string()).ok().or_else(|| Decimal::from_f64(x))
}

/// Rounds money and hours to two decimals, halves away from zero, as Harvest does.
pub fn round_money(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// [`round_money`] for a number; NaN for a number no decimal amount holds
/// (NaN, infinities, beyond ±7.9e28), which [`dec`] turns into an invalid value.
pub fn round2(x: f64) -> f64 {
    decimal(x).map(round_money).and_then(|d| d.to_f64()).unwrap_or(f64::NAN)
}

/// A decimal as a JSON number, rounded to two decimals.
pub fn dec(x: f64) -> Value {
    serde_json::Number::from_f64(round2(x)).map(Value::Number).unwrap_or(Value::Null)
}

/// A decimal amount as a JSON number, rounded to two decimals.
pub fn money(d: Decimal) -> Value {
    round_money(d).to_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
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
            // Whole floats only, and only those an i64 holds (`as` would saturate 2^64 silently).
            Value::Number(n) => n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && (i64::MIN as f64..i64::MAX as f64).contains(f))
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
        .map(dec)
        .filter(Value::is_number)
        .ok_or(Bad::Invalid),
        TypeRef::Boolean => match v {
            Value::Bool(_) => Ok(v.clone()),
            Value::String(s) if s == "true" || s == "1" => Ok(Value::Bool(true)),
            Value::String(s) if s == "false" || s == "0" => Ok(Value::Bool(false)),
            Value::Number(n) if n.as_i64() == Some(1) => Ok(Value::Bool(true)),
            Value::Number(n) if n.as_i64() == Some(0) => Ok(Value::Bool(false)),
            _ => Err(Bad::Invalid),
        },
        TypeRef::String | TypeRef::Time => match v {
            Value::String(_) => Ok(v.clone()),
            Value::Number(n) => Ok(Value::String(n.to_string())),
            _ => Err(Bad::Invalid),
        },
        TypeRef::Date => match v.as_str().and_then(parse_date) {
            Some(d) => Ok(Value::String(d.format("%Y-%m-%d").to_string())),
            None => Err(Bad::Date),
        },
        TypeRef::DateTime => match v.as_str().and_then(parse_datetime) {
            Some(t) => Ok(Value::String(fmt_datetime(t))),
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
            let items: Vec<Value> = match v {
                Value::Array(a) => a.clone(),
                // Form bodies: `roles[]=a&roles[]=b` arrive as arrays, a lone value as one item.
                Value::String(s) if s.is_empty() => Vec::new(),
                other if !matches!(inner.as_ref(), TypeRef::Object(_)) => vec![other.clone()],
                _ => return Err(Bad::Invalid),
            };
            items.iter().map(|x| coerce(plan, inner, x)).collect::<Result<Vec<_>, _>>().map(Value::Array)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_rounds_half_up_on_the_written_decimal() {
        assert_eq!(round2(2.675), 2.68);
        assert_eq!(round2(1.005), 1.01);
        assert_eq!(round2(-2.675), -2.68);
        assert_eq!(round2(2.674), 2.67);
        assert_eq!(dec(0.1 + 0.2), Value::from(0.3));
        assert!(round2(f64::NAN).is_nan());
        assert!(round2(1e307).is_nan(), "out of range is invalid, not stored as is");
        assert_eq!(dec(f64::INFINITY), Value::Null);
    }
}

//! Money and hours as decimals: `2.675` is the decimal it is written as, not
//! the binary float just below it, and rounds half up to 2.68 as Harvest does.
//! Arithmetic saturates instead of overflowing, so absurd inputs give absurd
//! amounts, never a panic.

use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, Mul, Sub};
use std::str::FromStr;

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

/// An amount of money or hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Money(Decimal);

impl Money {
    /// Nothing.
    pub const ZERO: Money = Money(Decimal::ZERO);
    /// One.
    pub const ONE: Money = Money(Decimal::ONE);

    /// A number as the decimal it is written as; `None` for NaN, infinities
    /// and numbers beyond ±7.9e28.
    pub fn of(x: f64) -> Option<Money> {
        whole_cents(x).or_else(|| Self::written(x))
    }

    /// [`Money::of`] through the shortest text that reads back as `x`.
    fn written(x: f64) -> Option<Money> {
        Decimal::from_str(&x.to_string()).ok().or_else(|| Decimal::from_f64(x)).map(Money)
    }

    /// Rounded to two decimals, halves away from zero.
    pub fn round(self) -> Money {
        Money(self.0.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    /// Rounded, as a JSON number.
    pub fn to_value(self) -> Value {
        self.round().0.to_f64().and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
    }
}

impl From<i64> for Money {
    fn from(n: i64) -> Money {
        Money(Decimal::from(n))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
    }
}

impl Mul for Money {
    type Output = Money;
    fn mul(self, rhs: Money) -> Money {
        Money(self.0.saturating_mul(rhs.0))
    }
}

impl Div for Money {
    /// Zero when dividing by zero (no amount is divided by nothing on purpose).
    type Output = Money;
    fn div(self, rhs: Money) -> Money {
        Money(self.0.checked_div(rhs.0).unwrap_or_default())
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Product for Money {
    fn product<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ONE, Mul::mul)
    }
}

/// `x` as a decimal without formatting it, when it is a whole number of cents below 1e13:
/// most stored amounts are. Any decimal of at most 15 significant digits is the only one
/// of that length to read back as its float, so the shortest text of `x` is these cents.
fn whole_cents(x: f64) -> Option<Money> {
    if x.is_nan() || x.abs() >= 1e13 || (x == 0.0 && x.is_sign_negative()) {
        return None;
    }
    let cents = (x * 100.0).round();
    // `cents` is below 1e15, so the conversion is exact.
    (cents / 100.0 == x).then(|| Money(Decimal::new(cents as i64, 2).normalize()))
}

/// A number rounded as money; NaN for a number no decimal holds (NaN,
/// infinities, beyond ±7.9e28), which [`dec`] turns into an invalid value.
pub fn round2(x: f64) -> f64 {
    // Seeding rounds millions of numbers: away from a half cent the float
    // rounding is exact; only near one does the written decimal decide.
    let cents = x * 100.0;
    if x.is_finite() && x.abs() < 1e13 && (cents - cents.floor() - 0.5).abs() > 0.01 {
        return cents.round() / 100.0;
    }
    exact_round2(x)
}

/// [`round2`] through the decimal the number is written as.
fn exact_round2(x: f64) -> f64 {
    Money::of(x).and_then(|m| m.round().0.to_f64()).unwrap_or(f64::NAN)
}

/// A number as a JSON number rounded as money (`null` when no decimal holds it).
pub fn dec(x: f64) -> Value {
    serde_json::Number::from_f64(round2(x)).map(Value::Number).unwrap_or(Value::Null)
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

    #[test]
    fn the_fast_rounding_agrees_with_the_exact_one() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for i in 0..200_000u64 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            // Whole cents, thousandths, quarter hours, odd magnitudes, negatives.
            let x = match i % 4 {
                0 => (seed >> 40) as f64 / 100.0,
                1 => (seed >> 40) as f64 / 1000.0,
                2 => (seed >> 50) as f64 * 0.25,
                _ => -((seed >> 20) as f64) / 7.0,
            };
            assert_eq!(round2(x).to_bits(), exact_round2(x).to_bits(), "{x}");
        }
    }

    #[test]
    fn whole_cents_read_as_the_decimal_they_are_written_as() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for i in 0..200_000u64 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let x = match i % 5 {
                0 => (seed >> 40) as f64 / 100.0,
                1 => -((seed >> 14) as f64) / 100.0,
                2 => (seed >> 50) as f64 * 0.25,
                3 => (seed >> 30) as f64 / 1000.0,
                _ => f64::from_bits(seed),
            };
            let (fast, slow) = (Money::of(x), Money::written(x));
            assert_eq!(fast, slow, "{x}");
            // Same value and the same scale: nothing downstream can tell the two apart.
            assert_eq!(fast.map(|m| m.0.to_string()), slow.map(|m| m.0.to_string()), "{x}");
        }
        for x in [0.0, -0.0, 1.5, 100.0, 9_999_999_999_999.99, 1e13, -1e13, 0.1 + 0.2, f64::NAN] {
            assert_eq!(Money::of(x).map(|m| m.0.to_string()), Money::written(x).map(|m| m.0.to_string()), "{x}");
        }
    }

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        let huge = Money::of(7e28).unwrap_or_default();
        assert!(huge * huge >= huge);
        assert!(huge + huge >= huge);
        assert!(Money::ZERO - huge - huge <= Money::ZERO - huge);
        assert_eq!(huge / Money::ZERO, Money::ZERO);
        assert_eq!(
            [Money::of(0.1), Money::of(0.2)].into_iter().flatten().sum::<Money>(),
            Money::of(0.3).unwrap_or_default()
        );
    }
}

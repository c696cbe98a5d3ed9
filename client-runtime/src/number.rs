//! Decimals written as JSON numbers, the way Harvest sends them, without touching how
//! `Decimal` serialises anywhere else in the program.
//!
//! Generated fields holding decimals carry `#[serde(serialize_with = "rt::number::serialize")]`;
//! reading needs nothing, since `Decimal` already accepts numbers and strings.

use serde::Serializer;

use crate::{Decimal, Patch};

/// A value whose decimals are written as JSON numbers.
pub trait AsNumber {
    /// Writes the value with every decimal as a number.
    fn serialize_number<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

impl AsNumber for Decimal {
    fn serialize_number<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let value =
            f64::try_from(*self).map_err(|_| serde::ser::Error::custom(format!("{self} is not a finite f64")))?;
        s.serialize_f64(value)
    }
}

impl<T: AsNumber> AsNumber for Option<T> {
    fn serialize_number<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => s.serialize_some(&Number(value)),
            None => s.serialize_none(),
        }
    }
}

impl<T: AsNumber> AsNumber for Patch<T> {
    fn serialize_number<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Value(value) => s.serialize_some(&Number(value)),
            Patch::Unset | Patch::Null => s.serialize_none(),
        }
    }
}

impl<T: AsNumber> AsNumber for Vec<T> {
    fn serialize_number<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Number))
    }
}

/// Borrows a value so that it serialises through [`AsNumber`].
struct Number<'a, T>(&'a T);

impl<T: AsNumber> serde::Serialize for Number<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_number(s)
    }
}

/// The `serialize_with` target of generated decimal fields.
pub fn serialize<T: AsNumber, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    value.serialize_number(s)
}

//! One stored field value. A `serde_json::Value` costs 80 bytes (with
//! `preserve_order`) whatever it holds; stored fields are almost always
//! scalars and short strings (dates, states, codes), so a cell keeps those
//! inline in 16 bytes and puts the rest behind one thin pointer.

use std::cmp::Ordering;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Number, Value};

/// A stored field value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// JSON `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// Any other number (rendered the way `serde_json` renders an `f64`).
    Float(f64),
    /// A string of at most 14 bytes, inline.
    Short(Short),
    /// A string of 15 to 23 bytes (a timestamp), in one small allocation.
    Medium(Box<Medium>),
    /// A longer string (boxed twice so the pointer, and the cell, stay small).
    #[allow(clippy::redundant_allocation)]
    Long(Box<Box<str>>),
    /// Arrays, objects and integers beyond `i64`, kept as JSON.
    Json(Box<Value>),
}

impl Cell {
    /// The integer, when the cell holds one (like [`Value::as_i64`]).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            Cell::Json(v) => v.as_i64(),
            _ => None,
        }
    }

    /// The number as a float, when the cell holds a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Float(f) => Some(*f),
            Cell::Json(v) => v.as_f64(),
            _ => None,
        }
    }

    /// A string cell.
    pub fn string(s: &str) -> Cell {
        if let Some(short) = Short::new(s) {
            Cell::Short(short)
        } else if let Some(medium) = Medium::new(s) {
            Cell::Medium(Box::new(medium))
        } else {
            Cell::Long(Box::new(s.into()))
        }
    }

    /// A string cell that keeps `s`'s allocation when the string is long (no copy when
    /// it was built to size; [`Cell::string`] copies).
    pub fn owned_string(s: String) -> Cell {
        if s.len() <= MEDIUM_MAX { Cell::string(&s) } else { Cell::Long(Box::new(s.into_boxed_str())) }
    }

    /// The string's bytes, when the cell holds one (no UTF-8 check: for comparing).
    pub fn str_bytes(&self) -> Option<&[u8]> {
        match self {
            Cell::Short(s) => Some(s.bytes()),
            Cell::Medium(s) => Some(s.bytes()),
            Cell::Long(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// The string, when the cell holds one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Cell::Short(s) => Some(s.as_str()),
            Cell::Medium(s) => Some(s.as_str()),
            Cell::Long(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when the cell holds one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Cell::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether the cell is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }

    /// The array, when the cell holds one.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Cell::Json(v) => v.as_array(),
            _ => None,
        }
    }

    /// Orders the cell against a JSON value the way list filters and sorts
    /// compare fields: null first, numbers by value, strings by bytes, a number
    /// against a string by its text; `None` when the two cannot be compared.
    pub fn cmp_value(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Cell::Json(v), _) => cmp_json(v, other),
            (Cell::Null, Value::Null) => Some(Ordering::Equal),
            (Cell::Null, _) => Some(Ordering::Less),
            (_, Value::Null) => Some(Ordering::Greater),
            (Cell::Short(_) | Cell::Medium(_) | Cell::Long(_), Value::String(y)) => {
                Some(self.str_bytes()?.cmp(y.as_bytes()))
            }
            (Cell::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
            (Cell::Int(i), Value::Number(n)) => match n.as_i64() {
                Some(j) => Some(i.cmp(&j)),
                None => (*i as f64).partial_cmp(&n.as_f64()?),
            },
            (Cell::Float(f), Value::Number(n)) => f.partial_cmp(&n.as_f64()?),
            (Cell::Short(_) | Cell::Medium(_) | Cell::Long(_), Value::Number(n)) => {
                Some(self.as_str()?.cmp(n.to_string().as_str()))
            }
            (Cell::Int(_) | Cell::Float(_), Value::String(y)) => Some(self.to_value().to_string().cmp(y)),
            _ => None,
        }
    }

    /// Orders two cells of the same field (see [`Cell::cmp_value`]).
    pub fn cmp_cell(&self, other: &Cell) -> Option<Ordering> {
        match (self, other) {
            (Cell::Short(_) | Cell::Medium(_) | Cell::Long(_), Cell::Short(_) | Cell::Medium(_) | Cell::Long(_)) => {
                Some(self.str_bytes()?.cmp(other.str_bytes()?))
            }
            (Cell::Int(i), Cell::Int(j)) => Some(i.cmp(j)),
            (Cell::Null, Cell::Null) => Some(Ordering::Equal),
            (Cell::Null, _) => Some(Ordering::Less),
            (_, Cell::Null) => Some(Ordering::Greater),
            _ => self.cmp_value(&other.to_value()),
        }
    }

    /// The cell as JSON.
    pub fn to_value(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Int(i) => Value::from(*i),
            Cell::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Cell::Short(_) | Cell::Medium(_) | Cell::Long(_) => {
                Value::String(self.as_str().unwrap_or_default().to_string())
            }
            Cell::Json(v) => (**v).clone(),
        }
    }
}

impl From<Value> for Cell {
    fn from(v: Value) -> Cell {
        match v {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(b),
            Value::Number(n) => match (n.as_i64(), n.is_f64()) {
                (Some(i), _) => Cell::Int(i),
                (None, true) => n.as_f64().map_or(Cell::Null, Cell::Float),
                (None, false) => Cell::Json(Box::new(Value::Number(n))),
            },
            Value::String(s) => Cell::owned_string(s),
            other => Cell::Json(Box::new(compact(other))),
        }
    }
}

impl Cell {
    /// A cell holding `v` as it is: for values built to size (collected from exact-size
    /// iterators), which [`Cell::from`] would otherwise copy to drop their spare room.
    pub fn from_sized(v: Value) -> Cell {
        match v {
            Value::Array(_) | Value::Object(_) => Cell::Json(Box::new(v)),
            other => Cell::from(other),
        }
    }
}

/// `v` with every array and object holding no more room than its items take: a value
/// built by inserting grows its maps by doubling, and stored values are kept for good.
fn compact(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.into_iter().map(compact).collect()),
        Value::Object(fields) => Value::Object(fields.into_iter().map(|(k, v)| (k, compact(v))).collect()),
        other => other,
    }
}

impl From<&Value> for Cell {
    fn from(v: &Value) -> Cell {
        match v {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::String(s) => Cell::string(s),
            other => Cell::from(other.clone()),
        }
    }
}

impl From<i64> for Cell {
    fn from(i: i64) -> Cell {
        Cell::Int(i)
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::string(&s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::string(s)
    }
}

impl PartialEq<Value> for Cell {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Cell::Null, Value::Null) => true,
            (Cell::Bool(a), Value::Bool(b)) => a == b,
            (Cell::Short(_) | Cell::Medium(_) | Cell::Long(_), Value::String(b)) => self.as_str() == Some(b.as_str()),
            (Cell::Int(a), Value::Number(b)) => b.as_i64() == Some(*a),
            (Cell::Float(a), Value::Number(b)) => b.is_f64() && b.as_f64() == Some(*a),
            (Cell::Json(a), b) => **a == *b,
            _ => false,
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Null => s.serialize_unit(),
            Cell::Bool(b) => s.serialize_bool(*b),
            Cell::Int(i) => s.serialize_i64(*i),
            Cell::Float(f) => s.serialize_f64(*f),
            Cell::Short(_) | Cell::Medium(_) | Cell::Long(_) => s.serialize_str(self.as_str().unwrap_or_default()),
            Cell::Json(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        Value::deserialize(d).map(Cell::from)
    }
}

/// A string of up to `N` bytes in a fixed array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packed<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

/// A string of up to 14 bytes, stored inside the cell.
pub type Short = Packed<14>;

/// A string of up to 23 bytes, such as a timestamp: 24 bytes in one allocation where a
/// [`Cell::Long`] takes two.
pub type Medium = Packed<MEDIUM_MAX>;

/// The longest string a [`Medium`] holds.
const MEDIUM_MAX: usize = 23;

impl<const N: usize> Packed<N> {
    /// `s`, when it fits.
    fn new(s: &str) -> Option<Packed<N>> {
        let len = s.len();
        let mut bytes = [0; N];
        bytes.get_mut(..len)?.copy_from_slice(s.as_bytes());
        Some(Packed { len: u8::try_from(len).ok()?, bytes })
    }

    /// The string's bytes.
    fn bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// The string.
    fn as_str(&self) -> &str {
        // Always valid: the bytes were copied from a whole `&str`.
        std::str::from_utf8(self.bytes()).unwrap_or_default()
    }
}

/// Orders two JSON values of the same field (see [`Cell::cmp_value`]).
pub fn cmp_json(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        (Value::Null, _) => Some(Ordering::Less),
        (_, Value::Null) => Some(Ordering::Greater),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => Some(i.cmp(&j)),
            _ => x.as_f64().zip(y.as_f64()).and_then(|(i, j)| i.partial_cmp(&j)),
        },
        (Value::Number(x), Value::String(y)) => Some(x.to_string().cmp(y)),
        (Value::String(x), Value::Number(y)) => Some(x.cmp(&y.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_cell_is_small() {
        assert_eq!(std::mem::size_of::<Option<Cell>>(), 16);
    }

    #[test]
    fn short_strings_stay_inline_and_long_ones_do_not() {
        assert!(matches!(Cell::from("2025-01-01"), Cell::Short(_)));
        assert!(matches!(Cell::from("exactly14bytes"), Cell::Short(_)));
        assert!(matches!(Cell::from("fifteen bytes!!"), Cell::Medium(_)));
        assert!(matches!(Cell::from("2025-07-15T09:55:19Z"), Cell::Medium(_)));
        assert!(matches!(Cell::from("twenty-three bytes long"), Cell::Medium(_)));
        assert!(matches!(Cell::from("twenty-four bytes long!!"), Cell::Long(_)));
        assert!(matches!(Cell::from("ünïcödé"), Cell::Short(_)));
        for s in [
            "",
            "a",
            "exactly14bytes",
            "fifteen bytes!!",
            "2025-07-15T09:55:19Z",
            "ünïcödé ✓✓",
            "twenty-four bytes long!!",
        ] {
            assert_eq!(Cell::from(s).as_str(), Some(s));
        }
    }

    #[test]
    fn stored_json_keeps_its_keys_in_order() {
        let mut built = serde_json::Map::new();
        for (i, key) in ["zeta", "alpha", "mid", "beta", "omega", "gamma"].iter().enumerate() {
            built.insert((*key).to_string(), json!([i, {"b": 1, "a": 2}]));
        }
        let v = Value::Object(built);
        assert_eq!(Cell::from(v.clone()).to_value().to_string(), v.to_string());
    }

    #[test]
    fn values_survive_the_round_trip() {
        for v in [
            json!(null),
            json!(true),
            json!(-7),
            json!(7.0),
            json!(7.25),
            json!(u64::MAX),
            json!("2025-01-01"),
            json!("2025-07-15T09:55:19Z"),
            json!([1, "a"]),
            json!({"id": 1, "name": "x"}),
        ] {
            let cell = Cell::from(v.clone());
            assert_eq!(cell.to_value(), v, "{v}");
            assert_eq!(cell, v);
            assert_eq!(serde_json::to_string(&cell).unwrap_or_default(), v.to_string());
        }
    }

    #[test]
    fn cells_order_like_their_json() {
        let samples =
            [json!(null), json!(false), json!(true), json!(-3), json!(2), json!(2.5), json!("2025-01-01"), json!("b")];
        for a in &samples {
            for b in &samples {
                assert_eq!(Cell::from(a).cmp_value(b), cmp_json(a, b), "{a} vs {b}");
                assert_eq!(Cell::from(a).cmp_cell(&Cell::from(b)), cmp_json(a, b), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn floats_and_integers_stay_apart() {
        assert_eq!(Cell::from(json!(7.0)), Cell::Float(7.0));
        assert_eq!(Cell::from(json!(7)), Cell::Int(7));
        assert_eq!(Cell::from(json!(7.0)).as_i64(), None);
        assert_eq!(Cell::from(json!(7)).as_f64(), Some(7.0));
    }
}

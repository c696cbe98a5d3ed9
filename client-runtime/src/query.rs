//! How values become query-string text.

use crate::{Date, DateTime, Decimal, Json};

/// A value that can be sent as a query parameter.
pub trait QueryValue {
    /// The text sent on the wire.
    fn to_query(&self) -> String;
}

macro_rules! display_query {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_query!(i64, i32, u32, u64, bool, String, str, Decimal, Date);

impl QueryValue for DateTime {
    fn to_query(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

impl QueryValue for Json {
    fn to_query(&self) -> String {
        match self {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn to_query(&self) -> String {
        self.iter().map(QueryValue::to_query).collect::<Vec<_>>().join(",")
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query(&self) -> String {
        (**self).to_query()
    }
}

//! What a request carries before it is sent, and how values become query strings.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Date, DateTime, Decimal, Error, Json, Method};

/// Per-request settings that override the client's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Total timeout of one attempt.
    pub timeout: Option<Duration>,
    /// `Some(true)` retries even a non-idempotent request; `Some(false)` never retries.
    pub retry: Option<bool>,
}

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Relative to the base URL (`/clients/5`).
    Path(String),
    /// An absolute URL used verbatim (a `links.next` value).
    Url(String),
}

/// A request ready for [`Core::execute`](super::Core::execute).
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) target: Target,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) idempotent: bool,
    pub(crate) options: RequestOptions,
}

impl Request {
    /// A request to `path` (relative to the base URL, or an absolute `http(s)://` URL).
    pub fn new(method: Method, path: String, idempotent: bool) -> Self {
        let target = if path.starts_with("http://") || path.starts_with("https://") {
            Target::Url(path)
        } else {
            Target::Path(path)
        };
        Request { method, target, query: Vec::new(), body: None, idempotent, options: RequestOptions::default() }
    }

    /// Adds a query parameter.
    pub fn query(&mut self, name: &str, value: String) {
        self.query.push((name.to_owned(), value));
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        self.body = Some(serde_json::to_vec(body).map_err(Error::Encode)?);
        Ok(())
    }

    /// Sets the per-request options.
    pub fn options(&mut self, options: RequestOptions) {
        self.options = options;
    }
}

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

/// A request field that can be left unchanged, cleared, or set (PATCH semantics).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Not sent: the server keeps its value.
    #[default]
    Unset,
    /// Sent as `null`: the server clears the value.
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Patch<T> {
    /// True when the field is left out of the request.
    pub fn is_unset(&self) -> bool {
        matches!(self, Patch::Unset)
    }

    /// The value, if one is set.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<Option<T>> for Patch<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Patch::Value(v),
            None => Patch::Null,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Value(v) => s.serialize_some(v),
            Patch::Unset | Patch::Null => s.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.into())
    }
}

//! What a request carries before it is sent.

use std::time::Duration;

use serde::Serialize;

use crate::{Error, Method, QueryValue, Upload};

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

/// A request body as set, before files turn it into `multipart/form-data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    /// A JSON document.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded` fields.
    Form(Vec<(String, String)>),
}

/// Which service a request goes to, and so which headers it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// The API: token, account header, rate limiter.
    Api,
    /// Harvest ID's account list: the bearer token only.
    HarvestId,
}

/// A request ready for [`Core::execute`](crate::Core::execute).
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) target: Target,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<Body>,
    pub(crate) files: Vec<(String, Upload)>,
    pub(crate) service: Service,
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
        Request {
            method,
            target,
            query: Vec::new(),
            body: None,
            files: Vec::new(),
            service: Service::Api,
            idempotent,
            options: RequestOptions::default(),
        }
    }

    /// Adds a query parameter.
    pub fn query(&mut self, name: &str, value: String) {
        self.query.push((name.to_owned(), value));
    }

    /// Adds a query parameter when it is set.
    pub fn query_opt<V: QueryValue>(&mut self, name: &str, value: &Option<V>) {
        if let Some(value) = value {
            self.query(name, value.to_query());
        }
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        self.body = Some(Body::Json(serde_json::to_vec(body).map_err(Error::Encode)?));
        Ok(())
    }

    /// Sets a form-encoded body (`application/x-www-form-urlencoded`).
    pub fn form(&mut self, fields: Vec<(String, String)>) {
        self.body = Some(Body::Form(fields));
    }

    /// Attaches a file under the form field `field`. A request with files goes as
    /// `multipart/form-data`: the body's fields (JSON or form) as form fields, then the files.
    pub fn upload(&mut self, field: &str, file: Upload) {
        self.files.push((field.to_owned(), file));
    }

    /// Sets the per-request options.
    pub fn options(&mut self, options: RequestOptions) {
        self.options = options;
    }
}

/// A body ready to send: its `Content-Type` and bytes.
pub(crate) struct Encoded {
    pub(crate) content_type: String,
    pub(crate) bytes: bytes::Bytes,
}

impl Request {
    /// The body as it goes on the wire, once per request (retries resend the same bytes).
    pub(crate) fn encode_body(&self) -> Result<Option<Encoded>, Error> {
        if !self.files.is_empty() {
            let fields = match &self.body {
                None => Vec::new(),
                Some(Body::Form(fields)) => fields.clone(),
                Some(Body::Json(bytes)) => {
                    crate::multipart::form_fields(&serde_json::from_slice(bytes).map_err(Error::Encode)?)?
                }
            };
            let (content_type, bytes) = crate::multipart::encode(&fields, &self.files)?;
            return Ok(Some(Encoded { content_type, bytes: bytes.into() }));
        }
        Ok(match &self.body {
            None => None,
            Some(Body::Json(bytes)) => {
                Some(Encoded { content_type: "application/json".into(), bytes: bytes.clone().into() })
            }
            Some(Body::Form(fields)) => {
                let text = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
                Some(Encoded { content_type: "application/x-www-form-urlencoded".into(), bytes: text.into() })
            }
        })
    }
}

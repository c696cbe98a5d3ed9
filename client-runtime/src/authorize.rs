//! The Harvest ID consent page address an application sends its user to (OAuth2 authorize).

use crate::Error;
use crate::identity::{AUTHORIZE_PATH, HARVEST_ID_URL};

/// Which OAuth2 flow a consent starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseType {
    /// The redirect carries a `code` to exchange with
    /// [`HarvestId::exchange_code`](crate::HarvestId::exchange_code) (server-side apps).
    #[default]
    Code,
    /// The redirect carries the access token in its fragment (implicit flow, browser apps).
    Token,
}

impl ResponseType {
    fn as_str(self) -> &'static str {
        match self {
            ResponseType::Code => "code",
            ResponseType::Token => "token",
        }
    }
}

/// The address of Harvest ID's consent page for one application, built with setters:
/// `AuthorizeUrl::new(client_id).redirect_uri(..).state(..).build()`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "an authorize URL does nothing until it is built and visited"]
pub struct AuthorizeUrl {
    identity_url: String,
    client_id: String,
    response_type: ResponseType,
    redirect_uri: Option<String>,
    state: Option<String>,
    scope: Option<String>,
}

impl AuthorizeUrl {
    /// The code flow for `client_id` on [`HARVEST_ID_URL`].
    pub fn new(client_id: impl Into<String>) -> Self {
        AuthorizeUrl {
            identity_url: HARVEST_ID_URL.to_owned(),
            client_id: client_id.into(),
            response_type: ResponseType::Code,
            redirect_uri: None,
            state: None,
            scope: None,
        }
    }

    /// The Harvest ID origin (the mock server's origin in tests).
    pub fn identity_url(mut self, url: impl Into<String>) -> Self {
        self.identity_url = url.into();
        self
    }

    /// The flow: [`ResponseType::Code`] (default) or [`ResponseType::Token`].
    pub fn response_type(mut self, response_type: ResponseType) -> Self {
        self.response_type = response_type;
        self
    }

    /// Where Harvest ID sends the user back; must be the application's registered one.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// An opaque value the redirect hands back unchanged (to tie it to this request).
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// The access asked for (`harvest:ACCOUNT_ID`, `all`); Harvest ID's default when unset.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// The URL, with every parameter percent-encoded; an error when the origin is not a URL.
    pub fn build(&self) -> Result<String, Error> {
        let text = format!("{}{AUTHORIZE_PATH}", self.identity_url.trim_end_matches('/'));
        let mut url = url::Url::parse(&text).map_err(|e| Error::Url { url: text.clone(), message: e.to_string() })?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("client_id", &self.client_id).append_pair("response_type", self.response_type.as_str());
            let optional = [("redirect_uri", &self.redirect_uri), ("state", &self.state), ("scope", &self.scope)];
            for (name, value) in optional {
                if let Some(value) = value {
                    query.append_pair(name, value);
                }
            }
        }
        Ok(url.into())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn the_code_flow_url_carries_every_parameter_encoded() {
        let url = AuthorizeUrl::new("app id")
            .redirect_uri("https://app.example/cb?x=1")
            .state("a&b")
            .scope("harvest:1")
            .build()
            .unwrap();
        assert_eq!(
            url,
            "https://id.getharvest.com/oauth2/authorize?client_id=app+id&response_type=code\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1&state=a%26b&scope=harvest%3A1"
        );
    }

    #[test]
    fn the_implicit_flow_on_another_origin() {
        let url = AuthorizeUrl::new("app")
            .identity_url("http://127.0.0.1:9/")
            .response_type(ResponseType::Token)
            .build()
            .unwrap();
        assert_eq!(url, "http://127.0.0.1:9/oauth2/authorize?client_id=app&response_type=token");
        assert!(matches!(AuthorizeUrl::new("app").identity_url("not a url").build(), Err(Error::Url { .. })));
    }
}

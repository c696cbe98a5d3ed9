//! Which token a request carries: none, a personal access token, or an OAuth token that
//! is renewed when Harvest refuses it.

use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::Error;
use crate::token_source::TokenSource;

/// How a client authenticates.
pub(crate) enum Auth {
    /// No token is sent.
    None,
    /// The same personal access token on every request (`Bearer …`).
    Personal(HeaderValue),
    /// OAuth tokens from Harvest ID.
    OAuthTokens(Arc<TokenSource>),
}

/// The token one attempt sends.
#[derive(Debug, Clone)]
pub(crate) struct Credential {
    /// The header value, when there is a token.
    pub(crate) value: Option<HeaderValue>,
    /// The OAuth generation of the token, when it came from Harvest ID.
    generation: Option<u64>,
}

impl Auth {
    /// The token to send with the next attempt.
    pub(crate) async fn credential(&self) -> Result<Credential, Error> {
        Ok(match self {
            Auth::None => Credential { value: None, generation: None },
            Auth::Personal(value) => Credential { value: Some(value.clone()), generation: None },
            Auth::OAuthTokens(source) => {
                let issued = source.token().await?;
                Credential { value: Some(issued.value), generation: Some(issued.generation) }
            }
        })
    }

    /// After Harvest refused `used` as an invalid token: gets a newer token when this is
    /// OAuth (true: send again), or says there is nothing to renew (false).
    pub(crate) async fn renew(&self, used: &Credential) -> Result<bool, Error> {
        match (self, used.generation) {
            (Auth::OAuthTokens(source), Some(generation)) => source.replace(generation).await.map(|_| true),
            _ => Ok(false),
        }
    }
}

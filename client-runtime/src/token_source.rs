//! The OAuth access token of one client: handed to every request, replaced before it
//! expires or after Harvest refuses it, one refresh at a time.
//!
//! Every token carries a generation number. A request that needs a new token says which
//! generation it found wanting; whoever holds the refresh lock first refreshes, and the
//! others, once they get the lock, see a newer generation and take that token instead of
//! refreshing again. A refresh abandoned half-way (its request dropped) releases the lock
//! with the generation unchanged, so the next waiter refreshes.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;

use crate::oauth::OnRefresh;
use crate::{Error, HarvestId, OAuth, OAuthApp};

/// A token to send, and the generation it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    /// `Bearer <token>`, marked sensitive.
    pub(crate) value: HeaderValue,
    /// Which refresh produced it (0: the configured one).
    pub(crate) generation: u64,
}

struct Current {
    value: HeaderValue,
    /// When to replace it before use; `None` when its lifetime is unknown.
    renew_at: Option<Instant>,
}

struct State {
    current: Option<Current>,
    refresh_token: String,
    generation: u64,
}

/// The token holder behind `Auth::OAuthTokens`.
pub(crate) struct TokenSource {
    harvest_id: HarvestId,
    app: OAuthApp,
    margin: Duration,
    on_refresh: Option<OnRefresh>,
    state: Mutex<State>,
    refreshing: tokio::sync::Mutex<()>,
}

/// `Bearer <token>` as a sensitive header value.
pub(crate) fn bearer(token: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| Error::Config("the token is not a valid header value".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

impl TokenSource {
    /// A holder for `oauth`, refreshing through `harvest_id`.
    pub(crate) fn new(oauth: OAuth, harvest_id: HarvestId) -> Result<Self, Error> {
        let current = match &oauth.access_token {
            Some((token, lifetime)) => {
                Some(Current { value: bearer(token)?, renew_at: Self::renew_at(oauth.margin, *lifetime) })
            }
            None => None,
        };
        Ok(TokenSource {
            harvest_id,
            app: oauth.app,
            margin: oauth.margin,
            on_refresh: oauth.on_refresh,
            state: Mutex::new(State { current, refresh_token: oauth.refresh_token, generation: 0 }),
            refreshing: tokio::sync::Mutex::new(()),
        })
    }

    /// When a token living `lifetime` from now is due for replacement: `margin` before it
    /// expires, but no earlier than half-way.
    fn renew_at(margin: Duration, lifetime: Option<Duration>) -> Option<Instant> {
        lifetime.map(|lifetime| Instant::now() + lifetime - margin.min(lifetime / 2))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is replaced whole under the lock, so a panic elsewhere cannot leave it torn.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The token to send now, refreshed first when there is none or it is due.
    pub(crate) async fn token(&self) -> Result<Issued, Error> {
        let generation = {
            let state = self.state();
            match &state.current {
                Some(current) if current.renew_at.is_none_or(|at| Instant::now() < at) => {
                    return Ok(Issued { value: current.value.clone(), generation: state.generation });
                }
                _ => state.generation,
            }
        };
        self.replace(generation).await
    }

    /// A token newer than generation `stale`: the one another request already got, or a
    /// fresh one from Harvest ID.
    pub(crate) async fn replace(&self, stale: u64) -> Result<Issued, Error> {
        let _turn = self.refreshing.lock().await;
        let refresh_token = {
            let state = self.state();
            if let Some(current) = state.current.as_ref().filter(|_| state.generation != stale) {
                return Ok(Issued { value: current.value.clone(), generation: state.generation });
            }
            state.refresh_token.clone()
        };
        let refreshed = self.harvest_id.boxed_refresh(&self.app, &refresh_token).await;
        let tokens = refreshed.map_err(|e| Error::Refresh(Box::new(e)))?;
        let value = bearer(&tokens.access_token).map_err(|e| Error::Refresh(Box::new(e)))?;
        let generation = {
            let mut state = self.state();
            state.generation += 1;
            state.current =
                Some(Current { value: value.clone(), renew_at: Self::renew_at(self.margin, Some(tokens.lifetime())) });
            if !tokens.refresh_token.is_empty() {
                state.refresh_token.clone_from(&tokens.refresh_token);
            }
            state.generation
        };
        if let Some(callback) = &self.on_refresh {
            callback(&tokens);
        }
        Ok(Issued { value, generation })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lived_tokens_are_renewed_half_way_and_long_ones_a_margin_early() {
        let margin = Duration::from_secs(300);
        let now = Instant::now();
        let short = TokenSource::renew_at(margin, Some(Duration::from_secs(10))).unwrap_or(now);
        assert!(short >= now + Duration::from_secs(5) && short < now + Duration::from_secs(6));
        let long = TokenSource::renew_at(margin, Some(Duration::from_secs(3600))).unwrap_or(now);
        assert!(long >= now + Duration::from_secs(3300) && long < now + Duration::from_secs(3301));
        assert_eq!(TokenSource::renew_at(margin, None), None);
    }
}

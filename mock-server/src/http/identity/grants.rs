//! What Harvest ID has handed out: authorization codes, access tokens and
//! refresh tokens, each tied to a client, a user and an account.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::Rng;

/// How long an authorization code can be exchanged.
pub const CODE_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// One consent: who approved which client, for which account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The OAuth client.
    pub client_id: String,
    /// The user who approved.
    pub user: i64,
    /// The account the tokens reach.
    pub account: i64,
    /// The scope granted (`harvest:ACCOUNT_ID`).
    pub scope: String,
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub struct Code {
    /// The consent it carries.
    pub grant: Grant,
    /// The `redirect_uri` of the authorize call, which the exchange must repeat.
    pub redirect_uri: Option<String>,
    /// When it was issued.
    pub issued: Instant,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct Access {
    /// The consent behind it.
    pub grant: Grant,
    /// When it stops working.
    pub expires: Instant,
}

/// Everything issued so far.
#[derive(Debug, Default)]
pub struct Grants {
    codes: Mutex<HashMap<String, Code>>,
    access: Mutex<HashMap<String, Access>>,
    refresh: Mutex<HashMap<String, Grant>>,
}

/// A random token of 48 hex digits.
pub fn fresh() -> String {
    let mut rng = rand::thread_rng();
    (0..48).map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)])).collect()
}

impl Grants {
    /// Issues an authorization code for `grant`.
    pub fn code(&self, grant: Grant, redirect_uri: Option<String>) -> String {
        let code = fresh();
        if let Ok(mut codes) = self.codes.lock() {
            codes.retain(|_, c| c.issued.elapsed() < CODE_LIFETIME);
            codes.insert(code.clone(), Code { grant, redirect_uri, issued: Instant::now() });
        }
        code
    }

    /// Takes a code out (codes are single-use); `None` when unknown, used or expired.
    pub fn redeem(&self, code: &str) -> Option<Code> {
        let taken = self.codes.lock().ok()?.remove(code)?;
        (taken.issued.elapsed() < CODE_LIFETIME).then_some(taken)
    }

    /// Issues an access token living `ttl`, and a refresh token that stays valid after use.
    pub fn tokens(&self, grant: &Grant, ttl: Duration) -> (String, String) {
        let (access, refresh) = (fresh(), fresh());
        if let Ok(mut a) = self.access.lock() {
            let now = Instant::now();
            a.retain(|_, t| t.expires > now);
            a.insert(access.clone(), Access { grant: grant.clone(), expires: now + ttl });
        }
        if let Ok(mut r) = self.refresh.lock() {
            r.insert(refresh.clone(), grant.clone());
        }
        (access, refresh)
    }

    /// A personal access token acting as `user` on `account`; it does not expire.
    pub fn personal(&self, user: i64, account: i64) -> String {
        let grant = Grant { client_id: String::new(), user, account, scope: format!("harvest:{account}") };
        let token = fresh();
        if let Ok(mut a) = self.access.lock() {
            let forever = Instant::now() + Duration::from_secs(100 * 365 * 24 * 3600);
            a.insert(token.clone(), Access { grant, expires: forever });
        }
        token
    }

    /// The consent behind a refresh token.
    pub fn refreshed(&self, token: &str) -> Option<Grant> {
        self.refresh.lock().ok()?.get(token).cloned()
    }

    /// The access token, if Harvest ID issued it (expired or not).
    pub fn access(&self, token: &str) -> Option<Access> {
        self.access.lock().ok()?.get(token).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> Grant {
        Grant { client_id: "app".into(), user: 7, account: 1, scope: "harvest:1".into() }
    }

    #[test]
    fn a_code_is_redeemed_once() {
        let g = Grants::default();
        let code = g.code(grant(), None);
        assert_eq!(g.redeem(&code).map(|c| c.grant), Some(grant()));
        assert!(g.redeem(&code).is_none(), "a code is single-use");
        assert!(g.redeem("made-up").is_none());
    }

    #[test]
    fn a_refresh_token_keeps_working_and_access_tokens_expire() {
        let g = Grants::default();
        let (access, refresh) = g.tokens(&grant(), Duration::ZERO);
        assert!(g.access(&access).is_some_and(|a| a.expires <= Instant::now()), "a zero TTL is already expired");
        assert_eq!(g.refreshed(&refresh), Some(grant()));
        assert_eq!(g.refreshed(&refresh), Some(grant()), "still valid after use");
        assert_ne!(access, refresh);
    }
}

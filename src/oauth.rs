//! OAuth against the accounts server: grant exchange, refresh (automatic, single-flight in a
//! process and locked across processes through the store), user info and revoke. Secrets only
//! ever travel in form bodies and headers, never in URLs.

use crate::client::{Auth, BodyLimit, Client, UserState, read_body, send};
use crate::error::{Error, OAuthError, Result};
use crate::secret::Secret;
use crate::token::{Token, now_ms};
use serde::Deserialize;
use std::time::{Duration, Instant};

/// What the token endpoint answers (success or `{"error": ...}` with HTTP 200).
#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    refresh_token: Option<String>,
    api_domain: Option<String>,
    expires_in: Option<i64>,
    /// Legacy servers sent this and then `expires_in` was in milliseconds.
    expires_in_sec: Option<i64>,
    error: Option<String>,
    error_description: Option<String>,
    /// The checked lifetime (see [`lifetime_ms`]), filled in after parsing.
    #[serde(skip)]
    lifetime_ms: i64,
}

/// What the accounts user-info endpoint said.
enum UserInfo {
    Email(String),
    /// No Email: the grant lacked `aaaserver.profile.READ`.
    NoEmail,
    /// Another refusal (`invalid_oauth_token` ...).
    Error(String),
}

/// How long to back off when Zoho throttles refreshes and says nothing more precise.
const THROTTLE_WAIT: Duration = Duration::from_secs(60);

impl Client {
    fn token_url(&self) -> String {
        format!("{}/oauth/v2/token", self.inner.accounts_url)
    }

    async fn post_token(&self, form: &[(&str, &str)]) -> Result<TokenResponse> {
        let url = self.token_url();
        let rb = self.inner.http.post(&url).form(form);
        let raw = read_body(send(rb, || format!("POST {url}")).await?, BodyLimit::Token).await?;
        let (status, body) = (raw.status, raw.body);
        let mut parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            Error::from(crate::error::DecodeError::new(
                status,
                "an OAuth token response",
                &body,
                Some(e),
            ))
        })?;
        if let Some(error) = parsed.error.clone() {
            let throttled = error.eq_ignore_ascii_case("access denied")
                || parsed
                    .error_description
                    .as_deref()
                    .is_some_and(|d| d.contains("too many requests"));
            if throttled {
                return Err(Error::RefreshThrottled {
                    retry_after: THROTTLE_WAIT,
                });
            }
            return Err(Error::OAuth(OAuthError {
                error,
                description: parsed.error_description.clone(),
                accounts_url: self.inner.accounts_url.clone(),
            }));
        }
        if parsed.access_token.is_none() {
            return Err(Error::from(crate::error::DecodeError::new(
                status,
                "an OAuth token response with access_token",
                &body,
                None,
            )));
        }
        if let Some(domain) = parsed.api_domain.take() {
            parsed.api_domain = self.checked_api_domain(&domain)?;
        }
        parsed.lifetime_ms =
            lifetime_ms(parsed.expires_in, parsed.expires_in_sec).map_err(|what| {
                Error::from(crate::error::DecodeError::new(
                    status,
                    format!("an OAuth token response with a usable lifetime: {what}"),
                    &body,
                    None,
                ))
            })?;
        Ok(parsed)
    }

    fn token_from(&self, user: &str, r: TokenResponse, refresh: Option<Secret>) -> Token {
        Token {
            id: None,
            user_name: Some(user.to_owned()),
            client_id: Some(self.inner.client_id.clone()),
            client_secret: self
                .inner
                .persist_client_secret
                .then(|| self.inner.client_secret.clone()),
            refresh_token: r.refresh_token.map(Secret::new).or(refresh),
            access_token: r.access_token.map(Secret::new),
            grant_token: None,
            expiry_time: Some(now_ms().saturating_add(r.lifetime_ms)),
            redirect_url: self.inner.redirect_uri.clone(),
            // The store key: the configured base, so a client finds its token again.
            api_domain: Some(self.inner.api_base.clone()),
            issued_api_domain: r.api_domain,
        }
    }

    /// Exchanges a grant token (authorization code) for access and refresh tokens, finds the
    /// user's email through the accounts user-info endpoint, and saves the tokens for that user.
    /// The official SDK's `generate_access_token(grant_token)`.
    ///
    /// The response's `api_domain` is recorded as [`Token::issued_api_domain`]. Errors besides
    /// the accounts server's own: [`Error::OAuth`] `invalid_api_domain` when, without a pinned
    /// `api_base_url`, it names a host that is neither an https Zoho API host nor the accounts
    /// server's (nothing is saved); [`Error::Config`] naming `api_base_url` when the pinned URL
    /// is a Zoho host of another data centre (the token is saved all the same, since the grant
    /// is spent).
    pub async fn generate_access_token(&self, grant_token: &str) -> Result<Token> {
        let redirect = self.inner.redirect_uri.clone().ok_or_else(|| {
            Error::config(
                "redirect_uri",
                "is missing; it is needed to exchange a grant token",
            )
        })?;
        let r = self
            .post_token(&[
                ("grant_type", "authorization_code"),
                ("client_id", &self.inner.client_id),
                ("client_secret", self.inner.client_secret.expose()),
                ("redirect_uri", &redirect),
                ("code", grant_token),
            ])
            .await?;
        let access = Secret::new(r.access_token.clone().unwrap_or_default());
        let email = match (self.user_email(&access).await?, &self.user) {
            (UserInfo::Email(e), _) => e,
            // The user is known from the configuration; user info is only a cross-check.
            (_, Some(u)) => {
                tracing::warn!("user info gave no Email; using current_user_email");
                u.to_string()
            }
            (UserInfo::NoEmail, None) => {
                return Err(Error::OAuth(OAuthError {
                    error: "missing_email".into(),
                    description: Some("the grant token lacks the aaaserver.profile.READ scope, so the accounts server returned no Email: regenerate the grant token with aaaserver.profile.READ among its scopes".into()),
                    accounts_url: self.inner.accounts_url.clone(),
                }))
            }
            (UserInfo::Error(error), None) => {
                return Err(Error::OAuth(OAuthError {
                    error,
                    description: Some("the accounts server refused the user-info request made with the new access token".into()),
                    accounts_url: self.inner.accounts_url.clone(),
                }))
            }
        };
        let token = self.token_from(&email, r, None);
        self.save(&email, token).await
    }

    /// Saves tokens for `user` starting from a refresh token (the official SDK's
    /// `generate_access_token_from_refresh_token`).
    pub async fn generate_access_token_from_refresh_token(
        &self,
        refresh_token: &str,
        user: &str,
    ) -> Result<Token> {
        let r = self.refresh_request(refresh_token).await?;
        let token = self.token_from(user, r, Some(Secret::new(refresh_token)));
        self.save(user, token).await
    }

    /// Saves a new token (a grant is spent and a refresh is precious, so it is kept even when
    /// it cannot be used here), then reports a mismatch with a pinned `api_base_url` now.
    async fn save(&self, user: &str, mut token: Token) -> Result<Token> {
        let id = self.inner.store.save_token(&token).await?;
        token.id = Some(id);
        let state = self.user_state(user);
        *state.token.lock().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
        self.api_base_for(&token)?;
        Ok(token)
    }

    async fn refresh_request(&self, refresh_token: &str) -> Result<TokenResponse> {
        self.post_token(&[
            ("grant_type", "refresh_token"),
            ("client_id", &self.inner.client_id),
            ("client_secret", self.inner.client_secret.expose()),
            ("refresh_token", refresh_token),
        ])
        .await
    }

    /// `GET {accounts}/oauth/user/info`: the email behind an access token, if the token's scopes
    /// allow it.
    async fn user_email(&self, access: &Secret) -> Result<UserInfo> {
        let url = format!("{}/oauth/user/info", self.inner.accounts_url);
        let rb = self.inner.http.get(&url).header(
            reqwest::header::AUTHORIZATION,
            format!("Zoho-oauthtoken {}", access.expose()),
        );
        let body = read_body(send(rb, || format!("GET {url}")).await?, BodyLimit::Token)
            .await?
            .body;
        #[derive(Deserialize)]
        struct Info {
            #[serde(rename = "Email")]
            email: Option<String>,
            error: Option<String>,
        }
        Ok(match serde_json::from_slice::<Info>(&body) {
            Ok(Info { email: Some(e), .. }) => UserInfo::Email(e),
            Ok(Info { error: Some(e), .. }) if !e.contains("scope") => UserInfo::Error(e),
            _ => UserInfo::NoEmail,
        })
    }

    /// Revokes the user's refresh token at the accounts server and deletes it from the store.
    pub async fn revoke_token(&self) -> Result<()> {
        let user = self.require_user()?;
        let key = self.token_key(&user);
        let Some(stored) = self.inner.store.find_token(&key).await? else {
            return Err(Error::TokenNotFound {
                user: user.to_string(),
            });
        };
        if let Some(rt) = &stored.refresh_token {
            let url = format!("{}/oauth/v2/token/revoke", self.inner.accounts_url);
            let rb = self.inner.http.post(&url).form(&[("token", rt.expose())]);
            send(rb, || format!("POST {url}")).await?;
        }
        if let Some(id) = &stored.id {
            self.inner.store.delete_token(id).await?;
        }
        *self
            .user_state(&user)
            .token
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }

    /// A valid access token for this client's user, refreshing when it is within the refresh
    /// margin of expiry, and the API base calls with it go to.
    pub(crate) async fn access_token(&self) -> Result<Auth> {
        let user = self.require_user()?;
        let state = self.user_state(&user);
        if let Some(t) = self.cached_fresh(&state) {
            return self.auth_from(&user, &t);
        }
        let _gate = state.refresh.lock().await;
        if let Some(t) = self.cached_fresh(&state) {
            return self.auth_from(&user, &t);
        }
        let key = self.token_key(&user);
        let stored =
            self.inner
                .store
                .find_token(&key)
                .await?
                .ok_or_else(|| Error::TokenNotFound {
                    user: user.to_string(),
                })?;
        let token = if stored.is_fresh(now_ms(), self.margin_ms()) {
            stored
        } else {
            // A token that cannot be used with this configuration must not spend a refresh.
            self.api_base_for(&stored)?;
            self.refresh_locked(&user, &state, None).await?
        };
        *state.token.lock().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
        self.auth_from(&user, &token)
    }

    fn auth_from(&self, user: &str, token: &Token) -> Result<Auth> {
        let access = token
            .access_token
            .clone()
            .ok_or_else(|| Error::TokenNotFound {
                user: user.to_owned(),
            })?;
        Ok(Auth {
            access,
            base: self.api_base_for(token)?,
        })
    }

    /// After a 401 `INVALID_TOKEN` with `failed`: refresh unless another task already did, and
    /// return the token to retry with.
    pub(crate) async fn force_refresh(&self, failed: &Secret) -> Result<Auth> {
        let user = self.require_user()?;
        let state = self.user_state(&user);
        let _gate = state.refresh.lock().await;
        let cached = state
            .token
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(t) = cached
            && t.access_token.as_ref() != Some(failed)
            && t.is_fresh(now_ms(), self.margin_ms())
            && t.access_token.is_some()
        {
            return self.auth_from(&user, &t);
        }
        let token = self.refresh_locked(&user, &state, Some(failed)).await?;
        *state.token.lock().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
        self.auth_from(&user, &token)
    }

    fn margin_ms(&self) -> i64 {
        i64::try_from(self.inner.refresh_margin.as_millis()).unwrap_or(i64::MAX)
    }

    fn cached_fresh(&self, state: &UserState) -> Option<Token> {
        let cached = state.token.lock().unwrap_or_else(|e| e.into_inner());
        cached
            .as_ref()
            .filter(|t| t.is_fresh(now_ms(), self.margin_ms()))
            .cloned()
    }

    /// Under the store's cross-process lock: re-read (another process may have refreshed), and
    /// refresh only if the stored token is still stale or is the one that was rejected.
    async fn refresh_locked(
        &self,
        user: &str,
        state: &UserState,
        rejected: Option<&Secret>,
    ) -> Result<Token> {
        if let Some(until) = *state
            .throttled_until
            .lock()
            .unwrap_or_else(|e| e.into_inner())
        {
            let now = Instant::now();
            if until > now {
                return Err(Error::RefreshThrottled {
                    retry_after: until - now,
                });
            }
        }
        let key = self.token_key(user);
        let lock = self.inner.store.lock_refresh(&key).await?;
        let result = self.refresh_under_lock(user, &key, rejected).await;
        if let Err(e) = lock.release().await {
            tracing::warn!(error = %crate::error::DisplayErrorChain(&e), "releasing the refresh lock failed");
        }
        if let Err(Error::RefreshThrottled { retry_after }) = &result {
            *state
                .throttled_until
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some(Instant::now() + *retry_after);
        }
        result
    }

    async fn refresh_under_lock(
        &self,
        user: &str,
        key: &Token,
        rejected: Option<&Secret>,
    ) -> Result<Token> {
        let stored =
            self.inner
                .store
                .find_token(key)
                .await?
                .ok_or_else(|| Error::TokenNotFound {
                    user: user.to_owned(),
                })?;
        let still_good = stored.is_fresh(now_ms(), self.margin_ms())
            && rejected.is_none_or(|r| stored.access_token.as_ref() != Some(r));
        if still_good {
            return Ok(stored);
        }
        let refresh = stored
            .refresh_token
            .clone()
            .ok_or_else(|| Error::TokenNotFound {
                user: user.to_owned(),
            })?;
        tracing::info!("refreshing access token");
        let r = self.refresh_request(refresh.expose()).await?;
        let mut token = self.token_from(user, r, Some(refresh));
        token.id = stored.id.clone();
        if token.issued_api_domain.is_none() {
            token.issued_api_domain = stored.issued_api_domain.clone();
        }
        let id = self.inner.store.save_token(&token).await?;
        token.id = Some(id);
        Ok(token)
    }
}

/// Zoho's access tokens live one hour; a server claiming much longer is wrong, and trusting it
/// would keep using a dead token instead of refreshing.
const MAX_LIFETIME_MS: i64 = 24 * 3_600_000;

/// The access token's lifetime in milliseconds, from `expires_in` (seconds, or milliseconds when
/// the legacy `expires_in_sec` is present too) and `expires_in_sec`. A lifetime that is zero or
/// negative is refused (the token would be dead on arrival); one longer than a day is clamped to
/// a day. Never overflows, whatever the numbers.
fn lifetime_ms(expires_in: Option<i64>, expires_in_sec: Option<i64>) -> Result<i64, String> {
    let ms = match (expires_in, expires_in_sec) {
        (Some(ms), Some(_)) => ms,
        (Some(s), None) | (None, Some(s)) => s.saturating_mul(1000),
        (None, None) => 3_600_000,
    };
    if ms <= 0 {
        let shown = expires_in.or(expires_in_sec).unwrap_or(ms);
        return Err(format!(
            "the token's lifetime must be positive, got {shown}"
        ));
    }
    if ms > MAX_LIFETIME_MS {
        tracing::warn!(
            expires_ms = ms,
            "the accounts server gave an access token lifetime over a day; using a day"
        );
    }
    Ok(ms.min(MAX_LIFETIME_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_never_overflow_and_are_sane() {
        assert_eq!(lifetime_ms(Some(3600), None), Ok(3_600_000));
        assert_eq!(lifetime_ms(Some(3_600_000), Some(3600)), Ok(3_600_000));
        assert_eq!(lifetime_ms(None, Some(3600)), Ok(3_600_000));
        assert_eq!(lifetime_ms(None, None), Ok(3_600_000));
        for huge in [i64::MAX, i64::MAX / 999, 10_i64.pow(15)] {
            assert_eq!(lifetime_ms(Some(huge), None), Ok(MAX_LIFETIME_MS));
            assert_eq!(lifetime_ms(None, Some(huge)), Ok(MAX_LIFETIME_MS));
            assert_eq!(lifetime_ms(Some(huge), Some(huge)), Ok(MAX_LIFETIME_MS));
        }
        for bad in [0, -1, i64::MIN, -3600] {
            let e = lifetime_ms(Some(bad), None).unwrap_err();
            assert!(e.contains("must be positive"), "{e}");
            assert!(lifetime_ms(None, Some(bad)).is_err());
        }
    }
}

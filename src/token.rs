//! The persisted OAuth token (the official SDK's `OAuthToken`).

use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// One user's OAuth tokens, as a [`TokenStore`](crate::store::TokenStore) persists them.
///
/// The fields follow the official SDK's `oauthtoken` table so a store can share rows with it.
/// In practice a token is keyed by (client id, user name, api domain); the api domain encodes the
/// data centre and the environment (`https://sandbox.zohoapis.eu` ...).
///
/// `access_token`, `refresh_token`, `grant_token` and `client_secret` are [`Secret`]s: `Debug`
/// never prints them. `client_secret` is only filled (and persisted) when the user opts in to
/// sharing a table with the official SDK; see `ClientBuilder::persist_client_secret`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Token {
    /// Store-assigned identifier (unique per row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The CRM user's email (the official SDK's `user_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// The OAuth client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Only persisted on explicit opt-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    /// Long-lived refresh token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// Short-lived access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<Secret>,
    /// One-time grant token (authorization code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_token: Option<Secret>,
    /// When the access token expires, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_time: Option<i64>,
    /// The OAuth redirect URL registered for the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// The API base URL of the client that saved the token (`https://www.zohoapis.com`, or the
    /// pinned `api_base_url`): with the client id and user name, the key a client finds its
    /// token by, so one store can hold tokens of several data centres and environments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_domain: Option<String>,
    /// The `api_domain` the accounts server named in its token response: the API host of the
    /// data centre that issued the token (`https://www.zohoapis.eu`). Zoho documents that calls
    /// must go to it (zoho-api-v2.md §1, multi-DC handshake; Zoho's multi-DC page
    /// <https://www.zoho.com/crm/developer/docs/api/multi-dc.html>), so a client without a pinned
    /// `api_base_url` sends its calls there. `None` on tokens saved before it was recorded (the
    /// client then calls its configured base until the next refresh records it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_api_domain: Option<String>,
}

impl Token {
    /// A token that identifies a user of a client at an API domain: what a store is asked to find.
    pub fn for_user(
        client_id: impl Into<String>,
        user_name: impl Into<String>,
        api_domain: impl Into<String>,
    ) -> Self {
        Token {
            client_id: Some(client_id.into()),
            user_name: Some(user_name.into()),
            api_domain: Some(api_domain.into()),
            ..Token::default()
        }
    }

    /// Milliseconds left before the access token expires (negative once expired, `None` if unknown).
    pub fn remaining_ms(&self, now_ms: i64) -> Option<i64> {
        self.expiry_time.map(|t| t.saturating_sub(now_ms))
    }

    /// True when an access token exists and stays valid for at least `margin_ms` more.
    pub fn is_fresh(&self, now_ms: i64, margin_ms: i64) -> bool {
        self.access_token.is_some() && self.remaining_ms(now_ms).is_some_and(|r| r > margin_ms)
    }

    /// Does `self` (a stored row) match `query` the way the official SDK's TokenStore does: by user name, else
    /// access token, else grant token, else refresh token, always within the same client (and the
    /// same api domain when both know it)?
    pub fn matches(&self, query: &Token) -> bool {
        if query.client_id.is_some() && self.client_id != query.client_id {
            return false;
        }
        if let (Some(a), Some(b)) = (&self.api_domain, &query.api_domain)
            && a != b
        {
            return false;
        }
        if let Some(user) = &query.user_name {
            return self.user_name.as_deref() == Some(user.as_str());
        }
        if let Some(at) = &query.access_token {
            return self.access_token.as_ref() == Some(at);
        }
        if let Some(gt) = &query.grant_token {
            return self.grant_token.as_ref() == Some(gt);
        }
        if let Some(rt) = &query.refresh_token {
            return self.refresh_token.as_ref() == Some(rt);
        }
        false
    }
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_order_follows_official_sdk() {
        let mut row = Token::for_user("c1", "a@x.com", "https://www.zohoapis.com");
        row.refresh_token = Some("r1".into());
        assert!(row.matches(&Token::for_user(
            "c1",
            "a@x.com",
            "https://www.zohoapis.com"
        )));
        assert!(!row.matches(&Token::for_user(
            "c2",
            "a@x.com",
            "https://www.zohoapis.com"
        )));
        assert!(!row.matches(&Token::for_user("c1", "a@x.com", "https://www.zohoapis.eu")));
        let by_refresh = Token {
            client_id: Some("c1".into()),
            refresh_token: Some("r1".into()),
            ..Token::default()
        };
        assert!(row.matches(&by_refresh));
        let debug = format!("{row:?}");
        assert!(!debug.contains("r1"), "{debug}");
    }
}

//! CRM-side authentication: the `Zoho-oauthtoken` header and OAuth scopes.

use crate::accounts::{scope_allows, Accounts, TokenOwner};
use crate::errors::{self, Reply};
use std::collections::HashMap;

/// The header prefix Zoho requires (case-insensitive, like Zoho).
pub const PREFIX: &str = "Zoho-oauthtoken ";

/// The access token in the `Authorization` header.
pub fn bearer(headers: &HashMap<String, String>) -> Option<&str> {
    let v = headers.get("authorization")?.trim();
    let head = v.get(..PREFIX.len())?;
    if !head.eq_ignore_ascii_case(PREFIX) {
        return None;
    }
    v.get(PREFIX.len()..)
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The 401 code a missing, stale or revoked access token gets. Zoho answers both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RejectedToken {
    /// `INVALID_TOKEN` ("invalid oauth token"), the common answer.
    #[default]
    InvalidToken,
    /// `AUTHENTICATION_FAILURE` ("Authentication failed"), seen for stale or revoked tokens.
    AuthenticationFailure,
}

/// Who is calling, or 401 with the configured code.
pub fn authenticate(
    accounts: &Accounts,
    headers: &HashMap<String, String>,
    rejected: RejectedToken,
) -> Result<TokenOwner, Reply> {
    bearer(headers)
        .and_then(|t| accounts.check_access(t))
        .ok_or_else(|| match rejected {
            RejectedToken::InvalidToken => errors::invalid_token(),
            RejectedToken::AuthenticationFailure => errors::authentication_failure(),
        })
}

/// 401 OAUTH_SCOPE_MISMATCH unless the token's scopes cover `required`.
pub fn authorize(owner: &TokenOwner, required: &str, module: Option<&str>) -> Result<(), Reply> {
    if scope_allows(&owner.scopes, required, module) {
        Ok(())
    } else {
        Err(errors::scope_mismatch())
    }
}

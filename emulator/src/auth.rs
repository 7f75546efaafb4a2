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

/// Who is calling, or 401 INVALID_TOKEN.
pub fn authenticate(
    accounts: &Accounts,
    headers: &HashMap<String, String>,
) -> Result<TokenOwner, Reply> {
    bearer(headers)
        .and_then(|t| accounts.check_access(t))
        .ok_or_else(errors::invalid_token)
}

/// 401 OAUTH_SCOPE_MISMATCH unless the token's scopes cover `required`.
pub fn authorize(owner: &TokenOwner, required: &str, module: Option<&str>) -> Result<(), Reply> {
    if scope_allows(&owner.scopes, required, module) {
        Ok(())
    } else {
        Err(errors::scope_mismatch())
    }
}

//! `POST /emulator/grant-codes`: mints a grant code while the emulator runs, the way a Zoho
//! developer console "Self Client" does, so a client outside the process (another language, a
//! CLI) can get tokens without a restart. Not a Zoho endpoint: it lives outside `/oauth` and
//! `/crm` so no real path is shadowed.
//!
//! Parameters (query string or form body): `email` (default the seeded admin; an unknown email
//! becomes a Standard user), `scope` (comma- or space-separated; default the CRM scopes and
//! `aaaserver.profile.READ`), `client_id` (default the pre-registered client). Answers
//! `{"code", "email", "scope": [...], "client_id", "expires_in"}`, or 400 `{"error"}` naming the
//! bad parameter.

use crate::accounts::DEFAULT_SCOPES;
use crate::errors::Reply;
use crate::server::AppState;
use axum::http::StatusCode;
use serde_json::json;
use std::collections::HashMap;

/// The endpoint's path.
pub const PATH: &str = "/emulator/grant-codes";

/// Mints one grant code.
pub fn mint(st: &mut AppState, p: &HashMap<String, String>) -> Reply {
    let get = |k: &str| p.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let email = get("email").unwrap_or(crate::ADMIN_EMAIL).to_owned();
    let valid_email = email
        .split_once('@')
        .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'));
    if !valid_email {
        return bad("invalid_email", "email", "is not an email address");
    }
    let client_id = get("client_id")
        .unwrap_or(crate::DEFAULT_CLIENT_ID)
        .to_owned();
    if st.accounts.redirect_of(&client_id).is_none() {
        return bad("invalid_client", "client_id", "is not a registered client");
    }
    let scopes: Vec<&str> = match get("scope") {
        Some(s) => s.split([',', ' ']).filter(|s| !s.is_empty()).collect(),
        None => DEFAULT_SCOPES.to_vec(),
    };
    if let Some(bad_scope) = scopes.iter().find(|s| !s.contains('.')) {
        let msg = format!("`{bad_scope}` is not a scope such as ZohoCRM.modules.ALL");
        return bad("invalid_scope", "scope", &msg);
    }
    st.crm.ensure_user(&email);
    let code = st.accounts.issue_grant(&client_id, &email, &scopes);
    Reply::json(
        StatusCode::OK,
        json!({
            "code": code,
            "email": email,
            "scope": scopes,
            "client_id": client_id,
            "expires_in": st.accounts.grant_ttl().as_secs(),
        }),
    )
}

fn bad(error: &str, param: &str, message: &str) -> Reply {
    Reply::json(
        StatusCode::BAD_REQUEST,
        json!({"error": error, "param": param, "message": format!("{param} {message}")}),
    )
}

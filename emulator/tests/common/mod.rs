//! Helpers shared by the HTTP tests: a reqwest client and the OAuth dance.
#![allow(dead_code)]

use serde_json::Value;
use zohocrm_emulator::Emulator;

pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// POSTs to the token endpoint with the parameters in a form body.
pub async fn token_form(emu: &Emulator, params: &[(&str, &str)]) -> (u16, Value) {
    let r = http()
        .post(format!("{}/oauth/v2/token", emu.accounts_url()))
        .form(params)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// POSTs to the token endpoint with the parameters in the query string.
pub async fn token_query(emu: &Emulator, params: &[(&str, &str)]) -> (u16, Value) {
    let r = http()
        .post(format!("{}/oauth/v2/token", emu.accounts_url()))
        .query(params)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// Exchanges a fresh grant code for `email`; returns (access, refresh).
pub async fn login(emu: &Emulator, email: &str) -> (String, String) {
    let code = emu.grant_code(email);
    exchange(emu, &code).await
}

pub async fn exchange(emu: &Emulator, code: &str) -> (String, String) {
    let (status, body) = token_form(
        emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", emu.client_id()),
            ("client_secret", emu.client_secret()),
            ("redirect_uri", emu.redirect_uri()),
            ("code", code),
        ],
    )
    .await;
    assert_eq!(status, 200);
    (
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned(),
        body["refresh_token"]
            .as_str()
            .expect("refresh_token")
            .to_owned(),
    )
}

pub async fn refresh(emu: &Emulator, refresh_token: &str) -> Value {
    token_form(
        emu,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", emu.client_id()),
            ("client_secret", emu.client_secret()),
            ("refresh_token", refresh_token),
        ],
    )
    .await
    .1
}

/// A CRM call; returns status, content type and the body (Null when empty).
pub async fn call(
    emu: &Emulator,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, String, Value) {
    let mut req = http()
        .request(method, format!("{}/crm/v2{path}", emu.api_base_url()))
        .header("Authorization", format!("Zoho-oauthtoken {token}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = r.text().await.unwrap();
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, ct, v)
}

pub async fn get(emu: &Emulator, token: &str, path: &str) -> (u16, Value) {
    let (s, _, v) = call(emu, token, reqwest::Method::GET, path, None).await;
    (s, v)
}

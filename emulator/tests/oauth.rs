//! Accounts server and CRM authentication over real HTTP.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;
use zohocrm_emulator::{Emulator, EmulatorConfig};

#[tokio::test]
async fn grant_to_token_to_crm_call() {
    let emu = Emulator::start().await.unwrap();
    let code = emu.grant_code("ada@zylker.test");
    let (status, body) = token_form(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", emu.client_id()),
            ("client_secret", emu.client_secret()),
            ("redirect_uri", emu.redirect_uri()),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["api_domain"], emu.base_url());
    let access = body["access_token"].as_str().unwrap();
    assert!(body["refresh_token"].is_string());
    let (s, org) = get(&emu, access, "/org").await;
    assert_eq!(s, 200);
    assert_eq!(org["org"][0]["company_name"], "Zylker Emulated");
    let (s, me) = get(&emu, access, "/users?type=CurrentUser").await;
    assert_eq!(s, 200);
    assert_eq!(me["users"][0]["email"], "ada@zylker.test");
    assert_eq!(me["users"].as_array().unwrap().len(), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn query_string_params_work_and_grant_codes_are_single_use() {
    let emu = Emulator::start().await.unwrap();
    let code = emu.grant_code("ben@zylker.test");
    let params = [
        ("grant_type", "authorization_code"),
        ("client_id", emu.client_id()),
        ("client_secret", emu.client_secret()),
        ("redirect_uri", emu.redirect_uri()),
        ("code", code.as_str()),
    ];
    let (status, body) = token_query(&emu, &params).await;
    assert_eq!(status, 200);
    let refresh_token = body["refresh_token"].as_str().unwrap().to_owned();
    let (status, again) = token_query(&emu, &params).await;
    assert_eq!(status, 200);
    assert_eq!(again, json!({"error": "invalid_code"}));

    // Refresh with the parameters split between query string and form body.
    let r = http()
        .post(format!("{}/oauth/v2/token", emu.accounts_url()))
        .query(&[
            ("grant_type", "refresh_token"),
            ("client_id", emu.client_id()),
        ])
        .form(&[
            ("client_secret", emu.client_secret()),
            ("refresh_token", refresh_token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["access_token"].is_string(), "{body}");
    assert!(body.get("refresh_token").is_none());
    assert_eq!(emu.refresh_count(), 1);
}

async fn exchange_with(
    emu: &Emulator,
    client: &str,
    secret: &str,
    redirect: &str,
    code: &str,
) -> serde_json::Value {
    token_form(
        emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client),
            ("client_secret", secret),
            ("redirect_uri", redirect),
            ("code", code),
        ],
    )
    .await
    .1
}

#[tokio::test]
async fn bad_client_code_and_redirect() {
    let emu = Emulator::start().await.unwrap();
    let code = emu.grant_code("ada@zylker.test");
    let (id, secret, redirect) = (emu.client_id(), emu.client_secret(), emu.redirect_uri());
    assert_eq!(
        exchange_with(&emu, id, "nope", redirect, &code).await,
        json!({"error": "invalid_client"})
    );
    assert_eq!(
        exchange_with(&emu, "1000.UNKNOWN", secret, redirect, &code).await,
        json!({"error": "invalid_client"})
    );
    assert_eq!(
        exchange_with(&emu, id, secret, "http://evil/cb", &code).await,
        json!({"error": "invalid_redirect_uri"})
    );
    assert_eq!(
        exchange_with(&emu, id, secret, redirect, "1000.bogus").await,
        json!({"error": "invalid_code"})
    );
    // The failed attempts did not consume the code.
    assert!(exchange_with(&emu, id, secret, redirect, &code).await["access_token"].is_string());
    assert_eq!(
        refresh(&emu, "1000.nope.nope").await,
        json!({"error": "invalid_code"})
    );
}

#[tokio::test]
async fn grant_codes_expire() {
    let emu = Emulator::start_with(EmulatorConfig {
        grant_code_ttl: Duration::from_millis(200),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let code = emu.grant_code("ada@zylker.test");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (_, body) = token_form(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", emu.client_id()),
            ("client_secret", emu.client_secret()),
            ("redirect_uri", emu.redirect_uri()),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(body, json!({"error": "invalid_code"}));
}

#[tokio::test]
async fn refresh_is_throttled_after_ten_per_window() {
    let emu = Emulator::start().await.unwrap();
    let (_, refresh_token) = login(&emu, "ada@zylker.test").await;
    for i in 0..10 {
        let b = refresh(&emu, &refresh_token).await;
        assert!(b["access_token"].is_string(), "refresh {i}: {b}");
    }
    let b = refresh(&emu, &refresh_token).await;
    assert_eq!(b["error"], "Access Denied");
    assert_eq!(
        b["error_description"],
        "You have made too many requests continuously. Please try again after some time."
    );
    assert!(b.get("access_token").is_none());
    assert_eq!(emu.refresh_count(), 10);
}

#[tokio::test]
async fn sixteenth_access_token_invalidates_the_oldest() {
    let emu = Emulator::start_with(EmulatorConfig {
        refresh_limit_per_window: 100,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let (first, refresh_token) = login(&emu, "ada@zylker.test").await;
    let mut tokens = vec![first];
    for _ in 0..14 {
        tokens.push(
            refresh(&emu, &refresh_token).await["access_token"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // Fifteen live: all work.
    for t in &tokens {
        assert_eq!(get(&emu, t, "/org").await.0, 200);
    }
    tokens.push(
        refresh(&emu, &refresh_token).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    let (s, body) = get(&emu, &tokens[0], "/org").await;
    assert_eq!(s, 401);
    assert_eq!(body["code"], "INVALID_TOKEN");
    for t in &tokens[1..] {
        assert_eq!(get(&emu, t, "/org").await.0, 200);
    }
}

#[tokio::test]
async fn expired_revoked_and_missing_tokens_are_401() {
    let emu = Emulator::start().await.unwrap();
    let (access, refresh_token) = login(&emu, "ada@zylker.test").await;
    assert_eq!(get(&emu, &access, "/org").await.0, 200);
    let expected = json!({"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"});

    emu.expire_access_tokens();
    assert_eq!(get(&emu, &access, "/org").await, (401, expected.clone()));
    let fresh = refresh(&emu, &refresh_token).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(get(&emu, &fresh, "/org").await.0, 200);

    emu.revoke_access_token(&fresh);
    assert_eq!(get(&emu, &fresh, "/org").await, (401, expected.clone()));

    let r = http()
        .get(format!("{}/crm/v2/org", emu.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        get(&emu, "1000.made.up", "/org").await,
        (401, expected.clone())
    );

    // Revoking the refresh token kills it and every access token made from it.
    let newer = refresh(&emu, &refresh_token).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = http()
        .post(format!("{}/oauth/v2/token/revoke", emu.accounts_url()))
        .query(&[("token", refresh_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(get(&emu, &newer, "/org").await.0, 401);
    assert_eq!(
        refresh(&emu, &refresh_token).await,
        json!({"error": "invalid_code"})
    );
}

#[tokio::test]
async fn short_token_ttl_expires_by_itself() {
    let emu = Emulator::start_with(EmulatorConfig {
        access_token_ttl: Duration::from_millis(300),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let (access, _) = login(&emu, "ada@zylker.test").await;
    assert_eq!(get(&emu, &access, "/org").await.0, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(get(&emu, &access, "/org").await.0, 401);
}

#[tokio::test]
async fn user_info_needs_the_profile_scope() {
    let emu = Emulator::start().await.unwrap();
    let (access, _) = login(&emu, "cy@zylker.test").await;
    let r = http()
        .get(format!("{}/oauth/user/info", emu.accounts_url()))
        .header("Authorization", format!("Zoho-oauthtoken {access}"))
        .send()
        .await
        .unwrap();
    let info: serde_json::Value = r.json().await.unwrap();
    assert_eq!(info["Email"], "cy@zylker.test");
    assert_eq!(info["Display_Name"], "Cy Tanaka");
    assert!(info["ZUID"].is_number());

    let code = emu.grant_code_with_scopes("cy@zylker.test", &["ZohoCRM.modules.ALL"]);
    let (narrow, _) = exchange(&emu, &code).await;
    let r = http()
        .get(format!("{}/oauth/user/info", emu.accounts_url()))
        .header("Authorization", format!("Zoho-oauthtoken {narrow}"))
        .send()
        .await
        .unwrap();
    let info: serde_json::Value = r.json().await.unwrap();
    assert!(info.get("Email").is_none());
    assert_eq!(info["error"], "invalid_oauth_scope");
    // The narrow token still reads records but not the org.
    assert_eq!(get(&emu, &narrow, "/Leads").await.0, 200);
    let (s, b) = get(&emu, &narrow, "/org").await;
    assert_eq!((s, b["code"].as_str()), (401, Some("OAUTH_SCOPE_MISMATCH")));
}

#[tokio::test]
async fn registered_clients_get_their_own_codes() {
    let emu = Emulator::start().await.unwrap();
    emu.register_client("1000.OTHER", "other-secret", "http://localhost:9/cb");
    let code = emu.grant_code_for_client("1000.OTHER", "ben@zylker.test", &["ZohoCRM.modules.ALL"]);
    // The default client cannot redeem another client's code.
    let (_, b) = token_form(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", emu.client_id()),
            ("client_secret", emu.client_secret()),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(b, json!({"error": "invalid_code"}));
    let (_, b) = token_form(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "1000.OTHER"),
            ("client_secret", "other-secret"),
            ("redirect_uri", "http://localhost:9/cb"),
            ("code", &code),
        ],
    )
    .await;
    assert!(b["access_token"].is_string(), "{b}");
}

/// Zoho's accounts host issues tokens and the response's `api_domain` names the data centre's
/// API host, a different host (zoho-api-v2.md §1 hosts table and multi-DC handshake, §2 success
/// body keys). With `separate_api_listener` the emulator is laid out the same way, and each
/// listener refuses the other's paths with Zoho's 404 `INVALID_URL_PATTERN`.
#[tokio::test]
async fn a_separate_api_listener_is_named_as_api_domain() {
    let emu = Emulator::start_with(EmulatorConfig {
        separate_api_listener: true,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    assert_ne!(emu.api_base_url(), emu.base_url());
    let code = emu.grant_code("ada@zylker.test");
    let form = exchange_form(&emu, &code);
    let (status, body) = token_form(&emu, &form).await;
    assert_eq!(status, 200);
    assert_eq!(body["api_domain"], emu.api_base_url());
    let access = body["access_token"].as_str().unwrap();
    let (s, org) = get(&emu, access, "/org").await;
    assert_eq!(s, 200, "the API listener serves the CRM API");
    assert_eq!(org["org"][0]["company_name"], "Zylker Emulated");
    // Bad input: each host refuses the other's paths.
    let wrong_crm = http()
        .get(format!("{}/crm/v2/org", emu.base_url()))
        .header("Authorization", format!("Zoho-oauthtoken {access}"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_crm.status().as_u16(), 404);
    let v: serde_json::Value = wrong_crm.json().await.unwrap();
    assert_eq!(v["code"], "INVALID_URL_PATTERN");
    let wrong_token = http()
        .post(format!("{}/oauth/v2/token", emu.api_base_url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_token.status().as_u16(), 404);
    emu.shutdown().await;
}

/// Bad-input knob: token responses can name any `api_domain`, as a misconfigured or hostile
/// accounts server would, so clients can be tested against it.
#[tokio::test]
async fn the_api_domain_can_be_overridden() {
    let emu = Emulator::start_with(EmulatorConfig {
        api_domain_override: Some("https://evil.example.com".into()),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let code = emu.grant_code("ada@zylker.test");
    let (_, body) = token_form(&emu, &exchange_form(&emu, &code)).await;
    assert_eq!(body["api_domain"], "https://evil.example.com");
    emu.shutdown().await;
}

/// The form of an authorization_code exchange with the default client.
fn exchange_form<'a>(emu: &'a Emulator, code: &'a str) -> [(&'static str, &'a str); 5] {
    [
        ("grant_type", "authorization_code"),
        ("client_id", emu.client_id()),
        ("client_secret", emu.client_secret()),
        ("redirect_uri", emu.redirect_uri()),
        ("code", code),
    ]
}

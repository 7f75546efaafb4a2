//! What real Zoho does that a client must survive, each produced by the emulator over HTTP:
//! a stale token answered with AUTHENTICATION_FAILURE, and a base URL configured with the
//! `/crm/v2` path already on it.

mod support;

use support::{ADMIN, client_for, setup_with};
use zohocrm::{Client, Error, ErrorCode};
use zohocrm_emulator::auth::RejectedToken;
use zohocrm_emulator::{Emulator, EmulatorConfig};

fn answering(code: RejectedToken) -> EmulatorConfig {
    EmulatorConfig {
        rejected_token: code,
        ..EmulatorConfig::default()
    }
}

// Source: zoho-api-v2.md §4 status codes (401 INVALID_TOKEN, OAUTH_SCOPE_MISMATCH,
// AUTHENTICATION_FAILURE); issue 8 (Zoho answers stale or revoked tokens with either).
#[tokio::test]
async fn authentication_failure_refreshes_once_and_retries() {
    let (emu, client) = setup_with(answering(RejectedToken::AuthenticationFailure)).await;
    let t = client.token_store().get_tokens().await.unwrap().remove(0);
    emu.revoke_access_token(t.access_token.as_ref().unwrap().expose());
    let org = client.get_organization_details().send().await.unwrap();
    assert!(org.id.is_some());
    assert_eq!(emu.refresh_count(), 1, "one forced refresh");
}

#[tokio::test]
async fn authentication_failure_after_the_refresh_is_returned_not_looped() {
    // Every access token is dead on arrival (no live token allowed per refresh token).
    let emu = Emulator::start_with(EmulatorConfig {
        max_live_access_tokens: 0,
        ..answering(RejectedToken::AuthenticationFailure)
    })
    .await
    .unwrap();
    // The user is configured: user info would refuse the dead token too.
    let client = client_for(&emu).for_user(ADMIN);
    let code = emu.grant_code(ADMIN);
    client.generate_access_token(&code).await.unwrap();
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::AuthenticationFailure), "{err}");
    assert_eq!(
        emu.refresh_count(),
        1,
        "one refresh, one retry, then the error"
    );
    assert!(err.to_string().contains(&emu.api_base_url()), "{err}");
}

#[tokio::test]
async fn a_scope_mismatch_is_not_mistaken_for_a_stale_token() {
    let emu = Emulator::start().await.unwrap();
    let client = client_for(&emu).for_user(ADMIN);
    let code = emu.grant_code_with_scopes(ADMIN, &["ZohoCRM.users.READ", "aaaserver.profile.READ"]);
    client.generate_access_token(&code).await.unwrap();
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::OauthScopeMismatch), "{err}");
    assert_eq!(emu.refresh_count(), 0);
}

fn builder_for(emu: &Emulator, api_base: String) -> zohocrm::Result<Client> {
    Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(api_base)
        .current_user_email(ADMIN)
        .build()
}

// Zoho's docs write API URLs as https://www.zohoapis.com/crm/v2/...; the emulator answers
// /crm/v2/crm/v2/... with 404 INVALID_URL as Zoho does, so a doubled path fails this test.
#[tokio::test]
async fn an_api_base_url_ending_in_crm_v2_is_normalised() {
    let emu = Emulator::start().await.unwrap();
    let client = builder_for(&emu, format!("{}/crm/v2/", emu.api_base_url())).unwrap();
    assert_eq!(client.api_base_url(), emu.api_base_url());
    client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    let org = client.get_organization_details().send().await.unwrap();
    assert!(org.company_name.is_some());
    // Bad input: any other CRM path is a Config error naming api_base_url.
    for bad in ["/crm/v3", "/crm/v2/Leads", "/crm"] {
        let err = builder_for(&emu, format!("{}{bad}", emu.api_base_url())).unwrap_err();
        assert!(
            matches!(&err, Error::Config(c) if c.key == "api_base_url"),
            "{bad}: {err:?}"
        );
    }
}

//! `api_domain` over real HTTP: Zoho's token response names the API host of the data centre
//! that issued the token, and calls must go there (zoho-api-v2.md §1 "Multi-DC handshake" and
//! §2 success body keys; Zoho's multi-DC page,
//! https://www.zoho.com/crm/developer/docs/api/multi-dc.html; the official SDK's
//! `update_api_domain` switches to that data centre, zoho-python-sdk.md §8.3).
//!
//! The emulator serves OAuth and the CRM API on two listeners, as Zoho's accounts and API hosts
//! differ, and names the API listener as `api_domain`; its accounts listener refuses CRM paths,
//! so a client that ignores `api_domain` fails.

mod common;
mod support;

use std::sync::Arc;
use std::time::Duration;
use support::{ADMIN, admin_builder};
use zohocrm::store::{FileStore, TokenStore};
use zohocrm::{Client, Error, Token};
use zohocrm_emulator::{Emulator, EmulatorConfig};

fn two_listeners() -> EmulatorConfig {
    EmulatorConfig {
        separate_api_listener: true,
        ..EmulatorConfig::default()
    }
}

fn with_api_domain(domain: &str) -> EmulatorConfig {
    EmulatorConfig {
        api_domain_override: Some(domain.to_owned()),
        ..EmulatorConfig::default()
    }
}

/// A client that names only the accounts server: the API base is left to the token.
fn unpinned(emu: &Emulator, store: Arc<dyn TokenStore>) -> Client {
    admin_builder(emu, store).build().unwrap()
}

fn pinned(emu: &Emulator, base: &str, store: Arc<dyn TokenStore>) -> Client {
    admin_builder(emu, store)
        .api_base_url(base)
        .build()
        .unwrap()
}

async fn leads(client: &Client) -> zohocrm::Result<usize> {
    let page = client
        .module("Leads")
        .get_records()
        .per_page(2)
        .send()
        .await?;
    Ok(page.data.len())
}

#[tokio::test]
async fn calls_follow_the_tokens_api_domain_and_it_persists() {
    let emu = Emulator::start_with(two_listeners()).await.unwrap();
    assert_ne!(emu.api_base_url(), emu.accounts_url());
    let dir = common::temp_dir(&common::unique_name());
    let path = dir.join("tokens.json");
    let store: Arc<dyn TokenStore> = Arc::new(FileStore::new(&path));
    let client = unpinned(&emu, store.clone());
    assert_eq!(
        client.api_base_url(),
        "https://www.zohoapis.com",
        "the US default"
    );

    let token = client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    assert_eq!(
        token.issued_api_domain.as_deref(),
        Some(emu.api_base_url().as_str())
    );
    assert!(
        leads(&client).await.unwrap() > 0,
        "calls went to the API listener"
    );

    // Another process on the same token file uses the recorded api_domain at once: no refresh.
    let again = unpinned(&emu, Arc::new(FileStore::new(&path)));
    for _ in 0..3 {
        assert!(leads(&again).await.unwrap() > 0);
    }
    assert_eq!(
        emu.refresh_count(),
        0,
        "no refresh was spent to find the API host"
    );
    let rows = store.get_tokens().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].issued_api_domain.as_deref(),
        Some(emu.api_base_url().as_str())
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("\"issued_api_domain\""),
        "the file store writes it"
    );

    // A refresh records the api_domain of its own response.
    emu.expire_access_tokens();
    assert!(
        leads(&again).await.unwrap() > 0,
        "401, one refresh, retried at the API host"
    );
    assert_eq!(emu.refresh_count(), 1);
    let rows = store.get_tokens().await.unwrap();
    assert_eq!(
        rows[0].issued_api_domain.as_deref(),
        Some(emu.api_base_url().as_str())
    );

    // The accounts listener does not serve the CRM API: a pinned base there is used as pinned
    // (one warning, not an error: a pinned URL may be a proxy), and Zoho's 404 comes back.
    let wrong = pinned(&emu, &emu.accounts_url(), store.clone());
    wrong
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    let err = leads(&wrong).await.unwrap_err();
    assert_eq!(
        err.code().map(|c| c.as_str()),
        Some("INVALID_URL_PATTERN"),
        "{err}"
    );
    assert_eq!(
        emu.refresh_count(),
        1,
        "a wrong host is not a reason to refresh"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// A row written before `issued_api_domain` existed (or by the official SDK) still loads and
/// works; the next refresh records the domain.
#[tokio::test]
async fn a_token_without_a_recorded_api_domain_still_works() {
    let emu = Emulator::start().await.unwrap();
    let store: Arc<dyn TokenStore> = Arc::new(zohocrm::store::MemoryStore::new());
    let client = pinned(&emu, &emu.api_base_url(), store.clone());
    let mut token = client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    token.issued_api_domain = None;
    store.save_token(&token).await.unwrap();
    let fresh = pinned(&emu, &emu.api_base_url(), store.clone());
    assert!(leads(&fresh).await.unwrap() > 0);
    emu.expire_access_tokens();
    assert!(leads(&fresh).await.unwrap() > 0);
    assert_eq!(
        store.get_tokens().await.unwrap()[0]
            .issued_api_domain
            .as_deref(),
        Some(emu.api_base_url().as_str()),
        "the refresh recorded it"
    );
}

/// Bad input: an api_domain that is not an https Zoho API host nor the accounts server's own
/// host is refused before anything is saved, so the access token is never sent there.
#[tokio::test]
async fn an_api_domain_outside_zoho_is_refused() {
    for bad in [
        "https://evil.example.com",
        "http://www.zohoapis.com",
        "https://www.zohoapis.com.evil.net",
        "https://www.zohoapis.com:8443",
        "https://www.zohoapis.eu/crm/v2",
        "https://user@www.zohoapis.eu",
        "javascript:alert(1)",
        "",
    ] {
        let emu = Emulator::start_with(with_api_domain(bad)).await.unwrap();
        let store: Arc<dyn TokenStore> = Arc::new(zohocrm::store::MemoryStore::new());
        let client = unpinned(&emu, store.clone());
        let err = client
            .generate_access_token(&emu.grant_code(ADMIN))
            .await
            .unwrap_err();
        let Error::OAuth(o) = &err else {
            panic!("{bad}: {err:?}")
        };
        assert_eq!(o.error, "invalid_api_domain", "{bad}");
        let text = err.to_string();
        assert!(
            text.contains("api_domain") && text.contains("not sent"),
            "{bad}: {text}"
        );
        assert!(
            store.get_tokens().await.unwrap().is_empty(),
            "{bad}: nothing saved"
        );
        emu.shutdown().await;
    }
}

/// Bad input: a store row naming a foreign host (tampered, or written by another program) is
/// refused the same way, before any request.
#[tokio::test]
async fn a_stored_foreign_api_domain_is_refused_without_a_request() {
    let emu = Emulator::start().await.unwrap();
    let store: Arc<dyn TokenStore> = Arc::new(zohocrm::store::MemoryStore::new());
    let client = unpinned(&emu, store.clone());
    let mut token: Token = client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    token.issued_api_domain = Some("https://collector.example.net".into());
    store.save_token(&token).await.unwrap();
    let fresh = unpinned(&emu, store);
    let err = leads(&fresh).await.unwrap_err();
    assert!(
        matches!(&err, Error::OAuth(o) if o.error == "invalid_api_domain"),
        "{err:?}"
    );
    assert_eq!(emu.crm_request_count(), 0);
}

/// A pinned Zoho host of another data centre than the token's can never work: one clear
/// configuration error, at the grant exchange and on each call, without a request or a refresh
/// (each refresh spends one of Zoho's 10 per 10 minutes, zoho-api-v2.md §2 token limits).
#[tokio::test]
async fn a_pinned_url_in_another_data_centre_is_a_config_error_that_never_refreshes() {
    let emu = Emulator::start_with(EmulatorConfig {
        // Stale at once for a client with the default 60 s margin: every call would refresh.
        access_token_ttl: Duration::from_secs(1),
        ..with_api_domain("https://www.zohoapis.eu")
    })
    .await
    .unwrap();
    let store: Arc<dyn TokenStore> = Arc::new(zohocrm::store::MemoryStore::new());
    let client = pinned(&emu, "https://www.zohoapis.com", store.clone());
    let err = client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap_err();
    let Error::Config(c) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(c.key, "api_base_url");
    let text = err.to_string();
    assert!(
        text.contains("https://www.zohoapis.com") && text.contains("https://www.zohoapis.eu"),
        "{text}"
    );
    assert_eq!(
        store.get_tokens().await.unwrap().len(),
        1,
        "the spent grant's token is kept"
    );
    for _ in 0..3 {
        let err = leads(&client).await.unwrap_err();
        assert!(
            matches!(&err, Error::Config(c) if c.key == "api_base_url"),
            "{err:?}"
        );
    }
    assert_eq!(emu.refresh_count(), 0, "no refresh spent");
    assert_eq!(
        emu.crm_request_count(),
        0,
        "nothing sent to the wrong data centre"
    );
}

/// A pinned URL that is not a Zoho host (a proxy, the emulator) wins over the token's Zoho
/// api_domain: calls go there, with one warning, and no refresh is ever forced by the mismatch.
#[tokio::test]
async fn a_pinned_proxy_wins_and_never_forces_a_refresh() {
    let emu = Emulator::start_with(with_api_domain("https://www.zohoapis.com"))
        .await
        .unwrap();
    let store: Arc<dyn TokenStore> = Arc::new(zohocrm::store::MemoryStore::new());
    let client = pinned(&emu, &emu.api_base_url(), store.clone());
    let token = client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    assert_eq!(
        token.issued_api_domain.as_deref(),
        Some("https://www.zohoapis.com")
    );
    for _ in 0..5 {
        assert!(leads(&client).await.unwrap() > 0);
    }
    assert_eq!(emu.refresh_count(), 0);
    assert_eq!(emu.crm_request_count(), 5);
}

//! OAuth over real HTTP against the emulator: grant exchange, automatic and forced refresh,
//! single-flight refresh, throttling, and every error case of seed 000 §10.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{ADMIN, admin_on_store, client_for, setup};
use zohocrm::store::{MemoryStore, TokenStore};
use zohocrm::{Client, Error, ErrorCode};
use zohocrm_emulator::{Emulator, EmulatorConfig};

fn short_tokens(ttl: Duration) -> EmulatorConfig {
    EmulatorConfig {
        access_token_ttl: ttl,
        ..EmulatorConfig::default()
    }
}

#[tokio::test]
async fn grant_exchange_saves_tokens_for_the_user_info_email() {
    let emu = Emulator::start().await.unwrap();
    let client = client_for(&emu);
    let token = client
        .generate_access_token(&emu.grant_code("ben@zylker.test"))
        .await
        .unwrap();
    assert_eq!(token.user_name.as_deref(), Some("ben@zylker.test"));
    assert!(token.refresh_token.is_some() && token.access_token.is_some());
    assert_eq!(
        token.api_domain.as_deref(),
        Some(emu.api_base_url().as_str())
    );
    assert!(
        token.client_secret.is_none(),
        "the secret is not persisted by default"
    );
    let stored = client.token_store().get_tokens().await.unwrap();
    assert_eq!(stored.len(), 1);
    let me = client
        .for_user("ben@zylker.test")
        .get_current_user()
        .send()
        .await
        .unwrap();
    assert_eq!(me.data[0].email.as_deref(), Some("ben@zylker.test"));
}

#[tokio::test]
async fn grant_token_is_single_use_invalid_code() {
    let emu = Emulator::start().await.unwrap();
    let client = client_for(&emu);
    let code = emu.grant_code(ADMIN);
    client.generate_access_token(&code).await.unwrap();
    let err = client.generate_access_token(&code).await.unwrap_err();
    let Error::OAuth(o) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(o.error, "invalid_code");
    assert!(
        err.to_string().contains("expired or was already used"),
        "the fix is in the message: {err}"
    );
}

#[tokio::test]
async fn missing_profile_scope_names_the_scope() {
    let emu = Emulator::start().await.unwrap();
    let client = client_for(&emu);
    let code = emu.grant_code_with_scopes(ADMIN, &["ZohoCRM.modules.ALL"]);
    let err = client.generate_access_token(&code).await.unwrap_err();
    assert!(err.to_string().contains("aaaserver.profile.READ"), "{err}");
}

#[tokio::test]
async fn invalid_client_names_the_accounts_domain() {
    let emu = Emulator::start().await.unwrap();
    let client = Client::builder()
        .client_id(emu.client_id())
        .client_secret("not-the-secret")
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(emu.api_base_url())
        .build()
        .unwrap();
    let err = client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::OAuth(o) if o.error == "invalid_client"),
        "{err:?}"
    );
    assert!(
        msg.contains(&emu.accounts_url()),
        "names the domain used: {msg}"
    );
    assert!(!msg.contains("not-the-secret"), "never the secret: {msg}");
}

#[tokio::test]
async fn unknown_user_is_token_not_found_with_a_hint() {
    let (_emu, client) = setup().await;
    let err = client
        .for_user("nobody@zylker.test")
        .get_organization_details()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::TokenNotFound { user } if user == "nobody@zylker.test"),
        "{err:?}"
    );
    assert!(err.to_string().contains("grant step"), "{err}");
}

#[tokio::test]
async fn missing_current_user_email_is_a_config_error() {
    let emu = Emulator::start().await.unwrap();
    let err = client_for(&emu)
        .get_organization_details()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(c) if c.key == "current_user_email"),
        "{err:?}"
    );
    assert!(err.to_string().contains("current_user_email"));
}

#[tokio::test]
async fn missing_mandatory_config_names_the_key() {
    let err = Client::builder().client_secret("s").build().unwrap_err();
    assert!(
        matches!(&err, Error::Config(c) if c.key == "client_id"),
        "{err:?}"
    );
    let err = Client::builder().client_id("c").build().unwrap_err();
    assert!(
        matches!(&err, Error::Config(c) if c.key == "client_secret"),
        "{err:?}"
    );
    let err = Client::builder()
        .client_id("c")
        .client_secret("s")
        .api_version("v9")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(c) if c.key == "api_version"),
        "{err:?}"
    );
}

#[tokio::test]
async fn trailing_slashes_and_capital_v2_just_work() {
    let emu = Emulator::start().await.unwrap();
    let client = Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(format!("{}/", emu.accounts_url()))
        .api_base_url(format!("{}//", emu.api_base_url()))
        .api_version("V2")
        .current_user_email(ADMIN)
        .build()
        .unwrap();
    assert!(!client.api_base_url().ends_with('/'));
    client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    let org = client.get_organization_details().send().await.unwrap();
    assert!(org.company_name.is_some());
}

#[tokio::test]
async fn first_time_from_a_refresh_token_and_user() {
    let emu = Emulator::start().await.unwrap();
    let first = client_for(&emu);
    let token = first
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    let refresh = token.refresh_token.unwrap();
    // Another process, another store: only the refresh token and the user are known.
    let other = client_for(&emu);
    let t = other
        .generate_access_token_from_refresh_token(refresh.expose(), ADMIN)
        .await
        .unwrap();
    assert_eq!(t.user_name.as_deref(), Some(ADMIN));
    assert_eq!(emu.refresh_count(), 1);
    other
        .for_user(ADMIN)
        .get_current_user()
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn refreshes_automatically_before_expiry() {
    let emu = Emulator::start_with(short_tokens(Duration::from_secs(2)))
        .await
        .unwrap();
    let client = Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(emu.api_base_url())
        .refresh_margin(Duration::from_millis(500))
        .current_user_email(ADMIN)
        .build()
        .unwrap();
    client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    client.get_organization_details().send().await.unwrap();
    assert_eq!(emu.refresh_count(), 0);
    tokio::time::sleep(Duration::from_millis(1700)).await;
    client.get_organization_details().send().await.unwrap();
    assert_eq!(
        emu.refresh_count(),
        1,
        "refreshed inside the margin, before the server rejected it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_refresh() {
    let (emu, client) = setup().await;
    // Make the stored and cached token stale, as if an hour had passed.
    let store = client.token_store().clone();
    let mut t = store.get_tokens().await.unwrap().remove(0);
    t.expiry_time = Some(0);
    store.save_token(&t).await.unwrap();
    let fresh_client = admin_on_store(&emu, store);
    drop(client);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let c = fresh_client.clone();
            tokio::spawn(async move { c.get_organization_details().send().await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(emu.refresh_count(), 1, "50 tasks, one refresh");
}

#[tokio::test]
async fn revoked_access_token_refreshes_once_and_retries() {
    let (emu, client) = setup().await;
    let t = client.token_store().get_tokens().await.unwrap().remove(0);
    emu.revoke_access_token(t.access_token.as_ref().unwrap().expose());
    let org = client.get_organization_details().send().await.unwrap();
    assert!(org.id.is_some());
    assert_eq!(emu.refresh_count(), 1);
    let after = client.token_store().get_tokens().await.unwrap().remove(0);
    assert_ne!(
        after.access_token, t.access_token,
        "the new token was saved"
    );
}

#[tokio::test]
async fn a_token_rejected_after_refresh_is_not_retried_forever() {
    // Every access token the server issues is dead at once (no live token is allowed per
    // refresh token, so each new one displaces itself): the client must give up.
    let emu = Emulator::start_with(EmulatorConfig {
        max_live_access_tokens: 0,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let client = client_for(&emu).for_user(ADMIN);
    client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidToken), "{err}");
    assert!(
        emu.refresh_count() <= 2,
        "bounded: {} refreshes",
        emu.refresh_count()
    );
    let msg = err.to_string();
    assert!(
        msg.contains(&emu.api_base_url()),
        "names the API domain in use: {msg}"
    );
}

#[tokio::test]
async fn refresh_throttle_is_typed_and_not_hammered() {
    let emu = Emulator::start_with(EmulatorConfig {
        refresh_limit_per_window: 2,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let client = client_for(&emu).for_user(ADMIN);
    client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    let store = client.token_store().clone();
    let stale = || async {
        let mut t = store.get_tokens().await.unwrap().remove(0);
        t.expiry_time = Some(0);
        store.save_token(&t).await.unwrap();
    };
    for _ in 0..2 {
        stale().await;
        let c = admin_on_store(&emu, store.clone());
        c.get_organization_details().send().await.unwrap();
    }
    assert_eq!(emu.refresh_count(), 2);
    stale().await;
    let c = admin_on_store(&emu, store.clone());
    let err = c.get_organization_details().send().await.unwrap_err();
    let Error::RefreshThrottled { retry_after: first } = err else {
        panic!("{err:?}")
    };
    assert!(first > Duration::ZERO);
    // The next call fails fast from the remembered throttle instead of asking again.
    let err = c.get_organization_details().send().await.unwrap_err();
    let Error::RefreshThrottled {
        retry_after: second,
    } = err
    else {
        panic!("{err:?}")
    };
    assert!(second < first, "counts down: {second:?} < {first:?}");
    assert_eq!(emu.refresh_count(), 2);
}

#[tokio::test]
async fn several_users_in_one_process_and_store() {
    let emu = Emulator::start().await.unwrap();
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let base = Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(emu.api_base_url())
        .token_store_arc(store.clone())
        .build()
        .unwrap();
    for user in [ADMIN, "ben@zylker.test"] {
        base.generate_access_token(&emu.grant_code(user))
            .await
            .unwrap();
    }
    let (a, b) = (base.for_user(ADMIN), base.for_user("ben@zylker.test"));
    let (ma, mb) = tokio::join!(a.get_current_user().send(), b.get_current_user().send());
    assert_eq!(ma.unwrap().data[0].email.as_deref(), Some(ADMIN));
    assert_eq!(
        mb.unwrap().data[0].email.as_deref(),
        Some("ben@zylker.test")
    );
    assert_eq!(store.get_tokens().await.unwrap().len(), 2);
}

/// Collects everything `tracing` prints, at every level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_never_reach_logs_debug_or_errors() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = Emulator::start().await.unwrap();
    let client = client_for(&emu);
    let token = client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    let client = client.for_user(ADMIN);
    emu.revoke_access_token(token.access_token.as_ref().unwrap().expose());
    client.get_organization_details().send().await.unwrap();
    let _ = client
        .for_user("nobody@x")
        .get_organization_details()
        .send()
        .await;
    let stored = client.token_store().get_tokens().await.unwrap();

    let secrets: Vec<String> = stored
        .iter()
        .flat_map(|t| [t.access_token.clone(), t.refresh_token.clone()])
        .flatten()
        .map(|s| s.expose().to_owned())
        .chain([
            emu.client_secret().to_owned(),
            token.access_token.unwrap().expose().to_owned(),
        ])
        .collect();
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("zohocrm.call"), "spans were logged: {logs}");
    let debug = format!("{client:?} {stored:?} {token:?}", token = stored[0]);
    for s in &secrets {
        assert!(!logs.contains(s.as_str()), "a secret reached the logs");
        assert!(!debug.contains(s.as_str()), "a secret reached Debug output");
    }
}

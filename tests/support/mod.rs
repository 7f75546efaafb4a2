//! Shared set-up for tests that talk to the emulator over real HTTP.
#![allow(dead_code)]

use zohocrm::Client;
use zohocrm::types::Record;
use zohocrm_emulator::{Emulator, EmulatorConfig};

/// The emulator's admin user.
pub const ADMIN: &str = "ada@zylker.test";

/// A client for the emulator, before any token exists.
pub fn client_for(emu: &Emulator) -> Client {
    Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(emu.api_base_url())
        .build()
        .expect("a valid emulator client")
}

/// A builder for the emulator's admin user on a given (shared) token store, the API base left
/// to the token's `api_domain` (pin it with `.api_base_url(..)`).
pub fn admin_builder(
    emu: &Emulator,
    store: std::sync::Arc<dyn zohocrm::store::TokenStore>,
) -> zohocrm::ClientBuilder {
    Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .token_store_arc(store)
        .current_user_email(ADMIN)
}

/// A client for the emulator's admin user, on a given (shared) token store.
pub fn admin_on_store(
    emu: &Emulator,
    store: std::sync::Arc<dyn zohocrm::store::TokenStore>,
) -> Client {
    admin_builder(emu, store)
        .api_base_url(emu.api_base_url())
        .build()
        .expect("a valid emulator client")
}

/// A client for the emulator's admin user, built with `tune` applied, that has exchanged a
/// grant code.
pub async fn admin_tuned(
    emu: &Emulator,
    tune: impl FnOnce(zohocrm::ClientBuilder) -> zohocrm::ClientBuilder,
) -> Client {
    let store = std::sync::Arc::new(zohocrm::store::MemoryStore::new());
    let client = tune(admin_builder(emu, store).api_base_url(emu.api_base_url()))
        .build()
        .expect("a valid emulator client");
    client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .expect("the grant code exchanged");
    client
}

/// A started emulator and a client whose admin user has exchanged a grant code.
pub async fn setup() -> (Emulator, Client) {
    setup_with(EmulatorConfig::default()).await
}

/// As [`setup`], with an emulator configuration.
pub async fn setup_with(config: EmulatorConfig) -> (Emulator, Client) {
    let emu = Emulator::start_with(config)
        .await
        .expect("the emulator starts");
    let client = client_for(&emu);
    let token = client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .expect("the grant code exchanges");
    let user = token.user_name.expect("the token names its user");
    (emu.clone(), client.for_user(user))
}

/// A record with string fields.
pub fn record(fields: &[(&str, &str)]) -> Record {
    let mut r = Record::new();
    for (k, v) in fields {
        r.set_field_value(k, v).expect("a string value");
    }
    r
}

/// Creates one record and returns its id.
pub async fn create(client: &Client, module: &str, fields: &[(&str, &str)]) -> zohocrm::Id {
    let res = client
        .module(module)
        .create_records([record(fields)])
        .send()
        .await
        .expect("create succeeds");
    let ok = res.into_result().expect("the record is created");
    ok[0].details.id.clone().expect("an id comes back")
}

/// A reference to another object by id (a role, a profile, a variable group, a custom view ...).
pub fn lookup(id: impl Into<zohocrm::Id>) -> zohocrm::types::LookupRef {
    let mut r = zohocrm::types::LookupRef::new();
    r.id = Some(id.into());
    r
}

/// The local parts of the users' emails (`ada` for `ada@zylker.test`), sorted.
pub fn logins(users: &[zohocrm::types::User]) -> Vec<String> {
    let mut v: Vec<String> = users
        .iter()
        .filter_map(|u| u.email.as_deref())
        .map(|e| e.split('@').next().unwrap_or(e).to_owned())
        .collect();
    v.sort();
    v
}

/// The one API error of a single-item write.
pub fn only_error<D: std::fmt::Debug>(res: &zohocrm::ActionResults<D>) -> &zohocrm::ApiError {
    assert_eq!(res.items.len(), 1, "{res:?}");
    res.items[0].as_ref().expect_err("the item fails")
}
/// A record from a JSON object (for fields that are not strings: numbers, lookups, lists).
pub fn record_json(v: serde_json::Value) -> Record {
    serde_json::from_value(v).expect("a record object")
}

/// Creates one record from a JSON object and returns its id.
pub async fn create_json(client: &Client, module: &str, v: serde_json::Value) -> zohocrm::Id {
    let res = client
        .module(module)
        .create_records([record_json(v)])
        .send()
        .await
        .expect("create succeeds");
    let ok = res.into_result().expect("the record is created");
    ok[0].details.id.clone().expect("an id comes back")
}

/// Every byte value once, then in reverse: a binary file that trips any text handling.
pub fn all_bytes() -> Vec<u8> {
    let mut v: Vec<u8> = (0..=255u8).collect();
    v.extend((0..=255u8).rev());
    v
}

/// Fetches one record.
pub async fn get(client: &Client, module: &str, id: impl Into<zohocrm::Id>) -> Record {
    client
        .module(module)
        .get_record(id)
        .send()
        .await
        .expect("the record exists")
}

/// The names of a record's tags.
pub fn tag_names(r: &Record) -> Vec<String> {
    r.tag
        .iter()
        .flatten()
        .filter_map(|t| t.name.clone())
        .collect()
}

/// The transport error a bulk helper's `Error::Bulk` chains, with the job id and message.
pub fn bulk_transport(e: &zohocrm::Error) -> (&str, &str, &zohocrm::error::TransportError) {
    match e {
        zohocrm::Error::Bulk {
            job_id,
            message,
            source: Some(inner),
            ..
        } => match &**inner {
            zohocrm::Error::Transport(t) => (job_id.as_str(), message.as_str(), t),
            other => panic!("expected a transport error under the bulk error, got {other:?}"),
        },
        other => panic!("expected a bulk error naming the job, got {other:?}"),
    }
}

/// A bulk helper's error after the server went away during its first status check: it names
/// the job (`kind` is `read` or `write`, `operation` the job's), chains the transport error, and
/// says how to check the job. Returns the job id.
pub fn assert_names_job_after_lost_poll(
    e: &zohocrm::Error,
    kind: &str,
    operation: &str,
    outcome_unknown: bool,
) -> String {
    let (job_id, message, transport) = bulk_transport(e);
    assert!(
        !job_id.is_empty() && job_id.bytes().all(|b| b.is_ascii_digit()),
        "{job_id:?}"
    );
    // The failed call was this job's status check.
    assert!(
        transport.to_string().contains(&format!("/{kind}/{job_id}")),
        "{transport}"
    );
    assert!(
        message.contains(&format!("get_bulk_{kind}_job_details")),
        "{message}"
    );
    assert!(
        matches!(e, zohocrm::Error::Bulk { operation: op, .. } if *op == operation),
        "{e:?}"
    );
    let chained = std::error::Error::source(e).expect("a source");
    assert!(
        matches!(
            chained.downcast_ref::<zohocrm::Error>(),
            Some(zohocrm::Error::Transport(_))
        ),
        "{chained:?}"
    );
    assert!(e.to_string().contains(job_id), "{e}");
    assert!(e.is_retryable(), "a transport failure: {e}");
    // A Bulk Write job goes on writing whatever happens here; a read changes nothing.
    assert_eq!(e.is_outcome_unknown(), outcome_unknown, "{e}");
    job_id.to_owned()
}

/// Shuts the emulator down once it has answered `calls` more CRM calls than `before`, while the
/// bulk helper `job` still runs (a helper that ended first fails the test).
pub async fn shut_down_after<T>(
    emu: &Emulator,
    before: u64,
    calls: u64,
    job: &tokio::task::JoinHandle<T>,
) {
    while emu.crm_request_count() < before + calls {
        assert!(!job.is_finished(), "the helper ended before polling");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    emu.clone().shutdown().await;
}

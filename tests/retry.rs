//! Retry by policy: idempotent calls retry 429 and 5xx a bounded number of times; writes that
//! are not idempotent never do. Faults come from the emulator's fault injection.

mod support;

use support::{record, setup};
use zohocrm::ErrorCode;

#[tokio::test]
async fn idempotent_calls_retry_transient_failures() {
    let (emu, client) = setup().await;
    let before = emu.crm_request_count();
    emu.inject_faults(&[503, 429]);
    let page = client.module("Leads").get_records().send().await.unwrap();
    assert!(!page.data.is_empty());
    assert_eq!(
        emu.crm_request_count() - before,
        3,
        "two failures, then success"
    );
}

#[tokio::test]
async fn retries_are_bounded() {
    let (emu, client) = setup().await;
    let before = emu.crm_request_count();
    emu.inject_faults(&[500, 500, 500, 500]);
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InternalError), "{err}");
    assert_eq!(err.as_api().unwrap().http_status, 500);
    assert_eq!(
        emu.crm_request_count() - before,
        3,
        "one try and two retries"
    );
}

#[tokio::test]
async fn writes_that_are_not_idempotent_are_not_retried() {
    let (emu, client) = setup().await;
    let leads_before = emu.records("Leads").len();
    let before = emu.crm_request_count();
    emu.inject_faults(&[503]);
    let err = client
        .module("Leads")
        .create_records([record(&[("Last_Name", "Once")])])
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.as_api().unwrap().http_status, 503, "{err}");
    assert_eq!(emu.crm_request_count() - before, 1, "sent once");
    assert_eq!(emu.records("Leads").len(), leads_before);
}

#[tokio::test]
async fn max_retries_zero_disables_retries() {
    let (emu, _) = setup().await;
    let client = zohocrm::Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .accounts_url(emu.accounts_url())
        .api_base_url(emu.api_base_url())
        .token_store_arc(std::sync::Arc::new(zohocrm::store::MemoryStore::new()))
        .redirect_uri(emu.redirect_uri())
        .current_user_email(support::ADMIN)
        .max_retries(0)
        .build()
        .unwrap();
    client
        .generate_access_token(&emu.grant_code(support::ADMIN))
        .await
        .unwrap();
    emu.inject_faults(&[429]);
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::TooManyRequests), "{err}");
    client.get_organization_details().send().await.unwrap();
}

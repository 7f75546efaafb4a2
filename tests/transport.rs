//! Transport behaviour. Retry by policy: 429 is retried for every call, writes included (Zoho
//! did not process it); 5xx only for idempotent calls, and a write that got one fails saying it
//! may or may not have happened. `Retry-After` is honoured in both its forms. Faults come from
//! the emulator's fault injection. And requests go through a configured proxy.

mod support;

use support::{record, setup};
use zohocrm::{ErrorCode, RetryPolicy};
use zohocrm_emulator::transport::RetryAfter;

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
    emu.inject_faults(&[500, 500, 500, 500, 500, 500]);
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InternalError), "{err}");
    assert_eq!(err.as_api().unwrap().http_status, 500);
    assert!(
        err.is_retryable() && !err.is_outcome_unknown(),
        "a read changes nothing"
    );
    assert_eq!(
        emu.crm_request_count() - before,
        5,
        "the default policy's five tries"
    );
}

/// Creates one Lead after injecting `fault`: the result, the requests the emulator received
/// and the Leads it gained.
async fn write_after_fault(
    emu: &zohocrm_emulator::Emulator,
    client: &zohocrm::Client,
    fault: u16,
) -> (
    zohocrm::Result<zohocrm::ActionResults<zohocrm::types::RecordActionDetails>>,
    u64,
    usize,
) {
    let leads_before = emu.records("Leads").len();
    let before = emu.crm_request_count();
    emu.inject_faults(&[fault]);
    let res = client
        .module("Leads")
        .create_records([record(&[("Last_Name", "Written once")])])
        .send()
        .await;
    let sent = emu.crm_request_count() - before;
    (res, sent, emu.records("Leads").len() - leads_before)
}

#[tokio::test]
async fn writes_that_are_not_idempotent_are_not_retried() {
    let (emu, client) = setup().await;
    let (res, sent, created) = write_after_fault(&emu, &client, 503).await;
    let err = res.unwrap_err();
    assert_eq!(err.as_api().unwrap().http_status, 503, "{err}");
    assert_eq!((sent, created), (1, 0), "sent once");
    assert!(err.is_outcome_unknown(), "{err}");
    assert!(
        err.to_string().contains("may or may not have happened"),
        "{err}"
    );
}

#[tokio::test]
async fn a_throttled_write_is_retried_because_zoho_did_not_process_it() {
    // Source: zoho-api-v2.md §4: 429 is the credit or concurrency limit, the call not run.
    let (emu, client) = setup().await;
    emu.set_retry_after(RetryAfter::Seconds(0));
    let (res, sent, created) = write_after_fault(&emu, &client, 429).await;
    assert!(res.unwrap().all_succeeded());
    assert_eq!(
        (sent, created),
        (2, 1),
        "one 429, one success, created once"
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let (emu, client) = setup().await;
    // An HTTP-date has whole seconds: 2 s ahead means a wait of more than 1 s.
    emu.set_retry_after(RetryAfter::HttpDate(2));
    emu.inject_faults(&[429]);
    let started = std::time::Instant::now();
    client.get_organization_details().send().await.unwrap();
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let never = client.with_retry_policy(RetryPolicy::never());
    emu.inject_faults(&[429]);
    let err = never.get_organization_details().send().await.unwrap_err();
    let wait = err
        .as_api()
        .unwrap()
        .retry_after
        .expect("parsed from the date");
    assert!(wait <= std::time::Duration::from_secs(2), "{wait:?}");
    assert!(err.is_throttled() && err.is_retryable(), "{err}");

    // Without the header, the policy's own backoff applies.
    emu.set_retry_after(RetryAfter::Absent);
    emu.inject_faults(&[429]);
    let err = never.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.as_api().unwrap().retry_after, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_parallel_reads_on_a_default_client_survive_a_cap_of_two() {
    let config = zohocrm_emulator::EmulatorConfig {
        crm_latency: std::time::Duration::from_millis(50),
        max_concurrent_requests: Some(2),
        ..zohocrm_emulator::EmulatorConfig::default()
    };
    let (emu, client) = support::setup_with(config).await;
    let results = burst(&client, 10).await;
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    // The peak counts calls refused at the cap too: above 2 means some got 429 and retried.
    assert!(emu.peak_concurrent_requests() > 2, "the cap was hit");
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

#[tokio::test]
async fn retry_after_is_honoured() {
    let (emu, client) = setup().await;
    emu.inject_faults(&[429]);
    let started = std::time::Instant::now();
    client.get_organization_details().send().await.unwrap();
    // The emulator says `Retry-After: 1`; the default backoff alone would wait 200 ms.
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    emu.inject_faults(&[429]);
    let never = client.with_retry_policy(RetryPolicy::never());
    let err = never.get_organization_details().send().await.unwrap_err();
    assert_eq!(
        err.as_api().unwrap().retry_after,
        Some(std::time::Duration::from_secs(1))
    );
}

#[tokio::test]
async fn requests_go_through_the_configured_proxy() {
    // The emulator doubles as an HTTP proxy: it serves absolute-form requests by their path. The
    // hosts below do not resolve, so only a proxied request can succeed.
    let emu = zohocrm_emulator::Emulator::start().await.unwrap();
    let client = zohocrm::Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url("http://accounts.zoho.invalid")
        .api_base_url("http://crm.zoho.invalid")
        .proxy(format!("http://user:proxy-pass@{}", emu.local_addr()))
        .current_user_email(support::ADMIN)
        .build()
        .unwrap();
    client
        .generate_access_token(&emu.grant_code(support::ADMIN))
        .await
        .unwrap();
    let org = client.get_organization_details().send().await.unwrap();
    assert!(org.company_name.is_some());
    assert!(!format!("{client:?}").contains("proxy-pass"));

    let err = zohocrm::Client::builder()
        .client_id("c")
        .client_secret("s")
        .proxy("::not a url::")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, zohocrm::Error::Config(c) if c.key == "proxy"),
        "{err:?}"
    );
}

async fn burst(
    client: &zohocrm::Client,
    n: usize,
) -> Vec<zohocrm::Result<zohocrm::types::Organization>> {
    let calls = (0..n).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.get_organization_details().send().await })
    });
    let mut out = Vec::new();
    for h in calls.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrency_limit_waits_instead_of_hitting_zohos_cap() {
    use zohocrm_emulator::EmulatorConfig;
    let config = || EmulatorConfig {
        crm_latency: std::time::Duration::from_millis(100),
        max_concurrent_requests: Some(3),
        ..EmulatorConfig::default()
    };
    // Without a limit, 8 parallel calls overrun a cap of 3 (and non-retried ones fail).
    let (emu, unlimited) = support::setup_with(config()).await;
    let no_retry = unlimited.clone();
    let _ = burst(&no_retry, 8).await;
    assert!(
        emu.peak_concurrent_requests() > 3,
        "peak {}",
        emu.peak_concurrent_requests()
    );

    // With the limit at the cap, every call succeeds and the server never sees more than 3.
    let (emu, _) = support::setup_with(config()).await;
    let limited = zohocrm::Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(emu.api_base_url())
        .current_user_email(support::ADMIN)
        .max_concurrent_requests(3)
        .max_retries(0)
        .build()
        .unwrap();
    limited
        .generate_access_token(&emu.grant_code(support::ADMIN))
        .await
        .unwrap();
    let results = burst(&limited, 8).await;
    assert!(
        results.iter().all(Result::is_ok),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    assert!(
        emu.peak_concurrent_requests() <= 3,
        "peak {}",
        emu.peak_concurrent_requests()
    );
}

//! The transport a user tunes, over real HTTP against the emulator: each retry-policy setting,
//! each timeout kind, gzip with the bytes on the wire counted, response metadata, the criteria
//! builder's escaping and the id an upload returns.

#[path = "support/relay.rs"]
mod relay;
mod support;

use relay::Relay;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use support::{ADMIN, create, record};
use zohocrm::{Client, ClientBuilder, Criteria, RetryPolicy, Settings, TimeoutKind, UploadFile};
use zohocrm_emulator::transport::RetryAfter;
use zohocrm_emulator::{Emulator, EmulatorConfig};

/// A client for the admin user whose API calls go to `api_base`, built with `tune`.
async fn tuned(
    emu: &Emulator,
    api_base: &str,
    tune: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Client {
    let builder = Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(api_base)
        .current_user_email(ADMIN);
    let client = tune(builder).build().unwrap();
    client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    client
}

async fn leads_page(client: &Client) -> usize {
    client
        .module("Leads")
        .get_records()
        .per_page(200)
        .send()
        .await
        .unwrap()
        .data
        .len()
}

#[tokio::test]
async fn gzip_is_negotiated_and_shrinks_a_page_on_the_wire() {
    let emu = Emulator::start().await.unwrap();
    let seeding = support::client_for(&emu).for_user(ADMIN);
    seeding
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    let batch: Vec<_> = (0..200)
        .map(|i| {
            let name = format!("Wire {i}");
            let email = format!("wire{i}@example.com");
            record(&[
                ("Last_Name", name.as_str()),
                ("Company", "Zylker Wire Testing Ltd"),
                ("Email", email.as_str()),
                ("Description", "A lead made to measure bytes on the wire."),
            ])
        })
        .collect();
    let created = seeding
        .module("Leads")
        .create_records(batch)
        .send_all()
        .await
        .unwrap();
    assert!(created.all_succeeded());

    let relay = Relay::start(emu.local_addr()).await;
    let plain = tuned(&emu, &relay.addr, |b| b.gzip(false)).await;
    let start = relay.bytes_down();
    let n_plain = leads_page(&plain).await;
    let plain_bytes = relay.bytes_down() - start;

    let gzip = tuned(&emu, &relay.addr, |b| b).await; // the default asks for gzip
    let start = relay.bytes_down();
    let answer = gzip
        .module("Leads")
        .get_records()
        .per_page(200)
        .send_with_meta()
        .await
        .unwrap();
    let gzip_bytes = relay.bytes_down() - start;
    assert_eq!(answer.value.data.len(), n_plain);
    assert_eq!(n_plain, 200);
    println!("200 leads: {plain_bytes} bytes plain, {gzip_bytes} bytes gzip");
    assert!(
        gzip_bytes * 3 < plain_bytes,
        "gzip {gzip_bytes} vs plain {plain_bytes}"
    );
}

#[tokio::test]
async fn metadata_comes_with_every_typed_call() {
    let (emu, client) = support::setup().await;
    let answer = client
        .get_organization_details()
        .send_with_meta()
        .await
        .unwrap();
    assert!(answer.value.company_name.is_some());
    assert_eq!(answer.meta.status, 200);
    assert_eq!(answer.meta.attempts, 1);
    assert!(answer.meta.elapsed > Duration::ZERO);
    assert!(
        answer
            .meta
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let reset = answer
        .meta
        .access_token_reset()
        .expect("X-Accesstoken-Reset");
    assert!(reset.len() >= 19 && reset.contains('T'), "{reset}");

    // Retries show in the tries count; a write's per-item results keep their metadata too.
    emu.set_retry_after(RetryAfter::Seconds(0));
    emu.inject_faults(&[429]);
    let answer = client
        .module("Leads")
        .create_records([record(&[("Last_Name", "Meta")])])
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(answer.meta.attempts, 2);
    assert_eq!(answer.meta.status, 201);
    assert!(answer.value.all_succeeded());
}

#[tokio::test]
async fn each_retry_policy_setting() {
    let (emu, client) = support::setup().await;
    emu.set_retry_after(RetryAfter::Absent);
    let fast = RetryPolicy::default()
        .base_backoff(Duration::from_millis(10))
        .jitter(0.0);
    let count = |emu: &Emulator| emu.crm_request_count();

    // max_attempts
    let three = client.with_retry_policy(fast.clone().max_attempts(3));
    let before = count(&emu);
    emu.inject_faults(&[500, 500, 500]);
    assert!(three.get_organization_details().send().await.is_err());
    assert_eq!(count(&emu) - before, 3);

    // retry_throttled / retry_server_errors
    for (policy, fault, tries) in [
        (fast.clone().retry_throttled(false), 429, 1),
        (fast.clone().retry_server_errors(false), 503, 1),
        (fast.clone().retry_server_errors(false), 429, 2),
        (fast.clone().retry_throttled(false), 503, 2),
    ] {
        let before = count(&emu);
        emu.inject_faults(&[fault]);
        let res = client
            .with_retry_policy(policy)
            .get_organization_details()
            .send()
            .await;
        assert_eq!(count(&emu) - before, tries, "fault {fault}");
        assert_eq!(res.is_ok(), tries == 2, "fault {fault}");
    }

    // base_backoff: two retries wait base + 2 × base at least.
    let slow = client.with_retry_policy(fast.clone().base_backoff(Duration::from_millis(300)));
    emu.inject_faults(&[503, 503]);
    let started = Instant::now();
    slow.get_organization_details().send().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    // max_backoff caps the doubling: a 60 s base capped at 50 ms.
    let capped = client.with_retry_policy(
        fast.clone()
            .base_backoff(Duration::from_secs(60))
            .max_backoff(Duration::from_millis(50)),
    );
    emu.inject_faults(&[503, 503]);
    let started = Instant::now();
    capped.get_organization_details().send().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );

    // max_retry_after caps the server's wait; jitter adds to it, never takes away.
    emu.set_retry_after(RetryAfter::Seconds(3600));
    let capped = client.with_retry_policy(
        fast.clone()
            .max_retry_after(Duration::from_millis(200))
            .jitter(1.0),
    );
    emu.inject_faults(&[429]);
    let started = Instant::now();
    capped.get_organization_details().send().await.unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(200) && took < Duration::from_secs(30),
        "{took:?}"
    );
}

#[tokio::test]
async fn transport_failures_retry_by_policy() {
    // The emulator answers after 400 ms; a 100 ms read timeout makes every try time out.
    let emu = Emulator::start_with(EmulatorConfig {
        crm_latency: Duration::from_millis(400),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let relay = Relay::start(emu.local_addr()).await;
    let policy = RetryPolicy::default()
        .base_backoff(Duration::from_millis(10))
        .max_attempts(3);
    let client = tuned(&emu, &relay.addr, |b| {
        b.read_timeout(Duration::from_millis(100))
            .retry_policy(policy.clone())
    })
    .await;
    let before = relay.connections.load(Ordering::SeqCst);
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read), "{err}");
    assert_eq!(
        relay.connections.load(Ordering::SeqCst) - before,
        3,
        "three tries"
    );

    let before = relay.connections.load(Ordering::SeqCst);
    let once = client.with_retry_policy(policy.retry_transport_errors(false));
    let err = once.get_organization_details().send().await.unwrap_err();
    assert!(err.is_retryable() && !err.is_outcome_unknown(), "{err}");
    assert_eq!(relay.connections.load(Ordering::SeqCst) - before, 1);

    // A write that timed out is never retried, and may have happened.
    let before = relay.connections.load(Ordering::SeqCst);
    let err = client
        .module("Leads")
        .create_records([record(&[("Last_Name", "Maybe")])])
        .send()
        .await
        .unwrap_err();
    assert_eq!(relay.connections.load(Ordering::SeqCst) - before, 1);
    assert!(err.is_outcome_unknown(), "{err}");
    assert!(
        err.to_string().contains("may or may not have happened"),
        "{err}"
    );
}

/// A listening socket whose accept queue is full: the kernel drops further SYNs, so a connect
/// hangs until the client gives up. Loopback only.
fn black_hole() -> (std::net::TcpListener, std::net::TcpStream, String) {
    use std::os::fd::AsRawFd;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    // SAFETY: a plain listen(2) on a socket this function owns.
    assert_eq!(unsafe { libc::listen(listener.as_raw_fd(), 0) }, 0);
    let addr = listener.local_addr().unwrap();
    let filler = std::net::TcpStream::connect(addr).unwrap();
    (listener, filler, format!("http://{addr}"))
}

#[tokio::test]
async fn each_timeout_kind() {
    let emu = Emulator::start_with(EmulatorConfig {
        crm_latency: Duration::from_millis(1500),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();

    // Connect: nothing accepts the connection.
    let (_hole, _filler, hole) = black_hole();
    let client = tuned(&emu, &hole, |b| {
        b.connect_timeout(Duration::from_millis(200))
            .retry_policy(RetryPolicy::never())
    })
    .await;
    let started = Instant::now();
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Connect), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(err.hint().unwrap().contains("connect_timeout"));

    // A read timeout shorter than the connect timeout bounds the connect too (reqwest's read
    // timer starts at the send); the call is still a connect timeout, whose hint is the right fix.
    let client = tuned(&emu, &hole, |b| {
        b.connect_timeout(Duration::from_secs(30))
            .read_timeout(Duration::from_millis(200))
            .retry_policy(RetryPolicy::never())
    })
    .await;
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Connect), "{err:?}");

    // Read: the server is silent longer than the read timeout.
    let base = emu.api_base_url();
    let client = tuned(&emu, &base, |b| {
        b.read_timeout(Duration::from_millis(200))
            .retry_policy(RetryPolicy::never())
    })
    .await;
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read), "{err}");

    // Total: each read is in time, but the operation is not.
    let client = tuned(&emu, &base, |b| b.read_timeout(Duration::from_secs(30))).await;
    let err = client
        .with_timeout(Duration::from_millis(300))
        .get_organization_details()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Total), "{err}");
    assert!(err.to_string().contains("Total timeout"), "{err}");
    // Named by its full URL, as the other timeouts are.
    assert!(
        err.to_string().contains(&format!("GET {base}/crm/v2/org")),
        "{err}"
    );
    // The same call with the client's own (default) total succeeds.
    client.get_organization_details().send().await.unwrap();
}

/// A client for the admin user built from settings: `toml` after the emulator's keys (no
/// retries, so one timed-out try ends the call), with `env` layered over it.
async fn from_settings(emu: &Emulator, api_base: &str, toml: &str, env: &[(&str, &str)]) -> Client {
    let text = format!(
        "client_id = \"{}\"\nclient_secret = \"{}\"\nredirect_uri = \"{}\"\n\
         accounts_url = \"{}\"\napi_base_url = \"{api_base}\"\ncurrent_user_email = \"{ADMIN}\"\n\
         max_retries = 0\n{toml}",
        emu.client_id(),
        emu.client_secret(),
        emu.redirect_uri(),
        emu.accounts_url(),
    );
    let file = Settings::from_toml_str(&text, "timeouts.toml").unwrap();
    let vars = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
    let client = file
        .merge(Settings::from_env_map(vars).unwrap())
        .into_builder()
        .await
        .unwrap()
        .build()
        .unwrap();
    client
        .generate_access_token(&emu.grant_code(ADMIN))
        .await
        .unwrap();
    client
}

// The three *_timeout_secs / timeout_secs keys reach the HTTP client: each ends a call with its
// own kind. The defaults (10 s connect, 60 s read, 120 s total) would let every call here wait.
#[tokio::test]
async fn timeouts_set_in_settings_take_effect() {
    // CRM calls are answered after 3 s (the emulator's crm_latency test knob); token calls at once.
    let emu = Emulator::start_with(EmulatorConfig {
        crm_latency: Duration::from_secs(3),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let base = emu.api_base_url();

    // Read, from the file: silent for longer than 1 s.
    let client = from_settings(&emu, &base, "read_timeout_secs = 1\n", &[]).await;
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read), "{err}");

    // Read, from the environment over a file that allows 30 s.
    let client = from_settings(
        &emu,
        &base,
        "read_timeout_secs = 30\n",
        &[("ZOHO_READ_TIMEOUT_SECS", "1")],
    )
    .await;
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read), "{err}");

    // Connect, from the environment: nothing accepts the connection.
    let (_hole, _filler, hole) = black_hole();
    let client = from_settings(&emu, &hole, "", &[("ZOHO_CONNECT_TIMEOUT_SECS", "1")]).await;
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Connect), "{err:?}");

    // Total, from the file: each read is in time, the operation is not.
    let client = from_settings(
        &emu,
        &base,
        "read_timeout_secs = 30\ntimeout_secs = 1\n",
        &[],
    )
    .await;
    let err = client.get_organization_details().send().await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Total), "{err}");
}

#[tokio::test]
async fn a_streamed_download_is_bounded_by_read_inactivity_not_the_total() {
    let (emu, admin) = support::setup().await;
    let id = create(&admin, "Leads", &[("Last_Name", "Streamed")]).await;
    let bytes: Vec<u8> = (0..160 * 1024).map(|i| (i % 251) as u8).collect();
    let results = admin
        .record("Leads", id.clone())
        .upload_attachment(UploadFile::new("big.bin", bytes.clone()))
        .send()
        .await
        .unwrap();
    // The upload gives the new attachment's id directly.
    let attachment = results.created_id().unwrap();

    // Ten 16 KiB chunks, 100 ms apart: about a second in all.
    emu.set_file_chunk_delay(Duration::from_millis(100));
    let base = emu.api_base_url();
    let client = tuned(&emu, &base, |b| {
        b.timeout(Duration::from_millis(400))
            .read_timeout(Duration::from_secs(5))
    })
    .await;
    let started = Instant::now();
    let file = client
        .record("Leads", id.clone())
        .download_attachment(attachment.clone())
        .send_stream()
        .await
        .unwrap();
    let got = file.bytes().await.unwrap();
    assert_eq!(got.as_ref(), bytes.as_slice());
    assert!(
        started.elapsed() > Duration::from_millis(400),
        "outlived the total"
    );

    // A stall longer than the read timeout ends it.
    emu.set_file_chunk_delay(Duration::from_millis(600));
    let client = tuned(&emu, &base, |b| b.read_timeout(Duration::from_millis(150))).await;
    let res = match client
        .record("Leads", id)
        .download_attachment(attachment)
        .send_stream()
        .await
    {
        Ok(file) => file.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    let err = res.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Read), "{err}");
}

#[tokio::test]
async fn criteria_builder_escapes_what_zoho_requires() {
    let (_emu, client) = support::setup().await;
    let name = r"O'Hara (Jr), A\B";
    let id = create(
        &client,
        "Leads",
        &[("Last_Name", name), ("Company", "Escapes, Inc")],
    )
    .await;
    let criteria =
        Criteria::equals("Last_Name", name).and(Criteria::starts_with("Company", "Escapes,"));
    let found = client
        .module("Leads")
        .search_records_by_criteria(criteria)
        .send()
        .await
        .unwrap();
    assert_eq!(found.data.len(), 1, "{:?}", found.data);
    assert_eq!(found.data[0].id.as_ref(), Some(&id));

    // Bad input: the same value unescaped is not valid criteria.
    let err = client
        .module("Leads")
        .search_records_by_criteria(format!("(Last_Name:equals:{name})"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.as_api().map(|a| a.http_status), Some(400), "{err}");
}

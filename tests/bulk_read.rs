//! Bulk Read over real HTTP against the emulator: the three typed operations with their state
//! transitions, and `client.bulk_read(..)` streaming 10,000+ records out of real zips.
//! Source of the shapes: zoho.com/crm/developer/docs/api/v2/bulk-read/*.html.

mod support;

use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;
use support::*;
use zohocrm::stream::TryStreamExt;
use zohocrm::types::{BulkCallback, BulkReadQuery};
use zohocrm::{Error, Id, RetryPolicy, TimeoutKind};
use zohocrm_emulator::{Emulator, EmulatorConfig};

fn leads_query() -> BulkReadQuery {
    let mut q = BulkReadQuery::new();
    q.module = Some("Leads".into());
    q
}

fn seed(emu: &Emulator, n: usize, company: &str) -> HashSet<String> {
    (0..n)
        .map(|i| {
            emu.insert_record(
                "Leads",
                json!({"Last_Name": format!("Bulk {i}"), "Company": company, "No_of_Employees": i}),
            )
            .expect("inserted")
        })
        .collect()
}

const FAST: Duration = Duration::from_millis(20);

#[tokio::test]
async fn job_moves_from_added_through_in_progress_to_completed_with_a_real_zip() {
    let config = EmulatorConfig {
        bulk_job_phase: Duration::from_millis(300),
        ..EmulatorConfig::default()
    };
    let (emu, client) = setup_with(config).await;
    seed(&emu, 3, "Zipco");
    let mut cb = BulkCallback::new();
    cb.url = Some("https://example.com/done".into());
    cb.method = Some("post".into());
    let created = client
        .create_bulk_read_job(leads_query())
        .callback(cb)
        .send()
        .await
        .expect("created")
        .into_result()
        .expect("one job");
    assert_eq!(created[0].details.state.as_deref(), Some("ADDED"));
    let id: Id = created[0].details.id.clone().expect("a job id");
    let job = client
        .get_bulk_read_job_details(id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(job.state.as_deref(), Some("ADDED"));
    assert_eq!(
        job.callback.and_then(|c| c.url).as_deref(),
        Some("https://example.com/done")
    );
    // Not downloadable before it completes.
    assert!(client.download_result(id.clone()).send().await.is_err());
    tokio::time::sleep(Duration::from_millis(350)).await;
    let job = client
        .get_bulk_read_job_details(id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(job.state.as_deref(), Some("IN PROGRESS"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let job = client
        .get_bulk_read_job_details(id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(job.state.as_deref(), Some("COMPLETED"));
    let result = job.result.expect("a result once completed");
    assert_eq!(result.page, Some(1));
    assert_eq!(result.more_records, Some(false));
    assert_eq!(
        result.download_url.as_deref(),
        Some(format!("/crm/bulk/v2/read/{id}/result").as_str())
    );
    let file = client.download_result(id.clone()).send().await.unwrap();
    assert_eq!(file.content_type.as_deref(), Some("application/zip"));
    assert_eq!(&file.bytes[..2], b"PK", "a real zip");
    assert_eq!(
        result.count.map(|c| c as usize),
        Some(emu.records("Leads").len())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_read_streams_10000_records_across_pages() {
    let config = EmulatorConfig {
        bulk_read_per_page: 4000,
        ..EmulatorConfig::default()
    };
    let (emu, client) = setup_with(config).await;
    let ours = seed(&emu, 10_000, "Bulkco");
    let total = emu.records("Leads").len();
    let mut seen = HashSet::new();
    let mut stream = client
        .bulk_read(leads_query())
        .poll_interval(FAST, FAST * 4)
        .stream();
    let mut bulk_rows = 0;
    while let Some(r) = stream.try_next().await.expect("the bulk read streams") {
        let id = r.id.clone().expect("the Id column").to_string();
        if ours.contains(&id) {
            bulk_rows += 1;
            let name: String = r.get_field_value("Last_Name").unwrap().unwrap();
            assert!(name.starts_with("Bulk "), "{name}");
        }
        assert!(seen.insert(id), "a record came twice");
    }
    assert_eq!(bulk_rows, 10_000);
    assert_eq!(
        seen.len(),
        total,
        "three jobs of 4,000 cover every lead once"
    );
}

#[tokio::test]
async fn criteria_and_fields_shape_the_export() {
    let (emu, client) = setup_with(EmulatorConfig::default()).await;
    seed(&emu, 50, "Critco");
    let mut q = leads_query();
    q.fields = Some(vec!["Last_Name".into(), "No_of_Employees".into()]);
    q.criteria = Some(
        serde_json::from_value(json!({"group_operator": "and", "group": [
            {"api_name": "Company", "comparator": "equal", "value": "Critco"},
            {"api_name": "No_of_Employees", "comparator": "greater_equal", "value": 45}
        ]}))
        .unwrap(),
    );
    let rows: Vec<zohocrm::types::Record> = client
        .bulk_read(q)
        .poll_interval(FAST, FAST)
        .stream()
        .try_collect()
        .await
        .expect("reads");
    assert_eq!(rows.len(), 5);
    for r in &rows {
        assert!(
            r.get_field_value::<String>("Company").is_none(),
            "only the asked fields"
        );
        // CSV cells are text, as in Zoho's export.
        let n: String = r.get_field_value("No_of_Employees").unwrap().unwrap();
        assert!(n.parse::<i64>().unwrap() >= 45, "{n}");
    }
}

#[tokio::test]
async fn failed_job_and_bad_query_are_errors() {
    let (_emu, client) = setup().await;
    let mut q = leads_query();
    q.criteria = Some(
        serde_json::from_value(
            json!({"api_name": "Company", "comparator": "sounds_like", "value": "x"}),
        )
        .unwrap(),
    );
    let e = client
        .bulk_read(q)
        .poll_interval(FAST, FAST)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Bulk {
                operation: "read",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("FAILURE"), "{e}");

    let mut q = BulkReadQuery::new();
    q.module = Some("Nope".into());
    let e = client.create_bulk_read_job(q).send().await.unwrap_err();
    assert_eq!(e.as_api().map(|a| a.http_status), Some(400));
}

// get-job-details.html: a created job runs at Zoho whether or not anyone polls it, and its id is
// how to find it again; so when the server goes away while the stream polls, the error names the
// job and chains the transport error.
#[tokio::test]
async fn the_server_going_away_mid_poll_names_the_job_and_chains_the_transport_error() {
    // The job stays ADDED for an hour: the stream is still polling when the server stops.
    let (emu, client) = setup_with(EmulatorConfig {
        bulk_job_phase: Duration::from_secs(3600),
        ..EmulatorConfig::default()
    })
    .await;
    // No retries: the first refused poll after the stop ends the stream.
    let client = client.with_retry_policy(RetryPolicy::never());
    let before = emu.crm_request_count();
    let job = tokio::spawn(
        client
            .bulk_read(leads_query())
            .poll_interval(FAST, FAST)
            .stream()
            .try_collect::<Vec<_>>(),
    );
    // Create, then the first poll: once that arrived, the job exists.
    shut_down_after(&emu, before, 2, &job).await;
    let e = job.await.expect("the stream task").unwrap_err();
    assert_names_job_after_lost_poll(&e, "read", "read", false);
}

// download-result.html: the zip is downloaded once the job COMPLETED; a stall there (the
// emulator's file trickle, longer than the read timeout) ends the stream with the job named and
// the read timeout seen through the bulk error.
#[tokio::test]
async fn a_stalled_result_download_names_the_job_and_its_read_timeout() {
    let emu = Emulator::start_with(EmulatorConfig {
        bulk_job_phase: FAST,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let client = admin_tuned(&emu, |b| {
        b.read_timeout(Duration::from_millis(150))
            .retry_policy(RetryPolicy::never())
    })
    .await;
    emu.set_file_chunk_delay(Duration::from_millis(600));
    let e = client
        .bulk_read(leads_query())
        .poll_interval(FAST, FAST)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    let (job_id, message, transport) = bulk_transport(&e);
    assert!(!job_id.is_empty());
    assert!(message.contains("download_result(job_id)"), "{message}");
    assert_eq!(transport.timeout_kind(), Some(TimeoutKind::Read), "{e}");
    assert_eq!(e.timeout_kind(), Some(TimeoutKind::Read), "{e}");
    assert!(e.is_retryable() && !e.is_outcome_unknown(), "{e}");
}

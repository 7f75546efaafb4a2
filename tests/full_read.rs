//! Reading whole modules past Zoho's 2,000-record cap on page numbers, over real HTTP against
//! the emulator.

mod support;

use std::collections::HashSet;
use support::*;
use zohocrm::stream::TryStreamExt;
use zohocrm::types::Record;
use zohocrm::{Client, Error, ErrorCode, Id};

/// Creates `n` Leads (100 per call) with `Company` set, returning their ids in order.
async fn create_leads(client: &Client, n: usize, company: &str) -> Vec<Id> {
    let recs: Vec<Record> = (0..n)
        .map(|i| record(&[("Last_Name", &format!("Lead {i}")), ("Company", company)]))
        .collect();
    let res = client
        .module("Leads")
        .create_records(recs)
        .send_all()
        .await
        .expect("the creates are sent");
    res.into_result()
        .expect("every lead is created")
        .into_iter()
        .map(|s| s.details.id.expect("an id"))
        .collect()
}

/// Asserts that a read was refused with the cap error.
fn assert_capped<T: std::fmt::Debug>(r: zohocrm::Result<T>) {
    let e = cap_error(r.expect_err("the read is refused"));
    assert_eq!(e.code, ErrorCode::DiscretePaginationLimitExceeded);
}

fn cap_error(e: Error) -> zohocrm::ApiError {
    match e {
        Error::Api(a) => *a,
        other => panic!("expected the cap error, got {other:?}"),
    }
}

// Source: the genuine body quoted in airbytehq/airbyte#30977 (400, details.limit 2000).
#[tokio::test]
async fn page_past_2000_is_refused_for_records_search_and_related_lists() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let e = cap_error(
        leads
            .get_records()
            .page(11)
            .per_page(200)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(e.http_status, 400);
    assert_eq!(e.code, ErrorCode::DiscretePaginationLimitExceeded);
    assert_eq!(e.details.limit.as_deref(), Some("2000"));
    // The cap is on page × per_page, not on the page number alone.
    let ok = leads.get_records().page(20).per_page(100).send().await;
    assert!(ok.is_ok(), "record 1,901..2,000 are reachable: {ok:?}");
    assert_capped(leads.get_records().page(21).per_page(100).send().await);

    assert_capped(
        leads
            .search_records_by_criteria("(Last_Name:starts_with:a)")
            .page(11)
            .per_page(200)
            .send()
            .await,
    );

    let account = create(&client, "Accounts", &[("Account_Name", "Capco")]).await;
    assert_capped(
        client
            .record("Accounts", account)
            .get_related_records("Contacts")
            .page(11)
            .per_page(200)
            .send()
            .await,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_reads_5000_leads_once_each() {
    let (_emu, client) = setup().await;
    let created = create_leads(&client, 5000, "Streamco").await;
    let mut seen = HashSet::new();
    let mut total = 0usize;
    let mut pages = client.module("Leads").get_records().per_page(200).pages();
    let mut page_count = 0;
    while let Some(page) = pages.try_next().await.expect("every page reads") {
        page_count += 1;
        for r in page.data {
            total += 1;
            seen.insert(r.id.expect("an id"));
        }
    }
    assert_eq!(total, seen.len(), "no record is delivered twice");
    for id in &created {
        assert!(seen.contains(id), "lead {id} was not delivered");
    }
    assert!(
        page_count > 25,
        "5,000 records take more than 25 pages: {page_count}"
    );

    // `.stream()` gives the same set, decoded as any type.
    let ids: Vec<Id> = client
        .module("Leads")
        .get_records()
        .fields(["Last_Name"])
        .stream()
        .map_ok(|r| r.id.expect("an id"))
        .try_collect()
        .await
        .expect("the stream reads");
    assert_eq!(ids.len(), seen.len());
    assert!(ids.into_iter().collect::<HashSet<_>>() == seen);
}

// The guarantee (docs/reading-a-whole-module.md): every record that exists for the whole
// stream is delivered exactly once; records created during it may or may not be; none twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_under_concurrent_creates_and_updates_keeps_its_guarantee() {
    let (_emu, client) = setup().await;
    let before = create_leads(&client, 5000, "Busyco").await;
    let writer = {
        let client = client.clone();
        let to_update: Vec<Id> = before.iter().step_by(25).cloned().collect();
        tokio::spawn(async move {
            let mut created = Vec::new();
            for (round, chunk) in to_update.chunks(20).enumerate() {
                created.extend(create_leads(&client, 20, "Newco").await);
                let updates: Vec<Record> = chunk
                    .iter()
                    .map(|id| {
                        let mut r = record(&[("Company", &format!("Updated {round}"))]);
                        r.id = Some(id.clone());
                        r
                    })
                    .collect();
                client
                    .module("Leads")
                    .update_records(updates)
                    .send()
                    .await
                    .expect("the updates are sent")
                    .into_result()
                    .expect("every update succeeds");
                tokio::task::yield_now().await;
            }
            created
        })
    };
    let mut seen = HashSet::new();
    let mut stream = client.module("Leads").get_records().stream();
    while let Some(r) = stream.try_next().await.expect("the stream reads") {
        let id = r.id.expect("an id");
        assert!(seen.insert(id.clone()), "lead {id} was delivered twice");
    }
    let created_during = writer.await.expect("the writer finishes");
    for id in &before {
        assert!(seen.contains(id), "lead {id}, there all along, was missed");
    }
    // Records created during the stream that it did deliver are real leads, delivered once.
    let late: usize = created_during.iter().filter(|id| seen.contains(id)).count();
    assert!(late <= created_during.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_streams_past_2000_matches() {
    let (_emu, client) = setup().await;
    let matching = create_leads(&client, 2300, "Searchco").await;
    create_leads(&client, 200, "Otherco").await;
    let found: Vec<Id> = client
        .module("Leads")
        .search_records_by_criteria("(Company:equals:Searchco)")
        .stream()
        .map_ok(|r| r.id.expect("an id"))
        .try_collect()
        .await
        .expect("the search streams");
    let set: HashSet<Id> = found.iter().cloned().collect();
    assert_eq!(set.len(), found.len(), "no match is delivered twice");
    let want: HashSet<Id> = matching.into_iter().collect();
    assert_eq!(set.len(), want.len(), "every match, and only matches");
    assert!(set == want, "the matches found differ from those created");
}

#[tokio::test]
async fn word_search_stops_at_the_cap_with_a_named_error() {
    let (_emu, client) = setup().await;
    // A word search has no COQL equivalent: asking for a page past the cap reaches the server,
    // whose answer names the cap.
    let e = client
        .module("Leads")
        .search_records("zylker")
        .page(11)
        .pages()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        cap_error(e).code,
        ErrorCode::DiscretePaginationLimitExceeded
    );
}

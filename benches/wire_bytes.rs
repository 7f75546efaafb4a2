#![recursion_limit = "256"]
//! Bytes on the wire for one page of 200 Leads from the emulator, with and without gzip, counted
//! by a TCP relay between the client and the server (headers included). Also the client's wall
//! time per page, median and p95 of 20 fetches each way. Run with
//! `cargo bench --bench wire_bytes`.

#[path = "data/mod.rs"]
#[allow(dead_code)] // page_json is the decode bench's
mod data;
#[path = "../tests/support/relay.rs"]
mod relay;

use relay::Relay;
use std::time::{Duration, Instant};
use zohocrm::Client;
use zohocrm::types::Record;
use zohocrm_emulator::{ADMIN_EMAIL, Emulator};

/// The writable fields of the bench's realistic lead.
fn writable(i: usize) -> Record {
    let full = data::lead(i);
    let mut r = Record::new();
    for (k, v) in full.as_object().into_iter().flatten() {
        let read_only = k.starts_with('$')
            || matches!(
                k.as_str(),
                "id" | "Owner"
                    | "Created_By"
                    | "Modified_By"
                    | "Created_Time"
                    | "Modified_Time"
                    | "Last_Activity_Time"
                    | "Tag"
                    | "Full_Name"
                    | "Custom_Score__c"
            );
        if !read_only && !v.is_null() {
            r.set_field_value(k, v).expect("a JSON value");
        }
    }
    r
}

async fn client(emu: &Emulator, base: &str, gzip: bool) -> Client {
    let client = Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(base)
        .current_user_email(ADMIN_EMAIL)
        .gzip(gzip)
        .build()
        .expect("client");
    client
        .generate_access_token(&emu.grant_code(ADMIN_EMAIL))
        .await
        .expect("token");
    client
}

async fn measure(label: &str, client: &Client, relay: &Relay) {
    const RUNS: usize = 20;
    let mut times = Vec::with_capacity(RUNS);
    let mut bytes = 0;
    for _ in 0..RUNS {
        let before = relay.bytes_down();
        let t = Instant::now();
        let page = client
            .module("Leads")
            .get_records()
            .per_page(200)
            .send()
            .await
            .expect("page");
        times.push(t.elapsed());
        assert_eq!(page.data.len(), 200);
        bytes = relay.bytes_down() - before;
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{label:<8} {bytes:>9} bytes on the wire   p50 {:>7.2} ms   p95 {:>7.2} ms",
        ms(times[RUNS / 2]),
        ms(times[RUNS * 95 / 100])
    );
}

#[tokio::main]
async fn main() {
    let emu = Emulator::start().await.expect("emulator");
    let seeding = client(&emu, &emu.api_base_url(), true).await;
    let leads: Vec<Record> = (0..200).map(writable).collect();
    let created = seeding
        .module("Leads")
        .create_records(leads)
        .send_all()
        .await
        .expect("create");
    assert!(created.all_succeeded(), "{:?}", created.errors().next());

    let relay = Relay::start(emu.local_addr()).await;
    let plain = client(&emu, &relay.addr, false).await;
    let gzip = client(&emu, &relay.addr, true).await;
    measure("plain", &plain, &relay).await;
    measure("gzip", &gzip, &relay).await;
}

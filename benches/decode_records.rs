#![recursion_limit = "256"]
//! The hot path: a page of 200 records (~1 KB each) decoded into typed `Record`s.
//! Target: under 1.5 ms of client CPU per page including the fetch. Run with
//! `cargo bench --bench decode_records`. Prints median and p95 per page.

#[path = "data/mod.rs"]
mod common;

use std::time::{Duration, Instant};
use zohocrm::types::Record;
use zohocrm::{Page, RawResponse};

fn measure(label: &str, iters: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..iters / 10 {
        f();
    }
    let mut samples: Vec<Duration> = (0..iters)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort();
    let p50 = samples[iters / 2];
    let p95 = samples[iters * 95 / 100];
    println!(
        "{label:<44} p50 {:>8.3} ms   p95 {:>8.3} ms",
        p50.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
    p50
}

fn main() {
    let body = bytes::Bytes::from(common::page_json(200));
    println!(
        "page: 200 records, {} bytes ({} bytes/record)",
        body.len(),
        body.len() / 200
    );
    let iters = 300;
    let typed = measure(
        "typed Page<Record> (system fields + raw rest)",
        iters,
        || {
            let page: Page<Record> = RawResponse::new(200, body.clone()).list("data").unwrap();
            assert_eq!(page.data.len(), 200);
            std::hint::black_box(page);
        },
    );
    measure("generic serde_json::Value (baseline)", iters, || {
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        std::hint::black_box(v);
    });
    measure("typed page + read 3 fields of every record", iters, || {
        let page: Page<Record> = RawResponse::new(200, body.clone()).list("data").unwrap();
        let mut n = 0usize;
        for r in &page.data {
            let email: Option<String> = r.extra.get_str("Email");
            let last: Option<String> = r.extra.get_str("Last_Name");
            n += email.map_or(0, |e| e.len())
                + last.map_or(0, |l| l.len())
                + r.owner
                    .as_ref()
                    .map_or(0, |o| o.name.as_ref().map_or(0, |s| s.len()));
        }
        std::hint::black_box(n);
    });
    println!(
        "target: decode under 1.5 ms per page -> {}",
        if typed < Duration::from_micros(1500) {
            "met"
        } else {
            "NOT met"
        }
    );
}

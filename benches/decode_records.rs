#![recursion_limit = "256"]
//! The hot paths, measured side by side in one run:
//!
//! - decode: one `get_records` page of 200 Leads (about 1.4 KB each) into typed `Record`s, against
//!   `serde_json::Value` (what a naive client does) and a `Vec<&RawValue>` scan of the page (the
//!   floor: JSON validated, nothing decoded).
//! - create: 100 records built and encoded as a request body, typed (`Record` +
//!   `set_field_value`) against a naive `serde_json::json!` body.
//!
//! `cargo bench --bench decode_records` prints CPU ms per page (median and p95 of the thread's
//! CPU time) and, when valgrind is installed, instructions per page from callgrind, which do not
//! depend on machine load: each variant runs under `valgrind --tool=callgrind` once with one
//! iteration and once with three, and the difference over two is the per-iteration count.
//! Targets: typed decode within 2x the floor's instructions; typed create at or under naive.

#[path = "data/mod.rs"]
mod data;

use serde::Deserialize;
use serde_json::value::RawValue;
use std::time::Duration;
use zohocrm::types::Record;
use zohocrm::{Page, RawResponse};

/// The variants: name, what it does once.
const VARIANTS: &[&str] = &[
    "decode: typed Page<Record>",
    "decode: serde_json::Value",
    "decode: Vec<&RawValue> floor",
    "create: typed Record x100 encoded",
    "create: naive json! x100 encoded",
];

/// The floor: the page's envelope with each record captured raw, nothing decoded.
#[derive(Deserialize)]
struct Floor<'a> {
    #[serde(borrow)]
    data: Vec<&'a RawValue>,
    #[serde(borrow)]
    #[allow(dead_code)]
    info: Option<&'a RawValue>,
}

/// `{"data": [...]}`, as both clients send it.
#[derive(serde::Serialize)]
struct Body<'a, T> {
    data: &'a [T],
}

fn run(variant: usize, body: &bytes::Bytes, leads: &[serde_json::Value]) {
    match variant {
        0 => {
            let page: Page<Record> = RawResponse::new(200, body.clone()).list("data").unwrap();
            assert_eq!(page.data.len(), 200);
            std::hint::black_box(page);
        }
        1 => {
            let v: serde_json::Value = serde_json::from_slice(body).unwrap();
            std::hint::black_box(v);
        }
        2 => {
            let f: Floor = serde_json::from_slice(body).unwrap();
            assert_eq!(f.data.len(), 200);
            std::hint::black_box(f);
        }
        3 => {
            let records: Vec<Record> = leads[..100].iter().map(typed_record).collect();
            let body = serde_json::to_vec(&Body { data: &records }).unwrap();
            std::hint::black_box(body);
        }
        _ => {
            let records: Vec<serde_json::Value> = leads[..100].iter().map(naive_record).collect();
            let body = serde_json::to_vec(&Body { data: &records }).unwrap();
            std::hint::black_box(body);
        }
    }
}

/// What a user of the typed client writes: a record, field by field, with typed values.
fn typed_record(lead: &serde_json::Value) -> Record {
    let mut r = Record::new();
    r.set_field_value("Last_Name", lead["Last_Name"].as_str().unwrap())
        .unwrap();
    r.set_field_value("Company", lead["Company"].as_str().unwrap())
        .unwrap();
    r.set_field_value("Email", lead["Email"].as_str().unwrap())
        .unwrap();
    r.set_field_value("Phone", "+1 555 0100").unwrap();
    r.set_field_value("Lead_Source", "Trade Show").unwrap();
    r.set_field_value("No_of_Employees", 250).unwrap();
    r.set_field_value("Annual_Revenue", 1_250_000.5).unwrap();
    r.set_field_value("Description", lead["Description"].as_str().unwrap())
        .unwrap();
    r.owner.set("4150868000000225013");
    r
}

/// The same record as a naive client builds it.
fn naive_record(lead: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "Last_Name": lead["Last_Name"].as_str().unwrap(),
        "Company": lead["Company"].as_str().unwrap(),
        "Email": lead["Email"].as_str().unwrap(),
        "Phone": "+1 555 0100",
        "Lead_Source": "Trade Show",
        "No_of_Employees": 250,
        "Annual_Revenue": 1_250_000.5,
        "Description": lead["Description"].as_str().unwrap(),
        "Owner": "4150868000000225013",
    })
}

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own; the clock id is a constant.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn cpu_ms(variant: usize, body: &bytes::Bytes, leads: &[serde_json::Value]) -> (f64, f64) {
    let iters = 200;
    for _ in 0..20 {
        run(variant, body, leads);
    }
    let mut samples: Vec<Duration> = (0..iters)
        .map(|_| {
            let t = thread_cpu();
            run(variant, body, leads);
            thread_cpu() - t
        })
        .collect();
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (ms(samples[iters / 2]), ms(samples[iters * 95 / 100]))
}

/// Instructions of one iteration of `variant`, from two callgrind runs of this binary.
fn instructions(variant: usize) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let total = |iters: u32| -> Option<u64> {
        let out = std::env::temp_dir().join(format!(
            "zohocrm-bench-{}-{variant}-{iters}.callgrind",
            std::process::id()
        ));
        let status = std::process::Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&exe)
            .env("ZOHOCRM_BENCH_CHILD", format!("{variant}:{iters}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        let text = std::fs::read_to_string(&out).ok();
        let _ = std::fs::remove_file(&out);
        if !status.success() {
            return None;
        }
        text?
            .lines()
            .find_map(|l| l.strip_prefix("summary:"))
            .and_then(|n| n.trim().parse().ok())
    };
    let (one, three) = (total(1)?, total(3)?);
    Some(three.saturating_sub(one) / 2)
}

fn main() {
    let body = bytes::Bytes::from(data::page_json(200));
    let leads: Vec<serde_json::Value> = (0..200).map(data::lead).collect();
    if let Ok(spec) = std::env::var("ZOHOCRM_BENCH_CHILD") {
        let (v, n) = spec.split_once(':').expect("variant:iters");
        let (v, n): (usize, u32) = (v.parse().unwrap(), n.parse().unwrap());
        for _ in 0..n {
            run(v, &body, &leads);
        }
        return;
    }
    println!(
        "page: 200 records, {} bytes ({} bytes/record)",
        body.len(),
        body.len() / 200
    );
    let counts: Vec<Option<u64>> = (0..VARIANTS.len()).map(instructions).collect();
    if counts.iter().all(Option::is_none) {
        println!("(valgrind not found or failed: instruction counts skipped)");
    }
    println!(
        "{:<36} {:>14} {:>10} {:>10}",
        "variant", "instructions", "CPU p50", "CPU p95"
    );
    for (i, name) in VARIANTS.iter().enumerate() {
        let (p50, p95) = cpu_ms(i, &body, &leads);
        let ins = counts[i].map_or("-".to_owned(), |n| format!("{:.2} M", n as f64 / 1e6));
        println!("{name:<36} {ins:>14} {p50:>7.3} ms {p95:>7.3} ms");
    }
    if let (Some(typed), Some(floor), Some(value)) = (counts[0], counts[2], counts[1]) {
        let ratio = typed as f64 / floor as f64;
        println!(
            "decode: typed = {ratio:.2}x the floor, {:.2}x serde_json::Value (target <= 2x the floor: {})",
            typed as f64 / value as f64,
            if ratio <= 2.0 { "met" } else { "NOT met" }
        );
    }
    if let (Some(typed), Some(naive)) = (counts[3], counts[4]) {
        let ratio = typed as f64 / naive as f64;
        println!(
            "create: typed = {ratio:.2}x naive (target <= 1x: {})",
            if ratio <= 1.0 { "met" } else { "NOT met" }
        );
    }
}

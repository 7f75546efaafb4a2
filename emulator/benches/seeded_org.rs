//! Cost of the generated org (`--records N`): start-up (registering N records per module), the
//! first read of one module (building its N records), and the resident memory afterwards.
//!
//! `cargo bench -p zohocrm-emulator --bench seeded_org [-- N]` (N defaults to 100000). Prints
//! wall times of 3 runs (min / median / max) and the process's peak RSS from /proc (Linux).

use std::time::{Duration, Instant};
use zohocrm_emulator::store::Crm;

fn rss_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn spread(mut v: Vec<Duration>) -> String {
    v.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    format!(
        "min {:.1} ms, median {:.1} ms, max {:.1} ms",
        ms(&v[0]),
        ms(&v[v.len() / 2]),
        ms(&v[v.len() - 1])
    )
}

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let (mut start, mut first_read) = (Vec::new(), Vec::new());
    let mut built_kib = 0;
    for run in 0..3 {
        let before = rss_kib("VmRSS:").unwrap_or(0);
        let t = Instant::now();
        let crm = Crm::seeded_with(n);
        start.push(t.elapsed());
        let t = Instant::now();
        let count = crm.records_of("Leads").len();
        first_read.push(t.elapsed());
        assert_eq!(count as u64, n + 5);
        // Later runs reuse the memory the allocator kept from the first, so only it shows growth.
        if run == 0 {
            built_kib = rss_kib("VmRSS:").unwrap_or(0).saturating_sub(before);
        }
        drop(crm);
    }
    println!("records per module: {n}");
    println!("start-up (register 4 modules): {}", spread(start));
    println!("first read of Leads (build):   {}", spread(first_read));
    println!(
        "RSS growth with Leads built: {} MiB (peak RSS {} MiB)",
        built_kib / 1024,
        rss_kib("VmHWM:").unwrap_or(0) / 1024
    );
}

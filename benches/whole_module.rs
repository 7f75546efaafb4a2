//! Reads every Lead of an org with N generated Leads (default 100,000, each with every standard
//! and custom field filled: `EmulatorConfig::records_per_module`) two ways, R times each
//! (default 3), and reports each reader's wall time (min / median / max) and peak memory:
//! `get_records().stream()` (pages, then keyset on id through COQL past 2,000) and
//! `client.bulk_read(..)` (one Bulk Read job, zip streamed from a temporary file).
//!
//! `cargo bench --bench whole_module [-- N [R]]`
//!
//! The emulator runs in a child process and each run of a reader in its own child process, so a
//! reader's peak resident set (`getrusage(RUSAGE_SELF).ru_maxrss`: the high-water mark of the
//! process's resident memory, heap, stacks and binary included) counts only the client.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use zohocrm::Client;
use zohocrm::stream::TryStreamExt;
use zohocrm::types::BulkReadQuery;

const ROLE: &str = "ZOHOCRM_BENCH_ROLE";

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("server") => server(),
        Ok(reader) => client(reader),
        Err(_) => orchestrate(),
    }
}

/// The numeric arguments (`cargo bench` adds a `--bench` of its own): N, then R.
fn numbers() -> Vec<usize> {
    std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect()
}

fn count() -> usize {
    numbers().first().copied().unwrap_or(100_000)
}

fn runs() -> usize {
    numbers().get(1).copied().unwrap_or(3).max(1)
}

fn orchestrate() {
    let (n, runs) = (count(), runs());
    let exe = std::env::current_exe().expect("the bench binary");
    let mut server = Command::new(&exe)
        .env(ROLE, "server")
        .arg(n.to_string())
        .arg(runs.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the emulator process starts");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let mut next = || lines.next().expect("a line").expect("readable");
    let url = next();
    let total = next();
    println!("whole_module: {total} Leads in the emulator at {url}; {runs} runs per reader");
    println!("| reader | records | wall min | wall median | wall max | peak RSS (max of runs) |");
    println!("|---|---|---|---|---|---|");
    for reader in ["stream", "bulk_read"] {
        let mut walls = Vec::new();
        let mut peak: f64 = 0.0;
        let mut records = String::new();
        for _ in 0..runs {
            let out = Command::new(&exe)
                .env(ROLE, reader)
                .env("ZOHOCRM_BENCH_URL", &url)
                .env("ZOHOCRM_BENCH_CODE", next())
                .output()
                .expect("the reader runs");
            assert!(
                out.status.success(),
                "{reader} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            // `records wall_seconds peak_mb`
            let text = String::from_utf8_lossy(&out.stdout);
            let parts: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(parts.len(), 3, "reader output: {text}");
            records = parts[0].to_owned();
            walls.push(parts[1].parse::<f64>().expect("seconds"));
            peak = peak.max(parts[2].parse::<f64>().expect("MB"));
        }
        walls.sort_by(f64::total_cmp);
        println!(
            "| `{reader}` | {records} | {:.1} s | {:.1} s | {:.1} s | {peak:.1} MB |",
            walls[0],
            walls[walls.len() / 2],
            walls[walls.len() - 1]
        );
    }
    if let Some(mut stdin) = server.stdin.take() {
        let _ = stdin.write_all(b"stop\n");
    }
    let _ = server.wait();
}

fn server() {
    let (n, runs) = (count(), runs());
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let emu = zohocrm_emulator::Emulator::start_with(zohocrm_emulator::EmulatorConfig {
            records_per_module: n as u64,
            // The codes are handed out up front; later runs start minutes after.
            grant_code_ttl: Duration::from_secs(24 * 3600),
            ..Default::default()
        })
        .await
        .expect("the emulator starts");
        // Builds the generated Leads now, so no reader's time includes it.
        let total = emu.records("Leads").len();
        println!("{}", emu.base_url());
        println!("{total}");
        for _ in 0..2 * runs {
            println!("{}", emu.grant_code(zohocrm_emulator::ADMIN_EMAIL));
        }
        // Serves until the orchestrator writes a line or goes away.
        tokio::task::spawn_blocking(|| {
            let mut s = String::new();
            let _ = std::io::stdin().read_line(&mut s);
        })
        .await
        .expect("stdin");
        emu.shutdown().await;
    });
}

fn client(reader: &str) {
    let url = std::env::var("ZOHOCRM_BENCH_URL").expect("url");
    let code = std::env::var("ZOHOCRM_BENCH_CODE").expect("grant code");
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let client = Client::builder()
            .client_id(zohocrm_emulator::DEFAULT_CLIENT_ID)
            .client_secret(zohocrm_emulator::DEFAULT_CLIENT_SECRET)
            .redirect_uri(zohocrm_emulator::DEFAULT_REDIRECT_URI)
            .accounts_url(&url)
            .api_base_url(&url)
            .build()
            .expect("a client");
        let token = client
            .generate_access_token(&code)
            .await
            .expect("the grant exchanges");
        let client = client.for_user(token.user_name.expect("a user"));
        let started = Instant::now();
        let n = match reader {
            "stream" => count_stream(client.module("Leads").get_records().stream()).await,
            _ => {
                let mut q = BulkReadQuery::new();
                q.module = Some("Leads".into());
                let s = client
                    .bulk_read(q)
                    .poll_interval(Duration::from_millis(50), Duration::from_millis(200))
                    .stream();
                count_stream(s).await
            }
        };
        let wall = started.elapsed();
        println!("{n} {:.2} {:.1}", wall.as_secs_f64(), peak_rss_mb());
    });
}

async fn count_stream<T>(mut s: zohocrm::stream::BoxStream<'static, zohocrm::Result<T>>) -> usize {
    let mut n = 0;
    while s.try_next().await.expect("the read goes on").is_some() {
        n += 1;
    }
    n
}

fn peak_rss_mb() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    // Linux reports kilobytes.
    usage.ru_maxrss as f64 / 1024.0
}

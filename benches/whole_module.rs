//! Reads N Leads (default 100,000) two ways and reports each reader's wall time and peak
//! memory: `get_records().stream()` (pages, then keyset on id through COQL past 2,000) and
//! `client.bulk_read(..)` (one Bulk Read job, zip streamed from a temporary file).
//!
//! `cargo bench --bench whole_module [-- N]`
//!
//! The emulator runs in a child process and each reader in its own child process, so a
//! reader's peak resident set (`getrusage(RUSAGE_SELF).ru_maxrss`) counts only the client.

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

fn count() -> usize {
    std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000)
}

fn orchestrate() {
    let n = count();
    let exe = std::env::current_exe().expect("the bench binary");
    let mut server = Command::new(&exe)
        .env(ROLE, "server")
        .arg(n.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the emulator process starts");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let mut next = || lines.next().expect("a line").expect("readable");
    let url = next();
    let codes = [next(), next()];
    println!("whole_module: {n} Leads in the emulator at {url}");
    println!("| reader | records | wall time | peak RSS |");
    println!("|---|---|---|---|");
    for (reader, code) in ["stream", "bulk_read"].into_iter().zip(codes) {
        let out = Command::new(&exe)
            .env(ROLE, reader)
            .env("ZOHOCRM_BENCH_URL", &url)
            .env("ZOHOCRM_BENCH_CODE", code)
            .output()
            .expect("the reader runs");
        assert!(
            out.status.success(),
            "{reader} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
    if let Some(mut stdin) = server.stdin.take() {
        let _ = stdin.write_all(b"stop\n");
    }
    let _ = server.wait();
}

fn server() {
    let n = count();
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let emu = zohocrm_emulator::Emulator::start()
            .await
            .expect("the emulator starts");
        for i in 0..n {
            emu.insert_record(
                "Leads",
                serde_json::json!({
                    "Last_Name": format!("Bench {i}"),
                    "First_Name": "Ada",
                    "Company": "Benchco",
                    "Email": format!("bench{i}@benchco.test"),
                    "Phone": "+1 555 0100",
                    "Lead_Source": "Web",
                    "No_of_Employees": i % 500,
                }),
            )
            .expect("inserted");
        }
        println!("{}", emu.base_url());
        println!("{}", emu.grant_code(zohocrm_emulator::ADMIN_EMAIL));
        println!("{}", emu.grant_code(zohocrm_emulator::ADMIN_EMAIL));
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
        println!(
            "| `{reader}` | {n} | {:.1} s | {:.1} MB |",
            wall.as_secs_f64(),
            peak_rss_mb()
        );
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

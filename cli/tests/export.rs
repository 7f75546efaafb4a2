//! `zohocrm export` end to end against the emulator over HTTP: whole modules row by row,
//! formats and filters, and what happens when the network or Zoho's throttle stops it.

mod support;

use std::collections::HashMap;
use support::{Env, csv_rows, kill_9, wait_until};
use zohocrm_emulator::EmulatorConfig;

const N: usize = 5_000;
const SOURCES: [&str; 3] = ["Web Download", "Trade Show", "Cold Call"];

/// Inserts N leads; returns id → number.
fn seed(env: &Env) -> HashMap<String, usize> {
    (0..N)
        .map(|i| {
            let id = env
                .emu
                .insert_record(
                    "Leads",
                    serde_json::json!({
                        "Last_Name": format!("Last, \"{i}\""),
                        "Email": format!("lead{i}@bulk.test"),
                        "No_of_Employees": i,
                        "Annual_Revenue": i as f64 + 0.5,
                        "Lead_Source": SOURCES[i % 3],
                    }),
                )
                .expect("insert a lead");
            (id, i)
        })
        .collect()
}

/// Asserts two files are identical, without printing megabytes when they are not.
fn same_file(env: &Env, a: &str, b: &str) {
    let (x, y) = (
        std::fs::read_to_string(env.path(a)).unwrap(),
        std::fs::read_to_string(env.path(b)).unwrap(),
    );
    if x != y {
        let at = x.lines().zip(y.lines()).position(|(l, r)| l != r);
        panic!(
            "{a} ({} lines) differs from {b} ({} lines), first at line {at:?}",
            x.lines().count(),
            y.lines().count()
        );
    }
}

fn checkpoint_records(env: &Env, out: &str) -> u64 {
    std::fs::read(env.path(&format!("{out}.checkpoint.json")))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["records"].as_u64())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_module_row_by_row_and_resume_after_kill() {
    let env = Env::with_latency(15).await;
    let ids = seed(&env);
    let fields = "--fields=Last_Name,Email,No_of_Employees,Annual_Revenue,Lead_Source";
    env.ok(&["export", "Leads", fields, "-o", "full.csv"]);
    let rows = csv_rows(&env.path("full.csv"));
    assert_eq!(
        rows[0],
        [
            "id",
            "Last_Name",
            "Email",
            "No_of_Employees",
            "Annual_Revenue",
            "Lead_Source"
        ]
    );
    assert_eq!(rows.len() - 1, N + 5, "5 seeded leads + {N}");
    let mut seen = 0;
    for row in &rows[1..] {
        let Some(&i) = ids.get(&row[0]) else { continue };
        let want = [
            format!("Last, \"{i}\""),
            format!("lead{i}@bulk.test"),
            i.to_string(),
            format!("{}.5", i),
            SOURCES[i % 3].to_owned(),
        ];
        assert_eq!(row[1..], want, "row of lead {i}");
        seen += 1;
    }
    assert_eq!(seen, N, "every inserted lead exactly once");
    let unique: std::collections::HashSet<&String> = rows[1..].iter().map(|r| &r[0]).collect();
    assert_eq!(unique.len(), N + 5, "no id twice");
    assert!(!env.path("full.csv.part").exists() && !env.path("full.csv.checkpoint.json").exists());

    // kill -9 mid-way: the output never appears half-written; the rerun resumes and the result is
    // byte for byte the uninterrupted export.
    let mut child = env.spawn(&["export", "Leads", fields, "-o", "resumed.csv"]);
    // Past the 2,000 reachable by page number, so the rerun has to find its place by id.
    wait_until("2,400 records checkpointed", || {
        checkpoint_records(&env, "resumed.csv") >= 2_400
    })
    .await;
    kill_9(&mut child);
    assert!(!env.path("resumed.csv").exists(), "no half-written output");
    let before = checkpoint_records(&env, "resumed.csv");
    assert!(before < (N + 5) as u64, "killed before the end");
    let out = env.run(&["export", "Leads", fields, "-o", "resumed.csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("{before} records already in")),
        "{stderr}"
    );
    same_file(&env, "resumed.csv", "full.csv");

    // Zoho's throttle mid-export: exit 5, a clear message, nothing published; a rerun finishes.
    let child = env.spawn(&["export", "Leads", fields, "-o", "throttled.csv"]);
    wait_until("400 records checkpointed", || {
        checkpoint_records(&env, "throttled.csv") >= 400
    })
    .await;
    env.emu.inject_faults(&[429]);
    let (status, stderr) = support::finish(child);
    assert_eq!(status, Some(5), "{stderr}");
    assert!(
        stderr.contains("TOO_MANY_REQUESTS") && stderr.contains("rerun the same command to resume"),
        "{stderr}"
    );
    assert!(!env.path("throttled.csv").exists());
    env.ok(&["export", "Leads", fields, "-o", "throttled.csv"]);
    same_file(&env, "throttled.csv", "full.csv");

    // JSON lines and JSON hold the same records.
    let jsonl = env.ok(&["export", "Leads", "--format", "jsonl", "--fields", "Email"]);
    assert_eq!(jsonl.lines().count(), N + 5);
    env.ok(&[
        "export", "Leads", "--format", "json", "--fields", "Email", "-o", "all.json",
    ]);
    let all: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(env.path("all.json")).unwrap()).unwrap();
    let from_lines: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(all, from_lines);
    env.cleanup();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_and_pipes() {
    let env = Env::new(EmulatorConfig::default()).await;
    let web = env.ok(&[
        "export",
        "Leads",
        "--criteria",
        "(Lead_Source:equals:Web Download)",
        "--fields",
        "Last_Name",
    ]);
    // Search answers in Zoho's own order, not by id.
    let mut lines: Vec<&str> = web.lines().collect();
    lines[1..].sort_unstable();
    assert_eq!(
        lines,
        [
            "id,Last_Name",
            "4150868000000224001,Hopper",
            "4150868000000224005,Torvalds"
        ]
    );
    // Seeded leads were modified at 09:00, 10:00 ... 13:00 on 2025-06-02.
    let recent = env.ok(&[
        "export",
        "Leads",
        "--modified-since",
        "2025-06-02T11:30:00+00:00",
        "--fields",
        "Last_Name",
    ]);
    assert_eq!(
        recent,
        "id,Last_Name\n4150868000000224004,Burns\n4150868000000224005,Torvalds\n"
    );
    let both = env.ok(&[
        "export",
        "Leads",
        "--criteria",
        "(Lead_Source:equals:Web Download)",
        "--modified-since",
        "2025-06-02T11:30:00+00:00",
        "--fields",
        "Last_Name",
    ]);
    assert_eq!(both, "id,Last_Name\n4150868000000224005,Torvalds\n");
    // Not a terminal: no progress drawing on stderr.
    let out = env.run(&["export", "Leads", "--format", "jsonl"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
    let err = env.fails(&["export", "Leads", "--modified-since", "yesterday"], 2);
    assert!(err.contains("`yesterday` is not an ISO-8601 time"), "{err}");
    let err = env.fails(&["export", "Leads", "--fields", "Emial"], 2);
    assert!(err.contains("`Emial` is not a field of Leads"), "{err}");
    env.cleanup();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_failure_mid_export() {
    let env = Env::with_latency(40).await;
    for i in 0..2_000 {
        env.emu
            .insert_record("Leads", serde_json::json!({"Last_Name": format!("N{i}")}));
    }
    let child = env.spawn(&["export", "Leads", "-o", "cut.jsonl", "--format", "jsonl"]);
    wait_until("200 records checkpointed", || {
        checkpoint_records(&env, "cut.jsonl") >= 200
    })
    .await;
    env.emu.clone().shutdown().await;
    let (status, stderr) = support::finish(child);
    assert_eq!(status, Some(4), "{stderr}");
    assert!(
        stderr.contains("transport error") && stderr.contains("records are safe in"),
        "{stderr}"
    );
    assert!(!env.path("cut.jsonl").exists(), "nothing half-written");
    let part = std::fs::read_to_string(env.path("cut.jsonl.part")).unwrap();
    let records = checkpoint_records(&env, "cut.jsonl") as usize;
    assert_eq!(
        part.lines().count(),
        records,
        "the part file holds exactly the checkpointed records"
    );
    env.cleanup();
}

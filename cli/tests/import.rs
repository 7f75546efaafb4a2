//! `zohocrm import` end to end against the emulator over HTTP: per-row reports, dry runs,
//! upsert/update, and a rerun after `kill -9`.

mod support;

use support::{Env, csv_rows, kill_9, wait_until};
use zohocrm_emulator::EmulatorConfig;

fn lead<'a>(leads: &'a [(String, serde_json::Value)], email: &str) -> &'a serde_json::Value {
    &leads
        .iter()
        .find(|(e, _)| e == email)
        .unwrap_or_else(|| panic!("no lead {email}"))
        .1
}

fn leads_by_email(env: &Env) -> Vec<(String, serde_json::Value)> {
    env.emu
        .records("Leads")
        .into_iter()
        .filter_map(|r| Some((r["Email"].as_str()?.to_owned(), r)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_rows_get_the_right_report() {
    let env = Env::new(EmulatorConfig::default()).await;
    std::fs::write(
        env.path("leads.csv"),
        "Last_Name,First_Name,Email,No_of_Employees,Annual_Revenue,Email_Opt_Out\n\
         Lamarr,Hedy,hedy@import.test,10,1000.5,yes\n\
         ,Nameless,nameless@import.test,5,1,no\n\
         Curie,Marie,grace@navy.example,3,2,\n\
         Noether,Emmy,emmy@import.test,many,3,\n\
         \"Hamilton, M\",Margaret,margaret@import.test,,,true\n",
    )
    .unwrap();
    let before = env.emu.records("Leads").len();

    // Dry run: our own checks against the field metadata; nothing reaches Zoho.
    let err = env.fails(&["import", "Leads", "leads.csv", "--dry-run"], 6);
    assert!(err.contains("nothing was sent"), "{err}");
    assert_eq!(env.emu.records("Leads").len(), before);
    let dry = csv_rows(&env.path("leads.csv.dry-run.csv"));
    let brief: Vec<[&str; 4]> = dry[1..]
        .iter()
        .map(|r| [r[0].as_str(), r[1].as_str(), r[3].as_str(), r[4].as_str()])
        .collect();
    assert_eq!(
        brief,
        [
            ["1", "valid", "", ""],
            ["2", "invalid", "MANDATORY_NOT_FOUND", "Last_Name"],
            ["3", "valid", "", ""],
            ["4", "invalid", "INVALID_DATA", "No_of_Employees"],
            ["5", "valid", "", ""],
        ]
    );

    // The real run: Zoho's verdict per row, in row order, with ids for the created ones.
    let err = env.fails(&["import", "Leads", "leads.csv"], 6);
    assert!(err.contains("3 of 5 rows failed"), "{err}");
    let report = csv_rows(&env.path("leads.csv.report.csv"));
    assert_eq!(
        report[0],
        ["row", "status", "id", "code", "field", "message"]
    );
    let leads = leads_by_email(&env);
    let id_of = |email: &str| {
        leads
            .iter()
            .find(|(e, _)| e == email)
            .map(|(_, r)| r["id"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{email} was not created"))
    };
    let brief: Vec<[String; 5]> = report[1..]
        .iter()
        .map(|r| {
            [
                r[0].clone(),
                r[1].clone(),
                r[2].clone(),
                r[3].clone(),
                r[4].clone(),
            ]
        })
        .collect();
    let s = |v: &str| v.to_owned();
    assert_eq!(
        brief,
        [
            [
                s("1"),
                s("created"),
                id_of("hedy@import.test"),
                s("SUCCESS"),
                s("")
            ],
            [
                s("2"),
                s("error"),
                s(""),
                s("MANDATORY_NOT_FOUND"),
                s("Last_Name")
            ],
            // Zoho names the existing record a duplicate row collides with.
            [
                s("3"),
                s("error"),
                id_of("grace@navy.example"),
                s("DUPLICATE_DATA"),
                s("Email")
            ],
            [
                s("4"),
                s("error"),
                s(""),
                s("INVALID_DATA"),
                s("No_of_Employees")
            ],
            [
                s("5"),
                s("created"),
                id_of("margaret@import.test"),
                s("SUCCESS"),
                s("")
            ],
        ]
    );
    let hedy = lead(&leads, "hedy@import.test");
    assert_eq!(
        (
            &hedy["No_of_Employees"],
            &hedy["Annual_Revenue"],
            &hedy["Email_Opt_Out"]
        ),
        (
            &serde_json::json!(10),
            &serde_json::json!(1000.5),
            &serde_json::json!(true)
        )
    );
    let margaret = lead(&leads, "margaret@import.test");
    assert_eq!(margaret["Last_Name"], "Hamilton, M");
    assert_eq!(env.emu.records("Leads").len(), before + 2);

    // A rerun skips the done rows and retries the failed ones.
    std::fs::write(
        env.path("leads.csv"),
        std::fs::read_to_string(env.path("leads.csv"))
            .unwrap()
            .replace(",Nameless", "Nameless,Nameless")
            .replace("many", "7"),
    )
    .unwrap();
    let err = env.fails(&["import", "Leads", "leads.csv"], 6);
    assert!(
        err.contains("1 of 5 rows failed") && err.contains("2 of 5 rows already done"),
        "{err}"
    );
    assert_eq!(env.emu.records("Leads").len(), before + 4);

    // A column that is not a field: exit 2 naming it; no report, nothing sent.
    std::fs::write(env.path("typo.csv"), "Last_Name,Emial\nX,x@import.test\n").unwrap();
    let err = env.fails(&["import", "Leads", "typo.csv"], 2);
    assert!(
        err.contains("column 2 `Emial` is not a field of Leads"),
        "{err}"
    );
    assert!(!env.path("typo.csv.report.csv").exists());
    assert_eq!(env.emu.records("Leads").len(), before + 4);
    env.cleanup();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_and_update() {
    let env = Env::new(EmulatorConfig::default()).await;
    std::fs::write(
        env.path("up.csv"),
        "Email,Last_Name,Company\ngrace@navy.example,Hopper,Navy Research\nnew@import.test,New,Zylker\n",
    )
    .unwrap();
    env.ok(&[
        "import",
        "Leads",
        "up.csv",
        "--mode",
        "upsert",
        "--duplicate-check-fields",
        "Email",
    ]);
    let report = csv_rows(&env.path("up.csv.report.csv"));
    assert_eq!(
        (report[1][1].as_str(), report[2][1].as_str()),
        ("updated", "created")
    );
    let leads = leads_by_email(&env);
    let grace = lead(&leads, "grace@navy.example");
    assert_eq!(grace["Company"], "Navy Research");
    assert_eq!(report[1][2], grace["id"].as_str().unwrap());

    let id = grace["id"].as_str().unwrap();
    std::fs::write(env.path("upd.csv"), format!("id,Company\n{id},Navy Yard\n")).unwrap();
    env.ok(&["import", "Leads", "upd.csv", "--mode", "update"]);
    let grace = env
        .emu
        .records("Leads")
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap();
    assert_eq!(grace["Company"], "Navy Yard");
    let err = env.fails(&["import", "Leads", "up.csv", "--mode", "update"], 2);
    assert!(err.contains("needs an `id` column"), "{err}");
    env.cleanup();
}

/// kill -9 mid-import, then the same command again: every row ends up in Zoho exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_after_kill() {
    let env = Env::with_latency(60).await;
    let rows = 1_500;
    let mut csv = String::from("Last_Name,Email,No_of_Employees\n");
    for i in 0..rows {
        csv.push_str(&format!("Row{i},row{i}@resume.test,{i}\n"));
    }
    std::fs::write(env.path("big.csv"), csv).unwrap();
    let report = env.path("big.csv.report.csv");
    let mut child = env.spawn(&["import", "Leads", "big.csv"]);
    wait_until("300 rows reported", || {
        std::fs::read_to_string(&report).is_ok_and(|r| r.matches(",created,").count() >= 300)
    })
    .await;
    kill_9(&mut child);
    let done = std::fs::read_to_string(&report)
        .unwrap()
        .matches(",created,")
        .count();
    assert!(done < rows, "killed before the end");

    let out = env.run(&["import", "Leads", "big.csv"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("rows already done"), "{stderr}");
    let imported: Vec<(String, serde_json::Value)> = leads_by_email(&env)
        .into_iter()
        .filter(|(e, _)| e.ends_with("@resume.test"))
        .collect();
    assert_eq!(imported.len(), rows, "every row exactly once");
    let report = csv_rows(&report);
    assert_eq!(report.len() - 1, rows, "one report line per row");
    for (n, line) in report[1..].iter().enumerate() {
        assert_eq!(line[0], (n + 1).to_string());
        assert_eq!(line[1], "created", "row {}", n + 1);
        let (_, rec) = imported
            .iter()
            .find(|(e, _)| *e == format!("row{n}@resume.test"))
            .unwrap();
        assert_eq!(line[2], rec["id"].as_str().unwrap(), "row {} id", n + 1);
        assert_eq!(rec["No_of_Employees"], n);
    }
    env.cleanup();
}

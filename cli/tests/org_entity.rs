//! `cargo codegen org-entity` fetching live: the codegen command runs in-process
//! (`zohocrm_codegen::org::command::run`, what the `zohocrm-codegen` binary calls) and runs the
//! real `zohocrm` binary, which reads the config file and the file token store and fetches the
//! field metadata from the emulator over HTTP.

mod support;

use clap::Parser;
use std::path::Path;
use support::{BIN, Env};
use zohocrm_codegen::org::command::{OrgEntityArgs, run};
use zohocrm_emulator::EmulatorConfig;

#[derive(Parser)]
struct Codegen {
    #[command(flatten)]
    args: OrgEntityArgs,
}

/// `org-entity` with this env's config, the `zohocrm` binary under test, and `extra`.
fn org_entity(env: &Env, extra: &[&str]) -> Result<bool, String> {
    org_entity_with(env, BIN, extra)
}

fn org_entity_with(env: &Env, command: &str, extra: &[&str]) -> Result<bool, String> {
    let config = env.config.to_str().unwrap();
    let mut argv = vec![
        "org-entity",
        "--zohocrm-command",
        command,
        "--config",
        config,
    ];
    argv.extend_from_slice(extra);
    run(Codegen::try_parse_from(argv).unwrap().args)
}

fn committed_leads() -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::read_to_string(repo.join("spec/org_leads.yaml")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_module_fetched_written_and_checked_for_drift() {
    let env = Env::new(EmulatorConfig::default()).await;
    let out = env.path("org_leads.yaml");
    let out_s = out.to_str().unwrap();
    let one = ["--module", "Leads", "--entity", "Lead", "--out", out_s];
    assert_eq!(org_entity(&env, &one), Ok(true));
    // The emulator org is the one spec/org_leads.yaml was made from.
    assert_eq!(std::fs::read_to_string(&out).unwrap(), committed_leads());

    let check = [&one[..], &["--check"]].concat();
    assert_eq!(org_entity(&env, &check), Ok(true), "no drift yet");
    // The committed spec lost a field and typed another differently: both are drift.
    let drifted = committed_leads()
        .lines()
        .filter(|l| !l.contains("key: \"Email\""))
        .map(|l| {
            l.replace(
                "key: \"No_of_Employees\", type: \"integer\"",
                "key: \"No_of_Employees\", type: \"string\"",
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    std::fs::write(&out, &drifted).unwrap();
    assert_eq!(org_entity(&env, &check), Ok(false), "drift is reported");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        drifted,
        "--check writes nothing"
    );
    let lines = zohocrm_codegen::org::command::drift(&drifted, &committed_leads());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("+ email: { key: \"Email\""))
            && lines.iter().any(|l| l.starts_with("- no_of_employees:"))
            && lines.iter().any(|l| l.starts_with("+ no_of_employees:")),
        "{lines:?}"
    );
    env.cleanup();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_modules_fetched_into_loadable_files() {
    let env = Env::new(EmulatorConfig::default()).await;
    let dir = env.path("spec");
    let dir_s = dir.to_str().unwrap();
    assert_eq!(
        org_entity(&env, &["--all-modules", "--out-dir", dir_s]),
        Ok(true)
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // Every module of the emulator org's GET /settings/modules (all api_supported).
    assert_eq!(names.len(), 13, "{names:?}");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    assert_eq!(read("org_leads.yaml"), committed_leads());
    assert!(read("org_price_books.yaml").contains("\n  PriceBook:\n"));
    // `Note` is the SDK's own entity, so the Notes module's gets a prefix.
    assert!(read("org_notes.yaml").contains("\n  OrgNote:\n"));
    // The files load together with the SDK's spec (which has its own org_leads.yaml).
    let extra: Vec<(String, String)> = names
        .iter()
        .filter(|n| *n != "org_leads.yaml")
        .map(|n| (n.clone(), read(n)))
        .collect();
    let api = zohocrm_codegen::builtin::load_with(&extra).unwrap();
    assert!(api.entity("SalesOrder").is_some() && api.entity("Meeting").is_some());

    let check = ["--all-modules", "--out-dir", dir_s, "--check"];
    assert_eq!(org_entity(&env, &check), Ok(true));
    std::fs::remove_file(dir.join("org_vendors.yaml")).unwrap();
    assert_eq!(
        org_entity(&env, &check),
        Ok(false),
        "a missing file is drift"
    );
    env.cleanup();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_module_and_missing_token_are_named() {
    let env = Env::new(EmulatorConfig::default()).await;
    let err = org_entity(&env, &["--module", "Nope", "--entity", "Nope"]).unwrap_err();
    // Zoho answers an unknown module with INVALID_MODULE (zoho-api-v2.md, field metadata).
    assert!(
        err.contains("fields Nope --json")
            && err.contains("module Nope")
            && err.contains("INVALID_MODULE"),
        "{err}"
    );
    env.cleanup();

    let env = Env::without_tokens(EmulatorConfig::default()).await;
    let err = org_entity(&env, &["--module", "Leads", "--entity", "Lead"]).unwrap_err();
    let store = env.path("tokens.json");
    assert!(
        err.contains("no stored token")
            && err.contains(&format!("file token store {}", store.display()))
            && err.contains("zohocrm auth exchange"),
        "{err}"
    );
    let one = ["--module", "Leads", "--entity", "Lead"];
    let err = org_entity_with(&env, "/nonexistent/zohocrm", &one).unwrap_err();
    assert!(
        err.contains("cannot run `/nonexistent/zohocrm") && err.contains("ZOHOCRM_CLI"),
        "{err}"
    );
    env.cleanup();
}

//! `zohocrm fields`, `--help` and shell completions.

mod support;

use support::Env;
use zohocrm_emulator::EmulatorConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_as_table_json_and_entity() {
    let env = Env::new(EmulatorConfig::default()).await;
    let table = env.ok(&["fields", "Leads"]);
    let last = table.lines().find(|l| l.starts_with("Last_Name")).unwrap();
    assert!(
        last.contains("text") && last.contains("mandatory"),
        "{table}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["fields", "Leads", "--json"])).unwrap();
    let names: Vec<&str> = json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["api_name"].as_str())
        .collect();
    assert!(
        table.lines().count() == names.len() + 1 && names.contains(&"Email"),
        "{table}"
    );

    env.ok(&[
        "fields",
        "Leads",
        "--entity",
        "OrgLead",
        "-o",
        "org_leads.yaml",
    ]);
    let yaml = std::fs::read_to_string(env.path("org_leads.yaml")).unwrap();
    assert!(
        yaml.contains("OrgLead:") && yaml.contains("key: \"No_of_Employees\", type: \"integer\""),
        "{yaml}"
    );
    // The same entity `cargo codegen org-entity` makes from the saved metadata.
    std::fs::write(env.path("fields.json"), json.to_string()).unwrap();
    let metas = zohocrm_codegen::org::parse_fields(&json.to_string()).unwrap();
    assert_eq!(
        yaml,
        zohocrm_codegen::org::entity_yaml("OrgLead", "Leads", &metas).unwrap()
    );

    let err = env.fails(&["fields", "Nope"], 1);
    assert!(
        err.contains("module Nope") && err.contains("INVALID_MODULE"),
        "{err}"
    );
    env.cleanup();
}

#[test]
fn help_and_completions() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(support::BIN)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let help = run(&["--help"]);
    for cmd in [
        "auth",
        "export",
        "import",
        "fields",
        "emulator",
        "completions",
        "Exit status",
    ] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
    let export = run(&["export", "--help"]);
    for opt in [
        "--format",
        "--fields",
        "--criteria",
        "--modified-since",
        "--output",
        "--restart",
    ] {
        assert!(export.contains(opt), "export --help lacks {opt}");
    }
    let migrate = run(&["auth", "migrate", "--help"]);
    assert!(
        migrate.contains("postgres://") && migrate.contains("?table=NAME"),
        "{migrate}"
    );
    let bash = run(&["completions", "bash"]);
    assert!(bash.contains("_zohocrm") && bash.contains("--duplicate-check-fields"));
    let zsh = run(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef zohocrm"));
}

/// What `zohocrm emulator` printed and wrote, and what the other commands then did with it.
struct EmulatorSession {
    stdout: Vec<String>,
    config: String,
    exchanged: std::process::Output,
    leads: std::process::Output,
}

/// `zohocrm export` of every Lead's last name, as JSON lines.
const EXPORT_LEAD_NAMES: &[&str] = &[
    "export",
    "Leads",
    "--format",
    "jsonl",
    "--fields",
    "Last_Name",
];

/// A running `zohocrm emulator` child, with the config it wrote and its grant code.
struct RunningEmulator {
    child: std::process::Child,
    dir: std::path::PathBuf,
    config: std::path::PathBuf,
    stdout: Vec<String>,
    grant: String,
}

impl RunningEmulator {
    /// Starts `zohocrm emulator --port 0 <extra> --write-config ...` and reads its output up to
    /// the grant code.
    fn start(tag: &str, extra: &[&str]) -> RunningEmulator {
        use std::io::BufRead;
        let dir =
            std::env::temp_dir().join(format!("zohocrm-cli-emu-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("zoho.toml");
        let mut child = std::process::Command::new(support::BIN)
            .args(["emulator", "--port", "0"])
            .args(extra)
            .arg("--write-config")
            .arg(&config)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut stdout = Vec::new();
        let grant = loop {
            let line = lines
                .next()
                .expect("the emulator printed its grant code")
                .unwrap();
            stdout.push(line.clone());
            if let Some(code) = line.strip_prefix("grant_code: ") {
                break code.to_owned();
            }
        };
        RunningEmulator {
            child,
            dir,
            config,
            stdout,
            grant,
        }
    }

    /// Runs a `zohocrm` command with the written config and the given variables.
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        std::process::Command::new(support::BIN)
            .env("ZOHO_CONFIG", &self.config)
            .envs(env.iter().copied())
            .args(args)
            .output()
            .unwrap()
    }

    /// Stops the emulator; returns the config it wrote.
    fn stop(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let config = std::fs::read_to_string(&self.config).unwrap_or_default();
        let _ = std::fs::remove_dir_all(&self.dir);
        config
    }
}

/// Starts `zohocrm emulator` with `extra` flags, exchanges its grant code through the config it
/// writes, exports Leads, then stops it.
fn emulator_session(tag: &str, extra: &[&str]) -> EmulatorSession {
    let mut flags = vec!["--records", "2100"];
    flags.extend_from_slice(extra);
    let emu = RunningEmulator::start(tag, &flags);
    let exchanged = emu.run(&["auth", "exchange", &emu.grant], &[]);
    let leads = emu.run(EXPORT_LEAD_NAMES, &[]);
    let stdout = emu.stdout.clone();
    let config = emu.stop();
    for out in [&exchanged, &leads] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    EmulatorSession {
        stdout,
        config,
        exchanged,
        leads,
    }
}

/// `--latency-ms` delays every CRM answer (not OAuth), so a read timeout set in the environment
/// can be tried from the command line.
#[test]
fn emulator_command_latency_meets_a_read_timeout_from_the_environment() {
    let emu = RunningEmulator::start("latency", &["--latency-ms", "2500"]);
    let exchanged = emu.run(&["auth", "exchange", &emu.grant], &[]);
    let slow = emu.run(
        EXPORT_LEAD_NAMES,
        &[("ZOHO_READ_TIMEOUT_SECS", "1"), ("ZOHO_MAX_RETRIES", "0")],
    );
    let patient = emu.run(EXPORT_LEAD_NAMES, &[]);
    emu.stop();
    assert!(
        exchanged.status.success(),
        "{}",
        String::from_utf8_lossy(&exchanged.stderr)
    );
    let err = String::from_utf8_lossy(&slow.stderr);
    assert!(!slow.status.success());
    assert!(err.contains("Read timeout"), "{err}");
    assert!(
        patient.status.success(),
        "{}",
        String::from_utf8_lossy(&patient.stderr)
    );
}

/// `zohocrm emulator` serves until killed; the config it writes works for the other commands.
#[test]
fn emulator_command_serves_with_its_config() {
    let s = emulator_session("one", &[]);
    assert!(s.config.contains("api_base_url"), "{}", s.config);
    assert!(!s.exchanged.stdout.is_empty());
    // 2,100 generated Leads beside the hand-written ones: read past the 2,000 page cap.
    let n = String::from_utf8(s.leads.stdout).unwrap().lines().count();
    assert!(n > 2_100, "{n} leads");
}

/// With `--separate-api-listener` the accounts port refuses API paths, and the written config
/// pins no API URL, so the export succeeding shows the CLI followed the token's `api_domain`
/// (zoho-api-v2.md §1: the token response names the data centre's API host).
#[test]
fn emulator_command_with_a_separate_api_listener_is_followed_through_api_domain() {
    let s = emulator_session("api", &["--separate-api-listener"]);
    assert!(!s.config.contains("api_base_url"), "{}", s.config);
    let base = s.stdout.iter().find_map(|l| l.strip_prefix("base_url: "));
    let api = s.stdout.iter().find_map(|l| l.strip_prefix("api_domain: "));
    let (base, api) = (base.expect("base_url line"), api.expect("api_domain line"));
    assert_ne!(base, api, "two listeners");
    let n = String::from_utf8(s.leads.stdout).unwrap().lines().count();
    assert!(n > 2_100, "{n} leads");
}

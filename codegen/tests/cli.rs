//! The binary as users run it: generate, check (and its exit status), diff between two git
//! revisions, coverage, and what a bad spec prints.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zohocrm-codegen"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zohocrm-codegen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn generate_then_check_detects_staleness() {
    let dir = temp("check");
    let out = dir.join("generated");
    let spec = fixtures().join("mini");
    let args = |cmd: &str| {
        let mut c = bin();
        c.args([
            cmd,
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        c
    };
    let o = args("generate").output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(out.join("handles/shop.rs").exists());
    let o = args("check").output().unwrap();
    assert!(o.status.success(), "{}", text(&o));

    std::fs::write(out.join("types/item.rs"), "// edited by hand\n").unwrap();
    std::fs::write(out.join("types/stray.rs"), "").unwrap();
    std::fs::remove_file(out.join("types/color.rs")).unwrap();
    let o = args("check").output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let t = text(&o);
    for expected in [
        "types/item.rs (differs)",
        "types/color.rs (missing)",
        "types/stray.rs (should not exist)",
    ] {
        assert!(t.contains(expected), "{t}");
    }
    let o = args("generate").output().unwrap();
    assert!(text(&o).contains("1 removed"), "{}", text(&o));
    assert!(args("check").output().unwrap().status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_between_git_revisions() {
    let dir = temp("git");
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}: {}", text(&o));
    };
    git(&["init", "-q"]);
    copy_dir(&fixtures().join("mini"), &dir.join("spec"));
    git(&["add", "."]);
    git(&["commit", "-qm", "v1"]);
    std::fs::remove_file(dir.join("spec/api.yaml")).unwrap();
    copy_dir(&fixtures().join("mini_v2"), &dir.join("spec"));
    git(&["add", "."]);
    git(&["commit", "-qm", "v2"]);

    let o = bin()
        .args(["diff", "HEAD~1", "HEAD"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("+ operation shop.get_reviews") && t.contains("- field Item.color"),
        "{t}"
    );

    let o = bin()
        .args(["diff", "HEAD~1", "HEAD", "--json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|c| c["change"] == "entity_added" && c["name"] == "Review"),
        "{v}"
    );

    let o = bin()
        .args(["diff", "no-such-rev", "HEAD"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        text(&o).contains("neither a directory nor a git revision"),
        "{}",
        text(&o)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn coverage_prints_per_handle_and_total() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("spec");
    let o = bin()
        .args(["coverage", "--spec", spec.to_str().unwrap(), "--min", "50"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    let (tables, sdk) = t.split_once("\n\n").expect("two lists");
    assert!(tables.starts_with("zcrmsdk 2.0"), "{t}");
    assert!(
        tables.contains("  rest_client: 4/4") && tables.contains("  org: 28/28"),
        "{t}"
    );
    assert!(tables.trim_end().ends_with("total: 93/93 (100.0%)"), "{t}");
    assert!(sdk.starts_with("zohocrmsdk2-0 6.0.0"), "{t}");
    assert!(sdk.contains("  taxes: 6/6"), "{t}");
    assert!(sdk.contains("/139 ("), "{t}");
    let below = bin()
        .args([
            "coverage",
            "--spec",
            spec.to_str().unwrap(),
            "--min",
            "100.1",
        ])
        .output()
        .unwrap();
    assert!(!below.status.success(), "{}", text(&below));
}

#[test]
fn a_bad_spec_prints_file_line_column() {
    let dir = temp("bad");
    std::fs::write(
        dir.join("bad.yaml"),
        "entities:\n  Item:\n    doc: I.\n    fields:\n      id: { type: idd, doc: Id. }\n",
    )
    .unwrap();
    let o = bin()
        .args([
            "check",
            "--spec",
            dir.to_str().unwrap(),
            "--out",
            dir.join("g").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("bad.yaml:5:") && t.contains("unknown type `idd`"),
        "{t}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn org_entity_writes_and_checks_for_drift() {
    let dir = temp("org");
    let fields = dir.join("fields.json");
    let out = dir.join("org_leads.yaml");
    std::fs::write(
        &fields,
        r#"{"fields":[{"api_name":"Last_Name","data_type":"text","system_mandatory":true},{"api_name":"Score__c","data_type":"integer"}]}"#,
    )
    .unwrap();
    let run = |check: bool| {
        let mut c = bin();
        c.args([
            "org-entity",
            "--fields",
            fields.to_str().unwrap(),
            "--module",
            "Leads",
            "--entity",
            "Lead",
            "--out",
            out.to_str().unwrap(),
        ]);
        if check {
            c.arg("--check");
        }
        c.output().unwrap()
    };
    assert!(run(false).status.success());
    let yaml = std::fs::read_to_string(&out).unwrap();
    assert!(
        yaml.contains(r#"score_c: { key: "Score__c", type: "integer""#),
        "{yaml}"
    );
    // The written entity loads with a spec that defines LookupRef, like ours.
    let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("spec");
    let mut sources = vec![(
        "common.yaml".to_owned(),
        std::fs::read_to_string(spec.join("common.yaml")).unwrap(),
    )];
    sources.push(("org_leads.yaml".to_owned(), yaml));
    zohocrm_codegen::load_sources(&sources).unwrap();

    assert!(run(true).status.success(), "no drift yet");
    std::fs::write(
        &fields,
        r#"[{"api_name":"Last_Name","data_type":"text","system_mandatory":true},{"api_name":"Score__c","data_type":"decimal"}]"#,
    )
    .unwrap();
    let o = run(true);
    assert_eq!(o.status.code(), Some(1), "a changed field type is drift");
    assert!(
        text(&o).contains("differs from the org's Leads fields"),
        "{}",
        text(&o)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

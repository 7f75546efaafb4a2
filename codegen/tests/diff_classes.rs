//! `diff` classification on fixture spec pairs (`fixtures/diff/<case>/{old,new}` and the
//! expected overall impact in `expected`): the most severe impact among the changes.

use std::path::Path;
use std::process::Command;
use zohocrm_codegen::{diff, load_dir};

fn cases() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
    let mut v: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn each_fixture_pair_gets_its_expected_impact() {
    let cases = cases();
    assert!(cases.len() >= 10, "{cases:?}");
    for case in cases {
        let old = load_dir(&case.join("old")).unwrap();
        let new = load_dir(&case.join("new")).unwrap();
        let changes = diff::classify(&old, &new);
        assert!(!changes.is_empty(), "{}: no changes found", case.display());
        let worst = changes.iter().map(|c| c.impact).max().unwrap().to_string();
        let expected = std::fs::read_to_string(case.join("expected")).unwrap();
        assert_eq!(worst, expected.trim(), "{}: {changes:#?}", case.display());
        assert!(diff::classify(&new, &new).is_empty());
    }
}

#[test]
fn deny_breaking_sets_the_exit_status() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
    let run = |case: &str| {
        Command::new(env!("CARGO_BIN_EXE_zohocrm-codegen"))
            .args(["diff", "--deny-breaking"])
            .arg(root.join(case).join("old"))
            .arg(root.join(case).join("new"))
            .output()
            .unwrap()
    };
    let o = run("field_removed");
    assert!(!o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("breaking  - field Item.color"), "{text}");
    let o = run("optional_param_added");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("additive"));
}

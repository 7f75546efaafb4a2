//! `examples/custom-org`, copied outside this repository with its path dependencies pointed
//! back here, builds its own typed code from its own spec through `build.rs` and runs: it starts
//! the emulator with that spec and calls a built-in operation decoded into its own `Invoice`,
//! its own extension operation on the `module` handle, and its own `shipments` endpoint (served
//! generically by the emulator) over HTTP.
//!
//! The nested build shares this build's target directory, so the dependencies it has in common
//! are compiled once.

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == "Cargo.lock" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// This test binary lives in `<target>/debug/deps/`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

#[test]
fn the_custom_org_crate_builds_and_runs_outside_the_repository() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    // One stable directory per target directory: the copy's package path stays the same from
    // run to run, so its build is incremental and its artifacts replace the last run's.
    let target = target_dir();
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        target.hash(&mut h);
        h.finish()
    };
    let dir = std::env::temp_dir().join(format!("zohocrm-custom-org-{key:016x}"));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo.join("examples/custom-org"), &dir);
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let repo_s = repo.display().to_string();
    let pointed = manifest
        .replace(
            "\"../../emulator\"",
            &format!("{:?}", format!("{repo_s}/emulator")),
        )
        .replace(
            "\"../../codegen\"",
            &format!("{:?}", format!("{repo_s}/codegen")),
        )
        .replace("\"../..\"", &format!("{repo_s:?}"));
    assert!(
        !pointed.contains("\"../"),
        "every path dependency re-pointed: {pointed}"
    );
    std::fs::write(dir.join("Cargo.toml"), pointed).unwrap();
    // The repository's lock, so the copy resolves offline to what this build already has.
    std::fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["run", "--offline", "--quiet"])
        .current_dir(&dir);
    // Cargo sets CARGO_MANIFEST_DIR, CARGO_PKG_* ... for this test; build scripts that watch them
    // (ring's does) would rerun in the nested build and make the outer one rebuild next time.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if (key.starts_with("CARGO_") && key != "CARGO_HOME") || key == "OUT_DIR" {
            cargo.env_remove(key.as_ref());
        }
    }
    cargo.env("CARGO_TARGET_DIR", &target);
    let out = cargo.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "cargo run failed:\n{stdout}\n{stderr}"
    );
    for line in [
        "PO Some(\"PO-7731\")",
        "archived invoices: 0",
        "via Some(Ups)",
        "shipments listed: 1",
        "shipment deleted",
        "custom-org: done",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

//! `zohocrm-codegen`: generate, check, diff and coverage. The only part that touches the disk.

use clap::{Parser, Subcommand};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use zohocrm_codegen::{coverage, diff, emit, ir::Api, load_dir, load_sources, SpecErrors};

#[derive(Parser)]
#[command(
    name = "zohocrm-codegen",
    about = "Generate the zohocrm client from spec/"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write generated/ from spec/.
    Generate {
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Fail (exit 1) and name the files when generated/ is stale.
    Check {
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// List operations, entities and fields added, removed or changed from OLD to NEW. Each side
    /// is a spec directory or a git revision (whose `spec/` is read).
    Diff {
        old: String,
        new: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Exit 1 when any change is breaking for users of the generated API (CI guard).
        #[arg(long)]
        deny_breaking: bool,
    },
    /// Write spec entities from the org's field metadata: from a saved `GET
    /// /settings/fields?module=X` answer (`--fields`), or fetched live with a token from the
    /// configured store (`--module` alone, or `--all-modules`), so records decode into typed fields.
    OrgEntity(zohocrm_codegen::org::command::OrgEntityArgs),
    /// Compare the spec with spec/reference-operations.yaml: the official Python SDK's tables (93) and the 139
    /// operations of the official zohocrmsdk2-0 6.0.0 SDK.
    Coverage {
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Exit 1 when either list's coverage is below this percentage.
        #[arg(long)]
        min: Option<f64>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn spec_err(e: SpecErrors) -> String {
    format!("the spec is invalid:\n{e}")
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.cmd {
        Cmd::Generate { spec, out } => {
            let api = load_dir(&spec).map_err(spec_err)?;
            let files = emit::emit(&api);
            let (written, removed) = write_all(&out, &files)?;
            println!(
                "generated {} files into {} ({} changed, {} removed): {} operations, {} entities, {} enums",
                files.len(),
                out.display(),
                written,
                removed,
                api.operations.len(),
                api.entities.len(),
                api.enums.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Check { spec, out } => {
            let api = load_dir(&spec).map_err(spec_err)?;
            let stale = stale_files(&out, &emit::emit(&api))?;
            if stale.is_empty() {
                println!("{} is up to date", out.display());
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "{} is stale; run `cargo codegen generate`. Files that differ:",
                    out.display()
                );
                for f in stale {
                    eprintln!("  {f}");
                }
                Ok(ExitCode::FAILURE)
            }
        }
        Cmd::Diff {
            old,
            new,
            json,
            deny_breaking,
        } => {
            let (a, b) = (load_side(&old)?, load_side(&new)?);
            let changes = diff::classify(&a, &b);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&changes).map_err(|e| e.to_string())?
                );
            } else if changes.is_empty() {
                println!("no changes");
            } else {
                for c in &changes {
                    println!("{:<9} {}", c.impact, c.change);
                }
            }
            let breaking = changes
                .iter()
                .filter(|c| c.impact == diff::Impact::Breaking)
                .count();
            if deny_breaking && breaking > 0 {
                eprintln!("{breaking} breaking change(s) and --deny-breaking was given");
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::OrgEntity(args) => Ok(if zohocrm_codegen::org::command::run(args)? {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }),
        Cmd::Coverage { spec, json, min } => {
            let api = load_dir(&spec).map_err(spec_err)?;
            let ref_path = spec.join(zohocrm_codegen::load::REFERENCE_FILE);
            let text = std::fs::read_to_string(&ref_path)
                .map_err(|e| format!("cannot read {}: {e}", ref_path.display()))?;
            let reference = coverage::parse_reference(&ref_path.display().to_string(), &text)
                .map_err(spec_err)?;
            let report = coverage::coverage(&api, &reference);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
                );
            } else {
                println!("{report}");
            }
            match min {
                Some(m) if report.percent() < m => Ok(ExitCode::FAILURE),
                _ => Ok(ExitCode::SUCCESS),
            }
        }
    }
}

/// Generated files on disk that differ from `files`, are missing, or should not exist.
fn stale_files(out: &Path, files: &BTreeMap<String, String>) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    for (rel, text) in files {
        match std::fs::read_to_string(out.join(rel)) {
            Ok(existing) if &existing == text => {}
            Ok(_) => stale.push(format!("{rel} (differs)")),
            Err(_) => stale.push(format!("{rel} (missing)")),
        }
    }
    for rel in existing_files(out)? {
        if !files.contains_key(&rel) {
            stale.push(format!("{rel} (should not exist)"));
        }
    }
    Ok(stale)
}

fn existing_files(out: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let mut dirs = vec![out.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in rd {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(rel) = path.strip_prefix(out) {
                found.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn write_all(out: &Path, files: &BTreeMap<String, String>) -> Result<(usize, usize), String> {
    let mut written = 0;
    for (rel, text) in files {
        let path = out.join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue; // untouched files keep their mtime, so cargo rebuilds less
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written += 1;
    }
    let mut removed = 0;
    for rel in existing_files(out)? {
        if !files.contains_key(&rel) {
            let path = out.join(&rel);
            std::fs::remove_file(&path)
                .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            removed += 1;
        }
    }
    Ok((written, removed))
}

/// A spec directory, or a git revision whose `spec/` is read with `git show`.
fn load_side(side: &str) -> Result<Api, String> {
    let p = Path::new(side);
    if p.is_dir() {
        return load_dir(p).map_err(spec_err);
    }
    let git = |args: &[&str]| -> Result<Vec<u8>, String> {
        let o = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !o.status.success() {
            return Err(format!(
                "`{side}` is neither a directory nor a git revision with spec/: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Ok(o.stdout)
    };
    let listing = git(&["ls-tree", "--name-only", &format!("{side}:spec")])?;
    let listing = String::from_utf8_lossy(&listing);
    let mut sources = Vec::new();
    for name in listing.lines().filter(|n| n.ends_with(".yaml")) {
        if name == zohocrm_codegen::load::REFERENCE_FILE {
            continue;
        }
        let bytes = git(&["show", &format!("{side}:spec/{name}")])?;
        let text = zohocrm_codegen::load::decode_source(name, bytes)
            .map_err(|e| spec_err(SpecErrors(vec![e])))?;
        sources.push((name.to_owned(), text));
    }
    sources.sort();
    load_sources(&sources).map_err(spec_err)
}

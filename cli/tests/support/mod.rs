//! Runs the real `zohocrm` binary as a child process against an emulator in this process, over
//! HTTP, with a config file and a file token store in a fresh directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use zohocrm_emulator::{ADMIN_EMAIL, Emulator, EmulatorConfig};

pub const BIN: &str = env!("CARGO_BIN_EXE_zohocrm");

pub struct Env {
    pub emu: Emulator,
    pub dir: PathBuf,
    pub config: PathBuf,
}

impl Env {
    /// An emulator, a config pointing at it, and tokens for the admin user.
    pub async fn new(config: EmulatorConfig) -> Env {
        let env = Env::without_tokens(config).await;
        let code = env.emu.grant_code(ADMIN_EMAIL);
        env.ok(&["auth", "exchange", &code]);
        env
    }

    /// As [`Env::new`], with every CRM call taking `ms` milliseconds (time to interrupt one).
    pub async fn with_latency(ms: u64) -> Env {
        Env::new(EmulatorConfig {
            crm_latency: std::time::Duration::from_millis(ms),
            ..EmulatorConfig::default()
        })
        .await
    }

    pub async fn without_tokens(config: EmulatorConfig) -> Env {
        let emu = Emulator::start_with(config)
            .await
            .expect("start the emulator");
        let dir = std::env::temp_dir().join(format!(
            "zohocrm-cli-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let config = dir.join("zoho.toml");
        let base = emu.base_url();
        std::fs::write(
            &config,
            format!(
                "client_id = \"{}\"\nclient_secret = \"{}\"\nredirect_uri = \"{}\"\n\
                 accounts_url = \"{base}\"\napi_base_url = \"{base}\"\n\
                 current_user_email = \"{ADMIN_EMAIL}\"\nmax_retries = 0\n\
                 [token_store]\npath = \"{}\"\n",
                emu.client_id(),
                emu.client_secret(),
                emu.redirect_uri(),
                dir.join("tokens.json").display()
            ),
        )
        .expect("write the config");
        Env { emu, dir, config }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The command with this env's config and no inherited ZOHO_* variables.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        for (k, _) in std::env::vars() {
            if k.starts_with("ZOHO_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("ZOHO_CONFIG", &self.config)
            .current_dir(&self.dir)
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run zohocrm")
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "zohocrm {args:?} failed ({:?}):\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs and asserts this exit status; returns stderr.
    pub fn fails(&self, args: &[&str], status: i32) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(status),
            "zohocrm {args:?}: stdout: {}\nstderr: {stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        stderr
    }

    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn zohocrm")
    }

    pub fn cleanup(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `kill -9`: the process gets no chance to clean up.
pub fn kill_9(child: &mut Child) {
    let rc = unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    assert_eq!(rc, 0, "kill -9 {}", child.id());
    let status = child.wait().expect("reap the killed child");
    assert!(!status.success(), "the child finished before it was killed");
}

/// Waits for a spawned child; returns its exit status and stderr.
pub fn finish(mut child: Child) -> (Option<i32>, String) {
    let status = child.wait().expect("wait for zohocrm");
    let mut stderr = String::new();
    if let Some(pipe) = child.stderr.as_mut() {
        std::io::Read::read_to_string(pipe, &mut stderr).expect("read stderr");
    }
    (status.code(), stderr)
}

/// Waits (polling) until `ready` holds, up to 60 s.
pub async fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !ready() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// CSV rows (header first) of a file.
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    r.records()
        .map(|rec| rec.expect("csv row").iter().map(str::to_owned).collect())
        .collect()
}

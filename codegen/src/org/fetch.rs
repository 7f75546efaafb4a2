//! The org's field metadata fetched live, for `org-entity --module X` without `--fields` and for
//! `--all-modules`.
//!
//! The generator does not link the SDK (see docs/your-own-org.md, "Fetching: why through the
//! `zohocrm` command"): it runs the `zohocrm` command, `zohocrm fields <Module> --json` or
//! `zohocrm fields --all-modules --json`, which reads the config file, the `ZOHO_*` environment,
//! `--store` and `--user` and finds the user's token exactly as every other `zohocrm` command
//! does, then calls `GET /settings/fields?module=X` (and `GET /settings/modules`) through the SDK.

use super::{parse_fields, FieldMeta};
use std::path::PathBuf;
use std::process::Command;

/// The environment variable holding the `zohocrm` command line (program and arguments,
/// separated by spaces) when `--zohocrm-command` is not given; `zohocrm` when neither is.
pub const COMMAND_ENV: &str = "ZOHOCRM_CLI";

/// How to run the `zohocrm` command, and the settings passed on to it.
#[derive(Debug, Clone)]
pub struct Fetcher {
    /// Program then arguments: `["zohocrm"]`, or `["cargo", "run", "--quiet", "-p",
    /// "zohocrm-cli", "--"]` inside the zohocrm repository.
    pub command: Vec<String>,
    /// `--config FILE` for `zohocrm` (else its `ZOHO_CONFIG`).
    pub config: Option<PathBuf>,
    /// `--store URL` for `zohocrm`: a token store replacing the configured one.
    pub store: Option<String>,
    /// `--user EMAIL` for `zohocrm`: whose token is used.
    pub user: Option<String>,
}

/// One module's field metadata, from `zohocrm fields --all-modules --json`.
#[derive(Debug, Clone)]
pub struct ModuleFields {
    /// The module's API name (`Leads`).
    pub api_name: String,
    /// Its singular label (`Lead`), when Zoho gives one.
    pub singular_label: Option<String>,
    /// Its fields.
    pub fields: Vec<FieldMeta>,
}

impl Fetcher {
    /// A fetcher running `command` (split on spaces) when given, else the command line in
    /// `$ZOHOCRM_CLI`, else `zohocrm` from `PATH`; no settings passed on.
    pub fn new(command: Option<&str>) -> Fetcher {
        let line = command
            .map(str::to_owned)
            .or_else(|| std::env::var(COMMAND_ENV).ok())
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| "zohocrm".to_owned());
        Fetcher {
            command: line.split_whitespace().map(str::to_owned).collect(),
            config: None,
            store: None,
            user: None,
        }
    }

    /// The fields of `module`.
    ///
    /// # Errors
    /// The command cannot start, or fails (its message follows, Zoho's error code included, e.g.
    /// `INVALID_MODULE` for a module the org does not have), or prints what is not field metadata.
    pub fn module_fields(&self, module: &str) -> Result<Vec<FieldMeta>, String> {
        let json = self.run(&["fields", module, "--json"])?;
        parse_fields(&json).map_err(|e| format!("the field metadata of module {module}: {e}"))
    }

    /// The fields of every module the API supports (`api_supported` in the module metadata).
    ///
    /// # Errors
    /// As [`Fetcher::module_fields`].
    pub fn all_modules(&self) -> Result<Vec<ModuleFields>, String> {
        let json = self.run(&["fields", "--all-modules", "--json"])?;
        parse_modules(&json)
    }

    fn run(&self, args: &[&str]) -> Result<String, String> {
        let (program, leading) = self
            .command
            .split_first()
            .ok_or_else(|| format!("the zohocrm command line is empty (check {COMMAND_ENV})"))?;
        // Shown in errors: the store URL is left out, it may hold a password.
        let shown = format!("`{} {}`", self.command.join(" "), args.join(" "));
        let mut cmd = Command::new(program);
        cmd.args(leading);
        if let Some(config) = &self.config {
            cmd.arg("--config").arg(config);
        }
        if let Some(store) = &self.store {
            cmd.arg("--store").arg(store);
        }
        if let Some(user) = &self.user {
            cmd.arg("--user").arg(user);
        }
        let out = cmd.args(args).output().map_err(|e| {
            format!(
                "cannot run {shown}: {e}; install the `zohocrm` command (`cargo install \
                 zohocrm-cli`), or name it with --zohocrm-command or {COMMAND_ENV}"
            )
        })?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let message = stderr.trim();
            let message = message.strip_prefix("zohocrm: ").unwrap_or(message);
            return Err(format!("{shown} failed ({}): {message}", out.status));
        }
        String::from_utf8(out.stdout).map_err(|_| format!("{shown} printed text that is not UTF-8"))
    }
}

/// Parses `{"modules": [{"api_name": .., "singular_label": .., "fields": [..]}, ..]}`.
///
/// # Errors
/// Not JSON, or a module without `api_name` or `fields` (named by its position).
pub fn parse_modules(json: &str) -> Result<Vec<ModuleFields>, String> {
    let v: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| format!("not JSON at line {} column {}: {e}", e.line(), e.column()))?;
    let Some(list) = v.get("modules").and_then(serde_json::Value::as_array) else {
        return Err("expected `{\"modules\": [...]}`".into());
    };
    list.iter()
        .enumerate()
        .map(|(i, m)| {
            let api_name = m
                .get("api_name")
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| format!("module #{i} (from 0) has no api_name"))?;
            let fields = m
                .get("fields")
                .ok_or_else(|| format!("module {api_name} has no fields"))?;
            Ok(ModuleFields {
                api_name: api_name.to_owned(),
                singular_label: m
                    .get("singular_label")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned),
                fields: parse_fields(&fields.to_string())
                    .map_err(|e| format!("module {api_name}: {e}"))?,
            })
        })
        .collect()
}

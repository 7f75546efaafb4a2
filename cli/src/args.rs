//! The command line: every command, option and its help text (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Everyday Zoho CRM chores: tokens, export, import and field metadata.
///
/// Configuration comes from a TOML file (--config, or ZOHO_CONFIG), then the ZOHO_*
/// environment variables, then these flags; each layer overrides the one before, key by key.
/// Data goes to stdout, progress and messages to stderr.
///
/// Exit status: 0 success, 1 any other failure, 2 bad usage or configuration, 3 OAuth or
/// token problem, 4 network failure, 5 throttled by Zoho (429), 6 some rows of an import
/// failed (see the report file).
#[derive(Debug, Parser)]
#[command(
    name = "zohocrm",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct Global {
    /// TOML configuration file (the keys of docs/configuration.md).
    #[arg(long, global = true, env = "ZOHO_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The CRM user whose tokens are used (overrides current_user_email).
    #[arg(long, global = true, value_name = "EMAIL")]
    pub user: Option<String>,
    /// Data centre: us, eu, in, cn, au, jp, ca or sa (overrides data_center).
    #[arg(long, global = true, value_name = "DC")]
    pub data_center: Option<String>,
    /// Accounts (OAuth) server URL (overrides accounts_url; e.g. the emulator's).
    #[arg(long, global = true, value_name = "URL")]
    pub accounts_url: Option<String>,
    /// API base URL (overrides api_base_url; e.g. the emulator's).
    #[arg(long, global = true, value_name = "URL")]
    pub api_base_url: Option<String>,
    /// Token store URL, replacing the configured store (`zohocrm auth migrate --help` lists the forms).
    #[arg(long, global = true, value_name = "STORE-URL")]
    pub store: Option<String>,
    /// No progress bar, even on a terminal.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Exchange, inspect, refresh, revoke and migrate OAuth tokens.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Write every record of a module (past 2,000) as CSV, JSON lines or JSON.
    Export(ExportArgs),
    /// Insert, update or upsert records from a CSV file, in chunks of 100, with a report per row.
    Import(ImportArgs),
    /// Print a module's field metadata as a table, or write it as a spec entity.
    Fields(FieldsArgs),
    /// Start the local Zoho emulator (accounts + CRM) to try everything offline.
    #[cfg(feature = "emulator")]
    Emulator(EmulatorArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Exchange a grant code for tokens, store them and print the user.
    Exchange {
        /// The grant code (from the API console's Self Client or your redirect URI).
        grant_code: String,
    },
    /// List the stored tokens: user, data centre, expiry and masked secrets.
    Show {
        /// Print JSON lines instead of a table (secrets still masked).
        #[arg(long)]
        json: bool,
    },
    /// Get a new access token for one user now and store it.
    Refresh,
    /// Revoke one user's refresh token at Zoho and delete it from the store.
    Revoke,
    /// Copy every token from one store to another (idempotent; rerun after an interruption).
    ///
    /// Store URLs: `file:PATH` (or a bare path), `sqlite:PATH` / `sqlite://PATH`,
    /// `mysql://user:pass@host:3306/db` (also `mariadb://`), `postgres://user@host:5432/db`,
    /// `redis://host:6379`. SQL URLs take `?table=NAME` (default oauthtoken); Redis URLs take
    /// `?prefix=PREFIX` (default zohocrm:oauthtoken:). Tokens are upserted by (client id, user,
    /// API domain), so a rerun copies what is missing and changes nothing else; the source is
    /// never modified. Every copied token is read back and compared before success is reported.
    Migrate {
        /// The store to copy from.
        #[arg(long, value_name = "STORE-URL")]
        from: String,
        /// The store to copy to.
        #[arg(long, value_name = "STORE-URL")]
        to: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// Comma-separated values with a header row (lookups as ids, multi-selects joined by `;`).
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// One JSON array.
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Module API name (Leads, Contacts, a custom module ...).
    pub module: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Output file, written atomically (a `.part` file renamed at the end); stdout when absent.
    /// With a file, an interrupted export resumes where it stopped when rerun.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Field API names to export, comma-separated (all fields when absent; `id` always comes first).
    #[arg(long, value_delimiter = ',', value_name = "FIELDS")]
    pub fields: Vec<String>,
    /// Only records matching Zoho criteria, e.g. `(Lead_Source:equals:Web Download)`.
    #[arg(long, value_name = "CRITERIA")]
    pub criteria: Option<String>,
    /// Only records modified at or after this ISO-8601 time (2024-01-31T00:00:00+00:00).
    #[arg(long, value_name = "TIME")]
    pub modified_since: Option<String>,
    /// Discard an interrupted export's progress and start over.
    #[arg(long)]
    pub restart: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
pub enum Mode {
    /// Create every row as a new record.
    Insert,
    /// Update records by the `id` column.
    Update,
    /// Update rows matching on --duplicate-check-fields, insert the rest.
    Upsert,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Module API name.
    pub module: String,
    /// CSV file with a header row of field API names (an `id` column for update).
    pub file: PathBuf,
    /// What to do with each row.
    #[arg(long, value_enum, default_value_t = Mode::Insert)]
    pub mode: Mode,
    /// Fields that identify an existing record in upsert mode, comma-separated (e.g. Email).
    #[arg(long, value_delimiter = ',', value_name = "FIELDS")]
    pub duplicate_check_fields: Vec<String>,
    /// Report file: one line per row with its status, id or Zoho's error code and field.
    /// Default `<FILE>.report.csv`. A rerun reads it and skips the rows already done.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Check every row against the module's field metadata and write the report; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Discard the report of an interrupted import and start over.
    #[arg(long)]
    pub restart: bool,
}

#[derive(Debug, Args)]
pub struct FieldsArgs {
    /// Module API name.
    #[arg(required_unless_present = "all_modules")]
    pub module: Option<String>,
    /// Every module the API supports (`api_supported`), as JSON
    /// (`{"modules":[{"api_name","singular_label","fields":[...]}]}`), for `cargo codegen
    /// org-entity --all-modules`.
    #[arg(long, requires = "json", conflicts_with_all = ["module", "entity"])]
    pub all_modules: bool,
    /// Write a spec entity with this (PascalCase) name instead of the table, as
    /// `cargo codegen org-entity` does from a saved metadata file.
    #[arg(long, value_name = "NAME")]
    pub entity: Option<String>,
    /// Write the entity here instead of stdout (atomically).
    #[arg(long, short, value_name = "FILE", requires = "entity")]
    pub output: Option<PathBuf>,
    /// Print the raw field metadata as JSON (`{"fields":[...]}`).
    #[arg(long, conflicts_with = "entity")]
    pub json: bool,
}

#[cfg(feature = "emulator")]
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Generated records added to each of Leads, Contacts, Accounts and Deals (to try exports
    /// past Zoho's 2,000-record page cap).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub records: u64,
    /// Write a TOML configuration for this emulator here (client, URLs, a file token store
    /// beside it), ready for `--config`.
    #[arg(long, value_name = "FILE")]
    pub write_config: Option<PathBuf>,
    /// Serve the CRM API on a second port, named as `api_domain` in token responses, as Zoho's
    /// accounts and API hosts differ. The written configuration then pins no `api_base_url`,
    /// so calls follow the token's `api_domain` as they do against Zoho.
    #[arg(long)]
    pub separate_api_listener: bool,
    /// Delay every CRM answer by this many milliseconds (OAuth is not delayed), to try
    /// timeouts and concurrency against it.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
}

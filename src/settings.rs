//! Configuration from a TOML file and from `ZOHO_*` environment variables.
//!
//! [`Settings`] holds every key of the official Python SDK's configuration dictionary under a
//! snake_case name (the SDK's camelCase spellings are accepted in TOML too), plus the keys only
//! this SDK has. Load it from a file, from the environment, or both, layer the sources with
//! [`Settings::merge`], then turn it into a [`ClientBuilder`] with [`Settings::into_builder`]:
//!
//! ```no_run
//! # async fn run() -> zohocrm::Result<()> {
//! use zohocrm::Settings;
//! // file < environment < code
//! let settings = Settings::from_toml_file("zoho.toml")?.merge(Settings::from_env()?);
//! let client = settings
//!     .into_builder()
//!     .await?
//!     .max_retries(5) // code still wins
//!     .build()?;
//! # let _ = client; Ok(()) }
//! ```
//!
//! `docs/configuration.md` maps each key of the official SDK to its TOML key, environment
//! variable and [`ClientBuilder`] method.

use crate::client::ClientBuilder;
use crate::config::{
    DataCenter, Environment, check_range, normalize_api_version, normalize_base_url,
};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::store::{FileStore, MemoryStore, TokenStore};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The file a `token_persistence_path` directory holds tokens in (`<dir>/zohocrm_tokens.json`).
pub const TOKEN_FILE_NAME: &str = "zohocrm_tokens.json";
/// The SQL table used when `token_store.table` is not given (the official SDK's).
pub const DEFAULT_TABLE: &str = "oauthtoken";
/// The MySQL host used when `token_store.mysql_host` is not given.
pub const DEFAULT_MYSQL_HOST: &str = "127.0.0.1";
/// The MySQL port used when `token_store.mysql_port` is not given.
pub const DEFAULT_MYSQL_PORT: u16 = 3306;
/// The MySQL database used when `token_store.mysql_database` is not given (the official SDK's).
pub const DEFAULT_MYSQL_DATABASE: &str = "zohooauth";

const DATA_CENTERS: &str = "us, eu, in, cn, au, jp, ca, sa";
const ENVIRONMENTS: &str = "production, sandbox, developer";
const STORE_KINDS: &str = "memory, file, sqlite, mysql, postgres, redis";
const BOOLS: &str = "true, false, 1, 0, yes, no";

/// Client configuration: every key is optional, so a file, the environment and code can each
/// give some of them (see [`Settings::merge`]).
///
/// Deserializes from TOML with unknown keys refused. `Debug` never shows a secret: the client
/// secret, the MySQL password and the store URL (which may embed a password) are [`Secret`]s.
///
/// Construct it with [`Settings::default`] and set fields, or load it with
/// [`Settings::from_toml_file`], [`Settings::from_toml_str`], [`Settings::from_env`] or
/// [`Settings::from_env_map`].
///
/// ```
/// use zohocrm::Settings;
///
/// let file = Settings::from_toml_str(
///     "client_id = \"1000.XXXX\"\nclient_secret = \"from-file\"\n",
///     "zoho.toml",
/// )?;
/// let env = Settings::from_env_map([("ZOHO_CLIENT_SECRET".to_owned(), "from-env".to_owned())])?;
/// let settings = file.merge(env); // the environment wins over the file
/// assert_eq!(settings.client_id.as_deref(), Some("1000.XXXX"));
/// assert_eq!(settings.client_secret.as_ref().map(|s| s.expose()), Some("from-env"));
/// assert!(!format!("{settings:?}").contains("from-env"), "Debug hides secrets");
/// # Ok::<(), zohocrm::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Settings {
    /// OAuth client id (`client_id`). Required.
    pub client_id: Option<String>,
    /// OAuth client secret (`client_secret`). Required.
    pub client_secret: Option<Secret>,
    /// Redirect URI registered for the client (`redirect_uri`); needed to exchange grant tokens.
    pub redirect_uri: Option<String>,
    /// The user whose tokens calls use (`currentUserEmail`). Checked when a call needs it.
    #[serde(alias = "currentUserEmail")]
    pub current_user_email: Option<String>,
    /// Data centre: `us`, `eu`, `in`, `cn`, `au`, `jp`, `ca` or `sa` (default `us`).
    #[serde(default, deserialize_with = "de_data_center")]
    pub data_center: Option<DataCenter>,
    /// Environment: `production`, `sandbox` or `developer` (default `production`).
    #[serde(default, deserialize_with = "de_environment")]
    pub environment: Option<Environment>,
    /// The official SDK's `sandbox`: `true` means the sandbox environment. `"true"`/`"false"`
    /// strings are accepted, as the official SDK's examples write them. Must agree with
    /// `environment` when both are set.
    #[serde(default, deserialize_with = "de_lenient_bool")]
    pub sandbox: Option<bool>,
    /// Accounts server URL (`accounts_url`); derived from the data centre when absent.
    pub accounts_url: Option<String>,
    /// API base URL (`apiBaseUrl`); derived from the data centre and environment when absent.
    #[serde(alias = "apiBaseUrl")]
    pub api_base_url: Option<String>,
    /// API version (`apiVersion`): `v2`.
    #[serde(alias = "apiVersion")]
    pub api_version: Option<String>,
    /// The official SDK's `access_type`: accepted only as `offline` (what this SDK always uses).
    #[serde(default, deserialize_with = "de_access_type")]
    pub access_type: Option<String>,
    /// Refresh the access token this many seconds before it expires (default 60).
    pub refresh_margin_secs: Option<u64>,
    /// Whole-operation timeout in seconds, retries included (default 120; 1 to 86400); see
    /// [`ClientBuilder::timeout`].
    pub timeout_secs: Option<u64>,
    /// Longest wait for a connection to open, in seconds (default 10; 1 to 86400); see
    /// [`ClientBuilder::connect_timeout`].
    pub connect_timeout_secs: Option<u64>,
    /// Longest silence while reading an answer, in seconds: before its headers and between body
    /// chunks, so it also bounds a streamed download (default 60; 1 to 86400); see
    /// [`ClientBuilder::read_timeout`].
    pub read_timeout_secs: Option<u64>,
    /// Retries of idempotent calls on 429, 5xx and transport errors (default 4; 0 to 10); a 429
    /// is retried for every call.
    pub max_retries: Option<u32>,
    /// Most API calls in flight at once per user (default unlimited); see
    /// [`ClientBuilder::max_concurrent_requests`].
    pub max_concurrent_requests: Option<usize>,
    /// Also persist the client secret with the tokens (default false); see
    /// [`ClientBuilder::persist_client_secret`]. Booleans accept the same spellings everywhere:
    /// `true`/`false`, and the strings `true`, `false`, `1`, `0`, `yes`, `no`, `on`, `off`.
    #[serde(default, deserialize_with = "de_lenient_bool")]
    pub persist_client_secret: Option<bool>,
    /// Largest API answer read into memory, in bytes (default 64 MiB); see
    /// [`ClientBuilder::max_body_bytes`].
    pub max_body_bytes: Option<u64>,
    /// The official SDK's `applicationLogFilePath`. Accepted but unused: this SDK logs through
    /// `tracing`, so install a `tracing` subscriber that writes to a file instead. A warning says
    /// so when the client is configured.
    #[serde(alias = "applicationLogFilePath")]
    pub application_log_file_path: Option<PathBuf>,
    /// The official SDK's `token_persistence_path`: a directory. Means a file store at
    /// `<dir>/zohocrm_tokens.json` (see [`TOKEN_FILE_NAME`]).
    pub token_persistence_path: Option<PathBuf>,
    /// Where tokens persist (`[token_store]` in TOML). In memory when absent.
    pub token_store: Option<TokenStoreSettings>,
}

/// The `[token_store]` table: which [`TokenStore`] to use and how to reach it.
///
/// When `kind` is absent it is inferred: `path` means `file`; any `mysql_*` key means `mysql`;
/// otherwise `url`'s scheme decides (`mysql://`, `postgres://`, `sqlite:`, `redis://`); with
/// none of them, `memory`. Keys that do not apply to the chosen kind are refused.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TokenStoreSettings {
    /// `memory`, `file`, `sqlite`, `mysql`, `postgres` or `redis`.
    #[serde(default, deserialize_with = "de_store_kind")]
    pub kind: Option<StoreKind>,
    /// The token file (file store), or the database file (sqlite store, instead of `url`).
    pub path: Option<PathBuf>,
    /// Connection URL (sqlite, mysql, postgres, redis). A secret: it may hold a password.
    pub url: Option<Secret>,
    /// SQL table name (default `oauthtoken`, the official SDK's).
    pub table: Option<String>,
    /// Redis key prefix (default `zohocrm:oauthtoken:`).
    pub key_prefix: Option<String>,
    /// MySQL user (the official SDK's `mysql_username`); builds the URL when `url` is absent.
    pub mysql_username: Option<String>,
    /// MySQL password (the official SDK's `mysql_password`).
    pub mysql_password: Option<Secret>,
    /// MySQL port (the official SDK's `mysql_port`; default 3306).
    pub mysql_port: Option<u16>,
    /// MySQL host (default `127.0.0.1`).
    pub mysql_host: Option<String>,
    /// MySQL database (default `zohooauth`, the official SDK's).
    pub mysql_database: Option<String>,
}

/// A kind of token store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreKind {
    /// [`MemoryStore`]: tokens live as long as the process.
    Memory,
    /// [`FileStore`]: a JSON file.
    File,
    /// `SqliteStore` (cargo feature `sqlite`).
    Sqlite,
    /// `MySqlStore` (cargo feature `mysql`); also spelled `mariadb`.
    MySql,
    /// `PostgresStore` (cargo feature `postgres`); also spelled `postgresql`.
    Postgres,
    /// `RedisStore` (cargo feature `redis`).
    Redis,
}

impl StoreKind {
    /// Parses `memory`, `file`, `sqlite`, `mysql`/`mariadb`, `postgres`/`postgresql`, `redis`
    /// (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "memory" => StoreKind::Memory,
            "file" => StoreKind::File,
            "sqlite" => StoreKind::Sqlite,
            "mysql" | "mariadb" => StoreKind::MySql,
            "postgres" | "postgresql" => StoreKind::Postgres,
            "redis" => StoreKind::Redis,
            _ => return None,
        })
    }

    /// The name used in configuration (`mysql` ...).
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Memory => "memory",
            StoreKind::File => "file",
            StoreKind::Sqlite => "sqlite",
            StoreKind::MySql => "mysql",
            StoreKind::Postgres => "postgres",
            StoreKind::Redis => "redis",
        }
    }

    /// The cargo feature this store needs, if any.
    pub fn cargo_feature(self) -> Option<&'static str> {
        match self {
            StoreKind::Memory | StoreKind::File => None,
            StoreKind::Sqlite => Some("sqlite"),
            StoreKind::MySql => Some("mysql"),
            StoreKind::Postgres => Some("postgres"),
            StoreKind::Redis => Some("redis"),
        }
    }

    /// True when this build of the crate has the store.
    pub fn is_compiled(self) -> bool {
        match self {
            StoreKind::Memory | StoreKind::File => true,
            StoreKind::Sqlite => cfg!(feature = "sqlite"),
            StoreKind::MySql => cfg!(feature = "mysql"),
            StoreKind::Postgres => cfg!(feature = "postgres"),
            StoreKind::Redis => cfg!(feature = "redis"),
        }
    }
}

impl fmt::Display for StoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// Value parsing shared by TOML and the environment.

fn parse_data_center(raw: &str) -> std::result::Result<DataCenter, String> {
    DataCenter::parse(raw)
        .ok_or_else(|| format!("`{raw}` is not a data centre; accepted values: {DATA_CENTERS}"))
}

fn parse_environment(raw: &str) -> std::result::Result<Environment, String> {
    Environment::parse(raw)
        .ok_or_else(|| format!("`{raw}` is not an environment; accepted values: {ENVIRONMENTS}"))
}

fn parse_store_kind(raw: &str) -> std::result::Result<StoreKind, String> {
    StoreKind::parse(raw)
        .ok_or_else(|| format!("`{raw}` is not a token store kind; accepted values: {STORE_KINDS}"))
}

fn parse_bool(raw: &str) -> std::result::Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(format!(
            "`{raw}` is not a boolean; accepted values: {BOOLS}"
        )),
    }
}

fn check_access_type(raw: &str) -> std::result::Result<String, String> {
    if raw.trim().eq_ignore_ascii_case("offline") {
        Ok("offline".to_owned())
    } else {
        Err(format!(
            "`{raw}` is not supported; the only accepted value is `offline` (this SDK keeps a \
             refresh token and refreshes access tokens itself)"
        ))
    }
}

/// A number from a variable, within the range its TOML key allows (`config::RANGES`): checked
/// here as well as by `validate`, so an out-of-range value is named by the variable it came from.
fn in_range<T: std::str::FromStr + Copy + TryInto<u64>>(
    key: &'static str,
    raw: &str,
    what: &str,
) -> std::result::Result<T, String> {
    let v: T = parse_number(raw, what)?;
    match crate::config::check_range(key, v.try_into().unwrap_or(u64::MAX)) {
        Ok(()) => Ok(v),
        Err(Error::Config(e)) => Err(e.message),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_number<T: std::str::FromStr>(raw: &str, what: &str) -> std::result::Result<T, String> {
    raw.trim()
        .parse()
        .map_err(|_| format!("`{raw}` is not {what}"))
}

fn de_data_center<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<DataCenter>, D::Error> {
    let s = String::deserialize(d)?;
    parse_data_center(&s).map(Some).map_err(de::Error::custom)
}

fn de_environment<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Environment>, D::Error> {
    let s = String::deserialize(d)?;
    parse_environment(&s).map(Some).map_err(de::Error::custom)
}

fn de_store_kind<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<StoreKind>, D::Error> {
    let s = String::deserialize(d)?;
    parse_store_kind(&s).map(Some).map_err(de::Error::custom)
}

fn de_access_type<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    check_access_type(&s).map(Some).map_err(de::Error::custom)
}

/// A boolean, or a string spelling one (`"false"`, as the official SDK's examples write it).
fn de_lenient_bool<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<bool>, D::Error> {
    struct LenientBool;
    impl Visitor<'_> for LenientBool {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean (true or false)")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<bool, E> {
            parse_bool(v).map_err(E::custom)
        }
    }
    d.deserialize_any(LenientBool).map(Some)
}

// ---------------------------------------------------------------------------------------------
// TOML.

/// Top-level TOML keys (canonical names and aliases) and the key they report errors under.
const TOP_KEYS: &[(&str, &str)] = &[
    ("client_id", "client_id"),
    ("client_secret", "client_secret"),
    ("redirect_uri", "redirect_uri"),
    ("current_user_email", "current_user_email"),
    ("currentUserEmail", "current_user_email"),
    ("data_center", "data_center"),
    ("environment", "environment"),
    ("sandbox", "sandbox"),
    ("accounts_url", "accounts_url"),
    ("api_base_url", "api_base_url"),
    ("apiBaseUrl", "api_base_url"),
    ("api_version", "api_version"),
    ("apiVersion", "api_version"),
    ("access_type", "access_type"),
    ("refresh_margin_secs", "refresh_margin_secs"),
    ("timeout_secs", "timeout_secs"),
    ("connect_timeout_secs", "connect_timeout_secs"),
    ("read_timeout_secs", "read_timeout_secs"),
    ("max_retries", "max_retries"),
    ("max_concurrent_requests", "max_concurrent_requests"),
    ("persist_client_secret", "persist_client_secret"),
    ("max_body_bytes", "max_body_bytes"),
    ("application_log_file_path", "application_log_file_path"),
    ("applicationLogFilePath", "application_log_file_path"),
    ("token_persistence_path", "token_persistence_path"),
    ("token_store", "token_store"),
];

const STORE_KEYS: &[(&str, &str)] = &[
    ("kind", "token_store.kind"),
    ("path", "token_store.path"),
    ("url", "token_store.url"),
    ("table", "token_store.table"),
    ("key_prefix", "token_store.key_prefix"),
    ("mysql_username", "token_store.mysql_username"),
    ("mysql_password", "token_store.mysql_password"),
    ("mysql_port", "token_store.mysql_port"),
    ("mysql_host", "token_store.mysql_host"),
    ("mysql_database", "token_store.mysql_database"),
];

const SECRET_KEYS: &[&str] = &[
    "client_secret",
    "token_store.url",
    "token_store.mysql_password",
];

/// The key reported for errors that no known key can be blamed for (unknown keys, syntax).
const FILE_KEY: &str = "config_file";

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Best effort: which known key the line holding `offset` sets (`token_store.url` ...).
fn key_at(text: &str, offset: usize) -> &'static str {
    let (line_no, _) = line_col(text, offset);
    let lines: Vec<&str> = text.lines().collect();
    let Some(line) = lines.get(line_no - 1) else {
        return FILE_KEY;
    };
    let Some((lhs, _)) = line.split_once('=') else {
        return FILE_KEY;
    };
    let name = lhs.trim().trim_matches(|c| c == '"' || c == '\'');
    let section = lines[..line_no - 1]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim());
    let lookup = |table: &[(&str, &'static str)], name: &str| {
        table
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(FILE_KEY, |(_, key)| key)
    };
    if let Some(sub) = name.strip_prefix("token_store.") {
        return lookup(STORE_KEYS, sub);
    }
    match section {
        Some("token_store") => lookup(STORE_KEYS, name),
        Some(_) => FILE_KEY,
        None => lookup(TOP_KEYS, name),
    }
}

/// The key of an "unknown field" error at `line` when it is a top-level key written below a
/// `[table]` header (appended to a file that ends with `[token_store]`, say).
fn misplaced_top_key<'a>(text: &str, line: usize, message: &'a str) -> Option<&'a str> {
    let name = message.strip_prefix("unknown field `")?.split('`').next()?;
    let in_table = text
        .lines()
        .take(line.saturating_sub(1))
        .any(|l| l.trim_start().starts_with('['));
    (in_table && TOP_KEYS.iter().any(|(k, _)| *k == name)).then_some(name)
}

fn toml_error(text: &str, origin: &str, err: &toml::de::Error) -> Error {
    let raw = err
        .message()
        .trim()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ");
    let Some(span) = err.span() else {
        return Error::config(FILE_KEY, format!("{origin}: {raw}"));
    };
    let (line, col) = line_col(text, span.start);
    let key = key_at(text, span.start);
    // A wrong-type message quotes the value (`invalid type: integer `123``): never quote what may
    // be a secret. When the key is not known for sure (inline tables), any secret key's name on
    // the line is enough.
    let sensitive = SECRET_KEYS.contains(&key)
        || ((key == FILE_KEY || key == "token_store") && {
            let line_text = text.lines().nth(line - 1).unwrap_or("");
            SECRET_KEYS
                .iter()
                .any(|k| line_text.contains(k.trim_start_matches("token_store.")))
        });
    let what = if sensitive && raw.contains(['`', '"', '\'']) {
        "invalid value for a secret key (the value is not shown); expected a quoted string"
            .to_owned()
    } else {
        raw
    };
    let hint = misplaced_top_key(text, line, &what)
        .map(|k| {
            format!(
                "; `{k}` is a top-level key: move it above the first `[table]` line (TOML puts every key after `[token_store]` in that table)"
            )
        })
        .unwrap_or_default();
    Error::config(key, format!("{origin}:{line}:{col}: {what}{hint}"))
}

// ---------------------------------------------------------------------------------------------
// Environment.

/// Every environment variable [`Settings::from_env`] reads.
pub const ENV_VARS: &[&str] = &[
    "ZOHO_CLIENT_ID",
    "ZOHO_CLIENT_SECRET",
    "ZOHO_REDIRECT_URI",
    "ZOHO_CURRENT_USER_EMAIL",
    "ZOHO_DATA_CENTER",
    "ZOHO_ENVIRONMENT",
    "ZOHO_SANDBOX",
    "ZOHO_ACCOUNTS_URL",
    "ZOHO_API_BASE_URL",
    "ZOHO_API_VERSION",
    "ZOHO_ACCESS_TYPE",
    "ZOHO_REFRESH_MARGIN_SECS",
    "ZOHO_TIMEOUT_SECS",
    "ZOHO_CONNECT_TIMEOUT_SECS",
    "ZOHO_READ_TIMEOUT_SECS",
    "ZOHO_MAX_RETRIES",
    "ZOHO_MAX_CONCURRENT_REQUESTS",
    "ZOHO_PERSIST_CLIENT_SECRET",
    "ZOHO_MAX_BODY_BYTES",
    "ZOHO_APPLICATION_LOG_FILE_PATH",
    "ZOHO_TOKEN_PERSISTENCE_PATH",
    "ZOHO_TOKEN_STORE",
    "ZOHO_TOKEN_STORE_PATH",
    "ZOHO_TOKEN_STORE_URL",
    "ZOHO_TOKEN_STORE_TABLE",
    "ZOHO_TOKEN_STORE_KEY_PREFIX",
    "ZOHO_MYSQL_USERNAME",
    "ZOHO_MYSQL_PASSWORD",
    "ZOHO_MYSQL_PORT",
    "ZOHO_MYSQL_HOST",
    "ZOHO_MYSQL_DATABASE",
];

impl Settings {
    /// Reads a TOML file. Errors name the file, the line and column, the key when known and
    /// what is wrong (unknown key, wrong type, bad value); they never quote a secret.
    ///
    /// Relative file paths in it (`token_store.path`, `token_persistence_path`,
    /// `application_log_file_path`) are taken relative to the file's own directory, as cargo
    /// does with its config files, so the same file works from any working directory.
    /// [`Settings::from_toml_str`] and [`Settings::from_env`] leave them relative to the
    /// working directory.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Settings> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::config(FILE_KEY, format!("cannot read {}: {e}", path.display())))?;
        let mut settings = Self::from_toml_str(&text, &path.display().to_string())?;
        if let Some(dir) = path.parent() {
            settings.resolve_paths_against(dir);
        }
        Ok(settings)
    }

    // Joins each relative path onto `dir`; absolute ones, and URLs, stay as they are.
    fn resolve_paths_against(&mut self, dir: &Path) {
        let join = |p: &mut Option<PathBuf>| {
            if let Some(rel) = p.as_ref().filter(|p| p.is_relative()) {
                *p = Some(dir.join(rel));
            }
        };
        join(&mut self.token_persistence_path);
        join(&mut self.application_log_file_path);
        if let Some(store) = self.token_store.as_mut() {
            join(&mut store.path);
        }
    }

    /// Parses TOML text; `origin` names it in errors (a file name, `"<inline>"` ...).
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Settings> {
        toml::from_str(text).map_err(|e| toml_error(text, origin, &e))
    }

    /// Reads the `ZOHO_*` variables of the process environment (see [`ENV_VARS`]). Empty
    /// variables count as unset; other `ZOHO_*` variables are ignored.
    pub fn from_env() -> Result<Settings> {
        let mut vars = Vec::new();
        for (name, value) in std::env::vars_os() {
            let Some(name) = name.to_str() else { continue };
            let Some(var) = ENV_VARS.iter().copied().find(|v| *v == name) else {
                continue;
            };
            match value.into_string() {
                Ok(value) => vars.push((var.to_owned(), value)),
                Err(_) => return Err(Error::config(var, "is not valid UTF-8")),
            }
        }
        Self::from_env_map(vars)
    }

    /// Like [`Settings::from_env`], from the given name/value pairs instead of the process
    /// environment. Bad values give [`Error::Config`] naming the variable and what it accepts.
    pub fn from_env_map<I>(vars: I) -> Result<Settings>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let mut s = Settings::default();
        for (name, value) in vars {
            let Some(var) = ENV_VARS.iter().copied().find(|v| *v == name) else {
                continue;
            };
            if value.trim().is_empty() {
                continue;
            }
            s.apply_env(var, value)
                .map_err(|message| Error::config(var, message))?;
        }
        Ok(s)
    }

    fn apply_env(&mut self, var: &'static str, raw: String) -> std::result::Result<(), String> {
        let text = || raw.trim().to_owned();
        let ts = self
            .token_store
            .get_or_insert_with(TokenStoreSettings::default);
        match var {
            "ZOHO_CLIENT_ID" => self.client_id = Some(text()),
            "ZOHO_CLIENT_SECRET" => self.client_secret = Some(Secret::new(raw)),
            "ZOHO_REDIRECT_URI" => self.redirect_uri = Some(text()),
            "ZOHO_CURRENT_USER_EMAIL" => self.current_user_email = Some(text()),
            "ZOHO_DATA_CENTER" => self.data_center = Some(parse_data_center(raw.trim())?),
            "ZOHO_ENVIRONMENT" => self.environment = Some(parse_environment(raw.trim())?),
            "ZOHO_SANDBOX" => self.sandbox = Some(parse_bool(&raw)?),
            "ZOHO_ACCOUNTS_URL" => self.accounts_url = Some(text()),
            "ZOHO_API_BASE_URL" => self.api_base_url = Some(text()),
            "ZOHO_API_VERSION" => self.api_version = Some(text()),
            "ZOHO_ACCESS_TYPE" => self.access_type = Some(check_access_type(&raw)?),
            "ZOHO_REFRESH_MARGIN_SECS" => {
                self.refresh_margin_secs = Some(in_range(
                    "refresh_margin_secs",
                    &raw,
                    "a whole number of seconds",
                )?)
            }
            "ZOHO_TIMEOUT_SECS" => {
                self.timeout_secs =
                    Some(in_range("timeout_secs", &raw, "a whole number of seconds")?)
            }
            "ZOHO_CONNECT_TIMEOUT_SECS" => {
                self.connect_timeout_secs = Some(in_range(
                    "connect_timeout_secs",
                    &raw,
                    "a whole number of seconds",
                )?)
            }
            "ZOHO_READ_TIMEOUT_SECS" => {
                self.read_timeout_secs = Some(in_range(
                    "read_timeout_secs",
                    &raw,
                    "a whole number of seconds",
                )?)
            }
            "ZOHO_MAX_RETRIES" => {
                self.max_retries = Some(in_range(
                    "max_retries",
                    &raw,
                    "a whole number from 0 to 4294967295",
                )?)
            }
            "ZOHO_MAX_CONCURRENT_REQUESTS" => {
                self.max_concurrent_requests = Some(in_range(
                    "max_concurrent_requests",
                    &raw,
                    "a whole number above 0",
                )?)
            }
            "ZOHO_PERSIST_CLIENT_SECRET" => self.persist_client_secret = Some(parse_bool(&raw)?),
            "ZOHO_MAX_BODY_BYTES" => {
                self.max_body_bytes =
                    Some(in_range("max_body_bytes", &raw, "a whole number of bytes")?)
            }
            "ZOHO_APPLICATION_LOG_FILE_PATH" => {
                self.application_log_file_path = Some(text().into())
            }
            "ZOHO_TOKEN_PERSISTENCE_PATH" => self.token_persistence_path = Some(text().into()),
            "ZOHO_TOKEN_STORE" => ts.kind = Some(parse_store_kind(raw.trim())?),
            "ZOHO_TOKEN_STORE_PATH" => ts.path = Some(text().into()),
            "ZOHO_TOKEN_STORE_URL" => ts.url = Some(Secret::new(raw.trim())),
            "ZOHO_TOKEN_STORE_TABLE" => ts.table = Some(text()),
            "ZOHO_TOKEN_STORE_KEY_PREFIX" => ts.key_prefix = Some(text()),
            "ZOHO_MYSQL_USERNAME" => ts.mysql_username = Some(text()),
            "ZOHO_MYSQL_PASSWORD" => ts.mysql_password = Some(Secret::new(raw)),
            "ZOHO_MYSQL_PORT" => {
                ts.mysql_port = Some(parse_number(&raw, "a port number from 0 to 65535")?)
            }
            "ZOHO_MYSQL_HOST" => ts.mysql_host = Some(text()),
            "ZOHO_MYSQL_DATABASE" => ts.mysql_database = Some(text()),
            _ => {}
        }
        if self.token_store.as_ref() == Some(&TokenStoreSettings::default()) {
            self.token_store = None;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Layering, validation and the builder.

impl Settings {
    /// Layers `other` over `self`: each key `other` sets wins, every other key keeps `self`'s
    /// value. `[token_store]` keys are merged one by one too. Typical use:
    /// `file.merge(env)`, then builder setters for what code decides.
    pub fn merge(self, other: Settings) -> Settings {
        Settings {
            client_id: other.client_id.or(self.client_id),
            client_secret: other.client_secret.or(self.client_secret),
            redirect_uri: other.redirect_uri.or(self.redirect_uri),
            current_user_email: other.current_user_email.or(self.current_user_email),
            data_center: other.data_center.or(self.data_center),
            environment: other.environment.or(self.environment),
            sandbox: other.sandbox.or(self.sandbox),
            accounts_url: other.accounts_url.or(self.accounts_url),
            api_base_url: other.api_base_url.or(self.api_base_url),
            api_version: other.api_version.or(self.api_version),
            access_type: other.access_type.or(self.access_type),
            refresh_margin_secs: other.refresh_margin_secs.or(self.refresh_margin_secs),
            timeout_secs: other.timeout_secs.or(self.timeout_secs),
            connect_timeout_secs: other.connect_timeout_secs.or(self.connect_timeout_secs),
            read_timeout_secs: other.read_timeout_secs.or(self.read_timeout_secs),
            max_retries: other.max_retries.or(self.max_retries),
            max_concurrent_requests: other
                .max_concurrent_requests
                .or(self.max_concurrent_requests),
            persist_client_secret: other.persist_client_secret.or(self.persist_client_secret),
            max_body_bytes: other.max_body_bytes.or(self.max_body_bytes),
            application_log_file_path: other
                .application_log_file_path
                .or(self.application_log_file_path),
            token_persistence_path: other.token_persistence_path.or(self.token_persistence_path),
            token_store: match (self.token_store, other.token_store) {
                (Some(base), Some(over)) => Some(base.merge(over)),
                (base, over) => over.or(base),
            },
        }
    }

    /// Checks what can be checked without connecting: `client_id` and `client_secret` are set,
    /// `access_type` is `offline`, `sandbox` agrees with `environment`, URLs and the API version
    /// are valid, and the token store is fully described, its keys apply to its kind and its
    /// cargo feature is compiled in. `current_user_email` is not required here: the client asks
    /// for it when a call needs a user.
    pub fn validate(&self) -> Result<()> {
        self.plan().map(|_| ())
    }

    /// Names the token store these settings describe, for messages: its kind and the file, SQL
    /// table or Redis key prefix (`file token store /home/me/.zoho/tokens.json`, `mysql token
    /// store, table oauthtoken`, `memory token store (no token_store configured)`). Never the
    /// connection URL, which may hold a password.
    ///
    /// # Errors
    /// As [`Settings::validate`] for the `[token_store]` keys.
    pub fn token_store_label(&self) -> Result<String> {
        let plan = self.store_plan()?;
        let kind = plan.kind;
        Ok(match kind {
            StoreKind::Memory => "memory token store (no token_store configured)".to_owned(),
            StoreKind::File => format!(
                "file token store {}",
                plan.path.as_deref().unwrap_or(Path::new("?")).display()
            ),
            StoreKind::Sqlite => match &self.token_store.as_ref().and_then(|t| t.path.clone()) {
                Some(path) => format!(
                    "sqlite token store {}, table {}",
                    path.display(),
                    plan.table
                ),
                None => format!("sqlite token store, table {}", plan.table),
            },
            StoreKind::MySql | StoreKind::Postgres => {
                format!("{kind} token store, table {}", plan.table)
            }
            StoreKind::Redis => match &plan.key_prefix {
                Some(prefix) => format!("redis token store, key prefix {prefix}"),
                None => "redis token store, default key prefix".to_owned(),
            },
        })
    }

    /// Validates, connects the token store and returns a [`ClientBuilder`] with every setting
    /// applied. Chain more setters to override, then call [`ClientBuilder::build`].
    ///
    /// `application_log_file_path` only logs a warning: see [`Settings::application_log_file_path`].
    pub async fn into_builder(self) -> Result<ClientBuilder> {
        let plan = self.plan()?;
        if let Some(path) = &self.application_log_file_path {
            tracing::warn!(
                path = %path.display(),
                "application_log_file_path (applicationLogFilePath) is ignored: zohocrm logs \
                 through `tracing`; to write its logs to a file, install a tracing subscriber \
                 with a file writer, e.g. tracing_subscriber::fmt().with_writer(std::fs::File::create(path)?).init()"
            );
        }
        let store = plan.store.connect().await?;
        let mut b = crate::Client::builder().token_store_arc(store);
        if let Some(v) = self.client_id {
            b = b.client_id(v);
        }
        if let Some(v) = self.client_secret {
            b = b.client_secret(v);
        }
        if let Some(v) = self.redirect_uri {
            b = b.redirect_uri(v);
        }
        if let Some(v) = self.current_user_email {
            b = b.current_user_email(v);
        }
        if let Some(v) = self.data_center {
            b = b.data_center(v);
        }
        if let Some(v) = plan.environment {
            b = b.environment(v);
        }
        if let Some(v) = self.accounts_url {
            b = b.accounts_url(v);
        }
        if let Some(v) = self.api_base_url {
            b = b.api_base_url(v);
        }
        if let Some(v) = self.api_version {
            b = b.api_version(v);
        }
        if let Some(v) = self.refresh_margin_secs {
            b = b.refresh_margin(Duration::from_secs(v));
        }
        if let Some(v) = self.timeout_secs {
            b = b.timeout(Duration::from_secs(v));
        }
        if let Some(v) = self.connect_timeout_secs {
            b = b.connect_timeout(Duration::from_secs(v));
        }
        if let Some(v) = self.read_timeout_secs {
            b = b.read_timeout(Duration::from_secs(v));
        }
        if let Some(v) = self.max_retries {
            b = b.max_retries(v);
        }
        if let Some(v) = self.max_concurrent_requests {
            b = b.max_concurrent_requests(v);
        }
        if let Some(v) = self.persist_client_secret {
            b = b.persist_client_secret(v);
        }
        if let Some(v) = self.max_body_bytes {
            b = b.max_body_bytes(v);
        }
        Ok(b)
    }

    fn plan(&self) -> Result<Plan> {
        if self
            .client_id
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            return Err(Error::config(
                "client_id",
                "is missing: set `client_id` in the config file, ZOHO_CLIENT_ID in the \
                 environment or ClientBuilder::client_id; it is the Client ID from the Zoho API \
                 console",
            ));
        }
        if self
            .client_secret
            .as_ref()
            .is_none_or(|s| s.expose().trim().is_empty())
        {
            return Err(Error::config(
                "client_secret",
                "is missing: set `client_secret` in the config file, ZOHO_CLIENT_SECRET in the \
                 environment or ClientBuilder::client_secret; it is the Client Secret from the \
                 Zoho API console",
            ));
        }
        if let Some(a) = &self.access_type {
            check_access_type(a).map_err(|m| Error::config("access_type", m))?;
        }
        let environment = match (self.sandbox, self.environment) {
            (Some(true), Some(env)) if env != Environment::Sandbox => {
                return Err(conflict_error(env, true));
            }
            (Some(false), Some(Environment::Sandbox)) => {
                return Err(conflict_error(Environment::Sandbox, false));
            }
            (Some(true), None) => Some(Environment::Sandbox),
            (_, env) => env,
        };
        if let Some(u) = &self.accounts_url {
            normalize_base_url("accounts_url", u)?;
        }
        if let Some(u) = &self.api_base_url {
            normalize_base_url("api_base_url", u)?;
        }
        if let Some(v) = &self.api_version {
            normalize_api_version(v)?;
        }
        let numbers = [
            ("refresh_margin_secs", self.refresh_margin_secs),
            ("timeout_secs", self.timeout_secs),
            ("connect_timeout_secs", self.connect_timeout_secs),
            ("read_timeout_secs", self.read_timeout_secs),
            ("max_retries", self.max_retries.map(u64::from)),
            (
                "max_concurrent_requests",
                self.max_concurrent_requests.map(|n| n as u64),
            ),
            ("max_body_bytes", self.max_body_bytes),
            (
                "token_store.mysql_port",
                self.token_store
                    .as_ref()
                    .and_then(|t| t.mysql_port)
                    .map(u64::from),
            ),
        ];
        for (key, value) in numbers {
            if let Some(v) = value {
                check_range(key, v)?;
            }
        }
        Ok(Plan {
            environment,
            store: self.store_plan()?,
        })
    }

    fn store_plan(&self) -> Result<StorePlan> {
        let ts = self.token_store.clone().unwrap_or_default();
        let kind = match ts.kind {
            Some(kind) => kind,
            None => infer_kind(&ts, self.token_persistence_path.is_some())?,
        };
        if let Some(feature) = kind.cargo_feature().filter(|_| !kind.is_compiled()) {
            return Err(Error::config(
                "token_store.kind",
                format!(
                    "the `{kind}` token store is not compiled in: enable the cargo feature \
                     `{feature}` (zohocrm = {{ version = \"{}\", features = [\"{feature}\"] }})",
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        if self.token_persistence_path.is_some() && kind != StoreKind::File {
            return Err(Error::config(
                "token_persistence_path",
                format!(
                    "means a file token store, but token_store.kind is `{kind}`; remove one of \
                     token_persistence_path and token_store.kind"
                ),
            ));
        }
        let applies: &[&str] = match kind {
            StoreKind::Memory => &[],
            StoreKind::File => &["path"],
            StoreKind::Sqlite => &["path", "url", "table"],
            StoreKind::MySql => &[
                "url",
                "table",
                "mysql_username",
                "mysql_password",
                "mysql_port",
                "mysql_host",
                "mysql_database",
            ],
            StoreKind::Postgres => &["url", "table"],
            StoreKind::Redis => &["url", "key_prefix"],
        };
        if let Some((_, key)) = ts
            .set_keys()
            .into_iter()
            .find(|(name, _)| !applies.contains(name))
        {
            let applies = if applies.is_empty() {
                "none".to_owned()
            } else {
                applies.join(", ")
            };
            return Err(Error::config(
                key,
                format!(
                    "does not apply to a {kind} token store; remove it (keys that apply: {applies})"
                ),
            ));
        }
        if let Some(table) = &ts.table {
            check_table(table)?;
        }
        let mut plan = StorePlan {
            kind,
            path: None,
            url: None,
            table: ts.table.clone().unwrap_or_else(|| DEFAULT_TABLE.to_owned()),
            key_prefix: ts.key_prefix.clone(),
        };
        match kind {
            StoreKind::Memory => {}
            StoreKind::File => {
                let path = match (&ts.path, &self.token_persistence_path) {
                    (Some(_), Some(_)) => {
                        return Err(Error::config(
                            "token_persistence_path",
                            "and token_store.path both name the token file; keep one",
                        ));
                    }
                    (Some(path), None) => {
                        check_parent_dir(path)?;
                        path.clone()
                    }
                    (None, Some(dir)) => {
                        if !dir.is_dir() {
                            return Err(Error::config(
                                "token_persistence_path",
                                format!(
                                    "`{}` is not an existing directory (it is the directory the \
                                     token file {TOKEN_FILE_NAME} goes in)",
                                    dir.display()
                                ),
                            ));
                        }
                        dir.join(TOKEN_FILE_NAME)
                    }
                    (None, None) => {
                        return Err(Error::config(
                            "token_store.path",
                            "is missing: a file token store needs the token file's path (or set \
                             token_persistence_path to a directory)",
                        ));
                    }
                };
                plan.path = Some(path);
            }
            StoreKind::Sqlite => {
                plan.url = Some(match (&ts.url, &ts.path) {
                    (Some(_), Some(_)) => {
                        return Err(Error::config(
                            "token_store.path",
                            "and token_store.url both name the sqlite database; keep one",
                        ));
                    }
                    (Some(url), None) => url.clone(),
                    (None, Some(path)) => {
                        check_parent_dir(path)?;
                        let path = path.to_str().ok_or_else(|| {
                            Error::config("token_store.path", "is not valid UTF-8")
                        })?;
                        Secret::new(format!("sqlite://{path}"))
                    }
                    (None, None) => return Err(missing_url(kind, "sqlite://tokens.db")),
                });
            }
            StoreKind::MySql => {
                plan.url = Some(match &ts.url {
                    Some(url) => {
                        if ts.has_mysql_parts() {
                            tracing::warn!(
                                "token_store.url is set, so the token_store.mysql_* keys are ignored"
                            );
                        }
                        url.clone()
                    }
                    None => mysql_url(&ts)?,
                });
            }
            StoreKind::Postgres => {
                plan.url =
                    Some(ts.url.clone().ok_or_else(|| {
                        missing_url(kind, "postgres://user:password@host:5432/db")
                    })?);
            }
            StoreKind::Redis => {
                plan.url = Some(
                    ts.url
                        .clone()
                        .ok_or_else(|| missing_url(kind, "redis://127.0.0.1:6379"))?,
                );
            }
        }
        Ok(plan)
    }
}

impl TokenStoreSettings {
    /// Layers `other` over `self`, key by key (`other` wins where set).
    pub fn merge(self, other: TokenStoreSettings) -> TokenStoreSettings {
        TokenStoreSettings {
            kind: other.kind.or(self.kind),
            path: other.path.or(self.path),
            url: other.url.or(self.url),
            table: other.table.or(self.table),
            key_prefix: other.key_prefix.or(self.key_prefix),
            mysql_username: other.mysql_username.or(self.mysql_username),
            mysql_password: other.mysql_password.or(self.mysql_password),
            mysql_port: other.mysql_port.or(self.mysql_port),
            mysql_host: other.mysql_host.or(self.mysql_host),
            mysql_database: other.mysql_database.or(self.mysql_database),
        }
    }

    /// The keys set (other than `kind`), as (TOML name, reported key).
    fn set_keys(&self) -> Vec<(&'static str, &'static str)> {
        let set = [
            self.path.is_some(),
            self.url.is_some(),
            self.table.is_some(),
            self.key_prefix.is_some(),
            self.mysql_username.is_some(),
            self.mysql_password.is_some(),
            self.mysql_port.is_some(),
            self.mysql_host.is_some(),
            self.mysql_database.is_some(),
        ];
        // STORE_KEYS[0] is `kind`; the rest are in the order above.
        STORE_KEYS[1..]
            .iter()
            .zip(set)
            .filter(|(_, set)| *set)
            .map(|(keys, _)| *keys)
            .collect()
    }

    fn has_mysql_parts(&self) -> bool {
        self.mysql_username.is_some()
            || self.mysql_password.is_some()
            || self.mysql_port.is_some()
            || self.mysql_host.is_some()
            || self.mysql_database.is_some()
    }
}

/// What [`Settings::validate`] resolved.
struct Plan {
    environment: Option<Environment>,
    store: StorePlan,
}

/// A fully described token store, ready to connect.
#[cfg_attr(
    not(all(
        feature = "sqlite",
        feature = "mysql",
        feature = "postgres",
        feature = "redis"
    )),
    allow(dead_code)
)]
struct StorePlan {
    kind: StoreKind,
    path: Option<PathBuf>,
    url: Option<Secret>,
    table: String,
    key_prefix: Option<String>,
}

impl StorePlan {
    async fn connect(self) -> Result<Arc<dyn TokenStore>> {
        #[cfg_attr(
            not(any(
                feature = "sqlite",
                feature = "mysql",
                feature = "postgres",
                feature = "redis"
            )),
            allow(unused_variables)
        )]
        let url = self.url.as_ref().map_or("", Secret::expose);
        Ok(match self.kind {
            StoreKind::Memory => Arc::new(MemoryStore::new()),
            StoreKind::File => match &self.path {
                Some(path) => Arc::new(FileStore::new(path)),
                None => return Err(Error::config("token_store.path", "is missing")),
            },
            #[cfg(feature = "sqlite")]
            StoreKind::Sqlite => {
                Arc::new(crate::store::SqliteStore::connect_with_table(url, &self.table).await?)
            }
            #[cfg(feature = "mysql")]
            StoreKind::MySql => {
                Arc::new(crate::store::MySqlStore::connect_with_table(url, &self.table).await?)
            }
            #[cfg(feature = "postgres")]
            StoreKind::Postgres => {
                Arc::new(crate::store::PostgresStore::connect_with_table(url, &self.table).await?)
            }
            #[cfg(feature = "redis")]
            StoreKind::Redis => Arc::new(match &self.key_prefix {
                Some(prefix) => crate::store::RedisStore::connect_with_prefix(url, prefix).await?,
                None => crate::store::RedisStore::connect(url).await?,
            }),
            #[allow(unreachable_patterns)]
            kind => {
                return Err(Error::config(
                    "token_store.kind",
                    format!("the `{kind}` token store is not compiled in"),
                ));
            }
        })
    }
}

fn conflict_error(env: Environment, sandbox: bool) -> Error {
    let env = match env {
        Environment::Production => "production",
        Environment::Sandbox => "sandbox",
        Environment::Developer => "developer",
    };
    Error::config(
        "sandbox",
        format!(
            "`sandbox = {sandbox}` conflicts with `environment = \"{env}\"`; set only one of \
             sandbox and environment (sandbox = true means environment = \"sandbox\")"
        ),
    )
}

fn infer_kind(ts: &TokenStoreSettings, has_dir: bool) -> Result<StoreKind> {
    if ts.path.is_some() || has_dir {
        return Ok(StoreKind::File);
    }
    if ts.has_mysql_parts() {
        return Ok(StoreKind::MySql);
    }
    let Some(url) = &ts.url else {
        return Ok(StoreKind::Memory);
    };
    let scheme = url
        .expose()
        .split_once("://")
        .map(|(s, _)| s)
        .or_else(|| url.expose().strip_prefix("sqlite:").map(|_| "sqlite"))
        .filter(|s| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
        })
        .map(str::to_ascii_lowercase);
    match scheme.as_deref() {
        Some("mysql" | "mariadb") => Ok(StoreKind::MySql),
        Some("postgres" | "postgresql") => Ok(StoreKind::Postgres),
        Some("sqlite") => Ok(StoreKind::Sqlite),
        Some("redis" | "rediss" | "redis+unix") => Ok(StoreKind::Redis),
        Some(other) => Err(Error::config(
            "token_store.kind",
            format!(
                "is missing and token_store.url's scheme `{other}` does not tell which store to \
                 use; set token_store.kind to one of: {STORE_KINDS}"
            ),
        )),
        None => Err(Error::config(
            "token_store.kind",
            format!(
                "is missing and token_store.url has no scheme (mysql://, postgres://, sqlite:, \
                 redis://); set token_store.kind to one of: {STORE_KINDS}"
            ),
        )),
    }
}

fn missing_url(kind: StoreKind, example: &str) -> Error {
    Error::config(
        "token_store.url",
        format!("is missing: a {kind} token store needs a connection URL such as {example}"),
    )
}

/// The SQL stores' rule, checked early so the error names the key.
fn check_table(table: &str) -> Result<()> {
    let mut chars = table.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && table.len() <= 64 {
        Ok(())
    } else {
        Err(Error::config(
            "token_store.table",
            format!(
                "`{}` is not a valid table name (letters, digits and `_`, not starting with a \
                 digit, at most 64)",
                table.chars().take(80).collect::<String>()
            ),
        ))
    }
}

fn check_parent_dir(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(Error::config(
            "token_store.path",
            format!(
                "the directory of `{}` does not exist; create it first",
                path.display()
            ),
        )),
        _ => Ok(()),
    }
}

/// `mysql://user:password@host:port/database` from the official SDK's `mysql_*` keys.
fn mysql_url(ts: &TokenStoreSettings) -> Result<Secret> {
    let user = ts
        .mysql_username
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| {
            Error::config(
                "token_store.mysql_username",
                "is missing: a mysql token store needs token_store.url, or token_store.mysql_username \
                 (with mysql_password, mysql_port, mysql_host, mysql_database as needed)",
            )
        })?;
    let host = ts
        .mysql_host
        .as_deref()
        .map(str::trim)
        .unwrap_or(DEFAULT_MYSQL_HOST);
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let port = ts.mysql_port.unwrap_or(DEFAULT_MYSQL_PORT);
    let database = ts
        .mysql_database
        .as_deref()
        .map(str::trim)
        .unwrap_or(DEFAULT_MYSQL_DATABASE);
    let mut url = reqwest::Url::parse(&format!("mysql://{host}:{port}")).map_err(|e| {
        Error::config(
            "token_store.mysql_host",
            format!("`{host}` is not a valid host: {e}"),
        )
    })?;
    url.set_username(user).map_err(|()| {
        Error::config(
            "token_store.mysql_username",
            "cannot be used in a MySQL URL",
        )
    })?;
    if let Some(password) = ts
        .mysql_password
        .as_ref()
        .filter(|p| !p.expose().is_empty())
    {
        url.set_password(Some(password.expose())).map_err(|()| {
            Error::config(
                "token_store.mysql_password",
                "cannot be used in a MySQL URL",
            )
        })?;
    }
    url.path_segments_mut()
        .map_err(|()| {
            Error::config(
                "token_store.mysql_database",
                "cannot be used in a MySQL URL",
            )
        })?
        .clear()
        .push(database);
    Ok(Secret::new(String::from(url)))
}

//! Configuration from TOML and `ZOHO_*` variables: every key of the official SDK's config,
//! error positions, layering, validation and the stores the settings connect.
//!
//! The MySQL test talks to the real MariaDB at 127.0.0.1:3306 (user root, empty password,
//! database `test`); it fails, never skips, when that server is unreachable.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use zohocrm::error::ConfigError;
use zohocrm::settings::{StoreKind, TokenStoreSettings};
use zohocrm::{DataCenter, Environment, Error, Secret, Settings, Token};

const CLIENT_SECRET: &str = "cs-8f3a9d0e1b7c";
const MYSQL_PASSWORD: &str = "pw-5e2d7c9a0f13";
const URL_PASSWORD: &str = "up-1c4b8e2f6a90";

fn unique(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(unique("zohocrm-config"));
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("write a temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config_err(r: zohocrm::Result<impl std::fmt::Debug>) -> ConfigError {
    match r {
        Err(Error::Config(e)) => e,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

fn env(pairs: &[(&str, &str)]) -> zohocrm::Result<Settings> {
    Settings::from_env_map(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    )
}

/// The error and all its sources, for "never leaks" checks.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = format!("{e} / {e:?}");
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(&format!(" / {c} / {c:?}"));
        cur = c.source();
    }
    s
}

fn minimal() -> Settings {
    let mut s = Settings::default();
    s.client_id = Some("1000.CLIENT".into());
    s.client_secret = Some(Secret::new(CLIENT_SECRET));
    s
}

const EVERY_KEY: &str = r#"
client_id = "1000.ABC"
client_secret = "cs-8f3a9d0e1b7c"
redirect_uri = "https://example.com/callback"
current_user_email = "me@example.com"
data_center = "eu"
environment = "sandbox"
sandbox = true
accounts_url = "https://accounts.zoho.eu/"
api_base_url = "https://sandbox.zohoapis.eu"
api_version = "v2"
access_type = "offline"
refresh_margin_secs = 30
timeout_secs = 15
connect_timeout_secs = 5
read_timeout_secs = 45
max_retries = 4
persist_client_secret = true
max_body_bytes = 2097152
application_log_file_path = "/var/log/zoho.log"
token_persistence_path = "/var/lib/zoho"

[token_store]
kind = "mysql"
path = "/var/lib/zoho/tokens.json"
url = "mysql://u:up-1c4b8e2f6a90@db:3306/zoho"
table = "tokens_v2"
key_prefix = "zoho:"
mysql_username = "zoho"
mysql_password = "pw-5e2d7c9a0f13"
mysql_port = 3307
mysql_host = "db.internal"
mysql_database = "zohooauth"
"#;

#[test]
fn every_key_is_read_from_toml() {
    let s = Settings::from_toml_str(EVERY_KEY, "every.toml").unwrap();
    assert_eq!(s.client_id.as_deref(), Some("1000.ABC"));
    assert_eq!(
        s.client_secret.as_ref().map(Secret::expose),
        Some(CLIENT_SECRET)
    );
    assert_eq!(
        s.redirect_uri.as_deref(),
        Some("https://example.com/callback")
    );
    assert_eq!(s.current_user_email.as_deref(), Some("me@example.com"));
    assert_eq!(s.data_center, Some(DataCenter::EU));
    assert_eq!(s.environment, Some(Environment::Sandbox));
    assert_eq!(s.sandbox, Some(true));
    assert_eq!(s.accounts_url.as_deref(), Some("https://accounts.zoho.eu/"));
    assert_eq!(
        s.api_base_url.as_deref(),
        Some("https://sandbox.zohoapis.eu")
    );
    assert_eq!(s.api_version.as_deref(), Some("v2"));
    assert_eq!(s.access_type.as_deref(), Some("offline"));
    assert_eq!(s.refresh_margin_secs, Some(30));
    assert_eq!(s.timeout_secs, Some(15));
    assert_eq!(s.connect_timeout_secs, Some(5));
    assert_eq!(s.read_timeout_secs, Some(45));
    assert_eq!(s.max_retries, Some(4));
    assert_eq!(s.persist_client_secret, Some(true));
    assert_eq!(s.max_body_bytes, Some(2 << 20));
    assert_eq!(
        s.application_log_file_path,
        Some(PathBuf::from("/var/log/zoho.log"))
    );
    assert_eq!(
        s.token_persistence_path,
        Some(PathBuf::from("/var/lib/zoho"))
    );
    let ts = s.token_store.as_ref().expect("[token_store]");
    assert_eq!(ts.kind, Some(StoreKind::MySql));
    assert_eq!(ts.path, Some(PathBuf::from("/var/lib/zoho/tokens.json")));
    assert_eq!(
        ts.url.as_ref().map(Secret::expose),
        Some("mysql://u:up-1c4b8e2f6a90@db:3306/zoho")
    );
    assert_eq!(ts.table.as_deref(), Some("tokens_v2"));
    assert_eq!(ts.key_prefix.as_deref(), Some("zoho:"));
    assert_eq!(ts.mysql_username.as_deref(), Some("zoho"));
    assert_eq!(
        ts.mysql_password.as_ref().map(Secret::expose),
        Some(MYSQL_PASSWORD)
    );
    assert_eq!(ts.mysql_port, Some(3307));
    assert_eq!(ts.mysql_host.as_deref(), Some("db.internal"));
    assert_eq!(ts.mysql_database.as_deref(), Some("zohooauth"));

    // The same settings through the environment are equal, key for key.
    let from_env = env(&[
        ("ZOHO_CLIENT_ID", "1000.ABC"),
        ("ZOHO_CLIENT_SECRET", CLIENT_SECRET),
        ("ZOHO_REDIRECT_URI", "https://example.com/callback"),
        ("ZOHO_CURRENT_USER_EMAIL", "me@example.com"),
        ("ZOHO_DATA_CENTER", "EU"),
        ("ZOHO_ENVIRONMENT", "sandbox"),
        ("ZOHO_SANDBOX", "true"),
        ("ZOHO_ACCOUNTS_URL", "https://accounts.zoho.eu/"),
        ("ZOHO_API_BASE_URL", "https://sandbox.zohoapis.eu"),
        ("ZOHO_API_VERSION", "v2"),
        ("ZOHO_ACCESS_TYPE", "offline"),
        ("ZOHO_REFRESH_MARGIN_SECS", "30"),
        ("ZOHO_TIMEOUT_SECS", "15"),
        ("ZOHO_CONNECT_TIMEOUT_SECS", "5"),
        ("ZOHO_READ_TIMEOUT_SECS", "45"),
        ("ZOHO_MAX_RETRIES", "4"),
        ("ZOHO_PERSIST_CLIENT_SECRET", "yes"),
        ("ZOHO_MAX_BODY_BYTES", "2097152"),
        ("ZOHO_APPLICATION_LOG_FILE_PATH", "/var/log/zoho.log"),
        ("ZOHO_TOKEN_PERSISTENCE_PATH", "/var/lib/zoho"),
        ("ZOHO_TOKEN_STORE", "mysql"),
        ("ZOHO_TOKEN_STORE_PATH", "/var/lib/zoho/tokens.json"),
        (
            "ZOHO_TOKEN_STORE_URL",
            "mysql://u:up-1c4b8e2f6a90@db:3306/zoho",
        ),
        ("ZOHO_TOKEN_STORE_TABLE", "tokens_v2"),
        ("ZOHO_TOKEN_STORE_KEY_PREFIX", "zoho:"),
        ("ZOHO_MYSQL_USERNAME", "zoho"),
        ("ZOHO_MYSQL_PASSWORD", MYSQL_PASSWORD),
        ("ZOHO_MYSQL_PORT", "3307"),
        ("ZOHO_MYSQL_HOST", "db.internal"),
        ("ZOHO_MYSQL_DATABASE", "zohooauth"),
    ])
    .unwrap();
    assert_eq!(from_env, s);
    assert_eq!(zohocrm::settings::ENV_VARS.len(), 31);
}

#[tokio::test]
async fn settings_reach_the_client() {
    let dir = TempDir::new();
    let text = format!(
        r#"
client_id = "1000.ABC"
client_secret = "{CLIENT_SECRET}"
redirect_uri = "https://example.com/callback"
current_user_email = "me@example.com"
data_center = "eu"
sandbox = true
accounts_url = "accounts.zoho.eu/"
api_version = "V2"
access_type = "offline"
refresh_margin_secs = 30
timeout_secs = 15
max_retries = 4
persist_client_secret = false
token_persistence_path = "{}"
"#,
        dir.path().display()
    );
    let client = Settings::from_toml_str(&text, "t.toml")
        .unwrap()
        .into_builder()
        .await
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(client.accounts_url(), "https://accounts.zoho.eu");
    assert_eq!(client.api_base_url(), "https://sandbox.zohoapis.eu");
    assert_eq!(client.user(), Some("me@example.com"));
    let debug = format!("{client:?}");
    assert!(debug.contains("1000.ABC"), "{debug}");
    assert!(!debug.contains(CLIENT_SECRET), "{debug}");
}

#[test]
fn camel_case_keys_of_the_official_sdk_are_accepted() {
    let s = Settings::from_toml_str(
        r#"
client_id = "1000.ABC"
client_secret = "x"
currentUserEmail = "me@example.com"
apiBaseUrl = "https://www.zohoapis.com"
apiVersion = "v2"
applicationLogFilePath = "/tmp/sdk.log"
sandbox = "false"
access_type = "offline"
"#,
        "seed.toml",
    )
    .unwrap();
    assert_eq!(s.current_user_email.as_deref(), Some("me@example.com"));
    assert_eq!(s.api_base_url.as_deref(), Some("https://www.zohoapis.com"));
    assert_eq!(s.api_version.as_deref(), Some("v2"));
    assert_eq!(
        s.application_log_file_path,
        Some(PathBuf::from("/tmp/sdk.log"))
    );
    // The seed's example writes "false" as a string.
    assert_eq!(s.sandbox, Some(false));
    s.validate().unwrap();

    // Both spellings at once is a duplicate.
    let e = config_err(Settings::from_toml_str(
        "apiVersion = \"v2\"\napi_version = \"v2\"\n",
        "dup.toml",
    ));
    assert!(e.message.contains("dup.toml:"), "{e}");
    assert!(e.message.contains("duplicate"), "{e}");
}

#[test]
fn unknown_key_error_names_file_line_column_and_key() {
    let dir = TempDir::new();
    let path = dir.write(
        "zoho.toml",
        "client_id = \"1000.ABC\"\n\n  client_idd = \"oops\"\n",
    );
    let e = config_err(Settings::from_toml_file(&path));
    let at = format!("{}:3:3", path.display());
    assert!(e.message.contains(&at), "want {at} in: {e}");
    assert!(e.message.contains("unknown field `client_idd`"), "{e}");
    assert!(e.to_string().contains(&at), "{e}");

    let e = config_err(Settings::from_toml_str(
        "client_id = \"x\"\n[token_store]\nkind = \"file\"\nfile = \"t.json\"\n",
        "store.toml",
    ));
    assert!(e.message.contains("store.toml:4:1"), "{e}");
    assert!(e.message.contains("unknown field `file`"), "{e}");
    assert!(!e.message.contains("top-level"), "{e}");

    // A top-level key appended after `[token_store]` (the end of the file `zohocrm emulator
    // --write-config` writes) belongs to that table in TOML: the error says where it goes.
    let e = config_err(Settings::from_toml_str(
        "client_id = \"x\"\n[token_store]\nkind = \"file\"\nread_timeout_secs = 3\n",
        "appended.toml",
    ));
    assert!(e.message.contains("appended.toml:4:1"), "{e}");
    assert!(
        e.message.contains(
            "`read_timeout_secs` is a top-level key: move it above the first `[table]` line"
        ),
        "{e}"
    );

    // Syntax errors have a position too.
    let e = config_err(Settings::from_toml_str("client_id = \n", "syntax.toml"));
    assert!(e.message.contains("syntax.toml:1:"), "{e}");

    // An unreadable file is named.
    let missing = dir.path().join("missing.toml");
    let e = config_err(Settings::from_toml_file(&missing));
    assert!(e.message.contains("missing.toml"), "{e}");
}

#[test]
fn wrong_type_error_names_position_and_key() {
    let e = config_err(Settings::from_toml_str(
        "client_id = \"x\"\nmax_retries = \"three\"\n",
        "types.toml",
    ));
    assert_eq!(e.key, "max_retries");
    assert!(e.message.contains("types.toml:2:15"), "{e}");
    assert!(e.message.contains("invalid type"), "{e}");

    let e = config_err(Settings::from_toml_str(
        "[token_store]\nmysql_port = 70000\n",
        "port.toml",
    ));
    assert_eq!(e.key, "token_store.mysql_port");
    assert!(e.message.contains("port.toml:2:14"), "{e}");

    let e = config_err(Settings::from_toml_str("timeout_secs = -1\n", "neg.toml"));
    assert_eq!(e.key, "timeout_secs");
    let e = config_err(Settings::from_toml_str(
        "connect_timeout_secs = \"10s\"\n",
        "units.toml",
    ));
    assert_eq!(e.key, "connect_timeout_secs");
    assert!(e.message.contains("units.toml:1:24"), "{e}");
    let e = config_err(Settings::from_toml_str(
        "read_timeout_secs = 1.5\n",
        "frac.toml",
    ));
    assert_eq!(e.key, "read_timeout_secs");
    assert!(e.message.contains("frac.toml:1:21"), "{e}");

    let e = config_err(Settings::from_toml_str(
        "data_center = \"mars\"\n",
        "dc.toml",
    ));
    assert_eq!(e.key, "data_center");
    assert!(e.message.contains("dc.toml:1:15"), "{e}");
    assert!(e.message.contains("us, eu, in, cn, au, jp, ca, sa"), "{e}");

    let e = config_err(Settings::from_toml_str(
        "[token_store]\nkind = \"mongo\"\n",
        "kind.toml",
    ));
    assert_eq!(e.key, "token_store.kind");
    assert!(
        e.message
            .contains("memory, file, sqlite, mysql, postgres, redis"),
        "{e}"
    );
}

#[test]
fn env_map_parsing_and_bad_values() {
    let s = env(&[
        ("ZOHO_CLIENT_ID", " 1000.ENV "),
        ("ZOHO_DATA_CENTER", "com.au"),
        ("ZOHO_MAX_RETRIES", "7"),
        ("ZOHO_SANDBOX", "0"),
        ("ZOHO_API_BASE_URL", ""), // empty counts as unset
        ("ZOHO_UNRELATED", "whatever"),
        ("PATH", "/usr/bin"),
    ])
    .unwrap();
    assert_eq!(s.client_id.as_deref(), Some("1000.ENV"));
    assert_eq!(s.data_center, Some(DataCenter::AU));
    assert_eq!(s.max_retries, Some(7));
    assert_eq!(s.sandbox, Some(false));
    assert_eq!(s.api_base_url, None);
    assert_eq!(s.token_store, None);

    let cases: &[(&str, &str, &[&str])] = &[
        ("ZOHO_MAX_RETRIES", "lots", &["`lots`", "whole number"]),
        (
            "ZOHO_DATA_CENTER",
            "mars",
            &["`mars`", "us, eu, in, cn, au, jp, ca, sa"],
        ),
        (
            "ZOHO_ENVIRONMENT",
            "staging",
            &["production, sandbox, developer"],
        ),
        ("ZOHO_SANDBOX", "maybe", &["true, false"]),
        ("ZOHO_PERSIST_CLIENT_SECRET", "2", &["true, false"]),
        ("ZOHO_ACCESS_TYPE", "online", &["offline"]),
        ("ZOHO_REFRESH_MARGIN_SECS", "1.5", &["seconds"]),
        ("ZOHO_TIMEOUT_SECS", "-3", &["seconds"]),
        ("ZOHO_CONNECT_TIMEOUT_SECS", "10s", &["`10s`", "seconds"]),
        ("ZOHO_READ_TIMEOUT_SECS", "0.5", &["`0.5`", "seconds"]),
        ("ZOHO_MYSQL_PORT", "99999", &["port"]),
        (
            "ZOHO_TOKEN_STORE",
            "mongo",
            &["memory, file, sqlite, mysql, postgres, redis"],
        ),
    ];
    for (var, value, wants) in cases {
        let e = config_err(env(&[("ZOHO_CLIENT_SECRET", CLIENT_SECRET), (var, value)]));
        assert_eq!(e.key, *var, "{e}");
        for want in *wants {
            assert!(
                e.message.contains(want),
                "{var}={value}: want {want:?} in {e}"
            );
        }
        assert!(!e.to_string().contains(CLIENT_SECRET));
    }
}

#[tokio::test]
async fn layers_merge_file_then_env_then_code() {
    let file = Settings::from_toml_str(
        r#"
client_id = "1000.FILE"
client_secret = "from-file"
max_retries = 1
data_center = "eu"
[token_store]
kind = "memory"
"#,
        "base.toml",
    )
    .unwrap();
    let env_layer = env(&[
        ("ZOHO_CLIENT_ID", "1000.ENV"),
        ("ZOHO_TIMEOUT_SECS", "9"),
        ("ZOHO_ENVIRONMENT", "developer"),
    ])
    .unwrap();
    let merged = file.clone().merge(env_layer.clone());
    assert_eq!(merged.client_id.as_deref(), Some("1000.ENV")); // env wins
    assert_eq!(
        merged.client_secret.as_ref().map(Secret::expose),
        Some("from-file")
    );
    assert_eq!(merged.max_retries, Some(1)); // only the file sets it
    assert_eq!(merged.timeout_secs, Some(9)); // only env sets it
    assert_eq!(merged.data_center, Some(DataCenter::EU));
    assert_eq!(merged.environment, Some(Environment::Developer));
    assert_eq!(
        merged.token_store.as_ref().and_then(|t| t.kind),
        Some(StoreKind::Memory)
    );

    // Merging nothing changes nothing; [token_store] merges key by key.
    assert_eq!(file.clone().merge(Settings::default()), file);
    let mut a = TokenStoreSettings::default();
    a.kind = Some(StoreKind::MySql);
    a.table = Some("t1".into());
    let mut b = TokenStoreSettings::default();
    b.table = Some("t2".into());
    let ab = a.merge(b);
    assert_eq!(ab.kind, Some(StoreKind::MySql));
    assert_eq!(ab.table.as_deref(), Some("t2"));

    // Code wins last: builder setters after into_builder.
    let client = merged
        .into_builder()
        .await
        .unwrap()
        .client_id("1000.CODE")
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains("1000.CODE"));
    assert_eq!(client.api_base_url(), "https://developer.zohoapis.eu");
}

#[tokio::test]
async fn missing_mandatory_keys_are_named() {
    let e = config_err(Settings::default().validate());
    assert_eq!(e.key, "client_id");
    assert!(e.to_string().contains("client_id"), "{e}");
    assert!(e.message.contains("ZOHO_CLIENT_ID"), "{e}");

    let mut s = Settings::default();
    s.client_id = Some("1000.X".into());
    let e = config_err(s.clone().into_builder().await);
    assert_eq!(e.key, "client_secret");

    s.client_secret = Some(Secret::new("   "));
    assert_eq!(config_err(s.validate()).key, "client_secret");

    // current_user_email is not needed up front.
    minimal().validate().unwrap();
}

#[tokio::test]
async fn sandbox_and_environment() {
    let mut s = minimal();
    s.sandbox = Some(true);
    s.environment = Some(Environment::Production);
    let e = config_err(s.validate());
    assert_eq!(e.key, "sandbox");
    assert!(
        e.message.contains("sandbox") && e.message.contains("environment"),
        "{e}"
    );

    let e = config_err(Settings::from_toml_str(
        "client_id = \"x\"\nclient_secret = \"y\"\nsandbox = false\nenvironment = \"sandbox\"\n",
        "c.toml",
    )
    .unwrap()
    .validate());
    assert!(e.message.contains("environment"), "{e}");

    // Agreeing values are fine; sandbox alone picks the sandbox host.
    let mut s = minimal();
    s.sandbox = Some(true);
    s.data_center = Some(DataCenter::IN);
    let client = s.clone().into_builder().await.unwrap().build().unwrap();
    assert_eq!(client.api_base_url(), "https://sandbox.zohoapis.in");
    s.environment = Some(Environment::Sandbox);
    s.validate().unwrap();
    let mut s = minimal();
    s.sandbox = Some(false);
    s.environment = Some(Environment::Developer);
    s.validate().unwrap();
}

#[test]
fn access_type_must_be_offline() {
    let e = config_err(Settings::from_toml_str(
        "client_id = \"x\"\naccess_type = \"online\"\n",
        "a.toml",
    ));
    assert_eq!(e.key, "access_type");
    assert!(e.message.contains("a.toml:2:15"), "{e}");
    assert!(e.message.contains("offline"), "{e}");

    let mut s = minimal();
    s.access_type = Some("online".into());
    assert_eq!(config_err(s.validate()).key, "access_type");
    s.access_type = Some("Offline".into());
    s.validate().unwrap();
}

#[test]
fn other_values_are_checked_before_connecting() {
    let mut s = minimal();
    s.api_version = Some("v3".into());
    assert_eq!(config_err(s.validate()).key, "api_version");
    let mut s = minimal();
    s.api_base_url = Some("ftp://www.zohoapis.com".into());
    assert_eq!(config_err(s.validate()).key, "api_base_url");
    let mut s = minimal();
    s.timeout_secs = Some(0);
    assert_eq!(config_err(s.validate()).key, "timeout_secs");
}

// The connect and read timeouts follow timeout_secs: whole seconds, from a file or the
// environment (which wins when merged), 1 to 86400, and a bad value names its key.
#[test]
fn connect_and_read_timeouts_from_toml_and_env() {
    let file = Settings::from_toml_str(
        "client_id = \"1000.FILE\"\nclient_secret = \"s\"\nconnect_timeout_secs = 3\nread_timeout_secs = 20\n",
        "timeouts.toml",
    )
    .unwrap();
    assert_eq!(
        (file.connect_timeout_secs, file.read_timeout_secs),
        (Some(3), Some(20))
    );
    file.validate().unwrap();
    let from_env = env(&[
        ("ZOHO_CONNECT_TIMEOUT_SECS", " 7 "),
        ("ZOHO_READ_TIMEOUT_SECS", "90"),
    ])
    .unwrap();
    assert_eq!(
        (from_env.connect_timeout_secs, from_env.read_timeout_secs),
        (Some(7), Some(90))
    );
    let merged = file.clone().merge(from_env);
    assert_eq!(
        (merged.connect_timeout_secs, merged.read_timeout_secs),
        (Some(7), Some(90))
    );
    // Only the file sets it: the file's value stays.
    let merged = file.merge(env(&[("ZOHO_CONNECT_TIMEOUT_SECS", "2")]).unwrap());
    assert_eq!(
        (merged.connect_timeout_secs, merged.read_timeout_secs),
        (Some(2), Some(20))
    );

    // Out of range: refused before connecting, naming the key and the range.
    for (key, value) in [
        ("connect_timeout_secs", 0),
        ("connect_timeout_secs", 86_401),
        ("read_timeout_secs", 0),
        ("read_timeout_secs", 86_401),
    ] {
        let mut s = minimal();
        if key == "connect_timeout_secs" {
            s.connect_timeout_secs = Some(value);
        } else {
            s.read_timeout_secs = Some(value);
        }
        let e = config_err(s.validate());
        assert_eq!(e.key, key, "{e}");
        assert!(e.message.contains("from 1 to 86400"), "{e}");
    }
    // A value out of range from the environment is named by its variable, where it came from.
    for (var, value) in [
        ("ZOHO_READ_TIMEOUT_SECS", "0"),
        ("ZOHO_CONNECT_TIMEOUT_SECS", "86401"),
        ("ZOHO_TIMEOUT_SECS", "0"),
        ("ZOHO_REFRESH_MARGIN_SECS", "3600"),
        ("ZOHO_MAX_RETRIES", "11"),
        ("ZOHO_MAX_CONCURRENT_REQUESTS", "0"),
    ] {
        let e = config_err(env(&[(var, value)]));
        assert_eq!(e.key, var, "{e}");
        assert!(e.message.contains("out of range"), "{e}");
    }
}

fn with_store(toml_store: &str) -> zohocrm::Result<()> {
    let text = format!("client_id = \"x\"\nclient_secret = \"y\"\n{toml_store}");
    Settings::from_toml_str(&text, "s.toml")?.validate()
}

#[test]
fn token_store_keys_must_fit_the_kind() {
    let e = config_err(with_store(
        "[token_store]\nkind = \"file\"\npath = \"t.json\"\nkey_prefix = \"p:\"\n",
    ));
    assert_eq!(e.key, "token_store.key_prefix");
    assert!(e.message.contains("file token store"), "{e}");

    let e = config_err(with_store(
        "[token_store]\nkind = \"memory\"\ntable = \"t\"\n",
    ));
    assert_eq!(e.key, "token_store.table");

    let e = config_err(with_store("[token_store]\nkind = \"file\"\n"));
    assert_eq!(e.key, "token_store.path");
    assert!(e.message.contains("token_persistence_path"), "{e}");

    let e = config_err(with_store("[token_store]\nurl = \"ftp://x\"\n"));
    assert_eq!(e.key, "token_store.kind");
    assert!(e.message.contains("`ftp`"), "{e}");

    let e = config_err(with_store(
        "token_persistence_path = \"/tmp\"\n[token_store]\nkind = \"memory\"\n",
    ));
    assert_eq!(e.key, "token_persistence_path");

    let e = config_err(with_store(
        "token_persistence_path = \"/tmp\"\n[token_store]\npath = \"/tmp/t.json\"\n",
    ));
    assert_eq!(e.key, "token_persistence_path");
    assert!(e.message.contains("token_store.path"), "{e}");

    let e = config_err(with_store(
        "token_persistence_path = \"/definitely/not/here\"\n",
    ));
    assert_eq!(e.key, "token_persistence_path");
    assert!(e.message.contains("/definitely/not/here"), "{e}");

    // No store keys: in memory.
    with_store("").unwrap();
    with_store("[token_store]\nkind = \"memory\"\n").unwrap();
}

#[cfg(all(feature = "mysql", feature = "postgres", feature = "redis"))]
#[test]
fn sql_and_redis_store_keys() {
    let e = config_err(with_store(
        "[token_store]\nkind = \"mysql\"\nurl = \"mysql://h/db\"\nkey_prefix = \"p:\"\n",
    ));
    assert_eq!(e.key, "token_store.key_prefix");
    assert!(e.message.contains("mysql"), "{e}");

    let e = config_err(with_store("[token_store]\nkind = \"postgres\"\n"));
    assert_eq!(e.key, "token_store.url");

    let e = config_err(with_store("[token_store]\nkind = \"mysql\"\n"));
    assert_eq!(e.key, "token_store.mysql_username");

    let e = config_err(with_store(
        "[token_store]\nkind = \"mysql\"\nmysql_username = \"u\"\ntable = \"bad-name\"\n",
    ));
    assert_eq!(e.key, "token_store.table");

    let e = config_err(with_store(
        "[token_store]\nkind = \"redis\"\nurl = \"redis://h\"\nmysql_port = 1\n",
    ));
    assert_eq!(e.key, "token_store.mysql_port");

    // Without `kind`, the url's scheme or the mysql_* keys decide.
    for url in [
        "postgres://h/db",
        "postgresql://h/db",
        "redis://h",
        "mysql://h/db",
    ] {
        with_store(&format!("[token_store]\nurl = \"{url}\"\n")).unwrap();
    }
    with_store("[token_store]\nmysql_username = \"u\"\n").unwrap();
}

/// Each kind whose feature is missing from this build names the feature to enable.
#[test]
fn store_kind_features() {
    for kind in ["sqlite", "mysql", "postgres", "redis"] {
        let r = with_store(&format!(
            "[token_store]\nkind = \"{kind}\"\nurl = \"{kind}://127.0.0.1/x\"\n"
        ));
        let parsed = StoreKind::parse(kind).unwrap();
        assert_eq!(parsed.cargo_feature(), Some(kind));
        if parsed.is_compiled() {
            r.unwrap();
        } else {
            let e = config_err(r);
            assert_eq!(e.key, "token_store.kind");
            assert!(e.message.contains(&format!("feature `{kind}`")), "{e}");
        }
    }
    assert!(StoreKind::File.is_compiled() && StoreKind::Memory.is_compiled());
    assert_eq!(StoreKind::parse("MariaDB"), Some(StoreKind::MySql));
}

fn token(client_id: &str, user: &str, api_domain: &str, access: &str) -> Token {
    let mut t = Token::for_user(client_id, user, api_domain);
    t.access_token = Some(Secret::new(access));
    t.refresh_token = Some(Secret::new("1000.refresh"));
    t.expiry_time = Some(4_102_444_800_000);
    t
}

#[tokio::test]
async fn token_persistence_path_is_a_file_store_directory() {
    let dir = TempDir::new();
    let text = format!(
        "client_id = \"1000.FILE\"\nclient_secret = \"{CLIENT_SECRET}\"\n\
         currentUserEmail = \"me@example.com\"\ntoken_persistence_path = \"{}\"\n",
        dir.path().display()
    );
    let path = dir.write("zoho.toml", &text);
    let client = Settings::from_toml_file(&path)
        .unwrap()
        .into_builder()
        .await
        .unwrap()
        .build()
        .unwrap();
    let saved = token(
        "1000.FILE",
        "me@example.com",
        client.api_base_url(),
        "1000.access",
    );
    let id = client.token_store().save_token(&saved).await.unwrap();
    let query = Token::for_user("1000.FILE", "me@example.com", client.api_base_url());
    let found = client
        .token_store()
        .find_token(&query)
        .await
        .unwrap()
        .expect("saved token");
    assert_eq!(found.id.as_deref(), Some(id.as_str()));
    assert_eq!(
        found.access_token.as_ref().map(Secret::expose),
        Some("1000.access")
    );
    assert!(dir.path().join("zohocrm_tokens.json").is_file());

    // Another client configured the same way (another process) finds it too.
    let other = Settings::from_toml_file(&path)
        .unwrap()
        .into_builder()
        .await
        .unwrap()
        .build()
        .unwrap();
    let found = other.token_store().find_token(&query).await.unwrap();
    assert_eq!(found.and_then(|t| t.id), Some(id));

    // token_store.path names the file itself.
    let file = dir.path().join("explicit.json");
    let mut s = minimal();
    let mut ts = TokenStoreSettings::default();
    ts.path = Some(file.clone());
    s.token_store = Some(ts);
    let c = s.into_builder().await.unwrap().build().unwrap();
    c.token_store()
        .save_token(&token(
            "1000.CLIENT",
            "a@example.com",
            c.api_base_url(),
            "1000.a",
        ))
        .await
        .unwrap();
    assert!(file.is_file());
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql_store_from_the_official_sdk_keys() {
    let table = unique("zcfg");
    let text = format!(
        r#"
client_id = "1000.MYSQL"
client_secret = "{CLIENT_SECRET}"
currentUserEmail = "me@example.com"

[token_store]
mysql_username = "root"
mysql_password = ""
mysql_port = 3306
mysql_host = "127.0.0.1"
mysql_database = "test"
table = "{table}"
"#
    );
    let settings = Settings::from_toml_str(&text, "mysql.toml").unwrap();
    let builder = match settings.into_builder().await {
        Ok(b) => b,
        Err(e) => panic!(
            "MariaDB at 127.0.0.1:3306 (user root, empty password, database `test`) is \
             unreachable, so this test cannot run (it is never skipped): {}\nstart it with: \
             service mariadb start",
            chain(&e)
        ),
    };
    let client = builder.build().unwrap();
    let saved = token(
        "1000.MYSQL",
        "me@example.com",
        client.api_base_url(),
        "1000.mysql",
    );
    let result = async {
        let id = client.token_store().save_token(&saved).await?;
        let query = Token::for_user("1000.MYSQL", "me@example.com", client.api_base_url());
        let found = client.token_store().find_token(&query).await?;
        Ok::<_, zohocrm::error::StoreError>((id, found))
    }
    .await;

    // The table is the one named, in database `test`; drop it whatever happened above.
    let pool = sqlx::mysql::MySqlPoolOptions::new()
        .max_connections(1)
        .connect("mysql://root@127.0.0.1:3306/test")
        .await
        .expect("connect to MariaDB to clean up");
    let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM `{table}`"))
        .fetch_one(&pool)
        .await
        .expect("the configured table exists in database test");
    sqlx::query(&format!("DROP TABLE IF EXISTS `{table}`"))
        .execute(&pool)
        .await
        .expect("drop the test table");

    let (id, found) = result.expect("save and find through the mysql store");
    let found = found.expect("the saved token");
    assert_eq!(found.id, Some(id));
    assert_eq!(
        found.access_token.as_ref().map(Secret::expose),
        Some("1000.mysql")
    );
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn secrets_never_show_in_debug_or_errors() {
    let mut s = minimal();
    let mut ts = TokenStoreSettings::default();
    ts.kind = Some(StoreKind::MySql);
    ts.url = Some(Secret::new(format!(
        "mysql://u:{URL_PASSWORD}@127.0.0.1/db"
    )));
    ts.mysql_password = Some(Secret::new(MYSQL_PASSWORD));
    ts.key_prefix = Some("p:".into()); // makes validation fail
    s.token_store = Some(ts);
    let secrets = [CLIENT_SECRET, MYSQL_PASSWORD, URL_PASSWORD];

    let debug = format!("{s:?} {s:#?}");
    for secret in secrets {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    let e = s.clone().into_builder().await.unwrap_err();
    let text = chain(&e);
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // TOML errors on secret keys do not quote the value, nor the line holding it.
    for (line, key) in [
        ("client_secret = 8675309123", "client_secret"),
        (
            "[token_store]\nmysql_password = 8675309123",
            "token_store.mysql_password",
        ),
        ("[token_store]\nurl = 8675309123", "token_store.url"),
    ] {
        let e = config_err(Settings::from_toml_str(line, "secret.toml"));
        assert_eq!(e.key, key);
        assert!(!e.to_string().contains("8675309123"), "{e}");
    }
    let e = config_err(Settings::from_toml_str(
        &format!("client_secret = \"{CLIENT_SECRET}\"\nmax_retries = \"x\"\n"),
        "s.toml",
    ));
    assert!(!e.to_string().contains(CLIENT_SECRET), "{e}");

    // Env errors neither.
    let e = env(&[
        ("ZOHO_CLIENT_SECRET", CLIENT_SECRET),
        ("ZOHO_MYSQL_PASSWORD", MYSQL_PASSWORD),
        ("ZOHO_MYSQL_PORT", "x"),
    ])
    .unwrap_err();
    let text = chain(&e);
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // Nor the builder the settings produce.
    let mut s = minimal();
    s.current_user_email = Some("me@example.com".into());
    let b = s.into_builder().await.unwrap();
    assert!(!format!("{b:?}").contains(CLIENT_SECRET));
}

/// A `tracing` writer that keeps what it is given.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn application_log_file_path_only_warns() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test runtime is single-threaded, so the thread default covers the whole await.
    let _guard = tracing::subscriber::set_default(subscriber);
    let dir = TempDir::new();
    let log = dir.path().join("sdk.log");
    let mut s = minimal();
    s.application_log_file_path = Some(log.clone());
    s.into_builder().await.unwrap().build().unwrap();
    let out = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("WARN"), "{out}");
    assert!(out.contains("tracing"), "{out}");
    assert!(out.contains("with_writer"), "{out}");
    assert!(!log.exists(), "the SDK must not create the log file itself");
}

/// The commented sample stays loadable.
#[tokio::test]
async fn the_sample_config_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/config.toml");
    let s = Settings::from_toml_file(&path).unwrap();
    assert_eq!(s.access_type.as_deref(), Some("offline"));
    assert_eq!(
        s.token_store.as_ref().and_then(|t| t.kind),
        Some(StoreKind::Memory)
    );
    let client = s.into_builder().await.unwrap().build().unwrap();
    assert_eq!(client.api_base_url(), "https://www.zohoapis.com");
    assert_eq!(client.user(), Some("user@example.com"));
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_store_from_a_path() {
    let dir = TempDir::new();
    let db = dir.path().join("tokens.db");
    let s = env(&[
        ("ZOHO_CLIENT_ID", "1000.SQLITE"),
        ("ZOHO_CLIENT_SECRET", CLIENT_SECRET),
        ("ZOHO_TOKEN_STORE", "sqlite"),
        ("ZOHO_TOKEN_STORE_PATH", db.to_str().unwrap()),
        ("ZOHO_TOKEN_STORE_TABLE", "zoho_tokens"),
    ])
    .unwrap();
    let client = s.into_builder().await.unwrap().build().unwrap();
    let id = client
        .token_store()
        .save_token(&token(
            "1000.SQLITE",
            "me@example.com",
            client.api_base_url(),
            "1000.s",
        ))
        .await
        .unwrap();
    let found = client.token_store().find_token_by_id(&id).await.unwrap();
    assert_eq!(
        found.and_then(|t| t.user_name).as_deref(),
        Some("me@example.com")
    );
    assert!(db.is_file());
}

#[test]
fn secrets_in_inline_tables_are_not_quoted() {
    let e = config_err(Settings::from_toml_str(
        "token_store = { url = 8675309123 }\n",
        "inline.toml",
    ));
    assert!(e.message.contains("inline.toml:1:"), "{e}");
    assert!(!e.to_string().contains("8675309123"), "{e}");
    // A non-secret key's value is still quoted, which helps.
    let e = config_err(Settings::from_toml_str("api_base_url = 5\n", "u.toml"));
    assert!(e.message.contains("integer `5`"), "{e}");
}

#[test]
fn booleans_urls_and_numbers_are_checked_alike() {
    // Every boolean takes the same spellings, in TOML strings and in the environment.
    for (text, want) in [("yes", true), ("no", false), ("1", true), ("off", false)] {
        let toml = format!("sandbox = \"{text}\"\npersist_client_secret = \"{text}\"\n");
        let s = Settings::from_toml_str(&toml, "b.toml").unwrap();
        assert_eq!(
            (s.sandbox, s.persist_client_secret),
            (Some(want), Some(want)),
            "{text}"
        );
        let env = Settings::from_env_map([
            ("ZOHO_SANDBOX".to_owned(), text.to_owned()),
            ("ZOHO_PERSIST_CLIENT_SECRET".to_owned(), text.to_owned()),
        ])
        .unwrap();
        assert_eq!(
            (env.sandbox, env.persist_client_secret),
            (Some(want), Some(want))
        );
    }
    for key in ["sandbox", "persist_client_secret"] {
        let e = config_err(Settings::from_toml_str(
            &format!("{key} = \"maybe\"\n"),
            "b.toml",
        ));
        assert_eq!(e.key, key);
        assert!(e.message.contains("not a boolean"), "{e}");
    }

    let base = "client_id = \"id\"\nclient_secret = \"s\"\n";
    for (line, key) in [
        ("api_base_url = \"ht!tp://\"", "api_base_url"),
        ("accounts_url = \"ftp://accounts.zoho.com\"", "accounts_url"),
        (
            "refresh_margin_secs = 9223372036854775807",
            "refresh_margin_secs",
        ),
        ("refresh_margin_secs = 3600", "refresh_margin_secs"),
        ("timeout_secs = 0", "timeout_secs"),
        ("connect_timeout_secs = 0", "connect_timeout_secs"),
        ("read_timeout_secs = 0", "read_timeout_secs"),
        ("read_timeout_secs = 86401", "read_timeout_secs"),
        ("max_retries = 4000000000", "max_retries"),
        ("max_concurrent_requests = 0", "max_concurrent_requests"),
        ("max_body_bytes = 10", "max_body_bytes"),
        (
            "[token_store]\nkind = \"mysql\"\nmysql_port = 0",
            "token_store.mysql_port",
        ),
    ] {
        let s = Settings::from_toml_str(&format!("{base}{line}\n"), "n.toml").unwrap();
        let e = config_err(s.validate());
        assert_eq!(e.key, key, "{line}: {e}");
    }

    // The builder applies the same rules.
    let builder = || {
        zohocrm::Client::builder()
            .client_id("id")
            .client_secret("s")
    };
    for (b, key) in [
        (builder().api_base_url("ht!tp://"), "api_base_url"),
        (
            builder().refresh_margin(std::time::Duration::from_secs(u64::MAX)),
            "refresh_margin_secs",
        ),
        (builder().timeout(std::time::Duration::ZERO), "timeout_secs"),
        (
            builder().connect_timeout(std::time::Duration::ZERO),
            "connect_timeout_secs",
        ),
        (
            builder().read_timeout(std::time::Duration::ZERO),
            "read_timeout_secs",
        ),
        (
            builder().max_concurrent_requests(0),
            "max_concurrent_requests",
        ),
        (builder().max_body_bytes(0), "max_body_bytes"),
    ] {
        let e = config_err(b.build());
        assert_eq!(e.key, key, "{e}");
    }
}

// Messages name the store (kind, file, table, prefix) and never its URL, which holds a password.
// A MySQL or Redis URL names a store only when its feature is built in.
#[cfg(all(feature = "mysql", feature = "redis"))]
#[test]
fn token_store_label_names_the_store_without_its_url() {
    let label = |toml: &str| {
        Settings::from_toml_str(toml, "zoho.toml")
            .unwrap()
            .token_store_label()
            .unwrap()
    };
    let dir = std::env::temp_dir();
    let file = dir.join("tokens.json");
    assert_eq!(
        label(&format!("[token_store]\npath = \"{}\"\n", file.display())),
        format!("file token store {}", file.display())
    );
    assert_eq!(label(""), "memory token store (no token_store configured)");
    let mysql = label(&format!(
        "[token_store]\nurl = \"mysql://u:{URL_PASSWORD}@db:3306/zoho\"\ntable = \"tokens_v2\"\n"
    ));
    assert_eq!(mysql, "mysql token store, table tokens_v2");
    let redis = label("[token_store]\nurl = \"redis://:secret@h:6379\"\nkey_prefix = \"zoho:\"\n");
    assert_eq!(redis, "redis token store, key prefix zoho:");
    let mut s = minimal();
    let mut postgres = TokenStoreSettings::default();
    postgres.kind = Some(StoreKind::Postgres);
    s.token_store = Some(postgres);
    let err = s.token_store_label().unwrap_err().to_string();
    assert!(
        err.contains("token_store.url"),
        "a store that cannot be described is a config error: {err}"
    );
}

/// A config file names its token file relative to itself, as cargo's config files do, so the
/// same `zoho.toml` works from any working directory (`cargo codegen org-entity --config` runs
/// from the repository root while `zohocrm auth exchange` may have run beside the file).
#[tokio::test]
async fn relative_paths_in_a_config_file_are_relative_to_the_file() {
    let dir = TempDir::new();
    let text = format!(
        "client_id = \"1000.REL\"\nclient_secret = \"{CLIENT_SECRET}\"\n\
         currentUserEmail = \"me@example.com\"\n[token_store]\nkind = \"file\"\npath = \"tokens.json\"\n"
    );
    let path = dir.write("zoho.toml", &text);
    let s = Settings::from_toml_file(&path).unwrap();
    let expected = dir.path().join("tokens.json");
    assert_eq!(
        s.token_store.as_ref().and_then(|t| t.path.clone()),
        Some(expected.clone())
    );
    let client = s.into_builder().await.unwrap().build().unwrap();
    let saved = token(
        "1000.REL",
        "me@example.com",
        client.api_base_url(),
        "1000.access",
    );
    client.token_store().save_token(&saved).await.unwrap();
    assert!(
        expected.exists(),
        "the token file goes beside the config file"
    );

    // Text has no file to be relative to: its paths stay relative to the working directory.
    let s = Settings::from_toml_str(&text, "<inline>").unwrap();
    assert_eq!(
        s.token_store.and_then(|t| t.path),
        Some(PathBuf::from("tokens.json"))
    );
}

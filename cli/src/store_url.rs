//! Token stores named by one URL (`--store`, `auth migrate --from/--to`).
//!
//! `file:PATH` or a bare path, `sqlite:PATH`, `mysql://`/`mariadb://`, `postgres://`/
//! `postgresql://`, `redis://`/`rediss://`. `?table=NAME` picks an SQL table, `?prefix=P` a
//! Redis key prefix; other query parameters go to the driver.

use crate::error::{CliError, CliResult};
use std::sync::Arc;
use zohocrm::store::{FileStore, TokenStore};

const FORMS: &str = "file:PATH, sqlite:PATH, mysql://user:pass@host:3306/db, \
                     postgres://user@host:5432/db or redis://host:6379";

/// A store URL split into its kind, the driver's URL and our own parameters.
#[derive(Debug, PartialEq)]
pub struct StoreUrl {
    pub kind: &'static str,
    /// What the driver gets (our parameters removed).
    pub url: String,
    /// `?table=` for SQL stores, `?prefix=` for Redis.
    pub table: Option<String>,
    pub prefix: Option<String>,
}

/// Parses a store URL without connecting. Never echoes the URL: it may hold a password.
pub fn parse(raw: &str) -> CliResult<StoreUrl> {
    let raw = raw.trim();
    let (scheme, rest) = match raw.split_once(':') {
        // `C:\...` is a Windows path, not a scheme.
        Some((s, rest)) if s.len() > 1 && s.chars().all(|c| c.is_ascii_alphanumeric()) => {
            (s.to_ascii_lowercase(), rest)
        }
        _ => ("file".to_owned(), raw),
    };
    let kind = match scheme.as_str() {
        "file" => {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(CliError::usage(format!(
                    "store URL: `file:` needs a path; accepted forms: {FORMS}"
                )));
            }
            return Ok(StoreUrl {
                kind: "file",
                url: path.to_owned(),
                table: None,
                prefix: None,
            });
        }
        "sqlite" => "sqlite",
        "mysql" | "mariadb" => "mysql",
        "postgres" | "postgresql" => "postgres",
        "redis" | "rediss" => "redis",
        other => {
            return Err(CliError::usage(format!(
                "store URL: unknown scheme `{other}:`; accepted forms: {FORMS}"
            )));
        }
    };
    let (base, query) = match raw.split_once('?') {
        Some((b, q)) => (b, q),
        None => (raw, ""),
    };
    let mut table = None;
    let mut prefix = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("table", v)) if kind != "redis" => table = Some(v.to_owned()),
            Some(("prefix", v)) if kind == "redis" => prefix = Some(v.to_owned()),
            _ => kept.push(pair),
        }
    }
    let mut url = match kind {
        // sqlx wants `mysql://`; `mariadb://` is our alias.
        "mysql" => format!("mysql:{}", base.split_once(':').map_or("", |(_, r)| r)),
        _ => base.to_owned(),
    };
    if !kept.is_empty() {
        url = format!("{url}?{}", kept.join("&"));
    }
    Ok(StoreUrl {
        kind,
        url,
        table,
        prefix,
    })
}

/// Names the store a URL describes, for messages: its kind and the file, table or key prefix,
/// never the URL (it may hold a password).
pub fn label(raw: &str) -> String {
    match parse(raw) {
        Ok(u) if u.kind == "file" => format!("file token store {} (--store)", u.url),
        Ok(u) => {
            let place = match (&u.table, &u.prefix) {
                (Some(t), _) => format!(", table {t}"),
                (_, Some(p)) => format!(", key prefix {p}"),
                _ => String::new(),
            };
            format!("{} token store{place} (--store)", u.kind)
        }
        Err(_) => "the --store token store".to_owned(),
    }
}

/// Connects the store a URL names (creating its table or file on first write).
pub async fn connect(raw: &str) -> CliResult<Arc<dyn TokenStore>> {
    let u = parse(raw)?;
    let table = u.table.as_deref().unwrap_or("oauthtoken");
    let connected: Result<Arc<dyn TokenStore>, zohocrm::error::StoreError> = match u.kind {
        "file" => Ok(Arc::new(FileStore::new(&u.url))),
        #[cfg(feature = "sqlite")]
        "sqlite" => zohocrm::store::SqliteStore::connect_with_table(&u.url, table)
            .await
            .map(|s| Arc::new(s) as _),
        #[cfg(feature = "mysql")]
        "mysql" => zohocrm::store::MySqlStore::connect_with_table(&u.url, table)
            .await
            .map(|s| Arc::new(s) as _),
        #[cfg(feature = "postgres")]
        "postgres" => zohocrm::store::PostgresStore::connect_with_table(&u.url, table)
            .await
            .map(|s| Arc::new(s) as _),
        #[cfg(feature = "redis")]
        "redis" => match &u.prefix {
            Some(p) => zohocrm::store::RedisStore::connect_with_prefix(&u.url, p).await,
            None => zohocrm::store::RedisStore::connect(&u.url).await,
        }
        .map(|s| Arc::new(s) as _),
        other => {
            return Err(CliError::usage(format!(
                "the {other} token store is not compiled into this zohocrm; rebuild with the \
                 cargo feature `{other}`"
            )));
        }
    };
    let _ = table;
    connected.map_err(|e| {
        CliError::from(zohocrm::Error::Store(e)).context(format!("{} token store", u.kind))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse("/tmp/t.json").unwrap().kind, "file");
        assert_eq!(parse("file:///tmp/t.json").unwrap().url, "/tmp/t.json");
        assert_eq!(parse("file:t.json").unwrap().url, "t.json");
        let m = parse("mariadb://root@127.0.0.1:3306/test?table=tok&ssl-mode=disabled").unwrap();
        assert_eq!(
            (m.kind, m.url.as_str(), m.table.as_deref()),
            (
                "mysql",
                "mysql://root@127.0.0.1:3306/test?ssl-mode=disabled",
                Some("tok")
            )
        );
        let r = parse("redis://127.0.0.1:6379/0?prefix=a:").unwrap();
        assert_eq!(
            (r.url.as_str(), r.prefix.as_deref()),
            ("redis://127.0.0.1:6379/0", Some("a:"))
        );
        let e = parse("mongodb://secret@h").unwrap_err().message;
        assert!(e.contains("`mongodb:`") && !e.contains("secret"), "{e}");
    }
}

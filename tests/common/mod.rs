//! Fixtures for the store conformance suite: one fresh, uniquely named table / key prefix / file
//! per test, and a second store instance on the same storage (a stand-in for another process).
//!
//! Services are never skipped: an unreachable one fails the test with the URL and how to start
//! it. URLs can be overridden with `ZOHOCRM_TEST_MYSQL_URL`, `ZOHOCRM_TEST_POSTGRES_URL` and
//! `ZOHOCRM_TEST_REDIS_URL`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use zohocrm::store::{FileStore, MemoryStore, TokenStore};

/// Which store a fixture is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Memory,
    File,
    #[cfg(feature = "sqlite")]
    Sqlite,
    #[cfg(feature = "mysql")]
    MySql,
    #[cfg(feature = "postgres")]
    Postgres,
    #[cfg(feature = "redis")]
    Redis,
}

pub const MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/test";
pub const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
pub const REDIS_URL: &str = "redis://127.0.0.1:6379";

pub fn url(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_owned())
}

/// `zt_<pid>_<counter>_<nanos>`: a valid table name, unique across parallel tests and runs.
pub fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "zt_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A fresh empty directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zohocrm-store-{name}"));
    std::fs::create_dir_all(&dir).expect("create the test's temp dir");
    dir
}

pub fn unreachable(service: &str, url: &str, err: impl std::fmt::Display, start: &str) -> ! {
    panic!(
        "{service} at {url} is unreachable, so this test cannot run (it is never skipped): {err}\n\
         start it with: {start}"
    )
}

pub struct Fixture {
    pub kind: Kind,
    /// The store under test.
    pub store: Arc<dyn TokenStore>,
    /// Another instance on the same storage (another "process").
    pub second: Arc<dyn TokenStore>,
    /// The table name, key prefix or file stem in use.
    pub name: String,
    cleanup: Cleanup,
}

enum Cleanup {
    None,
    Dir(PathBuf),
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    #[cfg(feature = "redis")]
    Redis(String),
}

impl Fixture {
    pub async fn new(kind: Kind) -> Fixture {
        let name = unique_name();
        match kind {
            Kind::Memory => {
                let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
                Fixture {
                    kind,
                    second: Arc::clone(&store),
                    store,
                    name,
                    cleanup: Cleanup::None,
                }
            }
            Kind::File => {
                let dir = temp_dir(&name);
                let path = dir.join("tokens.json");
                Fixture {
                    kind,
                    store: Arc::new(FileStore::new(&path)),
                    second: Arc::new(FileStore::new(&path)),
                    name,
                    cleanup: Cleanup::Dir(dir),
                }
            }
            #[cfg(feature = "sqlite")]
            Kind::Sqlite => {
                use zohocrm::store::SqliteStore;
                let dir = temp_dir(&name);
                let url = format!("sqlite://{}", dir.join("tokens.db").display());
                let store = SqliteStore::connect_with_table(&url, &name)
                    .await
                    .expect("open the SQLite store");
                let second = SqliteStore::connect_with_table(&url, &name)
                    .await
                    .expect("open the second SQLite store");
                Fixture {
                    kind,
                    store: Arc::new(store),
                    second: Arc::new(second),
                    name,
                    cleanup: Cleanup::Dir(dir),
                }
            }
            #[cfg(feature = "mysql")]
            Kind::MySql => {
                use zohocrm::store::MySqlStore;
                let url = url("ZOHOCRM_TEST_MYSQL_URL", MYSQL_URL);
                let start =
                    "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd";
                let store = match MySqlStore::connect_with_table(&url, &name).await {
                    Ok(s) => s,
                    Err(e) => unreachable("MariaDB/MySQL", &url, chain(&e), start),
                };
                let second = MySqlStore::connect_with_table(&url, &name)
                    .await
                    .unwrap_or_else(|e| unreachable("MariaDB/MySQL", &url, chain(&e), start));
                let pool = store.pool().clone();
                Fixture {
                    kind,
                    store: Arc::new(store),
                    second: Arc::new(second),
                    name,
                    cleanup: Cleanup::MySql(pool),
                }
            }
            #[cfg(feature = "postgres")]
            Kind::Postgres => {
                use zohocrm::store::PostgresStore;
                let url = url("ZOHOCRM_TEST_POSTGRES_URL", POSTGRES_URL);
                let start =
                    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";
                let store = match PostgresStore::connect_with_table(&url, &name).await {
                    Ok(s) => s,
                    Err(e) => unreachable("PostgreSQL", &url, chain(&e), start),
                };
                let second = PostgresStore::connect_with_table(&url, &name)
                    .await
                    .unwrap_or_else(|e| unreachable("PostgreSQL", &url, chain(&e), start));
                let pool = store.pool().clone();
                Fixture {
                    kind,
                    store: Arc::new(store),
                    second: Arc::new(second),
                    name,
                    cleanup: Cleanup::Postgres(pool),
                }
            }
            #[cfg(feature = "redis")]
            Kind::Redis => {
                use zohocrm::store::RedisStore;
                let url = url("ZOHOCRM_TEST_REDIS_URL", REDIS_URL);
                let start = "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log";
                let prefix = format!("{name}:");
                let store = match RedisStore::connect_with_prefix(&url, &prefix).await {
                    Ok(s) => s,
                    Err(e) => unreachable("Redis", &url, chain(&e), start),
                };
                // Fail fast (with the same message) if the server does not answer.
                if let Err(e) = store.get_tokens().await {
                    unreachable("Redis", &url, chain(&e), start);
                }
                let second = RedisStore::connect_with_prefix(&url, &prefix)
                    .await
                    .unwrap_or_else(|e| unreachable("Redis", &url, chain(&e), start));
                Fixture {
                    kind,
                    store: Arc::new(store),
                    second: Arc::new(second),
                    name: prefix.clone(),
                    cleanup: Cleanup::Redis(prefix),
                }
            }
        }
    }

    /// Drops the table / keys / files the fixture created.
    pub async fn cleanup(&self) {
        match &self.cleanup {
            Cleanup::None => {}
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            #[cfg(feature = "mysql")]
            Cleanup::MySql(pool) => {
                sqlx::query(&format!("DROP TABLE IF EXISTS `{}`", self.name))
                    .execute(pool)
                    .await
                    .expect("drop the test table");
            }
            #[cfg(feature = "postgres")]
            Cleanup::Postgres(pool) => {
                sqlx::query(&format!("DROP TABLE IF EXISTS \"{}\"", self.name))
                    .execute(pool)
                    .await
                    .expect("drop the test table");
            }
            #[cfg(feature = "redis")]
            Cleanup::Redis(prefix) => {
                let url = url("ZOHOCRM_TEST_REDIS_URL", REDIS_URL);
                let client = redis::Client::open(url).expect("redis url");
                let mut conn = client
                    .get_multiplexed_async_connection()
                    .await
                    .expect("redis connection for cleanup");
                let keys: Vec<String> = redis::cmd("KEYS")
                    .arg(format!("{prefix}*"))
                    .query_async(&mut conn)
                    .await
                    .expect("list the test keys");
                if !keys.is_empty() {
                    let _: i64 = redis::cmd("DEL")
                        .arg(&keys)
                        .query_async(&mut conn)
                        .await
                        .expect("delete the test keys");
                }
            }
        }
    }
}

/// An error with its sources, for messages.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Runs `case` on a fresh fixture and always cleans up, even when the case panics.
pub async fn run<F, Fut>(kind: Kind, case: F)
where
    F: FnOnce(Arc<Fixture>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    use futures_util::FutureExt;
    let fx = Arc::new(Fixture::new(kind).await);
    let result = std::panic::AssertUnwindSafe(case(Arc::clone(&fx)))
        .catch_unwind()
        .await;
    fx.cleanup().await;
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

//! The SQLite store (feature `sqlite`).

use super::RefreshLock;
use super::sql::{self, Dialect, Message, Statements, TableName};
use crate::error::StoreError;
use crate::token::{Token, now_ms};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

const STORE: &str = "sqlite";

/// Tokens in a SQLite table with the official SDK's `oauthtoken` layout (the official SDK's
/// `CREATE TABLE`), so the official custom SQLite store can share the file.
///
/// * Every statement binds its values; the table name is validated as a plain identifier.
/// * `save_token` runs in a `BEGIN IMMEDIATE` transaction: the write lock is taken before the
///   matching row is looked up, so concurrent saves (from any process) never create two rows
///   for one user and no reader ever sees the row missing.
/// * `lock_refresh` inserts a row in a companion table `<table>_lock` (created next to the token
///   table) with an owner and an expiry (the lock TTL, default 5 s, renewed by the holder while it
///   works), and deletes it on release.
///   A row lock is used rather than holding `BEGIN IMMEDIATE`, because that would block the lock
///   holder's own `save_token` on another connection until the busy timeout.
pub struct SqliteStore {
    pool: SqlitePool,
    table: TableName,
    stmts: Arc<Statements>,
    lock_table: String,
    lock_timeout: Duration,
    lock_ttl: Duration,
}

sql::sql_backend!(
    db = sqlx::Sqlite,
    conn = SqliteConnection,
    store = SqliteStore,
    label = "sqlite"
);

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://tokens.db`,
    /// `sqlite::memory:` ...) and uses the table `oauthtoken`, created if missing.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_table(url, sql::DEFAULT_TABLE).await
    }

    /// Like [`SqliteStore::connect`], with another table name (`[A-Za-z_][A-Za-z0-9_]{0,63}`).
    pub async fn connect_with_table(url: &str, table: &str) -> Result<Self, StoreError> {
        let table_name = TableName::parse(STORE, table)?;
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| sql::backend_error(STORE, "parse the database URL", &table_name, e))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(30));
        let pool = sql::pool_options()
            .connect_with(options)
            .await
            .map_err(|e| sql::backend_error(STORE, "open the database", &table_name, e))?;
        Self::from_pool(pool, table).await
    }

    /// Uses an existing pool and table name; creates the table if missing, and adds the
    /// `issued_api_domain` column to a table that lacks it (rows are kept and read with `None`).
    pub async fn from_pool(pool: SqlitePool, table: &str) -> Result<Self, StoreError> {
        let table = TableName::parse(STORE, table)?;
        let lock_table = format!("{}_lock", table.as_str());
        let ddl = format!(
            "CREATE TABLE IF NOT EXISTS \"{t}\" (id varchar(10) NOT NULL, user_name varchar(255), \
             client_id varchar(255), client_secret varchar(255), refresh_token varchar(255), \
             access_token varchar(255), grant_token varchar(255), expiry_time varchar(20), \
             redirect_url varchar(255), api_domain varchar(255), issued_api_domain varchar(255), \
             primary key (id))",
            t = table.as_str()
        );
        let lock_ddl = format!(
            "CREATE TABLE IF NOT EXISTS \"{lock_table}\" (lock_key TEXT NOT NULL PRIMARY KEY, \
             owner TEXT NOT NULL, expires_at INTEGER NOT NULL)"
        );
        for stmt in [ddl, lock_ddl] {
            sqlx::query(&stmt)
                .execute(&pool)
                .await
                .map_err(|e| sql::backend_error(STORE, "create the table", &table, e))?;
        }
        let stmts = Statements::new(Dialect::Sqlite, &table);
        add_issued_column(&pool, &stmts).await.map_err(|e| {
            sql::backend_error(STORE, "add the issued_api_domain column", &table, e)
        })?;
        Ok(SqliteStore {
            stmts: Arc::new(stmts),
            pool,
            table,
            lock_table,
            lock_timeout: super::DEFAULT_LOCK_TIMEOUT,
            lock_ttl: super::DEFAULT_LOCK_TTL,
        })
    }

    /// How long `lock_refresh` waits for another holder before failing (default 30 s; keep it
    /// above the lock TTL, so a dead holder's lock expires before waiters give up).
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// How long a refresh lock lives without renewal (default 5 s). The holder renews it every
    /// third of this while it works; a holder that dies (`kill -9`) blocks others this long.
    pub fn with_lock_ttl(mut self, ttl: Duration) -> Self {
        self.lock_ttl = ttl;
        self
    }

    /// The token table's name.
    pub fn table(&self) -> &str {
        self.table.as_str()
    }

    /// The companion table holding refresh locks (`<table>_lock`).
    pub fn lock_table(&self) -> &str {
        &self.lock_table
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A pooled connection (a file cannot go away as a server can, so no liveness check).
    async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, super::BoxError> {
        Ok(self.pool.acquire().await?)
    }

    async fn save_impl(&self, token: &Token) -> Result<String, StoreError> {
        let err = |e| sql::backend_error(STORE, "save a token", &self.table, e);
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(err)?;
        let id = upsert(&mut tx, &self.stmts, token)
            .await
            .map_err(|e| sql::backend_error(STORE, "save a token", &self.table, e))?;
        tx.commit().await.map_err(err)?;
        Ok(id)
    }

    async fn lock_impl(&self, key: &Token) -> Result<RefreshLock, StoreError> {
        let action = "take the refresh lock";
        let lock_key = sql::lock_digest(self.table.as_str(), key);
        let owner = sql::random_hex();
        let acquire = format!(
            "INSERT INTO \"{l}\" (lock_key, owner, expires_at) VALUES (?, ?, ?) \
             ON CONFLICT(lock_key) DO UPDATE SET owner = excluded.owner, \
             expires_at = excluded.expires_at WHERE \"{l}\".expires_at < ?",
            l = self.lock_table
        );
        let ttl_ms = i64::try_from(self.lock_ttl.as_millis()).unwrap_or(i64::MAX / 2);
        let deadline = tokio::time::Instant::now() + self.lock_timeout;
        let mut pause = Duration::from_millis(2);
        loop {
            let now = now_ms();
            let taken = sqlx::query(&acquire)
                .bind(&lock_key)
                .bind(&owner)
                .bind(now.saturating_add(ttl_ms))
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(|e| sql::backend_error(STORE, action, &self.table, e))?
                .rows_affected();
            if taken == 1 {
                break;
            }
            if tokio::time::Instant::now() + pause > deadline {
                return Err(sql::backend_error(
                    STORE,
                    action,
                    &self.table,
                    Message(format!(
                        "timed out after {:?} waiting for another holder",
                        self.lock_timeout
                    )),
                ));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(25));
        }
        let renewal = {
            let renew = format!(
                "UPDATE \"{}\" SET expires_at = ? WHERE lock_key = ? AND owner = ?",
                self.lock_table
            );
            let (pool, lock_key, owner) = (self.pool.clone(), lock_key.clone(), owner.clone());
            super::renew_while_held(self.lock_ttl, move || {
                let (pool, renew) = (pool.clone(), renew.clone());
                let (lock_key, owner) = (lock_key.clone(), owner.clone());
                async move {
                    let renewed = sqlx::query(&renew)
                        .bind(now_ms().saturating_add(ttl_ms))
                        .bind(&lock_key)
                        .bind(&owner)
                        .execute(&pool)
                        .await;
                    // A transient error is retried at the next tick; only a lost lock stops.
                    renewed.map_or(true, |r| r.rows_affected() == 1)
                }
            })
        };
        let pool = self.pool.clone();
        let table = self.table.clone();
        let release = format!(
            "DELETE FROM \"{}\" WHERE lock_key = ? AND owner = ?",
            self.lock_table
        );
        Ok(RefreshLock::new(move || {
            Box::pin(async move {
                drop(renewal);
                sqlx::query(&release)
                    .bind(&lock_key)
                    .bind(&owner)
                    .execute(&pool)
                    .await
                    .map_err(|e| {
                        sql::backend_error(STORE, "release the refresh lock", &table, e)
                    })?;
                Ok(())
            })
        }))
    }
}

//! The PostgreSQL store (feature `postgres`).

use super::RefreshLock;
use super::sql::{self, Dialect, Message, Statements, TableName};
use crate::error::StoreError;
use crate::token::Token;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Connection, PgPool};
use std::sync::Arc;
use std::time::Duration;

const STORE: &str = "postgres";

/// Tokens in a PostgreSQL table with the official `oauthtoken` column names.
///
/// * Every statement binds its values; the table name is validated as a plain identifier and
///   quoted (so it is case-sensitive).
/// * `save_token` runs in one transaction that first takes
///   `pg_advisory_xact_lock(<hash of table>)`: concurrent saves are serialized, so a user never
///   gets two rows, and readers never see the row missing (it is updated in place).
/// * `lock_refresh` takes `pg_advisory_lock(<hash of table, client id, user, api domain>)` on a
///   dedicated connection (not from the pool) held until release; if the lock is dropped without
///   release, closing that connection frees it.
/// * A call that gets no pooled connection within a second checks, with one direct connection,
///   that the server is still there: if it refuses (or is unreachable), the call fails at once
///   with `host:port: connection refused ..`, instead of the pool retrying until its acquire
///   timeout and saying "pool timed out"; if it answers, the pool is busy and the call keeps
///   waiting up to the pool's acquire timeout (30 s, or the one of the pool given to
///   `from_pool`).
pub struct PostgresStore {
    pool: PgPool,
    table: TableName,
    stmts: Arc<Statements>,
    liveness: Arc<sql::Liveness>,
    lock_timeout: Duration,
}

sql::sql_backend!(
    db = sqlx::Postgres,
    conn = PgConnection,
    store = PostgresStore,
    label = "postgres"
);

fn advisory_key(parts: &[&str]) -> i64 {
    // Reinterpreting the bits is intended: advisory lock keys are any bigint.
    sql::fnv1a64(0, parts) as i64
}

/// `host:port` or the socket path, for errors (never the URL, which may hold the password).
fn server(o: &PgConnectOptions) -> String {
    sql::server_name(o.get_socket(), o.get_host(), o.get_port())
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:5432/db`) and uses the table `oauthtoken`,
    /// created if missing.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_table(url, sql::DEFAULT_TABLE).await
    }

    /// Like [`PostgresStore::connect`], with another table name (`[A-Za-z_][A-Za-z0-9_]{0,63}`).
    pub async fn connect_with_table(url: &str, table: &str) -> Result<Self, StoreError> {
        let table_name = TableName::parse(STORE, table)?;
        let pool = sql::connect_server::<sqlx::Postgres>(STORE, &table_name, url, server).await?;
        Self::from_pool(pool, table).await
    }

    /// Uses an existing pool and table name; creates the table if missing, and adds the
    /// `issued_api_domain` column to a table that lacks it (rows are kept and read with `None`).
    pub async fn from_pool(pool: PgPool, table: &str) -> Result<Self, StoreError> {
        let table = TableName::parse(STORE, table)?;
        let err = |e| sql::backend_error(STORE, "create the table", &table, e);
        let ddl = format!(
            "CREATE TABLE IF NOT EXISTS \"{}\" (id varchar(64) NOT NULL PRIMARY KEY, \
             user_name text, client_id text, client_secret text, refresh_token text, \
             access_token text, grant_token text, expiry_time varchar(20), redirect_url text, \
             api_domain text, issued_api_domain text)",
            table.as_str()
        );
        // Concurrent `CREATE TABLE IF NOT EXISTS` can fail on the catalog's unique index:
        // serialize it.
        let mut tx = pool.begin().await.map_err(err)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(advisory_key(&["zohocrm:schema", table.as_str()]))
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        sqlx::query(&ddl).execute(&mut *tx).await.map_err(err)?;
        tx.commit().await.map_err(err)?;
        let stmts = Statements::new(Dialect::Postgres, &table);
        add_issued_column(&pool, &stmts).await.map_err(err)?;
        Ok(PostgresStore {
            stmts: Arc::new(stmts),
            liveness: Arc::default(),
            pool,
            table,
            lock_timeout: Duration::from_secs(30),
        })
    }

    /// How long `lock_refresh` waits for another holder before failing (default 30 s).
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        self.table.as_str()
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A pooled connection; fails within about a second, naming the server, when the server
    /// has gone away (see [`sql::acquire_server`]).
    async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, super::BoxError> {
        sql::acquire_server(&self.pool, &self.liveness, server).await
    }

    async fn save_impl(&self, token: &Token) -> Result<String, StoreError> {
        let err = |e| sql::backend_error(STORE, "save a token", &self.table, e);
        let mut conn = self
            .acquire()
            .await
            .map_err(|e| sql::backend_error(STORE, "save a token", &self.table, e))?;
        let mut tx = conn.begin().await.map_err(err)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(advisory_key(&["zohocrm:save", self.table.as_str()]))
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        let id = upsert(&mut tx, &self.stmts, token)
            .await
            .map_err(|e| sql::backend_error(STORE, "save a token", &self.table, e))?;
        tx.commit().await.map_err(err)?;
        Ok(id)
    }

    async fn lock_impl(&self, key: &Token) -> Result<RefreshLock, StoreError> {
        let action = "take the refresh lock";
        let err = |e| sql::backend_error(STORE, action, &self.table, e);
        let [c, u, d] = sql::lock_parts(key);
        let lock_key = advisory_key(&["zohocrm:refresh", self.table.as_str(), c, u, d]);
        let options = self.pool.connect_options();
        let server = server(&options);
        let mut conn = sql::connect_direct::<sqlx::Postgres>(&options, server)
            .await
            .map_err(|e| sql::backend_error(STORE, action, &self.table, e))?;
        let wait = sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(lock_key)
            .execute(&mut conn);
        match tokio::time::timeout(self.lock_timeout, wait).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(err(e)),
            Err(_) => {
                // Dropping the connection aborts the wait on the server.
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
        }
        let table = self.table.clone();
        Ok(RefreshLock::new(move || {
            Box::pin(async move {
                let res = sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(lock_key)
                    .execute(&mut conn)
                    .await;
                // Closing the session frees the lock even if the unlock failed.
                let _ = conn.close().await;
                res.map(|_| ())
                    .map_err(|e| sql::backend_error(STORE, "release the refresh lock", &table, e))
            })
        }))
    }
}

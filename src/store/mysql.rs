//! The MySQL / MariaDB store (feature `mysql`).

use super::RefreshLock;
use super::sql::{self, Dialect, Message, Statements, TableName};
use crate::error::StoreError;
use crate::token::Token;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{Connection, MySqlPool};
use std::sync::Arc;
use std::time::Duration;

const STORE: &str = "mysql";

/// Tokens in a MySQL or MariaDB table shared with the official Zoho SDKs' `DBStore`.
///
/// The table is created, if missing, with the official DDL (`id varchar(10)` primary key,
/// `varchar(255)` columns, `expiry_time varchar(20)` holding epoch milliseconds as text), so rows
/// written by either side are read by the other. New ids follow the official scheme (largest
/// numeric id + 1). Matching is finished in Rust, so the default case-insensitive collation does
/// not make `a@x.com` match `A@x.com`.
///
/// * Every statement binds its values; the table name is validated as a plain identifier.
/// * `save_token` takes `GET_LOCK('zohocrm:save:<hash of schema and table>')` on its connection,
///   then upserts in a transaction: concurrent saves of this SDK never create a second row for a
///   user and never delete a row. The work runs in its own task, so a cancelled caller cannot
///   leave the lock held.
/// * `lock_refresh` takes `GET_LOCK('zohocrm:refresh:<hash>', timeout)` on a dedicated connection
///   (not from the pool) and `RELEASE_LOCK`s it on release; if the lock is dropped without
///   release, closing that connection frees it.
/// * A call that gets no pooled connection within a second checks, with one direct connection,
///   that the server is still there: if it refuses (or is unreachable), the call fails at once
///   with `host:port: connection refused ..`, instead of the pool retrying until its acquire
///   timeout and saying "pool timed out"; if it answers, the pool is busy and the call keeps
///   waiting up to the pool's acquire timeout (30 s, or the one of the pool given to
///   `from_pool`).
pub struct MySqlStore {
    pool: MySqlPool,
    table: TableName,
    stmts: Arc<Statements>,
    liveness: Arc<sql::Liveness>,
    schema: String,
    lock_timeout: Duration,
}

sql::sql_backend!(
    db = sqlx::MySql,
    conn = MySqlConnection,
    store = MySqlStore,
    label = "mysql"
);

/// Interprets a `GET_LOCK` result: 1 taken, 0 timed out, NULL error.
fn check_lock(
    seconds: i64,
    action: &'static str,
    got: Option<i64>,
    table: &TableName,
) -> Result<(), StoreError> {
    match got {
        Some(1) => Ok(()),
        Some(_) => Err(sql::backend_error(
            STORE,
            action,
            table,
            Message(format!(
                "timed out after {seconds}s waiting for another holder"
            )),
        )),
        None => Err(sql::backend_error(
            STORE,
            action,
            table,
            Message("GET_LOCK returned NULL".to_owned()),
        )),
    }
}

/// `host:port` or the socket path, for errors (never the URL, which may hold the password).
fn server(o: &MySqlConnectOptions) -> String {
    sql::server_name(o.get_socket(), o.get_host(), o.get_port())
}

impl MySqlStore {
    /// Connects to `url` (`mysql://user:password@host:3306/db`) and uses the table `oauthtoken`
    /// (the official SDK's default), created if missing.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_table(url, sql::DEFAULT_TABLE).await
    }

    /// Like [`MySqlStore::connect`], with another table name (`[A-Za-z_][A-Za-z0-9_]{0,63}`).
    pub async fn connect_with_table(url: &str, table: &str) -> Result<Self, StoreError> {
        let table_name = TableName::parse(STORE, table)?;
        let pool = sql::connect_server::<sqlx::MySql>(STORE, &table_name, url, server).await?;
        Self::from_pool(pool, table).await
    }

    /// Uses an existing pool and table name; creates the table if missing. An existing table,
    /// such as one made by the official SDK, keeps its rows and gains the nullable
    /// `issued_api_domain` column after its ten (the official SDK inserts with a column list and
    /// reads by position, so it keeps working).
    pub async fn from_pool(pool: MySqlPool, table: &str) -> Result<Self, StoreError> {
        let table = TableName::parse(STORE, table)?;
        let err = |e| sql::backend_error(STORE, "create the table", &table, e);
        // The official SDK's DDL; utf8mb4 so that non-ASCII user names survive on servers whose
        // default character set is latin1.
        let ddl = format!(
            "CREATE TABLE IF NOT EXISTS `{}` (id varchar(10) NOT NULL, user_name varchar(255), \
             client_id varchar(255), client_secret varchar(255), refresh_token varchar(255), \
             access_token varchar(255), grant_token varchar(255), expiry_time varchar(20), \
             redirect_url varchar(255), api_domain varchar(255), issued_api_domain varchar(255), \
             primary key (id)) \
             DEFAULT CHARSET=utf8mb4",
            table.as_str()
        );
        sqlx::query(&ddl).execute(&pool).await.map_err(err)?;
        let schema: Option<String> = sqlx::query_scalar("SELECT DATABASE()")
            .fetch_one(&pool)
            .await
            .map_err(err)?;
        let stmts = Statements::new(Dialect::MySql, &table);
        add_issued_column(&pool, &stmts).await.map_err(err)?;
        Ok(MySqlStore {
            stmts: Arc::new(stmts),
            liveness: Arc::default(),
            pool,
            table,
            schema: schema.unwrap_or_default(),
            lock_timeout: Duration::from_secs(30),
        })
    }

    /// How long `save_token` and `lock_refresh` wait for another holder before failing
    /// (default 30 s; MySQL counts whole seconds).
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        self.table.as_str()
    }

    /// The connection pool.
    pub fn pool(&self) -> &MySqlPool {
        &self.pool
    }

    /// A pooled connection; fails within about a second, naming the server, when the server
    /// has gone away (see [`sql::acquire_server`]).
    async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::MySql>, super::BoxError> {
        sql::acquire_server(&self.pool, &self.liveness, server).await
    }

    fn lock_seconds(&self) -> i64 {
        i64::try_from(self.lock_timeout.as_millis().div_ceil(1000))
            .unwrap_or(i64::MAX)
            .max(1)
    }

    async fn save_impl(&self, token: &Token) -> Result<String, StoreError> {
        let action = "save a token";
        let pool = self.pool.clone();
        let liveness = Arc::clone(&self.liveness);
        let stmts = Arc::clone(&self.stmts);
        let table = self.table.clone();
        let token = token.clone();
        let scope = format!("{}\u{1f}{}", self.schema, self.table.as_str());
        let name = format!(
            "zohocrm:save:{}",
            sql::lock_digest(&scope, &Token::default())
        );
        let seconds = self.lock_seconds();
        // A task of its own: the lock is always released, even if the caller stops waiting.
        let task = tokio::spawn(async move {
            let err = |e| sql::backend_error(STORE, action, &table, e);
            let mut conn = sql::acquire_server(&pool, &liveness, server)
                .await
                .map_err(|e| sql::backend_error(STORE, action, &table, e))?;
            let got: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, ?)")
                .bind(&name)
                .bind(seconds)
                .fetch_one(&mut *conn)
                .await
                .map_err(err)?;
            check_lock(seconds, action, got, &table)?;
            let result = async {
                let mut tx = conn.begin().await?;
                let id = upsert(&mut tx, &stmts, &token).await?;
                tx.commit().await?;
                Ok::<_, super::BoxError>(id)
            }
            .await;
            let released = sqlx::query("DO RELEASE_LOCK(?)")
                .bind(&name)
                .execute(&mut *conn)
                .await;
            if released.is_err() {
                // Closing the session is what frees a lock we could not release.
                conn.close_on_drop();
            }
            result.map_err(|e| sql::backend_error(STORE, action, &table, e))
        });
        match task.await {
            Ok(res) => res,
            Err(join) => Err(sql::backend_error(STORE, action, &self.table, join)),
        }
    }

    async fn lock_impl(&self, key: &Token) -> Result<RefreshLock, StoreError> {
        let action = "take the refresh lock";
        let err = |e| sql::backend_error(STORE, action, &self.table, e);
        let scope = format!("{}\u{1f}{}", self.schema, self.table.as_str());
        let name = format!("zohocrm:refresh:{}", sql::lock_digest(&scope, key));
        let options = self.pool.connect_options();
        let server = server(&options);
        let mut conn = sql::connect_direct::<sqlx::MySql>(&options, server)
            .await
            .map_err(|e| sql::backend_error(STORE, action, &self.table, e))?;
        let got: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, ?)")
            .bind(&name)
            .bind(self.lock_seconds())
            .fetch_one(&mut conn)
            .await
            .map_err(err)?;
        check_lock(self.lock_seconds(), action, got, &self.table)?;
        let table = self.table.clone();
        Ok(RefreshLock::new(move || {
            Box::pin(async move {
                let res = sqlx::query("DO RELEASE_LOCK(?)")
                    .bind(&name)
                    .execute(&mut conn)
                    .await;
                // Closing the session frees the lock even if RELEASE_LOCK failed.
                let _ = conn.close().await;
                res.map(|_| ())
                    .map_err(|e| sql::backend_error(STORE, "release the refresh lock", &table, e))
            })
        }))
    }
}

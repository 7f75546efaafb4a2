//! Logic shared by the SQL stores (SQLite, MySQL, PostgreSQL): table-name validation, the
//! statements (bound parameters only), row decoding, id generation and lock keys.
//!
//! Matching is done in two steps: SQL narrows the candidates with `=` on the key columns, then
//! [`Token::matches`] decides in Rust. The second step keeps the official SDK's matching exact even on
//! tables whose collation compares case- or trailing-space-insensitively (MySQL's default
//! `utf8mb4_general_ci`, which the official SDK's table inherits).

#[cfg(any(feature = "mysql", feature = "postgres"))]
use super::{BoxError, Context};
use crate::error::StoreError;
use crate::secret::Secret;
use crate::token::Token;
use std::fmt;

#[cfg(feature = "postgres")]
pub(crate) use super::file::fnv1a64;
pub(crate) use super::file::id_order;
#[cfg(any(feature = "sqlite", feature = "mysql"))]
pub(crate) use super::file::lock_digest;
#[cfg(feature = "sqlite")]
pub(crate) use super::file::random_hex;

/// The official SDK's default table name.
pub(crate) const DEFAULT_TABLE: &str = "oauthtoken";

/// The pool every SQL store uses: a few connections (saves and refresh locks are short), and a
/// bounded wait so a saturated database surfaces as an error instead of a hang.
pub(crate) fn pool_options<DB: sqlx::Database>() -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::new()
        .max_connections(8)
        .acquire_timeout(std::time::Duration::from_secs(30))
}

/// Opens the pool for a server store (MySQL, PostgreSQL), failing fast when nothing listens.
///
/// sqlx's pool retries a refused connection until its acquire timeout (30 s), then says only
/// "pool timed out"; one direct connection first ([`probe`]) turns that into "connection refused
/// by host:port" at once. `server` is `host:port` (or the socket path): never the URL, which may
/// hold the password.
#[cfg(any(feature = "mysql", feature = "postgres"))]
pub(crate) async fn connect_server<DB: sqlx::Database>(
    store: &'static str,
    table: &TableName,
    url: &str,
    server: impl Fn(&<DB::Connection as sqlx::Connection>::Options) -> String,
) -> Result<sqlx::Pool<DB>, StoreError> {
    let options: <DB::Connection as sqlx::Connection>::Options = url
        .parse()
        .map_err(|e| backend_error(store, "parse the database URL", table, e))?;
    let server = server(&options);
    let err = |e: BoxError| backend_error(store, "connect", table, Context::new(server.clone(), e));
    if let Err(e) = probe::<DB>(&options).await {
        return Err(err(direct_cause(e)));
    }
    pool_options()
        .connect_with(options)
        .await
        .map_err(|e| err(connect_cause(e)))
}

/// One direct connection to the server, closed at once: `Ok` when it answered, `Err(None)` when
/// it did not within [`CONNECT_TIMEOUT`]. The check of [`connect_server`] and of
/// [`acquire_server`]'s [`Liveness`].
#[cfg(any(feature = "mysql", feature = "postgres"))]
async fn probe<DB: sqlx::Database>(
    options: &<DB::Connection as sqlx::Connection>::Options,
) -> Result<(), Option<sqlx::Error>> {
    use sqlx::Connection;
    let conn = connect_within::<DB>(options).await?;
    let _ = conn.close().await;
    Ok(())
}

/// One direct connection within [`CONNECT_TIMEOUT`]; `Err(None)` when the server did not answer
/// in time.
#[cfg(any(feature = "mysql", feature = "postgres"))]
async fn connect_within<DB: sqlx::Database>(
    options: &<DB::Connection as sqlx::Connection>::Options,
) -> Result<DB::Connection, Option<sqlx::Error>> {
    use sqlx::ConnectOptions;
    match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
        Ok(res) => res.map_err(Some),
        Err(_) => Err(None),
    }
}

/// Why a direct connection failed, in plain words (`None`: it got no answer in time).
#[cfg(any(feature = "mysql", feature = "postgres"))]
fn direct_cause(e: Option<sqlx::Error>) -> BoxError {
    match e {
        Some(e) => connect_cause(e),
        None => Box::new(Message(format!("no answer within {CONNECT_TIMEOUT:?}"))),
    }
}

/// How long a server store's call waits for a pooled connection before checking, with one
/// direct connection, that the server is still there (at most half the pool's acquire timeout).
///
/// Long enough that a healthy pool opening a connection to a distant server rarely gets there;
/// short against the 30 s a pool retrying a refused port would otherwise wait.
#[cfg(any(feature = "mysql", feature = "postgres"))]
const FIRST_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// What the last liveness check of a server store's pool found, shared by its calls so that many
/// calls waiting on a busy pool make one direct connection between them, not one each.
#[cfg(any(feature = "mysql", feature = "postgres"))]
#[derive(Default)]
pub(crate) struct Liveness {
    last: tokio::sync::Mutex<Option<Verdict>>,
}

/// One check's outcome: when it ended, and why the server is down (`None`: it answered).
#[cfg(any(feature = "mysql", feature = "postgres"))]
struct Verdict {
    at: std::time::Instant,
    down: Option<String>,
}

#[cfg(any(feature = "mysql", feature = "postgres"))]
impl Liveness {
    /// Why the server at `options` is down, or `None` if it answered (or failed in a way the
    /// pool does not retry, so its own error will tell). A check that ended after this call
    /// began, made by another caller, is taken as this one's.
    async fn down<DB: sqlx::Database>(
        &self,
        options: &<DB::Connection as sqlx::Connection>::Options,
    ) -> Option<String> {
        let asked = std::time::Instant::now();
        let mut last = self.last.lock().await;
        if let Some(v) = last.as_ref().filter(|v| v.at >= asked) {
            return v.down.clone();
        }
        let down = match probe::<DB>(options).await {
            Err(Some(e)) if unreachable(&e) => Some(connect_cause(e).to_string()),
            // Answered, refused us for another reason, or was silent: the pool's wait, bounded
            // by its acquire timeout, is the right answer to each.
            _ => None,
        };
        *last = Some(Verdict {
            at: std::time::Instant::now(),
            down: down.clone(),
        });
        down
    }
}

/// A connection from a server store's pool, failing promptly when the server has gone away.
///
/// sqlx's pool retries a refused connection (it takes it for a server starting up) until its
/// acquire timeout, 30 s by default, then says only "pool timed out": the same wait and words
/// as a pool whose connections are all in use. So after [`FIRST_WAIT`] (or half the acquire
/// timeout, if less) without a connection, one direct connection is tried while the wait goes
/// on: refused or unreachable fails the call with `host:port: connection refused: ..`; an
/// answer means the pool is merely busy, and the wait goes on to the acquire timeout. The
/// pool's own wait is never restarted, so a waiter keeps its place in the pool's queue.
///
/// The error names `server` (`host:port` or the socket path), never the URL.
#[cfg(any(feature = "mysql", feature = "postgres"))]
pub(crate) async fn acquire_server<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
    liveness: &Liveness,
    server: impl Fn(&<DB::Connection as sqlx::Connection>::Options) -> String,
) -> Result<sqlx::pool::PoolConnection<DB>, BoxError> {
    let first_wait = (pool.options().get_acquire_timeout() / 2).min(FIRST_WAIT);
    let acquire = pool.acquire();
    tokio::pin!(acquire);
    tokio::select! {
        biased;
        got = &mut acquire => return got.map_err(Into::into),
        () = tokio::time::sleep(first_wait) => {}
    }
    let options = pool.connect_options();
    tokio::select! {
        biased;
        got = &mut acquire => return got.map_err(Into::into),
        down = liveness.down::<DB>(&options) => {
            if let Some(why) = down {
                return Err(Box::new(Context::new(server(&options), Message(why))));
            }
        }
    }
    acquire.await.map_err(Into::into)
}

/// `host:port`, or the socket path when there is one.
#[cfg(any(feature = "mysql", feature = "postgres"))]
pub(crate) fn server_name(socket: Option<&std::path::PathBuf>, host: &str, port: u16) -> String {
    match socket {
        Some(path) => path.display().to_string(),
        None => format!("{host}:{port}"),
    }
}

/// How long the first connection of a server store may take.
#[cfg(any(feature = "mysql", feature = "postgres"))]
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// One direct connection (a refresh lock's own session), within [`CONNECT_TIMEOUT`]: a server
/// that accepts but never answers is an error naming it, not a wait without end. Failures name
/// the server.
#[cfg(any(feature = "mysql", feature = "postgres"))]
pub(crate) async fn connect_direct<DB: sqlx::Database>(
    options: &<DB::Connection as sqlx::Connection>::Options,
    server: String,
) -> Result<DB::Connection, Context> {
    connect_within::<DB>(options)
        .await
        .map_err(|e| Context::new(server, direct_cause(e)))
}

/// Whether a failed connection means nothing is there to connect to: refused (the pool retries
/// these), no route, or a Unix socket that is gone.
#[cfg(any(feature = "mysql", feature = "postgres"))]
fn unreachable(e: &sqlx::Error) -> bool {
    use std::io::ErrorKind;
    matches!(e, sqlx::Error::Io(io) if matches!(
        io.kind(),
        ErrorKind::ConnectionRefused
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkUnreachable
            | ErrorKind::NotFound
    ))
}

/// A refused connection in plain words; other errors as they are.
#[cfg(any(feature = "mysql", feature = "postgres"))]
fn connect_cause(e: sqlx::Error) -> BoxError {
    match &e {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            Box::new(Message(
                "connection refused: nothing listens there; is the server running, and on this port?"
                    .to_owned(),
            ))
        }
        _ => Box::new(e),
    }
}

/// Columns in the official SDK's order (`select *` in the official stores relies on it).
/// `issued_api_domain` comes last, after the official SDK's ten, so the official stores (which
/// insert with an explicit column list and read `select *` by position 0..9) still work.
pub(crate) const COLUMNS: &str = "id, user_name, client_id, client_secret, refresh_token, \
                                  access_token, grant_token, expiry_time, redirect_url, api_domain, \
                                  issued_api_domain";

/// The column added after the official SDK's ten (see [`Token::issued_api_domain`]).
pub(crate) const ISSUED_COLUMN: &str = "issued_api_domain";

/// How a backend writes bind placeholders and quotes identifiers.
#[cfg_attr(
    not(all(feature = "sqlite", feature = "mysql", feature = "postgres")),
    allow(dead_code)
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `?` placeholders, `"ident"` quoting.
    Sqlite,
    /// `?` placeholders, `` `ident` `` quoting.
    MySql,
    /// `$n` placeholders, `"ident"` quoting.
    Postgres,
}

impl Dialect {
    fn quote(self, ident: &str) -> String {
        // `ident` is validated (letters, digits, `_`), so no quote character can occur in it.
        match self {
            Dialect::MySql => format!("`{ident}`"),
            Dialect::Sqlite | Dialect::Postgres => format!("\"{ident}\""),
        }
    }

    fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Postgres => format!("${n}"),
            Dialect::Sqlite | Dialect::MySql => "?".to_owned(),
        }
    }
}

/// A table name that is safe to splice into SQL: `[A-Za-z_][A-Za-z0-9_]{0,63}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TableName(String);

impl TableName {
    /// Validates `name`; `store` names the store in the error.
    pub(crate) fn parse(store: &'static str, name: &str) -> Result<Self, StoreError> {
        let mut chars = name.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if first_ok && rest_ok && name.len() <= 64 {
            Ok(TableName(name.to_owned()))
        } else {
            Err(StoreError::Backend {
                store,
                action: "validate the table name",
                source: Box::new(InvalidTableName(name.chars().take(80).collect())),
            })
        }
    }

    /// The bare name.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A table name that is not a plain identifier.
#[derive(Debug)]
pub(crate) struct InvalidTableName(String);

impl fmt::Display for InvalidTableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid table name {:?}: it must match [A-Za-z_][A-Za-z0-9_]{{0,63}} (identifiers cannot be bound as parameters)",
            self.0
        )
    }
}

impl std::error::Error for InvalidTableName {}

/// Builds a [`StoreError::Backend`] naming the store, the action and the table.
pub(crate) fn backend_error(
    store: &'static str,
    action: &'static str,
    table: &TableName,
    source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
) -> StoreError {
    StoreError::Backend {
        store,
        action,
        source: Box::new(super::Context::new(format!("table `{table}`"), source)),
    }
}

/// A plain message as an error source.
#[derive(Debug)]
pub(crate) struct Message(pub(crate) String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {}

/// The SQL text of every statement a store runs on one table.
#[derive(Clone, Debug)]
pub(crate) struct Statements {
    pub(crate) dialect: Dialect,
    table: String,
    pub(crate) select_all: String,
    pub(crate) select_by_id: String,
    pub(crate) select_ids: String,
    pub(crate) insert: String,
    pub(crate) update_with_secret: String,
    pub(crate) update_without_secret: String,
    pub(crate) delete_by_id: String,
    pub(crate) delete_all: String,
    /// Fails when the table lacks `issued_api_domain` (a table made before it existed, or by
    /// the official SDK).
    pub(crate) probe_issued: String,
    /// Adds `issued_api_domain` (nullable, so existing rows stay as they are).
    pub(crate) add_issued: String,
}

impl Statements {
    pub(crate) fn new(dialect: Dialect, table: &TableName) -> Self {
        let t = dialect.quote(table.as_str());
        let p = |n| dialect.placeholder(n);
        let insert_values: Vec<String> = (1..=11).map(p).collect();
        let update = |with_secret: bool| {
            let cols: Vec<&str> = COLUMN_NAMES[1..]
                .iter()
                .copied()
                .filter(|c| with_secret || *c != "client_secret")
                .collect();
            let sets: Vec<String> = cols
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = {}", p(i + 1)))
                .collect();
            format!(
                "UPDATE {t} SET {} WHERE id = {}",
                sets.join(", "),
                p(cols.len() + 1)
            )
        };
        Statements {
            dialect,
            table: t.clone(),
            select_all: format!("SELECT {COLUMNS} FROM {t}"),
            select_by_id: format!("SELECT {COLUMNS} FROM {t} WHERE id = {}", p(1)),
            select_ids: format!("SELECT id FROM {t}"),
            insert: format!(
                "INSERT INTO {t} ({COLUMNS}) VALUES ({})",
                insert_values.join(", ")
            ),
            update_with_secret: update(true),
            update_without_secret: update(false),
            delete_by_id: format!("DELETE FROM {t} WHERE id = {}", p(1)),
            delete_all: format!("DELETE FROM {t}"),
            probe_issued: format!("SELECT {ISSUED_COLUMN} FROM {t} WHERE 1 = 0"),
            add_issued: format!(
                "ALTER TABLE {t} ADD COLUMN {ISSUED_COLUMN} {}",
                match dialect {
                    Dialect::Postgres => "text",
                    Dialect::Sqlite | Dialect::MySql => "varchar(255)",
                }
            ),
        }
    }

    /// The statement selecting the rows that may match `query`, and the values to bind in order.
    /// `None` when `query` has no key, so nothing can match ([`Token::matches`] is false).
    pub(crate) fn select_candidates(&self, query: &Token) -> Option<(String, Vec<String>)> {
        let (key_col, key_val) = if let Some(u) = &query.user_name {
            ("user_name", u.clone())
        } else if let Some(a) = &query.access_token {
            ("access_token", a.expose().to_owned())
        } else if let Some(g) = &query.grant_token {
            ("grant_token", g.expose().to_owned())
        } else if let Some(r) = &query.refresh_token {
            ("refresh_token", r.expose().to_owned())
        } else {
            return None;
        };
        let mut binds = vec![key_val];
        let mut sql = format!(
            "SELECT {COLUMNS} FROM {} WHERE {key_col} = {}",
            self.table,
            self.dialect.placeholder(1)
        );
        if let Some(c) = &query.client_id {
            binds.push(c.clone());
            sql.push_str(&format!(
                " AND client_id = {}",
                self.dialect.placeholder(binds.len())
            ));
        }
        if let Some(d) = &query.api_domain {
            binds.push(d.clone());
            sql.push_str(&format!(
                " AND (api_domain IS NULL OR api_domain = {})",
                self.dialect.placeholder(binds.len())
            ));
        }
        Some((sql, binds))
    }
}

/// The values of one row, as read from any backend.
#[derive(Default)]
pub(crate) struct RawRow {
    pub(crate) id: String,
    pub(crate) user_name: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) refresh_token: Option<String>,
    pub(crate) access_token: Option<String>,
    pub(crate) grant_token: Option<String>,
    pub(crate) expiry_time: Option<i64>,
    pub(crate) redirect_url: Option<String>,
    pub(crate) api_domain: Option<String>,
    pub(crate) issued_api_domain: Option<String>,
}

impl RawRow {
    pub(crate) fn into_token(self) -> Token {
        Token {
            id: Some(self.id),
            user_name: self.user_name,
            client_id: self.client_id,
            client_secret: self.client_secret.map(Secret::new),
            refresh_token: self.refresh_token.map(Secret::new),
            access_token: self.access_token.map(Secret::new),
            grant_token: self.grant_token.map(Secret::new),
            expiry_time: self.expiry_time,
            redirect_url: self.redirect_url,
            api_domain: self.api_domain,
            issued_api_domain: self.issued_api_domain,
        }
    }
}

/// Parses an `expiry_time` stored as text (the official SDK's `varchar(20)` of epoch millis).
/// Accepts integers and decimal or exponent forms; blank means unknown (`None`, which makes the
/// client refresh). Anything else is an error describing the value without quoting it (a
/// misplaced token must not reach a log).
pub(crate) fn parse_expiry(text: &str) -> Result<Option<i64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(v) = t.parse::<i64>() {
        return Ok(Some(v));
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() < 9.0e18 => Ok(Some(v as i64)),
        _ => Err(format!(
            "column `expiry_time` is not epoch milliseconds ({} characters of other text)",
            t.chars().count()
        )),
    }
}

/// The table's column names, in [`COLUMNS`] order: the official SDK's ten, then ours.
pub(crate) const COLUMN_NAMES: [&str; 11] = [
    "id",
    "user_name",
    "client_id",
    "client_secret",
    "refresh_token",
    "access_token",
    "grant_token",
    "expiry_time",
    "redirect_url",
    "api_domain",
    ISSUED_COLUMN,
];

/// The values bound by the INSERT statement, in column order.
pub(crate) fn insert_values(id: &str, token: &Token) -> [Option<String>; 11] {
    [
        Some(id.to_owned()),
        token.user_name.clone(),
        token.client_id.clone(),
        token.client_secret.as_ref().map(|s| s.expose().to_owned()),
        token.refresh_token.as_ref().map(|s| s.expose().to_owned()),
        token.access_token.as_ref().map(|s| s.expose().to_owned()),
        token.grant_token.as_ref().map(|s| s.expose().to_owned()),
        token.expiry_time.map(|t| t.to_string()),
        token.redirect_url.clone(),
        token.api_domain.clone(),
        token.issued_api_domain.clone(),
    ]
}

/// The UPDATE statement for `token` and the values it binds (the row id last). `client_secret`
/// is only written when the token carries one.
pub(crate) fn update_values<'s>(
    stmts: &'s Statements,
    id: &str,
    token: &Token,
) -> (&'s str, Vec<Option<String>>) {
    let mut v = vec![token.user_name.clone(), token.client_id.clone()];
    let sql = match &token.client_secret {
        Some(s) => {
            v.push(Some(s.expose().to_owned()));
            stmts.update_with_secret.as_str()
        }
        None => stmts.update_without_secret.as_str(),
    };
    v.extend([
        token.refresh_token.as_ref().map(|s| s.expose().to_owned()),
        token.access_token.as_ref().map(|s| s.expose().to_owned()),
        token.grant_token.as_ref().map(|s| s.expose().to_owned()),
        token.expiry_time.map(|t| t.to_string()),
        token.redirect_url.clone(),
        token.api_domain.clone(),
        token.issued_api_domain.clone(),
        Some(id.to_owned()),
    ]);
    (sql, v)
}

/// Picks the row `query` matches, the oldest first, from candidate rows.
pub(crate) fn best_match(rows: Vec<Token>, query: &Token) -> Option<Token> {
    rows.into_iter()
        .filter(|t| t.matches(query))
        .min_by(|a, b| id_order(a.id.as_deref().unwrap_or(""), b.id.as_deref().unwrap_or("")))
}

/// The id for a new row: one more than the largest numeric id (the official SDK's scheme, done
/// numerically so that `"10"` follows `"9"`). Ids that are not numbers are ignored.
pub(crate) fn next_id<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let max = ids
        .into_iter()
        .filter_map(|id| id.trim().parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    max.saturating_add(1).to_string()
}

/// The parts a refresh lock is keyed by: (client id, user name, api domain).
#[cfg(feature = "postgres")]
pub(crate) fn lock_parts(key: &Token) -> [&str; 3] {
    [
        key.client_id.as_deref().unwrap_or(""),
        key.user_name.as_deref().unwrap_or(""),
        key.api_domain.as_deref().unwrap_or(""),
    ]
}

/// Generates, for one sqlx backend, the free functions every SQL store uses: row decoding,
/// the `issued_api_domain` migration, `fetch`, `execute`, the in-transaction upsert, and the five read/delete methods of
/// [`TokenStore`](super::TokenStore) (as `impl` items of `$store`, which must have the fields
/// `pool`, `table` and `stmts`, and a method `acquire(&self) -> Result<PoolConnection, BoxError>`
/// giving a pooled connection).
macro_rules! sql_backend {
    (db = $Db:ty, conn = $Conn:ty, store = $Store:ident, label = $label:literal) => {
        use $crate::store::sql::{
            COLUMN_NAMES, RawRow, backend_error, best_match, id_order, insert_values, next_id,
            parse_expiry, update_values,
        };

        /// A text column that may also be stored as an integer or as bytes; the error says
        /// which column and why, never what it holds.
        fn get_text(
            row: &<$Db as sqlx::Database>::Row,
            i: usize,
        ) -> Result<Option<String>, String> {
            use sqlx::{Column, Row, TypeInfo};
            if let Ok(v) = row.try_get::<Option<String>, usize>(i) {
                return Ok(v);
            }
            if let Ok(v) = row.try_get::<Option<i64>, usize>(i) {
                return Ok(v.map(|n| n.to_string()));
            }
            if let Ok(v) = row.try_get::<Option<i32>, usize>(i) {
                return Ok(v.map(|n| n.to_string()));
            }
            let name = COLUMN_NAMES.get(i).copied().unwrap_or("?");
            match row.try_get::<Option<Vec<u8>>, usize>(i) {
                Ok(Some(bytes)) => String::from_utf8(bytes)
                    .map(Some)
                    .map_err(|_| format!("column `{name}` holds bytes that are not UTF-8 text")),
                Ok(None) => Ok(None),
                Err(_) => Err(format!(
                    "column `{name}` is of type {}, not text or an integer",
                    row.column(i).type_info().name()
                )),
            }
        }

        fn decode_row(row: &<$Db as sqlx::Database>::Row) -> Result<RawRow, String> {
            Ok(RawRow {
                id: get_text(row, 0)?.unwrap_or_default(),
                user_name: get_text(row, 1)?,
                client_id: get_text(row, 2)?,
                client_secret: get_text(row, 3)?,
                refresh_token: get_text(row, 4)?,
                access_token: get_text(row, 5)?,
                grant_token: get_text(row, 6)?,
                expiry_time: match get_text(row, 7)? {
                    Some(text) => parse_expiry(&text)?,
                    None => None,
                },
                redirect_url: get_text(row, 8)?,
                api_domain: get_text(row, 9)?,
                issued_api_domain: get_text(row, 10)?,
            })
        }

        /// Adds `issued_api_domain` to a table that lacks it (one made before the column
        /// existed, or by the official SDK). Nullable, so every existing row stays and reads
        /// with `None`; safe when several processes open the table at once.
        async fn add_issued_column(
            pool: &sqlx::Pool<$Db>,
            stmts: &$crate::store::sql::Statements,
        ) -> Result<(), sqlx::Error> {
            if sqlx::query(&stmts.probe_issued).execute(pool).await.is_ok() {
                return Ok(());
            }
            match sqlx::query(&stmts.add_issued).execute(pool).await {
                Ok(_) => Ok(()),
                // Another process may have added it between the probe and the ALTER.
                Err(e) => sqlx::query(&stmts.probe_issued)
                    .execute(pool)
                    .await
                    .map(|_| ())
                    .map_err(|_| e),
            }
        }

        /// Reads `rows` as tokens; an unreadable row is named by its id and user.
        fn decode_rows(
            rows: &[<$Db as sqlx::Database>::Row],
        ) -> Result<Vec<$crate::token::Token>, $crate::store::Unreadable> {
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                match decode_row(row) {
                    Ok(raw) => out.push(raw.into_token()),
                    Err(problem) => {
                        let id = get_text(row, 0).ok().flatten().unwrap_or_default();
                        let user = get_text(row, 1).ok().flatten();
                        return Err($crate::store::Unreadable::new(
                            format!("row id `{id}`"),
                            user.as_deref(),
                            problem,
                        ));
                    }
                }
            }
            Ok(out)
        }

        async fn fetch(
            conn: &mut $Conn,
            sql: &str,
            binds: &[Option<String>],
        ) -> Result<Vec<$crate::token::Token>, $crate::store::BoxError> {
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(b.clone());
            }
            let rows = q.fetch_all(&mut *conn).await?;
            Ok(decode_rows(&rows)?)
        }

        async fn execute(
            conn: &mut $Conn,
            sql: &str,
            binds: &[Option<String>],
        ) -> Result<u64, sqlx::Error> {
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(b.clone());
            }
            Ok(q.execute(&mut *conn).await?.rows_affected())
        }

        /// The upsert, run by the caller inside a transaction that holds the table's save lock:
        /// update the matching row (keeping its id) or insert a new one.
        async fn upsert(
            conn: &mut $Conn,
            stmts: &$crate::store::sql::Statements,
            token: &$crate::token::Token,
        ) -> Result<String, $crate::store::BoxError> {
            let existing = match stmts.select_candidates(token) {
                Some((sql, binds)) => {
                    let binds: Vec<Option<String>> = binds.into_iter().map(Some).collect();
                    best_match(fetch(conn, &sql, &binds).await?, token)
                }
                None => None,
            };
            match existing.and_then(|row| row.id) {
                Some(id) => {
                    let (sql, values) = update_values(stmts, &id, token);
                    execute(conn, sql, &values).await?;
                    Ok(id)
                }
                None => {
                    let id = match &token.id {
                        Some(id) => id.clone(),
                        None => {
                            let rows = sqlx::query(&stmts.select_ids).fetch_all(&mut *conn).await?;
                            let mut ids = Vec::with_capacity(rows.len());
                            for row in &rows {
                                ids.push(get_text(row, 0).ok().flatten().unwrap_or_default());
                            }
                            next_id(ids.iter().map(String::as_str))
                        }
                    };
                    execute(conn, &stmts.insert, &insert_values(&id, token)).await?;
                    Ok(id)
                }
            }
        }

        impl $Store {
            async fn read_candidates(
                &self,
                action: &'static str,
                sql: &str,
                binds: &[Option<String>],
            ) -> Result<Vec<$crate::token::Token>, $crate::error::StoreError> {
                let mut conn = self
                    .acquire()
                    .await
                    .map_err(|e| backend_error($label, action, &self.table, e))?;
                fetch(&mut conn, sql, binds)
                    .await
                    .map_err(|e| backend_error($label, action, &self.table, e))
            }

            async fn run(
                &self,
                action: &'static str,
                sql: &str,
                binds: &[Option<String>],
            ) -> Result<u64, $crate::error::StoreError> {
                let mut conn = self
                    .acquire()
                    .await
                    .map_err(|e| backend_error($label, action, &self.table, e))?;
                execute(&mut conn, sql, binds)
                    .await
                    .map_err(|e| backend_error($label, action, &self.table, e))
            }

            async fn find_impl(
                &self,
                query: &$crate::token::Token,
            ) -> Result<Option<$crate::token::Token>, $crate::error::StoreError> {
                let Some((sql, binds)) = self.stmts.select_candidates(query) else {
                    return Ok(None);
                };
                let binds: Vec<Option<String>> = binds.into_iter().map(Some).collect();
                let rows = self.read_candidates("find a token", &sql, &binds).await?;
                Ok(best_match(rows, query))
            }

            async fn get_all_impl(
                &self,
            ) -> Result<Vec<$crate::token::Token>, $crate::error::StoreError> {
                let mut rows = self
                    .read_candidates("list tokens", &self.stmts.select_all, &[])
                    .await?;
                rows.sort_by(|a, b| {
                    id_order(a.id.as_deref().unwrap_or(""), b.id.as_deref().unwrap_or(""))
                });
                Ok(rows)
            }

            async fn find_by_id_impl(
                &self,
                id: &str,
            ) -> Result<Option<$crate::token::Token>, $crate::error::StoreError> {
                let rows = self
                    .read_candidates(
                        "find a token by id",
                        &self.stmts.select_by_id,
                        &[Some(id.to_owned())],
                    )
                    .await?;
                // Exact comparison: a case-insensitive collation may return more than the id.
                Ok(rows.into_iter().find(|t| t.id.as_deref() == Some(id)))
            }
        }

        impl $crate::store::TokenStore for $Store {
            fn find_token<'a>(
                &'a self,
                query: &'a $crate::token::Token,
            ) -> $crate::store::StoreFuture<'a, Option<$crate::token::Token>> {
                Box::pin(self.find_impl(query))
            }

            fn save_token<'a>(
                &'a self,
                token: &'a $crate::token::Token,
            ) -> $crate::store::StoreFuture<'a, String> {
                Box::pin(self.save_impl(token))
            }

            fn delete_token<'a>(&'a self, id: &'a str) -> $crate::store::StoreFuture<'a, ()> {
                Box::pin(async move {
                    self.run(
                        "delete a token",
                        &self.stmts.delete_by_id,
                        &[Some(id.to_owned())],
                    )
                    .await
                    .map(|_| ())
                })
            }

            fn get_tokens(&self) -> $crate::store::StoreFuture<'_, Vec<$crate::token::Token>> {
                Box::pin(self.get_all_impl())
            }

            fn delete_tokens(&self) -> $crate::store::StoreFuture<'_, ()> {
                Box::pin(async move {
                    self.run("delete all tokens", &self.stmts.delete_all, &[])
                        .await
                        .map(|_| ())
                })
            }

            fn find_token_by_id<'a>(
                &'a self,
                id: &'a str,
            ) -> $crate::store::StoreFuture<'a, Option<$crate::token::Token>> {
                Box::pin(self.find_by_id_impl(id))
            }

            fn lock_refresh<'a>(
                &'a self,
                key: &'a $crate::token::Token,
            ) -> $crate::store::StoreFuture<'a, $crate::store::RefreshLock> {
                Box::pin(self.lock_impl(key))
            }
        }

        impl std::fmt::Debug for $Store {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // The pool's options hold the password: never print them.
                f.debug_struct(stringify!($Store))
                    .field("table", &self.table.as_str())
                    .field("lock_timeout", &self.lock_timeout)
                    .finish_non_exhaustive()
            }
        }
    };
}

pub(crate) use sql_backend;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names() {
        assert!(TableName::parse("t", "oauthtoken").is_ok());
        assert!(TableName::parse("t", "_a1").is_ok());
        assert!(TableName::parse("t", &"a".repeat(64)).is_ok());
        for bad in ["", "1a", "a-b", "a;b", "a b", "ä", "a`b", "a\"b"] {
            assert!(TableName::parse("t", bad).is_err(), "{bad}");
        }
        assert!(TableName::parse("t", &"a".repeat(65)).is_err());
    }

    #[test]
    fn ids_and_expiry() {
        assert_eq!(next_id(["1", "9", "10", "x"]), "11");
        assert_eq!(next_id([]), "1");
        assert_eq!(parse_expiry("1718000000000"), Ok(Some(1_718_000_000_000)));
        assert_eq!(parse_expiry("1.718e12"), Ok(Some(1_718_000_000_000)));
        assert_eq!(parse_expiry(" "), Ok(None));
        assert_eq!(
            parse_expiry("1000.secret"),
            Err(
                "column `expiry_time` is not epoch milliseconds (11 characters of other text)"
                    .into()
            )
        );
        assert_eq!(id_order("9", "10"), std::cmp::Ordering::Less);
    }

    #[test]
    fn statements_bind_everything() {
        let t = TableName::parse("t", "tok").unwrap();
        let s = Statements::new(Dialect::Postgres, &t);
        assert_eq!(
            s.update_without_secret,
            "UPDATE \"tok\" SET user_name = $1, client_id = $2, refresh_token = $3, access_token = $4, grant_token = $5, expiry_time = $6, redirect_url = $7, api_domain = $8, issued_api_domain = $9 WHERE id = $10"
        );
        let q = Token::for_user("c", "u'", "d");
        let (sql, binds) = s.select_candidates(&q).unwrap();
        assert!(!sql.contains("u'"));
        assert_eq!(binds, ["u'", "c", "d"]);
    }
}

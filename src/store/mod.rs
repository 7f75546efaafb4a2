//! Token persistence: the six-method [`TokenStore`] of the official SDK's token store, plus the refresh lock that makes
//! one refresh happen when many processes share a store.

#[cfg(any(
    feature = "sqlite",
    feature = "mysql",
    feature = "postgres",
    feature = "redis"
))]
mod context;
mod file;
mod memory;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "mysql", feature = "postgres"))]
pub(crate) use context::BoxError;
#[cfg(any(
    feature = "sqlite",
    feature = "mysql",
    feature = "postgres",
    feature = "redis"
))]
pub(crate) use context::Context;
#[cfg(feature = "redis")]
mod redis;
#[cfg(any(feature = "sqlite", feature = "mysql", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::redis::RedisStore;
pub use file::FileStore;
pub use memory::MemoryStore;
#[cfg(feature = "mysql")]
#[cfg_attr(docsrs, doc(cfg(feature = "mysql")))]
pub use mysql::MySqlStore;
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use sqlite::SqliteStore;

use crate::error::StoreError;
use crate::token::Token;
use std::future::Future;
use std::pin::Pin;

/// The future every store method returns (boxed so `dyn TokenStore` works).
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Where OAuth tokens live between calls and between processes.
///
/// Implement it for your own storage (a secrets manager, another database); see
/// `examples/custom_store.rs`. Every method must be safe to call from many tasks at once.
///
/// ```
/// use zohocrm::Token;
/// use zohocrm::store::{MemoryStore, TokenStore};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), zohocrm::error::StoreError> {
/// let store = MemoryStore::new();
/// let mut token = Token::for_user("1000.XXXX", "ada@example.com", "https://www.zohoapis.com");
/// token.refresh_token = Some("1000.refresh".into());
/// let id = store.save_token(&token).await?;
///
/// let query = Token::for_user("1000.XXXX", "ada@example.com", "https://www.zohoapis.com");
/// let found = store.find_token(&query).await?.expect("saved above");
/// assert_eq!(found.id.as_deref(), Some(id.as_str()));
/// store.delete_token(&id).await?;
/// assert!(store.get_tokens().await?.is_empty());
/// # Ok(()) }
/// ```
pub trait TokenStore: Send + Sync + 'static {
    /// Finds the stored token matching `query` (see [`Token::matches`] for the order: user name,
    /// access token, grant token, refresh token).
    fn find_token<'a>(&'a self, query: &'a Token) -> StoreFuture<'a, Option<Token>>;

    /// Inserts or updates `token` atomically, matched the same way as `find_token`, so a user
    /// never has two rows. Returns the id of the row written.
    fn save_token<'a>(&'a self, token: &'a Token) -> StoreFuture<'a, String>;

    /// Deletes the token with this id (no error if it does not exist).
    fn delete_token<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()>;

    /// Every stored token.
    fn get_tokens(&self) -> StoreFuture<'_, Vec<Token>>;

    /// Deletes every stored token.
    fn delete_tokens(&self) -> StoreFuture<'_, ()>;

    /// The token with this id.
    fn find_token_by_id<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Token>>;

    /// Takes the cross-process refresh lock for this user's token. The client holds it while it
    /// re-reads the store and, if still needed, refreshes and saves. Stores shared between
    /// processes override this (file `flock`, SQL advisory locks, Redis `SET NX PX`); the default
    /// is a no-op, which is right for stores private to one process.
    fn lock_refresh<'a>(&'a self, _key: &'a Token) -> StoreFuture<'a, RefreshLock> {
        Box::pin(async { Ok(RefreshLock::none()) })
    }
}

/// A held refresh lock. Call [`RefreshLock::release`] when done; dropping it without releasing
/// leaves the store's own expiry (lock timeout, connection close) to free it.
pub struct RefreshLock {
    release: Option<Box<dyn FnOnce() -> StoreFuture<'static, ()> + Send>>,
}

impl RefreshLock {
    /// A lock that holds nothing.
    pub fn none() -> Self {
        RefreshLock { release: None }
    }

    /// A lock released by running `release`.
    pub fn new(release: impl FnOnce() -> StoreFuture<'static, ()> + Send + 'static) -> Self {
        RefreshLock {
            release: Some(Box::new(release)),
        }
    }

    /// Releases the lock.
    pub async fn release(mut self) -> Result<(), StoreError> {
        match self.release.take() {
            Some(f) => f().await,
            None => Ok(()),
        }
    }
}

/// Default life of a TTL-based refresh lock (Redis, SQLite) between renewals. Short, so a
/// holder killed mid-refresh blocks the others only this long; the holder renews it every third
/// of it while it works, so a slow refresh keeps it.
pub const DEFAULT_LOCK_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// Default time a waiter gives another holder of a refresh lock: well above
/// [`DEFAULT_LOCK_TTL`], so a dead holder's lock always expires before a waiter gives up.
pub const DEFAULT_LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Renews a TTL lock in the background until dropped (with the [`RefreshLock`] that owns it,
/// released or not).
#[cfg(any(feature = "redis", feature = "sqlite"))]
pub(crate) struct Renewal(tokio::task::AbortHandle);

#[cfg(any(feature = "redis", feature = "sqlite"))]
impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `renew` every third of `ttl` until it returns false (the lock was lost) or the returned
/// guard is dropped.
#[cfg(any(feature = "redis", feature = "sqlite"))]
pub(crate) fn renew_while_held<F, Fut>(ttl: std::time::Duration, mut renew: F) -> Renewal
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let period = (ttl / 3).max(std::time::Duration::from_millis(10));
    let task = tokio::spawn(async move {
        loop {
            tokio::time::sleep(period).await;
            if !renew().await {
                tracing::warn!("the refresh lock was lost before it was released");
                return;
            }
        }
    });
    Renewal(task.abort_handle())
}

/// A stored token that cannot be read: names the row (id, key or file entry) and its user,
/// never the secrets it holds.
#[derive(Debug)]
pub(crate) struct Unreadable {
    row: String,
    problem: String,
}

impl Unreadable {
    /// `row` locates it (`row id `3``, `key `zohocrm:token:3``); `user` is its `user_name`
    /// when that could be read.
    pub(crate) fn new(row: String, user: Option<&str>, problem: String) -> Self {
        let row = match user {
            Some(u) => format!("{row} (user `{}`)", u.chars().take(120).collect::<String>()),
            None => row,
        };
        Unreadable { row, problem }
    }

    /// What is wrong and where, without the advice.
    pub(crate) fn summary(&self) -> String {
        format!("{} cannot be read as a token: {}", self.row, self.problem)
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}; fix or delete it", self.summary())
    }
}

impl std::error::Error for Unreadable {}

/// Reads one stored token from JSON text (the Redis store; the file store reads each entry of
/// its JSON array with [`token_from_value`]). On failure, says which field
/// is wrong and the user, if the JSON gets that far, but never quotes a value: a type error's
/// message would.
#[cfg(feature = "redis")]
pub(crate) fn token_from_json(json: &str) -> Result<Token, (Option<String>, String)> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        (
            None,
            format!(
                "it is not a JSON object (invalid JSON at line {} column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    token_from_value(value)
}

/// [`token_from_json`] for an already parsed value.
pub(crate) fn token_from_value(
    value: serde_json::Value,
) -> Result<Token, (Option<String>, String)> {
    let serde_json::Value::Object(fields) = value else {
        return Err((None, format!("it is not a JSON object ({})", kind(&value))));
    };
    let user = fields
        .get("user_name")
        .and_then(|u| u.as_str())
        .map(str::to_owned);
    match serde_json::from_value::<Token>(serde_json::Value::Object(fields.clone())) {
        Ok(t) => Ok(t),
        Err(_) => {
            // Find the field at fault by reading each on its own.
            let bad = fields.iter().find(|(k, v)| {
                let one = serde_json::Map::from_iter([((*k).clone(), (*v).clone())]);
                serde_json::from_value::<Token>(serde_json::Value::Object(one)).is_err()
            });
            let problem = match bad {
                Some((k, v)) => {
                    format!("field `{k}` is {}, not the type a token has there", kind(v))
                }
                None => "it does not read as a token".to_owned(),
            };
            Err((user, problem))
        }
    }
}

/// A JSON value's kind, for messages that must not quote it.
fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

impl std::fmt::Debug for RefreshLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshLock")
            .field("held", &self.release.is_some())
            .finish()
    }
}

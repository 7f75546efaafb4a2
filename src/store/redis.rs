//! The Redis store (feature `redis`).

use super::file::{id_order, lock_digest, random_hex};
use super::{Context, RefreshLock, StoreFuture, TokenStore, Unreadable, token_from_json};
use crate::error::StoreError;
use crate::token::Token;
use redis::aio::MultiplexedConnection;
use redis::{AsyncCommands, Script};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

const STORE: &str = "redis";

/// The default key prefix.
pub const DEFAULT_PREFIX: &str = "zohocrm:oauthtoken:";

/// Lua shared by the scripts: reads a token key, and names it when it cannot (a wrong Redis type,
/// JSON that is not an object) instead of failing somewhere inside the script.
const ROW_LUA: &str = r#"
local function unreadable(key, why)
  error({err = 'ERR key `' .. key .. '` cannot be read as a token: ' .. why .. '; fix or delete it'})
end
local function get_token(key)
  local json = redis.pcall('GET', key)
  if type(json) == 'table' and json.err then unreadable(key, json.err) end
  return json
end
local function decode_token(key, json)
  local ok, row = pcall(cjson.decode, json)
  if not ok or type(row) ~= 'table' then unreadable(key, 'it is not a JSON object') end
  return row
end
"#;

/// Lua shared by the scripts: the official SDK's matching order (what [`Token::matches`] does).
const MATCH_LUA: &str = r#"
local function val(x) if x == cjson.null then return nil end return x end
local function matches(row, q)
  local qc, qd = val(q.client_id), val(q.api_domain)
  if qc ~= nil and val(row.client_id) ~= qc then return false end
  local rd = val(row.api_domain)
  if qd ~= nil and rd ~= nil and rd ~= qd then return false end
  for _, k in ipairs({'user_name', 'access_token', 'grant_token', 'refresh_token'}) do
    local qv = val(q[k])
    if qv ~= nil then return val(row[k]) == qv end
  end
  return false
end
local function before(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end
-- KEYS[1] = index set; ARGV[1] = token key prefix; ARGV[2] = query JSON.
-- Returns the id and JSON of the oldest matching token, or nil.
local function best(q)
  local best_id, best_json = nil, nil
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
    local json = get_token(ARGV[1] .. id)
    if json and matches(decode_token(ARGV[1] .. id, json), q) and (best_id == nil or before(id, best_id)) then
      best_id, best_json = id, json
    end
  end
  return best_id, best_json
end
"#;

/// Find: returns `{id, json}` or nil.
const FIND_LUA: &str = r#"
local id, json = best(cjson.decode(ARGV[2]))
if id == nil then return nil end
return {id, json}
"#;

/// Save: KEYS[2] = id counter; ARGV[3] = requested id or ''. Updates the matching token in place
/// (keeping its id, and its client_secret when the new token has none) or inserts a new one.
const SAVE_LUA: &str = r#"
local new = ARGV[2]
local q = cjson.decode(new)
local id, old = best(q)
if id ~= nil then
  local prev = val(cjson.decode(old).client_secret)
  if val(q.client_secret) == nil and prev ~= nil then
    local rest = string.sub(new, 2)
    if rest ~= '}' then rest = ',' .. rest end
    new = '{"client_secret":' .. cjson.encode(prev) .. rest
  end
else
  id = ARGV[3]
  if id == '' then
    repeat id = tostring(redis.call('INCR', KEYS[2])) until redis.call('EXISTS', ARGV[1] .. id) == 0
  elseif redis.call('EXISTS', ARGV[1] .. id) == 1 then
    return redis.error_reply('a token with the requested id already exists')
  end
end
redis.call('SET', ARGV[1] .. id, new)
redis.call('SADD', KEYS[1], id)
return id
"#;

/// All tokens: a flat list `id, json, id, json ...`.
const ALL_LUA: &str = r#"
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local json = get_token(ARGV[1] .. id)
  if json then out[#out + 1] = id; out[#out + 1] = json end
end
return out
"#;

/// Delete all: removes every token key and the index.
const CLEAR_LUA: &str = r#"
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', ARGV[1] .. id) end
redis.call('DEL', KEYS[1])
return 1
"#;

/// Compare-and-extend: renews a lock's TTL only if we still own it.
const RENEW_LUA: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"#;

/// Compare-and-delete: releases a lock only if we still own it.
const UNLOCK_LUA: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"#;

struct Scripts {
    find: Script,
    save: Script,
    all: Script,
    clear: Script,
    unlock: Script,
    renew: Script,
}

/// Tokens in Redis: each token is a JSON string under `<prefix>token:<id>`, the ids are in the
/// set `<prefix>ids`, new ids come from the counter `<prefix>seq`.
///
/// * `save_token`, `find_token`, `get_tokens` and `delete_tokens` are Lua scripts, so each runs
///   atomically on the server: concurrent saves never create two tokens for one user.
/// * `lock_refresh` is `SET <prefix>lock:<hash> <random owner> NX PX <ttl>`, retried with short
///   sleeps up to the lock timeout; release deletes the key only if it still holds our owner
///   value (a Lua compare-and-delete), so an expired lock taken over by another process is never
///   released by mistake.
///
/// The prefix makes several stores share one database; all keys of a store share it (a prefix
/// such as `{zohocrm}:` keeps them in one Redis Cluster slot).
#[derive(Clone)]
pub struct RedisStore {
    conn: MultiplexedConnection,
    prefix: Arc<str>,
    scripts: Arc<Scripts>,
    lock_timeout: Duration,
    lock_ttl: Duration,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The connection info may hold a password: never print it.
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("lock_timeout", &self.lock_timeout)
            .field("lock_ttl", &self.lock_ttl)
            .finish_non_exhaustive()
    }
}

fn backend(
    prefix: &str,
    action: &'static str,
    source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
) -> StoreError {
    StoreError::Backend {
        store: STORE,
        action,
        source: Box::new(Context::new(format!("key prefix {prefix:?}"), source)),
    }
}

/// A script's error: an unreadable token (raised by `ROW_LUA`) as its own message, without the
/// server's "ResponseError:" and "script: <sha>" wrapping; anything else as it is.
fn script_error(prefix: &str, action: &'static str, e: redis::RedisError) -> StoreError {
    match e
        .detail()
        .filter(|d| d.contains("cannot be read as a token"))
    {
        Some(d) => {
            let d = d.split(" script: ").next().unwrap_or(d).trim_end();
            backend(prefix, action, message(d.to_owned()))
        }
        None => backend(prefix, action, e),
    }
}

fn message(s: String) -> Box<dyn std::error::Error + Send + Sync + 'static> {
    s.into()
}

fn decode(prefix: &str, action: &'static str, id: String, json: &str) -> Result<Token, StoreError> {
    match token_from_json(json) {
        Ok(t) => Ok(Token { id: Some(id), ..t }),
        Err((user, problem)) => Err(backend(
            prefix,
            action,
            Unreadable::new(
                format!("key `{prefix}token:{id}`"),
                user.as_deref(),
                problem,
            ),
        )),
    }
}

/// The JSON stored for a token (the id lives in the key).
fn encode(prefix: &str, token: &Token) -> Result<String, StoreError> {
    let stored = Token {
        id: None,
        ..token.clone()
    };
    serde_json::to_string(&stored).map_err(|e| backend(prefix, "encode a token", e))
}

impl RedisStore {
    /// Connects to `url` (`redis://[:password@]host:6379[/db]`) with the prefix
    /// `zohocrm:oauthtoken:`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_prefix(url, DEFAULT_PREFIX).await
    }

    /// Like [`RedisStore::connect`], with another key prefix.
    pub async fn connect_with_prefix(url: &str, prefix: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| backend(prefix, "parse the URL", e))?;
        let conn = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| backend(prefix, "connect", e))?;
        Ok(Self::from_connection(conn, prefix))
    }

    /// Uses an existing multiplexed connection.
    pub fn from_connection(conn: MultiplexedConnection, prefix: &str) -> Self {
        RedisStore {
            conn,
            prefix: prefix.into(),
            scripts: Arc::new(Scripts {
                find: Script::new(&format!("{ROW_LUA}{MATCH_LUA}{FIND_LUA}")),
                save: Script::new(&format!("{ROW_LUA}{MATCH_LUA}{SAVE_LUA}")),
                all: Script::new(&format!("{ROW_LUA}{ALL_LUA}")),
                clear: Script::new(CLEAR_LUA),
                unlock: Script::new(UNLOCK_LUA),
                renew: Script::new(RENEW_LUA),
            }),
            lock_timeout: super::DEFAULT_LOCK_TIMEOUT,
            lock_ttl: super::DEFAULT_LOCK_TTL,
        }
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

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn ids_key(&self) -> String {
        format!("{}ids", self.prefix)
    }

    fn token_prefix(&self) -> String {
        format!("{}token:", self.prefix)
    }

    async fn find_impl(&self, query: &Token) -> Result<Option<Token>, StoreError> {
        let action = "find a token";
        let q = encode(&self.prefix, query)?;
        let mut conn = self.conn.clone();
        let found: Option<(String, String)> = self
            .scripts
            .find
            .key(self.ids_key())
            .arg(self.token_prefix())
            .arg(q)
            .invoke_async(&mut conn)
            .await
            .map_err(|e| script_error(&self.prefix, action, e))?;
        found
            .map(|(id, json)| decode(&self.prefix, action, id, &json))
            .transpose()
    }

    async fn save_impl(&self, token: &Token) -> Result<String, StoreError> {
        let json = encode(&self.prefix, token)?;
        let mut conn = self.conn.clone();
        self.scripts
            .save
            .key(self.ids_key())
            .key(format!("{}seq", self.prefix))
            .arg(self.token_prefix())
            .arg(json)
            .arg(token.id.clone().unwrap_or_default())
            .invoke_async(&mut conn)
            .await
            .map_err(|e| script_error(&self.prefix, "save a token", e))
    }

    async fn delete_impl(&self, id: &str) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        redis::pipe()
            .atomic()
            .del(format!("{}{id}", self.token_prefix()))
            .srem(self.ids_key(), id)
            .exec_async(&mut conn)
            .await
            .map_err(|e| backend(&self.prefix, "delete a token", e))
    }

    async fn all_impl(&self) -> Result<Vec<Token>, StoreError> {
        let action = "list tokens";
        let mut conn = self.conn.clone();
        let flat: Vec<String> = self
            .scripts
            .all
            .key(self.ids_key())
            .arg(self.token_prefix())
            .invoke_async(&mut conn)
            .await
            .map_err(|e| script_error(&self.prefix, action, e))?;
        let mut out = Vec::with_capacity(flat.len() / 2);
        let mut it = flat.into_iter();
        while let (Some(id), Some(json)) = (it.next(), it.next()) {
            out.push(decode(&self.prefix, action, id, &json)?);
        }
        out.sort_by(|a, b| id_order(a.id.as_deref().unwrap_or(""), b.id.as_deref().unwrap_or("")));
        Ok(out)
    }

    async fn clear_impl(&self) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        let _: i64 = self
            .scripts
            .clear
            .key(self.ids_key())
            .arg(self.token_prefix())
            .invoke_async(&mut conn)
            .await
            .map_err(|e| backend(&self.prefix, "delete all tokens", e))?;
        Ok(())
    }

    async fn by_id_impl(&self, id: &str) -> Result<Option<Token>, StoreError> {
        let action = "find a token by id";
        let mut conn = self.conn.clone();
        let key = format!("{}{id}", self.token_prefix());
        let json: Option<String> = conn.get(&key).await.map_err(|e| {
            backend(
                &self.prefix,
                action,
                Context::new(format!("key `{key}`"), e),
            )
        })?;
        json.map(|j| decode(&self.prefix, action, id.to_owned(), &j))
            .transpose()
    }

    async fn lock_impl(&self, key: &Token) -> Result<RefreshLock, StoreError> {
        let action = "take the refresh lock";
        let lock_key = format!("{}lock:{}", self.prefix, lock_digest("", key));
        let owner = random_hex();
        let ttl_ms = u64::try_from(self.lock_ttl.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let mut conn = self.conn.clone();
        let deadline = tokio::time::Instant::now() + self.lock_timeout;
        let mut pause = Duration::from_millis(2);
        loop {
            let set: Option<String> = redis::cmd("SET")
                .arg(&lock_key)
                .arg(&owner)
                .arg("NX")
                .arg("PX")
                .arg(ttl_ms)
                .query_async(&mut conn)
                .await
                .map_err(|e| backend(&self.prefix, action, e))?;
            if set.is_some() {
                break;
            }
            if tokio::time::Instant::now() + pause > deadline {
                return Err(backend(
                    &self.prefix,
                    action,
                    message(format!(
                        "timed out after {:?} waiting for another holder",
                        self.lock_timeout
                    )),
                ));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(25));
        }
        let renewal = {
            let (scripts, conn) = (Arc::clone(&self.scripts), conn.clone());
            let (lock_key, owner) = (lock_key.clone(), owner.clone());
            super::renew_while_held(self.lock_ttl, move || {
                let (scripts, mut conn) = (Arc::clone(&scripts), conn.clone());
                let (lock_key, owner) = (lock_key.clone(), owner.clone());
                async move {
                    let renewed: redis::RedisResult<i64> = scripts
                        .renew
                        .key(lock_key)
                        .arg(owner)
                        .arg(ttl_ms)
                        .invoke_async(&mut conn)
                        .await;
                    // A transient error is retried at the next tick; only a lost lock stops.
                    renewed.map_or(true, |n| n == 1)
                }
            })
        };
        let prefix = Arc::clone(&self.prefix);
        let scripts = Arc::clone(&self.scripts);
        Ok(RefreshLock::new(move || {
            Box::pin(async move {
                drop(renewal);
                let _: i64 = scripts
                    .unlock
                    .key(lock_key)
                    .arg(owner)
                    .invoke_async(&mut conn)
                    .await
                    .map_err(|e| backend(&prefix, "release the refresh lock", e))?;
                Ok(())
            })
        }))
    }
}

impl TokenStore for RedisStore {
    fn find_token<'a>(&'a self, query: &'a Token) -> StoreFuture<'a, Option<Token>> {
        Box::pin(self.find_impl(query))
    }

    fn save_token<'a>(&'a self, token: &'a Token) -> StoreFuture<'a, String> {
        Box::pin(self.save_impl(token))
    }

    fn delete_token<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(self.delete_impl(id))
    }

    fn get_tokens(&self) -> StoreFuture<'_, Vec<Token>> {
        Box::pin(self.all_impl())
    }

    fn delete_tokens(&self) -> StoreFuture<'_, ()> {
        Box::pin(self.clear_impl())
    }

    fn find_token_by_id<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Token>> {
        Box::pin(self.by_id_impl(id))
    }

    fn lock_refresh<'a>(&'a self, key: &'a Token) -> StoreFuture<'a, RefreshLock> {
        Box::pin(self.lock_impl(key))
    }
}

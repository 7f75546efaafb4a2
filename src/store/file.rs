//! The JSON file store.

use super::{RefreshLock, StoreFuture, TokenStore};
use crate::error::StoreError;
use crate::token::Token;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Tokens in a JSON file (a list of tokens), shared safely between processes.
///
/// * **Atomic writes.** A write goes to a uniquely named temporary file in the same directory
///   (`<file>.tmp-XXXXXX`), is `fsync`ed, renamed over the file, and the directory is `fsync`ed:
///   a reader (or a crash) sees the old or the new list, never a partial one. Temporary files a
///   killed process left behind are removed by the next write.
/// * **No lost updates.** Every read-modify-write holds an exclusive `flock` on the sibling
///   `<file>.lock`, so concurrent processes serialize their saves.
/// * **Corruption is reported, never overwritten.** A truncated or invalid file makes every call
///   fail with [`StoreError::Corrupt`] naming the path, and the file is left as it is (a save does
///   not replace it). The error never quotes the file's content.
/// * **Private.** Files are created with mode `0600` (Unix). A token file that group or others
///   can read is refused until it is `chmod 600`ed.
/// * A missing file is an empty store.
/// * `lock_refresh` takes an exclusive `flock` on `<file>.refresh-<hash>.lock` (one per client
///   id, user and api domain), held until [`RefreshLock::release`] or until the lock is dropped.
#[derive(Clone, Debug)]
pub struct FileStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    lock_timeout: Duration,
}

/// Where an io error happened.
fn io_err(path: &Path, action: &'static str, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_owned(),
        action,
        source,
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "tokens.json".into());
    name.push(suffix);
    path.with_file_name(name)
}

/// `tokens.json.tmp-`: the start of every temporary file name of the store at `path` (older
/// versions used `tokens.json.tmp-<pid>-<seq>`, so their leftovers are cleaned up too).
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tokens.json".into());
    format!("{name}.tmp-")
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Opens (creating, mode 0600) a lock file.
fn open_lock_file(path: &Path) -> Result<File, StoreError> {
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
        .map_err(|e| io_err(path, "open the lock file", e))
}

/// Describes a JSON error by its kind and position only: the message of a type error can quote
/// the offending value, which may be a token.
fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "truncated JSON (unexpected end of file)",
        Category::Syntax => "invalid JSON syntax",
        Category::Data => "JSON that is not a list of tokens",
        Category::Io => "unreadable data",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

impl Inner {
    /// Reads the list; a missing file is empty.
    fn load(&self) -> Result<Vec<Token>, StoreError> {
        let path = &self.path;
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err(path, "open", e)),
        };
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(io_err(
                path,
                "open",
                std::io::Error::new(
                    ErrorKind::IsADirectory,
                    format!(
                        "is a directory; give the path of the token file, such as {}",
                        path.join(crate::settings::TOKEN_FILE_NAME).display()
                    ),
                ),
            ));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = file
                .metadata()
                .map_err(|e| io_err(path, "read the permissions", e))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(io_err(
                    path,
                    "check the permissions",
                    std::io::Error::new(
                        ErrorKind::PermissionDenied,
                        format!(
                            "mode {:o} lets other users read the tokens; run `chmod 600` on it",
                            mode & 0o777
                        ),
                    ),
                ));
            }
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| io_err(path, "read", e))?;
        let corrupt = |detail| StoreError::Corrupt {
            path: path.clone(),
            detail,
        };
        let entries = serde_json::from_slice::<Vec<serde_json::Value>>(&bytes)
            .map_err(|e| corrupt(describe(&e)))?;
        let mut tokens = Vec::with_capacity(entries.len());
        for (i, entry) in entries.into_iter().enumerate() {
            let id = entry.get("id").and_then(|v| v.as_str()).map(str::to_owned);
            match super::token_from_value(entry) {
                Ok(t) => tokens.push(t),
                Err((user, problem)) => {
                    let row = match id {
                        Some(id) => format!("entry {} (id `{id}`)", i + 1),
                        None => format!("entry {}", i + 1),
                    };
                    let why = super::Unreadable::new(row, user.as_deref(), problem);
                    return Err(corrupt(why.summary()));
                }
            }
        }
        Ok(tokens)
    }

    /// Replaces the file atomically with `tokens`: a uniquely named temporary file (mode 0600,
    /// created exclusively, so no other process or leftover can collide with it) is written,
    /// `fsync`ed and renamed over the file; on any failure it is removed.
    fn store(&self, tokens: &[Token]) -> Result<(), StoreError> {
        let path = &self.path;
        let json = serde_json::to_vec_pretty(tokens).map_err(|e| {
            io_err(
                path,
                "serialize the tokens",
                std::io::Error::new(ErrorKind::InvalidData, e),
            )
        })?;
        let dir = parent_dir(path);
        let mut tmp = tempfile::Builder::new()
            .prefix(&temp_prefix(path))
            .tempfile_in(&dir)
            .map_err(|e| io_err(&dir, "create the temporary file", e))?;
        let tmp_path = tmp.path().to_owned();
        tmp.write_all(&json)
            .map_err(|e| io_err(&tmp_path, "write the temporary file", e))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| io_err(&tmp_path, "fsync the temporary file", e))?;
        // On error the temporary file is deleted when `PersistError` drops.
        tmp.persist(path)
            .map_err(|e| io_err(path, "rename over", e.error))?;
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_err(&dir, "fsync the directory", e))
    }

    /// Removes temporary files a killed process left behind. Only called under the store's
    /// exclusive lock, which every writer holds while its temporary file exists, so any temporary
    /// file seen here is stale. They hold tokens, so they must not linger.
    fn remove_stale_temp_files(&self) {
        let prefix = temp_prefix(&self.path);
        let Ok(entries) = std::fs::read_dir(parent_dir(&self.path)) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.to_str().is_some_and(|n| n.starts_with(&prefix))
                && let Err(e) = std::fs::remove_file(entry.path())
                && e.kind() != ErrorKind::NotFound
            {
                tracing::warn!(path = %entry.path().display(), error = %e, "could not remove a stale temporary token file");
            }
        }
    }

    /// Runs `f` on the list under the store's exclusive lock and writes the result back.
    fn modify<T>(&self, f: impl FnOnce(&mut Vec<Token>) -> T) -> Result<T, StoreError> {
        let lock_path = sibling(&self.path, ".lock");
        let lock = open_lock_file(&lock_path)?;
        lock.lock()
            .map_err(|e| io_err(&lock_path, "lock the token file", e))?;
        let mut tokens = self.load()?;
        self.remove_stale_temp_files();
        let out = f(&mut tokens);
        self.store(&tokens)?;
        drop(lock);
        Ok(out)
    }

    fn save(&self, token: &Token) -> Result<String, StoreError> {
        self.modify(|rows| {
            let best = rows
                .iter()
                .enumerate()
                .filter(|(_, t)| t.matches(token))
                .min_by(|(_, a), (_, b)| {
                    id_order(a.id.as_deref().unwrap_or(""), b.id.as_deref().unwrap_or(""))
                })
                .map(|(i, _)| i);
            match best {
                Some(i) => {
                    let old = &rows[i];
                    let id = old.id.clone().unwrap_or_default();
                    let client_secret = token
                        .client_secret
                        .clone()
                        .or_else(|| old.client_secret.clone());
                    rows[i] = Token {
                        id: Some(id.clone()),
                        client_secret,
                        ..token.clone()
                    };
                    id
                }
                None => {
                    let id = token.id.clone().unwrap_or_else(|| {
                        let max = rows
                            .iter()
                            .filter_map(|t| t.id.as_deref()?.trim().parse::<u64>().ok())
                            .max()
                            .unwrap_or(0);
                        max.saturating_add(1).to_string()
                    });
                    rows.push(Token {
                        id: Some(id.clone()),
                        ..token.clone()
                    });
                    id
                }
            }
        })
    }
}

/// Orders ids numerically when they are numbers (the official SDK's ids are `1`, `2` ...), then
/// as text: the "first" row of a store is the oldest one. Shared by every store.
pub(crate) fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    (a.len(), a).cmp(&(b.len(), b))
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    inner: &Arc<Inner>,
    f: impl FnOnce(&Inner) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let inner = Arc::clone(inner);
    let path = inner.path.clone();
    tokio::task::spawn_blocking(move || f(&inner))
        .await
        .map_err(|e| {
            io_err(
                &path,
                "run the blocking file task",
                std::io::Error::other(e.to_string()),
            )
        })?
}

impl FileStore {
    /// A store in the JSON file at `path` (created on the first save; its directory must exist).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileStore {
            inner: Arc::new(Inner {
                path: path.into(),
                lock_timeout: Duration::from_secs(30),
            }),
        }
    }

    /// How long `lock_refresh` waits for another holder before failing (default 30 s).
    pub fn with_lock_timeout(self, timeout: Duration) -> Self {
        FileStore {
            inner: Arc::new(Inner {
                path: self.inner.path.clone(),
                lock_timeout: timeout,
            }),
        }
    }

    /// The token file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    async fn lock_impl(&self, key: &Token) -> Result<RefreshLock, StoreError> {
        let digest = lock_digest("", key);
        let lock_path = sibling(
            &self.inner.path,
            &format!(".refresh-{}.lock", &digest[..16]),
        );
        let path = lock_path.clone();
        let file = blocking(&self.inner, move |_| open_lock_file(&path)).await?;
        let file = Arc::new(file);
        let deadline = tokio::time::Instant::now() + self.inner.lock_timeout;
        let mut pause = Duration::from_millis(1);
        loop {
            // `try_lock` never blocks; the wait is an async sleep, so no thread is parked on a
            // lock another process may hold for long.
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(io_err(&lock_path, "take the refresh lock", e));
                }
            }
            if tokio::time::Instant::now() + pause > deadline {
                return Err(io_err(
                    &lock_path,
                    "take the refresh lock",
                    std::io::Error::new(
                        ErrorKind::TimedOut,
                        format!(
                            "timed out after {:?} waiting for another holder",
                            self.inner.lock_timeout
                        ),
                    ),
                ));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(20));
        }
        Ok(RefreshLock::new(move || {
            Box::pin(async move {
                let res = file.unlock();
                drop(file);
                res.map_err(|e| io_err(&lock_path, "release the refresh lock", e))
            })
        }))
    }
}

/// 64-bit FNV-1a, stable across processes, platforms and Rust versions (unlike
/// `DefaultHasher`). Shared by every store for lock keys.
pub(crate) fn fnv1a64(seed: u64, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for part in parts {
        for b in part.as_bytes().iter().chain(std::iter::once(&0x1f_u8)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A 128-bit hex digest of `scope` and the refresh-lock key parts of `key`: (client id, user
/// name, api domain). Shared by every store.
pub(crate) fn lock_digest(scope: &str, key: &Token) -> String {
    let parts = [
        scope,
        key.client_id.as_deref().unwrap_or(""),
        key.user_name.as_deref().unwrap_or(""),
        key.api_domain.as_deref().unwrap_or(""),
    ];
    format!(
        "{:016x}{:016x}",
        fnv1a64(0, &parts),
        fnv1a64(0x9e37_79b9_7f4a_7c15, &parts)
    )
}

/// A random 128-bit hex string (lock owners), from the OS-seeded `RandomState`.
#[cfg_attr(not(any(feature = "sqlite", feature = "redis")), allow(dead_code))]
pub(crate) fn random_hex() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::with_capacity(32);
    for _ in 0..2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u32(std::process::id());
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

impl TokenStore for FileStore {
    fn find_token<'a>(&'a self, query: &'a Token) -> StoreFuture<'a, Option<Token>> {
        let query = query.clone();
        Box::pin(blocking(&self.inner, move |inner| {
            Ok(inner
                .load()?
                .into_iter()
                .filter(|t| t.matches(&query))
                .min_by(|a, b| {
                    id_order(a.id.as_deref().unwrap_or(""), b.id.as_deref().unwrap_or(""))
                }))
        }))
    }

    fn save_token<'a>(&'a self, token: &'a Token) -> StoreFuture<'a, String> {
        let token = token.clone();
        Box::pin(blocking(&self.inner, move |inner| inner.save(&token)))
    }

    fn delete_token<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        let id = id.to_owned();
        Box::pin(blocking(&self.inner, move |inner| {
            inner.modify(|rows| rows.retain(|t| t.id.as_deref() != Some(id.as_str())))
        }))
    }

    fn get_tokens(&self) -> StoreFuture<'_, Vec<Token>> {
        Box::pin(blocking(&self.inner, |inner| inner.load()))
    }

    fn delete_tokens(&self) -> StoreFuture<'_, ()> {
        Box::pin(blocking(&self.inner, |inner| {
            inner.modify(|rows| rows.clear())
        }))
    }

    fn find_token_by_id<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Token>> {
        let id = id.to_owned();
        Box::pin(blocking(&self.inner, move |inner| {
            Ok(inner
                .load()?
                .into_iter()
                .find(|t| t.id.as_deref() == Some(id.as_str())))
        }))
    }

    fn lock_refresh<'a>(&'a self, key: &'a Token) -> StoreFuture<'a, RefreshLock> {
        Box::pin(self.lock_impl(key))
    }
}

//! The in-process store.

use super::RefreshLock;
use super::{StoreFuture, TokenStore};
use crate::token::Token;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// (client id, user, api domain).
type LockKey = (Option<String>, Option<String>, Option<String>);

/// Keeps tokens in memory. Private to one process; the default store.
#[derive(Debug, Default)]
pub struct MemoryStore {
    rows: Mutex<Vec<Token>>,
    next_id: AtomicU64,
    /// Refresh locks per (client id, user, api domain), so the store behaves like the shared
    /// ones when several clients in one process use it.
    locks: Mutex<HashMap<LockKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn rows(&self) -> std::sync::MutexGuard<'_, Vec<Token>> {
        // A panic while holding this lock cannot leave a row half-written (rows are replaced
        // whole), so a poisoned lock is still consistent.
        self.rows.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl TokenStore for MemoryStore {
    fn find_token<'a>(&'a self, query: &'a Token) -> StoreFuture<'a, Option<Token>> {
        let found = self.rows().iter().find(|t| t.matches(query)).cloned();
        Box::pin(async move { Ok(found) })
    }

    fn save_token<'a>(&'a self, token: &'a Token) -> StoreFuture<'a, String> {
        let mut rows = self.rows();
        let id = match rows.iter_mut().find(|t| t.matches(token)) {
            Some(row) => {
                let id = row.id.clone().unwrap_or_default();
                // Like the SQL stores: a save that leaves out the client secret keeps the one
                // stored (it was persisted on purpose, for the official SDK).
                let client_secret = token.client_secret.clone().or(row.client_secret.take());
                *row = Token {
                    id: Some(id.clone()),
                    client_secret,
                    ..token.clone()
                };
                id
            }
            None => {
                let id = token.id.clone().unwrap_or_else(|| {
                    (self.next_id.fetch_add(1, Ordering::Relaxed) + 1).to_string()
                });
                rows.push(Token {
                    id: Some(id.clone()),
                    ..token.clone()
                });
                id
            }
        };
        Box::pin(async move { Ok(id) })
    }

    fn delete_token<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        self.rows().retain(|t| t.id.as_deref() != Some(id));
        Box::pin(async { Ok(()) })
    }

    fn get_tokens(&self) -> StoreFuture<'_, Vec<Token>> {
        let all = self.rows().clone();
        Box::pin(async move { Ok(all) })
    }

    fn delete_tokens(&self) -> StoreFuture<'_, ()> {
        self.rows().clear();
        Box::pin(async { Ok(()) })
    }

    fn lock_refresh<'a>(&'a self, key: &'a Token) -> StoreFuture<'a, RefreshLock> {
        let k = (
            key.client_id.clone(),
            key.user_name.clone(),
            key.api_domain.clone(),
        );
        let lock = self
            .locks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(k)
            .or_default()
            .clone();
        Box::pin(async move {
            let guard = lock.lock_owned().await;
            Ok(RefreshLock::new(move || {
                drop(guard);
                Box::pin(async { Ok(()) })
            }))
        })
    }

    fn find_token_by_id<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Token>> {
        let found = self
            .rows()
            .iter()
            .find(|t| t.id.as_deref() == Some(id))
            .cloned();
        Box::pin(async move { Ok(found) })
    }
}

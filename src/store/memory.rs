//! The in-process store.

use super::{StoreFuture, TokenStore};
use crate::token::Token;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Keeps tokens in memory. Private to one process; the default store.
#[derive(Debug, Default)]
pub struct MemoryStore {
    rows: Mutex<Vec<Token>>,
    next_id: AtomicU64,
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
                *row = Token {
                    id: Some(id.clone()),
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

    fn find_token_by_id<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Token>> {
        let found = self
            .rows()
            .iter()
            .find(|t| t.id.as_deref() == Some(id))
            .cloned();
        Box::pin(async move { Ok(found) })
    }
}

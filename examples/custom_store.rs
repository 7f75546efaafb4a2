//! A token store of your own: implement the six methods of `TokenStore` for your storage (a
//! secrets manager, another database ...). This one keeps tokens in a `BTreeMap` behind a
//! mutex and logs each call; swap the map for your backend.
//!
//! Run with `cargo run --example custom_store`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use zohocrm::store::{StoreFuture, TokenStore};
use zohocrm::{Client, Token};
use zohocrm_emulator::Emulator;

#[derive(Default)]
struct MapStore {
    rows: Mutex<BTreeMap<String, Token>>,
}

impl MapStore {
    fn rows(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Token>> {
        self.rows.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl TokenStore for MapStore {
    fn find_token<'a>(&'a self, query: &'a Token) -> StoreFuture<'a, Option<Token>> {
        let found = self.rows().values().find(|t| t.matches(query)).cloned();
        println!(
            "  store: find_token -> {}",
            if found.is_some() { "hit" } else { "miss" }
        );
        Box::pin(async move { Ok(found) })
    }

    fn save_token<'a>(&'a self, token: &'a Token) -> StoreFuture<'a, String> {
        let mut rows = self.rows();
        // Upsert with the same matching as find_token, so a user never has two rows.
        let id = rows
            .iter()
            .find(|(_, t)| t.matches(token))
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| (rows.len() + 1).to_string());
        let mut row = token.clone();
        row.id = Some(id.clone());
        rows.insert(id.clone(), row);
        println!("  store: save_token -> row {id}");
        Box::pin(async move { Ok(id) })
    }

    fn delete_token<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        self.rows().remove(id);
        Box::pin(async { Ok(()) })
    }

    fn get_tokens(&self) -> StoreFuture<'_, Vec<Token>> {
        let all = self.rows().values().cloned().collect();
        Box::pin(async move { Ok(all) })
    }

    fn delete_tokens(&self) -> StoreFuture<'_, ()> {
        self.rows().clear();
        Box::pin(async { Ok(()) })
    }

    fn find_token_by_id<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Token>> {
        let found = self.rows().get(id).cloned();
        Box::pin(async move { Ok(found) })
    }
}

/// Everything the example does; `main` runs it, and so does `tests/examples.rs`.
pub async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let emu = Emulator::start().await?;
    let client = Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(emu.api_base_url())
        .token_store(MapStore::default())
        .build()?;
    println!("exchanging a grant code");
    let token = client
        .generate_access_token(&emu.grant_code("ben@zylker.test"))
        .await?;
    let client = client.for_user(token.user_name.clone().unwrap_or_default());
    println!("calling the API");
    let me = client.get_current_user().send().await?;
    println!(
        "current user: {:?}",
        me.data.first().and_then(|u| u.email.clone())
    );
    let stored = client.token_store().get_tokens().await?;
    println!(
        "the store holds {} token row(s); Debug never shows secrets: {:?}",
        stored.len(),
        stored[0]
    );
    Ok(())
}

#[allow(dead_code)] // also compiled as a module of tests/examples.rs
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    run().await
}

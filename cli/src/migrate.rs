//! `zohocrm auth migrate --from STORE --to STORE`: copy every token, then prove it arrived.
//!
//! Each token is one upsert keyed by (client id, user, API domain), so an interrupted run
//! leaves whole tokens only and a rerun converges; the source is only read.

use crate::error::{CliError, CliResult};
use crate::store_url;
use zohocrm::Token;
use zohocrm::store::TokenStore;

pub async fn run(from: &str, to: &str) -> CliResult<()> {
    let src = store_url::connect(from).await?.clone();
    let dst = store_url::connect(to).await?;
    let tokens = src.get_tokens().await.map_err(|e| {
        CliError::from(zohocrm::Error::Store(e)).context("reading the source store")
    })?;
    let (mut copied, mut unchanged) = (0usize, 0usize);
    for token in &tokens {
        let key = key_of(token);
        let existing = find(dst.as_ref(), &key).await?;
        if existing.as_ref().is_some_and(|e| same(e, token)) {
            unchanged += 1;
            continue;
        }
        let mut copy = token.clone();
        // The destination numbers its own rows; keeping the source's id could collide.
        copy.id = None;
        dst.save_token(&copy).await.map_err(|e| {
            CliError::from(zohocrm::Error::Store(e)).context(format!(
                "saving the token of {} in the destination ({copied} of {} copied so far; rerun to finish)",
                token.user_name.as_deref().unwrap_or("?"),
                tokens.len()
            ))
        })?;
        copied += 1;
    }
    // Read every token back: success means the destination holds each one, field for field.
    for token in &tokens {
        let back = find(dst.as_ref(), &key_of(token)).await?;
        if !back.as_ref().is_some_and(|b| same(b, token)) {
            return Err(CliError::failure(format!(
                "the token of {} did not read back identical from the destination; nothing was \
                 deleted from the source",
                token.user_name.as_deref().unwrap_or("?")
            )));
        }
    }
    println!(
        "{} tokens: {copied} copied, {unchanged} already present; all {} verified in the destination",
        tokens.len(),
        tokens.len()
    );
    Ok(())
}

fn key_of(t: &Token) -> Token {
    let mut key = Token::default();
    key.client_id = t.client_id.clone();
    key.user_name = t.user_name.clone();
    key.api_domain = t.api_domain.clone();
    if key.user_name.is_none() {
        // A token saved before its user was known is found by its secrets instead.
        key.refresh_token = t.refresh_token.clone();
        key.grant_token = t.grant_token.clone();
        key.access_token = t.access_token.clone();
    }
    key
}

async fn find(store: &dyn TokenStore, key: &Token) -> CliResult<Option<Token>> {
    store.find_token(key).await.map_err(|e| {
        CliError::from(zohocrm::Error::Store(e)).context("reading the destination store")
    })
}

/// Equal in everything but the store's own id.
fn same(a: &Token, b: &Token) -> bool {
    let mut a = a.clone();
    a.id = b.id.clone();
    a == *b
}

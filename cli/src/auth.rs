//! `zohocrm auth exchange|show|refresh|revoke`.

use crate::args::{AuthCommand, Global};
use crate::config::{self, data_centre_of};
use crate::error::{CliError, CliResult, exit};
use crate::{migrate, store_url};
use std::sync::Arc;
use zohocrm::chrono::{DateTime, Utc};
use zohocrm::store::TokenStore;
use zohocrm::{Secret, Token};

pub async fn run(global: &Global, cmd: AuthCommand) -> CliResult<()> {
    match cmd {
        AuthCommand::Exchange { grant_code } => {
            let client = config::client(global).await?;
            let token = client
                .generate_access_token(grant_code.trim())
                .await
                .map_err(|e| CliError::from(e).context("exchanging the grant code"))?;
            let user = token.user_name.unwrap_or_default();
            eprintln!(
                "stored tokens for {user} (API domain {}, access token expires {})",
                token.api_domain.as_deref().unwrap_or("?"),
                expiry(token.expiry_time)
            );
            println!("{user}");
            Ok(())
        }
        AuthCommand::Show { json } => show(global, json).await,
        AuthCommand::Refresh => {
            let (client, user) = config::user_client(global).await?;
            let stored = config::stored_token(&client, &user, &config::store_label(global)).await?;
            let refresh = stored.refresh_token.ok_or_else(|| {
                CliError::new(
                    exit::AUTH,
                    format!("the stored token of {user} has no refresh token; run `zohocrm auth exchange` again"),
                )
            })?;
            let token = client
                .generate_access_token_from_refresh_token(refresh.expose(), &user)
                .await
                .map_err(|e| CliError::from(e).context(format!("refreshing {user}'s token")))?;
            println!(
                "refreshed {user}: access token {} expires {}",
                mask(token.access_token.as_ref()),
                expiry(token.expiry_time)
            );
            Ok(())
        }
        AuthCommand::Revoke => {
            let (client, user) = config::user_client(global).await?;
            client
                .revoke_token()
                .await
                .map_err(|e| CliError::from(e).context(format!("revoking {user}'s token")))?;
            println!("revoked {user}'s refresh token and deleted it from the store");
            Ok(())
        }
        AuthCommand::Migrate { from, to } => migrate::run(&from, &to).await,
    }
}

async fn show(global: &Global, json: bool) -> CliResult<()> {
    let store: Arc<dyn TokenStore> = match &global.store {
        Some(url) => store_url::connect(url).await?,
        None => {
            // Listing tokens needs only the store; placeholders let a config without client
            // credentials still name it. Nothing is sent anywhere.
            let mut s = config::settings(global)?;
            s.client_id.get_or_insert_with(|| "unused".into());
            s.client_secret.get_or_insert_with(|| Secret::new("unused"));
            s.into_builder().await?.build()?.token_store().clone()
        }
    };
    let mut tokens = store.get_tokens().await.map_err(zohocrm::Error::Store)?;
    tokens.sort_by(|a, b| (&a.user_name, &a.api_domain).cmp(&(&b.user_name, &b.api_domain)));
    if json {
        for t in &tokens {
            println!(
                "{}",
                serde_json::Value::Object(row(t).into_iter().collect())
            );
        }
        return Ok(());
    }
    if tokens.is_empty() {
        eprintln!("no stored tokens");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = tokens
        .iter()
        .map(|t| {
            row(t)
                .into_iter()
                .map(|(_, v)| v.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .collect();
    crate::table::print(
        &[
            "USER",
            "CLIENT ID",
            "DC",
            "API DOMAIN",
            "EXPIRES",
            "ACCESS",
            "REFRESH",
        ],
        &rows,
    );
    Ok(())
}

fn row(t: &Token) -> Vec<(String, serde_json::Value)> {
    let domain = t.api_domain.clone().unwrap_or_default();
    let dc = data_centre_of(&domain).unwrap_or("-");
    [
        ("user", t.user_name.clone().unwrap_or_default()),
        ("client_id", t.client_id.clone().unwrap_or_default()),
        ("data_centre", dc.to_owned()),
        ("api_domain", domain),
        ("expires", expiry(t.expiry_time)),
        ("access_token", mask(t.access_token.as_ref())),
        ("refresh_token", mask(t.refresh_token.as_ref())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v)))
    .collect()
}

/// `…` and the last 4 characters, enough to tell tokens apart; short secrets show nothing.
pub fn mask(secret: Option<&Secret>) -> String {
    match secret.map(Secret::expose) {
        None | Some("") => "-".into(),
        Some(s) if s.chars().count() < 16 => "****".into(),
        Some(s) => {
            let tail: String = s
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("****{tail}")
        }
    }
}

/// An expiry time in milliseconds since the epoch, as UTC time plus how far away it is.
pub fn expiry(ms: Option<i64>) -> String {
    let Some(at) = ms.and_then(DateTime::from_timestamp_millis) else {
        return "-".into();
    };
    let ms = at.timestamp_millis();
    let now = Utc::now().timestamp_millis();
    let mins = (ms - now) / 60_000;
    let when = if ms <= now {
        format!("expired {} min ago", -mins)
    } else {
        format!("valid {mins} min")
    };
    format!("{} ({when})", at.format("%Y-%m-%d %H:%M:%S UTC"))
}

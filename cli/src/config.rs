//! Settings from the file, the environment and the flags, in that order, and the client they make.

use crate::args::Global;
use crate::error::exit;
use crate::error::{CliError, CliResult};
use crate::store_url;
use zohocrm::settings::Settings;
use zohocrm::store::TokenStore;
use zohocrm::{Client, DataCenter, Token};

/// The layered settings: file < ZOHO_* environment < flags (a `--store` replaces the file's and
/// environment's token store as a whole, since mixing two stores' keys makes no sense).
pub fn settings(global: &Global) -> CliResult<Settings> {
    let file = match &global.config {
        Some(path) => Settings::from_toml_file(path)?,
        None => Settings::default(),
    };
    let mut s = file.merge(Settings::from_env()?);
    if let Some(user) = &global.user {
        s.current_user_email = Some(user.clone());
    }
    if let Some(dc) = &global.data_center {
        s.data_center = Some(DataCenter::parse(dc).ok_or_else(|| {
            CliError::usage(format!(
                "--data-center: `{dc}` is not a data centre; accepted values: us, eu, in, cn, au, jp, ca, sa"
            ))
        })?);
    }
    if let Some(u) = &global.accounts_url {
        s.accounts_url = Some(u.clone());
    }
    if let Some(u) = &global.api_base_url {
        s.api_base_url = Some(u.clone());
    }
    if global.store.is_some() {
        s.token_store = None;
        s.token_persistence_path = None;
    }
    Ok(s)
}

/// Names the token store the settings and flags select (never its URL), for messages.
pub fn store_label(global: &Global) -> String {
    match &global.store {
        Some(url) => store_url::label(url),
        None => settings(global)
            .ok()
            .and_then(|s| s.token_store_label().ok())
            .unwrap_or_else(|| "the configured token store".to_owned()),
    }
}

/// A client for the configured user (who may be unset: commands that need one say so).
pub async fn client(global: &Global) -> CliResult<Client> {
    let s = settings(global)?;
    let mut builder = s.into_builder().await?;
    if let Some(url) = &global.store {
        builder = builder.token_store_arc(store_url::connect(url).await?);
    }
    Ok(builder.build()?)
}

/// A client that must act for one user: names the missing key when there is none.
pub async fn user_client(global: &Global) -> CliResult<(Client, String)> {
    let client = client(global).await?;
    match client.user().map(str::to_owned) {
        Some(user) => {
            // Checked before any call, so a wrong data centre is named rather than met as
            // a bare "token not found" halfway through.
            stored_token(&client, &user, &store_label(global)).await?;
            Ok((client, user))
        }
        None => Err(CliError::usage(
            "no user: pass --user EMAIL, or set current_user_email in the config file or \
             ZOHO_CURRENT_USER_EMAIL (`zohocrm auth show` lists the users with tokens)",
        )),
    }
}

/// The data centre an API domain belongs to (`https://www.zohoapis.eu` → `eu`), if it is Zoho's.
pub fn data_centre_of(api_domain: &str) -> Option<&'static str> {
    let host = api_domain
        .trim_end_matches('/')
        .rsplit("://")
        .next()
        .unwrap_or(api_domain);
    let suffix = host.rsplit_once("zohoapis.")?.1;
    Some(match suffix {
        "com" => "us",
        "eu" => "eu",
        "in" => "in",
        "com.cn" => "cn",
        "com.au" => "au",
        "jp" => "jp",
        "ca" => "ca",
        "sa" => "sa",
        _ => return None,
    })
}

/// The stored token of `user` for the client's API domain, or an error that names the store
/// (`label`, from [`store_label`]) and says where tokens for that user do exist (the usual
/// cause: a wrong data centre).
pub async fn stored_token(client: &zohocrm::Client, user: &str, label: &str) -> CliResult<Token> {
    let store = client.token_store();
    let domain = client.api_base_url().to_owned();
    let key = Token::for_user(client.client_id(), user, domain.clone());
    if let Some(t) = store
        .find_token(&key)
        .await
        .map_err(zohocrm::Error::Store)?
    {
        return Ok(t);
    }
    Err(not_found(store.as_ref(), user, &domain, label).await)
}

/// A TokenNotFound error naming the API domains the user does have tokens for.
async fn not_found(store: &dyn TokenStore, user: &str, domain: &str, label: &str) -> CliError {
    let others: Vec<String> = store
        .get_tokens()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t.user_name.as_deref() == Some(user))
        .filter_map(|t| t.api_domain)
        .filter(|d| d != domain)
        .collect();
    let mut err = CliError::new(
        exit::AUTH,
        format!("no stored token for {user} at {domain} in the {label}"),
    );
    if others.is_empty() {
        err = err.hint("run `zohocrm auth exchange GRANT_CODE` for this user first");
    } else {
        let described: Vec<String> = others
            .iter()
            .map(|d| match data_centre_of(d) {
                Some(dc) => format!("{d} (data centre {dc})"),
                None => d.clone(),
            })
            .collect();
        err = err.hint(format!(
            "the store has {user}'s token for {}: check data_center / api_base_url (wrong data centre?)",
            described.join(", ")
        ));
    }
    err
}

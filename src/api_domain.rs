//! Where API calls go: the `api_domain` a token response names, checked before any access token
//! is sent there, unless the user pinned `api_base_url`.
//!
//! Zoho's token response names `api_domain`, the API host of the data centre that issued the
//! token, and calls must go there (zoho-api-v2.md §1 "Multi-DC handshake" and §2 success body
//! keys; <https://www.zoho.com/crm/developer/docs/api/multi-dc.html>). The official SDK
//! (zohocrmsdk8-0, `update_api_domain`, zoho-python-sdk.md §8.3) switches to the data centre
//! of that domain in the same way.

use crate::client::Client;
use crate::config::Environment;
use crate::error::{Error, OAuthError, Result};
use crate::token::Token;

/// The data-centre suffix (`eu`, `com.au` ...) of an https Zoho API host on the default port.
fn zoho_dc(url: &reqwest::Url) -> Option<&str> {
    if url.scheme() != "https" || url.port().is_some() {
        return None;
    }
    let host = url.host_str()?;
    let (label, rest) = host.split_once('.')?;
    let tld = rest.strip_prefix("zohoapis.")?;
    let label_ok = !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    // The API hosts' domains are the `zohoapis.*` entries of the one list of Zoho domains.
    let known = crate::request::ZOHO_DOMAINS
        .iter()
        .any(|d| d.strip_prefix("zohoapis.") == Some(tld));
    (label_ok && known).then_some(tld)
}

fn same_host(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str()
}

fn refused(accounts_url: &str, why: String) -> Error {
    Error::OAuth(OAuthError {
        error: "invalid_api_domain".into(),
        description: Some(why),
        accounts_url: accounts_url.to_owned(),
    })
}

/// Checks an `api_domain` from a token response (or a stored token) and returns its origin
/// (`https://www.zohoapis.eu`). Accepted: an https Zoho API host (`https://<name>.zohoapis.<dc>`)
/// or a host of the accounts server in use (same scheme and host, any port: an emulator or test
/// server naming its API listener). Anything else is refused, because calls would carry the
/// access token there.
pub(crate) fn check(domain: &str, accounts_url: &str) -> Result<String> {
    let shown: String = domain.chars().take(120).collect();
    let url = reqwest::Url::parse(domain.trim()).map_err(|e| {
        refused(
            accounts_url,
            format!("the token response's api_domain `{shown}` is not a URL ({e})"),
        )
    })?;
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
        || !matches!(url.path(), "" | "/")
    {
        return Err(refused(
            accounts_url,
            format!(
                "the token response's api_domain `{shown}` is not a bare origin (scheme://host)"
            ),
        ));
    }
    let issuer = reqwest::Url::parse(accounts_url).ok();
    let trusted = zoho_dc(&url).is_some() || issuer.is_some_and(|a| same_host(&a, &url));
    if !trusted {
        return Err(refused(
            accounts_url,
            format!(
                "the token response's api_domain `{shown}` is neither an https Zoho API host (https://www.zohoapis.<dc>) nor on the accounts server's host"
            ),
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// `https://www.zohoapis.eu` → `https://sandbox.zohoapis.eu` for a sandbox client: the token
/// names the data centre, the configuration the environment.
fn with_environment(origin: String, env: Environment) -> String {
    if env == Environment::Production {
        return origin;
    }
    let sub = env.api_subdomain();
    match reqwest::Url::parse(&origin) {
        Ok(u) if zoho_dc(&u).is_some() && origin.starts_with("https://www.") => {
            origin.replacen("https://www.", &format!("https://{sub}."), 1)
        }
        _ => origin,
    }
}

impl Client {
    /// A token response's `api_domain`, checked before anything is saved or sent. Calls follow
    /// it only without a pinned `api_base_url`, so only then is a foreign host an error; with a
    /// pin it is never used, and one that fails the check is dropped with a warning.
    pub(crate) fn checked_api_domain(&self, domain: &str) -> Result<Option<String>> {
        match check(domain, &self.inner.accounts_url) {
            Ok(origin) => Ok(Some(origin)),
            Err(e) if self.inner.api_base_pinned => {
                tracing::warn!(error = %e, "ignoring the token's api_domain; calls go to the pinned api_base_url");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// The API base URL calls with `token` go to.
    ///
    /// - Pinned `api_base_url`: that URL. If the token was issued by another Zoho data centre
    ///   than the pinned Zoho host, this is a [`Error::Config`] naming `api_base_url` and no
    ///   request is sent (every call would fail with INVALID_TOKEN and spend a refresh); any
    ///   other difference (a proxy, an emulator, a sandbox host of the same data centre) is
    ///   logged once as a warning, since a pinned URL may front Zoho on purpose.
    /// - Otherwise: the token's recorded `api_domain` (the environment's host of that data
    ///   centre), or the configured default when the token has none.
    pub(crate) fn api_base_for(&self, token: &Token) -> Result<String> {
        let inner = &self.inner;
        let issued = match token.issued_api_domain.as_deref() {
            // Checked again: a store is not a trusted source of hosts to send tokens to.
            Some(d) => self.checked_api_domain(d)?,
            None => None,
        };
        let Some(issued) = issued else {
            return Ok(inner.api_base.clone());
        };
        if !inner.api_base_pinned {
            return Ok(with_environment(issued, inner.environment));
        }
        let (Ok(pinned), Ok(from_token)) = (
            reqwest::Url::parse(&inner.api_base),
            reqwest::Url::parse(&issued),
        ) else {
            return Ok(inner.api_base.clone());
        };
        if same_host(&pinned, &from_token) && pinned.port() == from_token.port() {
            return Ok(inner.api_base.clone());
        }
        if let (Some(a), Some(b)) = (zoho_dc(&pinned), zoho_dc(&from_token))
            && a != b
        {
            return Err(Error::config(
                "api_base_url",
                format!(
                    "`{}` is another Zoho data centre than the one that issued the token ({issued}); access tokens only work in their own data centre, so every call would fail. Remove api_base_url so calls follow the token, or set it to {issued}",
                    inner.api_base
                ),
            ));
        }
        let first = inner
            .warned_domains
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(issued.clone());
        if first {
            tracing::warn!(
                token_api_domain = %issued,
                api_base_url = %inner.api_base,
                "the token names another API domain than the pinned api_base_url; calls go to api_base_url"
            );
        }
        Ok(inner.api_base.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNTS: &str = "https://accounts.zoho.eu";

    #[test]
    fn zoho_hosts_and_the_issuer_host_are_accepted() {
        for (given, origin) in [
            ("https://www.zohoapis.eu", "https://www.zohoapis.eu"),
            (
                "https://www.zohoapis.com.au/",
                "https://www.zohoapis.com.au",
            ),
            (
                "https://sandbox.zohoapis.com",
                "https://sandbox.zohoapis.com",
            ),
            ("HTTPS://WWW.ZOHOAPIS.IN", "https://www.zohoapis.in"),
        ] {
            assert_eq!(check(given, ACCOUNTS).unwrap(), origin, "{given}");
        }
        assert_eq!(
            check("http://127.0.0.1:9001", "http://127.0.0.1:9000").unwrap(),
            "http://127.0.0.1:9001"
        );
    }

    #[test]
    fn other_hosts_are_refused() {
        for bad in [
            "http://www.zohoapis.com",
            "https://www.zohoapis.com:8443",
            "https://www.zohoapis.com.evil.net",
            "https://zohoapis.com",
            "https://a.b.zohoapis.com",
            "https://evil.example.com",
            "https://www.zohoapis.com/crm/v2",
            "https://user:pw@www.zohoapis.com",
            "https://www.zohoapis.com?x=1",
            "http://127.0.0.1:9001",
            "not a url",
            "",
        ] {
            let e = check(bad, ACCOUNTS).unwrap_err().to_string();
            assert!(
                e.contains("invalid_api_domain") && e.contains("api_domain"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn the_environment_picks_the_host_of_the_tokens_data_centre() {
        let eu = "https://www.zohoapis.eu".to_owned();
        assert_eq!(with_environment(eu.clone(), Environment::Production), eu);
        assert_eq!(
            with_environment(eu.clone(), Environment::Sandbox),
            "https://sandbox.zohoapis.eu"
        );
        assert_eq!(
            with_environment("http://127.0.0.1:9".into(), Environment::Sandbox),
            "http://127.0.0.1:9"
        );
    }
}

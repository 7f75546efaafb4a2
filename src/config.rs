//! Data centres, environments and URL normalisation.

use crate::error::{Error, Result};

/// A Zoho data centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DataCenter {
    /// United States (zoho.com).
    #[default]
    US,
    /// Europe (zoho.eu).
    EU,
    /// India (zoho.in).
    IN,
    /// China (zoho.com.cn).
    CN,
    /// Australia (zoho.com.au).
    AU,
    /// Japan (zoho.jp).
    JP,
    /// Canada (zohocloud.ca).
    CA,
    /// Saudi Arabia (zoho.sa).
    SA,
}

/// A CRM environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Environment {
    /// The live org.
    #[default]
    Production,
    /// A sandbox copy.
    Sandbox,
    /// A developer edition.
    Developer,
}

impl DataCenter {
    /// Parses `us`, `EU`, `com.au` ... (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "us" | "com" => DataCenter::US,
            "eu" => DataCenter::EU,
            "in" => DataCenter::IN,
            "cn" | "com.cn" => DataCenter::CN,
            "au" | "com.au" => DataCenter::AU,
            "jp" => DataCenter::JP,
            "ca" => DataCenter::CA,
            "sa" => DataCenter::SA,
            _ => return None,
        })
    }

    fn api_tld(self) -> &'static str {
        match self {
            DataCenter::US => "com",
            DataCenter::EU => "eu",
            DataCenter::IN => "in",
            DataCenter::CN => "com.cn",
            DataCenter::AU => "com.au",
            DataCenter::JP => "jp",
            DataCenter::CA => "ca",
            DataCenter::SA => "sa",
        }
    }

    /// The accounts (OAuth) server.
    pub fn accounts_url(self) -> &'static str {
        match self {
            DataCenter::US => "https://accounts.zoho.com",
            DataCenter::EU => "https://accounts.zoho.eu",
            DataCenter::IN => "https://accounts.zoho.in",
            DataCenter::CN => "https://accounts.zoho.com.cn",
            DataCenter::AU => "https://accounts.zoho.com.au",
            DataCenter::JP => "https://accounts.zoho.jp",
            // Zoho's multi-DC page gives zohocloud.ca for Canada's accounts server.
            DataCenter::CA => "https://accounts.zohocloud.ca",
            DataCenter::SA => "https://accounts.zoho.sa",
        }
    }

    /// The API host for an environment (`https://sandbox.zohoapis.eu`).
    pub fn api_url(self, env: Environment) -> String {
        format!(
            "https://{}.zohoapis.{}",
            env.api_subdomain(),
            self.api_tld()
        )
    }
}

impl Environment {
    /// The first label of the environment's API host: `www`, `sandbox` or `developer`.
    pub(crate) fn api_subdomain(self) -> &'static str {
        match self {
            Environment::Production => "www",
            Environment::Sandbox => "sandbox",
            Environment::Developer => "developer",
        }
    }

    /// Parses `production`/`prd`, `sandbox`/`sdb`, `developer`/`dev`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" | "prd" => Environment::Production,
            "sandbox" | "sdb" => Environment::Sandbox,
            "developer" | "dev" => Environment::Developer,
            _ => return None,
        })
    }
}

/// `https://www.zohoapis.com/` → `https://www.zohoapis.com`; adds `https://` when no scheme is
/// given (the official SDK's config takes bare hosts). A trailing slash never yields `//`.
pub fn normalize_base_url(key: &'static str, url: &str) -> Result<String> {
    let raw = url.trim();
    if raw.trim_end_matches('/').is_empty() {
        return Err(Error::config(
            key,
            "is empty; give a URL such as https://www.zohoapis.com",
        ));
    }
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None if raw.contains(':') && !raw.contains('.') => {
            return Err(Error::config(
                key,
                format!("`{raw}` is not a URL; give one such as https://www.zohoapis.com"),
            ));
        }
        None => ("https".to_owned(), raw),
    };
    if scheme != "http" && scheme != "https" {
        return Err(Error::config(
            key,
            format!("`{raw}` must use http or https"),
        ));
    }
    let rest = rest.trim_end_matches('/');
    let with_scheme = format!("{scheme}://{rest}");
    let parsed = reqwest::Url::parse(&with_scheme)
        .map_err(|e| Error::config(key, format!("`{raw}` is not a valid URL: {e}")))?;
    // The URL parser accepts hosts such as `ht!tp`; a DNS name has letters, digits and hyphens.
    let host_ok = parsed.host_str().is_some_and(|h| {
        h.starts_with('[') // IPv6, already checked by the parser
            || h.split('.').all(|label| {
                !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
    });
    if !host_ok {
        return Err(Error::config(
            key,
            format!("`{raw}` has no valid host name; give a URL such as https://www.zohoapis.com"),
        ));
    }
    if key == "api_base_url" {
        return strip_api_path(key, raw, with_scheme, parsed.path());
    }
    Ok(with_scheme)
}

/// Calls go to `{api_base_url}/crm/v2/...`, so a base that already ends in `/crm/v2` (a common
/// configuration value: Zoho's docs write URLs as `https://www.zohoapis.com/crm/v2/Leads`) is
/// cut back to the domain, never doubled into `/crm/v2/crm/v2`. Any other `/crm/...` path
/// (another version, a resource) is a configuration mistake and named as one.
fn strip_api_path(key: &'static str, raw: &str, url: String, path: &str) -> Result<String> {
    let path = path.trim_end_matches('/');
    let lower = path.to_ascii_lowercase();
    if lower.ends_with("/crm/v2") {
        let keep = url.len() - "/crm/v2".len();
        return Ok(url
            .get(..keep)
            .unwrap_or(&url)
            .trim_end_matches('/')
            .to_owned());
    }
    if lower.ends_with("/crm") || lower.contains("/crm/") {
        return Err(Error::config(
            key,
            format!(
                "`{raw}` includes the API path `{path}`; give the API domain only, such as https://www.zohoapis.com (the SDK adds /crm/v2)"
            ),
        ));
    }
    Ok(url)
}

/// The ranges numeric settings must fall in, shared by [`crate::ClientBuilder::build`] and
/// [`crate::Settings::validate`]: (key, smallest, largest, why).
pub(crate) const RANGES: &[(&str, u64, u64, &str)] = &[
    (
        "refresh_margin_secs",
        0,
        3_599,
        "an access token lives 3600 s, so a margin that long would refresh before every call",
    ),
    (
        "timeout_secs",
        1,
        86_400,
        "a zero timeout fails every request",
    ),
    (
        "connect_timeout_secs",
        1,
        86_400,
        "a zero timeout fails every request",
    ),
    (
        "read_timeout_secs",
        1,
        86_400,
        "a zero timeout fails every request",
    ),
    (
        "max_retries",
        0,
        10,
        "more retries only add load to a failing server",
    ),
    (
        "max_concurrent_requests",
        1,
        1_000,
        "zero would block every call; Zoho's per-user caps are 5 to 25",
    ),
    (
        "max_body_bytes",
        1_024,
        1 << 40,
        "a smaller cap refuses even an error body",
    ),
    (
        "token_store.mysql_port",
        1,
        65_535,
        "port 0 cannot be connected to",
    ),
];

/// `Err` naming `key` when `value` is outside its range in [`RANGES`].
pub(crate) fn check_range(key: &'static str, value: u64) -> Result<()> {
    let Some((_, min, max, why)) = RANGES.iter().find(|(k, ..)| *k == key) else {
        return Ok(());
    };
    if (*min..=*max).contains(&value) {
        return Ok(());
    }
    Err(Error::config(
        key,
        format!("{value} is out of range: it must be from {min} to {max} ({why})"),
    ))
}

/// `V2`, `v2`, `/v2/` → `v2`. Only v2 is supported.
pub fn normalize_api_version(v: &str) -> Result<String> {
    let v = v.trim().trim_matches('/').to_ascii_lowercase();
    if v == "v2" {
        Ok(v)
    } else {
        Err(Error::config(
            "api_version",
            format!("`{v}` is not supported; this SDK speaks the Zoho CRM API v2 (`v2`)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_per_dc_and_env() {
        assert_eq!(
            DataCenter::EU.api_url(Environment::Sandbox),
            "https://sandbox.zohoapis.eu"
        );
        assert_eq!(
            DataCenter::AU.api_url(Environment::Production),
            "https://www.zohoapis.com.au"
        );
        assert_eq!(
            DataCenter::CA.accounts_url(),
            "https://accounts.zohocloud.ca"
        );
        assert_eq!(DataCenter::parse("com.cn"), Some(DataCenter::CN));
    }

    #[test]
    fn api_base_url_ending_in_crm_v2_is_cut_back() {
        for given in [
            "https://www.zohoapis.com/crm/v2",
            "https://www.zohoapis.com/crm/v2/",
            "www.zohoapis.com/CRM/V2",
        ] {
            assert_eq!(
                normalize_base_url("api_base_url", given).unwrap(),
                "https://www.zohoapis.com",
                "{given}"
            );
        }
        // A proxy prefix before /crm/v2 stays.
        assert_eq!(
            normalize_base_url("api_base_url", "http://127.0.0.1:9/zoho/crm/v2").unwrap(),
            "http://127.0.0.1:9/zoho"
        );
        for bad in [
            "https://www.zohoapis.com/crm/v3",
            "https://www.zohoapis.com/crm/v2/Leads",
            "https://www.zohoapis.com/crm",
        ] {
            let e = normalize_base_url("api_base_url", bad)
                .unwrap_err()
                .to_string();
            assert!(e.contains("api_base_url") && e.contains("/crm"), "{e}");
        }
        // Only the API base is about the CRM path.
        assert!(normalize_base_url("accounts_url", "https://accounts.zoho.com/crm").is_ok());
    }

    #[test]
    fn urls_normalise() {
        assert_eq!(
            normalize_base_url("api_base_url", "https://www.zohoapis.com/").unwrap(),
            "https://www.zohoapis.com"
        );
        assert_eq!(
            normalize_base_url("api_base_url", "www.zohoapis.eu//").unwrap(),
            "https://www.zohoapis.eu"
        );
        assert!(normalize_base_url("api_base_url", " ").is_err());
        assert_eq!(
            normalize_base_url("accounts_url", "http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "ht!tp://",
            "ht!tp://x.com",
            "ftp://x.com",
            "https://",
            "https://a..b",
            "https://ex ample.com",
            "localhost:",
        ] {
            let e = normalize_base_url("api_base_url", bad)
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("api_base_url") && e.contains(bad.trim_end_matches('/')),
                "{bad}: {e}"
            );
        }
        assert_eq!(normalize_api_version("V2").unwrap(), "v2");
        assert_eq!(normalize_api_version("/v2/").unwrap(), "v2");
        let e = normalize_api_version("v9").unwrap_err().to_string();
        assert!(e.contains("api_version"), "{e}");
    }
}

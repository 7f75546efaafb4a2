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
        let sub = match env {
            Environment::Production => "www",
            Environment::Sandbox => "sandbox",
            Environment::Developer => "developer",
        };
        format!("https://{sub}.zohoapis.{}", self.api_tld())
    }
}

impl Environment {
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
    let trimmed = url.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(Error::config(
            key,
            "is empty; give a URL such as https://www.zohoapis.com",
        ));
    }
    let with_scheme = if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
        trimmed.to_owned()
    } else if trimmed.contains("://") {
        return Err(Error::config(
            key,
            format!("`{trimmed}` must use http or https"),
        ));
    } else {
        format!("https://{trimmed}")
    };
    reqwest::Url::parse(&with_scheme)
        .map_err(|e| Error::config(key, format!("`{trimmed}` is not a valid URL: {e}")))?;
    Ok(with_scheme)
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
        assert_eq!(normalize_api_version("V2").unwrap(), "v2");
        assert_eq!(normalize_api_version("/v2/").unwrap(), "v2");
        let e = normalize_api_version("v9").unwrap_err().to_string();
        assert!(e.contains("api_version"), "{e}");
    }
}

//! Zoho Accounts: grant codes, refresh and access tokens, with Zoho's limits. Every token-endpoint
//! error is HTTP 200 with `{"error": ...}`, as Zoho answers.

use serde_json::{json, Value};
use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// The scopes `Emulator::grant_code` grants.
pub const DEFAULT_SCOPES: &[&str] = &[
    "ZohoCRM.modules.ALL",
    "ZohoCRM.settings.ALL",
    "ZohoCRM.users.ALL",
    "ZohoCRM.org.ALL",
    "ZohoCRM.mass_update.ALL",
    "ZohoCRM.share.ALL",
    "ZohoCRM.notifications.ALL",
    "ZohoFiles.files.ALL",
    "ZohoCRM.coql.READ",
    "ZohoCRM.bulk.ALL",
    "aaaserver.profile.READ",
];

/// Limits and lifetimes.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Access token lifetime.
    pub access_token_ttl: Duration,
    /// Grant code lifetime.
    pub grant_code_ttl: Duration,
    /// Refreshes allowed per refresh token per window.
    pub refresh_limit_per_window: u32,
    /// The refresh window.
    pub refresh_window: Duration,
    /// Live access tokens per refresh token.
    pub max_live_access_tokens: usize,
}

/// Active refresh tokens per user per client; the next one deletes the oldest, with its access
/// tokens. Source: zoho-api-v2.md (OAuth limits: "At most 20 active per user per client; the
/// 21st deletes the first, along with the access tokens made from it").
pub const MAX_REFRESH_TOKENS_PER_USER: usize = 20;

#[derive(Debug)]
struct Client {
    secret: String,
    redirect_uri: String,
}

#[derive(Debug)]
struct Grant {
    client_id: String,
    email: String,
    scopes: Vec<String>,
    expires: Instant,
    used: bool,
}

#[derive(Debug)]
struct RefreshToken {
    /// Order of creation, for "the 21st deletes the first".
    created: u64,
    client_id: String,
    email: String,
    scopes: Vec<String>,
    revoked: bool,
    refreshes: VecDeque<Instant>,
    live: VecDeque<String>,
}

#[derive(Debug)]
struct AccessToken {
    refresh: String,
    email: String,
    scopes: Vec<String>,
    expires: Instant,
    invalid: bool,
}

/// What a valid access token stands for.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    /// The user's email.
    pub email: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
}

/// The accounts server's state.
#[derive(Debug)]
pub struct Accounts {
    limits: Limits,
    clients: HashMap<String, Client>,
    grants: HashMap<String, Grant>,
    refresh: HashMap<String, RefreshToken>,
    access: HashMap<String, AccessToken>,
    refresh_count: u64,
    counter: u64,
    hasher: RandomState,
}

type Params = HashMap<String, String>;

fn err(code: &str) -> Value {
    json!({"error": code})
}

impl Accounts {
    /// Empty state with these limits.
    pub fn new(limits: Limits) -> Self {
        Accounts {
            limits,
            clients: HashMap::new(),
            grants: HashMap::new(),
            refresh: HashMap::new(),
            access: HashMap::new(),
            refresh_count: 0,
            counter: 0,
            hasher: RandomState::new(),
        }
    }

    /// Registers (or replaces) an OAuth client.
    pub fn register_client(&mut self, id: &str, secret: &str, redirect_uri: &str) {
        self.clients.insert(
            id.to_owned(),
            Client {
                secret: secret.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
            },
        );
    }

    // RandomState is seeded per process, so hashing a counter gives unguessable-enough tokens
    // without a rand dependency.
    fn random_hex(&mut self) -> String {
        let mut out = String::new();
        for _ in 0..2 {
            self.counter += 1;
            let mut h = self.hasher.build_hasher();
            h.write_u64(self.counter);
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

    fn token(&mut self) -> String {
        let a = self.random_hex();
        let b = self.random_hex();
        format!("1000.{a}.{b}")
    }

    /// Issues a single-use grant code for `client_id`.
    pub fn issue_grant(&mut self, client_id: &str, email: &str, scopes: &[&str]) -> String {
        self.prune();
        let code = self.token();
        self.grants.insert(
            code.clone(),
            Grant {
                client_id: client_id.to_owned(),
                email: email.to_owned(),
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                expires: Instant::now() + self.limits.grant_code_ttl,
                used: false,
            },
        );
        code
    }

    /// Forgets what Zoho no longer honours: expired or used grant codes, expired or displaced
    /// access tokens, revoked refresh tokens. Every answer stays the same (an unknown code or
    /// token is refused exactly like an expired one), but the state no longer grows with every
    /// exchange. Source: zoho-api-v2.md (grant tokens are one-time and live 2 minutes, access
    /// tokens live 1 hour).
    pub fn prune(&mut self) {
        let now = Instant::now();
        self.grants.retain(|_, g| !g.used && g.expires > now);
        self.access.retain(|_, a| !a.invalid && a.expires > now);
        self.refresh.retain(|_, r| !r.revoked);
        let access = &self.access;
        for rt in self.refresh.values_mut() {
            rt.live.retain(|t| access.contains_key(t));
        }
    }

    /// How many grant codes, refresh tokens and access tokens are held.
    pub fn state_sizes(&self) -> (usize, usize, usize) {
        (self.grants.len(), self.refresh.len(), self.access.len())
    }

    /// Makes room for one more refresh token of `email` at `client_id`.
    fn evict_oldest_refresh(&mut self, client_id: &str, email: &str) {
        let mut mine: Vec<(u64, String)> = self
            .refresh
            .iter()
            .filter(|(_, r)| !r.revoked && r.client_id == client_id && r.email == email)
            .map(|(t, r)| (r.created, t.clone()))
            .collect();
        if mine.len() < MAX_REFRESH_TOKENS_PER_USER {
            return;
        }
        mine.sort();
        let excess = mine.len() + 1 - MAX_REFRESH_TOKENS_PER_USER;
        for (_, token) in mine.into_iter().take(excess) {
            self.refresh.remove(&token);
            self.access.retain(|_, a| a.refresh != token);
        }
    }

    /// `POST /oauth/v2/token`. `api_domain` is what the token response advertises.
    pub fn token_endpoint(&mut self, p: &Params, api_domain: &str) -> Value {
        self.prune();
        let client_id = p.get("client_id").map(String::as_str).unwrap_or("");
        let secret = p.get("client_secret").map(String::as_str).unwrap_or("");
        let Some(client) = self.clients.get(client_id) else {
            return err("invalid_client");
        };
        if client.secret != secret {
            return err("invalid_client");
        }
        let client_redirect = client.redirect_uri.clone();
        match p.get("grant_type").map(String::as_str) {
            Some("authorization_code") => {
                self.exchange_code(p, client_id, &client_redirect, api_domain)
            }
            Some("refresh_token") => self.refresh(p, client_id, api_domain),
            _ => err("unsupported_grant_type"),
        }
    }

    fn exchange_code(
        &mut self,
        p: &Params,
        client_id: &str,
        redirect: &str,
        api_domain: &str,
    ) -> Value {
        let code = p.get("code").map(String::as_str).unwrap_or("");
        let now = Instant::now();
        let Some(grant) = self.grants.get_mut(code) else {
            return err("invalid_code");
        };
        if grant.used || grant.expires <= now || grant.client_id != client_id {
            return err("invalid_code");
        }
        // Zoho checks the redirect URI only when one is sent; self-client grants have none.
        if let Some(r) = p.get("redirect_uri") {
            if r != redirect {
                return err("invalid_redirect_uri");
            }
        }
        grant.used = true;
        let (email, scopes) = (grant.email.clone(), grant.scopes.clone());
        // A grant code is one-time: once used it is gone (Zoho answers invalid_code either way).
        self.grants.remove(code);
        self.evict_oldest_refresh(client_id, &email);
        let refresh = self.token();
        self.refresh.insert(
            refresh.clone(),
            RefreshToken {
                created: self.counter,
                client_id: client_id.to_owned(),
                email,
                scopes,
                revoked: false,
                refreshes: VecDeque::new(),
                live: VecDeque::new(),
            },
        );
        let access = self.issue_access(&refresh);
        json!({
            "access_token": access,
            "refresh_token": refresh,
            "api_domain": api_domain,
            "token_type": "Bearer",
            "expires_in": self.limits.access_token_ttl.as_secs(),
        })
    }

    fn refresh(&mut self, p: &Params, client_id: &str, api_domain: &str) -> Value {
        let token = p.get("refresh_token").map(String::as_str).unwrap_or("");
        let now = Instant::now();
        let window = self.limits.refresh_window;
        let limit = self.limits.refresh_limit_per_window as usize;
        let Some(rt) = self.refresh.get_mut(token) else {
            return err("invalid_code");
        };
        if rt.revoked || rt.client_id != client_id {
            return err("invalid_code");
        }
        while rt
            .refreshes
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            rt.refreshes.pop_front();
        }
        if rt.refreshes.len() >= limit {
            return json!({
                "error": "Access Denied",
                "error_description": "You have made too many requests continuously. Please try again after some time."
            });
        }
        rt.refreshes.push_back(now);
        self.refresh_count += 1;
        let access = self.issue_access(token);
        json!({
            "access_token": access,
            "api_domain": api_domain,
            "token_type": "Bearer",
            "expires_in": self.limits.access_token_ttl.as_secs(),
        })
    }

    fn issue_access(&mut self, refresh: &str) -> String {
        let access = self.token();
        let now = Instant::now();
        let Some(rt) = self.refresh.get_mut(refresh) else {
            return access;
        };
        let tokens = &mut self.access;
        rt.live
            .retain(|t| tokens.get(t).is_some_and(|a| !a.invalid && a.expires > now));
        rt.live.push_back(access.clone());
        tokens.insert(
            access.clone(),
            AccessToken {
                refresh: refresh.to_owned(),
                email: rt.email.clone(),
                scopes: rt.scopes.clone(),
                expires: now + self.limits.access_token_ttl,
                invalid: false,
            },
        );
        // Zoho keeps at most N live access tokens per refresh token; the oldest silently dies.
        while rt.live.len() > self.limits.max_live_access_tokens {
            if let Some(old) = rt.live.pop_front() {
                if let Some(a) = tokens.get_mut(&old) {
                    a.invalid = true;
                }
            }
        }
        access
    }

    /// `POST /oauth/v2/token/revoke`: a refresh token (with its access tokens) or an access token.
    pub fn revoke(&mut self, token: &str) -> Value {
        if let Some(rt) = self.refresh.get_mut(token) {
            rt.revoked = true;
            for a in self.access.values_mut() {
                if a.refresh == token {
                    a.invalid = true;
                }
            }
            return json!({"status": "success"});
        }
        if let Some(a) = self.access.get_mut(token) {
            a.invalid = true;
            return json!({"status": "success"});
        }
        err("invalid_code")
    }

    /// Who a live access token belongs to.
    pub fn check_access(&self, token: &str) -> Option<TokenOwner> {
        let a = self.access.get(token)?;
        if a.invalid || a.expires <= Instant::now() {
            return None;
        }
        Some(TokenOwner {
            email: a.email.clone(),
            scopes: a.scopes.clone(),
        })
    }

    /// How long a valid access token has left (`None` for an unknown, revoked or expired one).
    pub fn access_time_left(&self, token: &str) -> Option<std::time::Duration> {
        let a = self.access.get(token).filter(|a| !a.invalid)?;
        a.expires.checked_duration_since(Instant::now())
    }

    /// Successful refreshes so far.
    pub fn refresh_count(&self) -> u64 {
        self.refresh_count
    }

    /// Makes every access token expired.
    pub fn expire_all(&mut self) {
        let now = Instant::now();
        for a in self.access.values_mut() {
            a.expires = now;
        }
    }

    /// Invalidates one access token.
    pub fn revoke_access(&mut self, token: &str) {
        if let Some(a) = self.access.get_mut(token) {
            a.invalid = true;
        }
    }

    /// Whether `client_id` is registered with `redirect_uri`.
    pub fn client_redirect_ok(
        &self,
        client_id: &str,
        redirect_uri: Option<&str>,
    ) -> Result<(), &'static str> {
        let Some(c) = self.clients.get(client_id) else {
            return Err("invalid_client");
        };
        match redirect_uri {
            Some(r) if r != c.redirect_uri => Err("invalid_redirect_uri"),
            _ => Ok(()),
        }
    }

    /// The redirect URI registered for `client_id`.
    /// How long a grant code stays valid.
    pub fn grant_ttl(&self) -> Duration {
        self.limits.grant_code_ttl
    }

    /// The redirect URI registered for `client_id`.
    pub fn redirect_of(&self, client_id: &str) -> Option<&str> {
        self.clients.get(client_id).map(|c| c.redirect_uri.as_str())
    }
}

/// Whether `granted` covers `required` (`ZohoCRM.modules.ALL` covers `ZohoCRM.modules.READ`;
/// `ZohoCRM.modules.leads.ALL` covers `ZohoCRM.modules.READ` on Leads only).
pub fn scope_allows(granted: &[String], required: &str, module: Option<&str>) -> bool {
    if required.is_empty() {
        return true;
    }
    let (req_base, req_action) = required.rsplit_once('.').unwrap_or((required, ""));
    granted.iter().any(|g| {
        if g.eq_ignore_ascii_case(required) {
            return true;
        }
        let (g_base, g_action) = g.rsplit_once('.').unwrap_or((g, ""));
        let action_ok =
            g_action.eq_ignore_ascii_case("ALL") || g_action.eq_ignore_ascii_case(req_action);
        if !action_ok {
            return false;
        }
        // A broader grant: `ZohoCRM.settings.ALL` covers `ZohoCRM.settings.modules.READ`.
        let lb = g_base.to_ascii_lowercase();
        let lr = req_base.to_ascii_lowercase();
        if lr == lb || lr.starts_with(&format!("{lb}.")) {
            return true;
        }
        // A narrower, module-level grant covers that module.
        match module {
            Some(m) => lb == format!("{lr}.{}", m.to_ascii_lowercase()),
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    // Source for every limit used here: zoho-api-v2.md, OAuth limits.
    #[test]
    fn token_state_is_pruned_as_zoho_expires_it() {
        let mut acc = Accounts::new(Limits {
            access_token_ttl: Duration::from_millis(50),
            grant_code_ttl: Duration::from_millis(50),
            refresh_limit_per_window: 10,
            refresh_window: Duration::from_secs(600),
            max_live_access_tokens: 15,
        });
        acc.register_client("c", "s", "http://cb");
        let exchange = |acc: &mut Accounts, code: &str| {
            acc.token_endpoint(
                &params(&[
                    ("client_id", "c"),
                    ("client_secret", "s"),
                    ("grant_type", "authorization_code"),
                    ("code", code),
                ]),
                "http://api",
            )
        };
        let mut first_refresh = None;
        let mut last_access = String::new();
        for i in 0..2_000 {
            let code = acc.issue_grant("c", "a@x.test", &["ZohoCRM.modules.ALL"]);
            let r = exchange(&mut acc, &code);
            assert!(r.get("access_token").is_some(), "{r}");
            // A used code stays refused.
            assert_eq!(exchange(&mut acc, &code)["error"], "invalid_code");
            if i == 0 {
                first_refresh = r["refresh_token"].as_str().map(str::to_owned);
            }
            last_access = r["access_token"].as_str().unwrap_or_default().to_owned();
        }
        let (grants, refresh, access) = acc.state_sizes();
        assert_eq!(grants, 0);
        assert_eq!(refresh, MAX_REFRESH_TOKENS_PER_USER);
        assert!(access <= MAX_REFRESH_TOKENS_PER_USER, "{access}");
        // The first refresh token was deleted by the 21st.
        let refreshed = acc.token_endpoint(
            &params(&[
                ("client_id", "c"),
                ("client_secret", "s"),
                ("grant_type", "refresh_token"),
                ("refresh_token", first_refresh.as_deref().unwrap_or("")),
            ]),
            "http://api",
        );
        assert_eq!(refreshed["error"], "invalid_code");
        assert!(acc.check_access(&last_access).is_some());
        // Expired codes and tokens go too.
        acc.issue_grant("c", "a@x.test", &[]);
        std::thread::sleep(Duration::from_millis(80));
        acc.prune();
        assert!(acc.check_access(&last_access).is_none());
        assert_eq!(acc.state_sizes(), (0, MAX_REFRESH_TOKENS_PER_USER, 0));
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn scopes() {
        assert!(scope_allows(
            &s(&["ZohoCRM.modules.ALL"]),
            "ZohoCRM.modules.READ",
            None
        ));
        assert!(scope_allows(
            &s(&["ZohoCRM.settings.ALL"]),
            "ZohoCRM.settings.modules.READ",
            None
        ));
        assert!(scope_allows(
            &s(&["ZohoCRM.modules.leads.ALL"]),
            "ZohoCRM.modules.READ",
            Some("Leads")
        ));
        assert!(!scope_allows(
            &s(&["ZohoCRM.modules.leads.ALL"]),
            "ZohoCRM.modules.READ",
            Some("Deals")
        ));
        assert!(!scope_allows(
            &s(&["ZohoCRM.modules.READ"]),
            "ZohoCRM.modules.CREATE",
            None
        ));
        assert!(!scope_allows(
            &s(&["ZohoCRM.org.ALL"]),
            "ZohoCRM.users.READ",
            None
        ));
    }
}

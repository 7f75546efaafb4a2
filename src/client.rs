//! `Client`: configuration, the one execution path every operation goes through (URL, auth
//! header, send, classify the status, retry), and per-user token state.

use crate::config::{DataCenter, Environment, normalize_api_version, normalize_base_url};
use crate::error::{Error, ErrorCode, Result, TransportError};
use crate::request::{Base, Body, FormPart, Request};
use crate::response::RawResponse;
use crate::retry::{Failure, RetryPolicy};
use crate::secret::Secret;
use crate::store::{MemoryStore, TokenStore};
use crate::token::Token;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::Instrument;

/// A Zoho CRM client bound to one user (the `currentUserEmail` of the official SDK).
///
/// Cheap to clone; clones share the HTTP connection pool, the token store and the per-user
/// token cache. [`Client::for_user`] gives a client for another user of the same OAuth app:
/// there is no global "current user".
///
/// ```no_run
/// use zohocrm::{Client, DataCenter};
///
/// async fn newest_leads(client: &Client) -> zohocrm::Result<()> {
///     let page = client.module("Leads").get_records().per_page(10).send().await?;
///     for lead in &page.data {
///         println!("{:?}", lead.id);
///     }
///     // The same app and pool, acting for another user.
///     let other = client.for_user("sales@example.com");
///     let me = other.get_current_user().send().await?;
///     println!("{} users", me.data.len());
///     Ok(())
/// }
///
/// let client = Client::builder()
///     .client_id("1000.XXXX")
///     .client_secret("secret")
///     .current_user_email("me@example.com")
///     .data_center(DataCenter::EU)
///     .build()?;
/// assert_eq!(client.user(), Some("me@example.com"));
/// # Ok::<(), zohocrm::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    pub(crate) user: Option<Arc<str>>,
    /// Per-call settings from [`Client::with_retry_policy`] / [`Client::with_timeout`].
    call: Option<Arc<CallSettings>>,
}

/// Settings that override the client's for the calls made through one `Client` value.
#[derive(Debug, Clone, Default)]
struct CallSettings {
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) accounts_url: String,
    /// The configured API base: the pinned `api_base_url`, or the data centre's default.
    pub(crate) api_base: String,
    /// True when the user gave `api_base_url`: calls then never follow a token's api_domain.
    pub(crate) api_base_pinned: bool,
    pub(crate) environment: Environment,
    /// Token api_domains already warned about (a mismatch with a pinned URL is logged once).
    pub(crate) warned_domains: Mutex<std::collections::HashSet<String>>,
    pub(crate) api_version: String,
    pub(crate) store: Arc<dyn TokenStore>,
    pub(crate) refresh_margin: Duration,
    pub(crate) retry: RetryPolicy,
    /// Bound on a whole operation: every try, retry wait and the wait for a concurrency slot.
    pub(crate) timeout: Duration,
    pub(crate) persist_client_secret: bool,
    pub(crate) max_concurrent: Option<usize>,
    pub(crate) max_body_bytes: u64,
    users: Mutex<HashMap<String, Arc<UserState>>>,
}

/// Per-user token cache, the in-process refresh gate and the concurrency limiter.
#[derive(Default)]
pub(crate) struct UserState {
    /// Calls in flight for this user (Zoho's concurrency limit is per user and app).
    pub(crate) limiter: Option<tokio::sync::Semaphore>,
    pub(crate) token: Mutex<Option<Token>>,
    /// One refresh at a time per user in this process; waiters reuse the winner's token.
    pub(crate) refresh: tokio::sync::Mutex<()>,
    /// While throttled, refreshes fail fast instead of hammering the accounts server.
    pub(crate) throttled_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("client_id", &self.inner.client_id)
            .field("client_secret", &"[redacted]")
            .field("user", &self.user)
            .field("accounts_url", &self.inner.accounts_url)
            .field("api_base", &self.inner.api_base)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client acting for another user (their tokens, their refreshes).
    pub fn for_user(&self, email: impl Into<String>) -> Client {
        Client {
            inner: self.inner.clone(),
            user: Some(Arc::from(email.into())),
            call: self.call.clone(),
        }
    }

    /// The same client, with `policy` for the calls made through the returned value: for one
    /// call, `client.with_retry_policy(RetryPolicy::never()).module("Leads").create_records(..)`.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        let mut call = self.call.as_deref().cloned().unwrap_or_default();
        call.retry = Some(policy);
        Client {
            call: Some(Arc::new(call)),
            ..self.clone()
        }
    }

    /// The same client, with `total` as the whole-operation timeout for the calls made through
    /// the returned value (see [`ClientBuilder::timeout`]).
    pub fn with_timeout(&self, total: Duration) -> Client {
        let mut call = self.call.as_deref().cloned().unwrap_or_default();
        call.timeout = Some(total);
        Client {
            call: Some(Arc::new(call)),
            ..self.clone()
        }
    }

    /// The retry policy calls through this value use.
    pub fn retry_policy(&self) -> &RetryPolicy {
        self.call
            .as_ref()
            .and_then(|c| c.retry.as_ref())
            .unwrap_or(&self.inner.retry)
    }

    /// The whole-operation timeout calls through this value use.
    pub fn timeout(&self) -> Duration {
        self.call
            .as_ref()
            .and_then(|c| c.timeout)
            .unwrap_or(self.inner.timeout)
    }

    /// The user this client acts for.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The configured API base URL (`https://www.zohoapis.com`): the pinned `api_base_url`, or
    /// the data centre's default. Unless it was pinned, calls go to the API domain the user's
    /// token names instead (see [`ClientBuilder::api_base_url`]).
    pub fn api_base_url(&self) -> &str {
        &self.inner.api_base
    }

    /// The accounts URL in use (`https://accounts.zoho.com`).
    pub fn accounts_url(&self) -> &str {
        &self.inner.accounts_url
    }

    /// The OAuth client id in use: with [`Client::user`] and [`Client::api_base_url`], the key
    /// of this client's tokens in the store (see [`Token::for_user`]).
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// The token store.
    pub fn token_store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    pub(crate) fn require_user(&self) -> Result<Arc<str>> {
        self.user.clone().ok_or_else(|| {
            Error::config(
                "current_user_email",
                "value is missing: set ClientBuilder::current_user_email, or use Client::for_user(email)",
            )
        })
    }

    pub(crate) fn user_state(&self, user: &str) -> Arc<UserState> {
        let mut users = self.inner.users.lock().unwrap_or_else(|e| e.into_inner());
        users
            .entry(user.to_owned())
            .or_insert_with(|| {
                Arc::new(UserState {
                    limiter: self.inner.max_concurrent.map(tokio::sync::Semaphore::new),
                    ..UserState::default()
                })
            })
            .clone()
    }

    /// The store key for a user: (client id, user, api domain).
    pub(crate) fn token_key(&self, user: &str) -> Token {
        Token::for_user(&self.inner.client_id, user, &self.inner.api_base)
    }

    /// Sends a request through the single execution path and returns the classified answer.
    /// Generated operations call this; it is public as the escape hatch for endpoints the spec
    /// lacks.
    pub async fn execute(&self, req: Request) -> Result<RawResponse> {
        let (answer, stats) = self.execute_traced(req, false).await?;
        let mut raw = match answer {
            Answer::Buffered(raw) => raw,
            Answer::Streaming(resp) => {
                read_body(resp, BodyLimit::Api(self.inner.max_body_bytes)).await?
            }
        };
        raw.elapsed = stats.started.elapsed();
        raw.attempts = stats.attempts;
        Ok(raw)
    }

    /// As [`Client::execute`], but a successful body is not read: it streams from the socket.
    /// Errors are classified exactly as for `execute` (their bodies are small).
    pub async fn execute_stream(&self, req: Request) -> Result<crate::FileStream> {
        match self.execute_traced(req, true).await?.0 {
            Answer::Streaming(resp) => crate::response::file_stream(resp),
            // 204 (no such file) becomes NO_CONTENT, as `file()` does for buffered downloads.
            Answer::Buffered(raw) => raw
                .file()
                .map(|_| crate::response::FileStream::from_bytes(&raw)),
        }
    }

    async fn execute_traced(&self, req: Request, streaming: bool) -> Result<(Answer, Stats)> {
        let span = tracing::info_span!(
            "zohocrm.call",
            op = req.op,
            method = ?req.method,
            path = %req.path,
            status = tracing::field::Empty,
        );
        self.execute_inner(req, streaming).instrument(span).await
    }

    /// The retry loop. Every try, every retry wait and every wait for a concurrency slot fall
    /// within the whole-operation timeout; a streamed download's body is outside it (bounded by
    /// the read timeout instead).
    async fn execute_inner(&self, req: Request, streaming: bool) -> Result<(Answer, Stats)> {
        let policy = self.retry_policy().clone();
        let total = self.timeout();
        let started = Instant::now();
        let deadline = tokio::time::Instant::from_std(started + total);
        // Tries sent, and tries the retry policy has allowed (a forced token refresh's second
        // try is not the policy's to count).
        let (mut attempt, mut policy_attempt) = (0u32, 0u32);
        let mut refreshed = false;
        let mut auth = self.access_token().await?;
        let state = self.user.as_ref().map(|u| self.user_state(u));
        loop {
            attempt += 1;
            let try_started = Instant::now();
            let result = tokio::time::timeout_at(deadline, async {
                // Waits here, not at Zoho's 429, when the user already has the configured
                // number of calls in flight.
                let _permit = match state.as_ref().and_then(|s| s.limiter.as_ref()) {
                    Some(sem) => sem.acquire().await.ok(),
                    None => None,
                };
                self.send_once(&req, &auth, streaming).await
            })
            .await
            .unwrap_or_else(|_| {
                // Named as the other transport errors are: method and full URL.
                Err(Error::Transport(TransportError::operation_timeout(
                    format!("{:?} {}", req.method, self.url_of(&req, &auth)),
                    total,
                )))
            });
            let status = match &result {
                Ok(Answer::Buffered(r)) => r.status,
                Ok(Answer::Streaming(r)) => r.status().as_u16(),
                Err(Error::Api(e)) => e.http_status,
                Err(_) => 0,
            };
            tracing::Span::current().record("status", status);
            tracing::debug!(
                elapsed_ms = try_started.elapsed().as_millis() as u64,
                attempt,
                "response"
            );
            let e = match result {
                Ok(answer) => {
                    return Ok((
                        answer,
                        Stats {
                            started,
                            attempts: attempt,
                        },
                    ));
                }
                Err(e) => e,
            };
            // A revoked or rotated access token: refresh once and retry once, never loop.
            // Zoho answers such a token with 401 INVALID_TOKEN or AUTHENTICATION_FAILURE
            // (zoho-api-v2.md §4 status codes), so both get the same single refresh.
            if e.as_api().is_some_and(rejected_token) && !refreshed {
                refreshed = true;
                tracing::info!("access token rejected; refreshing once");
                auth = self.force_refresh(&auth.access).await?;
                continue;
            }
            let failure = Failure::of(&e);
            policy_attempt += 1;
            if policy.should_retry(failure, req.idempotent, policy_attempt) {
                let wait = policy.wait(policy_attempt, e.as_api().and_then(|a| a.retry_after));
                // A wait that would end past the deadline cannot lead to an answer in time.
                if tokio::time::Instant::now() + wait < deadline {
                    tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, error = %e, "transient failure; retrying");
                    tokio::time::sleep(wait).await;
                    // The token may have neared expiry during the wait.
                    auth = self.access_token().await?;
                    continue;
                }
            }
            let e = with_hint(e, &auth.base);
            // A write that got no conclusive answer may still have been applied.
            return Err(if !req.idempotent && failure.outcome_unknown() {
                e.outcome_unknown()
            } else {
                e
            });
        }
    }

    /// The URL a request goes to (an absolute `Base::Url` path as it is; check it before use).
    fn url_of(&self, req: &Request, auth: &Auth) -> String {
        let v = &self.inner.api_version;
        match req.base {
            Base::Crm => format!("{}/crm/{v}{}", auth.base, req.path),
            Base::Bulk => format!("{}/crm/bulk/{v}{}", auth.base, req.path),
            Base::Upload => format!(
                "{}/crm/{v}{}",
                auth.base.replacen("://www.", "://content.", 1),
                req.path
            ),
            Base::Url => req.path.clone(),
        }
    }

    async fn send_once(&self, req: &Request, auth: &Auth, streaming: bool) -> Result<Answer> {
        let token = &auth.access;
        let url = self.url_of(req, auth);
        if req.base == Base::Url {
            // Checked on every try: the token goes nowhere else (redirects are not followed).
            crate::request::check_absolute_url(req.op, &req.path, &auth.base)?;
        }
        let context = || format!("{:?} {url}", req.method);
        let mut rb = self
            .inner
            .http
            .request(req.method.as_reqwest(), &url)
            .header(
                reqwest::header::AUTHORIZATION,
                format!("Zoho-oauthtoken {}", token.expose()),
            );
        if !req.query.is_empty() {
            rb = rb.query(&req.query);
        }
        for (k, v) in &req.headers {
            rb = rb.header(*k, v);
        }
        rb = match &req.body {
            Body::None => rb,
            Body::Json(parts) => rb
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(Request::json_bytes(parts)),
            Body::Form(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for (k, part) in parts {
                    form = match part {
                        FormPart::Text(t) => form.text(*k, t.clone()),
                        FormPart::File(f) => {
                            let mut p = reqwest::multipart::Part::stream(f.bytes.clone())
                                .file_name(f.file_name.clone());
                            if let Some(ct) = &f.content_type {
                                p = p.mime_str(ct).map_err(|e| {
                                    Error::config(
                                        "content_type",
                                        format!("`{ct}` is not a MIME type: {e}"),
                                    )
                                })?;
                            }
                            form.part(*k, p)
                        }
                    };
                }
                rb.multipart(form)
            }
        };
        let resp = send(rb, context).await?;
        // A 204 has nothing to stream; it goes the buffered way and becomes NO_CONTENT.
        if streaming && resp.status().is_success() && resp.status().as_u16() != 204 {
            return Ok(Answer::Streaming(resp));
        }
        let limit = if resp.status().is_success() || resp.status().as_u16() == 304 {
            BodyLimit::Api(self.inner.max_body_bytes)
        } else {
            BodyLimit::Error
        };
        let mut raw = read_body(resp, limit).await?;
        if req.method != crate::Method::GET {
            raw.expected_items = Some(req.expected_results());
        }
        crate::response::classify(raw, req.method).map(Answer::Buffered)
    }
}

/// Adds what the user needs to fix a cross-data-centre token mistake.
fn with_hint(e: Error, base: &str) -> Error {
    match e {
        Error::Api(mut api) if rejected_token(&api) => {
            api.hint = Some(format!(
                "the API domain in use is {base}; access tokens only work on the data centre and environment that issued them (invalid_oauth_token), so check data_center / api_base_url"
            ));
            Error::Api(api)
        }
        other => other,
    }
}

/// An access token and the API base URL calls made with it go to.
pub(crate) struct Auth {
    pub(crate) access: Secret,
    pub(crate) base: String,
}

/// A 401 saying the access token itself was refused (not a scope problem).
fn rejected_token(e: &crate::error::ApiError) -> bool {
    e.http_status == 401
        && matches!(
            e.code,
            ErrorCode::InvalidToken | ErrorCode::AuthenticationFailure
        )
}

/// When the operation started and how many tries it took.
struct Stats {
    started: Instant,
    attempts: u32,
}

/// What a call produced: a read body, or a response whose body is still on the socket.
enum Answer {
    Buffered(RawResponse),
    Streaming(reqwest::Response),
}

/// Sends, naming what was being done when no answer comes back (never with secrets).
pub(crate) async fn send(
    rb: reqwest::RequestBuilder,
    context: impl FnOnce() -> String,
) -> Result<reqwest::Response> {
    rb.send()
        .await
        .map_err(|e| Error::Transport(TransportError::new(context(), e)))
}

/// Default cap on a buffered API answer: far above Zoho's largest page (200 records of a few
/// hundred fields is a few MB), low enough that a runaway body cannot exhaust memory.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// Cap on error bodies (Zoho's are a few hundred bytes; a write failing on 100 items a few tens
/// of KB) and on token responses (under 1 KB).
pub const SMALL_BODY_BYTES: u64 = 1024 * 1024;

/// Which cap applies to the body being read.
#[derive(Clone, Copy)]
pub(crate) enum BodyLimit {
    /// A successful API answer, with the configured cap.
    Api(u64),
    /// An error answer.
    Error,
    /// An accounts-server (token, user info) answer.
    Token,
}

impl BodyLimit {
    fn bytes(self) -> u64 {
        match self {
            BodyLimit::Api(n) => n,
            BodyLimit::Error | BodyLimit::Token => SMALL_BODY_BYTES,
        }
    }

    fn what(self) -> &'static str {
        match self {
            BodyLimit::Api(_) => "an API answer",
            BodyLimit::Error => "an error body",
            BodyLimit::Token => "an accounts-server answer",
        }
    }
}

/// Reads a whole body, refusing it as soon as it passes `limit` (by `Content-Length` before
/// reading anything, else while reading chunks), so memory stays bounded.
pub(crate) async fn read_body(
    mut resp: reqwest::Response,
    limit: BodyLimit,
) -> Result<RawResponse> {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let path = resp.url().path().to_owned();
    let max = limit.bytes();
    let too_large = || Error::BodyTooLarge {
        context: path.clone(),
        status,
        limit: max,
        what: limit.what(),
    };
    let declared = resp.content_length();
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let mut body = bytes::BytesMut::with_capacity(declared.unwrap_or(0) as usize);
    loop {
        let chunk = resp.chunk().await.map_err(|e| {
            Error::Transport(TransportError::new(
                format!("reading the body of {path}"),
                e,
            ))
        })?;
        let Some(chunk) = chunk else { break };
        if (body.len() + chunk.len()) as u64 > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(RawResponse {
        status,
        headers,
        body: body.freeze(),
        expected_items: None,
        elapsed: Duration::ZERO,
        attempts: 1,
    })
}

/// `Retry-After`, in seconds or as an HTTP-date.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    crate::retry::parse_retry_after(value, std::time::SystemTime::now())
}

/// Configures a [`Client`]. Every key of the official SDK's config has an equivalent here; see
/// the README's table.
///
/// ```
/// use std::time::Duration;
/// use zohocrm::store::MemoryStore;
/// use zohocrm::{Client, DataCenter, Environment};
///
/// let client = Client::builder()
///     .client_id("1000.XXXX")
///     .client_secret("secret")
///     .redirect_uri("https://example.com/callback")
///     .data_center(DataCenter::IN)
///     .environment(Environment::Sandbox)
///     .token_store(MemoryStore::new())
///     .refresh_margin(Duration::from_secs(120))
///     .max_concurrent_requests(10)
///     .build()?;
/// assert_eq!(client.api_base_url(), "https://sandbox.zohoapis.in");
///
/// // A missing key is a configuration error naming it.
/// let err = Client::builder().client_secret("s").build().unwrap_err();
/// assert!(err.to_string().contains("client_id"));
/// # Ok::<(), zohocrm::Error>(())
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    redirect_uri: Option<String>,
    current_user_email: Option<String>,
    data_center: DataCenter,
    environment: Environment,
    accounts_url: Option<String>,
    api_base_url: Option<String>,
    api_version: Option<String>,
    store: Option<Arc<dyn TokenStore>>,
    refresh_margin: Option<Duration>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    gzip: Option<bool>,
    persist_client_secret: bool,
    proxy: Option<Secret>,
    max_concurrent: Option<usize>,
    max_body_bytes: Option<u64>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("redirect_uri", &self.redirect_uri)
            .field("current_user_email", &self.current_user_email)
            .field("data_center", &self.data_center)
            .field("environment", &self.environment)
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

/// A duration as whole seconds for the range checks of the `*_secs` keys: a sub-second one
/// counts as 1 s (allowed), so only zero is refused at the low end.
fn whole_secs_up(d: Duration) -> u64 {
    d.as_secs().max(u64::from(d.subsec_nanos() > 0))
}

impl ClientBuilder {
    /// OAuth client id (`client_id`). Required.
    pub fn client_id(mut self, v: impl Into<String>) -> Self {
        self.client_id = Some(v.into());
        self
    }

    /// OAuth client secret (`client_secret`). Required; never logged.
    pub fn client_secret(mut self, v: impl Into<Secret>) -> Self {
        self.client_secret = Some(v.into());
        self
    }

    /// Redirect URI registered for the client (`redirect_uri`); needed to exchange grant tokens.
    pub fn redirect_uri(mut self, v: impl Into<String>) -> Self {
        self.redirect_uri = Some(v.into());
        self
    }

    /// The user whose tokens calls use (`currentUserEmail`).
    pub fn current_user_email(mut self, v: impl Into<String>) -> Self {
        self.current_user_email = Some(v.into());
        self
    }

    /// Data centre (default US); picks the accounts and API hosts.
    pub fn data_center(mut self, dc: DataCenter) -> Self {
        self.data_center = dc;
        self
    }

    /// Environment (default production; `sandbox` of the official config = `Sandbox`).
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = env;
        self
    }

    /// Overrides the accounts URL (`accounts_url`). A trailing slash is fine.
    pub fn accounts_url(mut self, v: impl Into<String>) -> Self {
        self.accounts_url = Some(v.into());
        self
    }

    /// Pins the API base URL (`apiBaseUrl`). A trailing slash is fine; a trailing `/crm/v2` is
    /// cut off.
    ///
    /// Without it, calls go to the `api_domain` of the user's token: Zoho's token response names
    /// the API host of the data centre that issued the token (zoho-api-v2.md §1, multi-DC
    /// handshake), recorded with the token in the store ([`Token::issued_api_domain`]); only an
    /// https Zoho API host, or a host of the accounts server, is accepted. With it, calls always
    /// go here: a token from another Zoho data centre than this Zoho host is a configuration
    /// error (raised without sending or refreshing), any other difference (a proxy, an emulator)
    /// one warning.
    pub fn api_base_url(mut self, v: impl Into<String>) -> Self {
        self.api_base_url = Some(v.into());
        self
    }

    /// API version (`apiVersion`): `v2` (`V2` is accepted).
    pub fn api_version(mut self, v: impl Into<String>) -> Self {
        self.api_version = Some(v.into());
        self
    }

    /// Where tokens persist (default: in memory).
    pub fn token_store(mut self, store: impl TokenStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Where tokens persist, shared with other clients.
    pub fn token_store_arc(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Refresh this long before expiry (default 60 s; the official SDK uses 5 s).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self
    }

    /// Largest API answer read into memory, in bytes (default [`DEFAULT_MAX_BODY_BYTES`], 64
    /// MiB). A larger one fails with [`Error::BodyTooLarge`] without being read whole. Error
    /// bodies and token responses have a fixed, much smaller cap ([`SMALL_BODY_BYTES`]);
    /// streamed downloads (`.stream()` on file operations) have none.
    pub fn max_body_bytes(mut self, n: u64) -> Self {
        self.max_body_bytes = Some(n);
        self
    }

    /// Whole-operation timeout (default 120 s): every try, every retry wait and any wait for a
    /// concurrency slot. A streamed download's body is not under it, only under
    /// [`Self::read_timeout`], so a large file is never cut off while it keeps arriving.
    /// Override it for some calls with [`Client::with_timeout`].
    pub fn timeout(mut self, total: Duration) -> Self {
        self.timeout = Some(total);
        self
    }

    /// Longest wait for a TCP (and TLS) connection to open (default 10 s; more than zero and at
    /// most 86400 s, else `build` fails naming `connect_timeout_secs`, its Settings key).
    ///
    /// The wait for an answer's headers ([`Self::read_timeout`]) starts when the request is sent,
    /// connection included (reqwest's rule), so the connect wait is at most nine tenths of the
    /// read timeout: a connection that does not open in time then still ends with
    /// `timeout_kind() == Some(TimeoutKind::Connect)`.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }

    /// Longest silence while reading an answer: before its headers and between body chunks
    /// (default 60 s; more than zero and at most 86400 s, else `build` fails naming
    /// `read_timeout_secs`, its Settings key).
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = Some(d);
        self
    }

    /// How failed calls are retried (default [`RetryPolicy::default`]). Override it for some
    /// calls with [`Client::with_retry_policy`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Shorthand for a retry policy of `n` retries (`n + 1` tries), the rest default.
    pub fn max_retries(mut self, n: u32) -> Self {
        let policy = self.retry.take().unwrap_or_default();
        self.retry = Some(policy.max_attempts(n.saturating_add(1)));
        self
    }

    /// Ask for gzip-compressed answers (`Accept-Encoding: gzip`) and decompress them (default
    /// on). A page of 200 records shrinks several-fold on the wire.
    pub fn gzip(mut self, yes: bool) -> Self {
        self.gzip = Some(yes);
        self
    }

    /// Also persist the client secret with the tokens. Off by default: turn it on only to share
    /// a table with the official SDK, which reads it from there.
    pub fn persist_client_secret(mut self, yes: bool) -> Self {
        self.persist_client_secret = yes;
        self
    }

    /// Most API calls in flight at once per user (default: unlimited). Zoho answers 429 past
    /// the edition's per-user cap (Free 5, Standard 10, Professional 15, Enterprise 20,
    /// Ultimate 25); set this to the cap, or lower, and calls wait instead of failing.
    pub fn max_concurrent_requests(mut self, n: usize) -> Self {
        self.max_concurrent = Some(n);
        self
    }

    /// Sends every request (API and accounts) through this proxy, such as
    /// `http://user:password@proxy.internal:3128`. The URL is a secret: it may hold a password.
    /// Without it, the `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` environment variables apply.
    pub fn proxy(mut self, url: impl Into<Secret>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client> {
        let client_id = self
            .client_id
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                Error::config(
                    "client_id",
                    "is missing; it is the Client ID from the Zoho API console",
                )
            })?;
        let client_secret = self
            .client_secret
            .filter(|s| !s.expose().trim().is_empty())
            .ok_or_else(|| {
                Error::config(
                    "client_secret",
                    "is missing; it is the Client Secret from the Zoho API console",
                )
            })?;
        let accounts_url = match &self.accounts_url {
            Some(u) => normalize_base_url("accounts_url", u)?,
            None => self.data_center.accounts_url().to_owned(),
        };
        let api_base = match &self.api_base_url {
            Some(u) => normalize_base_url("api_base_url", u)?,
            None => self.data_center.api_url(self.environment),
        };
        let api_version = normalize_api_version(self.api_version.as_deref().unwrap_or("v2"))?;
        let numbers = [
            (
                "refresh_margin_secs",
                self.refresh_margin.map(|d| d.as_secs()),
            ),
            ("timeout_secs", self.timeout.map(whole_secs_up)),
            (
                "connect_timeout_secs",
                self.connect_timeout.map(whole_secs_up),
            ),
            ("read_timeout_secs", self.read_timeout.map(whole_secs_up)),
            (
                "max_retries",
                self.retry
                    .as_ref()
                    .map(|p| u64::from(p.get_max_attempts() - 1)),
            ),
            (
                "max_concurrent_requests",
                self.max_concurrent.map(|n| n as u64),
            ),
            ("max_body_bytes", self.max_body_bytes),
        ];
        for (key, value) in numbers {
            if let Some(v) = value {
                crate::config::check_range(key, v)?;
            }
        }
        let mut http = reqwest::Client::builder();
        if let Some(url) = &self.proxy {
            // reqwest's error would quote the URL, password included; say what is wrong instead.
            let proxy = reqwest::Proxy::all(url.expose()).map_err(|_| {
                Error::config(
                    "proxy",
                    "is not a valid proxy URL (scheme://[user:password@]host:port)",
                )
            })?;
            http = http.proxy(proxy);
        }
        let read = self.read_timeout.unwrap_or(Duration::from_secs(60));
        // reqwest's read timer runs from the send, connection included: a connect timeout as
        // long or longer would be cut off as a read timeout, which names the wrong fix. Nine
        // tenths, so the connect timer (started a little after the read timer) ends first.
        let connect = self
            .connect_timeout
            .unwrap_or(Duration::from_secs(10))
            .min(read - read / 10);
        let http = http
            .connect_timeout(connect)
            .read_timeout(read)
            .gzip(self.gzip.unwrap_or(true))
            .user_agent(concat!("zohocrm-rust/", env!("CARGO_PKG_VERSION")))
            // Zoho answers a bad path with a redirect to an error page; show it, don't follow it.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Transport(TransportError::new("building the HTTP client", e)))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                client_id,
                client_secret,
                redirect_uri: self.redirect_uri,
                accounts_url,
                api_base,
                api_base_pinned: self.api_base_url.is_some(),
                environment: self.environment,
                warned_domains: Mutex::new(Default::default()),
                api_version,
                store: self.store.unwrap_or_else(|| Arc::new(MemoryStore::new())),
                refresh_margin: self.refresh_margin.unwrap_or(Duration::from_secs(60)),
                retry: self.retry.unwrap_or_default(),
                timeout: self.timeout.unwrap_or(Duration::from_secs(120)),
                persist_client_secret: self.persist_client_secret,
                max_concurrent: self.max_concurrent,
                max_body_bytes: self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
                users: Mutex::new(HashMap::new()),
            }),
            user: self.current_user_email.map(Arc::from),
            call: None,
        })
    }
}

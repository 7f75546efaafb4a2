//! A local Zoho CRM (REST API v2) and Zoho Accounts (OAuth) server, driven by the same YAML spec
//! the `zohocrm` SDK is generated from.
//!
//! It serves real HTTP on loopback so any Zoho client works against it: tokens from
//! `/oauth/v2/token`, CRM calls under `/crm/v2`, Zoho's status codes and error bodies, and
//! Zoho's limits (single-use grant codes, refresh throttling, 15 live access tokens per refresh
//! token, 100 records per write, 200 per page, 10 search criteria).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let emu = zohocrm_emulator::Emulator::start().await?;
//! let code = emu.grant_code("ada@zylker.test");
//! // POST {emu.accounts_url()}/oauth/v2/token with grant_type=authorization_code, code, ...
//! # let _ = code; emu.shutdown().await; Ok(()) }
//! ```
//!
//! Every operation in the spec is routed. Extra spec files (a user's own operations, see
//! [`EmulatorConfig::extra_specs`]) load on top of the SDK's; an operation without a
//! hand-written handler is served from its shape when it is a standard list, get, create,
//! update or delete ([`generic`]), and answers 501 `NOT_SUPPORTED` otherwise.

pub mod accounts;
pub mod auth;
pub mod blueprint;
pub mod bulk;
pub mod bulk_write;
pub mod contact_roles;
pub mod context;
pub mod coql;
pub mod criteria;
pub mod currencies;
pub mod errors;
pub mod external;
pub mod extras;
pub mod fields;
pub mod files;
pub mod generic;
pub mod grant_codes;
pub mod line_items;
pub mod metadata;
pub mod module_notes;
pub mod multipart;
pub mod notes;
pub mod notifications;
pub mod org;
pub mod org_files;
pub mod org_photo;
pub mod pagination;
pub mod params;
pub mod profiles;
pub mod record_actions;
pub mod records;
pub mod related;
pub mod seed;
pub mod seed_records;
pub mod server;
pub mod settings;
pub mod sharing;
pub mod spec;
pub mod store;
pub mod tags;
pub mod taxes;
pub mod territories;
pub mod time;
pub mod transport;
pub mod users;
pub mod validate;
pub mod variables;

use accounts::{Accounts, Limits, DEFAULT_SCOPES};
use server::{AppState, Shared};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The client every emulator has registered.
pub const DEFAULT_CLIENT_ID: &str = "1000.EMULATORCLIENT";
/// Its secret.
pub const DEFAULT_CLIENT_SECRET: &str = "emulator-secret";
/// Its redirect URI.
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost/callback";
/// The seeded admin user.
pub const ADMIN_EMAIL: &str = "ada@zylker.test";

/// How an emulator is set up.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Access token lifetime (Zoho: 1 h).
    pub access_token_ttl: Duration,
    /// Grant code lifetime (Zoho: 2 min).
    pub grant_code_ttl: Duration,
    /// Successful refreshes allowed per refresh token per window (Zoho: 10).
    pub refresh_limit_per_window: u32,
    /// The refresh window (Zoho: 10 min).
    pub refresh_window: Duration,
    /// Live access tokens per refresh token; issuing one more invalidates the oldest (Zoho: 15).
    pub max_live_access_tokens: usize,
    /// Largest attachment or photo accepted, in bytes (Zoho: 100 MB); larger uploads get 413
    /// FILE_SIZE_MORE_THAN_ALLOWED_SIZE. Lower it to test the limit without huge bodies.
    pub max_upload_bytes: u64,
    /// Simulated server time of every CRM call (default none), so a client's concurrency shows.
    pub crm_latency: Duration,
    /// Concurrent CRM calls allowed; more get 429 TOO_MANY_REQUESTS, as Zoho does past the
    /// edition's cap (Standard 10, Professional 15, Enterprise 20 ...). Default: no cap.
    pub max_concurrent_requests: Option<usize>,
    /// The 401 code a missing, stale or revoked access token gets (default `INVALID_TOKEN`;
    /// Zoho also answers `AUTHENTICATION_FAILURE`).
    pub rejected_token: auth::RejectedToken,
    /// How long a Bulk Read or Bulk Write job stays ADDED, then IN PROGRESS, before it completes (default
    /// 100 ms; Zoho takes seconds to minutes).
    pub bulk_job_phase: Duration,
    /// Records per Bulk Read page (Zoho: 200,000); lower it to test `more_records`.
    pub bulk_read_per_page: usize,
    /// Extra spec files, `(file name, YAML text)`, loaded on top of the SDK's spec at start-up:
    /// a user's own entities and operations, routed and validated like the built-in ones. Names
    /// are global, so they may use built-in entities and handles but not redefine them; an error
    /// names the file, line and column. Default: none.
    pub extra_specs: Vec<(String, String)>,
    /// Generated records added to each of Leads, Contacts, Accounts and Deals on top of the
    /// hand-written seed (default 0), every standard and custom field filled; ids and
    /// `Created_Time` increase together. See [`seed_records`]. 100,000 is fine for benches.
    pub records_per_module: u64,
    /// Serve the CRM API on a second listener of 127.0.0.1, and name that listener's URL as
    /// `api_domain` in token responses (default off). This is how Zoho is laid out: tokens come
    /// from the data centre's accounts host and the response's `api_domain` names its API host
    /// (zoho-api-v2.md §1 multi-DC handshake and hosts table). The first listener then answers
    /// only OAuth, and the API listener only CRM calls; the wrong one answers 404
    /// `INVALID_URL_PATTERN`, so a client that ignores `api_domain` fails visibly.
    pub separate_api_listener: bool,
    /// What token responses name as `api_domain` instead of the API listener's URL (default
    /// none): a misconfigured or hostile accounts server, for clients' bad-input tests.
    pub api_domain_override: Option<String>,
}

impl EmulatorConfig {
    /// Adds a spec file read from `path` to [`Self::extra_specs`] (named by its path in errors).
    pub fn add_spec_file(&mut self, path: impl AsRef<std::path::Path>) -> std::io::Result<()> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("cannot read {name}: {e}")))?;
        // Invalid UTF-8 is named by line and column, like every other spec error.
        let text = zohocrm_codegen::load::decode_source(&name, bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        self.extra_specs.push((name, text));
        Ok(())
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            port: 0,
            access_token_ttl: Duration::from_secs(3600),
            grant_code_ttl: Duration::from_secs(120),
            refresh_limit_per_window: 10,
            refresh_window: Duration::from_secs(600),
            max_live_access_tokens: 15,
            max_upload_bytes: extras::DEFAULT_MAX_UPLOAD_BYTES,
            crm_latency: Duration::ZERO,
            max_concurrent_requests: None,
            bulk_job_phase: Duration::from_millis(100),
            bulk_read_per_page: bulk::READ_PER_PAGE,
            extra_specs: Vec::new(),
            records_per_module: 0,
            rejected_token: auth::RejectedToken::InvalidToken,
            separate_api_listener: false,
            api_domain_override: None,
        }
    }
}

/// A running emulator. Clones share the server; it stops on [`Emulator::shutdown`] or when the
/// tokio runtime ends.
#[derive(Clone, Debug)]
pub struct Emulator {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Mutex<Option<oneshot::Sender<()>>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Emulator {
    /// Starts on an ephemeral port of 127.0.0.1 with the default config.
    pub async fn start() -> std::io::Result<Emulator> {
        Self::start_with(EmulatorConfig::default()).await
    }

    /// Starts with `config`.
    pub async fn start_with(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let api = zohocrm_codegen::builtin::load_with(&config.extra_specs).map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, format!("spec: {e}"))
        })?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let api_listener = if config.separate_api_listener {
            Some(tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?)
        } else {
            None
        };
        let base_url = format!("http://{addr}");
        let api_url = match &api_listener {
            Some(l) => format!("http://{}", l.local_addr()?),
            None => base_url.clone(),
        };
        let api_domain = config
            .api_domain_override
            .clone()
            .unwrap_or_else(|| api_url.clone());
        let mut accounts = Accounts::new(Limits {
            access_token_ttl: config.access_token_ttl,
            grant_code_ttl: config.grant_code_ttl,
            refresh_limit_per_window: config.refresh_limit_per_window,
            refresh_window: config.refresh_window,
            max_live_access_tokens: config.max_live_access_tokens,
        });
        accounts.register_client(
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            DEFAULT_REDIRECT_URI,
        );
        let mut crm = store::Crm::seeded_with(config.records_per_module);
        crm.extras.max_upload_bytes = config.max_upload_bytes;
        crm.bulk.phase = config.bulk_job_phase;
        crm.bulk.read_per_page = config.bulk_read_per_page;
        crm.bulk.writes.base_url = format!("http://{addr}");
        let shared = Arc::new(Shared {
            state: Mutex::new(AppState {
                accounts,
                crm,
                faults: Default::default(),
                crm_requests: 0,
                rejected_token: config.rejected_token,
            }),
            routes: spec::Routes::new(&api),
            api,
            base_url,
            api_url,
            api_domain,
            separate_api: config.separate_api_listener,
            load: server::Load {
                latency: config.crm_latency,
                max_concurrent: config.max_concurrent_requests,
                ..Default::default()
            },
            wire: Default::default(),
        });
        let app = axum::Router::new()
            .fallback(server::handle)
            .layer(transport::compression())
            .with_state(shared.clone());
        let api_app = axum::Router::new()
            .fallback(server::handle)
            .layer(transport::compression())
            .layer(axum::Extension(server::ApiListener))
            .with_state(shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            // One stop signal for both listeners (also when every handle is dropped).
            let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
            tokio::spawn(async move {
                let _ = rx.await;
                let _ = stop_tx.send(());
            });
            let stopped = |mut r: tokio::sync::watch::Receiver<()>| async move {
                let _ = r.changed().await;
            };
            let main = axum::serve(listener, app).with_graceful_shutdown(stopped(stop_rx.clone()));
            let api = async {
                match api_listener {
                    Some(l) => {
                        axum::serve(l, api_app)
                            .with_graceful_shutdown(stopped(stop_rx.clone()))
                            .await
                    }
                    None => Ok(()),
                }
            };
            let (a, b) = tokio::join!(async { main.await }, api);
            if let Err(e) = a.and(b) {
                tracing::error!(error = %e, "emulator server stopped");
            }
        });
        Ok(Emulator {
            inner: Arc::new(Inner {
                shared,
                addr,
                stop: Mutex::new(Some(tx)),
                task: Mutex::new(Some(task)),
            }),
        })
    }

    /// `http://127.0.0.1:PORT`; serves both `/oauth/...` and `/crm/v2/...` (only `/oauth/...`
    /// with [`EmulatorConfig::separate_api_listener`]).
    pub fn base_url(&self) -> String {
        self.inner.shared.base_url.clone()
    }

    /// The accounts (OAuth) server URL: the same as [`Emulator::base_url`].
    pub fn accounts_url(&self) -> String {
        self.base_url()
    }

    /// The URL serving `/crm/v2/...`: the same as [`Emulator::base_url`], or the second
    /// listener's with [`EmulatorConfig::separate_api_listener`]. Token responses name it as
    /// `api_domain` (unless [`EmulatorConfig::api_domain_override`] is set).
    pub fn api_base_url(&self) -> String {
        self.inner.shared.api_url.clone()
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The pre-registered client id.
    pub fn client_id(&self) -> &str {
        DEFAULT_CLIENT_ID
    }

    /// The pre-registered client's secret.
    pub fn client_secret(&self) -> &str {
        DEFAULT_CLIENT_SECRET
    }

    /// The pre-registered client's redirect URI.
    pub fn redirect_uri(&self) -> &str {
        DEFAULT_REDIRECT_URI
    }

    /// A fresh single-use grant code for `email` (created as a Standard user when not seeded)
    /// for the default client, with the CRM scopes and `aaaserver.profile.READ`.
    pub fn grant_code(&self, email: &str) -> String {
        self.grant_code_with_scopes(email, DEFAULT_SCOPES)
    }

    /// A fresh grant code with exactly these scopes.
    pub fn grant_code_with_scopes(&self, email: &str, scopes: &[&str]) -> String {
        self.grant_code_for_client(DEFAULT_CLIENT_ID, email, scopes)
    }

    /// A fresh grant code for another registered client.
    pub fn grant_code_for_client(&self, client_id: &str, email: &str, scopes: &[&str]) -> String {
        let mut st = self.inner.shared.lock();
        st.crm.ensure_user(email);
        st.accounts.issue_grant(client_id, email, scopes)
    }

    /// Successful `refresh_token` grants so far.
    pub fn refresh_count(&self) -> u64 {
        self.inner.shared.lock().accounts.refresh_count()
    }

    /// Makes every access token issued so far expired (refresh tokens stay valid).
    pub fn expire_access_tokens(&self) {
        self.inner.shared.lock().accounts.expire_all();
    }

    /// Sets the 401 code rejected access tokens get from now on.
    pub fn set_rejected_token(&self, code: auth::RejectedToken) {
        self.inner.shared.lock().rejected_token = code;
    }

    /// Invalidates one access token.
    pub fn revoke_access_token(&self, token: &str) {
        self.inner.shared.lock().accounts.revoke_access(token);
    }

    /// Registers another OAuth client (or replaces one).
    pub fn register_client(&self, client_id: &str, client_secret: &str, redirect_uri: &str) {
        self.inner
            .shared
            .lock()
            .accounts
            .register_client(client_id, client_secret, redirect_uri);
    }

    /// The records of a module (by API name, any case), in insertion order; empty when unknown.
    pub fn records(&self, module: &str) -> Vec<serde_json::Value> {
        let st = self.inner.shared.lock();
        match st.crm.module(module) {
            Some(m) => st.crm.records_of(&m.api_name).to_vec(),
            None => Vec::new(),
        }
    }

    /// Inserts a record as the admin user, bypassing validation; returns its id, or `None` for an
    /// unknown module or a non-object.
    pub fn insert_record(&self, module: &str, fields: serde_json::Value) -> Option<String> {
        let serde_json::Value::Object(fields) = fields else {
            return None;
        };
        let mut st = self.inner.shared.lock();
        let name = st.crm.module(module)?.api_name.clone();
        let user = st.crm.user_ref(ADMIN_EMAIL);
        let rec = st.crm.insert(&name, fields, &user, time::now_secs());
        rec.get("id").and_then(|v| v.as_str()).map(str::to_owned)
    }

    /// Empties a module's recycle bin: its entries become permanently deleted records, as when
    /// Zoho purges the bin. Returns how many moved.
    pub fn empty_recycle_bin(&self, module: &str) -> usize {
        let mut st = self.inner.shared.lock();
        match st.crm.module(module).map(|m| m.api_name.clone()) {
            Some(name) => st.crm.empty_recycle_bin(&name),
            None => 0,
        }
    }

    /// Makes the next authenticated CRM requests fail with these HTTP statuses, one each, in
    /// order (429 `TOO_MANY_REQUESTS`, 500 `INTERNAL_ERROR`, anything else a 503-style
    /// `INTERNAL_ERROR`), to test a client's retry policy.
    pub fn inject_faults(&self, statuses: &[u16]) {
        self.inner
            .shared
            .lock()
            .faults
            .extend(statuses.iter().copied());
    }

    /// How 429 answers give `Retry-After` from now on: seconds (default 1 s), an HTTP-date, or
    /// not at all.
    pub fn set_retry_after(&self, form: transport::RetryAfter) {
        *self
            .inner
            .shared
            .wire
            .retry_after
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = form;
    }

    /// How file downloads give their name in `Content-Disposition` from now on (default
    /// [`transport::Disposition::Both`]); see [`transport::Disposition`] for each form.
    pub fn set_file_disposition(&self, form: transport::Disposition) {
        *self
            .inner
            .shared
            .wire
            .disposition
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = form;
    }

    /// Makes file downloads trickle from now on: 16 KiB chunks with `delay` before each (zero,
    /// the default, sends at once). Lets a client's read timeout be tested against a slow but
    /// steady download.
    pub fn set_file_chunk_delay(&self, delay: Duration) {
        *self
            .inner
            .shared
            .wire
            .file_chunk_delay
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = delay;
    }

    /// The most CRM calls that were ever in flight at once.
    pub fn peak_concurrent_requests(&self) -> usize {
        self.inner
            .shared
            .load
            .peak
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Authenticated CRM requests received so far, injected faults included.
    pub fn crm_request_count(&self) -> u64 {
        self.inner.shared.lock().crm_requests
    }

    /// Stops the server and waits (briefly) for it to finish.
    pub async fn shutdown(self) {
        let tx = self.inner.stop.lock().ok().and_then(|mut s| s.take());
        if let Some(tx) = tx {
            let _ = tx.send(());
        }
        let task = self.inner.task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let abort = task.abort_handle();
            // Idle keep-alive connections can hold a graceful shutdown open; don't wait forever.
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

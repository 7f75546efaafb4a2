//! The HTTP front: one fallback handler that routes `/oauth/...` to the accounts server and
//! `/crm/v2/...` through auth, the spec's route table, generic validation and the handlers.

use crate::accounts::Accounts;
use crate::context::Ctx;
use crate::errors::{self, Reply};
use crate::spec::{Resolved, Routes, BULK_PREFIX, CRM_PREFIX};
use crate::store::Crm;
use crate::{auth, org, params, records, transport, validate};
use crate::{blueprint, files, multipart, notes, record_actions, related};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use zohocrm_codegen::ir::{Api, Items, Location, Operation};

/// Largest request body read; Zoho's own limits are far below this for JSON calls.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Everything behind the lock.
#[derive(Debug)]
pub struct AppState {
    /// OAuth state.
    pub accounts: Accounts,
    /// CRM data.
    pub crm: Crm,
    /// Statuses the next authenticated CRM requests answer with instead of being served
    /// (fault injection, so clients can test their retry policy).
    pub faults: std::collections::VecDeque<u16>,
    /// Authenticated CRM requests received, faults included.
    pub crm_requests: u64,
    /// The 401 code a rejected access token gets.
    pub rejected_token: crate::auth::RejectedToken,
}

/// Shared by the server task and every `Emulator` handle.
#[derive(Debug)]
pub struct Shared {
    /// Mutable state; never held across an `.await`.
    pub state: Mutex<AppState>,
    /// The spec.
    pub api: Api,
    /// Routes built from the spec.
    pub routes: Routes,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The URL serving the CRM API (`base_url`, or the second listener's).
    pub api_url: String,
    /// What token responses name as `api_domain`.
    pub api_domain: String,
    /// OAuth and CRM are served on different listeners.
    pub separate_api: bool,
    /// Concurrency of CRM calls, as Zoho limits it per edition.
    pub load: Load,
    /// Wire-level settings of CRM answers (Retry-After form, download pacing).
    pub wire: crate::transport::Wire,
}

/// In-flight CRM calls: Zoho answers 429 past the edition's concurrency cap, and a simulated
/// server time lets clients' concurrency show at all.
#[derive(Debug, Default)]
pub struct Load {
    /// Time each CRM call takes.
    pub latency: std::time::Duration,
    /// Calls in flight above this get 429 TOO_MANY_REQUESTS (`None`: no cap).
    pub max_concurrent: Option<usize>,
    /// Calls in flight now.
    pub in_flight: std::sync::atomic::AtomicUsize,
    /// The most calls ever in flight at once.
    pub peak: std::sync::atomic::AtomicUsize,
}

/// Leaves the in-flight count when the call ends, however it ends.
struct InFlight<'a>(&'a Load);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0
            .in_flight
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Shared {
    /// Locks the state; a panic elsewhere cannot poison the emulator for good.
    pub fn lock(&self) -> MutexGuard<'_, AppState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Marks requests that came in on the separate API listener.
#[derive(Debug, Clone, Copy)]
pub struct ApiListener;

/// The axum entry point for every request.
pub async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    // Uploads may be as large as the configured file limit (Zoho's is 100 MB), plus form framing.
    let upload_limit = shared.lock().crm.extras.max_upload_bytes;
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(multipart::boundary)
        .is_some();
    let limit = if is_form {
        usize::try_from(upload_limit.saturating_add(1024 * 1024))
            .unwrap_or(usize::MAX)
            .max(MAX_BODY)
    } else {
        MAX_BODY
    };
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) if is_form => return files::too_large(upload_limit).into_response(),
        Err(_) => {
            return Reply::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "INVALID_DATA",
                "request body too large",
                json!({}),
            )
            .into_response()
        }
    };
    let headers: HashMap<String, String> = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_owned())))
        .collect();
    let path = parts.uri.path().to_owned();
    let query = params::parse_pairs(parts.uri.query().unwrap_or(""));
    let method = parts.method.clone();
    tracing::debug!(%method, %path, "request");
    let bulk = path.starts_with(&format!("{BULK_PREFIX}/"));
    let is_crm = bulk || path == CRM_PREFIX || path.starts_with(&format!("{CRM_PREFIX}/"));
    // Zoho's accounts host does not serve the CRM API, nor its API host OAuth (zoho-api-v2.md
    // §1 hosts table): with separate listeners each refuses the other's paths.
    let on_api_listener = parts.extensions.get::<ApiListener>().is_some();
    if shared.separate_api && is_crm != on_api_listener {
        return errors::invalid_url().into_response();
    }
    if is_crm {
        use std::sync::atomic::Ordering::SeqCst;
        let load = &shared.load;
        let now = load.in_flight.fetch_add(1, SeqCst) + 1;
        let _leave = InFlight(load);
        load.peak.fetch_max(now, SeqCst);
        if load.max_concurrent.is_some_and(|cap| now > cap) {
            let throttled = Reply::error(
                StatusCode::TOO_MANY_REQUESTS,
                "TOO_MANY_REQUESTS",
                "concurrency limit exceeded",
                json!({}),
            );
            return transport::finish(&shared.wire, None, throttled.into_response());
        }
        if !load.latency.is_zero() {
            tokio::time::sleep(load.latency).await;
        }
        let sub = &path[if bulk { BULK_PREFIX } else { CRM_PREFIX }.len()..];
        let token_left =
            auth::bearer(&headers).and_then(|t| shared.lock().accounts.access_time_left(t));
        let answer =
            crm(&shared, method.as_str(), sub, bulk, query, &headers, &bytes).into_response();
        return transport::finish(&shared.wire, token_left, answer);
    }
    // Bulk Write results, at the absolute URL a finished job names (Zoho's download-accl host).
    if path.starts_with("/v2/crm/") {
        let answer = bulk_write_download(&shared, &method, &path, &headers);
        return transport::finish(&shared.wire, None, answer.into_response());
    }
    match (method, path.trim_end_matches('/')) {
        (Method::POST, "/oauth/v2/token") => {
            let p = form_params(query, &bytes);
            let mut st = shared.lock();
            let v = st.accounts.token_endpoint(&p, &shared.api_domain);
            Reply::json(StatusCode::OK, v).into_response()
        }
        (Method::POST, "/oauth/v2/token/revoke") => {
            let p = form_params(query, &bytes);
            let token = p.get("token").map(String::as_str).unwrap_or("");
            let v = shared.lock().accounts.revoke(token);
            Reply::json(StatusCode::OK, v).into_response()
        }
        (Method::GET, "/oauth/user/info") => user_info(&shared, &headers).into_response(),
        (Method::POST, crate::grant_codes::PATH) => {
            let p = form_params(query, &bytes);
            crate::grant_codes::mint(&mut shared.lock(), &p).into_response()
        }
        (Method::GET, "/oauth/v2/auth") => authorize(&shared, &query),
        _ => errors::invalid_url().into_response(),
    }
}

// The official SDK sends its access token to the download URL like to any other call
// (zoho-python-sdk.md §7.1: an absolute api_path is used as is, with the Authorization header).
fn bulk_write_download(
    shared: &Shared,
    method: &Method,
    path: &str,
    headers: &HashMap<String, String>,
) -> Reply {
    let mut st = shared.lock();
    let owner = match auth::authenticate(&st.accounts, headers, st.rejected_token) {
        Ok(o) => o,
        Err(r) => return r,
    };
    if *method != Method::GET {
        return errors::invalid_method();
    }
    if let Err(r) = auth::authorize(&owner, "ZohoCRM.bulk.CREATE", None) {
        return r;
    }
    crate::bulk_write::download(&mut st.crm, path)
}

// Zoho takes token parameters from the query string and/or a form body; the body wins on clashes.
fn form_params(query: Vec<(String, String)>, body: &[u8]) -> HashMap<String, String> {
    let mut p: HashMap<String, String> = query.into_iter().collect();
    let text = String::from_utf8_lossy(body);
    p.extend(params::parse_pairs(text.trim()));
    p
}

fn user_info(shared: &Shared, headers: &HashMap<String, String>) -> Reply {
    let st = shared.lock();
    let Some(owner) = auth::bearer(headers).and_then(|t| st.accounts.check_access(t)) else {
        return Reply::json(
            StatusCode::UNAUTHORIZED,
            json!({"error": "invalid_oauth_token"}),
        );
    };
    let has_profile = owner.scopes.iter().any(|s| {
        s.eq_ignore_ascii_case("aaaserver.profile.READ")
            || s.eq_ignore_ascii_case("aaaserver.profile.ALL")
    });
    if !has_profile {
        return Reply::json(
            StatusCode::UNAUTHORIZED,
            json!({"error": "invalid_oauth_scope"}),
        );
    }
    let u = st
        .crm
        .user_by_email(&owner.email)
        .cloned()
        .unwrap_or(Value::Null);
    let s = |k: &str| u.get(k).cloned().unwrap_or(Value::Null);
    let zuid: Value = s("zuid")
        .as_str()
        .and_then(|z| z.parse::<u64>().ok())
        .map(Value::from)
        .unwrap_or(Value::Null);
    Reply::json(
        StatusCode::OK,
        json!({
            "First_Name": s("first_name"),
            "Email": owner.email,
            "Last_Name": s("last_name"),
            "Display_Name": s("full_name"),
            "ZUID": zuid,
        }),
    )
}

// The browser step of the code flow, auto-approved: redirect back with a code for the user in
// `login_hint` (the admin when absent).
fn authorize(shared: &Shared, query: &[(String, String)]) -> Response {
    let q: HashMap<&str, &str> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let client_id = q.get("client_id").copied().unwrap_or("");
    let mut st = shared.lock();
    if let Err(e) = st
        .accounts
        .client_redirect_ok(client_id, q.get("redirect_uri").copied())
    {
        return Reply::json(StatusCode::OK, json!({"error": e})).into_response();
    }
    let redirect = q
        .get("redirect_uri")
        .map(|s| (*s).to_owned())
        .or_else(|| st.accounts.redirect_of(client_id).map(str::to_owned))
        .unwrap_or_default();
    let email = q
        .get("login_hint")
        .copied()
        .unwrap_or("ada@zylker.test")
        .to_owned();
    st.crm.ensure_user(&email);
    let scopes: Vec<&str> = q
        .get("scope")
        .copied()
        .unwrap_or("")
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .collect();
    let code = st.accounts.issue_grant(client_id, &email, &scopes);
    drop(st);
    let sep = if redirect.contains('?') { '&' } else { '?' };
    let mut location = format!(
        "{redirect}{sep}code={}&location=us&accounts-server={}",
        params::encode(&code),
        params::encode(&shared.base_url)
    );
    if let Some(state) = q.get("state") {
        location.push_str(&format!("&state={}", params::encode(state)));
    }
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

fn crm(
    shared: &Shared,
    method: &str,
    sub: &str,
    bulk: bool,
    query: Vec<(String, String)>,
    headers: &HashMap<String, String>,
    body: &axum::body::Bytes,
) -> Reply {
    let mut st = shared.lock();
    let owner = match auth::authenticate(&st.accounts, headers, st.rejected_token) {
        Ok(o) => o,
        Err(r) => return r,
    };
    st.crm_requests += 1;
    if let Some(status) = st.faults.pop_front() {
        return errors::injected_fault(status);
    }
    let (ops, mut vars) = match shared.routes.resolve(method, sub, bulk) {
        Resolved::Found(ops, vars) => (ops, vars),
        Resolved::WrongMethod => return errors::invalid_method(),
        Resolved::NotFound => return errors::invalid_url(),
    };
    let mut query = validate::query_map(query);
    let op = match pick(&ops, &query) {
        Ok(op) => op,
        Err(r) => return r,
    };
    // `/settings/modules/{module_id}` names a module by id (update_module_by_id).
    let by_id = vars.contains_key("module_id");
    let module = match vars.get("module_api_name").or(vars.get("module_id")) {
        Some(name) => match st
            .crm
            .module(name)
            .or_else(|| by_id.then(|| st.crm.module_by_id(name)).flatten())
        {
            Some(m) => Some(m.api_name.clone()),
            None => return errors::invalid_module(),
        },
        None => None,
    };
    if let Err(r) = auth::authorize(&owner, &op.scope, module.as_deref()) {
        return r;
    }
    if let Err(r) =
        crate::external::resolve(&st.crm, module.as_deref(), headers, &mut vars, &mut query)
    {
        return r;
    }
    if let Err(r) = validate::check_query(&shared.api, op, &query) {
        return r;
    }
    let ims = match validate::check_headers(op, headers) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let form = match headers
        .get("content-type")
        .and_then(|c| multipart::boundary(c))
    {
        Some(b) => match multipart::parse(&b, body) {
            Ok(parts) => Some(parts),
            Err(reason) => {
                return Reply::error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_DATA",
                    "invalid data",
                    json!({"reason": reason}),
                )
            }
        },
        None => None,
    };
    let module_def = module.as_deref().and_then(|m| st.crm.module(m));
    let raw_body = body.clone();
    let body = match validate::check_body(&shared.api, op, module_def, body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    st.crm.ensure_user(&owner.email);
    let user = st.crm.user_ref(&owner.email);
    let mut ctx = Ctx {
        vars,
        query,
        if_modified_since: ims,
        body,
        email: owner.email,
        user,
        module,
        now: crate::time::now_secs(),
        raw_body,
        form,
    };
    // Hand-written handlers serve the SDK's own operations; an operation from an extra spec file
    // shares a name with one only by chance, so it is served from its shape.
    if zohocrm_codegen::builtin::is_builtin_file(&op.source.file) {
        // The only handler that reads request headers (`feature`, `X-CRM-ORG`).
        if op.name == "upload_file" {
            return crate::bulk_write::upload_file(&mut st.crm, &mut ctx, headers);
        }
        let names = std::iter::once(&op.name).chain(op.aliases.iter());
        for name in names {
            if let Some(reply) = run(name, &mut st.crm, &mut ctx) {
                return reply;
            }
        }
    }
    crate::generic::serve(&shared.api, op, &mut st.crm, &mut ctx)
        .unwrap_or_else(|| errors::not_supported(&op.name))
}

// Operations sharing a path and method differ by query parameters: the search family by which
// required parameter is sent (exactly one must be), the user listings by a fixed `type` value
// (no `type`, or one no operation fixes, goes to the operation without a fixed value).
fn pick<'a>(
    ops: &[&'a Operation],
    query: &HashMap<String, String>,
) -> Result<&'a Operation, Reply> {
    if let [one] = ops {
        return Ok(one);
    }
    let sent = |k: &str| query.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let fixed = |o: &Operation| -> Vec<(String, String)> {
        o.params
            .iter()
            .filter(|p| p.location == Location::Query)
            .filter_map(|p| p.fixed.clone().map(|f| (p.key.clone(), f)))
            .collect()
    };
    let candidates: Vec<&'a Operation> = ops
        .iter()
        .copied()
        .filter(|o| validate::required_present(o, query))
        .collect();
    let exact: Vec<&'a Operation> = candidates
        .iter()
        .copied()
        .filter(|o| {
            let f = fixed(o);
            !f.is_empty()
                && f.iter()
                    .all(|(k, v)| sent(k).is_some_and(|s| s.eq_ignore_ascii_case(v)))
        })
        .collect();
    if let Some(first) = exact.first() {
        return Ok(first);
    }
    let generic: Vec<&'a Operation> = candidates
        .iter()
        .copied()
        .filter(|o| fixed(o).is_empty())
        .collect();
    if let [one] = generic.as_slice() {
        return Ok(one);
    }
    // Wire-identical twins (create_records / create_record) need the same query parameters;
    // the list form accepts everything the single form does, so it serves both.
    let required_keys = |o: &Operation| -> Vec<String> {
        let mut k: Vec<String> = o
            .params
            .iter()
            .filter(|p| !p.optional && p.fixed.is_none() && p.location == Location::Query)
            .map(|p| p.key.clone())
            .collect();
        k.sort();
        k
    };
    if let Some(first) = generic.first() {
        let keys = required_keys(first);
        if generic.iter().all(|o| required_keys(o) == keys) {
            let many = generic
                .iter()
                .find(|o| o.body.as_ref().is_some_and(|b| b.items == Items::Many));
            return Ok(many.copied().unwrap_or(first));
        }
    }
    if generic.is_empty() {
        // Only fixed-value operations share this path and none matched: take the first, whose
        // handler reads the parameter itself.
        if let Some(first) = candidates.iter().find(|o| !fixed(o).is_empty()) {
            return Ok(first);
        }
    }
    let required: Vec<&str> = ops
        .iter()
        .flat_map(|o| o.params.iter())
        .filter(|p| !p.optional && p.fixed.is_none() && p.location == Location::Query)
        .map(|p| p.key.as_str())
        .collect();
    let name = required
        .iter()
        .find(|k| **k == "criteria")
        .or(required.first())
        .copied()
        .unwrap_or("criteria");
    Err(errors::missing_param(name))
}

/// Runs the handler for an operation name; `None` when the emulator has none.
fn run(name: &str, crm: &mut Crm, ctx: &mut Ctx) -> Option<Reply> {
    Some(match name {
        "get_organization_details" | "get_org_details" => org::get_organization_details(crm, ctx),
        "get_current_user" => org::get_current_user(crm, ctx),
        "get_users" => org::get_users(crm, ctx),
        "get_user" => org::get_user(crm, ctx),
        "get_all_modules" => org::get_all_modules(crm, ctx),
        "get_module" => org::get_module(crm, ctx),
        "get_records" => records::get_records(crm, ctx),
        "coql" => crate::coql::query(crm, ctx),
        "create_bulk_read_job" => crate::bulk::create_read_job(crm, ctx),
        "get_bulk_read_job_details" => crate::bulk::get_read_job(crm, ctx),
        "download_result" => crate::bulk::download_read_result(crm, ctx),
        "create_bulk_write_job" => crate::bulk_write::create_write_job(crm, ctx),
        "get_bulk_write_job_details" => crate::bulk_write::get_write_job(crm, ctx),
        "get_record" => records::get_record(crm, ctx),
        "create_records" | "create_record" => records::create_records(crm, ctx),
        "update_records" | "update_record" => records::update_records(crm, ctx),
        "upsert_records" => records::upsert_records(crm, ctx),
        "delete_records" | "delete_record" => records::delete_records(crm, ctx),
        "search_records"
        | "search_records_by_phone"
        | "search_record_email"
        | "search_records_by_email"
        | "search_records_by_criteria" => records::search(crm, ctx),
        // Users, profiles, roles, variables, taxes, module metadata and tags.
        "create_user" => crate::users::create_user(crm, ctx),
        "update_user" => crate::users::update_user(crm, ctx),
        "delete_user" => crate::users::delete_user(crm, ctx),
        "get_profiles" | "get_all_profiles" => crate::profiles::get_profiles(crm, ctx),
        "get_profile" => crate::profiles::get_profile(crm, ctx),
        "get_all_roles" => crate::profiles::get_all_roles(crm, ctx),
        "get_role" => crate::profiles::get_role(crm, ctx),
        "get_variable_groups" => crate::variables::get_variable_groups(crm, ctx),
        "get_variable_group" => crate::variables::get_variable_group(crm, ctx),
        "get_variables" => crate::variables::get_variables(crm, ctx),
        "get_variable" => crate::variables::get_variable(crm, ctx),
        "create_variables" => crate::variables::create_variables(crm, ctx),
        "update_variables" => crate::variables::update_variables(crm, ctx),
        "update_variable" => crate::variables::update_variable(crm, ctx),
        "delete_variable" => crate::variables::delete_variable(crm, ctx),
        "get_organization_taxes" => crate::taxes::get_organization_taxes(crm, ctx),
        "get_organization_tax" => crate::taxes::get_organization_tax(crm, ctx),
        "create_organization_taxes" => crate::taxes::create_organization_taxes(crm, ctx),
        "update_organization_taxes" => crate::taxes::update_organization_taxes(crm, ctx),
        "delete_organization_taxes" => crate::taxes::delete_organization_taxes(crm, ctx),
        "delete_organization_tax" => crate::taxes::delete_organization_tax(crm, ctx),
        "get_fields" | "get_all_fields" => crate::metadata::get_fields(crm, ctx),
        "get_field" => crate::metadata::get_field(crm, ctx),
        "get_all_layouts" => crate::metadata::get_all_layouts(crm, ctx),
        "get_layout" => crate::metadata::get_layout(crm, ctx),
        "get_all_customviews" => crate::metadata::get_all_customviews(crm, ctx),
        "get_customview" => crate::metadata::get_customview(crm, ctx),
        "get_all_relatedlists" => crate::metadata::get_all_relatedlists(crm, ctx),
        "get_relatedlist" => crate::metadata::get_relatedlist(crm, ctx),
        "update_module_settings" => crate::metadata::update_module_settings(crm, ctx),
        "update_users" => crate::users::update_users(crm, ctx),
        "delete_variables" => crate::variables::delete_variables(crm, ctx),
        "update_tag" => crate::tags::update_tag(crm, ctx),
        "delete_attachments" => files::delete_attachments(crm, ctx),
        "get_territories" => crate::territories::get_territories(crm, ctx),
        "get_territory" => crate::territories::get_territory(crm, ctx),
        "upload_organization_photo" => crate::org_photo::upload_organization_photo(crm, ctx),
        "get_contact_roles" => crate::contact_roles::get_contact_roles(crm, ctx),
        "get_contact_role" => crate::contact_roles::get_contact_role(crm, ctx),
        "create_contact_roles" => crate::contact_roles::create_contact_roles(crm, ctx),
        "update_contact_roles" => crate::contact_roles::update_contact_roles(crm, ctx),
        "update_contact_role" => crate::contact_roles::update_contact_role(crm, ctx),
        "delete_contact_roles" => crate::contact_roles::delete_contact_roles(crm, ctx),
        "delete_contact_role" => crate::contact_roles::delete_contact_role(crm, ctx),
        "get_all_contact_roles_of_deal" => {
            crate::contact_roles::get_all_contact_roles_of_deal(crm, ctx)
        }
        "get_contact_role_of_deal" => crate::contact_roles::get_contact_role_of_deal(crm, ctx),
        "add_contact_role_to_deal" => crate::contact_roles::add_contact_role_to_deal(crm, ctx),
        "remove_contact_role_from_deal" => {
            crate::contact_roles::remove_contact_role_from_deal(crm, ctx)
        }
        "enable_notifications" => crate::notifications::enable_notifications(crm, ctx),
        "get_notification_details" => crate::notifications::get_notification_details(crm, ctx),
        "update_notifications" => crate::notifications::update_notifications(crm, ctx),
        "update_notification" | "disable_notification" => {
            crate::notifications::update_notification(crm, ctx)
        }
        "disable_notifications" => crate::notifications::disable_notifications(crm, ctx),
        "upload_files" => crate::org_files::upload_files(crm, ctx),
        "get_file" => crate::org_files::get_file(crm, ctx),
        "get_shared_record_details" => crate::sharing::get_shared_record_details(crm, ctx),
        "share_record" => crate::sharing::share_record(crm, ctx),
        "update_share_permissions" => crate::sharing::update_share_permissions(crm, ctx),
        "revoke_shared_record" => crate::sharing::revoke_shared_record(crm, ctx),
        "get_currencies" => crate::currencies::get_currencies(crm, ctx),
        "get_currency" => crate::currencies::get_currency(crm, ctx),
        "add_currencies" => crate::currencies::add_currencies(crm, ctx),
        "update_currencies" => crate::currencies::update_currencies(crm, ctx),
        "update_currency" => crate::currencies::update_currency(crm, ctx),
        "enable_multiple_currencies" => crate::currencies::enable_multiple_currencies(crm, ctx),
        "update_base_currency" => crate::currencies::update_base_currency(crm, ctx),
        "notes_get_notes" => crate::module_notes::get_notes(crm, ctx),
        "get_note" => crate::module_notes::get_note(crm, ctx),
        "create_notes" => crate::module_notes::create_notes(crm, ctx),
        "update_notes" => crate::module_notes::update_notes(crm, ctx),
        "notes_update_note" => crate::module_notes::update_note(crm, ctx),
        "delete_notes" => crate::module_notes::delete_notes(crm, ctx),
        "notes_delete_note" => crate::module_notes::delete_note(crm, ctx),
        "get_tags" => crate::tags::get_tags(crm, ctx),
        "get_tag_count" => crate::tags::get_tag_count(crm, ctx),
        "create_tags" => crate::tags::create_tags(crm, ctx),
        "update_tags" => crate::tags::update_tags(crm, ctx),
        "delete_tag" => crate::tags::delete_tag(crm, ctx),
        "merge_tag" => crate::tags::merge_tag(crm, ctx),
        "add_tags" | "add_tags_to_multiple_records" => crate::tags::add_tags(crm, ctx),
        "remove_tags" | "remove_tags_from_multiple_records" => crate::tags::remove_tags(crm, ctx),
        "get_deleted_records"
        | "get_all_deleted_records"
        | "get_recyclebin_records"
        | "get_permanently_deleted_records" => record_actions::get_deleted_records(crm, ctx),
        "mass_update_records" => record_actions::mass_update_records(crm, ctx),
        "get_mass_update_status" => record_actions::get_mass_update_status(crm, ctx),
        "convert_record" => record_actions::convert_record(crm, ctx),
        "get_notes" => notes::get_notes(crm, ctx),
        "add_note" => notes::add_note(crm, ctx),
        "update_note" => notes::update_note(crm, ctx),
        "delete_note" => notes::delete_note(crm, ctx),
        "get_attachments" | "note_get_attachments" => files::get_attachments(crm, ctx),
        "upload_attachment" | "upload_link_as_attachment" | "note_upload_attachment" => {
            files::upload_attachment(crm, ctx)
        }
        "download_attachment" | "note_download_attachment" => files::download_attachment(crm, ctx),
        "delete_attachment" | "note_delete_attachment" => files::delete_attachment(crm, ctx),
        "upload_photo" => files::upload_photo(crm, ctx),
        "download_photo" => files::download_photo(crm, ctx),
        "delete_photo" => files::delete_photo(crm, ctx),
        "get_related_records"
        | "get_relatedlist_records"
        | "get_related_records_using_external_id" => related::get_related_records(crm, ctx),
        "add_relation" | "update_related_record_using_external_id" => {
            related::add_relation(crm, ctx)
        }
        "remove_relation" | "delete_related_record_using_external_id" => {
            related::remove_relation(crm, ctx)
        }
        "update_related_records" | "update_related_records_using_external_id" => {
            related::update_related_records(crm, ctx)
        }
        "delink_records" | "delete_related_records_using_external_id" => {
            related::delink_records(crm, ctx)
        }
        "get_related_record" | "get_related_record_using_external_id" => {
            related::get_related_record(crm, ctx)
        }
        "get_record_using_external_id" => records::get_record(crm, ctx),
        "update_record_using_external_id" => records::update_records(crm, ctx),
        "delete_record_using_external_id" => records::delete_records(crm, ctx),
        "get_blueprint" => blueprint::get_blueprint(crm, ctx),
        "update_blueprint" => blueprint::update_blueprint(crm, ctx),
        n => match org::user_type_for(n) {
            Some(ty) => org::users_typed(crm, ctx, ty),
            None => return None,
        },
    })
}

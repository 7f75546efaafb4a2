//! Org-level settings the emulator keeps beside records (profiles, roles, variables, taxes and
//! tags), and the reply helpers their handlers share.
//!
//! Settings writes answer per item under their own key (`users`, `variables`, `taxes`, `tags`,
//! `modules`), with the same status rule as record writes: the success status when every item
//! succeeded, 207 when some did, 400 when none did.
//!
//! Unknown ids: a GET of one settings object (profile, role, variable, tax, field, layout, custom
//! view, related list) with an id the account does not have answers 400 `INVALID_DATA` "the id
//! given seems to be invalid" with `details.id`, as Zoho does for settings and users; only record
//! GETs answer 204.

use crate::context::Ctx;
use crate::errors::{self, item_error, Reply};
use crate::seed;
use crate::store::Crm;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// Org-level settings objects, as the API shows them.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Permission profiles.
    pub profiles: Vec<Value>,
    /// Roles, top of the hierarchy first.
    pub roles: Vec<Value>,
    /// Variable groups.
    pub variable_groups: Vec<Value>,
    /// Variables (`variable_group` holds `{api_name, id}`).
    pub variables: Vec<Value>,
    /// Org taxes, kept in `sequence_number` order.
    pub taxes: Vec<Value>,
    /// `preference` of `GET /org/taxes`.
    pub tax_preference: Value,
    /// Tags of every module; each carries an internal `$module` key the API never shows.
    pub tags: Vec<Value>,
    /// Territories, root first.
    pub territories: Vec<Value>,
    /// Currencies, the home one first; empty until multi-currency is enabled.
    pub currencies: Vec<Value>,
    /// Contact roles, in `sequence_number` order.
    pub contact_roles: Vec<Value>,
}

impl Settings {
    /// The seeded settings.
    pub fn seeded() -> Self {
        Settings {
            profiles: seed::profiles(),
            roles: seed::roles(),
            variable_groups: seed::variable_groups(),
            variables: seed::variables(),
            taxes: seed::taxes(),
            tax_preference: json!({"auto_populate_tax": true, "modify_tax_rates": true}),
            tags: seed::tags(),
            territories: crate::territories::seeded(),
            currencies: Vec::new(),
            contact_roles: crate::contact_roles::seeded(),
        }
    }
}

/// One successful item of a settings write.
pub fn success(message: &str, details: Value) -> Value {
    json!({"code": "SUCCESS", "details": details, "message": message, "status": "success"})
}

/// Per-item results under `key`: `ok` when all succeeded, 207 when mixed, 400 when all failed.
pub fn finish(key: &str, results: Vec<Value>, ok: StatusCode) -> Reply {
    let good = results
        .iter()
        .filter(|r| r.get("status").and_then(Value::as_str) == Some("success"))
        .count();
    let status = if good == results.len() {
        ok
    } else if good == 0 {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::MULTI_STATUS
    };
    let mut body = Map::new();
    body.insert(key.to_owned(), Value::Array(results));
    Reply::json(status, Value::Object(body))
}

/// The per-item error for an id the account does not have.
pub fn invalid_id_item(id: &str) -> Value {
    item_error(
        "INVALID_DATA",
        "the id given seems to be invalid",
        json!({"id": id}),
    )
}

/// The request-level error for an id the account does not have.
pub fn invalid_id(id: &str) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "INVALID_DATA",
        "the id given seems to be invalid",
        json!({"id": id}),
    )
}

/// MANDATORY_NOT_FOUND for one item.
pub fn mandatory(api_name: &str) -> Value {
    item_error(
        "MANDATORY_NOT_FOUND",
        "required field not found",
        json!({"api_name": api_name}),
    )
}

/// INVALID_DATA about one field of an item.
pub fn invalid_field(api_name: &str) -> Value {
    item_error(
        "INVALID_DATA",
        "invalid data",
        json!({"api_name": api_name}),
    )
}

/// INVALID_DATA about one field of an item, with Zoho's explanation.
pub fn invalid_field_msg(api_name: &str, message: &str) -> Value {
    item_error("INVALID_DATA", message, json!({"api_name": api_name}))
}

/// DUPLICATE_DATA naming the field and the object that already has the value.
pub fn duplicate(api_name: &str, existing_id: &str) -> Value {
    item_error(
        "DUPLICATE_DATA",
        "duplicate data",
        json!({"api_name": api_name, "id": existing_id}),
    )
}

/// The `id` of an object, or "".
pub fn id_of(v: &Value) -> &str {
    v.get("id").and_then(Value::as_str).unwrap_or("")
}

/// An id as clients send it: a string or a JSON number.
pub fn as_id(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) if n.is_u64() => Some(n.to_string()),
        Value::Object(o) => as_id(o.get("id")),
        _ => None,
    }
}

/// A non-blank string value.
pub fn text<'a>(item: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    item.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Body items of the request, each cleaned or already failed by validation.
pub fn items(ctx: &mut Ctx) -> Vec<Result<Map<String, Value>, Value>> {
    ctx.body.take().map(|b| b.items).unwrap_or_default()
}

/// `{name, id}` of the caller, as settings objects embed users.
pub fn by(ctx: &Ctx) -> Value {
    json!({"name": ctx.user.get("name").cloned().unwrap_or(Value::Null), "id": ctx.user.get("id").cloned().unwrap_or(Value::Null)})
}

/// The module named by the `module` query parameter (settings calls): missing answers
/// REQUIRED_PARAM_MISSING, unknown INVALID_MODULE.
pub fn module_param(crm: &Crm, ctx: &Ctx) -> Result<String, Reply> {
    if let Some(m) = &ctx.module {
        return Ok(m.clone());
    }
    let Some(name) = ctx.q("module") else {
        return Err(errors::missing_param("module"));
    };
    crm.module(name)
        .map(|m| m.api_name.clone())
        .ok_or_else(errors::invalid_module)
}

/// A list answer: 204 when empty, as Zoho answers empty settings lists.
pub fn list(key: &str, items: Vec<Value>) -> Reply {
    if items.is_empty() {
        return Reply::empty(StatusCode::NO_CONTENT);
    }
    let mut body = Map::new();
    body.insert(key.to_owned(), Value::Array(items));
    Reply::json(StatusCode::OK, Value::Object(body))
}

/// A single-object answer (a one-element array under `key`).
pub fn one(key: &str, item: Value) -> Reply {
    list(key, vec![item])
}

/// Zoho's per-item write answer under `key`: `write` runs on each body item in order; its `Ok`
/// details become a SUCCESS result carrying `message`, and an item that fails keeps its own
/// error object. `items` is taken from the body first, so `write` may borrow the request.
pub fn write_each(
    key: &str,
    items: Vec<Result<Map<String, Value>, Value>>,
    ok: StatusCode,
    message: &str,
    mut write: impl FnMut(Map<String, Value>) -> Result<Value, Value>,
) -> Reply {
    let results = items
        .into_iter()
        .map(|item| match item.and_then(&mut write) {
            Ok(details) => success(message, details),
            Err(e) => e,
        })
        .collect();
    finish(key, results, ok)
}

//! Org, user and module-metadata handlers.

use crate::context::Ctx;
use crate::errors::Reply;
use crate::store::Crm;
use crate::time::parse_iso;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// `GET /org`.
pub fn get_organization_details(crm: &mut Crm, _ctx: &mut Ctx) -> Reply {
    Reply::json(StatusCode::OK, json!({"org": [crm.org.clone()]}))
}

fn is_admin(u: &Value) -> bool {
    u.pointer("/profile/name").and_then(Value::as_str) == Some("Administrator")
}

fn status_is(u: &Value, s: &str) -> bool {
    u.get("status").and_then(Value::as_str) == Some(s)
}

fn confirmed(u: &Value) -> bool {
    u.get("confirm").and_then(Value::as_bool).unwrap_or(false)
}

/// Users matching a `type` value (unknown values list everyone, as AllUsers does).
fn users_of_type<'a>(crm: &'a Crm, ctx: &Ctx, ty: &str) -> Vec<&'a Value> {
    let me = ctx.email.as_str();
    crm.users
        .iter()
        // Only DeletedUsers lists deleted users; every other type is about the live ones.
        .filter(|u| ty == "DeletedUsers" || !status_is(u, "deleted"))
        .filter(|u| match ty {
            "CurrentUser" => u
                .get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case(me)),
            "ActiveUsers" => status_is(u, "active"),
            "DeactiveUsers" => status_is(u, "disabled"),
            "DeletedUsers" => status_is(u, "deleted"),
            "ConfirmedUsers" => confirmed(u),
            "NotConfirmedUsers" => !confirmed(u),
            "ActiveConfirmedUsers" => status_is(u, "active") && confirmed(u),
            "AdminUsers" => is_admin(u),
            "ActiveConfirmedAdmins" => is_admin(u) && status_is(u, "active") && confirmed(u),
            _ => !status_is(u, "deleted"),
        })
        .collect()
}

fn users_reply(users: Vec<&Value>, ctx: &Ctx) -> Reply {
    let mut users = users;
    if let Some(t) = ctx.if_modified_since {
        users.retain(|u| {
            u.get("Modified_Time")
                .and_then(Value::as_str)
                .and_then(parse_iso)
                .unwrap_or(0)
                > t
        });
        if users.is_empty() {
            return Reply::empty(StatusCode::NOT_MODIFIED);
        }
    }
    let page = ctx.q_int("page", 1).max(1);
    let per_page = ctx.q_int("per_page", 200).clamp(1, 200);
    let start = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    if start >= users.len() {
        return Reply::empty(StatusCode::NO_CONTENT);
    }
    let end = start.saturating_add(per_page as usize).min(users.len());
    let page_users: Vec<Value> = users[start..end].iter().map(|u| (*u).clone()).collect();
    Reply::json(
        StatusCode::OK,
        json!({
            "users": page_users,
            "info": {"per_page": per_page, "count": end - start, "page": page, "more_records": end < users.len()}
        }),
    )
}

/// `GET /users?type=CurrentUser` (and any other `type`, since they share the path).
pub fn get_users(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let ty = ctx.q("type").unwrap_or("AllUsers").to_owned();
    users_reply(users_of_type(crm, ctx, &ty), ctx)
}

/// `GET /users?type=CurrentUser`, whatever `type` says.
pub fn get_current_user(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let ty = ctx.q("type").unwrap_or("CurrentUser").to_owned();
    users_reply(users_of_type(crm, ctx, &ty), ctx)
}

/// The `type` an operation named like the official SDK's user listings stands for.
pub fn user_type_for(op: &str) -> Option<&'static str> {
    Some(match op {
        "get_all_users" => "AllUsers",
        "get_all_active_users" => "ActiveUsers",
        "get_all_deactive_users" => "DeactiveUsers",
        "get_all_active_confirmed_users" => "ActiveConfirmedUsers",
        "get_all_confirmed_users" => "ConfirmedUsers",
        "get_all_not_confirmed_users" => "NotConfirmedUsers",
        "get_all_deleted_users" => "DeletedUsers",
        "get_all_admin_users" => "AdminUsers",
        "get_all_active_confirmed_admin_users" => "ActiveConfirmedAdmins",
        _ => return None,
    })
}

/// A user listing with a fixed `type` (when the spec gives it no `type` parameter).
pub fn users_typed(crm: &Crm, ctx: &Ctx, default_ty: &str) -> Reply {
    let ty = ctx.q("type").unwrap_or(default_ty).to_owned();
    users_reply(users_of_type(crm, ctx, &ty), ctx)
}

/// `GET /users/{id}`.
pub fn get_user(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["user_id", "id"]).unwrap_or("");
    match crm.user_by_id(id) {
        Some(u) => Reply::json(
            StatusCode::OK,
            json!({"users": [u], "info": {"per_page": 200, "count": 1, "page": 1, "more_records": false}}),
        ),
        None => Reply::error(
            StatusCode::BAD_REQUEST,
            "INVALID_DATA",
            "the id given seems to be invalid",
            json!({"id": id}),
        ),
    }
}

/// `GET /settings/modules`.
pub fn get_all_modules(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let metas: Vec<Value> = crm.modules.iter().map(|m| m.meta.clone()).collect();
    if let Some(t) = ctx.if_modified_since {
        let changed = metas.iter().any(|m| {
            m.get("modified_time")
                .and_then(Value::as_str)
                .and_then(parse_iso)
                .unwrap_or(0)
                > t
        });
        if !changed {
            return Reply::empty(StatusCode::NOT_MODIFIED);
        }
    }
    Reply::json(StatusCode::OK, json!({"modules": metas}))
}

/// `GET /settings/modules/{api_name}`. An unknown name answers INVALID_MODULE with the name in
/// `details.api_name` (more useful to a client than Zoho's path index).
pub fn get_module(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let name = ctx.var(&["api_name", "module_api_name"]).unwrap_or("");
    match crm.module(name) {
        Some(m) => {
            let mut meta = m.meta.clone();
            // Full Field objects, the same as `GET /settings/fields` gives: clients read `id`
            // and `json_type` from them (zoho-python-sdk.md §4 Field; issue 8).
            let fields = crate::metadata::fields_of(crm, &m.api_name);
            if let Some(o) = meta.as_object_mut() {
                o.insert("fields".into(), json!(fields));
            }
            Reply::json(StatusCode::OK, json!({"modules": [meta]}))
        }
        None => Reply::error(
            StatusCode::BAD_REQUEST,
            "INVALID_MODULE",
            "the module name given seems to be invalid",
            json!({"api_name": name}),
        ),
    }
}

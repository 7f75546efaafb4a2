//! Sharing a record with users: `/{module}/{id}/actions/share` (zohocrmsdk2-0 6.0.0
//! ShareRecordsOperations). Shares live beside the record and go when it goes; reading them back
//! gives each user's permission and who shared it, plus the active users it could go to.
//!
//! Messages are the SDK's (`share_records.SuccessResponse`): "record will be shared
//! successfully" and "Sharing Revoked".

use crate::context::Ctx;
use crate::errors::{item_error, Reply};
use crate::extras::display_name;
use crate::notes::parent_of;
use crate::records::id_of;
use crate::settings::{as_id, finish, invalid_field, mandatory};
use crate::store::Crm;
use crate::time::format_iso;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

const PERMISSIONS: &[&str] = &["read_only", "read_write", "full_access"];
const SHARED: &str = "record will be shared successfully";

fn success(details: Value) -> Value {
    json!({"code": "SUCCESS", "details": details, "message": SHARED, "status": "success"})
}

fn user_id(share: &Value) -> &str {
    share
        .pointer("/user/id")
        .and_then(Value::as_str)
        .unwrap_or("")
}

// The record's key, or the request-level error for a record that does not exist.
fn record_key(crm: &Crm, ctx: &Ctx) -> Result<((String, String), Value), Reply> {
    let (module, rec) = parent_of(crm, ctx)?;
    Ok(((module, id_of(&rec).to_owned()), rec))
}

/// The user a share item names: an active user other than the caller.
fn target_user(crm: &Crm, ctx: &Ctx, item: &Map<String, Value>) -> Result<Value, Value> {
    let id = as_id(item.get("user")).ok_or_else(|| mandatory("user"))?;
    let user = crm
        .user_by_id(&id)
        .filter(|u| u.get("status").and_then(Value::as_str) == Some("active"))
        .ok_or_else(|| invalid_field("user"))?;
    if ctx.user.get("id").and_then(Value::as_str) == Some(id.as_str()) {
        return Err(item_error(
            "INVALID_DATA",
            "a record cannot be shared with oneself",
            json!({"api_name": "user"}),
        ));
    }
    Ok(json!({"name": user.get("full_name"), "id": id, "email": user.get("email")}))
}

fn permission(item: &Map<String, Value>) -> Result<&str, Value> {
    let p = item
        .get("permission")
        .and_then(Value::as_str)
        .ok_or_else(|| mandatory("permission"))?;
    PERMISSIONS
        .iter()
        .find(|x| **x == p)
        .copied()
        .ok_or_else(|| invalid_field("permission"))
}

/// Shares or re-shares; `must_exist` (an update) refuses users without a share yet.
fn upsert_share(crm: &mut Crm, ctx: &mut Ctx, must_exist: bool) -> Reply {
    let ((module, id), rec) = match record_key(crm, ctx) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let items = ctx.body.take().map(|b| b.items).unwrap_or_default();
    let module_meta = crm.module(&module).map(|m| m.meta.clone());
    let through = json!({
        "module": {"name": module, "id": module_meta.as_ref().and_then(|m| m.get("id")).cloned()},
        "id": id,
        "entity_name": display_name(&module, &rec),
    });
    let mut results = Vec::new();
    for item in items {
        let made = item.and_then(|i| {
            let user = target_user(crm, ctx, &i)?;
            let perm = permission(&i)?;
            let related = i
                .get("share_related_records")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let list = crm
                .extras
                .shares
                .entry((module.clone(), id.clone()))
                .or_default();
            let uid = user["id"].as_str().unwrap_or("").to_owned();
            let pos = list.iter().position(|s| user_id(s) == uid);
            if must_exist && pos.is_none() {
                return Err(item_error(
                    "INVALID_DATA",
                    "the record is not shared with this user",
                    json!({"api_name": "user", "id": uid}),
                ));
            }
            let share = json!({
                "share_related_records": related,
                "shared_through": through,
                "shared_time": format_iso(ctx.now),
                "permission": perm,
                "shared_by": ctx.user,
                "user": user,
            });
            match pos {
                Some(p) => list[p] = share,
                None => list.push(share),
            }
            Ok(json!({"user": {"id": uid}}))
        });
        results.push(match made {
            Ok(d) => success(d),
            Err(e) => e,
        });
    }
    finish("share", results, StatusCode::OK)
}

/// `GET /{module}/{id}/actions/share[?sharedTo=&view=]`.
pub fn get_shared_record_details(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (key, _) = match record_key(crm, ctx) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let only = ctx.q("sharedTo").map(str::to_owned);
    let shares: Vec<Value> = crm
        .extras
        .shares
        .get(&key)
        .map(|l| {
            l.iter()
                .filter(|s| only.as_deref().is_none_or(|u| user_id(s) == u))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut body = json!({"share": shares});
    if ctx.q("view") != Some("summary") {
        let me = ctx.user.get("id").cloned();
        let users: Vec<Value> = crm
            .users
            .iter()
            .filter(|u| u.get("status").and_then(Value::as_str) == Some("active"))
            .filter(|u| u.get("id").cloned() != me)
            .map(
                |u| json!({"name": u.get("full_name"), "id": u.get("id"), "email": u.get("email")}),
            )
            .collect();
        body["shareable_user"] = Value::Array(users);
    }
    Reply::json(StatusCode::OK, body)
}

/// `POST /{module}/{id}/actions/share`.
pub fn share_record(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    upsert_share(crm, ctx, false)
}

/// `PUT /{module}/{id}/actions/share`: only users the record is already shared with.
pub fn update_share_permissions(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    upsert_share(crm, ctx, true)
}

/// `DELETE /{module}/{id}/actions/share`: one result object (not a list) under `share`.
pub fn revoke_shared_record(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (key, _) = match record_key(crm, ctx) {
        Ok(k) => k,
        Err(r) => return r,
    };
    crm.extras.shares.remove(&key);
    Reply::json(
        StatusCode::OK,
        json!({"share": {"code": "SUCCESS", "details": {}, "message": "Sharing Revoked", "status": "success"}}),
    )
}

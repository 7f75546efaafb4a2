//! User writes: create (invite), update and delete. The listings in `org` read the same
//! `Crm::users`, so every change shows there: a new user is active but not yet confirmed, a
//! deleted one keeps its object with `status: "deleted"` and only `type=DeletedUsers` lists it.

use crate::context::Ctx;
use crate::errors::Reply;
use crate::seed;
use crate::settings::{
    self, as_id, by, duplicate, finish, invalid_field, invalid_id_item, mandatory, success, text,
};
use crate::store::Crm;
use crate::time::format_iso;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// Statuses a client may set; `deleted` only comes from DELETE.
const SETTABLE_STATUS: &[&str] = &["active", "disabled"];

/// Keys only the server sets.
const SERVER_KEYS: &[&str] = &[
    "id",
    "zuid",
    "full_name",
    "confirm",
    "created_time",
    "Modified_Time",
    "created_by",
    "Modified_By",
];

fn is_deleted(u: &Value) -> bool {
    u.get("status").and_then(Value::as_str) == Some("deleted")
}

/// `{name, id}` of the role or profile a `{id}` names, or the field's INVALID_DATA.
fn resolve(list: &[Value], item: &Map<String, Value>, key: &str) -> Result<Option<Value>, Value> {
    let Some(v) = item.get(key) else {
        return Ok(None);
    };
    let id = as_id(Some(v)).ok_or_else(|| invalid_field(key))?;
    list.iter()
        .find(|x| settings::id_of(x) == id)
        .map(|x| Some(json!({"name": x.get("name").cloned().unwrap_or(Value::Null), "id": id})))
        .ok_or_else(|| invalid_field(key))
}

// Other users (not deleted) already using this email.
fn email_taken<'a>(crm: &'a Crm, email: &str, except: Option<&str>) -> Option<&'a Value> {
    crm.users.iter().find(|u| {
        !is_deleted(u)
            && Some(settings::id_of(u)) != except
            && u.get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
    })
}

fn present(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    }
}

fn check_status(item: &Map<String, Value>) -> Result<(), Value> {
    match item.get("status") {
        None => Ok(()),
        Some(Value::String(s)) if SETTABLE_STATUS.contains(&s.as_str()) => Ok(()),
        Some(_) => Err(invalid_field("status")),
    }
}

fn create_one(crm: &mut Crm, ctx: &Ctx, mut item: Map<String, Value>) -> Result<Value, Value> {
    for key in ["email", "last_name", "role", "profile"] {
        if !present(item.get(key)) {
            return Err(mandatory(key));
        }
    }
    let email = text(&item, "email").unwrap_or_default().to_owned();
    if !email.contains('@') {
        return Err(invalid_field("email"));
    }
    if let Some(other) = email_taken(crm, &email, None) {
        return Err(duplicate("email", settings::id_of(other)));
    }
    let role = resolve(&crm.settings.roles, &item, "role")?;
    let profile = resolve(&crm.settings.profiles, &item, "profile")?;
    check_status(&item)?;
    for k in SERVER_KEYS {
        item.remove(*k);
    }
    let first = text(&item, "first_name").unwrap_or("").to_owned();
    let last = text(&item, "last_name").unwrap_or("").to_owned();
    let id = crm.new_id();
    let n = crm.users.len() as u64;
    let mut user = seed::user(n, &email, &first, &last, "", "");
    let obj = user.as_object_mut().ok_or_else(|| invalid_field("email"))?;
    for (k, v) in item {
        obj.insert(k, v);
    }
    let t = format_iso(ctx.now);
    let full = format!("{first} {last}").trim().to_owned();
    obj.insert("id".into(), json!(id));
    // zuid shares the id's counter so it stays unique however users come and go.
    obj.insert(
        "zuid".into(),
        json!(format!(
            "7{}",
            id.get(id.len().saturating_sub(8)..).unwrap_or(&id)
        )),
    );
    obj.insert("full_name".into(), json!(full));
    obj.entry("name").or_insert(json!(full));
    obj.insert("role".into(), role.unwrap_or(Value::Null));
    obj.insert("profile".into(), profile.unwrap_or(Value::Null));
    obj.entry("status").or_insert(json!("active"));
    // An invited user confirms later, by accepting the invitation email.
    obj.insert("confirm".into(), json!(false));
    obj.insert("created_time".into(), json!(t));
    obj.insert("Modified_Time".into(), json!(t));
    obj.insert("created_by".into(), by(ctx));
    obj.insert("Modified_By".into(), by(ctx));
    crm.users.push(user);
    Ok(json!({"id": id}))
}

/// `POST /users`.
pub fn create_user(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let items = settings::items(ctx);
    settings::write_each("users", items, StatusCode::CREATED, "User added", |i| {
        create_one(crm, ctx, i)
    })
}

fn update_one(
    crm: &mut Crm,
    ctx: &Ctx,
    id: &str,
    mut item: Map<String, Value>,
) -> Result<Value, Value> {
    let Some(pos) = crm
        .users
        .iter()
        .position(|u| settings::id_of(u) == id && !is_deleted(u))
    else {
        return Err(invalid_id_item(id));
    };
    // An update may leave a mandatory field out, but not clear it.
    for key in ["email", "last_name", "role", "profile"] {
        if item.contains_key(key) && !present(item.get(key)) {
            return Err(mandatory(key));
        }
    }
    if let Some(email) = text(&item, "email") {
        if !email.contains('@') {
            return Err(invalid_field("email"));
        }
        if let Some(other) = email_taken(crm, email, Some(id)) {
            return Err(duplicate("email", settings::id_of(other)));
        }
    }
    let role = resolve(&crm.settings.roles, &item, "role")?;
    let profile = resolve(&crm.settings.profiles, &item, "profile")?;
    check_status(&item)?;
    for k in SERVER_KEYS {
        item.remove(*k);
    }
    let Some(obj) = crm.users.get_mut(pos).and_then(Value::as_object_mut) else {
        return Err(invalid_id_item(id));
    };
    for (k, v) in item {
        obj.insert(k, v);
    }
    if let Some(r) = role {
        obj.insert("role".into(), r);
    }
    if let Some(p) = profile {
        obj.insert("profile".into(), p);
    }
    let part = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let full = format!("{} {}", part("first_name"), part("last_name"))
        .trim()
        .to_owned();
    obj.insert("full_name".into(), json!(full));
    obj.insert("Modified_Time".into(), json!(format_iso(ctx.now)));
    obj.insert("Modified_By".into(), by(ctx));
    Ok(json!({"id": id}))
}

/// `PUT /users/{id}`.
pub fn update_user(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["user_id", "id"]).unwrap_or("").to_owned();
    let items = settings::items(ctx);
    settings::write_each("users", items, StatusCode::OK, "User updated", |i| {
        update_one(crm, ctx, &id, i)
    })
}

/// `PUT /users`: each item names its user by `id` (zohocrmsdk2-0 6.0.0 `update_users`).
pub fn update_users(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let items = settings::items(ctx);
    settings::write_each("users", items, StatusCode::OK, "User updated", |i| {
        let id = settings::as_id(i.get("id")).ok_or_else(|| mandatory("id"))?;
        update_one(crm, ctx, &id, i)
    })
}

/// `DELETE /users/{id}`: the user stays, as `deleted`, for `type=DeletedUsers`.
pub fn delete_user(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["user_id", "id"]).unwrap_or("").to_owned();
    let now = format_iso(ctx.now);
    let who = by(ctx);
    let user = crm
        .users
        .iter_mut()
        .find(|u| settings::id_of(u) == id && !is_deleted(u))
        .and_then(Value::as_object_mut);
    let result = match user {
        Some(u) => {
            u.insert("status".into(), json!("deleted"));
            u.insert("Modified_Time".into(), json!(now));
            u.insert("Modified_By".into(), who);
            success("User deleted", json!({"id": id}))
        }
        None => invalid_id_item(&id),
    };
    finish("users", vec![result], StatusCode::OK)
}

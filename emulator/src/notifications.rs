//! Instant notification channels (`/actions/watch`, zohocrmsdk2-0 6.0.0 NotificationOperations).
//! A channel watches events `Module.create|edit|delete|all`, lives until `channel_expiry` (at
//! most one day ahead, one hour when absent; Zoho v2 docs, "Enable Notifications") and is listed
//! until then. The emulator keeps the subscriptions; it does not call `notify_url`.
//!
//! Messages are the SDK's (`notification.SuccessResponse`).

use crate::context::Ctx;
use crate::errors::{self, item_error, Reply};
use crate::settings::{self, as_id, duplicate, finish, invalid_field, mandatory, text};
use crate::store::Crm;
use crate::time::{format_iso, parse_iso};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

const SUBSCRIBED: &str = "Successfully subscribed for actions-watch of the given module";
const UNSUBSCRIBED: &str = "Successfully un-subscribed from actions-watch";
const UPDATED: &str = "Successfully updated the subscribe details";
const REMOVED: &str = "Successfully removed the subscribe details";
const OPERATIONS: &[&str] = &["create", "edit", "delete", "all"];
const DAY: i64 = 86_400;

fn channel_of(c: &Value) -> &str {
    c.get("channel_id").and_then(Value::as_str).unwrap_or("")
}

fn live(c: &Value, now: i64) -> bool {
    c.get("channel_expiry")
        .and_then(Value::as_str)
        .and_then(parse_iso)
        .is_some_and(|t| t > now)
}

/// The item's events as canonical `Module.operation`, or the error.
fn events(crm: &Crm, item: &Map<String, Value>) -> Result<Vec<String>, Value> {
    let list = item
        .get("events")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| mandatory("events"))?;
    list.iter()
        .map(|e| {
            let (m, op) = e
                .as_str()
                .and_then(|s| s.split_once('.'))
                .ok_or_else(|| invalid_field("events"))?;
            let module = crm.module(m).ok_or_else(|| invalid_field("events"))?;
            let op = OPERATIONS
                .iter()
                .find(|o| o.eq_ignore_ascii_case(op))
                .ok_or_else(|| invalid_field("events"))?;
            Ok(format!("{}.{op}", module.api_name))
        })
        .collect()
}

fn expiry(item: &Map<String, Value>, now: i64) -> Result<Option<String>, Value> {
    match item.get("channel_expiry").filter(|v| !v.is_null()) {
        None => Ok(None),
        Some(v) => {
            let t = v
                .as_str()
                .and_then(parse_iso)
                .ok_or_else(|| invalid_field("channel_expiry"))?;
            if t <= now || t > now + DAY {
                return Err(item_error(
                    "INVALID_DATA",
                    "channel_expiry must be within one day from now",
                    json!({"api_name": "channel_expiry"}),
                ));
            }
            Ok(Some(format_iso(t)))
        }
    }
}

/// Fields of a channel an item may set, checked.
fn settable(item: &Map<String, Value>, now: i64) -> Result<Map<String, Value>, Value> {
    let mut out = Map::new();
    if let Some(url) = item.get("notify_url") {
        let ok = url
            .as_str()
            .is_some_and(|u| u.starts_with("https://") || u.starts_with("http://"));
        if !ok {
            return Err(invalid_field("notify_url"));
        }
        out.insert("notify_url".into(), url.clone());
    }
    if let Some(token) = item.get("token") {
        if token.as_str().is_none_or(|t| t.chars().count() > 50) {
            return Err(invalid_field("token"));
        }
        out.insert("token".into(), token.clone());
    }
    if let Some(t) = expiry(item, now)? {
        out.insert("channel_expiry".into(), json!(t));
    }
    for k in ["notify_on_related_action", "fields"] {
        if let Some(v) = item.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    Ok(out)
}

/// What an enable or update reports: one entry per watched module.
fn details(crm: &Crm, c: &Value) -> Value {
    let mut modules: Vec<&str> = c
        .get("events")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    modules = modules
        .iter()
        .map(|e| e.split_once('.').map(|(m, _)| m).unwrap_or(e))
        .collect();
    modules.dedup();
    let events: Vec<Value> = modules
        .iter()
        .map(|m| {
            let id = crm.module(m).and_then(|d| d.meta.get("id").cloned());
            json!({
                "channel_expiry": c.get("channel_expiry"),
                "resource_uri": format!("https://www.zohoapis.com/crm/v2/{m}"),
                "resource_id": id,
                "resource_name": m,
                "channel_id": c.get("channel_id"),
            })
        })
        .collect();
    json!({"events": events})
}

fn ok(message: &str, details: Value) -> Value {
    settings::success(message, details)
}

fn find(crm: &Crm, id: &str, now: i64) -> Option<usize> {
    crm.extras
        .watches
        .iter()
        .position(|c| channel_of(c) == id && live(c, now))
}

fn enable_one(crm: &mut Crm, ctx: &Ctx, item: Map<String, Value>) -> Result<Value, Value> {
    let id = as_id(item.get("channel_id")).ok_or_else(|| mandatory("channel_id"))?;
    let evs = events(crm, &item)?;
    if text(&item, "notify_url").is_none() {
        return Err(mandatory("notify_url"));
    }
    if find(crm, &id, ctx.now).is_some() {
        return Err(duplicate("channel_id", &id));
    }
    let mut c = settable(&item, ctx.now)?;
    c.insert("channel_id".into(), json!(id));
    c.insert("events".into(), json!(evs));
    c.entry("channel_expiry")
        .or_insert_with(|| json!(format_iso(ctx.now + 3_600)));
    let c = Value::Object(c);
    let d = details(crm, &c);
    crm.extras.watches.retain(|w| channel_of(w) != id);
    crm.extras.watches.push(c);
    Ok(d)
}

/// Changes one channel: `replace` (PUT) swaps its events, otherwise (PATCH) the events are added,
/// or removed with `_delete_events: true` (a channel left without events stops).
fn change_one(
    crm: &mut Crm,
    ctx: &Ctx,
    item: Map<String, Value>,
    replace: bool,
) -> Result<(Value, &'static str), Value> {
    let id = as_id(item.get("channel_id")).ok_or_else(|| mandatory("channel_id"))?;
    let pos = find(crm, &id, ctx.now).ok_or_else(|| {
        item_error(
            "INVALID_DATA",
            "the given channel_id is not subscribed",
            json!({"api_name": "channel_id", "id": id}),
        )
    })?;
    let evs = if item.contains_key("events") {
        Some(events(crm, &item)?)
    } else if replace {
        return Err(mandatory("events"));
    } else {
        None
    };
    let delete = item.get("_delete_events").and_then(Value::as_bool) == Some(true);
    let fields = settable(&item, ctx.now)?;
    let c = &mut crm.extras.watches[pos];
    let mut current: Vec<String> = c
        .get("events")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let message = match (evs, delete) {
        (Some(e), true) => {
            current.retain(|x| !e.contains(x));
            REMOVED
        }
        (Some(e), false) if replace => {
            current = e;
            UPDATED
        }
        (Some(e), false) => {
            for x in e {
                if !current.contains(&x) {
                    current.push(x);
                }
            }
            UPDATED
        }
        (None, _) => UPDATED,
    };
    if let Some(o) = c.as_object_mut() {
        o.extend(fields);
        o.insert("events".into(), json!(current));
    }
    let c = c.clone();
    let d = details(crm, &c);
    if current.is_empty() {
        crm.extras.watches.remove(pos);
    }
    Ok((d, message))
}

/// `POST /actions/watch`: a channel id already live is DUPLICATE_DATA.
pub fn enable_notifications(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let results = settings::items(ctx)
        .into_iter()
        .map(|item| match item.and_then(|i| enable_one(crm, ctx, i)) {
            Ok(d) => ok(SUBSCRIBED, d),
            Err(e) => e,
        })
        .collect();
    finish("watch", results, StatusCode::OK)
}

fn change(crm: &mut Crm, ctx: &mut Ctx, replace: bool) -> Reply {
    let results = settings::items(ctx)
        .into_iter()
        .map(
            |item| match item.and_then(|i| change_one(crm, ctx, i, replace)) {
                Ok((d, m)) => ok(m, d),
                Err(e) => e,
            },
        )
        .collect();
    finish("watch", results, StatusCode::OK)
}

/// `PUT /actions/watch`.
pub fn update_notifications(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    change(crm, ctx, true)
}

/// `PATCH /actions/watch` (update_notification and disable_notification share it).
pub fn update_notification(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    change(crm, ctx, false)
}

/// `DELETE /actions/watch?channel_ids=`.
pub fn disable_notifications(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let ids = crate::params::id_list(ctx.q("channel_ids").unwrap_or(""));
    if ids.is_empty() {
        return errors::missing_param("channel_ids");
    }
    let results = ids
        .iter()
        .map(|id| match find(crm, id, ctx.now) {
            Some(pos) => {
                crm.extras.watches.remove(pos);
                ok(UNSUBSCRIBED, json!({"channel_id": id}))
            }
            None => item_error(
                "INVALID_DATA",
                "the given channel_id is not subscribed",
                json!({"api_name": "channel_ids", "id": id}),
            ),
        })
        .collect();
    finish("watch", results, StatusCode::OK)
}

/// `GET /actions/watch[?channel_id=&module=&page=&per_page=]`: live channels, 204 when none.
pub fn get_notification_details(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = ctx.q("module").map(str::to_owned);
    let channel = ctx.q("channel_id").map(str::to_owned);
    let listed: Vec<Value> = crm
        .extras
        .watches
        .iter()
        .filter(|c| live(c, ctx.now))
        .filter(|c| channel.as_deref().is_none_or(|id| channel_of(c) == id))
        .filter(|c| {
            module.as_deref().is_none_or(|m| {
                c.get("events").and_then(Value::as_array).is_some_and(|a| {
                    a.iter().filter_map(Value::as_str).any(|e| {
                        e.split_once('.')
                            .is_some_and(|(em, _)| em.eq_ignore_ascii_case(m))
                    })
                })
            })
        })
        .cloned()
        .collect();
    let page = ctx.q_int("page", 1).max(1) as usize;
    let per_page = ctx.q_int("per_page", 200).clamp(1, 200) as usize;
    let start = (page - 1).saturating_mul(per_page);
    if start >= listed.len() {
        return Reply::empty(StatusCode::NO_CONTENT);
    }
    let end = (start + per_page).min(listed.len());
    let data = listed[start..end].to_vec();
    Reply::json(
        StatusCode::OK,
        json!({"watch": data, "info": {"per_page": per_page, "count": data.len(), "page": page, "more_records": end < listed.len()}}),
    )
}

//! Operations a user adds to the spec (`EmulatorConfig::extra_specs`) are served from their
//! shape when no hand-written handler exists: list, get, create, update and delete of an entity
//! under an envelope key, on a per-path in-memory collection. Bodies were already checked
//! against the entity by `validate::check_body` (types, read-only keys dropped); this adds the
//! entity's mandatory fields and Zoho's record conventions.
//!
//! Conventions (Source: zoho-api-v2.md, "Response envelopes" and "Status codes"; the records
//! handlers in `records.rs` follow the same): a list is `{"<key>": [...], "info": {page,
//! per_page, count, more_records}}` and an empty one is 204; a missing item is 204; writes
//! answer one `{code, details, message, status}` per input item, 201 for creates when all
//! succeed, 207 when some do and 400 when none do; a blank mandatory field is
//! `MANDATORY_NOT_FOUND` with its `api_name`, an unknown id `INVALID_DATA`.

use crate::context::Ctx;
use crate::errors::{self, Reply};
use crate::records::{
    blank, finish_keyed, ids_to_delete, invalid_id, mandatory_missing, page_reply_keyed,
};
use crate::store::Crm;
use crate::time::format_iso;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use zohocrm_codegen::ir::{Api, Entity, Operation, PathSegment, ResponseKind};

/// Standard-shaped operations' items, by concrete collection path (`/shipments`,
/// `/Invoices/archived`).
pub type Collections = std::collections::HashMap<String, Vec<Value>>;

/// Serves `op` from its shape, or `None` when the shape is not one of the five standard ones.
pub fn serve(api: &Api, op: &Operation, crm: &mut Crm, ctx: &mut Ctx) -> Option<Reply> {
    let key = op.response.key.clone().unwrap_or_else(|| "data".to_owned());
    let mut segs = op.path_segments();
    let item_var = match segs.last() {
        Some(PathSegment::Var(v)) => Some(ctx.vars.get(v).cloned().unwrap_or_default()),
        _ => None,
    };
    if item_var.is_some() {
        segs.pop();
    }
    let path = concrete(&segs, ctx);
    let entity = op
        .body
        .as_ref()
        .map(|b| b.entity.as_str())
        .or(op.response.entity.as_deref())
        .and_then(|n| api.entity(n));
    let kind = op.response.kind;
    Some(match (op.method.as_str(), kind, item_var) {
        ("GET", ResponseKind::List, None) => {
            let items: Vec<&Value> = crm.generic.get(&path).into_iter().flatten().collect();
            page_reply_keyed(&key, &items, ctx, json!({}))
        }
        ("GET", ResponseKind::Single, Some(id)) => match find(crm, &path, &id) {
            Some(item) => Reply::json(StatusCode::OK, json!({ key: [item] })),
            None => Reply::empty(StatusCode::NO_CONTENT),
        },
        ("POST", ResponseKind::Action, None) if op.body.is_some() => {
            let results = body_items(ctx)?
                .into_iter()
                .map(|item| {
                    item.and_then(|i| create(crm, &path, entity, ctx, i))
                        .unwrap_or_else(|e| e)
                })
                .collect();
            finish_keyed(&key, results, StatusCode::CREATED)
        }
        ("PUT" | "PATCH", ResponseKind::Action, id) if op.body.is_some() => {
            let results = body_items(ctx)?
                .into_iter()
                .map(|item| {
                    item.and_then(|i| {
                        let id = id
                            .clone()
                            .or_else(|| i.get("id").and_then(Value::as_str).map(str::to_owned))
                            .ok_or_else(|| mandatory_missing("id"))?;
                        update(crm, &path, entity, ctx, &id, i)
                    })
                    .unwrap_or_else(|e| e)
                })
                .collect();
            finish_keyed(&key, results, StatusCode::OK)
        }
        ("DELETE", ResponseKind::Action, id) => {
            let ids = ids_to_delete(id.as_deref(), ctx);
            if ids.is_empty() {
                return Some(errors::missing_param("ids"));
            }
            let results = ids
                .iter()
                .map(|id| match remove(crm, &path, id) {
                    true => success(&json!({ "id": id }), "record deleted"),
                    false => invalid_id(id),
                })
                .collect();
            finish_keyed(&key, results, StatusCode::OK)
        }
        _ => return None,
    })
}

fn concrete(segs: &[PathSegment], ctx: &Ctx) -> String {
    let mut out = String::new();
    for s in segs {
        out.push('/');
        match s {
            PathSegment::Literal(l) => out.push_str(l),
            // The module's canonical name, so `/leads/x` and `/Leads/x` are one collection.
            PathSegment::Var(v) if v == "module_api_name" => {
                out.push_str(ctx.module.as_deref().unwrap_or_default())
            }
            PathSegment::Var(v) => out.push_str(ctx.vars.get(v).map(String::as_str).unwrap_or("")),
        }
    }
    out
}

fn body_items(ctx: &mut Ctx) -> Option<Vec<Result<Map<String, Value>, Value>>> {
    ctx.body.take().map(|b| b.items)
}

fn find<'a>(crm: &'a Crm, path: &str, id: &str) -> Option<&'a Value> {
    crm.generic
        .get(path)?
        .iter()
        .find(|v| v.get("id").and_then(Value::as_str) == Some(id))
}

fn remove(crm: &mut Crm, path: &str, id: &str) -> bool {
    let Some(items) = crm.generic.get_mut(path) else {
        return false;
    };
    let before = items.len();
    items.retain(|v| v.get("id").and_then(Value::as_str) != Some(id));
    items.len() != before
}

/// Every mandatory field for a create; only those being cleared for an update.
fn check_mandatory(
    entity: Option<&Entity>,
    item: &Map<String, Value>,
    create: bool,
) -> Result<(), Value> {
    for f in entity
        .into_iter()
        .flat_map(|e| &e.fields)
        .filter(|f| !f.optional && !f.read_only)
    {
        let sent = item.get(&f.key);
        if (create || sent.is_some()) && blank(sent) {
            return Err(mandatory_missing(&f.key));
        }
    }
    Ok(())
}

/// The server-set audit fields the entity declares.
fn stamp(entity: Option<&Entity>, item: &mut Map<String, Value>, ctx: &Ctx, create: bool) {
    let has = |k: &str| entity.is_some_and(|e| e.fields.iter().any(|f| f.key == k));
    let now = json!(format_iso(ctx.now));
    let mut set = |k: &str, v: &Value| {
        if has(k) {
            item.insert(k.to_owned(), v.clone());
        }
    };
    if create {
        set("Created_Time", &now);
        set("Created_By", &ctx.user);
    }
    set("Modified_Time", &now);
    set("Modified_By", &ctx.user);
}

fn create(
    crm: &mut Crm,
    path: &str,
    entity: Option<&Entity>,
    ctx: &Ctx,
    mut item: Map<String, Value>,
) -> Result<Value, Value> {
    item.remove("id");
    check_mandatory(entity, &item, true)?;
    let id = crm.new_id();
    item.insert("id".into(), json!(id));
    stamp(entity, &mut item, ctx, true);
    let stored = Value::Object(item);
    crm.generic
        .entry(path.to_owned())
        .or_default()
        .push(stored.clone());
    Ok(success(&stored, "record added"))
}

fn update(
    crm: &mut Crm,
    path: &str,
    entity: Option<&Entity>,
    ctx: &Ctx,
    id: &str,
    item: Map<String, Value>,
) -> Result<Value, Value> {
    check_mandatory(entity, &item, false)?;
    let stored = crm
        .generic
        .get_mut(path)
        .and_then(|items| {
            items
                .iter_mut()
                .find(|v| v.get("id").and_then(Value::as_str) == Some(id))
        })
        .and_then(Value::as_object_mut)
        .ok_or_else(|| invalid_id(id))?;
    for (k, v) in item {
        if k != "id" {
            stored.insert(k, v);
        }
    }
    stamp(entity, stored, ctx, false);
    Ok(success(&Value::Object(stored.clone()), "record updated"))
}

/// One item's success, with the id and whichever audit fields the item has.
fn success(item: &Value, message: &str) -> Value {
    let mut details = Map::new();
    for k in [
        "id",
        "Created_Time",
        "Modified_Time",
        "Created_By",
        "Modified_By",
    ] {
        if let Some(v) = item.get(k) {
            details.insert(k.to_owned(), v.clone());
        }
    }
    json!({"code": "SUCCESS", "details": details, "message": message, "status": "success"})
}

//! Tags: a module's tag list and the tags on records. A record carries its tags in its `Tag`
//! field (`[{name, id}]`); every count comes from those fields, so renames, deletes and merges
//! show on the records and in `records_count` at once.
//!
//! Limits are the Enterprise edition's (the emulated org's): 100 tags per module (the
//! `allowed_count` of `GET /settings/tags`) and 10 tags per record.

use crate::context::Ctx;
use crate::errors::{self, item_error, Reply};
use crate::settings::{
    self, as_id, by, duplicate, finish, invalid_field, invalid_id_item, mandatory, module_param,
    success, text,
};
use crate::store::Crm;
use crate::time::format_iso;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// Tags a module may have.
pub const MAX_TAGS_PER_MODULE: usize = 100;
/// Tags a record may carry.
pub const MAX_TAGS_PER_RECORD: usize = 10;

const MODULE_KEY: &str = "$module";

fn module_of_tag(t: &Value) -> &str {
    t.get(MODULE_KEY).and_then(Value::as_str).unwrap_or("")
}

fn name_of(t: &Value) -> &str {
    t.get("name").and_then(Value::as_str).unwrap_or("")
}

/// A tag as the API shows it (without the internal module key).
fn public(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(o) = t.as_object_mut() {
        o.remove(MODULE_KEY);
    }
    t
}

fn tags_in<'a>(crm: &'a Crm, module: &str) -> Vec<&'a Value> {
    crm.settings
        .tags
        .iter()
        .filter(|t| module_of_tag(t) == module)
        .collect()
}

fn by_name<'a>(crm: &'a Crm, module: &str, name: &str) -> Option<&'a Value> {
    tags_in(crm, module)
        .into_iter()
        .find(|t| name_of(t).eq_ignore_ascii_case(name))
}

fn by_id<'a>(crm: &'a Crm, id: &str) -> Option<&'a Value> {
    crm.settings.tags.iter().find(|t| settings::id_of(t) == id)
}

fn tag_ids(rec: &Value) -> Vec<String> {
    rec.get("Tag")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|t| as_id(t.get("id"))).collect())
        .unwrap_or_default()
}

/// Rewrites every record's `Tag` of `module` with `f` (given the current `[{name, id}]`).
fn retag_all(crm: &mut Crm, module: &str, f: impl Fn(Vec<Value>) -> Vec<Value>) {
    for r in crm.records_mut(module).iter_mut() {
        if let Some(o) = r.as_object_mut() {
            let cur = o
                .get("Tag")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            o.insert("Tag".into(), Value::Array(f(cur)));
        }
    }
}

fn new_tag(crm: &mut Crm, ctx: &Ctx, module: &str, name: &str) -> Value {
    let t = format_iso(ctx.now);
    let tag = json!({
        "id": crm.new_id(),
        "name": name,
        "created_time": t,
        "modified_time": t,
        "created_by": by(ctx),
        "modified_by": by(ctx),
        MODULE_KEY: module,
    });
    crm.settings.tags.push(tag.clone());
    tag
}

fn module_full(crm: &Crm, module: &str) -> bool {
    tags_in(crm, module).len() >= MAX_TAGS_PER_MODULE
}

fn module_limit_item() -> Value {
    item_error(
        "LIMIT_EXCEEDED",
        "the limit exceeded",
        json!({"api_name": "tags", "limit": MAX_TAGS_PER_MODULE.to_string()}),
    )
}

/// Puts the seed tags on a few seed records, so counts start non-zero.
pub fn tag_seed_records(crm: &mut Crm) {
    let plan: &[(&str, usize, &[&str])] = &[
        ("Leads", 0, &["Hot", "Conference"]),
        ("Leads", 1, &["Hot"]),
        ("Contacts", 0, &["VIP"]),
    ];
    for (module, index, names) in plan {
        let refs: Vec<Value> = names
            .iter()
            .filter_map(|n| by_name(crm, module, n))
            .map(|t| json!({"name": name_of(t), "id": settings::id_of(t)}))
            .collect();
        if let Some(rec) = crm
            .records_mut(module)
            .get_mut(*index)
            .and_then(Value::as_object_mut)
        {
            rec.insert("Tag".into(), Value::Array(refs));
        }
    }
}

/// `GET /settings/tags?module=[&my_tags=]`.
pub fn get_tags(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let me = ctx.user.get("id").cloned().unwrap_or(Value::Null);
    let mine_only = ctx.q("my_tags") == Some("true");
    let tags: Vec<Value> = tags_in(crm, &module)
        .into_iter()
        .filter(|t| !mine_only || t.pointer("/created_by/id") == Some(&me))
        .map(public)
        .collect();
    Reply::json(
        StatusCode::OK,
        json!({"tags": tags, "info": {"count": tags.len(), "allowed_count": MAX_TAGS_PER_MODULE}}),
    )
}

/// `GET /settings/tags/{id}/actions/records_count?module=`.
pub fn get_tag_count(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = ctx.var(&["tag_id", "id"]).unwrap_or("").to_owned();
    if by_id(crm, &id).is_none_or(|t| module_of_tag(t) != module) {
        return settings::invalid_id(&id);
    }
    let count = crm
        .records_of(&module)
        .iter()
        .filter(|r| tag_ids(r).contains(&id))
        .count();
    Reply::json(StatusCode::OK, json!({"count": count.to_string()}))
}

/// `POST /settings/tags?module=`.
pub fn create_tags(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let results = settings::items(ctx)
        .into_iter()
        .map(|item| {
            let item = match item {
                Ok(i) => i,
                Err(e) => return e,
            };
            let Some(name) = text(&item, "name") else {
                return mandatory("name");
            };
            if let Some(other) = by_name(crm, &module, name) {
                return duplicate("name", settings::id_of(other));
            }
            if module_full(crm, &module) {
                return module_limit_item();
            }
            let tag = new_tag(crm, ctx, &module, name);
            success("tags created successfully", public(&tag))
        })
        .collect();
    finish("tags", results, StatusCode::CREATED)
}

fn rename(
    crm: &mut Crm,
    ctx: &Ctx,
    module: &str,
    item: &Map<String, Value>,
) -> Result<Value, Value> {
    let id = as_id(item.get("id")).ok_or_else(|| mandatory("id"))?;
    if by_id(crm, &id).is_none_or(|t| module_of_tag(t) != module) {
        return Err(invalid_id_item(&id));
    }
    let name = text(item, "name")
        .ok_or_else(|| mandatory("name"))?
        .to_owned();
    if let Some(other) = by_name(crm, module, &name).filter(|t| settings::id_of(t) != id) {
        return Err(duplicate("name", settings::id_of(other)));
    }
    let tag = crm
        .settings
        .tags
        .iter_mut()
        .find(|t| settings::id_of(t) == id)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| invalid_id_item(&id))?;
    tag.insert("name".into(), json!(name));
    tag.insert("modified_time".into(), json!(format_iso(ctx.now)));
    tag.insert("modified_by".into(), by(ctx));
    let out = public(&Value::Object(tag.clone()));
    retag_all(crm, module, |tags| {
        tags.into_iter()
            .map(|t| {
                if as_id(t.get("id")).as_deref() == Some(&id) {
                    json!({"name": name, "id": id})
                } else {
                    t
                }
            })
            .collect()
    });
    Ok(out)
}

/// `PUT /settings/tags?module=`: renames; records show the new names.
pub fn update_tags(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let items = settings::items(ctx);
    settings::write_each(
        "tags",
        items,
        StatusCode::OK,
        "tags updated successfully",
        |i| rename(crm, ctx, &module, &i),
    )
}

/// `PUT /settings/tags/{id}?module=`: renames one tag (zohocrmsdk2-0 6.0.0 `update_tag`); the
/// id comes from the path, the new name from the one body item.
pub fn update_tag(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = ctx.var(&["tag_id"]).unwrap_or("").to_owned();
    let items = settings::items(ctx);
    settings::write_each(
        "tags",
        items,
        StatusCode::OK,
        "tags updated successfully",
        |mut i| {
            i.insert("id".into(), json!(id));
            rename(crm, ctx, &module, &i)
        },
    )
}

fn remove_tag(crm: &mut Crm, id: &str) -> Option<Value> {
    let pos = crm
        .settings
        .tags
        .iter()
        .position(|t| settings::id_of(t) == id)?;
    let tag = crm.settings.tags.remove(pos);
    let module = module_of_tag(&tag).to_owned();
    retag_all(crm, &module, |tags| {
        tags.into_iter()
            .filter(|t| as_id(t.get("id")).as_deref() != Some(id))
            .collect()
    });
    Some(tag)
}

/// `DELETE /settings/tags/{id}`: the tag leaves every record too.
pub fn delete_tag(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["tag_id", "id"]).unwrap_or("").to_owned();
    let result = match remove_tag(crm, &id) {
        Some(_) => success("tags deleted successfully", json!({"id": id})),
        None => invalid_id_item(&id),
    };
    finish("tags", vec![result], StatusCode::OK)
}

fn merge(crm: &mut Crm, id: &str, item: &Map<String, Value>) -> Result<Value, Value> {
    let target = by_id(crm, id).cloned().ok_or_else(|| invalid_id_item(id))?;
    let conflict_id = as_id(item.get("conflict_id")).ok_or_else(|| mandatory("conflict_id"))?;
    let conflict = by_id(crm, &conflict_id).cloned();
    let module = module_of_tag(&target).to_owned();
    let same_module = conflict
        .as_ref()
        .is_some_and(|c| module_of_tag(c) == module);
    if conflict_id == id || !same_module {
        return Err(invalid_field("conflict_id"));
    }
    let target_ref = json!({"name": name_of(&target), "id": id});
    retag_all(crm, &module, |tags| {
        let had = tags
            .iter()
            .any(|t| as_id(t.get("id")).as_deref() == Some(&conflict_id));
        let has = tags
            .iter()
            .any(|t| as_id(t.get("id")).as_deref() == Some(id));
        let mut out: Vec<Value> = tags
            .into_iter()
            .filter(|t| as_id(t.get("id")).as_deref() != Some(&conflict_id))
            .collect();
        if had && !has {
            out.push(target_ref.clone());
        }
        out
    });
    remove_tag(crm, &conflict_id);
    Ok(public(&target))
}

/// `POST /settings/tags/{id}/actions/merge`: records tagged with `conflict_id` get this tag,
/// and the conflict tag is deleted.
pub fn merge_tag(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["tag_id", "id"]).unwrap_or("").to_owned();
    let items = settings::items(ctx);
    settings::write_each(
        "tags",
        items,
        StatusCode::OK,
        "tags merged successfully",
        |i| merge(crm, &id, &i),
    )
}

/// Comma-separated names, trimmed, without blanks or (case-insensitive) repeats.
fn names_param(ctx: &Ctx) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in ctx.q("tag_names").unwrap_or("").split(',').map(str::trim) {
        if !n.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(n)) {
            out.push(n.to_owned());
        }
    }
    out
}

fn ids_param(ctx: &Ctx) -> Vec<String> {
    if let Some(id) = ctx.var(&["record_id", "id"]) {
        return vec![id.to_owned()];
    }
    ctx.q("ids")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The per-record results under `data`, with the counters Zoho adds to tag actions.
fn record_reply(results: Vec<Value>) -> Reply {
    let ok = results
        .iter()
        .filter(|r| r.get("status").and_then(Value::as_str) == Some("success"))
        .count();
    let mut reply = finish("data", results, StatusCode::OK);
    if let Some(o) = reply.body.as_mut().and_then(Value::as_object_mut) {
        o.insert("wf_scheduler".into(), json!(false));
        o.insert("success_count".into(), json!(ok.to_string()));
        o.insert("locked_count".into(), json!("0"));
    }
    reply
}

fn set_record_tags(crm: &mut Crm, module: &str, id: &str, tags: Vec<Value>) {
    if let Some(rec) = crm.find_mut(module, id).and_then(Value::as_object_mut) {
        rec.insert("Tag".into(), Value::Array(tags));
    }
}

fn tagged(id: &str, rec_tags: &[Value]) -> Value {
    let names: Vec<Value> = rec_tags
        .iter()
        .filter_map(|t| t.get("name").cloned())
        .collect();
    success(
        "tags updated successfully",
        json!({"id": id, "tags": names}),
    )
}

/// `POST /{module}/actions/add_tags` and `POST /{module}/{id}/actions/add_tags`: names the
/// module lacks become new tags, but only when some record takes them.
pub fn add_tags(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let names = names_param(ctx);
    let ids = ids_param(ctx);
    if names.is_empty() {
        return errors::missing_param("tag_names");
    }
    if ids.is_empty() {
        return errors::missing_param("ids");
    }
    let over_write = ctx.q("over_write") == Some("true");
    // First decide per record, by name, so a refused request creates no tags.
    let plans: Vec<Result<Vec<String>, Value>> = ids
        .iter()
        .map(|id| {
            let rec = crm.find(&module, id).ok_or_else(|| invalid_id_item(id))?;
            let mut keep: Vec<String> = if over_write {
                Vec::new()
            } else {
                rec.get("Tag")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(|t| name_of(t).to_owned()).collect())
                    .unwrap_or_default()
            };
            for n in &names {
                if !keep.iter().any(|k| k.eq_ignore_ascii_case(n)) {
                    keep.push(n.clone());
                }
            }
            if keep.len() > MAX_TAGS_PER_RECORD {
                return Err(item_error(
                    "LIMIT_EXCEEDED",
                    "the limit exceeded",
                    json!({"id": id, "api_name": "Tag", "limit": MAX_TAGS_PER_RECORD.to_string()}),
                ));
            }
            Ok(keep)
        })
        .collect();
    if plans.iter().any(Result::is_ok) {
        let missing: Vec<&String> = names
            .iter()
            .filter(|n| by_name(crm, &module, n).is_none())
            .collect();
        if tags_in(crm, &module).len() + missing.len() > MAX_TAGS_PER_MODULE {
            return errors::limit_exceeded("tag_names", MAX_TAGS_PER_MODULE as u64);
        }
        for n in missing {
            new_tag(crm, ctx, &module, n);
        }
    }
    let results = ids
        .iter()
        .zip(plans)
        .map(|(id, plan)| {
            let keep = match plan {
                Ok(k) => k,
                Err(e) => return e,
            };
            let tags: Vec<Value> = keep
                .iter()
                .filter_map(|n| by_name(crm, &module, n))
                .map(|t| json!({"name": name_of(t), "id": settings::id_of(t)}))
                .collect();
            set_record_tags(crm, &module, id, tags.clone());
            tagged(id, &tags)
        })
        .collect();
    record_reply(results)
}

/// `POST /{module}/actions/remove_tags` and `POST /{module}/{id}/actions/remove_tags`: names
/// the record does not carry are ignored.
pub fn remove_tags(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let names = names_param(ctx);
    let ids = ids_param(ctx);
    if names.is_empty() {
        return errors::missing_param("tag_names");
    }
    if ids.is_empty() {
        return errors::missing_param("ids");
    }
    let results = ids
        .iter()
        .map(|id| {
            let Some(rec) = crm.find(&module, id) else {
                return invalid_id_item(id);
            };
            let tags: Vec<Value> = rec
                .get("Tag")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|t| {
                    let n = t.get("name").and_then(Value::as_str).unwrap_or("");
                    !names.iter().any(|x| x.eq_ignore_ascii_case(n))
                })
                .collect();
            set_record_tags(crm, &module, id, tags.clone());
            tagged(id, &tags)
        })
        .collect();
    record_reply(results)
}

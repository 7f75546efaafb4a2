//! Notes at module level, on `/Notes[/{id}]` (zohocrmsdk2-0 6.0.0 NotesOperations). Each note
//! written here names its record by `Parent_Id` (an id, or `{"id"}`) and its module by
//! `se_module` (or `$se_module`, the key the official SDK's Note model sends); the notes are the
//! same ones `/{module}/{id}/Notes` shows.

use crate::context::Ctx;
use crate::errors::{self, item_error, Reply};
use crate::notes::{insert_note, with_attachments};
use crate::records::{self, blank, finish, mandatory_missing, modified, success};
use crate::settings::as_id;
use crate::store::Crm;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

fn items(ctx: &mut Ctx) -> Vec<Result<Map<String, Value>, Value>> {
    ctx.body.take().map(|b| b.items).unwrap_or_default()
}

fn bad_field(api_name: &str) -> Value {
    item_error(
        "INVALID_DATA",
        "invalid data",
        json!({"api_name": api_name}),
    )
}

// The parent a new note names: its module and the record itself.
fn parent(crm: &Crm, item: &Map<String, Value>) -> Result<(String, Value), Value> {
    let module = ["se_module", "$se_module"]
        .iter()
        .find_map(|k| item.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| mandatory_missing("se_module"))?;
    let module = crm
        .module(module)
        .map(|m| m.api_name.clone())
        .ok_or_else(|| bad_field("se_module"))?;
    let id = as_id(item.get("Parent_Id")).ok_or_else(|| mandatory_missing("Parent_Id"))?;
    let rec = crm
        .find(&module, &id)
        .cloned()
        .ok_or_else(|| bad_field("Parent_Id"))?;
    Ok((module, rec))
}

fn create_one(crm: &mut Crm, ctx: &Ctx, item: Map<String, Value>) -> Value {
    if blank(item.get("Note_Content")) {
        return mandatory_missing("Note_Content");
    }
    let (module, rec) = match parent(crm, &item) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let title = item.get("Note_Title").cloned().unwrap_or(Value::Null);
    let content = item.get("Note_Content").cloned().unwrap_or(Value::Null);
    let note = insert_note(crm, ctx, &module, &rec, title, content);
    success(&note, "record added")
}

fn update_one(crm: &mut Crm, ctx: &Ctx, id: &str, item: Map<String, Value>) -> Value {
    if crm.find("Notes", id).is_none() {
        return records::invalid_id(id);
    }
    if item.contains_key("Note_Content") && blank(item.get("Note_Content")) {
        return mandatory_missing("Note_Content");
    }
    let change: Map<String, Value> = item
        .into_iter()
        .filter(|(k, _)| k == "Note_Title" || k == "Note_Content")
        .collect();
    match crm.update("Notes", id, change, &ctx.user, ctx.now) {
        Some(note) => success(&note, "record updated"),
        None => records::invalid_id(id),
    }
}

fn delete_one(crm: &mut Crm, id: &str) -> Value {
    if !crm.delete("Notes", id) {
        return records::invalid_id(id);
    }
    crm.drop_children("Notes", id);
    json!({"code": "SUCCESS", "details": {"id": id}, "message": "record deleted", "status": "success"})
}

/// `GET /Notes`: every note, newest change first, with `info`; 304 when none changed since
/// `If-Modified-Since`.
pub fn get_notes(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let listed: Vec<Value> = crm
        .records_of("Notes")
        .iter()
        .filter(|n| ctx.if_modified_since.is_none_or(|t| modified(n) > t))
        .map(|n| with_attachments(crm, n))
        .collect();
    if listed.is_empty() && ctx.if_modified_since.is_some() {
        return Reply::empty(StatusCode::NOT_MODIFIED);
    }
    let mut refs: Vec<&Value> = listed.iter().collect();
    records::sort(&mut refs, "Modified_Time", false);
    records::page_reply(
        &refs,
        ctx,
        json!({"sort_by": "Modified_Time", "sort_order": "desc"}),
    )
}

/// `GET /Notes/{id}`: 204 for an id that is no note, as record GETs answer.
pub fn get_note(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["note_id"]).unwrap_or("");
    match crm.find("Notes", id) {
        Some(n) if ctx.if_modified_since.is_some_and(|t| modified(n) <= t) => {
            Reply::empty(StatusCode::NOT_MODIFIED)
        }
        Some(n) => {
            let fields = ctx.q("fields").map(crate::params::id_list);
            let n = records::project(&with_attachments(crm, n), fields.as_deref());
            Reply::json(StatusCode::OK, json!({"data": [n]}))
        }
        None => Reply::empty(StatusCode::NO_CONTENT),
    }
}

/// `POST /Notes`.
pub fn create_notes(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let results = items(ctx)
        .into_iter()
        .map(|item| match item {
            Ok(i) => create_one(crm, ctx, i),
            Err(e) => e,
        })
        .collect();
    finish(results, StatusCode::CREATED)
}

/// `PUT /Notes`: each item names its note by `id`.
pub fn update_notes(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let results = items(ctx)
        .into_iter()
        .map(|item| match item {
            Ok(i) => match as_id(i.get("id")) {
                Some(id) => update_one(crm, ctx, &id, i),
                None => mandatory_missing("id"),
            },
            Err(e) => e,
        })
        .collect();
    finish(results, StatusCode::OK)
}

/// `PUT /Notes/{id}`.
pub fn update_note(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["note_id"]).unwrap_or("").to_owned();
    let results = items(ctx)
        .into_iter()
        .map(|item| match item {
            Ok(i) => update_one(crm, ctx, &id, i),
            Err(e) => e,
        })
        .collect();
    finish(results, StatusCode::OK)
}

/// `DELETE /Notes?ids=`: one result per id, in order.
pub fn delete_notes(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let ids = crate::params::id_list(ctx.q("ids").unwrap_or(""));
    if ids.is_empty() {
        return errors::missing_param("ids");
    }
    let results = ids.iter().map(|id| delete_one(crm, id)).collect();
    finish(results, StatusCode::OK)
}

/// `DELETE /Notes/{id}`.
pub fn delete_note(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["note_id"]).unwrap_or("").to_owned();
    finish(vec![delete_one(crm, &id)], StatusCode::OK)
}

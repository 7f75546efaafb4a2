//! Notes on records. Notes are records of the `Notes` module (so `GET /Notes` lists them too)
//! that point at their parent through `Parent_Id` and `$se_module`; they go when the parent goes.

use crate::context::Ctx;
use crate::errors::Reply;
use crate::extras::display_name;
use crate::records::{self, blank, finish, id_of, mandatory_missing, success};
use crate::store::Crm;
use crate::time::format_iso;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// The record a child operation is about: `/{module}/{record_id}/...`, or the note of
/// `/Notes/{note_id}/...`. A parent that does not exist is INVALID_DATA, as Zoho answers.
pub fn parent_of(crm: &Crm, ctx: &Ctx) -> Result<(String, Value), Reply> {
    let (module, id) = match &ctx.module {
        Some(m) => (m.clone(), ctx.var(&["record_id", "id"]).unwrap_or("")),
        None => ("Notes".to_owned(), ctx.var(&["note_id"]).unwrap_or("")),
    };
    match crm.find(&module, id) {
        Some(r) => Ok((module, r.clone())),
        None => Err(Reply::json(
            StatusCode::BAD_REQUEST,
            records::invalid_id(id),
        )),
    }
}

/// Stores a new note on a record and returns it.
pub fn insert_note(
    crm: &mut Crm,
    ctx: &Ctx,
    parent_module: &str,
    parent: &Value,
    title: Value,
    content: Value,
) -> Value {
    let id = crm.new_id();
    let t = format_iso(ctx.now);
    let note = json!({
        "Owner": ctx.user,
        "Modified_Time": t,
        "$attachments": null,
        "Created_Time": t,
        "Parent_Id": {"name": display_name(parent_module, parent), "id": id_of(parent)},
        "$editable": true,
        "$se_module": parent_module,
        "$is_shared_to_client": false,
        "Modified_By": ctx.user,
        "$size": null,
        "$state": "save",
        "$voice_note": false,
        "id": id,
        "Created_By": ctx.user,
        "Note_Title": title,
        "Note_Content": content,
    });
    crm.push_record("Notes", note.clone());
    note
}

fn notes_of<'a>(crm: &'a Crm, parent_id: &str) -> Vec<&'a Value> {
    crm.records_of("Notes")
        .iter()
        .filter(|n| n.pointer("/Parent_Id/id").and_then(Value::as_str) == Some(parent_id))
        .collect()
}

// A note as listed: its attachments and their total size are read from the attachment store.
pub(crate) fn with_attachments(crm: &Crm, note: &Value) -> Value {
    let id = id_of(note);
    let atts: Vec<&crate::extras::Attachment> = crm
        .extras
        .attachments
        .iter()
        .filter(|a| a.parent_module == "Notes" && a.parent_id == id)
        .collect();
    let mut out = note.clone();
    if let (Some(o), false) = (out.as_object_mut(), atts.is_empty()) {
        let size: usize = atts
            .iter()
            .filter_map(|a| a.file.as_ref().map(|f| f.bytes.len()))
            .sum();
        let metas: Vec<Value> = atts.iter().map(|a| a.meta.clone()).collect();
        o.insert("$attachments".into(), Value::Array(metas));
        o.insert("$size".into(), json!(size));
    }
    out
}

/// `GET /{module}/{id}/Notes`.
pub fn get_notes(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (_, parent) = match parent_of(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let listed: Vec<Value> = notes_of(crm, id_of(&parent))
        .into_iter()
        .map(|n| with_attachments(crm, n))
        .collect();
    let mut refs: Vec<&Value> = listed.iter().collect();
    let sort_by = ctx.q("sort_by").unwrap_or("Modified_Time").to_owned();
    let sort_order = ctx.q("sort_order").unwrap_or("desc").to_owned();
    records::sort(&mut refs, &sort_by, sort_order == "asc");
    records::page_reply(
        &refs,
        ctx,
        json!({"sort_by": sort_by, "sort_order": sort_order}),
    )
}

fn first_item(ctx: &mut Ctx) -> Result<Map<String, Value>, Reply> {
    match ctx.body.take().and_then(|b| b.items.into_iter().next()) {
        Some(Ok(item)) => Ok(item),
        Some(Err(e)) => Err(finish(vec![e], StatusCode::OK)),
        None => Err(crate::errors::missing_param("data")),
    }
}

/// `POST /{module}/{id}/Notes`.
pub fn add_note(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, parent) = match parent_of(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let item = match first_item(ctx) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if blank(item.get("Note_Content")) {
        return finish(vec![mandatory_missing("Note_Content")], StatusCode::CREATED);
    }
    let title = item.get("Note_Title").cloned().unwrap_or(Value::Null);
    let content = item.get("Note_Content").cloned().unwrap_or(Value::Null);
    let note = insert_note(crm, ctx, &module, &parent, title, content);
    finish(vec![success(&note, "record added")], StatusCode::CREATED)
}

// The note `note_id` when it belongs to the parent in the path.
fn own_note(crm: &Crm, parent: &Value, note_id: &str) -> bool {
    crm.find("Notes", note_id)
        .and_then(|n| n.pointer("/Parent_Id/id"))
        .and_then(Value::as_str)
        == Some(id_of(parent))
}

/// `PUT /{module}/{id}/Notes/{note_id}`.
pub fn update_note(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (_, parent) = match parent_of(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let note_id = ctx.var(&["note_id"]).unwrap_or("").to_owned();
    let item = match first_item(ctx) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if !own_note(crm, &parent, &note_id) {
        return finish(vec![records::invalid_id(&note_id)], StatusCode::OK);
    }
    if item.contains_key("Note_Content") && blank(item.get("Note_Content")) {
        return finish(vec![mandatory_missing("Note_Content")], StatusCode::OK);
    }
    let change: Map<String, Value> = item
        .into_iter()
        .filter(|(k, _)| k == "Note_Title" || k == "Note_Content")
        .collect();
    match crm.update("Notes", &note_id, change, &ctx.user, ctx.now) {
        Some(note) => finish(vec![success(&note, "record updated")], StatusCode::OK),
        None => finish(vec![records::invalid_id(&note_id)], StatusCode::OK),
    }
}

/// `DELETE /{module}/{id}/Notes/{note_id}`.
pub fn delete_note(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (_, parent) = match parent_of(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let note_id = ctx.var(&["note_id"]).unwrap_or("").to_owned();
    if !own_note(crm, &parent, &note_id) {
        return finish(vec![records::invalid_id(&note_id)], StatusCode::OK);
    }
    crm.delete("Notes", &note_id);
    crm.drop_children("Notes", &note_id);
    finish(
        vec![
            json!({"code": "SUCCESS", "details": {"id": note_id}, "message": "record deleted", "status": "success"}),
        ],
        StatusCode::OK,
    )
}

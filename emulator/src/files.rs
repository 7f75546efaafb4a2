//! Attachments (of records and of notes) and record photos: multipart uploads kept byte for
//! byte, and downloads that give the same bytes back.

use crate::context::Ctx;
use crate::errors::{FileBody, Reply};
use crate::extras::{display_name, Attachment, StoredFile};
use crate::multipart::Part;
use crate::notes::parent_of;
use crate::records::{self, finish, id_of, success};
use crate::store::Crm;
use crate::time::format_iso;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// Modules whose records have a photo (the official SDK's `PHOTO_SUPPORTED_MODULES`).
pub const PHOTO_MODULES: &[&str] = &["Leads", "Contacts", "Accounts", "Products", "Vendors"];

pub(crate) fn invalid(details: Value) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "INVALID_DATA",
        "invalid data",
        details,
    )
}

/// Every non-empty `file` part (an upload of several files).
pub(crate) fn file_parts(form: &[Part]) -> Vec<&Part> {
    form.iter()
        .filter(|p| p.name == "file" && !p.data.is_empty())
        .collect()
}

/// The `file` part, unless it is the empty placeholder some clients send beside `attachmentUrl`.
fn file_part(form: &[Part]) -> Option<&Part> {
    form.iter().find(|p| {
        p.name == "file" && !(p.file_name.as_deref().unwrap_or("").is_empty() && p.data.is_empty())
    })
}

fn url_part(form: &[Part]) -> Option<String> {
    form.iter()
        .find(|p| p.name == "attachmentUrl")
        .map(Part::text)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn guess_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "webp" => "image/webp",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Checks the size limit and keeps the part's bytes (no copy: they are a slice of the body).
pub(crate) fn stored(crm: &Crm, part: &Part) -> Result<StoredFile, Reply> {
    let limit = crm.extras.max_upload_bytes;
    if part.data.len() as u64 > limit {
        return Err(too_large(limit));
    }
    let file_name = part
        .file_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "file".to_owned());
    let content_type = part
        .content_type
        .clone()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| guess_type(&file_name).to_owned());
    Ok(StoredFile {
        file_name,
        content_type,
        bytes: part.data.clone(),
    })
}

/// 413 for an upload above the limit.
pub fn too_large(limit: u64) -> Reply {
    Reply::error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "FILE_SIZE_MORE_THAN_ALLOWED_SIZE",
        "file size is more than the allowed size",
        json!({"limit": limit.to_string(), "param_name": "file"}),
    )
}

fn attachments_of<'a>(crm: &'a Crm, module: &str, id: &str) -> Vec<&'a Value> {
    crm.extras
        .attachments
        .iter()
        .filter(|a| a.parent_module == module && a.parent_id == id)
        .map(|a| &a.meta)
        .collect()
}

/// `GET /{module}/{id}/Attachments` and `GET /Notes/{id}/Attachments`.
pub fn get_attachments(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, parent) = match parent_of(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let mut list = attachments_of(crm, &module, id_of(&parent));
    records::sort(&mut list, "id", false);
    records::page_reply(&list, ctx, json!({}))
}

/// `POST .../Attachments`: a file in part `file`, or a link in part `attachmentUrl`, never
/// both. `upload_attachment` and `upload_link_as_attachment` share the route, so the form
/// decides.
pub fn upload_attachment(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, parent) = match parent_of(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = ctx.form.as_deref().unwrap_or(&[]);
    let (file, url) = (file_part(form), url_part(form));
    let parent_id = id_of(&parent).to_owned();
    let (file, link) = match (file, url) {
        (Some(_), Some(_)) => {
            return invalid(
                json!({"param_name": "attachmentUrl", "reason": "send either file or attachmentUrl"}),
            )
        }
        (None, None) => return invalid(json!({"param_name": "file"})),
        (Some(part), None) => {
            let name = part.file_name.as_deref().unwrap_or("");
            if name.to_ascii_lowercase().trim_end().ends_with(".exe") {
                return invalid(
                    json!({"param_name": "file", "reason": "exe files are not allowed"}),
                );
            }
            match stored(crm, part) {
                Ok(f) => (Some(f), None),
                Err(r) => return r,
            }
        }
        (None, Some(url)) => {
            let lower = url.to_ascii_lowercase();
            let scheme_ok = lower.starts_with("http://") || lower.starts_with("https://");
            if !scheme_ok || url.contains(char::is_whitespace) {
                return invalid(json!({"param_name": "attachmentUrl"}));
            }
            let dup = attachments_of(crm, &module, &parent_id)
                .iter()
                .any(|a| a.get("$link_url").and_then(Value::as_str) == Some(url.as_str()));
            if dup {
                return invalid(
                    json!({"param_name": "attachmentUrl", "reason": "the URL is already attached"}),
                );
            }
            (None, Some(url))
        }
    };
    let id = crm.new_id();
    let t = format_iso(ctx.now);
    let (file_name, size, kind) = match (&file, &link) {
        (Some(f), _) => (f.file_name.clone(), f.bytes.len(), "Attachment"),
        (None, Some(u)) => (u.clone(), 0, "Link"),
        (None, None) => (String::new(), 0, "Attachment"),
    };
    let file_id = file
        .as_ref()
        .map(|_| json!(format!("emu{id}")))
        .unwrap_or(Value::Null);
    let meta = json!({
        "Owner": ctx.user,
        "Created_Time": t,
        "File_Name": file_name,
        "$editable": true,
        "$se_module": module,
        "description": null,
        "$type": kind,
        "Created_By": ctx.user,
        "Modified_Time": t,
        "Size": size,
        "Parent_Id": {"name": display_name(&module, &parent), "id": parent_id},
        "$file_id": file_id,
        "Modified_By": ctx.user,
        "$link_url": link,
        "$state": "save",
        "id": id,
        "category": null,
    });
    crm.extras.attachments.push(Attachment {
        id,
        parent_module: module,
        parent_id,
        file,
        meta: meta.clone(),
    });
    finish(
        vec![success(&meta, "attachment uploaded successfully")],
        StatusCode::OK,
    )
}

fn find_attachment<'a>(
    crm: &'a Crm,
    module: &str,
    parent_id: &str,
    id: &str,
) -> Option<&'a Attachment> {
    crm.extras
        .attachments
        .iter()
        .find(|a| a.id == id && a.parent_module == module && a.parent_id == parent_id)
}

/// `GET .../Attachments/{attachment_id}`: the stored bytes.
pub fn download_attachment(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, parent) = match parent_of(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let att_id = ctx.var(&["attachment_id"]).unwrap_or("");
    match find_attachment(crm, &module, id_of(&parent), att_id) {
        Some(Attachment { file: Some(f), .. }) => Reply::file(FileBody {
            content_type: f.content_type.clone(),
            file_name: f.file_name.clone(),
            bytes: f.bytes.clone(),
        }),
        Some(_) => {
            invalid(json!({"id": att_id, "reason": "a link attachment has no file to download"}))
        }
        None => Reply::json(StatusCode::BAD_REQUEST, records::invalid_id(att_id)),
    }
}

/// `DELETE .../Attachments/{attachment_id}`.
pub fn delete_attachment(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let att_id = ctx.var(&["attachment_id"]).unwrap_or("").to_owned();
    delete_attachment_ids(crm, ctx, &[att_id])
}

/// `DELETE /{module}/{id}/Attachments?ids=`: one result per id, in order.
pub fn delete_attachments(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let ids = crate::params::id_list(ctx.q("ids").unwrap_or(""));
    if ids.is_empty() {
        return crate::errors::missing_param("ids");
    }
    delete_attachment_ids(crm, ctx, &ids)
}

fn delete_attachment_ids(crm: &mut Crm, ctx: &Ctx, ids: &[String]) -> Reply {
    let (module, parent) = match parent_of(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let parent_id = id_of(&parent).to_owned();
    let results = ids
        .iter()
        .map(|att_id| {
            if find_attachment(crm, &module, &parent_id, att_id).is_none() {
                return records::invalid_id(att_id);
            }
            crm.extras.attachments.retain(|a| &a.id != att_id);
            json!({"code": "SUCCESS", "details": {"id": att_id}, "message": "record deleted", "status": "success"})
        })
        .collect();
    finish(results, StatusCode::OK)
}

// The record of a photo call: a photo module, and a record that exists.
fn photo_record(crm: &Crm, ctx: &Ctx) -> Result<(String, String), Reply> {
    let module = ctx.module.clone().unwrap_or_default();
    if !PHOTO_MODULES.contains(&module.as_str()) {
        return Err(Reply::error(
            StatusCode::BAD_REQUEST,
            "INVALID_MODULE",
            "the module name given seems to be invalid",
            json!({"api_name": module, "reason": "photos exist only for Leads, Contacts, Accounts, Products and Vendors"}),
        ));
    }
    let (_, rec) = parent_of(crm, ctx)?;
    Ok((module, id_of(&rec).to_owned()))
}

pub(crate) fn status_message(message: &str) -> Reply {
    Reply::json(
        StatusCode::OK,
        json!({"code": "SUCCESS", "details": {}, "message": message, "status": "success"}),
    )
}

fn set_record_image(crm: &mut Crm, ctx: &Ctx, module: &str, id: &str, value: Value) {
    let mut fields = serde_json::Map::new();
    fields.insert("Record_Image".into(), value);
    crm.update(module, id, fields, &ctx.user, ctx.now);
}

/// The image in part `file` of a photo upload (record photos, the org logo).
pub(crate) fn image_part(crm: &Crm, ctx: &Ctx) -> Result<StoredFile, Reply> {
    let form = ctx.form.as_deref().unwrap_or(&[]);
    let Some(part) = file_part(form) else {
        return Err(invalid(json!({"param_name": "file"})));
    };
    let file = stored(crm, part)?;
    if !file.content_type.starts_with("image/")
        && !guess_type(&file.file_name).starts_with("image/")
    {
        return Err(invalid(
            json!({"param_name": "file", "reason": "the photo must be an image"}),
        ));
    }
    Ok(file)
}

/// `POST /{module}/{id}/photo` (part `file`, an image).
pub fn upload_photo(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, id) = match photo_record(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let file = match image_part(crm, ctx) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let photo_id = format!("emu{}", crm.new_id());
    crm.extras.photos.insert((module.clone(), id.clone()), file);
    set_record_image(crm, ctx, &module, &id, json!(photo_id));
    status_message("photo uploaded successfully")
}

/// `GET /{module}/{id}/photo`: the stored image; 204 when the record has none.
pub fn download_photo(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let key = match photo_record(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match crm.extras.photos.get(&key) {
        Some(f) => Reply::file(FileBody {
            content_type: f.content_type.clone(),
            file_name: f.file_name.clone(),
            bytes: f.bytes.clone(),
        }),
        None => Reply::empty(StatusCode::NO_CONTENT),
    }
}

/// `DELETE /{module}/{id}/photo`.
pub fn delete_photo(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, id) = match photo_record(crm, ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if crm
        .extras
        .photos
        .remove(&(module.clone(), id.clone()))
        .is_none()
    {
        return invalid(json!({"id": id, "reason": "the record has no photo"}));
    }
    set_record_image(crm, ctx, &module, &id, Value::Null);
    status_message("Photo deleted")
}

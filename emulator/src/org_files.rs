//! The org's file store (`/files`, zohocrmsdk2-0 6.0.0 FileOperations): uploads get an encrypted
//! id (not a numeric one) that `GET /files?id=` downloads byte for byte.

use crate::context::Ctx;
use crate::errors::{FileBody, Reply};
use crate::files::{file_parts, stored};
use crate::store::Crm;
use axum::http::StatusCode;
use serde_json::json;

/// `POST /files?type=inline|attachment`: one result per `file` part. Zoho's message is
/// "uploaded Succeessfully" (sic; zohocrmsdk2-0 6.0.0 `file.SuccessResponse`).
pub fn upload_files(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let ty = ctx.q("type").unwrap_or("");
    if !["inline", "attachment"].contains(&ty) {
        return crate::errors::invalid_param("type");
    }
    let form = ctx.form.clone().unwrap_or_default();
    let parts = file_parts(&form);
    if parts.is_empty() {
        return crate::files::invalid(json!({"param_name": "file"}));
    }
    let mut results = Vec::new();
    for part in parts {
        let file = match stored(crm, part) {
            Ok(f) => f,
            Err(r) => return r,
        };
        // Zoho's ids here are long opaque strings; this one is derived from a fresh record id.
        let id = format!("b7e1{}e4f{}", crm.new_id(), file.file_name.len());
        results.push(json!({
            "code": "SUCCESS",
            "details": {"name": file.file_name, "id": id},
            "message": "uploaded Succeessfully",
            "status": "success",
        }));
        crm.extras.files.insert(id, file);
    }
    Reply::json(StatusCode::OK, json!({"data": results}))
}

/// `GET /files?id=`: the stored bytes; an unknown id is INVALID_DATA.
pub fn get_file(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.q("id").unwrap_or("");
    match crm.extras.files.get(id) {
        Some(f) => Reply::file(FileBody {
            content_type: f.content_type.clone(),
            file_name: f.file_name.clone(),
            bytes: f.bytes.clone(),
        }),
        None => crate::settings::invalid_id(id),
    }
}

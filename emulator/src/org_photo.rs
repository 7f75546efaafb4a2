//! The org's logo: `POST /org/photo` (multipart part `file`, an image) replaces it and gives the
//! org a new `photo_id`, which `GET /org` then shows.

use crate::context::Ctx;
use crate::errors::Reply;
use crate::files::{image_part, status_message};
use crate::store::Crm;
use serde_json::Value;

/// Key of the org logo among stored photos.
const ORG_PHOTO: (&str, &str) = ("org", "photo");

/// `POST /org/photo`. Zoho's message is "photo uploaded successfully" (zohocrmsdk2-0 6.0.0,
/// `org.SuccessResponse`).
pub fn upload_organization_photo(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let file = match image_part(crm, ctx) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let photo_id = crm.new_id();
    crm.extras
        .photos
        .insert((ORG_PHOTO.0.to_owned(), ORG_PHOTO.1.to_owned()), file);
    if let Some(org) = crm.org.as_object_mut() {
        org.insert("photo_id".into(), Value::String(photo_id));
    }
    status_message("photo uploaded successfully")
}

//! Profiles and roles: read-only org metadata that user writes refer to.

use crate::context::Ctx;
use crate::errors::Reply;
use crate::settings::{self, invalid_id, list, one};
use crate::store::Crm;

fn by_id(items: &[serde_json::Value], id: &str) -> Option<serde_json::Value> {
    items.iter().find(|p| settings::id_of(p) == id).cloned()
}

/// `GET /settings/profiles`.
pub fn get_profiles(crm: &mut Crm, _ctx: &mut Ctx) -> Reply {
    list("profiles", crm.settings.profiles.clone())
}

/// `GET /settings/profiles/{id}`.
pub fn get_profile(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["profile_id", "id"]).unwrap_or("");
    match by_id(&crm.settings.profiles, id) {
        Some(p) => one("profiles", p),
        None => invalid_id(id),
    }
}

/// `GET /settings/roles`.
pub fn get_all_roles(crm: &mut Crm, _ctx: &mut Ctx) -> Reply {
    list("roles", crm.settings.roles.clone())
}

/// `GET /settings/roles/{id}`.
pub fn get_role(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["role_id", "id"]).unwrap_or("");
    match by_id(&crm.settings.roles, id) {
        Some(r) => one("roles", r),
        None => invalid_id(id),
    }
}

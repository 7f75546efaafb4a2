//! Territories (`GET /settings/territories[/{id}]`). The emulated org has territory management
//! on, with a root territory and one child; module settings may name either as the default.

use crate::context::Ctx;
use crate::errors::Reply;
use crate::seed::{make_id, seed_epoch};
use crate::settings::{self, invalid_id, list, one};
use crate::store::Crm;
use crate::time::format_iso;
use serde_json::{json, Value};

/// The seeded territories: `Zylker` (root, managed by the admin) and `West` under it.
pub fn seeded() -> Vec<Value> {
    let t = format_iso(seed_epoch());
    // The seeded admin (ada@zylker.test), as settings objects name users.
    let by = json!({"name": "Ada Lovelace", "id": make_id(100_001)});
    let root = make_id(27_001);
    vec![
        json!({
            "id": root, "name": "Zylker", "description": "The whole organization.",
            "parent_id": null, "manager": by, "criteria": null,
            "created_by": by, "modified_by": by, "created_time": t, "modified_time": t,
        }),
        json!({
            "id": make_id(27_002), "name": "West", "description": "Accounts in the western states.",
            "parent_id": root, "manager": by,
            "criteria": {"comparator": "equal", "field": "Billing_State", "value": "California"},
            "created_by": by, "modified_by": by, "created_time": t, "modified_time": t,
        }),
    ]
}

/// Whether `id` is a territory of the org.
pub fn exists(crm: &Crm, id: &str) -> bool {
    crm.settings
        .territories
        .iter()
        .any(|t| settings::id_of(t) == id)
}

/// `GET /settings/territories`.
pub fn get_territories(crm: &mut Crm, _ctx: &mut Ctx) -> Reply {
    list("territories", crm.settings.territories.clone())
}

/// `GET /settings/territories/{id}`: an unknown id is INVALID_DATA, as for other settings.
pub fn get_territory(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["territory_id"]).unwrap_or("");
    match crm
        .settings
        .territories
        .iter()
        .find(|t| settings::id_of(t) == id)
    {
        Some(t) => one("territories", t.clone()),
        None => invalid_id(id),
    }
}

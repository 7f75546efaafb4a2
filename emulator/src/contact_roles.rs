//! Contact roles (`/Contacts/roles[/{id}]`) and the role a contact plays on a deal
//! (`/Deals/{deal}/Contact_Roles[/{contact}]`), zohocrmsdk2-0 6.0.0 ContactRolesOperations. A
//! deal's roles are links between the deal and its contacts (they go when either goes, and
//! when the role is deleted); the deal's listing shows each contact with its `Contact_Role`.
//!
//! Messages are the SDK's (`contact_roles.SuccessResponse`): "contact role added", "contact role
//! updated", "contact role deleted".

use crate::context::Ctx;
use crate::errors::Reply;
use crate::extras::Relation;
use crate::records::{self, finish as record_finish, id_of};
use crate::seed::make_id;
use crate::settings::{
    self, as_id, duplicate, finish, invalid_field, invalid_id, invalid_id_item, list, mandatory,
    one, success, text,
};
use crate::store::Crm;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// The seeded roles, in order (a subset of the roles a new Zoho CRM org starts with).
pub fn seeded() -> Vec<Value> {
    [
        "Decision Maker",
        "Evaluator",
        "Influencer",
        "Purchasing",
        "Technical Buyer",
        "Executive Sponsor",
    ]
    .iter()
    .enumerate()
    .map(|(i, name)| json!({"id": make_id(28_001 + i as u64), "name": name, "sequence_number": i + 1}))
    .collect()
}

fn renumber(roles: &mut [Value]) {
    for (i, r) in roles.iter_mut().enumerate() {
        if let Some(o) = r.as_object_mut() {
            o.insert("sequence_number".into(), json!(i + 1));
        }
    }
}

fn name_taken<'a>(crm: &'a Crm, name: &str, except: Option<&str>) -> Option<&'a Value> {
    crm.settings.contact_roles.iter().find(|r| {
        Some(settings::id_of(r)) != except
            && r.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(name.trim()))
    })
}

/// Moves the role at `pos` to the 1-based `sequence_number` the item asks for, if any.
fn place(crm: &mut Crm, pos: usize, item: &Map<String, Value>) -> Result<(), Value> {
    let Some(v) = item.get("sequence_number").filter(|v| !v.is_null()) else {
        return Ok(());
    };
    let len = crm.settings.contact_roles.len();
    let n = v
        .as_u64()
        .filter(|n| (1..=len as u64).contains(n))
        .ok_or_else(|| invalid_field("sequence_number"))?;
    let role = crm.settings.contact_roles.remove(pos);
    crm.settings.contact_roles.insert(n as usize - 1, role);
    Ok(())
}

fn create_one(crm: &mut Crm, item: Map<String, Value>) -> Result<Value, Value> {
    let name = text(&item, "name")
        .ok_or_else(|| mandatory("name"))?
        .to_owned();
    if let Some(other) = name_taken(crm, &name, None) {
        return Err(duplicate("name", settings::id_of(other)));
    }
    let id = crm.new_id();
    crm.settings
        .contact_roles
        .push(json!({"id": id, "name": name}));
    let pos = crm.settings.contact_roles.len() - 1;
    let placed = place(crm, pos, &item);
    if placed.is_err() {
        crm.settings.contact_roles.pop();
    }
    renumber(&mut crm.settings.contact_roles);
    placed.map(|()| json!({"id": id}))
}

fn update_one(crm: &mut Crm, id: &str, item: Map<String, Value>) -> Result<Value, Value> {
    let pos = crm
        .settings
        .contact_roles
        .iter()
        .position(|r| settings::id_of(r) == id)
        .ok_or_else(|| invalid_id_item(id))?;
    if item.contains_key("name") {
        let name = text(&item, "name").ok_or_else(|| mandatory("name"))?;
        if let Some(other) = name_taken(crm, name, Some(id)) {
            return Err(duplicate("name", settings::id_of(other)));
        }
        crm.settings.contact_roles[pos]["name"] = json!(name);
        let role_ref = json!({"name": name, "id": id});
        for rel in &mut crm.extras.relations {
            if rel
                .data
                .get("Contact_Role")
                .and_then(|r| r.get("id"))
                .and_then(Value::as_str)
                == Some(id)
            {
                rel.data.insert("Contact_Role".into(), role_ref.clone());
            }
        }
    }
    place(crm, pos, &item)?;
    renumber(&mut crm.settings.contact_roles);
    Ok(json!({"id": id}))
}

fn delete_one(crm: &mut Crm, id: &str) -> Value {
    let roles = &mut crm.settings.contact_roles;
    let Some(pos) = roles.iter().position(|r| settings::id_of(r) == id) else {
        return invalid_id_item(id);
    };
    roles.remove(pos);
    renumber(roles);
    crm.extras.relations.retain(|rel| {
        rel.data
            .get("Contact_Role")
            .and_then(|r| r.get("id"))
            .and_then(Value::as_str)
            != Some(id)
    });
    success("contact role deleted", json!({"id": id}))
}

/// `GET /Contacts/roles`.
pub fn get_contact_roles(crm: &mut Crm, _ctx: &mut Ctx) -> Reply {
    list("contact_roles", crm.settings.contact_roles.clone())
}

/// `GET /Contacts/roles/{id}`.
pub fn get_contact_role(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["role_id"]).unwrap_or("");
    match crm
        .settings
        .contact_roles
        .iter()
        .find(|r| settings::id_of(r) == id)
    {
        Some(r) => one("contact_roles", r.clone()),
        None => invalid_id(id),
    }
}

/// `POST /Contacts/roles`.
pub fn create_contact_roles(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let items = settings::items(ctx);
    settings::write_each(
        "contact_roles",
        items,
        StatusCode::CREATED,
        "contact role added",
        |i| create_one(crm, i),
    )
}

/// `PUT /Contacts/roles`: each item names its role by `id`.
pub fn update_contact_roles(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let items = settings::items(ctx);
    settings::write_each(
        "contact_roles",
        items,
        StatusCode::OK,
        "contact role updated",
        |i| {
            let id = as_id(i.get("id")).ok_or_else(|| mandatory("id"))?;
            update_one(crm, &id, i)
        },
    )
}

/// `PUT /Contacts/roles/{id}`.
pub fn update_contact_role(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["role_id"]).unwrap_or("").to_owned();
    let items = settings::items(ctx);
    settings::write_each(
        "contact_roles",
        items,
        StatusCode::OK,
        "contact role updated",
        |i| update_one(crm, &id, i),
    )
}

/// `DELETE /Contacts/roles?ids=`.
pub fn delete_contact_roles(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let ids = crate::params::id_list(ctx.q("ids").unwrap_or(""));
    if ids.is_empty() {
        return crate::errors::missing_param("ids");
    }
    let results = ids.iter().map(|id| delete_one(crm, id)).collect();
    finish("contact_roles", results, StatusCode::OK)
}

/// `DELETE /Contacts/roles/{id}`.
pub fn delete_contact_role(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["role_id"]).unwrap_or("").to_owned();
    finish("contact_roles", vec![delete_one(crm, &id)], StatusCode::OK)
}

// The deal of the path; a deal that does not exist is INVALID_DATA, as for record children.
fn deal(crm: &Crm, ctx: &Ctx) -> Result<String, Reply> {
    let id = ctx.var(&["deal_id"]).unwrap_or("");
    match crm.find("Deals", id) {
        Some(d) => Ok(id_of(d).to_owned()),
        None => Err(Reply::json(
            StatusCode::BAD_REQUEST,
            records::invalid_id(id),
        )),
    }
}

fn is_role_link(rel: &Relation, deal: &str, contact: &str) -> bool {
    rel.a == ("Deals".to_owned(), deal.to_owned())
        && rel.b == ("Contacts".to_owned(), contact.to_owned())
        && rel.data.contains_key("Contact_Role")
}

// The deal's contacts with their role, in link order.
fn contacts_of(crm: &Crm, deal: &str) -> Vec<Value> {
    crm.extras
        .relations
        .iter()
        .filter(|r| r.a.0 == "Deals" && r.a.1 == deal && r.b.0 == "Contacts")
        .filter_map(|r| {
            let role = r.data.get("Contact_Role")?;
            let mut c = crm.find("Contacts", &r.b.1)?.clone();
            c["Contact_Role"] = role.clone();
            Some(c)
        })
        .collect()
}

/// `GET /Deals/{deal}/Contact_Roles[?ids=]`: 204 when no contact has a role.
pub fn get_all_contact_roles_of_deal(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let deal = match deal(crm, ctx) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let only = ctx.q("ids").map(crate::params::id_list);
    let listed: Vec<Value> = contacts_of(crm, &deal)
        .into_iter()
        .filter(|c| {
            only.as_ref()
                .is_none_or(|ids| ids.iter().any(|i| i == id_of(c)))
        })
        .collect();
    let refs: Vec<&Value> = listed.iter().collect();
    records::page_reply(&refs, ctx, json!({}))
}

/// `GET /Deals/{deal}/Contact_Roles/{contact}`: 204 when the contact has no role there.
pub fn get_contact_role_of_deal(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let deal = match deal(crm, ctx) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let contact = ctx.var(&["contact_id"]).unwrap_or("");
    match contacts_of(crm, &deal)
        .into_iter()
        .find(|c| id_of(c) == contact)
    {
        Some(c) => Reply::json(StatusCode::OK, json!({"data": [c]})),
        None => Reply::empty(StatusCode::NO_CONTENT),
    }
}

fn link_done(id: &str, message: &str) -> Value {
    json!({"code": "SUCCESS", "details": {"id": id}, "message": message, "status": "success"})
}

/// `PUT /Deals/{deal}/Contact_Roles/{contact}` with `{"data":[{"Contact_Role": id or name}]}`.
pub fn add_contact_role_to_deal(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let deal = match deal(crm, ctx) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let contact = ctx.var(&["contact_id"]).unwrap_or("").to_owned();
    let item = settings::items(ctx).into_iter().next();
    let result = (|| {
        let item = item.ok_or_else(|| mandatory("Contact_Role"))??;
        let wanted = as_id(item.get("Contact_Role"))
            .or_else(|| text(&item, "Contact_Role").map(str::to_owned))
            .ok_or_else(|| mandatory("Contact_Role"))?;
        let role = crm
            .settings
            .contact_roles
            .iter()
            .find(|r| {
                settings::id_of(r) == wanted
                    || r.get("name").and_then(Value::as_str) == Some(wanted.as_str())
            })
            .map(|r| json!({"name": r["name"], "id": r["id"]}))
            .ok_or_else(|| invalid_field("Contact_Role"))?;
        if crm.find("Contacts", &contact).is_none() {
            return Err(records::invalid_id(&contact));
        }
        crm.extras
            .relations
            .retain(|r| !is_role_link(r, &deal, &contact));
        let mut data = Map::new();
        data.insert("Contact_Role".into(), role);
        crm.extras.relations.push(Relation {
            a: ("Deals".into(), deal.clone()),
            b: ("Contacts".into(), contact.clone()),
            data,
            modified: ctx.now,
        });
        Ok(link_done(&contact, "relation added"))
    })();
    record_finish(vec![result.unwrap_or_else(|e| e)], StatusCode::OK)
}

/// `DELETE /Deals/{deal}/Contact_Roles/{contact}`.
pub fn remove_contact_role_from_deal(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let deal = match deal(crm, ctx) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let contact = ctx.var(&["contact_id"]).unwrap_or("").to_owned();
    let before = crm.extras.relations.len();
    crm.extras
        .relations
        .retain(|r| !is_role_link(r, &deal, &contact));
    let result = if crm.extras.relations.len() == before {
        records::invalid_id(&contact)
    } else {
        link_done(&contact, "relation removed")
    };
    record_finish(vec![result], StatusCode::OK)
}

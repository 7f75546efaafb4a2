//! Related lists. Some are views of a lookup on the other module (an account's Contacts are the
//! contacts whose `Account_Name` points at it); the rest are many-to-many links kept in the
//! relation table (the Products of a lead, deal, account, contact or price book).

use crate::context::Ctx;
use crate::errors::{item_error, Reply};
use crate::extras::{display_name, Relation};
use crate::notes::parent_of;
use crate::records::{self, finish, id_of, modified};
use crate::store::Crm;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// How a related list is stored.
#[derive(Debug, Clone, Copy)]
enum Link {
    /// Records of `module` whose lookup `field` names the parent.
    Lookup {
        module: &'static str,
        field: &'static str,
    },
    /// Records of `module` linked through the relation table.
    Junction { module: &'static str },
}

/// (parent module, related list API name, link).
const RELATED_LISTS: &[(&str, &str, Link)] = &[
    (
        "Accounts",
        "Contacts",
        Link::Lookup {
            module: "Contacts",
            field: "Account_Name",
        },
    ),
    (
        "Accounts",
        "Deals",
        Link::Lookup {
            module: "Deals",
            field: "Account_Name",
        },
    ),
    (
        "Contacts",
        "Deals",
        Link::Lookup {
            module: "Deals",
            field: "Contact_Name",
        },
    ),
    (
        "Vendors",
        "Products",
        Link::Lookup {
            module: "Products",
            field: "Vendor_Name",
        },
    ),
    ("Leads", "Products", Link::Junction { module: "Products" }),
    (
        "Contacts",
        "Products",
        Link::Junction { module: "Products" },
    ),
    (
        "Accounts",
        "Products",
        Link::Junction { module: "Products" },
    ),
    ("Deals", "Products", Link::Junction { module: "Products" }),
    (
        "Price_Books",
        "Products",
        Link::Junction { module: "Products" },
    ),
    ("Products", "Leads", Link::Junction { module: "Leads" }),
    (
        "Products",
        "Contacts",
        Link::Junction { module: "Contacts" },
    ),
    (
        "Products",
        "Accounts",
        Link::Junction { module: "Accounts" },
    ),
    ("Products", "Deals", Link::Junction { module: "Deals" }),
    (
        "Products",
        "Price_Books",
        Link::Junction {
            module: "Price_Books",
        },
    ),
];

fn link_of(module: &str, list: &str) -> Option<Link> {
    RELATED_LISTS
        .iter()
        .find(|(m, l, _)| *m == module && l.eq_ignore_ascii_case(list))
        .map(|(_, _, link)| *link)
}

fn unknown_list(list: &str) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "INVALID_DATA",
        "the relation name given seems to be invalid",
        json!({"api_name": list}),
    )
}

fn points_at(rec: &Value, field: &str, id: &str) -> bool {
    match rec.get(field) {
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str) == Some(id),
        Some(Value::String(s)) => s == id,
        _ => false,
    }
}

// The parent, the list and how it is stored; request-level errors otherwise.
fn resolve(crm: &Crm, ctx: &Ctx) -> Result<(String, Value, String, Link), Reply> {
    let (module, parent) = parent_of(crm, ctx)?;
    let list = ctx.var(&["related_list"]).unwrap_or("").to_owned();
    let link = link_of(&module, &list).ok_or_else(|| unknown_list(&list))?;
    Ok((module, parent, list, link))
}

/// `GET /{module}/{id}/{related_list}`; 204 when the list is empty.
pub fn get_related_records(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    if let Some(over) = crate::pagination::check(ctx) {
        return over;
    }
    let (module, parent, _, link) = match resolve(crm, ctx) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let pid = id_of(&parent);
    let listed: Vec<(Value, i64)> = match link {
        Link::Lookup { module: rm, field } => crm
            .records_of(rm)
            .iter()
            .filter(|r| points_at(r, field, pid))
            .map(|r| (r.clone(), modified(r)))
            .collect(),
        Link::Junction { module: rm } => crm
            .extras
            .relations
            .iter()
            .filter_map(|rel| {
                let (om, oid) = rel.other(&module, pid)?;
                if om != rm {
                    return None;
                }
                let mut rec = crm.find(om, oid)?.clone();
                if let Some(o) = rec.as_object_mut() {
                    o.extend(rel.data.clone());
                }
                Some((rec, modified_max(crm, om, oid, rel.modified)))
            })
            .collect(),
    };
    let mut shown: Vec<&Value> = listed
        .iter()
        .filter(|(_, t)| ctx.if_modified_since.is_none_or(|since| *t > since))
        .map(|(r, _)| r)
        .collect();
    if ctx.if_modified_since.is_some() && shown.is_empty() && !listed.is_empty() {
        return Reply::empty(StatusCode::NOT_MODIFIED);
    }
    records::sort(&mut shown, "id", false);
    records::page_reply(&shown, ctx, json!({}))
}

// A linked record counts as modified when it or the link changed.
fn modified_max(crm: &Crm, module: &str, id: &str, link_time: i64) -> i64 {
    crm.find(module, id)
        .map(modified)
        .unwrap_or(0)
        .max(link_time)
}

fn relation_done(id: &str, message: &str) -> Value {
    json!({"code": "SUCCESS", "details": {"id": id}, "message": message, "status": "success"})
}

/// The module a related list of `module` lists (for `X-EXTERNAL` on the related side).
pub fn list_module(module: &str, list: &str) -> Option<&'static str> {
    link_of(module, list).map(|l| match l {
        Link::Lookup { module, .. } | Link::Junction { module } => module,
    })
}

// Relates `rid` to the parent with the relation's own fields; the per-item result.
fn relate(
    crm: &mut Crm,
    ctx: &Ctx,
    (module, parent, link): (&str, &Value, Link),
    rid: &str,
    data: Map<String, Value>,
) -> Value {
    let pid = id_of(parent).to_owned();
    match link {
        Link::Lookup { module: rm, field } => {
            if crm.find(rm, rid).is_none() {
                return records::invalid_id(rid);
            }
            let mut fields = data;
            fields.insert(
                field.to_owned(),
                json!({"name": display_name(module, parent), "id": pid}),
            );
            crm.update(rm, rid, fields, &ctx.user, ctx.now);
        }
        Link::Junction { module: rm } => {
            if crm.find(rm, rid).is_none() {
                return records::invalid_id(rid);
            }
            let existing = crm.extras.relations.iter_mut().find(|r| {
                r.other(module, &pid)
                    .is_some_and(|(m, i)| m == rm && i == rid)
            });
            match existing {
                Some(rel) => {
                    rel.data.extend(data);
                    rel.modified = ctx.now;
                }
                None => crm.extras.relations.push(Relation {
                    a: (module.to_owned(), pid.clone()),
                    b: (rm.to_owned(), rid.to_owned()),
                    data,
                    modified: ctx.now,
                }),
            }
        }
    }
    relation_done(rid, "relation added")
}

// Removes the relation between the parent and `rid`; the per-item result.
fn delink(
    crm: &mut Crm,
    ctx: &Ctx,
    (module, parent, link): (&str, &Value, Link),
    rid: &str,
) -> Value {
    let pid = id_of(parent).to_owned();
    let not_related = || {
        item_error(
            "INVALID_DATA",
            "the related id given seems to be invalid",
            json!({"id": rid}),
        )
    };
    match link {
        Link::Lookup { module: rm, field } => {
            if !crm.find(rm, rid).is_some_and(|r| points_at(r, field, &pid)) {
                return not_related();
            }
            let mut fields = Map::new();
            fields.insert(field.to_owned(), Value::Null);
            crm.update(rm, rid, fields, &ctx.user, ctx.now);
        }
        Link::Junction { module: rm } => {
            let before = crm.extras.relations.len();
            crm.extras.relations.retain(|r| {
                !r.other(module, &pid)
                    .is_some_and(|(m, i)| m == rm && i == rid)
            });
            if crm.extras.relations.len() == before {
                return not_related();
            }
        }
    }
    relation_done(rid, "relation removed")
}

/// `PUT /{module}/{id}/{related_list}/{related_id}` with `{"data":[{link fields}]}`.
pub fn add_relation(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, parent, _, link) = match resolve(crm, ctx) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let rid = ctx.var(&["related_id"]).unwrap_or("").to_owned();
    let data: Map<String, Value> = match ctx.body.take().and_then(|b| b.items.into_iter().next()) {
        Some(Ok(item)) => item.into_iter().filter(|(k, _)| k != "id").collect(),
        Some(Err(e)) => return finish(vec![e], StatusCode::OK),
        None => Map::new(),
    };
    let result = relate(crm, ctx, (&module, &parent, link), &rid, data);
    finish(vec![result], StatusCode::OK)
}

/// `PUT /{module}/{id}/{related_list}`: each item names its related record by `id`.
pub fn update_related_records(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, parent, _, link) = match resolve(crm, ctx) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let items = ctx.body.take().map(|b| b.items).unwrap_or_default();
    let results = items
        .into_iter()
        .map(|item| {
            let mut item = match item {
                Ok(i) => i,
                Err(e) => return e,
            };
            let Some(rid) = crate::settings::as_id(item.remove("id").as_ref()) else {
                return records::mandatory_missing("id");
            };
            relate(crm, ctx, (&module, &parent, link), &rid, item)
        })
        .collect();
    finish(results, StatusCode::OK)
}

/// `DELETE /{module}/{id}/{related_list}/{related_id}`.
pub fn remove_relation(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, parent, _, link) = match resolve(crm, ctx) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let rid = ctx.var(&["related_id"]).unwrap_or("").to_owned();
    let result = delink(crm, ctx, (&module, &parent, link), &rid);
    finish(vec![result], StatusCode::OK)
}

/// `DELETE /{module}/{id}/{related_list}?ids=`: one result per id, in order.
pub fn delink_records(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, parent, _, link) = match resolve(crm, ctx) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let ids = crate::params::id_list(ctx.q("ids").unwrap_or(""));
    if ids.is_empty() {
        return crate::errors::missing_param("ids");
    }
    let results = ids
        .iter()
        .map(|rid| delink(crm, ctx, (&module, &parent, link), rid))
        .collect();
    finish(results, StatusCode::OK)
}

/// `GET /{module}/{id}/{related_list}/{related_id}`: the related record with the relation's
/// fields; 204 when the two are not related, as record GETs answer for unknown ids.
pub fn get_related_record(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (module, parent, _, link) = match resolve(crm, ctx) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let pid = id_of(&parent);
    let rid = ctx.var(&["related_id"]).unwrap_or("");
    let found: Option<(Value, i64)> = match link {
        Link::Lookup { module: rm, field } => crm
            .find(rm, rid)
            .filter(|r| points_at(r, field, pid))
            .map(|r| (r.clone(), modified(r))),
        Link::Junction { module: rm } => crm.extras.relations.iter().find_map(|rel| {
            let (om, oid) = rel.other(&module, pid)?;
            if om != rm || oid != rid {
                return None;
            }
            let mut rec = crm.find(om, oid)?.clone();
            if let Some(o) = rec.as_object_mut() {
                o.extend(rel.data.clone());
            }
            Some((rec, modified_max(crm, om, oid, rel.modified)))
        }),
    };
    match found {
        Some((_, t)) if ctx.if_modified_since.is_some_and(|since| t <= since) => {
            Reply::empty(StatusCode::NOT_MODIFIED)
        }
        Some((rec, _)) => Reply::json(StatusCode::OK, json!({"data": [rec]})),
        None => Reply::empty(StatusCode::NO_CONTENT),
    }
}

//! Record actions beyond plain writes: the recycle bin listings, mass update jobs and lead
//! conversion.

use crate::context::Ctx;
use crate::errors::{self, Reply};
use crate::extras::{display_name, MassJob};
use crate::records::{self, blank, create_one, finish, id_of, module_of, update_one};
use crate::store::Crm;
use crate::time::{format_iso, parse_iso};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// Most ids one mass update takes (more need a custom view).
pub const MASS_UPDATE_MAX_IDS: usize = 500;

fn deleted_time(v: &Value) -> i64 {
    v.get("deleted_time")
        .and_then(Value::as_str)
        .and_then(parse_iso)
        .unwrap_or(0)
}

/// `GET /{module}/deleted?type=all|recycle|permanent` (all three operations share it).
pub fn get_deleted_records(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    let ty = ctx.q("type").unwrap_or("all").to_owned();
    if !matches!(ty.as_str(), "all" | "recycle" | "permanent") {
        return errors::invalid_param("type");
    }
    let mut list: Vec<&Value> = crm
        .extras
        .trash
        .iter()
        .filter(|(module, _)| *module == m.api_name)
        .map(|(_, v)| v)
        .filter(|v| ty == "all" || v.get("type").and_then(Value::as_str) == Some(ty.as_str()))
        .collect();
    if let Some(t) = ctx.if_modified_since {
        list.retain(|v| deleted_time(v) > t);
        if list.is_empty() {
            return Reply::empty(StatusCode::NOT_MODIFIED);
        }
    }
    // Most recently deleted first, as Zoho lists the bin.
    list.sort_by(|a, b| {
        deleted_time(b)
            .cmp(&deleted_time(a))
            .then_with(|| id_of(b).cmp(id_of(a)))
    });
    records::page_reply(&list, ctx, json!({}))
}

fn ids_param(params: &Map<String, Value>) -> Vec<String> {
    params
        .get("ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

/// `POST /{module}/actions/mass_update`. The emulator runs the job at once, so its status is
/// COMPLETED by the time the job id is returned. Every custom view covers the whole module (the
/// emulator keeps no view criteria).
pub fn mass_update_records(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    let Some(body) = ctx.body.take() else {
        return errors::missing_param("data");
    };
    let ids = ids_param(&body.params);
    let cvid = body.params.get("cvid").filter(|v| !blank(Some(v))).cloned();
    if ids.is_empty() && cvid.is_none() {
        return errors::missing_param("ids");
    }
    if ids.len() > MASS_UPDATE_MAX_IDS {
        return errors::limit_exceeded("ids", MASS_UPDATE_MAX_IDS as u64);
    }
    let over_write = body
        .params
        .get("over_write")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let item = match body.items.into_iter().next() {
        Some(Ok(item)) => item,
        Some(Err(e)) => return finish(vec![e], StatusCode::OK),
        None => return errors::missing_param("data"),
    };
    if item.keys().all(|k| k == "id") {
        return errors::missing_param("data");
    }
    let targets: Vec<String> = if ids.is_empty() {
        crm.records_of(&m.api_name)
            .iter()
            .map(|r| id_of(r).to_owned())
            .collect()
    } else {
        ids
    };
    let (mut updated, mut not_updated, mut failed) = (0u64, 0u64, 0u64);
    for id in &targets {
        let Some(current) = crm.find(&m.api_name, id).cloned() else {
            not_updated += 1;
            continue;
        };
        let mut change = item.clone();
        if !over_write {
            // Without over_write, list values (multi-select picks) are added to what is there.
            for (k, v) in change.iter_mut() {
                if let (Value::Array(new), Some(Value::Array(old))) = (&*v, current.get(k)) {
                    let mut merged = old.clone();
                    merged.extend(new.iter().filter(|x| !old.contains(x)).cloned());
                    *v = Value::Array(merged);
                }
            }
        }
        match update_one(crm, &m, ctx, id, change) {
            Ok(_) => updated += 1,
            Err(_) => failed += 1,
        }
    }
    let job_id = crm.new_id();
    crm.extras.mass_jobs.insert(
        job_id.clone(),
        MassJob {
            module: m.api_name.clone(),
            status: json!({
                "Status": "COMPLETED",
                "Total_Count": targets.len(),
                "Updated_Count": updated,
                "Not_Updated_Count": not_updated,
                "Failed_Count": failed,
            }),
        },
    );
    Reply::json(
        StatusCode::ACCEPTED,
        json!({"data": [{
            "code": "SUCCESS",
            "details": {"job_id": job_id},
            "message": "mass update scheduled successfully",
            "status": "success",
        }]}),
    )
}

/// `GET /{module}/actions/mass_update?job_id=`.
pub fn get_mass_update_status(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    let job = ctx.q("job_id").unwrap_or("");
    match crm.extras.mass_jobs.get(job) {
        Some(j) if j.module == m.api_name => {
            Reply::json(StatusCode::OK, json!({"data": [j.status.clone()]}))
        }
        _ => Reply::error(
            StatusCode::BAD_REQUEST,
            "INVALID_DATA",
            "invalid data",
            json!({"param_name": "job_id"}),
        ),
    }
}

fn invalid(api_name: &str) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "INVALID_DATA",
        "invalid data",
        json!({"api_name": api_name}),
    )
}

fn item_reply(e: Value) -> Reply {
    Reply::json(StatusCode::BAD_REQUEST, e)
}

fn opt_id(item: &Map<String, Value>, key: &str) -> Option<String> {
    match item.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

fn lookup(module: &str, rec: &Value) -> Value {
    json!({"name": display_name(module, rec), "id": id_of(rec)})
}

// Lead fields that carry over, by target module: (lead field, target field).
const CONTACT_MAP: &[(&str, &str)] = &[
    ("First_Name", "First_Name"),
    ("Last_Name", "Last_Name"),
    ("Email", "Email"),
    ("Phone", "Phone"),
    ("Mobile", "Mobile"),
    ("Email_Opt_Out", "Email_Opt_Out"),
];
const ACCOUNT_MAP: &[(&str, &str)] = &[
    ("Company", "Account_Name"),
    ("Phone", "Phone"),
    ("Website", "Website"),
    ("No_of_Employees", "Employees"),
    ("Annual_Revenue", "Annual_Revenue"),
];

fn carry(lead: &Value, map: &[(&str, &str)]) -> Map<String, Value> {
    map.iter()
        .filter_map(|(from, to)| {
            lead.get(*from)
                .filter(|v| !v.is_null())
                .map(|v| ((*to).to_owned(), v.clone()))
        })
        .collect()
}

// The lead's tags (`{name, id}`) whose names the caller listed for a target module.
fn tags_for(lead: &Value, item: &Map<String, Value>, target: &str) -> Option<Value> {
    let names: Vec<&str> = item
        .get("carry_over_tags")?
        .get(target)?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let tags: Vec<Value> = lead
        .get("Tag")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| {
            t.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| names.iter().any(|x| x.eq_ignore_ascii_case(n)))
        })
        .cloned()
        .collect();
    Some(Value::Array(tags))
}

/// `POST /Leads/{id}/actions/convert`: a contact (new, or the one given, or the one with the
/// lead's email), an account (the one given, the one named like the lead's company, or a new
/// one) and, when asked, a deal. The lead stays, marked `$converted` and hidden from listings
/// unless `converted=true|both` is asked for.
pub fn convert_record(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    let lead_id = ctx.var(&["record_id", "id"]).unwrap_or("").to_owned();
    if m.api_name != "Leads" {
        return Reply::error(
            StatusCode::BAD_REQUEST,
            "INVALID_DATA",
            "only leads can be converted",
            json!({"module": m.api_name}),
        );
    }
    let Some(lead) = crm.find("Leads", &lead_id).cloned() else {
        return item_reply(records::invalid_id(&lead_id));
    };
    if lead.get("$converted").and_then(Value::as_bool) == Some(true) {
        return Reply::error(
            StatusCode::BAD_REQUEST,
            "ID_ALREADY_CONVERTED",
            "id already converted",
            json!({"id": lead_id}),
        );
    }
    let item = match ctx.body.take().and_then(|b| b.items.into_iter().next()) {
        Some(Ok(item)) => item,
        Some(Err(e)) => return item_reply(e),
        // A body is optional for conversion: all defaults.
        None => Map::new(),
    };
    let owner = match opt_id(&item, "assign_to") {
        Some(uid) => match crm.user_by_id(&uid) {
            Some(u) => Some(crate::store::ref_of(u)),
            None => return invalid("assign_to"),
        },
        None => None,
    };
    let given_account = opt_id(&item, "Accounts");
    if let Some(a) = &given_account {
        if crm.find("Accounts", a).is_none() {
            return invalid("Accounts");
        }
    }
    let given_contact = opt_id(&item, "Contacts");
    if let Some(c) = &given_contact {
        if crm.find("Contacts", c).is_none() {
            return invalid("Contacts");
        }
    }
    let overwrite = item
        .get("overwrite")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let with_owner = |mut fields: Map<String, Value>| {
        if let Some(o) = &owner {
            fields.insert("Owner".into(), o.clone());
        }
        fields
    };

    // The deal goes first: it is the only part whose input can be wrong, and nothing may be
    // created when the conversion fails.
    let deal = match item.get("Deals") {
        Some(Value::Object(d)) => {
            let Some(def) = crm.module("Deals").cloned() else {
                return errors::invalid_module();
            };
            let mut fields = with_owner(d.clone());
            if let Some(tags) = tags_for(&lead, &item, "Deals") {
                fields.insert("Tag".into(), tags);
            }
            match create_one(crm, &def, ctx, fields) {
                Ok(rec) => Some(rec),
                Err(e) => return item_reply(e),
            }
        }
        Some(Value::Null) | None => None,
        Some(_) => return invalid("Deals"),
    };

    let company = lead
        .get("Company")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let account_id = match (given_account, company) {
        (Some(a), _) => Some(a),
        (None, Some(name)) => {
            let existing = crm
                .records_of("Accounts")
                .iter()
                .find(|a| {
                    a.get("Account_Name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.trim().eq_ignore_ascii_case(name))
                })
                .map(|a| id_of(a).to_owned());
            match existing {
                Some(a) => Some(a),
                None => {
                    let fields = with_owner(carry(&lead, ACCOUNT_MAP));
                    let rec = crm.insert("Accounts", fields, &ctx.user, ctx.now);
                    Some(id_of(&rec).to_owned())
                }
            }
        }
        (None, None) => None,
    };
    let account = account_id
        .as_deref()
        .and_then(|a| crm.find("Accounts", a))
        .map(|a| lookup("Accounts", a));
    if let (Some(a), true) = (&account_id, overwrite) {
        let fields = carry(&lead, ACCOUNT_MAP);
        crm.update("Accounts", a, fields, &ctx.user, ctx.now);
    }
    if let (Some(a), Some(tags)) = (&account_id, tags_for(&lead, &item, "Accounts")) {
        add_tags(crm, ctx, "Accounts", a, tags);
    }

    let by_email = lead
        .get("Email")
        .and_then(Value::as_str)
        .filter(|e| !e.trim().is_empty())
        .and_then(|e| {
            crm.records_of("Contacts").iter().find(|c| {
                c.get("Email")
                    .and_then(Value::as_str)
                    .is_some_and(|x| x.eq_ignore_ascii_case(e))
            })
        })
        .map(|c| id_of(c).to_owned());
    let contact_id = match given_contact.or(by_email) {
        Some(c) => {
            let mut fields = if overwrite {
                carry(&lead, CONTACT_MAP)
            } else {
                Map::new()
            };
            if let Some(a) = &account {
                fields.insert("Account_Name".into(), a.clone());
            }
            crm.update("Contacts", &c, fields, &ctx.user, ctx.now);
            c
        }
        None => {
            let mut fields = with_owner(carry(&lead, CONTACT_MAP));
            if let Some(a) = &account {
                fields.insert("Account_Name".into(), a.clone());
            }
            let rec = crm.insert("Contacts", fields, &ctx.user, ctx.now);
            id_of(&rec).to_owned()
        }
    };
    if let Some(tags) = tags_for(&lead, &item, "Contacts") {
        add_tags(crm, ctx, "Contacts", &contact_id, tags);
    }

    let deal_id = deal.as_ref().map(|d| id_of(d).to_owned());
    if let Some(d) = &deal_id {
        let mut links = Map::new();
        if let Some(a) = &account {
            links.insert("Account_Name".into(), a.clone());
        }
        if let Some(c) = crm.find("Contacts", &contact_id) {
            links.insert("Contact_Name".into(), lookup("Contacts", c));
        }
        crm.update("Deals", d, links, &ctx.user, ctx.now);
    }

    let mut mark = Map::new();
    mark.insert("$converted".into(), json!(true));
    mark.insert(
        "$converted_detail".into(),
        json!({
            "convert_date": format_iso(ctx.now),
            "converted_by": crate::extras::name_id(&ctx.user),
            "contact": contact_id,
            "account": account_id,
            "deal": deal_id,
        }),
    );
    crm.update("Leads", &lead_id, mark, &ctx.user, ctx.now);
    Reply::json(
        StatusCode::OK,
        json!({"data": [{"Contacts": contact_id, "Deals": deal_id, "Accounts": account_id}]}),
    )
}

fn add_tags(crm: &mut Crm, ctx: &Ctx, module: &str, id: &str, tags: Value) {
    let Some(rec) = crm.find(module, id) else {
        return;
    };
    let mut all: Vec<Value> = rec
        .get("Tag")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for t in tags.as_array().into_iter().flatten() {
        let name = t.get("name");
        if !all.iter().any(|x| x.get("name") == name) {
            all.push(t.clone());
        }
    }
    let mut fields = Map::new();
    fields.insert("Tag".into(), Value::Array(all));
    crm.update(module, id, fields, &ctx.user, ctx.now);
}

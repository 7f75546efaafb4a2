//! Org taxes. The list is kept in `sequence_number` order and renumbered 1..n after every
//! change, so a sequence number is always a position.

use crate::context::Ctx;
use crate::errors::{self, Reply};
use crate::settings::{
    self, as_id, duplicate, finish, invalid_field, invalid_field_msg, invalid_id, invalid_id_item,
    mandatory, one, success, text,
};
use crate::store::Crm;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

const REPEATED: &str = "Sequence number cannot be repeated in same request";
const OUT_OF_RANGE: &str = "Sequence number out of range";

fn renumber(taxes: &mut [Value]) {
    for (i, t) in taxes.iter_mut().enumerate() {
        if let Some(o) = t.as_object_mut() {
            let name = o
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let value = o.get("value").cloned().unwrap_or(Value::Null);
            o.insert("sequence_number".into(), json!(i + 1));
            o.insert("display_label".into(), json!(format!("{name} - {value} %")));
        }
    }
}

/// Sequence numbers sent by more than one item of the request.
fn repeated(items: &[Result<Map<String, Value>, Value>]) -> Vec<i64> {
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for i in items.iter().flatten() {
        if let Some(n) = i.get("sequence_number").and_then(Value::as_i64) {
            *seen.entry(n).or_default() += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, c)| *c > 1)
        .map(|(n, _)| n)
        .collect()
}

fn name_taken<'a>(crm: &'a Crm, name: &str, except: Option<&str>) -> Option<&'a Value> {
    crm.settings.taxes.iter().find(|t| {
        Some(settings::id_of(t)) != except
            && t.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(name))
    })
}

fn check_value(item: &Map<String, Value>) -> Result<(), Value> {
    match item.get("value") {
        None => Ok(()),
        Some(v) => match v.as_f64() {
            Some(x) if (0.0..=100.0).contains(&x) => Ok(()),
            _ => Err(invalid_field("value")),
        },
    }
}

/// Where a `sequence_number` puts the tax among `len` slots, or its error.
fn position(
    item: &Map<String, Value>,
    repeats: &[i64],
    len: usize,
) -> Result<Option<usize>, Value> {
    let Some(n) = item.get("sequence_number").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let n = n.as_i64().ok_or_else(|| invalid_field("sequence_number"))?;
    if repeats.contains(&n) {
        return Err(invalid_field_msg("sequence_number", REPEATED));
    }
    if n < 1 || n as usize > len {
        return Err(invalid_field_msg("sequence_number", OUT_OF_RANGE));
    }
    Ok(Some(n as usize - 1))
}

fn create_one(crm: &mut Crm, item: Map<String, Value>, repeats: &[i64]) -> Result<Value, Value> {
    let Some(name) = text(&item, "name").map(str::to_owned) else {
        return Err(mandatory("name"));
    };
    if item.get("value").is_none_or(Value::is_null) {
        return Err(mandatory("value"));
    }
    check_value(&item)?;
    if let Some(other) = name_taken(crm, &name, None) {
        return Err(duplicate("name", settings::id_of(other)));
    }
    let len = crm.settings.taxes.len();
    let at = position(&item, repeats, len + 1)?.unwrap_or(len);
    let id = crm.new_id();
    let tax =
        json!({"id": id, "name": name, "value": item.get("value").cloned().unwrap_or(Value::Null)});
    crm.settings.taxes.insert(at.min(len), tax);
    renumber(&mut crm.settings.taxes);
    Ok(json!({"id": id}))
}

fn update_one(crm: &mut Crm, item: Map<String, Value>, repeats: &[i64]) -> Result<Value, Value> {
    let id = as_id(item.get("id")).ok_or_else(|| mandatory("id"))?;
    let Some(pos) = crm
        .settings
        .taxes
        .iter()
        .position(|t| settings::id_of(t) == id)
    else {
        return Err(invalid_id_item(&id));
    };
    if item.contains_key("name") && text(&item, "name").is_none() {
        return Err(mandatory("name"));
    }
    if let Some(name) = text(&item, "name") {
        if let Some(other) = name_taken(crm, name, Some(&id)) {
            return Err(duplicate("name", settings::id_of(other)));
        }
    }
    if matches!(item.get("value"), Some(Value::Null)) {
        return Err(mandatory("value"));
    }
    check_value(&item)?;
    let to = position(&item, repeats, crm.settings.taxes.len())?;
    let mut tax = crm.settings.taxes.remove(pos);
    if let Some(o) = tax.as_object_mut() {
        for k in ["name", "value"] {
            if let Some(v) = item.get(k) {
                o.insert(k.into(), v.clone());
            }
        }
    }
    let at = to.unwrap_or(pos).min(crm.settings.taxes.len());
    crm.settings.taxes.insert(at, tax);
    renumber(&mut crm.settings.taxes);
    Ok(json!({"id": id}))
}

/// `GET /org/taxes`.
pub fn get_organization_taxes(crm: &mut Crm, _ctx: &mut Ctx) -> Reply {
    Reply::json(
        StatusCode::OK,
        json!({"taxes": crm.settings.taxes, "preference": crm.settings.tax_preference}),
    )
}

/// `GET /org/taxes/{id}`.
pub fn get_organization_tax(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["tax_id", "id"]).unwrap_or("");
    match crm.settings.taxes.iter().find(|t| settings::id_of(t) == id) {
        Some(t) => one("taxes", t.clone()),
        None => invalid_id(id),
    }
}

/// `POST /org/taxes`.
pub fn create_organization_taxes(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let items = settings::items(ctx);
    let repeats = repeated(&items);
    let results = items
        .into_iter()
        .map(
            |item| match item.and_then(|i| create_one(crm, i, &repeats)) {
                Ok(d) => success("tax added", d),
                Err(e) => e,
            },
        )
        .collect();
    finish("taxes", results, StatusCode::CREATED)
}

/// `PUT /org/taxes`: each item names its tax by `id`. Zoho's message for an updated tax is
/// "record updated" (the v2 SDK's list of tax messages).
pub fn update_organization_taxes(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let items = settings::items(ctx);
    let repeats = repeated(&items);
    let results = items
        .into_iter()
        .map(
            |item| match item.and_then(|i| update_one(crm, i, &repeats)) {
                Ok(d) => success("record updated", d),
                Err(e) => e,
            },
        )
        .collect();
    finish("taxes", results, StatusCode::OK)
}

fn delete_ids(crm: &mut Crm, ids: &[String]) -> Reply {
    let results = ids
        .iter()
        .map(|id| {
            let taxes = &mut crm.settings.taxes;
            match taxes.iter().position(|t| settings::id_of(t) == id) {
                Some(pos) => {
                    taxes.remove(pos);
                    renumber(taxes);
                    success("tax deleted", json!({"id": id}))
                }
                None => invalid_id_item(id),
            }
        })
        .collect();
    finish("taxes", results, StatusCode::OK)
}

/// `DELETE /org/taxes?ids=`.
pub fn delete_organization_taxes(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let ids: Vec<String> = ctx
        .q("ids")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if ids.is_empty() {
        return errors::missing_param("ids");
    }
    delete_ids(crm, &ids)
}

/// `DELETE /org/taxes/{id}`.
pub fn delete_organization_tax(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["tax_id", "id"]).unwrap_or("").to_owned();
    delete_ids(crm, &[id])
}

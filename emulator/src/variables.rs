//! Org variables and variable groups. A variable is named by id or API name in paths; its type
//! is fixed at creation and its value must fit that type.

use crate::context::Ctx;
use crate::errors::{self, item_error, Reply};
use crate::settings::{
    self, as_id, duplicate, finish, invalid_field, invalid_id, invalid_id_item, list, mandatory,
    one, success, text,
};
use crate::store::Crm;
use crate::time::{parse_date_days, parse_iso};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// What `type` may be (the spec's VariableType).
const TYPES: &[&str] = &[
    "integer", "text", "percent", "decimal", "currency", "date", "datetime", "email", "phone",
    "url", "checkbox", "textarea", "long",
];

fn matches_key(v: &Value, key: &str) -> bool {
    settings::id_of(v) == key
        || v.get("api_name")
            .and_then(Value::as_str)
            .is_some_and(|a| a.eq_ignore_ascii_case(key))
}

fn group_by_key<'a>(crm: &'a Crm, key: &str) -> Option<&'a Value> {
    crm.settings
        .variable_groups
        .iter()
        .find(|g| matches_key(g, key))
}

/// The group a `variable_group` value names (`{id}`, `{api_name}` or `{name}`), as variables
/// embed it.
fn resolve_group(crm: &Crm, v: &Value) -> Option<Value> {
    let groups = &crm.settings.variable_groups;
    let found = match v {
        Value::Object(o) => {
            let by = |k: &str| {
                o.get(k).and_then(Value::as_str).and_then(|want| {
                    groups.iter().find(|g| {
                        g.get(k)
                            .and_then(Value::as_str)
                            .is_some_and(|x| x.eq_ignore_ascii_case(want))
                    })
                })
            };
            match as_id(o.get("id")) {
                Some(id) => groups.iter().find(|g| settings::id_of(g) == id),
                None => by("api_name").or_else(|| by("name")),
            }
        }
        Value::String(s) => groups.iter().find(|g| matches_key(g, s)),
        _ => None,
    }?;
    Some(
        json!({"api_name": found.get("api_name").cloned().unwrap_or(Value::Null), "id": settings::id_of(found)}),
    )
}

fn value_fits(ty: &str, v: &Value) -> bool {
    if v.is_null() {
        return true;
    }
    match ty {
        "integer" | "long" => v.is_i64() || v.is_u64(),
        "decimal" | "currency" | "percent" => v.is_number(),
        "checkbox" => v.is_boolean(),
        "date" => v.as_str().is_some_and(|s| parse_date_days(s).is_some()),
        "datetime" => v.as_str().is_some_and(|s| parse_iso(s).is_some()),
        "email" => v.as_str().is_some_and(|s| {
            s.is_empty()
                || s.split_once('@')
                    .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'))
        }),
        _ => v.is_string(),
    }
}

fn bad_value(ty: &str) -> Value {
    item_error(
        "INVALID_DATA",
        "invalid data",
        json!({"api_name": "value", "expected_data_type": ty}),
    )
}

fn api_name_ok(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn api_name_taken<'a>(crm: &'a Crm, api: &str, except: Option<&str>) -> Option<&'a Value> {
    crm.settings.variables.iter().find(|v| {
        Some(settings::id_of(v)) != except
            && v.get("api_name")
                .and_then(Value::as_str)
                .is_some_and(|a| a.eq_ignore_ascii_case(api))
    })
}

fn create_one(crm: &mut Crm, item: Map<String, Value>) -> Result<Value, Value> {
    for key in ["name", "api_name", "type"] {
        if text(&item, key).is_none() {
            return Err(mandatory(key));
        }
    }
    let group = match item.get("variable_group") {
        None | Some(Value::Null) => return Err(mandatory("variable_group")),
        Some(g) => resolve_group(crm, g).ok_or_else(|| invalid_field("variable_group"))?,
    };
    let ty = text(&item, "type").unwrap_or_default();
    if !TYPES.contains(&ty) {
        return Err(invalid_field("type"));
    }
    let api = text(&item, "api_name").unwrap_or_default();
    if !api_name_ok(api) {
        return Err(invalid_field("api_name"));
    }
    if let Some(other) = api_name_taken(crm, api, None) {
        return Err(duplicate("api_name", settings::id_of(other)));
    }
    let value = item.get("value").cloned().unwrap_or(Value::Null);
    if !value_fits(ty, &value) {
        return Err(bad_value(ty));
    }
    let id = crm.new_id();
    let var = json!({
        "id": id,
        "name": text(&item, "name"),
        "api_name": api,
        "type": ty,
        "value": value,
        "description": item.get("description").cloned().unwrap_or(Value::Null),
        "variable_group": group,
    });
    crm.settings.variables.push(var);
    Ok(json!({"id": id}))
}

fn update_one(crm: &mut Crm, key: &str, item: Map<String, Value>) -> Result<Value, Value> {
    let Some(pos) = crm
        .settings
        .variables
        .iter()
        .position(|v| matches_key(v, key))
    else {
        return Err(invalid_id_item(key));
    };
    let current = crm
        .settings
        .variables
        .get(pos)
        .cloned()
        .ok_or_else(|| invalid_id_item(key))?;
    let id = settings::id_of(&current).to_owned();
    let ty = current
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("text")
        .to_owned();
    if let Some(new_ty) = item.get("type") {
        if new_ty.as_str() != Some(ty.as_str()) {
            return Err(item_error(
                "INVALID_DATA",
                "the type of a variable cannot be changed",
                json!({"api_name": "type"}),
            ));
        }
    }
    for k in ["name", "api_name"] {
        if item.contains_key(k) && text(&item, k).is_none() {
            return Err(mandatory(k));
        }
    }
    if let Some(api) = text(&item, "api_name") {
        if !api_name_ok(api) {
            return Err(invalid_field("api_name"));
        }
        if let Some(other) = api_name_taken(crm, api, Some(&id)) {
            return Err(duplicate("api_name", settings::id_of(other)));
        }
    }
    let group = match item.get("variable_group") {
        None => None,
        Some(Value::Null) => return Err(mandatory("variable_group")),
        Some(g) => Some(resolve_group(crm, g).ok_or_else(|| invalid_field("variable_group"))?),
    };
    if let Some(v) = item.get("value") {
        if !value_fits(&ty, v) {
            return Err(bad_value(&ty));
        }
    }
    let Some(obj) = crm
        .settings
        .variables
        .get_mut(pos)
        .and_then(Value::as_object_mut)
    else {
        return Err(invalid_id_item(key));
    };
    for k in ["name", "api_name", "value", "description"] {
        if let Some(v) = item.get(k) {
            obj.insert(k.into(), v.clone());
        }
    }
    if let Some(g) = group {
        obj.insert("variable_group".into(), g);
    }
    Ok(json!({"id": id}))
}

/// `GET /settings/variable_groups`.
pub fn get_variable_groups(crm: &mut Crm, _ctx: &mut Ctx) -> Reply {
    list("variable_groups", crm.settings.variable_groups.clone())
}

/// `GET /settings/variable_groups/{id or api_name}`.
pub fn get_variable_group(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let key = ctx.var(&["group_id", "id"]).unwrap_or("");
    match group_by_key(crm, key) {
        Some(g) => one("variable_groups", g.clone()),
        None => invalid_id(key),
    }
}

fn in_group(v: &Value, group: &Value) -> bool {
    v.pointer("/variable_group/id").and_then(Value::as_str) == Some(settings::id_of(group))
}

/// `GET /settings/variables[?group=]`.
pub fn get_variables(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let group = match ctx.q("group") {
        Some(g) => match group_by_key(crm, g) {
            Some(g) => Some(g.clone()),
            None => return errors::invalid_param("group"),
        },
        None => None,
    };
    let vars = crm
        .settings
        .variables
        .iter()
        .filter(|v| group.as_ref().is_none_or(|g| in_group(v, g)))
        .cloned()
        .collect();
    list("variables", vars)
}

/// `GET /settings/variables/{id or api_name}[?group=]`.
pub fn get_variable(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let key = ctx.var(&["variable_id", "id"]).unwrap_or("").to_owned();
    let group = match ctx.q("group") {
        Some(g) => match group_by_key(crm, g) {
            Some(g) => Some(g.clone()),
            None => return errors::invalid_param("group"),
        },
        None => None,
    };
    let found = crm
        .settings
        .variables
        .iter()
        .find(|v| matches_key(v, &key) && group.as_ref().is_none_or(|g| in_group(v, g)));
    match found {
        Some(v) => one("variables", v.clone()),
        None => invalid_id(&key),
    }
}

/// `POST /settings/variables`.
pub fn create_variables(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let items = settings::items(ctx);
    settings::write_each(
        "variables",
        items,
        StatusCode::CREATED,
        "variable added",
        |i| create_one(crm, i),
    )
}

/// `PUT /settings/variables`: each item names its variable by `id`.
pub fn update_variables(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let items = settings::items(ctx);
    settings::write_each(
        "variables",
        items,
        StatusCode::OK,
        "variable updated",
        |i| {
            let id = as_id(i.get("id")).ok_or_else(|| mandatory("id"))?;
            update_one(crm, &id, i)
        },
    )
}

/// `PUT /settings/variables/{id or api_name}`.
pub fn update_variable(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let key = ctx.var(&["variable_id", "id"]).unwrap_or("").to_owned();
    let items = settings::items(ctx);
    settings::write_each(
        "variables",
        items,
        StatusCode::OK,
        "variable updated",
        |i| update_one(crm, &key, i),
    )
}

/// `DELETE /settings/variables/{id or api_name}`.
pub fn delete_variable(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let key = ctx.var(&["variable_id", "id"]).unwrap_or("").to_owned();
    finish("variables", vec![delete_one(crm, &key)], StatusCode::OK)
}

/// `DELETE /settings/variables?ids=`: one result per id, in order.
pub fn delete_variables(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let ids = crate::params::id_list(ctx.q("ids").unwrap_or(""));
    if ids.is_empty() {
        return crate::errors::missing_param("ids");
    }
    let results = ids.iter().map(|id| delete_one(crm, id)).collect();
    finish("variables", results, StatusCode::OK)
}

fn delete_one(crm: &mut Crm, key: &str) -> Value {
    let vars = &mut crm.settings.variables;
    match vars.iter().position(|v| matches_key(v, key)) {
        Some(pos) => {
            let gone = vars.remove(pos);
            success("variable deleted", json!({"id": settings::id_of(&gone)}))
        }
        None => invalid_id_item(key),
    }
}

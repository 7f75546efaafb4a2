//! Checks every request against its operation in the spec before a handler sees it: typed query
//! parameters and their bounds, the JSON body envelope and item count, and each item's typed
//! fields. Request-level problems end the request; item-level problems fail only that item.

use crate::errors::{self, item_error, Reply};
use crate::seed::ModuleDef;
use crate::time::{parse_date_days, parse_iso};
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use zohocrm_codegen::ir::{Api, Items, Location, Operation, Type};

/// Enums whose values Zoho enforces; every other enum is accepted as free text, as Zoho does.
const STRICT_ENUMS: &[&str] = &["SortOrder"];

/// A validated request body.
#[derive(Debug, Default)]
pub struct BodyInput {
    /// Items in input order: the cleaned item (read-only keys dropped) or its per-item error.
    pub items: Vec<Result<Map<String, Value>, Value>>,
    /// Top-level keys beside the envelope (`trigger`, `duplicate_check_fields` ...).
    pub params: Map<String, Value>,
}

/// Query parameters: last value wins, as Zoho does with repeated keys.
pub fn query_map(pairs: Vec<(String, String)>) -> HashMap<String, String> {
    pairs.into_iter().collect()
}

/// Whether `op`'s required query parameters are all present (used to pick among operations that
/// share a path, like the search family).
pub fn required_present(op: &Operation, query: &HashMap<String, String>) -> bool {
    op.params
        .iter()
        .filter(|p| p.location == Location::Query && !p.optional && p.fixed.is_none())
        .all(|p| query.get(&p.key).is_some_and(|v| !v.trim().is_empty()))
}

/// Checks the typed query parameters.
pub fn check_query(
    api: &Api,
    op: &Operation,
    query: &HashMap<String, String>,
) -> Result<(), Reply> {
    for p in op.params.iter().filter(|p| p.location == Location::Query) {
        let value = query.get(&p.key).map(|v| v.trim()).unwrap_or("");
        if value.is_empty() {
            if !p.optional && p.fixed.is_none() {
                return Err(errors::missing_param(&p.key));
            }
            continue;
        }
        match &p.ty {
            Type::List(inner) => {
                let parts: Vec<&str> = value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                if let Some(max) = p.max {
                    if parts.len() as u64 > max {
                        return Err(errors::limit_exceeded(&p.key, max));
                    }
                }
                if let Some(min) = p.min {
                    if (parts.len() as u64) < min {
                        return Err(errors::missing_param(&p.key));
                    }
                }
                if !parts.iter().all(|v| scalar_ok(api, inner, v)) {
                    return Err(errors::invalid_param(&p.key));
                }
            }
            ty => {
                if !scalar_ok(api, ty, value) {
                    return Err(errors::invalid_param(&p.key));
                }
                if *ty == Type::Integer {
                    let n: i64 = value.parse().unwrap_or(0);
                    let too_big = p.max.is_some_and(|m| n > m as i64);
                    let too_small = p.min.is_some_and(|m| n < m as i64);
                    if too_big || too_small {
                        return Err(errors::invalid_param(&p.key));
                    }
                }
            }
        }
    }
    Ok(())
}

fn scalar_ok(api: &Api, ty: &Type, v: &str) -> bool {
    match ty {
        Type::Integer => v.parse::<i64>().is_ok(),
        Type::Decimal => v.parse::<f64>().is_ok(),
        Type::Boolean => v == "true" || v == "false",
        Type::Id => !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()),
        Type::Date => parse_date_days(v).is_some(),
        Type::DateTime => parse_iso(v).is_some(),
        Type::Enum(name) if STRICT_ENUMS.contains(&name.as_str()) => api
            .enum_(name)
            .is_none_or(|e| e.values.iter().any(|x| x == v)),
        _ => true,
    }
}

/// Checks typed headers; returns `If-Modified-Since` as Unix seconds when sent.
pub fn check_headers(
    op: &Operation,
    headers: &HashMap<String, String>,
) -> Result<Option<i64>, Reply> {
    let mut ims = None;
    for p in op.params.iter().filter(|p| p.location == Location::Header) {
        let Some(v) = headers.get(&p.key.to_ascii_lowercase()) else {
            continue;
        };
        if p.ty == Type::DateTime {
            match parse_iso(v) {
                Some(t) => {
                    if p.key.eq_ignore_ascii_case("If-Modified-Since") {
                        ims = Some(t);
                    }
                }
                None => return Err(errors::invalid_param(&p.key)),
            }
        }
    }
    Ok(ims)
}

/// Parses and checks the JSON body of an operation that has one.
pub fn check_body(
    api: &Api,
    op: &Operation,
    module: Option<&ModuleDef>,
    raw: &[u8],
) -> Result<Option<BodyInput>, Reply> {
    let Some(body) = &op.body else {
        return check_top_level(api, op, raw);
    };
    let key = body.key.as_str();
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(errors::missing_param(key));
    }
    let mut top = json_object(raw)?;
    let items = match top.remove(key) {
        None | Some(Value::Null) => return Err(errors::missing_param(key)),
        Some(Value::Array(a)) => a,
        Some(obj @ Value::Object(_)) if body.items == Items::One => vec![obj],
        Some(_) => return Err(errors::invalid_param(key)),
    };
    if items.is_empty() {
        return Err(errors::missing_param(key));
    }
    if let Some(max) = body.max_items {
        if items.len() as u64 > max {
            return Err(errors::limit_exceeded(key, max));
        }
    }
    check_body_params(api, op, &top)?;
    let entity = api.entity(&body.entity);
    let items = items
        .into_iter()
        .map(|item| check_item(api, entity, module, item))
        .collect();
    Ok(Some(BodyInput { items, params: top }))
}

fn json_object(raw: &[u8]) -> Result<Map<String, Value>, Reply> {
    match serde_json::from_slice(raw) {
        Ok(Value::Object(top)) => Ok(top),
        _ => Err(Reply::error(
            StatusCode::BAD_REQUEST,
            "INVALID_DATA",
            "body is not valid JSON",
            json!({}),
        )),
    }
}

fn check_body_params(api: &Api, op: &Operation, top: &Map<String, Value>) -> Result<(), Reply> {
    for p in op.params.iter().filter(|p| p.location == Location::Body) {
        match top.get(&p.key) {
            None | Some(Value::Null) => {
                if !p.optional && p.fixed.is_none() {
                    return Err(errors::missing_param(&p.key));
                }
            }
            Some(v) => {
                if !value_ok(api, &p.ty, v, 0) {
                    return Err(errors::invalid_param(&p.key));
                }
            }
        }
    }
    Ok(())
}

// A body of top-level keys only, without an item envelope (`{"base_currency": {...}}`): the
// keys land in `BodyInput::params`.
fn check_top_level(api: &Api, op: &Operation, raw: &[u8]) -> Result<Option<BodyInput>, Reply> {
    let mut keys = op.params.iter().filter(|p| p.location == Location::Body);
    let Some(first) = keys.next() else {
        return Ok(None);
    };
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(errors::missing_param(&first.key));
    }
    let top = json_object(raw)?;
    check_body_params(api, op, &top)?;
    Ok(Some(BodyInput {
        items: Vec::new(),
        params: top,
    }))
}

fn check_item(
    api: &Api,
    entity: Option<&zohocrm_codegen::ir::Entity>,
    module: Option<&ModuleDef>,
    item: Value,
) -> Result<Map<String, Value>, Value> {
    let Value::Object(obj) = item else {
        return Err(item_error("INVALID_DATA", "invalid data", json!({})));
    };
    let mut out = Map::new();
    for (k, v) in obj {
        // The record id is read-only for creates but is how updates name their target.
        if k == "id" {
            match &v {
                Value::String(_) | Value::Null => {}
                Value::Number(n) if n.is_u64() => {
                    out.insert(k, json!(n.to_string()));
                    continue;
                }
                _ => return Err(type_error("id", "bigint")),
            }
            out.insert(k, v);
            continue;
        }
        if let Some(f) = entity.and_then(|e| e.fields.iter().find(|f| f.key == k)) {
            if f.read_only {
                continue;
            }
            if !value_ok(api, &f.ty, &v, 0) {
                return Err(type_error(&k, zoho_type(&f.ty)));
            }
        } else if let Some(f) = module.and_then(|m| m.field(&k)) {
            // Zoho computes formula fields; like other read-only keys, a value sent is dropped.
            if !f.writable() {
                continue;
            }
            if !module_value_ok(f.data_type, &v) {
                return Err(type_error(&k, f.data_type));
            }
        }
        out.insert(k, v);
    }
    Ok(out)
}

fn type_error(key: &str, expected: &str) -> Value {
    item_error(
        "INVALID_DATA",
        "invalid data",
        json!({"api_name": key, "expected_data_type": expected}),
    )
}

/// Zoho's name for the data type a spec type stands for (what `expected_data_type` reports).
pub fn zoho_type(ty: &Type) -> &'static str {
    match ty {
        Type::String | Type::Any | Type::File => "text",
        Type::Integer => "integer",
        Type::Decimal => "double",
        Type::Boolean => "boolean",
        Type::Date => "date",
        Type::DateTime => "datetime",
        Type::Id => "bigint",
        Type::Map => "jsonobject",
        Type::List(_) => "jsonarray",
        Type::Enum(_) => "picklist",
        Type::Entity(n) if n == "UserRef" => "ownerlookup",
        Type::Entity(n) if n == "LookupRef" => "lookup",
        Type::Entity(_) => "jsonobject",
    }
}

/// Whether a JSON value fits a spec type. `null` fits everything (it clears a field).
pub fn value_ok(api: &Api, ty: &Type, v: &Value, depth: usize) -> bool {
    if v.is_null() {
        return true;
    }
    if depth > 16 {
        return false;
    }
    match ty {
        Type::String | Type::Enum(_) => v.is_string(),
        Type::Integer => v.is_i64() || v.is_u64(),
        Type::Decimal => v.is_number(),
        Type::Boolean => v.is_boolean(),
        Type::Date => v.as_str().is_some_and(|s| parse_date_days(s).is_some()),
        Type::DateTime => v.as_str().is_some_and(|s| parse_iso(s).is_some()),
        Type::Id => match v {
            Value::String(s) => !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
            Value::Number(n) => n.is_u64(),
            _ => false,
        },
        Type::Map => v.is_object(),
        Type::Any | Type::File => true,
        Type::List(inner) => v
            .as_array()
            .is_some_and(|a| a.iter().all(|x| value_ok(api, inner, x, depth + 1))),
        Type::Entity(name) => match (v, api.entity(name)) {
            (Value::Object(o), Some(e)) => e.fields.iter().all(|f| {
                o.get(&f.key)
                    .is_none_or(|x| value_ok(api, &f.ty, x, depth + 1))
            }),
            (Value::Object(_), None) => true,
            // A reference may be a bare id. Source: genuine request bodies send
            // `"Parent_Id": "7328395000000705001"` (fixtures notes/POST_Notes.nango.request.json)
            // and `"role": "554023000000015969"` (users/POST_users.doc-schmorrison.request.json).
            (Value::String(_) | Value::Number(_), Some(e)) if e.bare_id => {
                value_ok(api, &Type::Id, v, depth + 1)
            }
            _ => false,
        },
    }
}

/// Whether a JSON value fits a module field's Zoho data type.
pub fn module_value_ok(data_type: &str, v: &Value) -> bool {
    if v.is_null() {
        return true;
    }
    match data_type {
        "email" => v.as_str().is_some_and(|s| {
            s.is_empty()
                || s.split_once('@')
                    .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.contains('@'))
        }),
        "integer" | "bigint" => v.is_i64() || v.is_u64(),
        "double" | "currency" | "percent" => v.is_number(),
        "boolean" => v.is_boolean(),
        "date" => v.as_str().is_some_and(|s| parse_date_days(s).is_some()),
        "datetime" => v.as_str().is_some_and(|s| parse_iso(s).is_some()),
        "lookup" | "ownerlookup" => match v {
            Value::Object(o) => o.get("id").is_none_or(|id| id.is_string() || id.is_u64()),
            Value::String(s) => s.bytes().all(|b| b.is_ascii_digit()),
            Value::Number(n) => n.is_u64(),
            _ => false,
        },
        "multiselectpicklist" => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        _ => v.is_string(),
    }
}

//! External ids: `X-EXTERNAL: {Module}.{Field}` (comma-separated for both sides of a related
//! call) says the path holds that field's value instead of a Zoho id (zoho-api-v2.md §5
//! "External ID"; zohocrmsdk2-0 6.0.0 `*_using_external_id`). The value is swapped for the
//! record's id before any handler runs, so every record and related-record call takes it; a
//! value no record has stays as it is and gets the handler's unknown-id answer. The field must be
//! one the module defines.

use crate::errors::Reply;
use crate::store::Crm;
use axum::http::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;

const PARENT: &[&str] = &["record_id", "id", "external_value"];
const RELATED: &[&str] = &["related_id", "external_related_value"];

fn bad_header(value: &str, reason: &str) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "INVALID_DATA",
        "invalid data",
        json!({"param_name": "X-EXTERNAL", "value": value, "reason": reason}),
    )
}

fn field_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The id of the record of `module` whose `field` is `value`.
fn lookup(crm: &Crm, module: &str, field: &str, value: &str) -> Option<String> {
    crm.records_of(module)
        .iter()
        .find(|r| r.get(field).and_then(field_text).as_deref() == Some(value))
        .and_then(|r| r.get("id").and_then(Value::as_str))
        .map(str::to_owned)
}

/// Rewrites path values (and a related call's `ids`) named by `X-EXTERNAL` into record ids.
pub fn resolve(
    crm: &Crm,
    module: Option<&str>,
    headers: &HashMap<String, String>,
    vars: &mut HashMap<String, String>,
    query: &mut HashMap<String, String>,
) -> Result<(), Reply> {
    let (Some(header), Some(module)) = (headers.get("x-external"), module) else {
        return Ok(());
    };
    for entry in header.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let Some((m, field)) = entry.split_once('.') else {
            return Err(bad_header(entry, "expected Module.Field"));
        };
        let Some(def) = crm.module(m) else {
            return Err(bad_header(entry, "unknown module"));
        };
        if def.field(field).is_none() {
            return Err(bad_header(entry, "the module has no such field"));
        }
        let target = def.api_name.clone();
        let related = vars
            .get("related_list")
            .and_then(|l| crate::related::list_module(module, l));
        let (names, ids_too) = if target == module {
            (PARENT, false)
        } else if related == Some(target.as_str()) {
            (RELATED, true)
        } else {
            return Err(bad_header(
                entry,
                "the module is neither the record's nor its related list's",
            ));
        };
        let swap = |v: &str| lookup(crm, &target, field, v).unwrap_or_else(|| v.to_owned());
        for name in names {
            if let Some(v) = vars.get_mut(*name) {
                *v = swap(v);
            }
        }
        if ids_too {
            if let Some(ids) = query.get_mut("ids") {
                let mapped: Vec<String> = crate::params::id_list(ids)
                    .iter()
                    .map(|v| swap(v))
                    .collect();
                *ids = mapped.join(",");
            }
        }
    }
    Ok(())
}

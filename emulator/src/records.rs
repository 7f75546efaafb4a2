//! Record handlers: list, get, create, update, upsert, delete and search. Business rules live
//! here (mandatory and unique fields, ids, duplicate checks); shapes were checked by `validate`.

use crate::context::Ctx;
use crate::criteria::{self, CriteriaError};
use crate::errors::{self, item_error, Reply};
use crate::seed::ModuleDef;
use crate::store::{ref_of, Crm};
use crate::time::parse_iso;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;

pub(crate) fn module_of(crm: &Crm, ctx: &Ctx) -> Option<ModuleDef> {
    ctx.module.as_deref().and_then(|m| crm.module(m)).cloned()
}

pub(crate) use crate::settings::id_of;

pub(crate) fn modified(v: &Value) -> i64 {
    v.get("Modified_Time")
        .and_then(Value::as_str)
        .and_then(parse_iso)
        .unwrap_or(0)
}

/// `GET /{module}`.
pub fn get_records(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    if let Some(over) = crate::pagination::check(ctx) {
        return over;
    }
    // `ids` picks records by the module's id index: the SDK's `.stream()` asks 100 ids at a time
    // of 100,000-record modules, which a scan per call made the cost of the whole read.
    let mut recs: Vec<&Value> = match ctx.q("ids") {
        Some(ids) => crm.find_many(&m.api_name, ids.split(',').map(str::trim)),
        None => crm.records_of(&m.api_name).iter().collect(),
    };
    filter_flags(&mut recs, ctx);
    if let Some(t) = ctx.if_modified_since {
        recs.retain(|r| modified(r) > t);
        if recs.is_empty() {
            return Reply::empty(StatusCode::NOT_MODIFIED);
        }
    }
    let sort_by = ctx.q("sort_by").unwrap_or("id").to_owned();
    let sort_order = ctx.q("sort_order").unwrap_or("desc").to_owned();
    sort(&mut recs, &sort_by, sort_order == "asc");
    let info = json!({"sort_by": sort_by, "sort_order": sort_order});
    page_reply(&recs, ctx, info)
}

// `approved` and `converted` take true, false or both. Approved defaults to both; converted
// defaults to false, as Zoho's does, so converted leads drop out of plain listings.
fn filter_flags(recs: &mut Vec<&Value>, ctx: &Ctx) {
    for (param, key) in [("approved", "$approved"), ("converted", "$converted")] {
        let want = match ctx.q(param) {
            Some("true") => true,
            Some("false") => false,
            None if param == "converted" => false,
            _ => continue,
        };
        recs.retain(|r| {
            r.get(key)
                .and_then(Value::as_bool)
                .unwrap_or(key == "$approved")
                == want
        });
    }
}

pub(crate) fn sort(recs: &mut [&Value], field: &str, asc: bool) {
    recs.sort_by(|a, b| {
        let o = cmp_values(a.get(field), b.get(field));
        let o = if o == Ordering::Equal && field != "id" {
            cmp_values(a.get("id"), b.get("id"))
        } else {
            o
        };
        if asc {
            o
        } else {
            o.reverse()
        }
    });
}

fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => {
            let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            match (numeric(x), numeric(y)) {
                (true, true) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
                _ => match (parse_iso(x), parse_iso(y)) {
                    (Some(p), Some(q)) => p.cmp(&q),
                    _ => x.to_lowercase().cmp(&y.to_lowercase()),
                },
            }
        }
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (None | Some(Value::Null), None | Some(Value::Null)) => Ordering::Equal,
        // Empty values sort first ascending, like Zoho's list views.
        (None | Some(Value::Null), _) => Ordering::Less,
        (_, None | Some(Value::Null)) => Ordering::Greater,
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}

/// One page of records with `info`; 204 when the page is empty.
pub(crate) fn page_reply(recs: &[&Value], ctx: &Ctx, extra_info: Value) -> Reply {
    page_reply_keyed("data", recs, ctx, extra_info)
}

/// A page of `recs` under the envelope key `key`, with `info`; 204 past the end.
pub(crate) fn page_reply_keyed(key: &str, recs: &[&Value], ctx: &Ctx, extra_info: Value) -> Reply {
    let page = ctx.q_int("page", 1).max(1);
    let per_page = ctx.q_int("per_page", 200).clamp(1, 200);
    let start = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    if start >= recs.len() {
        return Reply::empty(StatusCode::NO_CONTENT);
    }
    let end = start.saturating_add(per_page as usize).min(recs.len());
    let fields: Option<Vec<&str>> = ctx.q("fields").map(|f| {
        f.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    });
    let data: Vec<Value> = recs[start..end]
        .iter()
        .map(|r| project(r, fields.as_deref()))
        .collect();
    let mut info = json!({
        "per_page": per_page,
        "count": data.len(),
        "page": page,
        "more_records": end < recs.len(),
    });
    if let (Some(i), Value::Object(extra)) = (info.as_object_mut(), extra_info) {
        i.extend(extra);
    }
    Reply::json(StatusCode::OK, json!({key: data, "info": info}))
}

// `fields` keeps only the listed keys; the id always comes back, as Zoho does.
pub(crate) fn project<S: AsRef<str>>(rec: &Value, fields: Option<&[S]>) -> Value {
    let (Some(fields), Some(obj)) = (fields, rec.as_object()) else {
        return rec.clone();
    };
    let out: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| k.as_str() == "id" || fields.iter().any(|f| f.as_ref() == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(out)
}

/// `GET /{module}/{id}`.
pub fn get_record(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    let id = ctx.var(&["id", "record_id"]).unwrap_or("");
    match crm.find(&m.api_name, id) {
        Some(r) if ctx.if_modified_since.is_some_and(|t| modified(r) <= t) => {
            Reply::empty(StatusCode::NOT_MODIFIED)
        }
        Some(r) => Reply::json(StatusCode::OK, json!({"data": [r]})),
        None => Reply::empty(StatusCode::NO_CONTENT),
    }
}

pub(crate) fn success(rec: &Value, message: &str) -> Value {
    let by = |k: &str| {
        let u = rec.get(k).cloned().unwrap_or(Value::Null);
        json!({"name": u.get("name").cloned().unwrap_or(Value::Null), "id": u.get("id").cloned().unwrap_or(Value::Null)})
    };
    json!({
        "code": "SUCCESS",
        "details": {
            "Modified_Time": rec.get("Modified_Time").cloned().unwrap_or(Value::Null),
            "Modified_By": by("Modified_By"),
            "Created_Time": rec.get("Created_Time").cloned().unwrap_or(Value::Null),
            "id": rec.get("id").cloned().unwrap_or(Value::Null),
            "Created_By": by("Created_By"),
        },
        "message": message,
        "status": "success",
    })
}

/// Per-item results under `data`: `ok` when all succeeded, 207 when mixed, 400 when all failed.
pub(crate) fn finish(results: Vec<Value>, ok: StatusCode) -> Reply {
    finish_keyed("data", results, ok)
}

/// Per-item write results under `key`: `ok` when all succeeded, 207 when some did, else 400.
pub(crate) fn finish_keyed(key: &str, results: Vec<Value>, ok: StatusCode) -> Reply {
    let good = results
        .iter()
        .filter(|r| r.get("status").and_then(Value::as_str) == Some("success"))
        .count();
    let status = if good == results.len() {
        ok
    } else if good == 0 {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::MULTI_STATUS
    };
    Reply::json(status, json!({ key: results }))
}

pub(crate) fn blank(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        _ => false,
    }
}

pub(crate) fn mandatory_missing(api_name: &str) -> Value {
    item_error(
        "MANDATORY_NOT_FOUND",
        "required field not found",
        json!({"api_name": api_name}),
    )
}

pub(crate) fn invalid_id(id: &str) -> Value {
    item_error(
        "INVALID_DATA",
        "the id given seems to be invalid",
        json!({"id": id}),
    )
}

/// Checks mandatory fields: all of them for a create, only those being cleared for an update.
fn check_mandatory(m: &ModuleDef, item: &Map<String, Value>, create: bool) -> Result<(), Value> {
    for f in m.fields.iter().filter(|f| f.mandatory) {
        let sent = item.get(f.api_name);
        if (create || sent.is_some()) && blank(sent) {
            return Err(mandatory_missing(f.api_name));
        }
    }
    Ok(())
}

/// Unique fields (and the module's duplicate-check fields on create) must not clash with another
/// record.
fn check_unique(
    crm: &Crm,
    m: &ModuleDef,
    item: &Map<String, Value>,
    self_id: Option<&str>,
) -> Result<(), Value> {
    for f in m.fields.iter().filter(|f| f.unique) {
        let Some(v) = item.get(f.api_name).filter(|v| !blank(Some(v))) else {
            continue;
        };
        if let Some(other) = find_by_field(crm, &m.api_name, f.api_name, v) {
            if Some(id_of(other)) != self_id {
                return Err(item_error(
                    "DUPLICATE_DATA",
                    "duplicate data",
                    json!({"api_name": f.api_name, "id": id_of(other)}),
                ));
            }
        }
    }
    Ok(())
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.trim().eq_ignore_ascii_case(y.trim()),
        (Value::Object(_), Value::Object(_)) => a.get("id").is_some() && a.get("id") == b.get("id"),
        _ => a == b,
    }
}

fn find_by_field<'a>(crm: &'a Crm, module: &str, field: &str, v: &Value) -> Option<&'a Value> {
    crm.records_of(module)
        .iter()
        .find(|r| r.get(field).is_some_and(|x| same_value(x, v)))
}

/// Replaces an `Owner` given as `{id}` (or a bare id) by the full user reference.
fn resolve_owner(crm: &Crm, item: &mut Map<String, Value>) -> Result<(), Value> {
    let Some(owner) = item.get("Owner") else {
        return Ok(());
    };
    let id = match owner {
        Value::Null => {
            item.remove("Owner");
            return Ok(());
        }
        Value::Object(o) => o.get("id").and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }),
        Value::String(s) => Some(s.clone()),
        _ => None,
    };
    match id.as_deref().and_then(|id| crm.user_by_id(id)) {
        Some(u) => {
            item.insert("Owner".into(), ref_of(u));
            Ok(())
        }
        None => Err(item_error(
            "INVALID_DATA",
            "invalid data",
            json!({"api_name": "Owner", "expected_data_type": "ownerlookup"}),
        )),
    }
}

/// Body items (each cleaned or already failed) and the top-level body parameters.
type Items = (Vec<Result<Map<String, Value>, Value>>, Map<String, Value>);

fn take_items(ctx: &mut Ctx) -> Option<Items> {
    ctx.body.take().map(|b| (b.items, b.params))
}

pub(crate) fn create_one(
    crm: &mut Crm,
    m: &ModuleDef,
    ctx: &Ctx,
    item: Map<String, Value>,
) -> Result<Value, Value> {
    create_with(crm, m, ctx, item, true)
}

/// As [`create_one`]; `scan_unique: false` leaves the unique-field check to the caller (Bulk
/// Write keeps an index instead of scanning the module once per row).
pub(crate) fn create_with(
    crm: &mut Crm,
    m: &ModuleDef,
    ctx: &Ctx,
    mut item: Map<String, Value>,
    scan_unique: bool,
) -> Result<Value, Value> {
    item.remove("id");
    check_mandatory(m, &item, true)?;
    resolve_owner(crm, &mut item)?;
    if scan_unique {
        check_unique(crm, m, &item, None)?;
    }
    crate::line_items::normalize(crm, &m.api_name, &mut item)?;
    Ok(crm.insert(&m.api_name, item, &ctx.user, ctx.now))
}

pub(crate) fn update_one(
    crm: &mut Crm,
    m: &ModuleDef,
    ctx: &Ctx,
    id: &str,
    item: Map<String, Value>,
) -> Result<Value, Value> {
    update_with(crm, m, ctx, id, item, true)
}

/// As [`update_one`], with the unique-field check optional as for [`create_with`].
pub(crate) fn update_with(
    crm: &mut Crm,
    m: &ModuleDef,
    ctx: &Ctx,
    id: &str,
    mut item: Map<String, Value>,
    scan_unique: bool,
) -> Result<Value, Value> {
    item.remove("id");
    if crm.find(&m.api_name, id).is_none() {
        return Err(invalid_id(id));
    }
    check_mandatory(m, &item, false)?;
    resolve_owner(crm, &mut item)?;
    if scan_unique {
        check_unique(crm, m, &item, Some(id))?;
    }
    crate::line_items::normalize(crm, &m.api_name, &mut item)?;
    crm.update(&m.api_name, id, item, &ctx.user, ctx.now)
        .ok_or_else(|| invalid_id(id))
}

/// `POST /{module}`.
pub fn create_records(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    let Some((items, _)) = take_items(ctx) else {
        return errors::missing_param("data");
    };
    let results = items
        .into_iter()
        .map(|item| {
            item.and_then(|i| create_one(crm, &m, ctx, i))
                .map(|rec| success(&rec, "record added"))
                .unwrap_or_else(|e| e)
        })
        .collect();
    finish(results, StatusCode::CREATED)
}

fn item_id(item: &Map<String, Value>) -> Option<String> {
    match item.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// `PUT /{module}` (and `PUT /{module}/{id}`, where the path names the record).
pub fn update_records(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    let path_id = ctx.var(&["id", "record_id"]).map(str::to_owned);
    let Some((items, _)) = take_items(ctx) else {
        return errors::missing_param("data");
    };
    let results = items
        .into_iter()
        .map(|item| {
            item.and_then(|i| {
                let id = path_id
                    .clone()
                    .or_else(|| item_id(&i))
                    .ok_or_else(|| mandatory_missing("id"))?;
                update_one(crm, &m, ctx, &id, i)
            })
            .map(|rec| success(&rec, "record updated"))
            .unwrap_or_else(|e| e)
        })
        .collect();
    finish(results, StatusCode::OK)
}

/// `POST /{module}/upsert`: update the record matching a duplicate-check field, else insert.
pub fn upsert_records(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    let Some((items, params)) = take_items(ctx) else {
        return errors::missing_param("data");
    };
    let check: Vec<String> = match params
        .get("duplicate_check_fields")
        .and_then(Value::as_array)
    {
        Some(a) if !a.is_empty() => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => {
            let mut v: Vec<String> = m.duplicate_check.iter().map(|s| (*s).to_owned()).collect();
            for f in m.fields.iter().filter(|f| f.unique) {
                if !v.iter().any(|x| x == f.api_name) {
                    v.push(f.api_name.to_owned());
                }
            }
            v
        }
    };
    let results = items
        .into_iter()
        .map(|item| {
            let item = match item {
                Ok(i) => i,
                Err(e) => return e,
            };
            let hit = check.iter().find_map(|f| {
                let v = item.get(f).filter(|v| !blank(Some(v)))?;
                find_by_field(crm, &m.api_name, f, v).map(|r| (f.clone(), id_of(r).to_owned()))
            });
            let (res, action, dup, msg) = match hit {
                Some((f, id)) => (
                    update_one(crm, &m, ctx, &id, item),
                    "update",
                    json!(f),
                    "record updated",
                ),
                None => (
                    create_one(crm, &m, ctx, item),
                    "insert",
                    Value::Null,
                    "record added",
                ),
            };
            match res {
                Ok(rec) => {
                    let mut s = success(&rec, msg);
                    if let Some(o) = s.as_object_mut() {
                        o.insert("action".into(), json!(action));
                        o.insert("duplicate_field".into(), dup);
                    }
                    s
                }
                Err(e) => e,
            }
        })
        .collect();
    finish(results, StatusCode::OK)
}

/// The id a delete's path names, else the comma-separated `ids` query parameter.
pub(crate) fn ids_to_delete(path_id: Option<&str>, ctx: &Ctx) -> Vec<String> {
    match path_id {
        Some(id) => vec![id.to_owned()],
        None => ctx
            .q("ids")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

/// `DELETE /{module}?ids=` (and `DELETE /{module}/{id}`).
pub fn delete_records(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    let ids = ids_to_delete(ctx.var(&["id", "record_id"]), ctx);
    if ids.is_empty() {
        return errors::missing_param("ids");
    }
    let results = ids
        .iter()
        .map(|id| {
            if crm.recycle(&m.api_name, id, &ctx.user, ctx.now) {
                json!({"code": "SUCCESS", "details": {"id": id}, "message": "record deleted", "status": "success"})
            } else {
                invalid_id(id)
            }
        })
        .collect();
    finish(results, StatusCode::OK)
}

/// The search family: `word`, `phone`, `email` or `criteria` (the dispatcher picked the
/// operation whose parameter was sent).
pub fn search(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(m) = module_of(crm, ctx) else {
        return errors::invalid_module();
    };
    if let Some(over) = crate::pagination::check(ctx) {
        return over;
    }
    let all = crm.records_of(&m.api_name);
    let mut recs: Vec<&Value> = if let Some(c) = ctx.q("criteria") {
        let expr = match criteria::parse(c) {
            Ok(e) => e,
            Err(CriteriaError::Invalid(reason)) => {
                return Reply::error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_QUERY",
                    "invalid query formed",
                    json!({"reason": reason}),
                )
            }
            Err(CriteriaError::TooMany(_)) => {
                return errors::limit_exceeded("criteria", criteria::MAX_CONDITIONS as u64)
            }
        };
        all.iter().filter(|r| criteria::eval(&expr, r)).collect()
    } else if let Some(e) = ctx.q("email") {
        all.iter()
            .filter(|r| field_values(&m, r, "email").any(|v| v.eq_ignore_ascii_case(e)))
            .collect()
    } else if let Some(p) = ctx.q("phone") {
        let want = digits(p);
        all.iter()
            .filter(|r| {
                !want.is_empty() && field_values(&m, r, "phone").any(|v| digits(v).contains(&want))
            })
            .collect()
    } else if let Some(w) = ctx.q("word") {
        let w = w.to_lowercase();
        all.iter()
            .filter(|r| {
                r.as_object().is_some_and(|o| {
                    o.iter().any(|(k, v)| {
                        !k.starts_with('$')
                            && v.as_str().is_some_and(|s| s.to_lowercase().contains(&w))
                    })
                })
            })
            .collect()
    } else {
        return errors::missing_param("criteria");
    };
    filter_flags(&mut recs, ctx);
    sort(&mut recs, "id", false);
    page_reply(&recs, ctx, json!({}))
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

// Values of the record's fields of a data type (by module metadata, or by name for custom fields).
fn field_values<'a>(
    m: &'a ModuleDef,
    rec: &'a Value,
    data_type: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    let needle = if data_type == "email" {
        "email"
    } else {
        "phone"
    };
    rec.as_object()
        .into_iter()
        .flat_map(|o| o.iter())
        .filter(move |(k, _)| {
            let typed = m.field(k).map(|f| f.data_type);
            typed == Some(data_type)
                || (typed.is_none()
                    && (k.to_ascii_lowercase().contains(needle)
                        || (data_type == "phone" && k.to_ascii_lowercase().contains("mobile"))))
        })
        .filter_map(|(_, v)| v.as_str())
}

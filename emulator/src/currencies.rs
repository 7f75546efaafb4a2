//! Org currencies (multi-currency): `/org/currencies[/{id}]` and
//! `/org/currencies/actions/enable`. Enabling makes the given currency the home (base) one and
//! updates the org (`mc_status`, `iso_code`, `currency`, `currency_symbol`); other currencies can
//! be added only after that. Exchange rates are kept as decimal text, as Zoho sends them.
//!
//! Messages are the official SDK's (zohocrmsdk2-0 6.0.0 `currencies.SuccessResponse`).

use crate::context::Ctx;
use crate::errors::{item_error, Reply};
use crate::settings::{
    self, as_id, by, duplicate, invalid_field, invalid_id, invalid_id_item, list, mandatory, one,
    success, text,
};
use crate::store::Crm;
use crate::time::format_iso;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

const ENABLED: &str =
    "The multi-currency feature is enabled and given currency is created as the base currency.";
const CREATED: &str = "The currency created successfully.";
const UPDATED: &str = "The currency updated successfully";

fn mc_enabled(crm: &Crm) -> bool {
    crm.org.get("mc_status").and_then(Value::as_bool) == Some(true)
}

/// `exchange_rate` as decimal text, from a JSON number or numeric text above zero.
fn rate(v: &Value) -> Option<String> {
    let x = match v {
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        Value::Number(n) => n.as_f64()?,
        _ => return None,
    };
    (x.is_finite() && x > 0.0).then(|| format!("{x:.9}"))
}

/// The checked `format` object, or the error naming its bad key.
fn format(v: &Value) -> Result<Value, Value> {
    let o = v.as_object().ok_or_else(|| invalid_field("format"))?;
    let pick = |k: &str, allowed: &[&str]| -> Result<String, Value> {
        let s = match o.get(k) {
            None | Some(Value::Null) => return Err(mandatory(k)),
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err(invalid_field(k)),
        };
        allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(&s))
            .map(|a| (*a).to_owned())
            .ok_or_else(|| invalid_field(k))
    };
    Ok(json!({
        "decimal_separator": pick("decimal_separator", &["Period", "Comma"])?,
        "thousand_separator": pick("thousand_separator", &["Period", "Comma", "Space"])?,
        "decimal_places": pick("decimal_places", &["0", "2", "3"])?,
    }))
}

fn iso_taken<'a>(crm: &'a Crm, iso: &str) -> Option<&'a Value> {
    crm.settings.currencies.iter().find(|c| {
        c.get("iso_code")
            .and_then(Value::as_str)
            .is_some_and(|i| i.eq_ignore_ascii_case(iso))
    })
}

/// A new currency from a request item (not yet stored).
fn build(crm: &mut Crm, ctx: &Ctx, item: &Map<String, Value>, base: bool) -> Result<Value, Value> {
    for k in ["name", "iso_code", "symbol"] {
        if text(item, k).is_none() {
            return Err(mandatory(k));
        }
    }
    let iso = text(item, "iso_code").unwrap_or("").to_ascii_uppercase();
    if iso.len() != 3 || !iso.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(invalid_field("iso_code"));
    }
    if let Some(other) = iso_taken(crm, &iso) {
        return Err(duplicate("iso_code", settings::id_of(other)));
    }
    let exchange_rate = match item.get("exchange_rate").filter(|v| !v.is_null()) {
        None if base => "1.000000000".to_owned(),
        None => return Err(mandatory("exchange_rate")),
        Some(v) => rate(v).ok_or_else(|| invalid_field("exchange_rate"))?,
    };
    let format = format(item.get("format").ok_or_else(|| mandatory("format"))?)?;
    let t = format_iso(ctx.now);
    Ok(json!({
        "id": crm.new_id(),
        "name": text(item, "name"),
        "iso_code": iso,
        "symbol": text(item, "symbol"),
        "exchange_rate": exchange_rate,
        "format": format,
        "is_active": item.get("is_active").and_then(Value::as_bool).unwrap_or(true),
        "is_base": base,
        "prefix_symbol": item.get("prefix_symbol").and_then(Value::as_bool).unwrap_or(true),
        "created_by": by(ctx),
        "modified_by": by(ctx),
        "created_time": t,
        "modified_time": t,
    }))
}

/// Applies an item's changes to the currency `id`.
fn change(crm: &mut Crm, ctx: &Ctx, id: &str, item: &Map<String, Value>) -> Result<Value, Value> {
    let Some(pos) = crm
        .settings
        .currencies
        .iter()
        .position(|c| settings::id_of(c) == id)
    else {
        return Err(invalid_id_item(id));
    };
    let current = &crm.settings.currencies[pos];
    let is_base = current.get("is_base").and_then(Value::as_bool) == Some(true);
    let mut out = Map::new();
    if let Some(iso) = text(item, "iso_code") {
        let same = current.get("iso_code").and_then(Value::as_str) == Some(iso);
        // "Although you can edit the properties of your home currency, you cannot change it."
        if !same && is_base {
            return Err(item_error(
                "INVALID_DATA",
                "the home currency's ISO code cannot be changed",
                json!({"api_name": "iso_code"}),
            ));
        }
        if !same {
            if let Some(other) = iso_taken(crm, iso) {
                return Err(duplicate("iso_code", settings::id_of(other)));
            }
            out.insert("iso_code".into(), json!(iso.to_ascii_uppercase()));
        }
    }
    for k in ["name", "symbol"] {
        match item.get(k) {
            Some(_) if text(item, k).is_none() => return Err(mandatory(k)),
            Some(v) => {
                out.insert(k.into(), v.clone());
            }
            None => {}
        }
    }
    if let Some(v) = item.get("exchange_rate") {
        let r = rate(v).ok_or_else(|| invalid_field("exchange_rate"))?;
        if is_base && r != "1.000000000" {
            return Err(invalid_field("exchange_rate"));
        }
        out.insert("exchange_rate".into(), json!(r));
    }
    for k in ["is_active", "prefix_symbol"] {
        if let Some(v) = item.get(k) {
            let b = v.as_bool().ok_or_else(|| invalid_field(k))?;
            if k == "is_active" && is_base && !b {
                return Err(invalid_field(k));
            }
            out.insert(k.into(), json!(b));
        }
    }
    if let Some(v) = item.get("format") {
        out.insert("format".into(), format(v)?);
    }
    out.insert("modified_by".into(), by(ctx));
    out.insert("modified_time".into(), json!(format_iso(ctx.now)));
    if let Some(obj) = crm.settings.currencies[pos].as_object_mut() {
        obj.extend(out);
    }
    if is_base {
        sync_org(crm);
    }
    Ok(json!({"id": id}))
}

/// The org shows its home currency.
fn sync_org(crm: &mut Crm) {
    let Some(base) = crm
        .settings
        .currencies
        .iter()
        .find(|c| c.get("is_base").and_then(Value::as_bool) == Some(true))
        .cloned()
    else {
        return;
    };
    if let Some(org) = crm.org.as_object_mut() {
        org.insert("mc_status".into(), json!(true));
        org.insert("iso_code".into(), base["iso_code"].clone());
        org.insert("currency".into(), base["name"].clone());
        org.insert("currency_symbol".into(), base["symbol"].clone());
    }
}

/// `{"base_currency": {result}}`: 200 or 201 on success, 400 otherwise.
fn base_reply(result: Value, ok: StatusCode) -> Reply {
    let good = result.get("status").and_then(Value::as_str) == Some("success");
    let status = if good { ok } else { StatusCode::BAD_REQUEST };
    Reply::json(status, json!({"base_currency": result}))
}

fn base_item(ctx: &Ctx) -> Result<Map<String, Value>, Value> {
    match ctx
        .body
        .as_ref()
        .and_then(|b| b.params.get("base_currency"))
    {
        Some(Value::Object(o)) => Ok(o.clone()),
        _ => Err(mandatory("base_currency")),
    }
}

fn not_enabled() -> Value {
    item_error(
        "INVALID_DATA",
        "multi-currency is not enabled for the org",
        json!({}),
    )
}

/// `GET /org/currencies`: 204 while multi-currency is off (no currency exists yet).
pub fn get_currencies(crm: &mut Crm, _ctx: &mut Ctx) -> Reply {
    list("currencies", crm.settings.currencies.clone())
}

/// `GET /org/currencies/{id}`.
pub fn get_currency(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["currency_id"]).unwrap_or("");
    match crm
        .settings
        .currencies
        .iter()
        .find(|c| settings::id_of(c) == id)
    {
        Some(c) => one("currencies", c.clone()),
        None => invalid_id(id),
    }
}

/// `POST /org/currencies/actions/enable`: a second enable is INVALID_DATA.
pub fn enable_multiple_currencies(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let result = base_item(ctx).and_then(|item| {
        if mc_enabled(crm) {
            return Err(item_error(
                "INVALID_DATA",
                "multi-currency is already enabled",
                json!({}),
            ));
        }
        let c = build(crm, ctx, &item, true)?;
        let id = settings::id_of(&c).to_owned();
        crm.settings.currencies.push(c);
        sync_org(crm);
        Ok(json!({"id": id}))
    });
    match result {
        Ok(d) => base_reply(success(ENABLED, d), StatusCode::CREATED),
        Err(e) => base_reply(e, StatusCode::CREATED),
    }
}

/// `PUT /org/currencies/actions/enable`: changes the home currency (named by `id`, or implied).
pub fn update_base_currency(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let result = base_item(ctx).and_then(|item| {
        let base_id = crm
            .settings
            .currencies
            .iter()
            .find(|c| c.get("is_base").and_then(Value::as_bool) == Some(true))
            .map(|c| settings::id_of(c).to_owned())
            .ok_or_else(not_enabled)?;
        let id = as_id(item.get("id")).unwrap_or_else(|| base_id.clone());
        if id != base_id {
            return Err(invalid_field("id"));
        }
        change(crm, ctx, &id, &item)
    });
    match result {
        Ok(d) => base_reply(success(UPDATED, d), StatusCode::OK),
        Err(e) => base_reply(e, StatusCode::OK),
    }
}

/// `POST /org/currencies`.
pub fn add_currencies(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let enabled = mc_enabled(crm);
    let items = settings::items(ctx);
    settings::write_each("currencies", items, StatusCode::CREATED, CREATED, |i| {
        if !enabled {
            return Err(not_enabled());
        }
        let c = build(crm, ctx, &i, false)?;
        let id = settings::id_of(&c).to_owned();
        crm.settings.currencies.push(c);
        Ok(json!({"id": id}))
    })
}

/// `PUT /org/currencies`: each item names its currency by `id`.
pub fn update_currencies(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let items = settings::items(ctx);
    settings::write_each("currencies", items, StatusCode::OK, UPDATED, |i| {
        let id = as_id(i.get("id")).ok_or_else(|| mandatory("id"))?;
        change(crm, ctx, &id, &i)
    })
}

/// `PUT /org/currencies/{id}`.
pub fn update_currency(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["currency_id"]).unwrap_or("").to_owned();
    let items = settings::items(ctx);
    settings::write_each("currencies", items, StatusCode::OK, UPDATED, |i| {
        change(crm, ctx, &id, &i)
    })
}

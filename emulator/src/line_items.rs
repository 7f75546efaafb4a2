//! Record fields that are lists of sub-objects Zoho fills in on save: inventory line items
//! (`Product_Details`, with the amounts Zoho computes), price book ranges (`Pricing_Details`)
//! and event invitees (`Participants`).

use crate::errors::item_error;
use crate::extras::display_name;
use crate::store::Crm;
use serde_json::{json, Map, Value};

/// Modules whose records carry `Product_Details`.
pub const INVENTORY_MODULES: &[&str] = &["Quotes", "Sales_Orders", "Purchase_Orders", "Invoices"];

/// Completes the sub-object lists of a record about to be written; `Err` is the per-item error.
pub fn normalize(crm: &mut Crm, module: &str, item: &mut Map<String, Value>) -> Result<(), Value> {
    if INVENTORY_MODULES.contains(&module) {
        if let Some(lines) = item
            .get("Product_Details")
            .and_then(Value::as_array)
            .cloned()
        {
            let lines = line_items(crm, &lines)?;
            totals(item, &lines);
            item.insert("Product_Details".into(), Value::Array(lines));
        }
    }
    if module == "Price_Books" {
        if let Some(ranges) = item
            .get("Pricing_Details")
            .and_then(Value::as_array)
            .cloned()
        {
            let ranges = pricing(crm, &ranges)?;
            item.insert("Pricing_Details".into(), Value::Array(ranges));
        }
    }
    if module == "Events" {
        if let Some(people) = item.get("Participants").and_then(Value::as_array).cloned() {
            let people = participants(crm, &people)?;
            item.insert("Participants".into(), Value::Array(people));
        }
    }
    Ok(())
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn id_in(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Object(o) => id_in(o.get("id")),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn bad(code: &str, message: &str, api_name: &str, path: String) -> Value {
    item_error(
        code,
        message,
        json!({"api_name": api_name, "json_path": path}),
    )
}

fn line_items(crm: &mut Crm, lines: &[Value]) -> Result<Vec<Value>, Value> {
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let path = |k: &str| format!("$.data[0].Product_Details[{i}].{k}");
        let Some(line) = line.as_object() else {
            return Err(bad(
                "INVALID_DATA",
                "invalid data",
                "Product_Details",
                format!("$.data[0].Product_Details[{i}]"),
            ));
        };
        let Some(pid) = id_in(line.get("product")) else {
            return Err(bad(
                "MANDATORY_NOT_FOUND",
                "required field not found",
                "product",
                path("product"),
            ));
        };
        let Some(product) = crm.find("Products", &pid).cloned() else {
            return Err(bad(
                "INVALID_DATA",
                "invalid data",
                "product",
                path("product"),
            ));
        };
        let quantity = match num(line.get("quantity")) {
            Some(q) if q > 0.0 => q,
            Some(_) => {
                return Err(bad(
                    "INVALID_DATA",
                    "invalid data",
                    "quantity",
                    path("quantity"),
                ))
            }
            None => {
                return Err(bad(
                    "MANDATORY_NOT_FOUND",
                    "required field not found",
                    "quantity",
                    path("quantity"),
                ))
            }
        };
        let unit_price = num(product.get("Unit_Price")).unwrap_or(0.0);
        let list_price = num(line.get("list_price")).unwrap_or(unit_price);
        let total = r2(quantity * list_price);
        // `Discount` is an amount, or a percentage of the line total written as "10%".
        let discount = match line.get("Discount") {
            Some(Value::String(s)) if s.trim().ends_with('%') => {
                let pct: f64 = s.trim().trim_end_matches('%').trim().parse().map_err(|_| {
                    bad("INVALID_DATA", "invalid data", "Discount", path("Discount"))
                })?;
                r2(total * pct / 100.0)
            }
            None | Some(Value::Null) => 0.0,
            other => num(other)
                .ok_or_else(|| bad("INVALID_DATA", "invalid data", "Discount", path("Discount")))?,
        };
        let after = r2(total - discount);
        let mut tax = 0.0;
        let mut taxes = Vec::new();
        for t in line
            .get("line_tax")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let pct = num(t.get("percentage")).unwrap_or(0.0);
            let value = r2(after * pct / 100.0);
            tax += value;
            taxes.push(json!({
                "id": t.get("id").cloned().unwrap_or(Value::Null),
                "name": t.get("name").cloned().unwrap_or(Value::Null),
                "percentage": pct,
                "value": value,
            }));
        }
        let id = id_in(line.get("id")).unwrap_or_else(|| crm.new_id());
        out.push(json!({
            "id": id,
            "product": {
                "id": pid,
                "name": display_name("Products", &product),
                "Product_Code": product.get("Product_Code").cloned().unwrap_or(Value::Null),
            },
            "quantity": quantity,
            "list_price": list_price,
            "unit_price": unit_price,
            "Discount": discount,
            "total": total,
            "total_after_discount": after,
            "Tax": r2(tax),
            "net_total": r2(after + tax),
            "product_description": line.get("product_description").cloned().unwrap_or(Value::Null),
            "quantity_in_stock": product.get("Qty_in_Stock").cloned().unwrap_or(Value::Null),
            "book": line.get("book").cloned().unwrap_or(Value::Null),
            "line_tax": taxes,
        }));
    }
    Ok(out)
}

// The record-level amounts Zoho derives from the lines.
fn totals(item: &mut Map<String, Value>, lines: &[Value]) {
    let sub: f64 = lines.iter().filter_map(|l| num(l.get("net_total"))).sum();
    let discount = num(item.get("Discount")).unwrap_or(0.0);
    let adjustment = num(item.get("Adjustment")).unwrap_or(0.0);
    item.insert("Sub_Total".into(), json!(r2(sub)));
    item.insert("Discount".into(), json!(discount));
    item.insert("Adjustment".into(), json!(adjustment));
    item.insert("Grand_Total".into(), json!(r2(sub - discount + adjustment)));
}

fn pricing(crm: &mut Crm, ranges: &[Value]) -> Result<Vec<Value>, Value> {
    let mut out = Vec::with_capacity(ranges.len());
    for (i, r) in ranges.iter().enumerate() {
        let path = |k: &str| format!("$.data[0].Pricing_Details[{i}].{k}");
        let get = |k: &str| {
            num(r.get(k)).ok_or_else(|| {
                bad(
                    "MANDATORY_NOT_FOUND",
                    "required field not found",
                    k,
                    path(k),
                )
            })
        };
        let (from, to, discount) = (get("from_range")?, get("to_range")?, get("discount")?);
        if from > to {
            return Err(bad(
                "INVALID_DATA",
                "invalid data",
                "to_range",
                path("to_range"),
            ));
        }
        let id = id_in(r.get("id")).unwrap_or_else(|| crm.new_id());
        out.push(json!({"id": id, "from_range": from, "to_range": to, "discount": discount}));
    }
    Ok(out)
}

fn participants(crm: &Crm, people: &[Value]) -> Result<Vec<Value>, Value> {
    let mut out = Vec::with_capacity(people.len());
    for (i, p) in people.iter().enumerate() {
        let path = |k: &str| format!("$.data[0].Participants[{i}].{k}");
        let who = id_in(p.get("participant")).ok_or_else(|| {
            bad(
                "MANDATORY_NOT_FOUND",
                "required field not found",
                "participant",
                path("participant"),
            )
        })?;
        let ty = p.get("type").and_then(Value::as_str).unwrap_or("");
        let unknown = || {
            bad(
                "INVALID_DATA",
                "invalid data",
                "participant",
                path("participant"),
            )
        };
        let (name, email) = match ty {
            "contact" | "lead" => {
                let module = if ty == "contact" { "Contacts" } else { "Leads" };
                let rec = crm.find(module, &who).ok_or_else(unknown)?;
                (json!(display_name(module, rec)), rec.get("Email").cloned())
            }
            "user" => {
                let u = crm.user_by_id(&who).ok_or_else(unknown)?;
                (
                    u.get("full_name").cloned().unwrap_or(Value::Null),
                    u.get("email").cloned(),
                )
            }
            "email" => {
                if !who.contains('@') {
                    return Err(unknown());
                }
                (
                    p.get("name").cloned().unwrap_or(Value::Null),
                    Some(json!(who)),
                )
            }
            _ => return Err(bad("INVALID_DATA", "invalid data", "type", path("type"))),
        };
        out.push(json!({
            "participant": who,
            "type": ty,
            "name": name,
            "Email": email.unwrap_or(Value::Null),
            "invited": p.get("invited").and_then(Value::as_bool).unwrap_or(false),
            "status": p.get("status").cloned().unwrap_or(json!("not_known")),
        }));
    }
    Ok(out)
}

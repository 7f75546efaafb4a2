//! Field values between Zoho's JSON and CSV cells, guided by the field's `data_type`.
//!
//! Export writes lookups (`{"name":..,"id":..}`) as their id and multi-select picklists as
//! values joined by `;`, so an exported file imports back unchanged. Import turns each cell back
//! into the JSON Zoho expects for the field's type, and says what is wrong when it cannot.

use serde_json::{Map, Value};

/// A CSV cell for a JSON value.
pub fn to_cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Object(o)) => match o.get("id") {
            Some(Value::String(id)) => id.clone(),
            Some(Value::Number(id)) => id.to_string(),
            _ => Value::Object(o.clone()).to_string(),
        },
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

/// The JSON value for a non-empty cell of a field of type `data_type`, or why it is not one.
pub fn from_cell(cell: &str, data_type: &str) -> Result<Value, String> {
    let t = cell.trim();
    match data_type {
        "integer" | "bigint" => t
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("`{t}` is not a whole number")),
        "double" | "currency" | "percent" | "decimal" => match t.parse::<f64>() {
            Ok(n) if n.is_finite() => serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| format!("`{t}` is not a number")),
            _ => Err(format!("`{t}` is not a number")),
        },
        "boolean" => match t.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(Value::Bool(true)),
            "false" | "0" | "no" => Ok(Value::Bool(false)),
            _ => Err(format!("`{t}` is not true or false")),
        },
        "lookup" | "ownerlookup" | "userlookup" => {
            if t.chars().all(|c| c.is_ascii_digit()) {
                Ok(Value::Object(Map::from_iter([(
                    "id".into(),
                    Value::from(t),
                )])))
            } else {
                Err(format!(
                    "`{t}` is not a record id (a lookup takes the id of the record)"
                ))
            }
        }
        "multiselectpicklist" => Ok(Value::Array(
            t.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Value::from)
                .collect(),
        )),
        "date" if !is_date(t) => Err(format!("`{t}` is not a date (YYYY-MM-DD)")),
        "datetime" if !is_datetime(t) => Err(format!(
            "`{t}` is not a date-time (YYYY-MM-DDThh:mm:ss+hh:mm)"
        )),
        "email" if !is_email(t) => Err(format!("`{t}` is not an email address")),
        "subform" | "multiselectlookup" => {
            serde_json::from_str(t).map_err(|e| format!("a {data_type} cell must hold JSON: {e}"))
        }
        _ => Ok(Value::from(cell)),
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u8>().unwrap_or(0))
}

fn is_datetime(s: &str) -> bool {
    let Some((date, time)) = s.split_once('T') else {
        return false;
    };
    let zone_at = time.find(['+', '-', 'Z']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let clock_ok = clock.len() == 8
        && clock.bytes().enumerate().all(|(i, c)| {
            if i == 2 || i == 5 {
                c == b':'
            } else {
                c.is_ascii_digit()
            }
        });
    let zone_ok = zone == "Z" || (zone.len() == 6 && zone.as_bytes()[3] == b':') || zone.is_empty();
    is_date(date) && clock_ok && zone_ok
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !s.contains(' '),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_round_trip_through_types() {
        let cases = [
            (json!("Ada"), "text"),
            (json!(42), "integer"),
            (json!(1.5), "currency"),
            (json!(true), "boolean"),
            (json!({"id": "3652397000000001"}), "lookup"),
            (json!(["A", "B"]), "multiselectpicklist"),
            (json!("2024-02-29"), "date"),
            (json!("2024-02-29T10:00:00+05:30"), "datetime"),
        ];
        for (v, ty) in cases {
            assert_eq!(from_cell(&to_cell(Some(&v)), ty).unwrap(), v, "{ty}");
        }
        assert_eq!(to_cell(Some(&json!({"name": "Zylker", "id": "7"}))), "7");
        assert!(from_cell("12a", "integer").unwrap_err().contains("12a"));
        assert!(from_cell("2024-13-01", "date").is_err());
        assert!(from_cell("ada.example", "email").is_err());
        assert!(from_cell("Zylker", "lookup").is_err());
    }
}

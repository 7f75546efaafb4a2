//! `org-entity`: a spec entity for one module, from that org's own field metadata (the JSON of
//! `GET /settings/fields?module=X`). Custom fields get typed fields too; regenerating in CI and
//! running `diff` shows when the org's fields drift from the committed spec.

use heck::ToSnakeCase;
use serde::Deserialize;
use std::collections::HashSet;

pub mod command;
pub mod fetch;

/// The parts of a field's metadata the entity needs.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldMeta {
    /// JSON key on records.
    pub api_name: String,
    /// Zoho's data type (`text`, `picklist`, `lookup`, `currency` ...).
    #[serde(default)]
    pub data_type: Option<String>,
    /// The JSON shape of the value (`string`, `integer`, `double`, `boolean`, `jsonobject`,
    /// `jsonarray`).
    #[serde(default)]
    pub json_type: Option<String>,
    /// The label users see.
    #[serde(default)]
    pub field_label: Option<String>,
    /// Another label, when `field_label` is absent.
    #[serde(default)]
    pub display_label: Option<String>,
    /// Read-only for this user.
    #[serde(default)]
    pub read_only: Option<bool>,
    /// Read-only in every layout.
    #[serde(default)]
    pub field_read_only: Option<bool>,
    /// Mandatory for the system.
    #[serde(default)]
    pub system_mandatory: Option<bool>,
}

/// Either `{"fields": [...]}` (the API's answer) or a bare array.
pub fn parse_fields(json: &str) -> Result<Vec<FieldMeta>, String> {
    let v: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| format!("not JSON at line {} column {}: {e}", e.line(), e.column()))?;
    let list = match v {
        serde_json::Value::Object(mut m) => match m.remove("fields") {
            Some(list) => list,
            None => {
                return Err(
                    "expected `{\"fields\": [...]}` or `[...]`; the object has no `fields`".into(),
                )
            }
        },
        list @ serde_json::Value::Array(_) => list,
        _ => return Err("expected `{\"fields\": [...]}` or `[...]`".into()),
    };
    let serde_json::Value::Array(items) = list else {
        return Err("`fields` is not an array".into());
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value(item).map_err(|e| format!("field #{} (from 0): {e}", i))
        })
        .collect()
}

/// The spec type of a field from its `data_type`, checked against its `json_type` (the value's
/// JSON shape): when the two disagree (`Tag` is `data_type` text but `json_type` jsonarray) the
/// JSON shape wins, so the typed field is one its values fit. Unknown types become `any`, so new
/// Zoho types never break decoding. Types: zoho-api-v2.md ("Field metadata: json_type ...").
fn spec_type(data_type: &str, json_type: Option<&str>, api_name: &str) -> &'static str {
    let by_data = match data_type {
        "text" | "textarea" | "email" | "phone" | "website" | "picklist" | "autonumber"
        | "profileimage" | "fileupload" | "event_reminder" => Some("string"),
        "integer" | "bigint" => Some("integer"),
        "double" | "currency" | "percent" | "decimal" => Some("decimal"),
        "boolean" => Some("boolean"),
        "date" => Some("date"),
        "datetime" => Some("datetime"),
        "lookup" => Some("LookupRef"),
        "ownerlookup" | "userlookup" => Some("UserRef"),
        "multiselectpicklist" => Some("list<string>"),
        "subform" => Some("list<Record>"),
        _ => None,
    };
    let shape = |t: &str| match t {
        "integer" => "integer",
        "decimal" => "double",
        "boolean" => "boolean",
        "LookupRef" | "UserRef" => "jsonobject",
        "list<string>" | "list<Record>" => "jsonarray",
        _ => "string",
    };
    match (by_data, json_type) {
        (Some(t), None) => t,
        (Some(t), Some(j)) if shape(t) == j || (t == "integer" && j == "string") => t,
        (_, Some("jsonarray")) if api_name == "Tag" => "list<TagRef>",
        (_, Some("string")) => "string",
        (_, Some("integer")) => "integer",
        (_, Some("double")) => "decimal",
        (_, Some("boolean")) => "boolean",
        (_, Some("jsonobject")) => "map",
        (_, Some("jsonarray")) => "list<any>",
        _ => "any",
    }
}

/// A snake_case Rust name for an API name, unique within the entity.
fn rust_name(api_name: &str, taken: &mut HashSet<String>) -> String {
    let cleaned: String = api_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut base = cleaned.to_snake_case();
    if base.is_empty() || !base.starts_with(|c: char| c.is_ascii_lowercase()) {
        base = format!("f_{base}");
    }
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

fn quoted(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// The YAML of a spec file with one entity, `entity`, for the module's records.
pub fn entity_yaml(entity: &str, module: &str, fields: &[FieldMeta]) -> Result<String, String> {
    if !entity.starts_with(|c: char| c.is_ascii_uppercase())
        || !entity.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(format!("entity name `{entity}` must be PascalCase"));
    }
    let mut sorted: Vec<&FieldMeta> = fields.iter().collect();
    // Deterministic output whatever order the API lists fields in.
    sorted.sort_by(|a, b| a.api_name.cmp(&b.api_name));
    let mut out = format!(
        "# Generated by `cargo codegen org-entity` from the {module} module's field metadata.\n\
         # Regenerate it after the org's fields change; `cargo codegen diff` shows the drift.\n\
         entities:\n  {entity}:\n    doc: {}\n    nullable: true\n    fields:\n      id: {{ type: id, read_only: true, doc: The record id. }}\n",
        quoted(&format!("A {module} record with a typed field for each of the org's fields; others land in `extra`."))
    );
    let mut taken: HashSet<String> = ["id".to_owned(), "extra".to_owned()].into_iter().collect();
    let mut seen_keys = HashSet::new();
    for f in sorted {
        if f.api_name == "id" || !seen_keys.insert(f.api_name.clone()) {
            continue;
        }
        let name = rust_name(&f.api_name, &mut taken);
        let ty = spec_type(
            f.data_type.as_deref().unwrap_or(""),
            f.json_type.as_deref(),
            &f.api_name,
        );
        let label = f
            .field_label
            .as_deref()
            .or(f.display_label.as_deref())
            .unwrap_or(&f.api_name);
        let doc = format!(
            "{label} ({}).",
            f.data_type.as_deref().unwrap_or("unknown type")
        );
        let read_only = f.read_only.unwrap_or(false) || f.field_read_only.unwrap_or(false);
        let mut line = format!(
            "      {name}: {{ key: {}, type: {}",
            quoted(&f.api_name),
            quoted(ty)
        );
        if read_only {
            line.push_str(", read_only: true");
        }
        if f.system_mandatory == Some(true) {
            line.push_str(", optional: false");
        }
        line.push_str(&format!(", doc: {} }}\n", quoted(&doc)));
        out.push_str(&line);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_types_and_collisions() {
        let fields = parse_fields(
            r#"{"fields":[
                {"api_name":"Lead_Source","data_type":"picklist","field_label":"Lead Source"},
                {"api_name":"Owner","data_type":"ownerlookup","system_mandatory":false},
                {"api_name":"Last_Name","data_type":"text","system_mandatory":true},
                {"api_name":"lead_source","data_type":"text"},
                {"api_name":"Score__c","data_type":"integer","read_only":true},
                {"api_name":"Type","data_type":"holographic","field_label":"Say \"hi\""},
                {"api_name":"Tag","data_type":"text","json_type":"jsonarray"},
                {"api_name":"Score","data_type":"formula","json_type":"double"},
                {"api_name":"Lines","data_type":"subform","json_type":"jsonarray"},
                {"api_name":"Boss","data_type":"userlookup","json_type":"jsonobject"}
            ]}"#,
        )
        .unwrap();
        let y = entity_yaml("Lead", "Leads", &fields).unwrap();
        assert!(
            y.contains(r#"lead_source: { key: "Lead_Source", type: "string""#),
            "{y}"
        );
        assert!(y.contains(r#"lead_source_2: { key: "lead_source""#), "{y}");
        assert!(
            y.contains(r#"owner: { key: "Owner", type: "UserRef""#),
            "{y}"
        );
        assert!(
            y.contains(r#"last_name: { key: "Last_Name", type: "string", optional: false"#),
            "{y}"
        );
        assert!(
            y.contains(r#"score_c: { key: "Score__c", type: "integer", read_only: true"#),
            "{y}"
        );
        assert!(
            y.contains(r#"type: { key: "Type", type: "any", doc: "Say \"hi\" (holographic).""#),
            "{y}"
        );
        for want in [
            r#"tag: { key: "Tag", type: "list<TagRef>""#,
            r#"score: { key: "Score", type: "decimal""#,
            r#"lines: { key: "Lines", type: "list<Record>""#,
            r#"boss: { key: "Boss", type: "UserRef""#,
        ] {
            assert!(y.contains(want), "{want} in {y}");
        }
        assert!(parse_fields("{\"nope\": 1}")
            .unwrap_err()
            .contains("no `fields`"));
        assert!(parse_fields("{\"fields\": [")
            .unwrap_err()
            .contains("line 1"));
        assert!(parse_fields("[{\"data_type\": \"text\"}]")
            .unwrap_err()
            .contains("field #0"));
        assert!(entity_yaml("lead", "Leads", &fields).is_err());
    }
}

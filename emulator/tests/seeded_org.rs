//! The realistic org over HTTP: generated records (`records_per_module`) carry every field the
//! field metadata lists, with values of the listed type; ids and creation times increase
//! together; lookups point at real records; formula fields are Zoho-computed.
//!
//! Sources: field names and data types as in
//! fixtures/zoho-v2/fields/GET_settings_fields_Leads.doc-schmorrison.response.json; record keys as in
//! fixtures/zoho-v2/records/GET_Leads_list.nango.response.json; data types listed in
//! zoho-api-v2.md §5 "Settings and metadata".

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use zohocrm_emulator::{Emulator, EmulatorConfig};

const N: u64 = 150;

async fn org() -> (Emulator, String) {
    let emu = Emulator::start_with(EmulatorConfig {
        records_per_module: N,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let (access, _) = login(&emu, "ada@zylker.test").await;
    (emu, access)
}

async fn all_pages(emu: &Emulator, t: &str, module: &str, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let (s, b) = get(
            emu,
            t,
            &format!("/{module}?per_page=200&page={page}{query}"),
        )
        .await;
        if s == 204 {
            break;
        }
        assert_eq!(s, 200, "{b}");
        out.extend(b["data"].as_array().unwrap().iter().cloned());
        if b["info"]["more_records"] != json!(true) {
            break;
        }
    }
    out
}

// Whether `v` is a value Zoho sends for a field of `data_type` (json_type checked alongside).
fn fits(data_type: &str, json_type: &str, v: &Value) -> bool {
    if v.is_null() {
        return true;
    }
    let by_json = match json_type {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "double" => v.is_number(),
        "boolean" => v.is_boolean(),
        "jsonobject" => v.is_object(),
        "jsonarray" => v.is_array(),
        _ => false,
    };
    let by_type = match data_type {
        "date" => v
            .as_str()
            .is_some_and(|s| s.len() == 10 && s.as_bytes()[4] == b'-'),
        "datetime" => v.as_str().is_some_and(|s| s.len() == 25 && s.contains('T')),
        "multiselectpicklist" => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        "lookup" | "ownerlookup" => v["id"].as_str().is_some_and(|id| id.len() == 19),
        "email" => v.as_str().is_some_and(|s| s.contains('@')),
        _ => true,
    };
    by_json && by_type
}

#[tokio::test]
async fn generated_records_match_field_metadata() {
    let (emu, t) = org().await;
    for module in ["Leads", "Contacts", "Accounts", "Deals"] {
        let (s, b) = get(&emu, &t, &format!("/settings/fields?module={module}")).await;
        assert_eq!(s, 200);
        let fields = b["fields"].as_array().unwrap().clone();
        let records = all_pages(&emu, &t, module, "&sort_by=id&sort_order=asc").await;
        let generated: Vec<&Value> = records
            .iter()
            .filter(|r| r["Created_Time"].as_str() > Some("2025-06-09"))
            .collect();
        assert_eq!(generated.len() as u64, N, "{module}");
        for rec in &generated {
            for f in &fields {
                let key = f["api_name"].as_str().unwrap();
                if key == "Tag" {
                    continue;
                }
                let v = rec
                    .get(key)
                    .unwrap_or_else(|| panic!("{module}.{key} missing"));
                let (dt, jt) = (
                    f["data_type"].as_str().unwrap(),
                    f["json_type"].as_str().unwrap(),
                );
                assert!(fits(dt, jt, v), "{module}.{key} ({dt}/{jt}) = {v}");
            }
        }
        // Every kind of custom field is there, flagged custom, and filled in some record.
        let kinds: Vec<&str> = fields
            .iter()
            .filter(|f| f["custom_field"] == json!(true))
            .map(|f| f["data_type"].as_str().unwrap())
            .collect();
        for kind in [
            "multiselectpicklist",
            "date",
            "datetime",
            "double",
            "currency",
            "lookup",
            "boolean",
            "bigint",
            "formula",
        ] {
            assert!(kinds.contains(&kind), "{module} has no custom {kind}");
        }
        for f in fields.iter().filter(|f| f["custom_field"] == json!(true)) {
            let key = f["api_name"].as_str().unwrap();
            assert!(
                generated.iter().any(|r| !r[key].is_null()),
                "{module}.{key} never filled"
            );
        }
    }
}

#[tokio::test]
async fn ids_and_times_increase_together_and_lookups_resolve() {
    let (emu, t) = org().await;
    let leads = all_pages(&emu, &t, "Leads", "&sort_by=id&sort_order=asc").await;
    let contacts = all_pages(&emu, &t, "Contacts", "").await;
    assert_eq!(leads.len() as u64, N + 5, "5 hand-written leads + N");
    let ids: Vec<u64> = leads
        .iter()
        .map(|r| r["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids strictly increase");
    let created: Vec<&str> = leads
        .iter()
        .map(|r| r["Created_Time"].as_str().unwrap())
        .collect();
    assert!(
        created.windows(2).all(|w| w[0] < w[1]),
        "Created_Time strictly increases with id"
    );
    for r in &leads {
        assert!(r["Modified_Time"].as_str() >= r["Created_Time"].as_str());
    }
    // Sorting by Created_Time descending gives the reverse id order.
    let by_time = all_pages(&emu, &t, "Leads", "&sort_by=Created_Time&sort_order=desc").await;
    let rev: Vec<&Value> = leads.iter().rev().map(|r| &r["id"]).collect();
    let got: Vec<&Value> = by_time.iter().map(|r| &r["id"]).collect();
    assert_eq!(got, rev);
    // Lookups name existing records, with their current name.
    for r in leads.iter().filter(|r| !r["Referred_By"].is_null()) {
        let id = r["Referred_By"]["id"].as_str().unwrap();
        let c = contacts
            .iter()
            .find(|c| c["id"] == json!(id))
            .expect("lookup target exists");
        assert_eq!(r["Referred_By"]["name"], c["Full_Name"]);
    }
    // Unique Email, as the field metadata says.
    let mut emails: Vec<&str> = leads.iter().filter_map(|r| r["Email"].as_str()).collect();
    emails.sort();
    let before = emails.len();
    emails.dedup();
    assert_eq!(emails.len(), before);
}

#[tokio::test]
async fn formula_is_computed_and_custom_values_are_type_checked() {
    let (emu, t) = org().await;
    let (s, _, b) = call(
        &emu,
        &t,
        Method::POST,
        "/Leads",
        Some(json!({"data": [{
            "Last_Name": "Quinn",
            "Expected_Budget": 2000.0,
            "Engagement_Score": 12.5,
            "Weighted_Budget": 1.0,
            "External_Ref": 9_007_199_254_740_993_u64,
            "Product_Interests": ["CRM", "Desk"]
        }]})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let id = b["data"][0]["details"]["id"].as_str().unwrap().to_owned();
    let (_, b) = get(&emu, &t, &format!("/Leads/{id}")).await;
    // The formula is Zoho's to compute: the value sent is ignored, (2000 * 12.5) / 100 kept.
    assert_eq!(b["data"][0]["Weighted_Budget"], json!(250.0));
    assert_eq!(
        b["data"][0]["External_Ref"],
        json!(9_007_199_254_740_993_u64)
    );
    // Bad input: each custom kind rejects a value of the wrong type, naming the field and type.
    for (key, bad, ty) in [
        ("External_Ref", json!("not a number"), "bigint"),
        ("Product_Interests", json!("CRM"), "multiselectpicklist"),
        ("Next_Follow_Up", json!("31/12/2025"), "date"),
        ("Last_Demo_At", json!("yesterday"), "datetime"),
        ("Newsletter_Opt_In", json!("yes"), "boolean"),
        ("Referred_By", json!(true), "lookup"),
    ] {
        let (s, _, b) = call(
            &emu,
            &t,
            Method::POST,
            "/Leads",
            Some(json!({"data": [{"Last_Name": "Bad", key: bad}]})),
        )
        .await;
        assert_eq!(s, 400, "{key}: {b}");
        assert_eq!(b["data"][0]["code"], "INVALID_DATA", "{key}");
        assert_eq!(b["data"][0]["details"]["api_name"], key);
        assert_eq!(b["data"][0]["details"]["expected_data_type"], ty);
    }
}

#[tokio::test]
async fn module_metadata_lists_full_field_objects() {
    let (emu, t) = org().await;
    let (s, b) = get(&emu, &t, "/settings/modules/Leads").await;
    assert_eq!(s, 200);
    let fields = b["modules"][0]["fields"].as_array().unwrap();
    let (_, all) = get(&emu, &t, "/settings/fields?module=Leads").await;
    // The same objects `GET /settings/fields` gives (issue 8: a 3-key stub breaks clients
    // that read `id`).
    assert_eq!(fields, all["fields"].as_array().unwrap());
    for f in fields {
        for key in ["id", "api_name", "field_label", "data_type", "json_type"] {
            assert!(f[key].is_string(), "{key} in {f}");
        }
    }
    let (s, b) = get(&emu, &t, "/settings/modules/Nope").await;
    assert_eq!((s, b["code"].as_str()), (400, Some("INVALID_MODULE")));
}

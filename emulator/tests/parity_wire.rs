//! The zohocrmsdk2-0 6.0.0 calls on the wire, against genuine Zoho v2 bodies
//! (`../shared/fixtures/zoho-v2`, copied inline): what another client sends is accepted, and
//! what comes back has Zoho's keys.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use zohocrm_emulator::Emulator;

async fn session() -> (Emulator, String) {
    let emu = Emulator::start().await.unwrap();
    let (access, _) = login(&emu, "ada@zylker.test").await;
    (emu, access)
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

async fn new_lead(emu: &Emulator, t: &str) -> String {
    let (s, _, b) = call(
        emu,
        t,
        Method::POST,
        "/Leads",
        Some(json!({"data": [{"Last_Name": "Wire"}]})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["data"][0]["details"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn notes_take_the_genuine_create_body_and_answer_like_zoho() {
    let (emu, t) = session().await;
    let lead = new_lead(&emu, &t).await;
    // Source: fixtures/zoho-v2/notes/POST_Notes.nango.request.json (Parent_Id as a bare id,
    // `se_module` without `$`), with the lead made above as the parent.
    let body = json!({"data": [{
        "Note_Title": "Test Note from Nango",
        "Note_Content": "This is a test note created during action development",
        "Parent_Id": lead,
        "se_module": "Leads"
    }]});
    let (s, _, b) = call(&emu, &t, Method::POST, "/Notes", Some(body)).await;
    assert_eq!(s, 201, "{b}");
    // Source: fixtures/zoho-v2/notes/POST_Notes.nango.response.json item keys.
    let item = &b["data"][0];
    assert_eq!(item["message"], "record added");
    assert_eq!(
        keys(&item["details"]),
        [
            "Created_By",
            "Created_Time",
            "Modified_By",
            "Modified_Time",
            "id"
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    );
    let id = item["details"]["id"].as_str().unwrap().to_owned();
    // Source: fixtures/zoho-v2/notes/GET_Notes_id.nango.response.json: the note names its
    // parent as {name, id} and its module as $se_module.
    let (s, got) = get(&emu, &t, &format!("/Notes/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(got["data"][0]["Parent_Id"]["id"], lead.as_str());
    assert_eq!(got["data"][0]["$se_module"], "Leads");
    // Source: fixtures/zoho-v2/notes/DELETE_Notes.doc-schmorrison.* (DELETE /Notes?ids=, one
    // "record deleted" item per id).
    let (s, _, del) = call(&emu, &t, Method::DELETE, &format!("/Notes?ids={id}"), None).await;
    assert_eq!(s, 200);
    assert_eq!(del["data"][0]["message"], "record deleted");
    assert_eq!(del["data"][0]["details"]["id"], id.as_str());
}

#[tokio::test]
async fn territories_and_the_org_photo_answer_with_zohos_keys() {
    let (emu, t) = session().await;
    // Source: fixtures/zoho-v2/territories/GET_settings_territories_list.doc-schmorrison.response.json
    let genuine: BTreeSet<String> = [
        "created_by",
        "created_time",
        "criteria",
        "description",
        "id",
        "manager",
        "modified_by",
        "modified_time",
        "name",
        "parent_id",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let (s, b) = get(&emu, &t, "/settings/territories").await;
    assert_eq!(s, 200);
    for terr in b["territories"].as_array().unwrap() {
        assert_eq!(keys(terr), genuine);
    }
    // Source: fixtures/zoho-v2/org/POST_org_photo.doc-schmorrison.response.json (a bare status
    // object, not a `data` list).
    let mut form = b"--XbOuNdArY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
    form.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    form.extend_from_slice(b"\r\n--XbOuNdArY--\r\n");
    let r = http()
        .post(format!("{}/crm/v2/org/photo", emu.api_base_url()))
        .header("Authorization", format!("Zoho-oauthtoken {t}"))
        .header("Content-Type", "multipart/form-data; boundary=XbOuNdArY")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v,
        json!({"message": "photo uploaded successfully", "details": {}, "status": "success", "code": "SUCCESS"})
    );
}

#[tokio::test]
async fn currency_actions_take_an_object_and_answer_with_one() {
    let (emu, t) = session().await;
    // Source: Zoho v2 docs "Enable Multiple Currencies": {"base_currency": {...}} with
    // exchange_rate as text and decimal_places as text; the answer is one object under
    // base_currency (zohocrmsdk2-0 6.0.0 BaseCurrencyActionWrapper).
    let body = json!({"base_currency": {
        "format": {"decimal_separator": "Period", "thousand_separator": "Comma", "decimal_places": "2"},
        "prefix_symbol": true, "name": "Algerian Dinar-ADN", "iso_code": "DZD", "symbol": "DA",
        "exchange_rate": "1.0000000"
    }});
    let (s, _, b) = call(
        &emu,
        &t,
        Method::POST,
        "/org/currencies/actions/enable",
        Some(body),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert!(b["base_currency"].is_object(), "{b}");
    assert_eq!(b["base_currency"]["code"], "SUCCESS");
    // A missing object is REQUIRED_PARAM_MISSING naming it.
    let (s, _, b) = call(
        &emu,
        &t,
        Method::PUT,
        "/org/currencies/actions/enable",
        Some(json!({})),
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (400, Some("REQUIRED_PARAM_MISSING")),
        "{b}"
    );
    assert_eq!(b["details"]["param_name"], "base_currency");
}

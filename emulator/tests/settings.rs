//! Settings calls on the wire: the shapes the typed SDK does not surface (top-level keys beside
//! the list, string counts, the `module` parameter the SDK always sends) and Zoho's codes.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;
use zohocrm_emulator::Emulator;

async fn session() -> (Emulator, String) {
    let emu = Emulator::start().await.unwrap();
    let (access, _) = login(&emu, "ada@zylker.test").await;
    (emu, access)
}

#[tokio::test]
async fn module_parameter_is_required_and_checked() {
    let (emu, t) = session().await;
    for path in [
        "/settings/fields",
        "/settings/layouts",
        "/settings/custom_views",
        "/settings/related_lists",
        "/settings/tags",
    ] {
        let (s, b) = get(&emu, &t, path).await;
        assert_eq!(
            (s, b["code"].as_str()),
            (400, Some("REQUIRED_PARAM_MISSING")),
            "{path}"
        );
        assert_eq!(b["details"]["param_name"], "module");
        let (s, b) = get(&emu, &t, &format!("{path}?module=Nope")).await;
        assert_eq!(
            (s, b["code"].as_str()),
            (400, Some("INVALID_MODULE")),
            "{path}"
        );
    }
    // Module names match without regard to case, as in record paths.
    let (s, b) = get(&emu, &t, "/settings/fields?module=leads").await;
    assert_eq!(s, 200);
    assert!(b["fields"].as_array().is_some_and(|f| !f.is_empty()));
}

#[tokio::test]
async fn wire_shapes_beside_the_lists() {
    let (emu, t) = session().await;
    let (s, b) = get(&emu, &t, "/org/taxes").await;
    assert_eq!(s, 200);
    assert_eq!(
        b["preference"],
        json!({"auto_populate_tax": true, "modify_tax_rates": true})
    );
    let (_, b) = get(&emu, &t, "/settings/tags?module=Leads").await;
    assert_eq!(b["info"], json!({"count": 3, "allowed_count": 100}));
    assert!(
        b["tags"][0].get("$module").is_none(),
        "internal keys stay inside"
    );
    let hot = b["tags"][0]["id"].as_str().unwrap().to_owned();
    let (_, b) = get(
        &emu,
        &t,
        &format!("/settings/tags/{hot}/actions/records_count?module=Leads"),
    )
    .await;
    assert_eq!(b, json!({"count": "2"}), "Zoho sends the count as a string");
    let (_, b) = get(&emu, &t, "/settings/custom_views?module=Leads").await;
    assert_eq!(b["info"]["translation"]["public_views"], "Public Views");
    assert_eq!(b["info"]["default"], b["custom_views"][0]["id"]);

    let id = emu.records("Leads")[2]["id"].as_str().unwrap().to_owned();
    let (s, _, b) = call(
        &emu,
        &t,
        Method::POST,
        &format!("/Leads/actions/add_tags?ids={id}&tag_names=Hot,Fresh"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b["data"][0],
        json!({"code": "SUCCESS", "details": {"id": id, "tags": ["Hot", "Fresh"]}, "message": "tags updated successfully", "status": "success"})
    );
    assert_eq!(
        (b["success_count"].as_str(), b["locked_count"].as_str()),
        (Some("1"), Some("0"))
    );
    let tags = &emu.records("Leads")[2]["Tag"];
    assert_eq!(tags[1]["name"], "Fresh");
    assert!(tags[1]["id"].is_string());
}

#[tokio::test]
async fn settings_writes_answer_per_item_under_their_key() {
    let (emu, t) = session().await;
    let (s, _, b) = call(
        &emu,
        &t,
        Method::POST,
        "/users",
        Some(json!({"users": [{"email": "x@zylker.test", "last_name": "X", "role": {"id": "4150868000000026011"}}]})),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        b,
        json!({"users": [{"code": "MANDATORY_NOT_FOUND", "details": {"api_name": "profile"}, "message": "required field not found", "status": "error"}]})
    );
    let (s, _, b) = call(
        &emu,
        &t,
        Method::POST,
        "/settings/variables",
        Some(json!({"variables": [{"name": "N", "api_name": "N", "type": "long", "value": 9, "variable_group": {"id": "4150868000000027001"}}]})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["variables"][0]["message"], "variable added");
    let (s, _, b) = call(&emu, &t, Method::DELETE, "/org/taxes", None).await;
    assert_eq!(
        (s, b["code"].as_str()),
        (400, Some("REQUIRED_PARAM_MISSING"))
    );
}

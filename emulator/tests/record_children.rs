//! Wire details of uploads and record actions that typed clients cannot produce: hand-made
//! multipart bodies, download headers, and server-side limits the SDK checks before sending.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use zohocrm_emulator::Emulator;

async fn session() -> (Emulator, String, String) {
    let emu = Emulator::start().await.unwrap();
    let (access, _) = login(&emu, "ada@zylker.test").await;
    let lead = emu.records("Leads")[0]["id"].as_str().unwrap().to_owned();
    (emu, access, lead)
}

async fn post_form(emu: &Emulator, token: &str, path: &str, body: Vec<u8>) -> (u16, Value) {
    let r = http()
        .post(format!("{}/crm/v2{path}", emu.api_base_url()))
        .header("Authorization", format!("Zoho-oauthtoken {token}"))
        .header("Content-Type", "multipart/form-data; boundary=BOUNDARY")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn link_with_the_official_sdks_empty_file_part_is_a_link() {
    let (emu, t, lead) = session().await;
    // zcrmsdk sends an empty `file` part beside `attachmentUrl`.
    let body = b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"attachmentUrl\"\r\n\r\nhttps://a.example/x\r\n\
--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\n\r\n--BOUNDARY--\r\n"
        .to_vec();
    let (s, b) = post_form(&emu, &t, &format!("/Leads/{lead}/Attachments"), body).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["data"][0]["message"], "attachment uploaded successfully");
    let (s, list) = get(&emu, &t, &format!("/Leads/{lead}/Attachments")).await;
    assert_eq!(s, 200);
    assert_eq!(list["data"][0]["$type"], "Link");
    assert_eq!(list["data"][0]["$link_url"], "https://a.example/x");
    assert_eq!(list["info"]["count"], 1);
}

#[tokio::test]
async fn downloads_carry_type_and_both_file_name_forms() {
    let (emu, t, lead) = session().await;
    let body = "--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r\u{e9}sum\u{e9} \\\"v2\\\".pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--BOUNDARY--\r\n"
        .as_bytes()
        .to_vec();
    let (s, b) = post_form(&emu, &t, &format!("/Leads/{lead}/Attachments"), body).await;
    assert_eq!(s, 200, "{b}");
    let id = b["data"][0]["details"]["id"].as_str().unwrap().to_owned();
    let r = http()
        .get(format!(
            "{}/crm/v2/Leads/{lead}/Attachments/{id}",
            emu.api_base_url()
        ))
        .header("Authorization", format!("Zoho-oauthtoken {t}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let h = |k: &str| r.headers()[k].to_str().unwrap().to_owned();
    assert_eq!(h("content-type"), "application/pdf");
    assert_eq!(
        h("content-disposition"),
        "attachment; filename=\"r_sum_ _v2_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf"
    );
    assert_eq!(&r.bytes().await.unwrap()[..], b"%PDF");
}

#[tokio::test]
async fn malformed_forms_and_oversized_id_lists_are_refused() {
    let (emu, t, lead) = session().await;
    let (s, b) = post_form(
        &emu,
        &t,
        &format!("/Leads/{lead}/Attachments"),
        b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nnever ends".to_vec(),
    )
    .await;
    assert_eq!((s, b["code"].as_str()), (400, Some("INVALID_DATA")));

    let ids: Vec<String> = (0..501).map(|i| format!("4150868{i:012}")).collect();
    let (s, _, b) = call(
        &emu,
        &t,
        Method::POST,
        "/Leads/actions/mass_update",
        Some(json!({"data": [{"Lead_Status": "Junk"}], "ids": ids})),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(b["code"], "LIMIT_EXCEEDED");
    assert_eq!(b["details"], json!({"limit": "500", "param_name": "ids"}));
    let (s, _, b) = call(
        &emu,
        &t,
        Method::POST,
        "/Leads/actions/mass_update",
        Some(json!({"data": [{"Lead_Status": "Junk"}]})),
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str()),
        (400, Some("REQUIRED_PARAM_MISSING"))
    );
}

//! Raw HTTP in exactly the shapes the official Python SDKs send, which any Zoho client must be
//! able to send to the emulator as it can to Zoho.
//!
//! Sources (zoho-python-sdk.md): §5.2 old-gen token calls put every parameter in the query
//! string with the literal body `null` and no headers; §1.2 no Content-Type on JSON POST/PUT
//! and `User-Agent: ZohoCRM Python SDK`; §1.3 bodies from `json.dumps` (", " / ": "
//! separators); §10 (line ~149) `get_records`/search/deleted default to `page=0`; §7.1 the
//! new-gen SDK adds `X-ZOHO-SDK`, sets no Content-Type on JSON and types ids as int (JSON
//! numbers).

mod common;

use common::*;
use serde_json::{json, Value};
use zohocrm_emulator::auth::RejectedToken;
use zohocrm_emulator::{Emulator, EmulatorConfig};

const OLD_GEN_UA: &str = "ZohoCRM Python SDK";
const NEW_GEN_SDK: &str = "Linux/6.1.0/python-2.0/3.11.4:6.0.0";

async fn raw(
    emu: &Emulator,
    method: reqwest::Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, Value) {
    let mut req = http().request(method, format!("{}{path_and_query}", emu.base_url()));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.body(b.to_owned());
    }
    let r = req.send().await.unwrap();
    assert!(r.headers().get("content-type").is_some() || r.status() == 204);
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, v)
}

fn q(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(':', "%3A").replace('/', "%2F")))
        .collect::<Vec<_>>()
        .join("&")
}

// Old gen: POST {accounts}/oauth/v2/token?<all params> with body `null`, no Content-Type.
async fn old_gen_token(emu: &Emulator, grant: &[(&str, &str)]) -> (u16, Value) {
    let mut params = vec![
        ("client_id", emu.client_id()),
        ("client_secret", emu.client_secret()),
        ("redirect_uri", emu.redirect_uri()),
    ];
    params.extend_from_slice(grant);
    let path = format!("/oauth/v2/token?{}", q(&params));
    raw(emu, reqwest::Method::POST, &path, &[], Some("null")).await
}

#[tokio::test]
async fn old_gen_token_calls_in_the_query_string_with_a_null_body() {
    let emu = Emulator::start().await.unwrap();
    let code = emu.grant_code("ada@zylker.test");
    let (s, b) = old_gen_token(
        &emu,
        &[("grant_type", "authorization_code"), ("code", &code)],
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert!(
        b["access_token"].is_string() && b["refresh_token"].is_string(),
        "{b}"
    );
    assert_eq!(b["api_domain"], json!(emu.api_base_url()));
    let refresh = b["refresh_token"].as_str().unwrap().to_owned();
    let (s, b) = old_gen_token(
        &emu,
        &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
    )
    .await;
    assert_eq!(s, 200);
    assert!(b["access_token"].is_string(), "{b}");
    // Bad input: the code was single-use; Zoho answers 200 with an `error`.
    let (s, b) = old_gen_token(
        &emu,
        &[("grant_type", "authorization_code"), ("code", &code)],
    )
    .await;
    assert_eq!((s, b["error"].as_str()), (200, Some("invalid_code")));
}

#[tokio::test]
async fn a_form_body_holding_only_grant_type_with_the_rest_in_the_query() {
    let emu = Emulator::start().await.unwrap();
    let code = emu.grant_code("ada@zylker.test");
    let query = q(&[
        ("client_id", emu.client_id()),
        ("client_secret", emu.client_secret()),
        ("redirect_uri", emu.redirect_uri()),
        ("code", &code),
    ]);
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let path = format!("/oauth/v2/token?{query}");
    let body = Some("grant_type=authorization_code");
    let (s, b) = raw(&emu, reqwest::Method::POST, &path, &form, body).await;
    assert_eq!(s, 200);
    assert!(b["access_token"].is_string(), "{b}");
    // Bad input: no grant_type anywhere.
    let code = emu.grant_code("ada@zylker.test");
    let path = format!(
        "/oauth/v2/token?{}",
        q(&[("client_id", emu.client_id()), ("code", &code)])
    );
    let (s, b) = raw(&emu, reqwest::Method::POST, &path, &form, Some("")).await;
    assert_eq!(s, 200);
    assert!(b["error"].is_string(), "{b}");
}

#[tokio::test]
async fn page_zero_is_page_one_on_records_search_and_deleted() {
    let emu = Emulator::start().await.unwrap();
    let (t, _) = login(&emu, "ada@zylker.test").await;
    let auth = format!("Zoho-oauthtoken {t}");
    let h = [("Authorization", auth.as_str()), ("User-Agent", OLD_GEN_UA)];
    let (s0, p0) = raw(
        &emu,
        reqwest::Method::GET,
        "/crm/v2/Leads?page=0&per_page=2",
        &h,
        None,
    )
    .await;
    let (s1, p1) = raw(
        &emu,
        reqwest::Method::GET,
        "/crm/v2/Leads?page=1&per_page=2",
        &h,
        None,
    )
    .await;
    assert_eq!((s0, s1), (200, 200), "{p0}");
    assert_eq!(p0["data"], p1["data"]);
    assert_eq!(p0["info"]["page"], json!(1));
    let (s, b) = raw(
        &emu,
        reqwest::Method::GET,
        "/crm/v2/Leads/search?word=Zylker&page=0&per_page=200",
        &h,
        None,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert!(!b["data"].as_array().unwrap().is_empty());
    let (s, b) = raw(
        &emu,
        reqwest::Method::GET,
        "/crm/v2/Leads/deleted?type=all&page=0&per_page=200",
        &h,
        None,
    )
    .await;
    assert!(s == 200 || s == 204, "{s} {b}");
    // Bad input: a negative page is still refused, naming the parameter.
    let (s, b) = raw(
        &emu,
        reqwest::Method::GET,
        "/crm/v2/Leads?page=-1",
        &h,
        None,
    )
    .await;
    assert_eq!((s, b["code"].as_str()), (400, Some("INVALID_DATA")), "{b}");
    assert_eq!(b["details"]["param_name"], "page");
}

#[tokio::test]
async fn json_without_content_type_numeric_ids_and_sdk_headers() {
    let emu = Emulator::start().await.unwrap();
    let (t, _) = login(&emu, "ada@zylker.test").await;
    let auth = format!("Zoho-oauthtoken {t}");
    let h = [
        ("Authorization", auth.as_str()),
        ("X-ZOHO-SDK", NEW_GEN_SDK),
    ];
    let leads = emu.records("Leads");
    let lead_id = leads[0]["id"].as_str().unwrap();
    let account_id = emu.records("Accounts")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // As json.dumps writes it: 19-digit ids as numbers, ", " and ": " separators, no
    // Content-Type.
    let body = format!(
        "{{\"data\": [{{\"id\": {lead_id}, \"Company\": \"Numeric Ids Ltd\"}}], \"trigger\": []}}"
    );
    let (s, b) = raw(&emu, reqwest::Method::PUT, "/crm/v2/Leads", &h, Some(&body)).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["data"][0]["details"]["id"], json!(lead_id));
    let body = format!(
        "{{\"data\": [{{\"Last_Name\": \"Okafor\", \"Account_Name\": {{\"id\": {account_id}}}}}]}}"
    );
    let (s, b) = raw(
        &emu,
        reqwest::Method::POST,
        "/crm/v2/Contacts",
        &h,
        Some(&body),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let id = b["data"][0]["details"]["id"].as_str().unwrap().to_owned();
    let (_, b) = raw(
        &emu,
        reqwest::Method::GET,
        &format!("/crm/v2/Contacts/{id}"),
        &h,
        None,
    )
    .await;
    // Stored and returned as Zoho returns ids: strings.
    assert_eq!(b["data"][0]["Account_Name"]["id"], json!(account_id));
    let (_, b) = raw(
        &emu,
        reqwest::Method::GET,
        &format!("/crm/v2/Leads/{lead_id}"),
        &h,
        None,
    )
    .await;
    assert_eq!(b["data"][0]["Company"], "Numeric Ids Ltd");
    // Bad input: an id that is not a whole number fails that item only.
    let body = "{\"data\": [{\"id\": 41508680.5, \"Company\": \"x\"}]}";
    let (s, b) = raw(&emu, reqwest::Method::PUT, "/crm/v2/Leads", &h, Some(body)).await;
    assert_eq!(s, 400, "{b}");
    assert_eq!(b["data"][0]["code"], "INVALID_DATA");
    assert_eq!(b["data"][0]["details"]["api_name"], "id");
}

#[tokio::test]
async fn grant_codes_are_minted_while_running() {
    let emu = Emulator::start().await.unwrap();
    let path = "/emulator/grant-codes?email=new.user%40zylker.test&scope=ZohoCRM.modules.READ";
    let (s, b) = raw(&emu, reqwest::Method::POST, path, &[], None).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["scope"], json!(["ZohoCRM.modules.READ"]));
    assert_eq!(b["expires_in"], json!(120));
    let (t, _) = exchange(&emu, b["code"].as_str().unwrap()).await;
    let (s, _) = get(&emu, &t, "/Leads").await;
    assert_eq!(s, 200);
    // The scopes minted are the scopes enforced.
    let (s, _, b) = call(
        &emu,
        &t,
        reqwest::Method::POST,
        "/Leads",
        Some(json!({"data": [{"Last_Name": "X"}]})),
    )
    .await;
    assert_eq!((s, b["code"].as_str()), (401, Some("OAUTH_SCOPE_MISMATCH")));
    // Bad input names the parameter.
    for (path, param) in [
        ("/emulator/grant-codes?client_id=1000.NOPE", "client_id"),
        ("/emulator/grant-codes?email=nobody", "email"),
        ("/emulator/grant-codes?scope=everything", "scope"),
    ] {
        let (s, b) = raw(&emu, reqwest::Method::POST, path, &[], None).await;
        assert_eq!((s, b["param"].as_str()), (400, Some(param)), "{b}");
    }
}

#[tokio::test]
async fn a_stale_token_can_be_answered_with_authentication_failure() {
    let emu = Emulator::start_with(EmulatorConfig {
        rejected_token: RejectedToken::AuthenticationFailure,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let (t, _) = login(&emu, "ada@zylker.test").await;
    assert_eq!(get(&emu, &t, "/Leads").await.0, 200);
    emu.revoke_access_token(&t);
    let (s, b) = get(&emu, &t, "/Leads").await;
    assert_eq!(
        (s, b["code"].as_str()),
        (401, Some("AUTHENTICATION_FAILURE"))
    );
    emu.set_rejected_token(RejectedToken::InvalidToken);
    let (s, b) = get(&emu, &t, "/Leads").await;
    assert_eq!((s, b["code"].as_str()), (401, Some("INVALID_TOKEN")));
}

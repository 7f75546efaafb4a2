//! Typed values over real HTTP against the emulator: exact decimals, datetimes with the offset
//! Zoho sent, calendar dates, lookups set by bare id, and `null` that clears a field.

mod support;

use support::{create_json, setup};
use zohocrm::types::{Lead, Record, User, UserRef};
use zohocrm::{Date, DateTime, Decimal, Nullable};

/// The record as typed `Lead`, and the raw body it came from.
async fn fetch_lead(client: &zohocrm::Client, id: &zohocrm::Id) -> (Lead, serde_json::Value) {
    let mut req = zohocrm::Request::new("get_record", zohocrm::Method::GET, true);
    req.path_literal("Leads");
    req.path_var(id.as_str());
    let raw = client.execute(req).await.unwrap();
    let lead: Lead = raw.single("data").unwrap();
    let body: serde_json::Value = serde_json::from_slice(raw.body()).unwrap();
    (lead, body["data"][0].clone())
}

/// A `Lead` as the `Record` the write operations take (through its JSON text: nothing changes).
fn as_record(lead: &Lead) -> Record {
    serde_json::from_str(&serde_json::to_string(lead).unwrap()).unwrap()
}

async fn admin_id(client: &zohocrm::Client) -> zohocrm::Id {
    let me = client.org().get_current_user().send().await.unwrap();
    me.data[0].id.clone().expect("the current user has an id")
}

#[tokio::test]
async fn decimals_datetimes_and_bare_id_lookups() {
    let (_emu, client) = setup().await;
    let admin = admin_id(&client).await;

    let mut r = Record::new();
    r.set_field_value("Last_Name", "Exact").unwrap();
    r.set_field_value("Annual_Revenue", "1000".parse::<Decimal>().unwrap())
        .unwrap();
    // A lookup set by id is one call, and goes out as the bare id it was given.
    r.owner.set(admin.clone());
    let sent = serde_json::to_string(&r).unwrap();
    assert!(
        sent.contains(&format!("\"Owner\":\"{admin}\""))
            && sent.contains("\"Annual_Revenue\":1000"),
        "{sent}"
    );
    let res = client
        .module("Leads")
        .create_records([r])
        .send()
        .await
        .unwrap();
    let id = res.into_result().unwrap()[0].details.id.clone().unwrap();

    let (lead, raw) = fetch_lead(&client, &id).await;
    let revenue = lead.annual_revenue.as_ref().expect("Annual_Revenue");
    assert_eq!(revenue.as_str(), "1000", "1000 stays 1000, not 1000.0");
    let owner = lead.owner.as_ref().expect("Owner");
    assert_eq!(owner.id.as_ref(), Some(&admin));
    assert!(owner.name.is_some(), "Zoho answers with the full reference");

    let created: DateTime = lead.created_time.expect("Created_Time");
    assert_eq!(
        created.to_rfc3339_opts(zohocrm::chrono::SecondsFormat::Secs, false),
        raw["Created_Time"].as_str().unwrap(),
        "the datetime keeps the offset Zoho sent"
    );
    // Typed datetimes also filter: nothing changed after the record was modified.
    let later = created + zohocrm::chrono::Duration::days(1);
    let page = client
        .module("Leads")
        .get_records()
        .if_modified_since(later)
        .send()
        .await
        .unwrap();
    assert!(page.data.iter().all(|l| l.id.as_ref() != Some(&id)));

    // Decoding then encoding gives back the body, nulls and all.
    let again: serde_json::Value = serde_json::to_value(&lead).unwrap();
    assert_eq!(again, raw);
}

#[tokio::test]
async fn null_clears_a_field_and_absent_leaves_it() {
    let (_emu, client) = setup().await;
    let id = create_json(
        &client,
        "Leads",
        serde_json::json!({"Last_Name": "Clearable", "Email": "c@example.test", "Phone": "555"}),
    )
    .await;
    let (mut lead, _) = fetch_lead(&client, &id).await;
    assert_eq!(lead.email.as_deref(), Some("c@example.test"));

    let mut change = Lead::new();
    change.email.clear();
    let body = serde_json::to_string(&change).unwrap();
    assert_eq!(body, r#"{"Email":null}"#, "absent fields are not sent");
    client
        .record("Leads", id.clone())
        .update_record(as_record(&change))
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let (after, raw) = fetch_lead(&client, &id).await;
    assert!(after.email.is_null(), "{:?}", after.email);
    assert_eq!(raw["Email"], serde_json::Value::Null);
    assert_eq!(after.phone.as_deref(), Some("555"), "left alone");
    assert!(
        serde_json::to_string(&after)
            .unwrap()
            .contains("\"Email\":null"),
        "the null survives a round trip"
    );

    // The same through set_field_value, on a decoded record.
    lead.set_field_value("Phone", ()).unwrap();
    assert!(lead.phone.is_null());
}

#[tokio::test]
async fn calendar_dates_and_bad_setter_values() {
    let (_emu, client) = setup().await;
    let admin = admin_id(&client).await;
    let mut change = User::new();
    change.dob = Some(Date::from_ymd_opt(1990, 5, 17).unwrap());
    client
        .org()
        .update_user(admin.clone(), change)
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let got = client.org().get_user(admin.clone()).send().await.unwrap();
    assert_eq!(got.dob, Some(Date::from_ymd_opt(1990, 5, 17).unwrap()));
    assert_eq!(
        serde_json::to_value(&got).unwrap()["dob"],
        serde_json::json!("1990-05-17")
    );

    // A setter given a value that does not fit names the field as an input error.
    let mut lead = Lead::new();
    let err = lead.set_field_value("Annual_Revenue", "a lot").unwrap_err();
    assert!(
        matches!(&err, zohocrm::Error::InvalidArgument { field, .. } if field == "Annual_Revenue"),
        "{err}"
    );
    assert!(!err.to_string().contains("HTTP"), "{err}");
    // A user reference decodes from a bare id and writes it back as one.
    let owner: UserRef = serde_json::from_str(&format!("\"{admin}\"")).unwrap();
    assert_eq!(owner.id.as_ref(), Some(&admin));
    assert_eq!(
        serde_json::to_string(&owner).unwrap(),
        format!("\"{admin}\"")
    );
    lead.owner = Nullable::Value(UserRef::from_id(admin.clone()));
    assert_eq!(
        serde_json::to_string(&lead).unwrap(),
        format!("{{\"Owner\":\"{admin}\"}}")
    );
}

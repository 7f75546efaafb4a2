//! Decoding never breaks on what Zoho may send: unknown fields, nulls, unknown enum values,
//! numbers as strings, ids as numbers. And writes never send a key twice.

use zohocrm::types::{Module, Organization, Record, SortOrder, User, UserType};
use zohocrm::{ErrorCode, Page, RawResponse};

#[test]
fn record_keeps_unknown_and_custom_fields_in_order() {
    let body = r#"{"data":[{"id":"4150868000000224001","Last_Name":"Smith","Custom__c":{"deep":[1,2]},"Owner":{"id":"1","name":"Ada","extra":"x"},"$approved":true,"Brand_New_Field":null}],"info":{"page":1,"per_page":200,"count":1,"more_records":false}}"#;
    let page: Page<Record> = RawResponse::new(200, body).list("data").unwrap();
    let r = &page.data[0];
    assert_eq!(r.id.as_ref().unwrap(), "4150868000000224001");
    assert_eq!(r.owner.as_ref().unwrap().name.as_deref(), Some("Ada"));
    assert_eq!(
        r.owner.as_ref().unwrap().extra.get("extra").unwrap().get(),
        "\"x\""
    );
    assert_eq!(r.approved, Some(true));
    let keys: Vec<&str> = r.extra.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["Last_Name", "Custom__c", "Brand_New_Field"]);
    assert_eq!(
        r.get_field_value::<String>("Last_Name").unwrap().unwrap(),
        "Smith"
    );
    let custom: serde_json::Value = r.get_field_value("Custom__c").unwrap().unwrap();
    assert_eq!(custom["deep"][1], 2);
    assert!(
        r.get_field_value::<i64>("Last_Name").unwrap().is_err(),
        "wrong type is an error, not a panic"
    );
    assert!(r.get_field_value::<String>("Absent").is_none());
    assert_eq!(page.info.as_ref().unwrap().more_records, Some(false));
    assert!(!page.more_records());
}

#[test]
fn null_is_fine_everywhere() {
    let body = r#"{"data":[{"id":null,"Owner":null,"Created_Time":null,"Tag":null,"$approved":null,"Layout":{"id":null,"name":null}}],"info":null}"#;
    let page: Page<Record> = RawResponse::new(200, body).list("data").unwrap();
    let r = &page.data[0];
    assert!(r.id.is_none() && r.owner.is_none() && r.tag.is_none() && r.approved.is_none());
    assert!(page.info.is_none());
    let org =
        r#"{"org":[{"id":null,"company_name":null,"license_details":null,"mc_status":null}]}"#;
    let o: Organization = RawResponse::new(200, org).single("org").unwrap();
    assert!(o.license_details.is_none());
}

#[test]
fn lenient_scalars_and_numeric_ids() {
    let body = r#"{"modules":[{"id":4150868000000002175,"api_name":"Leads","visibility":"1","sequence_number":2,"creatable":"true","per_page":"","api_supported":true}]}"#;
    let m: Module = RawResponse::new(200, body).single("modules").unwrap();
    assert_eq!(m.id.unwrap(), "4150868000000002175");
    assert_eq!(m.visibility, Some(1));
    assert_eq!(m.creatable, Some(true));
    assert_eq!(m.per_page, None);
}

#[test]
fn unknown_enum_values_decode() {
    let u: UserType = serde_json::from_str("\"MarsUsers\"").unwrap();
    assert_eq!(u, UserType::Unknown("MarsUsers".into()));
    assert_eq!(u.as_str(), "MarsUsers");
    let s: SortOrder = serde_json::from_str("\"asc\"").unwrap();
    assert_eq!(s, SortOrder::Asc);
    assert_eq!(serde_json::to_string(&u).unwrap(), "\"MarsUsers\"");
}

#[test]
fn empty_answers() {
    let page: Page<Record> = RawResponse::new(204, "").list("data").unwrap();
    assert!(page.data.is_empty() && !page.more_records());
    let err = RawResponse::new(204, "")
        .single::<Record>("data")
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NoContent));
}

#[test]
fn undecodable_body_reports_status_and_excerpt() {
    let err = RawResponse::new(200, "<html>gateway</html>")
        .list::<Record>("data")
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("HTTP 200") && msg.contains("<html>gateway</html>"),
        "{msg}"
    );
    assert!(
        std::error::Error::source(&err).is_some(),
        "the serde error chains"
    );
}

#[test]
fn set_field_value_routes_typed_keys_and_never_duplicates() {
    let mut r = Record::new();
    r.set_field_value("Last_Name", "Smith").unwrap();
    r.set_field_value("Owner", serde_json::json!({"id": "42"}))
        .unwrap();
    r.set_field_value("Last_Name", "Jones").unwrap();
    assert_eq!(r.owner.as_ref().unwrap().id.as_ref().unwrap(), "42");
    assert_eq!(r.extra.len(), 1, "Owner went to the typed field");
    // A stray typed key in `extra` is not sent twice.
    r.extra
        .set("Owner", serde_json::json!({"id": "99"}))
        .unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(json, r#"{"Owner":{"id":"42"},"Last_Name":"Jones"}"#);
    let err = r.set_field_value("Owner", 1.5).unwrap_err();
    assert!(
        matches!(&err, zohocrm::Error::InvalidArgument { field, entity: "Record", .. } if field == "Owner"),
        "an input error naming the field: {err}"
    );
    assert!(err.to_string().contains("`Owner`"), "{err}");
}

#[test]
fn round_trip_keeps_everything() {
    let body = r#"{"id":"1","email":"a@b.c","role":{"id":"2","name":"CEO"},"Isonline":false,"custom_thing":[1,"x",null]}"#;
    let u: User = serde_json::from_str(body).unwrap();
    let back: serde_json::Value = serde_json::to_value(&u).unwrap();
    let orig: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(back, orig);
    let debug = format!("{u:?}");
    assert!(
        debug.contains("a@b.c") && debug.contains("custom_thing"),
        "{debug}"
    );
}

#[test]
fn a_value_of_an_unexpected_type_is_kept_not_fatal() {
    let body =
        r#"{"data":[{"id":"1","Owner":["not-an-object"],"$approved":"maybe","Last_Name":"Kept"}]}"#;
    let page: Page<Record> = RawResponse::new(200, body).list("data").unwrap();
    let r = &page.data[0];
    assert!(r.owner.is_none() && r.approved.is_none());
    assert_eq!(r.extra.get("Owner").unwrap().get(), r#"["not-an-object"]"#);
    // Nothing is lost on the way back out, and no key goes out twice.
    let json = serde_json::to_string(r).unwrap();
    assert_eq!(
        json,
        r#"{"id":"1","Owner":["not-an-object"],"$approved":"maybe","Last_Name":"Kept"}"#
    );
}

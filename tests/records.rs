//! The records slice over real HTTP against the emulator: every operation, with bad input.

mod support;

use futures_util::TryStreamExt;
use support::{create, record, setup};
use zohocrm::types::{Record, SortOrder};
use zohocrm::{Error, ErrorCode};

#[tokio::test]
async fn rest_client_operations() {
    let (_emu, client) = setup().await;
    let org = client.get_organization_details().send().await.unwrap();
    assert_eq!(org.company_name.as_deref(), Some("Zylker Emulated"));
    let same = client.get_org_details().send().await.unwrap();
    assert_eq!(same.id, org.id, "the seed's name is an alias");
    let me = client.get_current_user().send().await.unwrap();
    assert_eq!(me.data[0].email.as_deref(), Some(support::ADMIN));
    let modules = client.get_all_modules().send().await.unwrap();
    assert!(
        modules
            .data
            .iter()
            .any(|m| m.api_name.as_deref() == Some("Leads"))
    );
    let leads = client.get_module("Leads").send().await.unwrap();
    assert_eq!(leads.api_name.as_deref(), Some("Leads"));
    let err = client.get_module("Nope").send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidModule), "{err}");
}

#[tokio::test]
async fn create_get_update_delete() {
    let (emu, client) = setup().await;
    let leads = client.module("Leads");
    let id = create(
        &client,
        "Leads",
        &[("Last_Name", "Lovelace"), ("Email", "ada@engine.test")],
    )
    .await;
    let got = leads.get_record(id.clone()).send().await.unwrap();
    assert_eq!(got.id.as_ref(), Some(&id));
    assert_eq!(
        got.get_field_value::<String>("Last_Name").unwrap().unwrap(),
        "Lovelace"
    );
    assert!(
        got.created_time.is_some() && got.owner.is_some(),
        "system fields are typed"
    );

    let mut change = record(&[("Company", "Analytical Engines")]);
    change.id = Some(id.clone());
    let upd = leads.update_records([change]).send().await.unwrap();
    assert!(upd.all_succeeded(), "{upd:?}");
    assert_eq!(upd.items[0].as_ref().unwrap().message, "record updated");
    let got = leads.get_record(id.clone()).send().await.unwrap();
    assert_eq!(
        got.extra.get_str("Company").as_deref(),
        Some("Analytical Engines")
    );

    let del = leads.delete_records([id.clone()]).send().await.unwrap();
    assert_eq!(del.successes().count(), 1);
    assert!(emu.records("Leads").iter().all(|r| r["id"] != id.as_str()));
    let gone = leads.get_record(id).send().await.unwrap_err();
    assert_eq!(gone.code(), Some(&ErrorCode::NoContent));
}

#[tokio::test]
async fn write_results_are_per_item_and_typed() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let res = leads
        .create_records([
            record(&[("Last_Name", "Ok")]),
            record(&[("Company", "No last name")]),
        ])
        .trigger(Vec::<String>::new())
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 207);
    assert!(res.items[0].is_ok());
    let err = res.items[1].as_ref().unwrap_err();
    assert_eq!(err.code, ErrorCode::MandatoryNotFound);
    assert_eq!(err.details.api_name.as_deref(), Some("Last_Name"));
    let (i, _) = res.errors().next().unwrap();
    assert_eq!(i, 1, "errors keep their input index");

    let all_bad = leads
        .create_records([record(&[("Company", "x")])])
        .send()
        .await
        .unwrap();
    assert_eq!(all_bad.http_status, 400);
    assert!(all_bad.into_result().is_err());
}

#[tokio::test]
async fn limits_are_checked_before_sending() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let many: Vec<Record> = (0..101)
        .map(|i| record(&[("Last_Name", &format!("L{i}"))]))
        .collect();
    let err = leads.create_records(many.clone()).send().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Limit {
                limit: 100,
                got: 101,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("at most 100"), "{err}");
    let err = leads.get_records().per_page(201).send().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Limit {
                limit: 200,
                got: 201,
                ..
            }
        ),
        "{err}"
    );
    let err = leads.get_records().page(0).send().await.unwrap_err();
    assert!(err.to_string().contains("at least 1"), "{err}");
    let ids: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let err = leads.delete_records(ids).send().await.unwrap_err();
    assert!(matches!(err, Error::Limit { limit: 100, .. }), "{err}");

    // send_all splits into chunks of 100 and keeps input order.
    let res = leads.create_records(many).send_all().await.unwrap();
    assert_eq!(res.items.len(), 101);
    assert!(res.all_succeeded());
    let ids: Vec<_> = res
        .successes()
        .filter_map(|s| s.details.id.clone())
        .collect();
    let first = leads.get_record(ids[0].clone()).send().await.unwrap();
    let last = leads.get_record(ids[100].clone()).send().await.unwrap();
    assert_eq!(first.extra.get_str("Last_Name").as_deref(), Some("L0"));
    assert_eq!(last.extra.get_str("Last_Name").as_deref(), Some("L100"));
}

#[tokio::test]
async fn get_records_pages_sorts_and_streams() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    for i in 0..5 {
        create(&client, "Leads", &[("Last_Name", &format!("Page{i}"))]).await;
    }
    let total = leads
        .get_records()
        .per_page(200)
        .send()
        .await
        .unwrap()
        .data
        .len();
    let first = leads
        .get_records()
        .per_page(2)
        .page(1)
        .sort_order(SortOrder::Asc)
        .send()
        .await
        .unwrap();
    assert_eq!(first.data.len(), 2);
    let info = first.info.clone().unwrap();
    assert_eq!(
        (info.page, info.per_page, info.more_records),
        (Some(1), Some(2), Some(true))
    );
    let streamed: Vec<Record> = leads
        .get_records()
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len(), total, "the stream visits every page once");
    let pages: Vec<_> = leads
        .get_records()
        .per_page(3)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), total.div_ceil(3));
    assert!(!pages.last().unwrap().more_records());
    let projected = leads
        .get_records()
        .fields(["Last_Name"])
        .send()
        .await
        .unwrap();
    assert!(
        projected
            .data
            .iter()
            .all(|r| r.extra.get("Email").is_none())
    );
}

#[tokio::test]
async fn if_modified_since_filters() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let future = leads
        .get_records()
        .if_modified_since(
            zohocrm::DateTime::parse_from_rfc3339("2999-01-01T00:00:00+00:00").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(future.data.is_empty(), "nothing changed since the future");
    assert!(matches!(future.http_status, 204 | 304));
    let past = leads
        .get_records()
        .if_modified_since(
            zohocrm::DateTime::parse_from_rfc3339("2000-01-01T00:00:00+00:00").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(!past.data.is_empty());
}

#[tokio::test]
async fn upsert_inserts_then_updates() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let r = record(&[("Last_Name", "Upsert"), ("Email", "upsert@example.test")]);
    let first = leads.upsert_records([r.clone()]).send().await.unwrap();
    assert_eq!(
        first.items[0].as_ref().unwrap().action.as_deref(),
        Some("insert")
    );
    let second = leads
        .upsert_records([r])
        .duplicate_check_fields(["Email"])
        .send()
        .await
        .unwrap();
    let ok = second.items[0].as_ref().unwrap();
    assert_eq!(ok.action.as_deref(), Some("update"));
    assert_eq!(ok.duplicate_field.as_deref(), Some("Email"));
}

#[tokio::test]
async fn search_by_word_email_phone_and_criteria() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    create(
        &client,
        "Leads",
        &[
            ("Last_Name", "Burns,B"),
            ("Email", "burns@example.test"),
            ("Phone", "555-0199"),
            ("Company", "Zzyzx (Nuclear)"),
        ],
    )
    .await;
    assert_eq!(
        leads
            .search_records("Zzyzx")
            .send()
            .await
            .unwrap()
            .data
            .len(),
        1
    );
    assert_eq!(
        leads
            .search_record_email("burns@example.test")
            .send()
            .await
            .unwrap()
            .data
            .len(),
        1
    );
    assert_eq!(
        leads
            .search_records_by_email("burns@example.test")
            .send()
            .await
            .unwrap()
            .data
            .len(),
        1
    );
    assert_eq!(
        leads
            .search_records_by_phone("555-0199")
            .send()
            .await
            .unwrap()
            .data
            .len(),
        1
    );
    let hit = leads
        .search_records_by_criteria(
            r"((Last_Name:equals:Burns\,B)and(Company:starts_with:Zzyzx \(Nuclear\)))",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(hit.data.len(), 1, "escaped , ( ) in values");
    let none = leads
        .search_records("nothing-matches-this")
        .send()
        .await
        .unwrap();
    assert!(none.data.is_empty() && none.http_status == 204);
    let bad = leads
        .search_records_by_criteria("((Last_Name:equals")
        .send()
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Some(&ErrorCode::InvalidQuery), "{bad}");
}

#[tokio::test]
async fn unknown_module_and_bad_data() {
    let (_emu, client) = setup().await;
    let err = client
        .module("Nope")
        .get_records()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidModule));
    let api = err.as_api().unwrap();
    assert_eq!(api.http_status, 400);
    let mut bad = record(&[("Last_Name", "Typed")]);
    bad.set_field_value("No_of_Employees", "many").unwrap();
    let res = client
        .module("Leads")
        .create_records([bad])
        .send()
        .await
        .unwrap();
    let e = res.items[0].as_ref().unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidData);
    assert_eq!(e.details.api_name.as_deref(), Some("No_of_Employees"));
}

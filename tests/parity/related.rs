//! Related records by id and by external id value (zohocrmsdk2-0 6.0.0
//! RelatedRecordsOperations and RecordOperations `*_using_external_id`).

use crate::support::{create, only_error, record, setup};
use zohocrm::{Client, ErrorCode, Id};

async fn product(client: &Client, name: &str, code: &str) -> Id {
    create(
        client,
        "Products",
        &[("Product_Name", name), ("Product_Code", code)],
    )
    .await
}

fn ids_of(page: &zohocrm::Page<zohocrm::types::Record>) -> Vec<Id> {
    let mut v: Vec<Id> = page.data.iter().filter_map(|r| r.id.clone()).collect();
    v.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    v
}

#[tokio::test]
async fn related_records_are_linked_read_and_delinked_in_bulk() {
    let (_emu, client) = setup().await;
    let lead = create(&client, "Leads", &[("Last_Name", "Buyer")]).await;
    let (p1, p2) = (
        product(&client, "Widget", "W-1").await,
        product(&client, "Gadget", "G-1").await,
    );
    let rec = client.record("Leads", lead.clone());
    let mut a = record(&[("list_price", "10")]);
    a.id = Some(p1.clone());
    let mut b = record(&[]);
    b.id = Some(p2.clone());
    // Source: PUT /{module}/{id}/{related_list} with {"data":[{"id", ...link fields}]} →
    // "relation added" (zoho-api-v2.md §5 "Related records").
    let res = rec
        .update_related_records("Products", [a, b])
        .send()
        .await
        .unwrap();
    assert!(res.all_succeeded(), "{res:?}");
    assert_eq!(res.items[0].as_ref().unwrap().message, "relation added");
    let listed = rec.get_related_records("Products").send().await.unwrap();
    let mut want = vec![p1.clone(), p2.clone()];
    want.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    assert_eq!(ids_of(&listed), want);

    let one = rec
        .get_related_record("Products", p1.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(one.id.as_ref(), Some(&p1));
    assert_eq!(
        one.get_field_value::<String>("list_price")
            .transpose()
            .unwrap()
            .as_deref(),
        Some("10")
    );

    let res = rec
        .delink_records("Products", [p1.clone(), p2.clone()])
        .send()
        .await
        .unwrap();
    assert!(res.all_succeeded());
    assert_eq!(res.items[1].as_ref().unwrap().message, "relation removed");
    // Source: an unrelated record reads as 204, as record GETs of unknown ids (zoho-api-v2.md
    // §8 note 2).
    let err = rec
        .get_related_record("Products", p1.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NoContent), "{err}");
    let again = rec.delink_records("Products", [p1]).send().await.unwrap();
    assert_eq!(only_error(&again).code, ErrorCode::InvalidData);
    // Source: an unknown related list is INVALID_DATA "the relation name given seems to be
    // invalid" (emulator related-list rule, zoho-api-v2.md §5 "Related records").
    let err = rec
        .update_related_records("Nowhere", [record(&[])])
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
}

#[tokio::test]
async fn external_id_values_name_records_and_related_records() {
    let (_emu, client) = setup().await;
    let lead = create(
        &client,
        "Leads",
        &[("Last_Name", "External"), ("Email", "ext.lead@zylker.test")],
    )
    .await;
    let p1 = product(&client, "Widget", "EXT-W").await;
    let p2 = product(&client, "Gadget", "EXT-G").await;
    let leads = client.module("Leads");
    const LEAD_EXT: &str = "Leads.Email";
    const BOTH: &str = "Leads.Email,Products.Product_Code";
    let email = "ext.lead@zylker.test";

    // Source: /{module}/{external_value} with header X-EXTERNAL: Module.Field (zoho-api-v2.md §5
    // "External ID"; zohocrmsdk2-0 6.0.0 get_record_using_external_id).
    let got = leads
        .get_record_using_external_id(email, LEAD_EXT)
        .send()
        .await
        .unwrap();
    assert_eq!(got.id.as_ref(), Some(&lead));
    let upd = leads
        .update_record_using_external_id(email, LEAD_EXT, record(&[("Company", "Ext Co")]))
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(upd[0].details.id.as_ref(), Some(&lead));
    let read = leads.get_record(lead.clone()).send().await.unwrap();
    assert_eq!(
        read.get_field_value::<String>("Company")
            .transpose()
            .unwrap()
            .as_deref(),
        Some("Ext Co")
    );

    let mut w = record(&[]);
    w.id = Some(p1.clone());
    leads
        .update_related_records_using_external_id(email, "Products", LEAD_EXT, [w])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    leads
        .update_related_record_using_external_id(email, "Products", "EXT-G", BOTH, record(&[]))
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let listed = leads
        .get_related_records_using_external_id(email, "Products", LEAD_EXT)
        .send()
        .await
        .unwrap();
    let mut want = vec![p1.clone(), p2.clone()];
    want.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    assert_eq!(ids_of(&listed), want);
    let one = leads
        .get_related_record_using_external_id(email, "Products", "EXT-W", BOTH)
        .send()
        .await
        .unwrap();
    assert_eq!(one.id.as_ref(), Some(&p1));
    leads
        .delete_related_record_using_external_id(email, "Products", "EXT-W", BOTH)
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let res = leads
        .delete_related_records_using_external_id(email, "Products", BOTH, ["EXT-G"])
        .send()
        .await
        .unwrap();
    assert!(res.all_succeeded(), "{res:?}");
    let left = client
        .record("Leads", lead.clone())
        .get_related_records("Products")
        .send()
        .await
        .unwrap();
    assert!(left.data.is_empty());

    // Source: the header must name a field of the module (zoho-api-v2.md §5 "External ID").
    let err = leads
        .get_record_using_external_id(email, "Leads.No_Such_Field")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
    leads
        .delete_record_using_external_id(email, LEAD_EXT)
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let err = leads.get_record(lead).send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NoContent), "{err}");
}

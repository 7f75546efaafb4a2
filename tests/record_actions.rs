//! Record actions over real HTTP against the emulator: deleted records, mass update,
//! single-record writes, lead conversion, related records, blueprint and line items.

mod support;

use serde_json::json;
use support::{create, create_json, record, record_json, setup};
use zohocrm::types::{
    BlueprintUpdate, CarryOverTags, ConvertLead, MassUpdateState, Record, TriState,
};
use zohocrm::{Error, ErrorCode, Id};

fn ids(page: &zohocrm::Page<Record>) -> Vec<Id> {
    page.data.iter().filter_map(|r| r.id.clone()).collect()
}

fn lookup_id(r: &Record, field: &str) -> Option<String> {
    r.get_field_value::<serde_json::Value>(field)
        .and_then(Result::ok)
        .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
}

fn item_code<D>(res: &zohocrm::ActionResults<D>) -> ErrorCode {
    res.items[0]
        .as_ref()
        .err()
        .map(|e| e.code.clone())
        .unwrap_or(ErrorCode::Unknown("success".into()))
}

#[tokio::test]
async fn deleted_records_land_in_the_recycle_bin() {
    let (emu, client) = setup().await;
    let leads = client.module("Leads");
    let a = create(
        &client,
        "Leads",
        &[("First_Name", "Bin"), ("Last_Name", "One")],
    )
    .await;
    let b = create(&client, "Leads", &[("Last_Name", "Two")]).await;

    let permanent = leads
        .get_permanently_deleted_records()
        .send()
        .await
        .unwrap();
    assert_eq!(permanent.data.len(), 1, "the seed has one purged lead");
    assert_eq!(permanent.data[0].type_.as_deref(), Some("permanent"));
    assert_eq!(
        permanent.data[0].display_name.as_deref(),
        Some("Charles Babbage")
    );
    let empty = leads.get_recyclebin_records().send().await.unwrap();
    assert_eq!((empty.http_status, empty.data.len()), (204, 0));

    let del = client
        .record("Leads", a.clone())
        .delete_record()
        .send()
        .await
        .unwrap();
    assert_eq!(del.into_result().unwrap()[0].message, "record deleted");
    leads.delete_records([b.clone()]).send().await.unwrap();

    let bin = leads.get_recyclebin_records().send().await.unwrap();
    assert_eq!(bin.data.len(), 2);
    let one = bin
        .data
        .iter()
        .find(|t| t.id.as_ref() == Some(&a))
        .expect("the first deleted lead");
    assert_eq!(one.type_.as_deref(), Some("recycle"));
    assert_eq!(one.display_name.as_deref(), Some("Bin One"));
    assert_eq!(
        one.deleted_by.as_ref().and_then(|u| u.name.as_deref()),
        Some("Ada Lovelace")
    );
    assert!(one.created_by.is_some() && one.deleted_time.is_some());

    let all = leads.get_deleted_records().send().await.unwrap();
    assert_eq!(all.data.len(), 3);
    let same = leads.get_all_deleted_records().send().await.unwrap();
    assert_eq!(same.data, all.data);
    let paged = leads
        .get_deleted_records()
        .per_page(2)
        .send()
        .await
        .unwrap();
    assert_eq!(paged.data.len(), 2);
    assert!(paged.more_records());

    // If-Modified-Since: only what was deleted after that time.
    let recent = leads
        .get_deleted_records()
        .if_modified_since(
            zohocrm::DateTime::parse_from_rfc3339("2025-07-01T00:00:00+00:00").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(recent.data.len(), 2);
    let none = leads
        .get_deleted_records()
        .if_modified_since(
            zohocrm::DateTime::parse_from_rfc3339("2099-01-01T00:00:00+00:00").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!((none.http_status, none.data.len()), (304, 0));

    // A deleted record is gone for reads and writes.
    let err = leads.get_record(a.clone()).send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NoContent));
    let res = client
        .record("Leads", a.clone())
        .update_record(record(&[("Company", "Back")]))
        .send()
        .await
        .unwrap();
    assert_eq!(item_code(&res), ErrorCode::InvalidData);

    assert_eq!(emu.empty_recycle_bin("Leads"), 2);
    let permanent = leads
        .get_permanently_deleted_records()
        .send()
        .await
        .unwrap();
    assert_eq!(permanent.data.len(), 3);
    let bin = leads.get_recyclebin_records().send().await.unwrap();
    assert_eq!(bin.http_status, 204);
}

#[tokio::test]
async fn deleted_records_bad_input() {
    let (_emu, client) = setup().await;
    let err = client
        .module("Nope")
        .get_deleted_records()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidModule));
    let err = client
        .module("Leads")
        .get_recyclebin_records()
        .per_page(500)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Limit { .. }), "{err}");
    // The typed setter takes only datetimes; another client may send any text.
    let mut req = zohocrm::Request::new("get_deleted_records", zohocrm::Method::GET, true);
    req.path_literal("Leads");
    req.path_literal("deleted");
    req.header("If-Modified-Since", "yesterday");
    let err = client.execute(req).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));
}

#[tokio::test]
async fn mass_update_applies_and_reports_counts() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let a = create(&client, "Leads", &[("Last_Name", "Mass A")]).await;
    let b = create(&client, "Leads", &[("Last_Name", "Mass B")]).await;
    let missing = Id::from("4150868999999999999");

    let res = leads
        .mass_update_records(record(&[("Lead_Status", "Qualified")]))
        .ids([a.clone(), b.clone(), missing])
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 202);
    let ok = res.into_result().unwrap();
    assert_eq!(ok[0].message, "mass update scheduled successfully");
    let job = ok[0].details.job_id.clone().expect("a job id");

    let status = leads.get_mass_update_status(job).send().await.unwrap();
    assert_eq!(status.status, Some(MassUpdateState::Completed));
    assert_eq!(status.total_count, Some(3));
    assert_eq!(status.updated_count, Some(2));
    assert_eq!(status.not_updated_count, Some(1));
    assert_eq!(status.failed_count, Some(0));
    for id in [&a, &b] {
        let r = leads.get_record(id.clone()).send_with_meta().await.unwrap();
        assert_eq!(
            r.value.extra.get_str("Lead_Status").as_deref(),
            Some("Qualified")
        );
        // A single record comes as `data: [ {record} ]` with no `info` (zoho-api-v2.md, GET
        // single record).
        assert!(r.info.is_none());
    }

    // By custom view: every record of the module; a unique field cannot take one value twice.
    let total = client
        .module("Accounts")
        .get_records()
        .send()
        .await
        .unwrap()
        .data
        .len() as i64;
    let res = client
        .module("Accounts")
        .mass_update_records(record(&[("Industry", "Emulation")]))
        .cvid("4150868000000087501")
        .send()
        .await
        .unwrap();
    let job = res.into_result().unwrap()[0]
        .details
        .job_id
        .clone()
        .unwrap();
    let status = client
        .module("Accounts")
        .get_mass_update_status(job.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(status.updated_count, Some(total));
    let accounts = client
        .module("Accounts")
        .get_records()
        .send()
        .await
        .unwrap();
    assert!(
        accounts
            .data
            .iter()
            .all(|r| r.extra.get_str("Industry").as_deref() == Some("Emulation"))
    );
    let err = leads.get_mass_update_status(job).send().await.unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::InvalidData),
        "a job belongs to its module"
    );

    let res = leads
        .mass_update_records(record(&[("Email", "same@example.com")]))
        .ids([a, b])
        .send()
        .await
        .unwrap();
    let job = res.into_result().unwrap()[0]
        .details
        .job_id
        .clone()
        .unwrap();
    let status = leads.get_mass_update_status(job).send().await.unwrap();
    assert_eq!(
        (status.updated_count, status.failed_count),
        (Some(1), Some(1))
    );
}

#[tokio::test]
async fn mass_update_bad_input() {
    let (emu, client) = setup().await;
    let leads = client.module("Leads");
    let err = leads
        .mass_update_records(record(&[("Lead_Status", "Junk")]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::RequiredParamMissing), "{err}");
    let many: Vec<Id> = (0..501u64)
        .map(|i| Id::from(4_150_868_000_000_000_000 + i))
        .collect();
    let err = leads
        .mass_update_records(record(&[("Lead_Status", "Junk")]))
        .ids(many)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Limit { limit: 500, .. }), "{err}");
    let err = leads
        .get_mass_update_status("4150868999999999999")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));

    // Mass update has its own OAuth scope; ZohoCRM.modules.ALL does not cover it.
    let narrow = support::client_for(&emu);
    let code = emu.grant_code_with_scopes(
        support::ADMIN,
        &["ZohoCRM.modules.ALL", "aaaserver.profile.READ"],
    );
    let token = narrow.generate_access_token(&code).await.unwrap();
    let narrow = narrow.for_user(token.user_name.unwrap());
    let err = narrow
        .module("Leads")
        .mass_update_records(record(&[("Lead_Status", "Junk")]))
        .ids(["4150868999999999999"])
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::OauthScopeMismatch));
    let lead = create(&client, "Leads", &[("Last_Name", "Typed")]).await;
    let res = leads
        .mass_update_records(record_json(json!({"No_of_Employees": "many"})))
        .ids([lead])
        .send()
        .await
        .unwrap();
    assert_eq!(item_code(&res), ErrorCode::InvalidData);
}

#[tokio::test]
async fn single_record_create_update_delete() {
    let (_emu, client) = setup().await;
    let created = client
        .module("Contacts")
        .create_record(record(&[
            ("Last_Name", "Single"),
            ("Email", "single@example.com"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(created.http_status, 201);
    let ok = created.into_result().unwrap();
    assert_eq!(ok[0].message, "record added");
    let id = ok[0].details.id.clone().unwrap();

    let rec = client.record("Contacts", id.clone());
    let upd = rec
        .update_record(record(&[("Phone", "+1 555 0199")]))
        .send()
        .await
        .unwrap();
    let upd = upd.into_result().unwrap();
    assert_eq!(upd[0].message, "record updated");
    assert_eq!(upd[0].details.id.as_ref(), Some(&id));
    let got = support::get(&client, "Contacts", id.clone()).await;
    assert_eq!(got.extra.get_str("Phone").as_deref(), Some("+1 555 0199"));
    assert_eq!(got.extra.get_str("Last_Name").as_deref(), Some("Single"));

    let res = rec
        .update_record(record_json(json!({"Last_Name": null})))
        .send()
        .await
        .unwrap();
    assert_eq!(item_code(&res), ErrorCode::MandatoryNotFound);
    let res = client
        .module("Contacts")
        .create_record(record(&[
            ("Email", "single@example.com"),
            ("Last_Name", "Dup"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(item_code(&res), ErrorCode::DuplicateData);

    let del = rec.delete_record().send().await.unwrap();
    assert_eq!(del.into_result().unwrap()[0].message, "record deleted");
    let again = rec.delete_record().send().await.unwrap();
    assert_eq!(item_code(&again), ErrorCode::InvalidData);
}

#[tokio::test]
async fn convert_lead_creates_contact_account_and_deal() {
    let (emu, client) = setup().await;
    let lead = create_json(
        &client,
        "Leads",
        json!({
            "First_Name": "Conny", "Last_Name": "Vert", "Email": "conny@convert.example",
            "Phone": "+1 555 0111", "Company": "Convert Co",
            "Tag": [{"name": "vip"}, {"name": "hot"}]
        }),
    )
    .await;
    let mut how = ConvertLead::new();
    how.deals = Some(record_json(json!({
        "Deal_Name": "Convert Co pilot", "Closing_Date": "2026-12-31", "Stage": "Qualification", "Amount": 1200.5
    })));
    let mut tags = CarryOverTags::new();
    tags.contacts = Some(vec!["vip".into()]);
    tags.deals = Some(vec!["hot".into()]);
    how.carry_over_tags = Some(tags);
    how.notify_lead_owner = Some(false);

    let res = client
        .record("Leads", lead.clone())
        .convert_record(how)
        .send()
        .await
        .unwrap();
    let contact = res.contacts.clone().expect("a contact");
    let account = res.accounts.clone().expect("an account");
    let deal = res.deals.clone().expect("a deal");

    let c = support::get(&client, "Contacts", contact.clone()).await;
    assert_eq!(c.extra.get_str("Full_Name").as_deref(), Some("Conny Vert"));
    assert_eq!(
        c.extra.get_str("Email").as_deref(),
        Some("conny@convert.example")
    );
    assert_eq!(
        lookup_id(&c, "Account_Name").as_deref(),
        Some(account.as_str())
    );
    let c_tags = support::tag_names(&c);
    assert_eq!(c_tags, ["vip"]);
    let a = support::get(&client, "Accounts", account.clone()).await;
    assert_eq!(
        a.extra.get_str("Account_Name").as_deref(),
        Some("Convert Co")
    );
    let d = support::get(&client, "Deals", deal.clone()).await;
    assert_eq!(
        d.extra.get_str("Deal_Name").as_deref(),
        Some("Convert Co pilot")
    );
    assert_eq!(
        lookup_id(&d, "Account_Name").as_deref(),
        Some(account.as_str())
    );
    assert_eq!(
        lookup_id(&d, "Contact_Name").as_deref(),
        Some(contact.as_str())
    );
    let d_tags = support::tag_names(&d);
    assert_eq!(d_tags, ["hot"]);

    // The lead stays, converted, and drops out of default listings.
    let l = support::get(&client, "Leads", lead.clone()).await;
    assert_eq!(l.converted, Some(true));
    let listed = client.module("Leads").get_records().send().await.unwrap();
    assert!(!ids(&listed).contains(&lead));
    let converted = client
        .module("Leads")
        .get_records()
        .converted(TriState::True)
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&converted), std::slice::from_ref(&lead));
    let both = client
        .module("Leads")
        .get_records()
        .converted(TriState::Both)
        .send()
        .await
        .unwrap();
    assert_eq!(both.data.len(), listed.data.len() + 1);

    let err = client
        .record("Leads", lead)
        .convert_record(ConvertLead::new())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::IdAlreadyConverted), "{err}");
    assert_eq!(
        emu.records("Contacts")
            .iter()
            .filter(|c| c["id"] == contact.as_str())
            .count(),
        1
    );
}

#[tokio::test]
async fn convert_lead_reuses_accounts_and_rejects_bad_input() {
    let (emu, client) = setup().await;
    let existing = emu.records("Accounts")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lead = create(
        &client,
        "Leads",
        &[("Last_Name", "Reuse"), ("Company", "Ignored Co")],
    )
    .await;
    let mut how = ConvertLead::new();
    how.accounts = Some(existing.as_str().into());
    let accounts_before = emu.records("Accounts").len();
    let res = client
        .record("Leads", lead)
        .convert_record(how)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.accounts.as_ref().map(Id::as_str),
        Some(existing.as_str())
    );
    assert_eq!(res.deals, None);
    assert_eq!(emu.records("Accounts").len(), accounts_before);

    // Named like an existing account: that account is used.
    let lead = create(
        &client,
        "Leads",
        &[("Last_Name", "Same"), ("Company", "Zylker Aero")],
    )
    .await;
    let res = client
        .record("Leads", lead)
        .convert_record(ConvertLead::new())
        .send()
        .await
        .unwrap();
    let aero = emu.records("Accounts")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(res.accounts.as_ref().map(Id::as_str), Some(aero.as_str()));

    let lead = create(&client, "Leads", &[("Last_Name", "No Company")]).await;
    let res = client
        .record("Leads", lead)
        .convert_record(ConvertLead::new())
        .send()
        .await
        .unwrap();
    assert!(res.contacts.is_some());
    assert_eq!(res.accounts, None);

    let lead = create(
        &client,
        "Leads",
        &[("Last_Name", "Bad Deal"), ("Company", "Atomic Co")],
    )
    .await;
    let contacts_before = emu.records("Contacts").len();
    let mut how = ConvertLead::new();
    how.deals = Some(record(&[("Deal_Name", "No stage")]));
    let err = client
        .record("Leads", lead.clone())
        .convert_record(how)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::MandatoryNotFound), "{err}");
    assert_eq!(
        err.as_api().unwrap().details.api_name.as_deref(),
        Some("Stage")
    );
    assert_eq!(
        emu.records("Contacts").len(),
        contacts_before,
        "nothing was created"
    );
    let l = support::get(&client, "Leads", lead.clone()).await;
    assert_eq!(l.converted, Some(false));

    let mut how = ConvertLead::new();
    how.accounts = Some("4150868999999999999".into());
    let err = client
        .record("Leads", lead.clone())
        .convert_record(how)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));
    let mut how = ConvertLead::new();
    how.assign_to = Some("4150868999999999999".into());
    let err = client
        .record("Leads", lead)
        .convert_record(how)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));

    let contact = emu.records("Contacts")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let err = client
        .record("Contacts", contact)
        .convert_record(ConvertLead::new())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::InvalidData),
        "only leads convert"
    );
}

#[tokio::test]
async fn related_records_through_lookups() {
    let (_emu, client) = setup().await;
    let account = create(&client, "Accounts", &[("Account_Name", "Related Inc")]).await;
    let contact = create(&client, "Contacts", &[("Last_Name", "Member")]).await;
    let acc = client.record("Accounts", account.clone());

    let empty = acc.get_related_records("Contacts").send().await.unwrap();
    assert_eq!((empty.http_status, empty.data.len()), (204, 0));

    let res = acc
        .add_relation("Contacts", contact.clone(), Record::new())
        .send()
        .await
        .unwrap();
    let ok = res.into_result().unwrap();
    assert_eq!(ok[0].message, "relation added");
    assert_eq!(ok[0].details.id.as_ref(), Some(&contact));
    let listed = acc.get_related_records("Contacts").send().await.unwrap();
    assert_eq!(ids(&listed), std::slice::from_ref(&contact));
    let c = support::get(&client, "Contacts", contact.clone()).await;
    assert_eq!(
        lookup_id(&c, "Account_Name").as_deref(),
        Some(account.as_str())
    );

    // Deals of an account and of a contact are their lookups too.
    let deal = create_json(
        &client,
        "Deals",
        json!({"Deal_Name": "Related deal", "Stage": "Qualification",
               "Account_Name": {"id": account.as_str()}, "Contact_Name": {"id": contact.as_str()}}),
    )
    .await;
    let deals = acc.get_relatedlist_records("Deals").send().await.unwrap();
    assert_eq!(ids(&deals), std::slice::from_ref(&deal));
    let deals = client
        .record("Contacts", contact.clone())
        .get_related_records("Deals")
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&deals), [deal]);

    let res = acc
        .remove_relation("Contacts", contact.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.into_result().unwrap()[0].message, "relation removed");
    let listed = acc.get_related_records("Contacts").send().await.unwrap();
    assert_eq!(listed.http_status, 204);
    let again = acc
        .remove_relation("Contacts", contact)
        .send()
        .await
        .unwrap();
    assert_eq!(item_code(&again), ErrorCode::InvalidData);
}

#[tokio::test]
async fn related_products_through_the_relation_table() {
    let (emu, client) = setup().await;
    let product = emu.records("Products")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lead = create(&client, "Leads", &[("Last_Name", "Buyer")]).await;
    let book = create(&client, "Price_Books", &[("Price_Book_Name", "Wholesale")]).await;

    client
        .record("Leads", lead.clone())
        .add_relation("Products", product.as_str(), Record::new())
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let listed = client
        .record("Leads", lead.clone())
        .get_related_records("Products")
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&listed), [Id::from(product.as_str())]);
    let back = client
        .record("Products", product.as_str())
        .get_related_records("Leads")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ids(&back),
        std::slice::from_ref(&lead),
        "both sides see the link"
    );

    // Relation fields (a price book's list price) come back on the related record.
    client
        .record("Price_Books", book.clone())
        .add_relation(
            "Products",
            product.as_str(),
            record_json(json!({"list_price": 12.5})),
        )
        .send()
        .await
        .unwrap();
    let priced = client
        .record("Price_Books", book)
        .get_related_records("Products")
        .send()
        .await
        .unwrap();
    assert_eq!(
        priced.data[0]
            .get_field_value::<f64>("list_price")
            .map(Result::unwrap),
        Some(12.5)
    );

    let later = client
        .record("Leads", lead.clone())
        .get_related_records("Products")
        .if_modified_since(
            zohocrm::DateTime::parse_from_rfc3339("2099-01-01T00:00:00+00:00").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(later.http_status, 304);

    // A deleted lead takes its links with it.
    client
        .record("Leads", lead)
        .delete_record()
        .send()
        .await
        .unwrap();
    let back = client
        .record("Products", product.as_str())
        .get_related_records("Leads")
        .send()
        .await
        .unwrap();
    assert_eq!(back.http_status, 204);
}

#[tokio::test]
async fn related_records_bad_input() {
    let (emu, client) = setup().await;
    let lead = create(&client, "Leads", &[("Last_Name", "Lonely")]).await;
    let rec = client.record("Leads", lead);
    let err = rec
        .get_related_records("Spaceships")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
    let err = rec
        .add_relation("Spaceships", "4150868999999999999", Record::new())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));
    let res = rec
        .add_relation("Products", "4150868999999999999", Record::new())
        .send()
        .await
        .unwrap();
    assert_eq!(item_code(&res), ErrorCode::InvalidData);
    let product = emu.records("Products")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = rec
        .remove_relation("Products", product.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(item_code(&res), ErrorCode::InvalidData, "not related");
    let err = client
        .record("Accounts", "4150868999999999999")
        .get_related_records("Contacts")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "unknown parent");
}

fn transition(id: &Id, data: serde_json::Value) -> BlueprintUpdate {
    let mut t = BlueprintUpdate::new();
    t.transition_id = Some(id.clone());
    t.data = data.as_object().cloned();
    t
}

#[tokio::test]
async fn blueprint_transitions_move_the_stage() {
    let (_emu, client) = setup().await;
    let deal = create(
        &client,
        "Deals",
        &[("Deal_Name", "Blueprinted"), ("Stage", "Qualification")],
    )
    .await;
    let rec = client.record("Deals", deal.clone());

    let bp = rec.get_blueprint().send().await.unwrap();
    let info = bp.process_info.as_ref().expect("process_info");
    assert_eq!(info.field_value.as_deref(), Some("Qualification"));
    assert_eq!(info.api_name.as_deref(), Some("Stage"));
    let ts = bp.transitions.unwrap_or_default();
    let names: Vec<_> = ts.iter().filter_map(|t| t.name.as_deref()).collect();
    assert_eq!(names, ["Analyse needs", "Disqualify"]);
    let analyse = &ts[0];
    assert_eq!(analyse.next_field_value.as_deref(), Some("Needs Analysis"));
    let fields = analyse.fields.as_ref().expect("transition fields");
    assert_eq!(fields[0].api_name.as_deref(), Some("Amount"));
    assert_eq!(fields[0].mandatory, Some(true));
    let analyse_id = analyse.id.clone().unwrap();
    let next: Vec<_> = analyse
        .next_transitions
        .iter()
        .flatten()
        .filter_map(|t| t.name.as_deref())
        .collect();
    assert_eq!(next, ["Win", "Lose"]);

    let err = rec
        .update_blueprint(transition(&analyse_id, json!({})))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::MandatoryNotFound), "{err}");
    assert_eq!(
        err.as_api().unwrap().details.api_name.as_deref(),
        Some("Amount")
    );
    let err = rec
        .update_blueprint(transition(&analyse_id, json!({"Amount": "lots"})))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));

    let done = rec
        .update_blueprint(transition(
            &analyse_id,
            json!({"Amount": 5000, "Notes": "Budget confirmed"}),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(done.code.as_deref(), Some("SUCCESS"));
    assert_eq!(
        done.message.as_deref(),
        Some("transition updated successfully")
    );
    let d = support::get(&client, "Deals", deal.clone()).await;
    assert_eq!(d.extra.get_str("Stage").as_deref(), Some("Needs Analysis"));
    assert_eq!(
        d.get_field_value::<f64>("Amount").map(Result::unwrap),
        Some(5000.0)
    );
    let notes = rec.get_notes().send().await.unwrap();
    assert_eq!(
        notes.data[0].note_content.as_deref(),
        Some("Budget confirmed")
    );

    let err = rec
        .update_blueprint(transition(&analyse_id, json!({"Amount": 1})))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "no longer open");

    let bp = rec.get_blueprint().send().await.unwrap();
    let ts = bp.transitions.unwrap_or_default();
    let win = ts
        .iter()
        .find(|t| t.name.as_deref() == Some("Win"))
        .unwrap();
    let win_id = win.id.clone().unwrap();
    rec.update_blueprint(transition(&win_id, json!({"Closing_Date": "2026-06-30"})))
        .send()
        .await
        .unwrap();
    let bp = rec.get_blueprint().send().await.unwrap();
    assert_eq!(
        bp.process_info.and_then(|p| p.field_value).as_deref(),
        Some("Closed Won")
    );
    assert!(bp.transitions.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn blueprint_bad_input() {
    let (emu, client) = setup().await;
    let seeded = emu.records("Deals")[0]["id"].as_str().unwrap().to_owned();
    let err = client
        .record("Deals", seeded.as_str())
        .get_blueprint()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::RecordNotInProcess), "{err}");
    let lead = emu.records("Leads")[0]["id"].as_str().unwrap().to_owned();
    let err = client
        .record("Leads", lead.as_str())
        .update_blueprint(transition(&Id::from("4150868000000080011"), json!({})))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::RecordNotInProcess));
    let deal = create(
        &client,
        "Deals",
        &[("Deal_Name", "Bp bad"), ("Stage", "Qualification")],
    )
    .await;
    let err = client
        .record("Deals", deal)
        .update_blueprint(transition(&Id::from("4150868999999999999"), json!({})))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::InvalidData),
        "unknown transition"
    );
}

#[tokio::test]
async fn inventory_line_items_are_completed_and_totalled() {
    let (emu, client) = setup().await;
    let widget = emu.records("Products")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let gadget = create_json(
        &client,
        "Products",
        json!({"Product_Name": "Gadget", "Product_Code": "GD-2", "Unit_Price": 80.0}),
    )
    .await;
    for module in ["Quotes", "Sales_Orders", "Purchase_Orders", "Invoices"] {
        let id = create_json(
            &client,
            module,
            json!({
                "Subject": format!("{module} with lines"),
                "Product_Details": [
                    {"product": {"id": widget}, "quantity": 3, "Discount": "10%"},
                    {"product": {"id": gadget.as_str()}, "quantity": 2, "list_price": 100.0,
                     "line_tax": [{"name": "VAT", "percentage": 10.0}]}
                ]
            }),
        )
        .await;
        let r = client.module(module).get_record(id).send().await.unwrap();
        let lines = r.product_details.as_ref().expect("Product_Details");
        assert_eq!(lines.len(), 2, "{module}");
        let w = &lines[0];
        assert_eq!(
            w.product.as_ref().and_then(|p| p.name.as_deref()),
            Some("Emulated Widget")
        );
        assert_eq!(
            num(&w.list_price),
            Some(19.5),
            "the product's price by default"
        );
        assert_eq!(
            (
                num(&w.total),
                num(&w.total_after_discount),
                num(&w.net_total)
            ),
            (Some(58.5), Some(52.65), Some(52.65))
        );
        assert_eq!(w.discount, Some(json!(5.85)));
        assert!(w.id.is_some());
        let g = &lines[1];
        assert_eq!(
            (num(&g.total), num(&g.tax), num(&g.net_total)),
            (Some(200.0), Some(20.0), Some(220.0))
        );
        let tax = &g.line_tax.as_ref().unwrap()[0];
        assert_eq!(
            (tax.name.as_deref(), num(&tax.value)),
            (Some("VAT"), Some(20.0))
        );
        assert_eq!(
            r.get_field_value::<f64>("Sub_Total").map(Result::unwrap),
            Some(272.65)
        );
        assert_eq!(
            r.get_field_value::<f64>("Grand_Total").map(Result::unwrap),
            Some(272.65)
        );
    }
    let res = client
        .module("Quotes")
        .create_records([record_json(json!({
            "Subject": "Bad line",
            "Product_Details": [{"product": {"id": "4150868999999999999"}, "quantity": 1}]
        }))])
        .send()
        .await
        .unwrap();
    let err = res.items[0].as_ref().unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidData);
    assert_eq!(err.details.api_name.as_deref(), Some("product"));
    let res = client
        .module("Invoices")
        .create_records([record_json(json!({
            "Subject": "No quantity",
            "Product_Details": [{"product": {"id": widget}}]
        }))])
        .send()
        .await
        .unwrap();
    assert_eq!(item_code(&res), ErrorCode::MandatoryNotFound);
}

#[tokio::test]
async fn pricing_details_and_participants_round_trip() {
    let (emu, client) = setup().await;
    let book = create_json(
        &client,
        "Price_Books",
        json!({"Price_Book_Name": "Volume", "Pricing_Model": "Differential",
               "Pricing_Details": [{"from_range": 1, "to_range": 10, "discount": 0},
                                   {"from_range": 11, "to_range": 100, "discount": 5.5}]}),
    )
    .await;
    let r = support::get(&client, "Price_Books", book).await;
    let ranges = r.pricing_details.expect("Pricing_Details");
    assert_eq!(ranges.len(), 2);
    assert_eq!(
        (
            num(&ranges[1].from_range),
            num(&ranges[1].to_range),
            num(&ranges[1].discount)
        ),
        (Some(11.0), Some(100.0), Some(5.5))
    );
    assert!(ranges.iter().all(|p| p.id.is_some()));

    let contact = emu.records("Contacts")[0].clone();
    let cid = contact["id"].as_str().unwrap();
    let event = create_json(
        &client,
        "Events",
        json!({"Event_Title": "Kick-off", "Start_DateTime": "2026-03-01T10:00:00+00:00",
               "End_DateTime": "2026-03-01T11:00:00+00:00",
               "Participants": [{"participant": cid, "type": "contact"},
                                {"participant": "guest@example.com", "type": "email", "invited": true}]}),
    )
    .await;
    let r = support::get(&client, "Events", event).await;
    let people = r.participants.expect("Participants");
    assert_eq!(people.len(), 2);
    assert_eq!(people[0].name.as_deref(), Some("Mary Jackson"));
    assert_eq!(people[0].email.as_deref(), contact["Email"].as_str());
    assert_eq!(people[0].invited, Some(false));
    assert_eq!(people[1].email.as_deref(), Some("guest@example.com"));
    assert_eq!(people[1].invited, Some(true));

    let res = client
        .module("Price_Books")
        .create_records([record_json(json!({"Price_Book_Name": "Upside down",
            "Pricing_Details": [{"from_range": 10, "to_range": 1, "discount": 1}]}))])
        .send()
        .await
        .unwrap();
    assert_eq!(item_code(&res), ErrorCode::InvalidData);
    let res = client
        .module("Events")
        .create_records([record_json(
            json!({"Event_Title": "Ghost", "Start_DateTime": "2026-03-01T10:00:00+00:00",
            "End_DateTime": "2026-03-01T11:00:00+00:00",
            "Participants": [{"participant": "4150868999999999999", "type": "lead"}]}),
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(item_code(&res), ErrorCode::InvalidData);
}

/// A decimal field's value as a float, for comparisons with computed amounts.
fn num(d: &Option<zohocrm::Decimal>) -> Option<f64> {
    d.as_ref().map(zohocrm::Decimal::to_f64)
}

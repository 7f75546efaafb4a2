//! Small additions to existing areas: bulk user update, bulk variable delete, one-tag rename,
//! module settings by id, bulk attachment delete, territories and the org logo.

use crate::support::{create, lookup, only_error, setup};
use serde_json::json;
use zohocrm::types::{ModuleSettings, Tag, User, Variable};
use zohocrm::{ErrorCode, Id, UploadFile};

// A 1x1 PNG: the emulator only checks that a photo is an image by its type.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

#[tokio::test]
async fn update_users_changes_each_named_user_and_rejects_an_unknown_id() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let users = org.get_users().send().await.unwrap();
    let ben = users
        .data
        .iter()
        .find(|u| u.email.as_deref() == Some("ben@zylker.test"))
        .unwrap();
    let ben_id = ben.id.clone().unwrap();
    let mut change = User::new();
    change.id = Some(ben_id.clone());
    change.phone = Some("+1 555 0100".into());
    let mut ghost = User::new();
    ghost.id = Some(Id::from("4150868999999999999"));
    ghost.phone = Some("+1 555 0101".into());
    // Source: per-item results of settings writes, 207 when mixed (zoho-api-v2.md §3).
    let res = org.update_users([change, ghost]).send().await.unwrap();
    assert_eq!(res.http_status, 207);
    let ok = res.items[0].as_ref().unwrap();
    assert_eq!(
        (ok.message.as_str(), ok.details.id.as_ref()),
        ("User updated", Some(&ben_id))
    );
    let err = res.items[1].as_ref().unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidData);
    assert_eq!(err.details.id.as_deref(), Some("4150868999999999999"));
    let again = org.get_user(ben_id).send().await.unwrap();
    assert_eq!(again.phone.as_deref(), Some("+1 555 0100"));
}

#[tokio::test]
async fn delete_variables_removes_each_id_and_reports_unknown_ones() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let groups = org.get_variable_groups().send().await.unwrap();
    let group = groups.data[0].id.clone().unwrap();
    let new_var = |api: &str| {
        let mut v = Variable::new();
        v.name = Some(api.into());
        v.api_name = Some(api.into());
        v.type_ = Some(zohocrm::types::VariableType::Text);
        v.value = Some(json!("x"));
        v.variable_group = Some(lookup(group.clone()));
        v
    };
    let made = org
        .create_variables([new_var("Parity_One"), new_var("Parity_Two")])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let ids: Vec<Id> = made.iter().map(|m| m.details.id.clone().unwrap()).collect();
    let mut asked = ids.clone();
    asked.push(Id::from("4150868999999999998"));
    let res = org.delete_variables(asked).send().await.unwrap();
    assert_eq!(res.http_status, 207);
    assert_eq!(res.items[0].as_ref().unwrap().message, "variable deleted");
    assert_eq!(
        res.items[1].as_ref().unwrap().details.id.as_ref(),
        Some(&ids[1])
    );
    assert_eq!(
        res.items[2].as_ref().unwrap_err().code,
        ErrorCode::InvalidData
    );
    let left = org.get_variables().send().await.unwrap();
    assert!(
        left.data
            .iter()
            .all(|v| !ids.contains(v.id.as_ref().unwrap()))
    );
}

#[tokio::test]
async fn update_tag_renames_one_tag_and_records_show_the_new_name() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let mut t = Tag::new();
    t.name = Some("Parity Old".into());
    let made = leads
        .create_tags([t])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let tag_id = made[0].details.id.clone().unwrap();
    let lead = create(&client, "Leads", &[("Last_Name", "Tagged")]).await;
    client
        .record("Leads", lead.clone())
        .add_tags(["Parity Old"])
        .send()
        .await
        .unwrap();
    let mut rename = Tag::new();
    rename.name = Some("Parity New".into());
    let res = client
        .tag(tag_id.clone())
        .update_tag("Leads", rename.clone())
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(res[0].details.name.as_deref(), Some("Parity New"));
    let rec = client
        .module("Leads")
        .get_record(lead)
        .send()
        .await
        .unwrap();
    let names: Vec<_> = rec
        .tag
        .iter()
        .flatten()
        .filter_map(|t| t.name.clone())
        .collect();
    assert!(names.contains(&"Parity New".to_owned()), "{names:?}");
    // Source: settings calls without a known `module` answer INVALID_MODULE (zoho-api-v2.md §5
    // "Settings and metadata").
    let err = client
        .tag(tag_id)
        .update_tag("Nowhere", rename)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidModule), "{err}");
}

#[tokio::test]
async fn update_module_by_id_changes_the_module_named_by_its_id() {
    let (_emu, client) = setup().await;
    let leads = client.get_module("Leads").send().await.unwrap();
    let id = leads.id.clone().unwrap();
    let mut s = ModuleSettings::new();
    s.per_page = Some(50);
    let res = client
        .update_module_by_id(id.clone(), s.clone())
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(res[0].details.id.as_ref(), Some(&id));
    let again = client.get_module("Leads").send().await.unwrap();
    assert_eq!(again.per_page, Some(50));
    // Source: PUT /settings/modules/{module_API_name|id}; an unknown module is INVALID_MODULE
    // (zoho-api-v2.md §5 "Settings and metadata").
    let err = client
        .update_module_by_id("4150868999999999997", s)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidModule), "{err}");
}

#[tokio::test]
async fn delete_attachments_removes_several_and_reports_unknown_ids() {
    let (_emu, client) = setup().await;
    let lead = create(&client, "Leads", &[("Last_Name", "Filed")]).await;
    let rec = client.record("Leads", lead);
    let mut ids = Vec::new();
    for name in ["a.txt", "b.txt"] {
        let up = rec
            .upload_attachment(UploadFile::new(name, b"x".to_vec()))
            .send()
            .await
            .unwrap()
            .into_result()
            .unwrap();
        ids.push(up[0].details.id.clone().unwrap());
    }
    let res = rec.delete_attachments(ids.clone()).send().await.unwrap();
    assert_eq!(res.http_status, 200);
    assert_eq!(res.items.len(), 2);
    assert!(res.all_succeeded());
    let left = rec.get_attachments().send().await.unwrap();
    assert!(left.data.is_empty(), "{:?}", left.data);
    // Source: an id the record does not have is INVALID_DATA "the id given seems to be invalid"
    // (zoho-api-v2.md §8 note 2).
    let res = rec
        .delete_attachments([ids[0].clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&res).code, ErrorCode::InvalidData);
}

#[tokio::test]
async fn territories_list_and_read_and_a_module_may_default_to_one() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let all = org.get_territories().send().await.unwrap();
    let names: Vec<_> = all.data.iter().filter_map(|t| t.name.as_deref()).collect();
    assert_eq!(names, ["Zylker", "West"]);
    let west_id = all.data[1].id.clone().unwrap();
    let west = org.get_territory(west_id.clone()).send().await.unwrap();
    assert_eq!(west.parent_id, all.data[0].id);
    assert_eq!(
        west.manager.as_ref().and_then(|m| m.name.as_deref()),
        Some("Ada Lovelace")
    );
    assert!(west.created_time.is_some());
    let mut s = ModuleSettings::new();
    s.territory = Some(lookup(west_id));
    client
        .module("Accounts")
        .update_module_settings(s)
        .send()
        .await
        .unwrap()
        .into_result()
        .expect("a territory of the org is a valid default");
    // Source: a settings object id the org lacks is INVALID_DATA (emulator settings rule, as
    // Zoho answers for profiles and roles; zoho-api-v2.md §8 note 2).
    let err = org
        .get_territory("4150868999999999996")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
}

#[tokio::test]
async fn upload_organization_photo_gives_the_org_a_new_photo_id() {
    let (_emu, client) = setup().await;
    let before = client.get_organization().send().await.unwrap();
    let res = client
        .org()
        .upload_organization_photo(
            UploadFile::new("logo.png", PNG.to_vec()).content_type("image/png"),
        )
        .send()
        .await
        .unwrap();
    // Source: zohocrmsdk2-0 6.0.0 org.SuccessResponse message "photo uploaded successfully".
    assert_eq!(res.message.as_deref(), Some("photo uploaded successfully"));
    let after = client.get_organization().send().await.unwrap();
    assert!(after.photo_id.is_some());
    assert_ne!(after.photo_id, before.photo_id);
    let second = client
        .org()
        .upload_org_photo(UploadFile::new("logo2.png", PNG.to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status.as_deref(), Some("success"));
    let latest = client.get_organization().send().await.unwrap();
    assert_ne!(latest.photo_id, after.photo_id);
    // Source: a logo must be an image, as record photos (zoho-api-v2.md §5 "Photo").
    let err = client
        .org()
        .upload_organization_photo(
            UploadFile::new("notes.txt", b"hi".to_vec()).content_type("text/plain"),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
    let unchanged = client.get_organization().send().await.unwrap();
    assert_eq!(unchanged.photo_id, latest.photo_id);
}

//! Contact roles and a contact's role on a deal (zohocrmsdk2-0 6.0.0 ContactRolesOperations): a
//! contact role shows on the deal.

use crate::support::{create, only_error, setup};
use zohocrm::types::{ContactRole, DealContactRole};
use zohocrm::{ErrorCode, Id};

fn role(name: &str) -> ContactRole {
    let mut r = ContactRole::new();
    r.name = Some(name.into());
    r
}

fn assign(role: &str) -> DealContactRole {
    let mut a = DealContactRole::new();
    a.contact_role = Some(role.into());
    a
}

#[tokio::test]
async fn contact_roles_are_managed_and_shown_on_deals() {
    let (_emu, client) = setup().await;
    let roles = client.contact_roles();
    let seeded = roles.get_contact_roles().send().await.unwrap();
    assert!(
        seeded
            .data
            .iter()
            .any(|r| r.name.as_deref() == Some("Decision Maker"))
    );
    let n = seeded.data.len() as i64;

    // Source: zohocrmsdk2-0 6.0.0 contact_roles.SuccessResponse messages.
    let made = roles
        .create_contact_roles([role("Champion"), role("Blocker")])
        .send()
        .await
        .unwrap();
    assert_eq!(made.http_status, 201);
    let made = made.into_result().unwrap();
    assert_eq!(made[0].message, "contact role added");
    let champion: Id = made[0].details.id.clone().unwrap();
    let blocker: Id = made[1].details.id.clone().unwrap();
    let got = roles
        .get_contact_role(champion.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        (got.name.as_deref(), got.sequence_number),
        (Some("Champion"), Some(n + 1))
    );

    let mut first = role("Champion!");
    first.sequence_number = Some(1);
    roles
        .update_contact_role(champion.clone(), first)
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let mut b = role("Gatekeeper");
    b.id = Some(blocker.clone());
    let upd = roles
        .update_contact_roles([b])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(upd[0].message, "contact role updated");
    let all = roles.get_contact_roles().send().await.unwrap();
    assert_eq!(all.data[0].name.as_deref(), Some("Champion!"));
    assert!(
        all.data
            .iter()
            .any(|r| r.name.as_deref() == Some("Gatekeeper"))
    );

    let deal = create(
        &client,
        "Deals",
        &[("Deal_Name", "Roles deal"), ("Stage", "Qualification")],
    )
    .await;
    let ann = create(&client, "Contacts", &[("Last_Name", "Ann")]).await;
    let bo = create(&client, "Contacts", &[("Last_Name", "Bo")]).await;
    roles
        .add_contact_role_to_deal(deal.clone(), ann.clone(), assign(champion.as_str()))
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    roles
        .add_contact_role_to_deal(deal.clone(), bo.clone(), assign("Gatekeeper"))
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let on_deal = roles
        .get_all_contact_roles_of_deal(deal.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(on_deal.data.len(), 2);
    let ann_rec = roles
        .get_contact_role_of_deal(deal.clone(), ann.clone())
        .send()
        .await
        .unwrap();
    let shown: serde_json::Value = ann_rec.get_field_value("Contact_Role").unwrap().unwrap();
    assert_eq!(shown["name"], "Champion!");
    assert_eq!(shown["id"], champion.as_str());
    let only_bo = roles
        .get_all_contact_roles_of_deal(deal.clone())
        .ids([bo.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(only_bo.data.len(), 1);

    roles
        .remove_contact_role_from_deal(deal.clone(), ann.clone())
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let err = roles
        .get_contact_role_of_deal(deal.clone(), ann)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NoContent), "{err}");
    // Deleting a role takes it off the deals that used it.
    roles
        .delete_contact_role(blocker)
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let del = roles.delete_contact_roles([champion]).send().await.unwrap();
    assert_eq!(
        del.items[0].as_ref().unwrap().message,
        "contact role deleted"
    );
    let none = roles
        .get_all_contact_roles_of_deal(deal)
        .send()
        .await
        .unwrap();
    assert_eq!((none.http_status, none.data.len()), (204, 0));
}

#[tokio::test]
async fn contact_roles_reject_duplicates_and_unknown_roles() {
    let (_emu, client) = setup().await;
    let roles = client.contact_roles();
    // Source: settings writes answer DUPLICATE_DATA / MANDATORY_NOT_FOUND per item (zoho-api-v2.md
    // §3 "Per-item action results").
    let dup = roles
        .create_contact_roles([role("Evaluator")])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&dup).code, ErrorCode::DuplicateData);
    let empty = roles
        .create_contact_roles([ContactRole::new()])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&empty).code, ErrorCode::MandatoryNotFound);
    let deal = create(
        &client,
        "Deals",
        &[("Deal_Name", "D"), ("Stage", "Qualification")],
    )
    .await;
    let c = create(&client, "Contacts", &[("Last_Name", "C")]).await;
    let res = roles
        .add_contact_role_to_deal(deal, c, assign("No Such Role"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        only_error(&res).details.api_name.as_deref(),
        Some("Contact_Role")
    );
    let err = roles
        .get_contact_role("4150868999999999993")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
}

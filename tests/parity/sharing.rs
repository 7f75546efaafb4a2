//! Sharing a record (zohocrmsdk2-0 6.0.0 ShareRecordsOperations): a shared record reads back with
//! its share details.

use crate::support::{create, only_error, setup};
use zohocrm::types::{SharePermission, ShareRecord};
use zohocrm::{ErrorCode, Id};

fn share(user: &Id, permission: SharePermission) -> ShareRecord {
    let mut s = ShareRecord::new();
    let mut u = zohocrm::types::UserRef::new();
    u.id = Some(user.clone());
    s.user = Some(u);
    s.permission = Some(permission);
    s
}

#[tokio::test]
async fn a_shared_record_reads_back_with_its_shares_until_revoked() {
    let (_emu, client) = setup().await;
    let lead = create(&client, "Leads", &[("Last_Name", "Shared")]).await;
    let users = client.org().get_users().send().await.unwrap();
    let id_of = |email: &str| {
        users
            .data
            .iter()
            .find(|u| u.email.as_deref() == Some(email))
            .and_then(|u| u.id.clone())
            .unwrap()
    };
    let (ben, cy) = (id_of("ben@zylker.test"), id_of("cy@zylker.test"));
    let rec = client.record("Leads", lead.clone());

    let before = rec.get_shared_record_details().send().await.unwrap();
    assert!(before.share.as_deref().unwrap_or_default().is_empty());
    let shareable = before.shareable_user.unwrap_or_default();
    assert!(shareable.iter().any(|u| u.id.as_ref() == Some(&ben)));

    let res = rec
        .share_record([
            share(&ben, SharePermission::ReadOnly),
            share(&cy, SharePermission::FullAccess),
        ])
        .send()
        .await
        .unwrap();
    // Source: zohocrmsdk2-0 6.0.0 share_records.SuccessResponse "record will be shared
    // successfully".
    assert_eq!(
        res.into_result().unwrap()[0].message,
        "record will be shared successfully"
    );
    let details = rec.get_shared_record_details().send().await.unwrap();
    let shares = details.share.unwrap();
    assert_eq!(shares.len(), 2);
    assert_eq!(shares[0].permission, Some(SharePermission::ReadOnly));
    assert_eq!(
        shares[0].user.as_ref().and_then(|u| u.id.as_ref()),
        Some(&ben)
    );
    assert_eq!(
        shares[0]
            .shared_through
            .as_ref()
            .and_then(|t| t.id.as_ref()),
        Some(&lead)
    );
    assert!(shares[0].shared_by.is_some() && shares[0].shared_time.is_some());

    rec.update_share_permissions([share(&ben, SharePermission::ReadWrite)])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let only_ben = rec
        .get_shared_record_details()
        .shared_to(ben.clone())
        .view("summary")
        .send()
        .await
        .unwrap();
    let s = only_ben.share.unwrap();
    assert_eq!(
        (s.len(), s[0].permission.clone()),
        (1, Some(SharePermission::ReadWrite))
    );
    assert!(only_ben.shareable_user.is_none());

    // Source: permission is one of read_only, read_write, full_access (Zoho v2 docs, "Share
    // Records"); an update needs an existing share.
    let mut bad = share(&ben, SharePermission::ReadOnly);
    bad.permission = Some(SharePermission::Unknown("owner".into()));
    let res = rec.share_record([bad]).send().await.unwrap();
    assert_eq!(
        only_error(&res).details.api_name.as_deref(),
        Some("permission")
    );
    let admin = client.get_current_user().send().await.unwrap().data[0]
        .id
        .clone()
        .unwrap();
    let res = rec
        .update_share_permissions([share(&admin, SharePermission::ReadOnly)])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&res).code, ErrorCode::InvalidData);

    let revoked = rec
        .revoke_shared_record()
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(revoked[0].message, "Sharing Revoked");
    let after = rec.get_shared_record_details().send().await.unwrap();
    assert!(after.share.unwrap_or_default().is_empty());
}

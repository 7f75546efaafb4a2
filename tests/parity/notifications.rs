//! Notification channels on `/actions/watch` (zohocrmsdk2-0 6.0.0 NotificationOperations).

use crate::support::{only_error, setup};
use zohocrm::ErrorCode;
use zohocrm::types::Notification;

fn channel(id: &str, events: &[&str]) -> Notification {
    let mut n = Notification::new();
    n.channel_id = Some(id.into());
    n.events = Some(events.iter().map(|e| (*e).to_owned()).collect());
    n.notify_url = Some("https://hooks.zylker.test/crm".into());
    n.token = Some("s3cr3t-check".into());
    n
}

fn events_of(n: &Notification) -> Vec<String> {
    let mut e = n.events.clone().unwrap_or_default();
    e.sort();
    e
}

#[tokio::test]
async fn channels_are_enabled_changed_and_disabled() {
    let (_emu, client) = setup().await;
    let watch = client.notifications();
    let res = watch
        .enable_notifications([channel("1000000068001", &["Leads.create", "Deals.all"])])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    // Source: zohocrmsdk2-0 6.0.0 notification.SuccessResponse messages.
    assert_eq!(
        res[0].message,
        "Successfully subscribed for actions-watch of the given module"
    );
    let per_module = res[0].details.events.clone().unwrap();
    assert_eq!(per_module.len(), 2);
    assert_eq!(per_module[0].resource_name.as_deref(), Some("Leads"));

    let listed = watch.get_notification_details().send().await.unwrap();
    assert_eq!(listed.data.len(), 1);
    assert_eq!(events_of(&listed.data[0]), ["Deals.all", "Leads.create"]);
    assert!(listed.data[0].channel_expiry.is_some());

    // PATCH adds events; with _delete_events it removes them.
    let mut add = Notification::new();
    add.channel_id = Some("1000000068001".into());
    add.events = Some(vec!["Contacts.edit".into()]);
    let r = watch
        .update_notification([add])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(r[0].message, "Successfully updated the subscribe details");
    let mut drop = Notification::new();
    drop.channel_id = Some("1000000068001".into());
    drop.events = Some(vec!["Leads.create".into()]);
    drop.delete_events = Some(true);
    let r = watch
        .disable_notification([drop])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(r[0].message, "Successfully removed the subscribe details");
    let one = watch
        .get_notification_details()
        .channel_id("1000000068001")
        .send()
        .await
        .unwrap();
    assert_eq!(events_of(&one.data[0]), ["Contacts.edit", "Deals.all"]);
    let by_module = watch
        .get_notification_details()
        .module("Leads")
        .send()
        .await
        .unwrap();
    assert!(by_module.data.is_empty());

    // PUT replaces the events.
    watch
        .update_notifications([channel("1000000068001", &["Accounts.delete"])])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let one = watch.get_notification_details().send().await.unwrap();
    assert_eq!(events_of(&one.data[0]), ["Accounts.delete"]);

    let off = watch
        .disable_notifications(["1000000068001"])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(
        off[0].message,
        "Successfully un-subscribed from actions-watch"
    );
    assert!(
        watch
            .get_notification_details()
            .send()
            .await
            .unwrap()
            .data
            .is_empty()
    );
}

#[tokio::test]
async fn channels_reject_bad_events_expiry_and_unknown_ids() {
    let (_emu, client) = setup().await;
    let watch = client.notifications();
    // Source: events are `Module.create|edit|delete|all` and channel_expiry is at most one day
    // ahead (Zoho v2 docs, "Enable Notifications").
    let bad = watch
        .enable_notifications([channel("1000000068002", &["Leads.explode"])])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&bad).details.api_name.as_deref(), Some("events"));
    let mut late = channel("1000000068003", &["Leads.all"]);
    late.channel_expiry = Some("2099-01-01T00:00:00+00:00".parse().unwrap());
    let late = watch.enable_notifications([late]).send().await.unwrap();
    assert_eq!(
        only_error(&late).details.api_name.as_deref(),
        Some("channel_expiry")
    );
    watch
        .enable_notifications([channel("1000000068004", &["Leads.all"])])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let twice = watch
        .enable_notifications([channel("1000000068004", &["Leads.all"])])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&twice).code, ErrorCode::DuplicateData);
    let gone = watch
        .disable_notifications(["1000000068009"])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&gone).code, ErrorCode::InvalidData);
}

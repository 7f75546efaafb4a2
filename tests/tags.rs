//! Tags over real HTTP against the emulator, through the generated SDK: a module's tags, tags on
//! one or many records, renames, deletes and merges, with the counts kept consistent.

mod support;

use support::{create, only_error, setup};
use zohocrm::types::{Tag, TagMerge};
use zohocrm::{Client, Error, ErrorCode, Id};

async fn lead_id(client: &Client, last_name: &str) -> Id {
    let leads = client.module("Leads").get_records().send().await.unwrap();
    leads
        .data
        .iter()
        .find(|r| r.extra.get_str("Last_Name").as_deref() == Some(last_name))
        .and_then(|r| r.id.clone())
        .unwrap_or_else(|| panic!("no lead {last_name}"))
}

async fn tag_id(client: &Client, module: &str, name: &str) -> Id {
    let tags = client.module(module).get_tags().send().await.unwrap();
    tags.data
        .iter()
        .find(|t| t.name.as_deref() == Some(name))
        .and_then(|t| t.id.clone())
        .unwrap_or_else(|| panic!("no tag {name}"))
}

async fn count(client: &Client, tag: &Id) -> i64 {
    let c = client
        .module("Leads")
        .get_tag_count(tag.clone())
        .send()
        .await
        .unwrap();
    c.count.expect("a count")
}

/// The tag names a record carries, as its `Tag` field says.
async fn tags_on(client: &Client, id: &Id) -> Vec<String> {
    let rec = support::get(client, "Leads", id.clone()).await;
    rec.tag
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| t.name)
        .collect()
}

fn tag(name: &str) -> Tag {
    let mut t = Tag::new();
    t.name = Some(name.into());
    t
}

#[tokio::test]
async fn module_tags_and_counts() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let tags = leads.get_tags().send().await.unwrap();
    let names: Vec<_> = tags.data.iter().filter_map(|t| t.name.as_deref()).collect();
    assert_eq!(names, vec!["Hot", "Conference", "Newsletter"]);
    assert_eq!(tags.info.as_ref().and_then(|i| i.count), Some(3));
    assert!(
        tags.data
            .iter()
            .all(|t| t.created_by.is_some() && t.created_time.is_some())
    );
    let hot = tag_id(&client, "Leads", "Hot").await;
    assert_eq!(count(&client, &hot).await, 2);
    assert_eq!(
        count(&client, &tag_id(&client, "Leads", "Newsletter").await).await,
        0
    );
    let contacts = client.module("Contacts").get_tags().send().await.unwrap();
    assert_eq!(contacts.data.len(), 1, "tags belong to one module");
    let mine = leads.get_tags().my_tags(true).send().await.unwrap();
    assert_eq!(mine.data.len(), 3, "the admin created the seed tags");

    let res = leads
        .create_tags([tag("Warm"), tag("Cold")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 201);
    let created = res.into_result().unwrap();
    assert!(
        created
            .iter()
            .all(|s| s.message == "tags created successfully")
    );
    assert_eq!(created[0].details.name.as_deref(), Some("Warm"));
    let warm = created[0].details.id.clone().unwrap();
    assert_eq!(leads.get_tags().send().await.unwrap().data.len(), 5);
    assert_eq!(count(&client, &warm).await, 0);

    let mut rename = tag("Burning");
    rename.id = Some(hot.clone());
    let res = leads.update_tags([rename]).send().await.unwrap();
    let ok = res.into_result().unwrap();
    assert_eq!(ok[0].message, "tags updated successfully");
    assert_eq!(ok[0].details.name.as_deref(), Some("Burning"));
    let grace = lead_id(&client, "Hopper").await;
    assert_eq!(
        tags_on(&client, &grace).await,
        vec!["Burning", "Conference"]
    );
    assert_eq!(count(&client, &hot).await, 2, "a rename keeps the records");
}

#[tokio::test]
async fn tagging_many_records() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let katherine = lead_id(&client, "Johnson").await;
    let monty = lead_id(&client, "Burns").await;
    let hot = tag_id(&client, "Leads", "Hot").await;

    let res = leads
        .add_tags_to_multiple_records(["Hot", "Brand New"], [katherine.clone(), monty.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 200);
    for (item, id) in res.items.iter().zip([&katherine, &monty]) {
        let ok = item.as_ref().unwrap();
        assert_eq!(ok.message, "tags updated successfully");
        assert_eq!(ok.details.id.as_ref(), Some(id));
        assert_eq!(ok.details.tags.clone().unwrap(), vec!["Hot", "Brand New"]);
    }
    assert_eq!(count(&client, &hot).await, 4);
    let brand_new = tag_id(&client, "Leads", "Brand New").await;
    assert_eq!(
        count(&client, &brand_new).await,
        2,
        "unknown names become tags"
    );
    assert_eq!(tags_on(&client, &monty).await, vec!["Hot", "Brand New"]);

    let res = leads
        .add_tags_to_multiple_records(["Solo"], [monty.clone()])
        .over_write(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.into_result().unwrap()[0].details.tags.clone().unwrap(),
        vec!["Solo"]
    );
    assert_eq!(tags_on(&client, &monty).await, vec!["Solo"]);
    assert_eq!(count(&client, &hot).await, 3);

    let res = leads
        .remove_tags_from_multiple_records(
            ["Hot", "Not Carried"],
            [katherine.clone(), monty.clone()],
        )
        .send()
        .await
        .unwrap();
    let ok = res.into_result().unwrap();
    assert_eq!(ok[0].details.tags.clone().unwrap(), vec!["Brand New"]);
    assert_eq!(ok[1].details.tags.clone().unwrap(), vec!["Solo"]);
    assert_eq!(count(&client, &hot).await, 2);

    let res = leads
        .add_tags_to_multiple_records(["Hot"], [katherine.clone(), Id::new("4150868000000999999")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 207);
    let (i, err) = res.errors().next().unwrap();
    assert_eq!((i, err.code.clone()), (1, ErrorCode::InvalidData));
    assert_eq!(err.details.id.as_deref(), Some("4150868000000999999"));
}

#[tokio::test]
async fn tagging_one_record() {
    let (_emu, client) = setup().await;
    let id = create(&client, "Leads", &[("Last_Name", "Tagged")]).await;
    let rec = client.record("Leads", id.clone());
    let res = rec.add_tags(["Alpha", "Beta", "Hot"]).send().await.unwrap();
    let ok = res.into_result().unwrap();
    assert_eq!(ok[0].message, "tags updated successfully");
    assert_eq!(ok[0].details.id.as_ref(), Some(&id));
    assert_eq!(
        ok[0].details.tags.clone().unwrap(),
        vec!["Alpha", "Beta", "Hot"]
    );
    let got = support::get(&client, "Leads", id.clone()).await;
    let hot = tag_id(&client, "Leads", "Hot").await;
    assert!(
        got.tag
            .unwrap()
            .iter()
            .any(|t| t.id.as_ref() == Some(&hot) && t.name.as_deref() == Some("Hot"))
    );
    assert_eq!(count(&client, &hot).await, 3);

    let res = rec.remove_tags(["alpha"]).send().await.unwrap();
    assert_eq!(
        res.into_result().unwrap()[0].details.tags.clone().unwrap(),
        vec!["Beta", "Hot"],
        "names match without regard to case"
    );
    let res = rec
        .add_tags(["Gamma"])
        .over_write(true)
        .send()
        .await
        .unwrap();
    assert!(res.all_succeeded());
    assert_eq!(tags_on(&client, &id).await, vec!["Gamma"]);

    // A record carries at most 10 tags (Enterprise edition).
    let ten: Vec<String> = (0..10).map(|i| format!("T{i}")).collect();
    let res = rec.add_tags(ten).send().await.unwrap();
    let err = only_error(&res);
    assert_eq!(err.code, ErrorCode::LimitExceeded);
    assert_eq!(err.details.limit.as_deref(), Some("10"));
    assert_eq!(
        tags_on(&client, &id).await,
        vec!["Gamma"],
        "nothing changed"
    );
    let names: Vec<_> = client
        .module("Leads")
        .get_tags()
        .send()
        .await
        .unwrap()
        .data
        .into_iter()
        .filter_map(|t| t.name)
        .collect();
    assert!(
        !names.contains(&"T0".to_owned()),
        "a refused request creates no tags"
    );

    let missing = client.record("Leads", "4150868000000999999");
    let res = missing.add_tags(["Hot"]).send().await.unwrap();
    assert_eq!(only_error(&res).code, ErrorCode::InvalidData);
}

#[tokio::test]
async fn deleting_and_merging_tags() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let hot = tag_id(&client, "Leads", "Hot").await;
    let conference = tag_id(&client, "Leads", "Conference").await;
    let newsletter = tag_id(&client, "Leads", "Newsletter").await;
    let alan = lead_id(&client, "Turing").await;
    let grace = lead_id(&client, "Hopper").await;
    let linus = lead_id(&client, "Torvalds").await;
    client
        .record("Leads", linus.clone())
        .add_tags(["Newsletter"])
        .send()
        .await
        .unwrap();

    // Grace carries Hot and Conference, Alan only Hot, Linus only Newsletter.
    let mut merge = TagMerge::new();
    merge.conflict_id = Some(newsletter.clone());
    let res = client
        .tag(conference.clone())
        .merge_tag(merge)
        .send()
        .await
        .unwrap();
    let ok = res.into_result().unwrap();
    assert_eq!(ok[0].message, "tags merged successfully");
    assert_eq!(ok[0].details.id.as_ref(), Some(&conference));
    assert_eq!(tags_on(&client, &linus).await, vec!["Conference"]);
    assert_eq!(count(&client, &conference).await, 2);
    let names: Vec<_> = leads
        .get_tags()
        .send()
        .await
        .unwrap()
        .data
        .into_iter()
        .filter_map(|t| t.name)
        .collect();
    assert_eq!(names, vec!["Hot", "Conference"], "the conflict tag is gone");
    let err = leads.get_tag_count(newsletter).send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));

    let res = client.tag(hot.clone()).delete_tag().send().await.unwrap();
    let ok = res.into_result().unwrap();
    assert_eq!(
        (ok[0].message.as_str(), ok[0].details.id.as_ref()),
        ("tags deleted successfully", Some(&hot))
    );
    assert!(tags_on(&client, &alan).await.is_empty());
    assert_eq!(tags_on(&client, &grace).await, vec!["Conference"]);
    let again = client.tag(hot).delete_tag().send().await.unwrap();
    assert_eq!(only_error(&again).code, ErrorCode::InvalidData);
}

#[tokio::test]
async fn tags_reject_bad_input() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let res = leads.create_tags([tag("hot")]).send().await.unwrap();
    let err = only_error(&res);
    assert_eq!(err.code, ErrorCode::DuplicateData);
    assert_eq!(err.details.api_name.as_deref(), Some("name"));
    let hot = tag_id(&client, "Leads", "Hot").await;
    assert_eq!(err.details.id.as_deref(), Some(hot.as_str()));

    let mut rename = tag("Conference");
    rename.id = Some(hot.clone());
    let mut unknown = tag("Whatever");
    unknown.id = Some(Id::new("4150868000000999999"));
    let res = leads.update_tags([rename, unknown]).send().await.unwrap();
    let codes: Vec<_> = res.errors().map(|(_, e)| e.code.clone()).collect();
    assert_eq!(
        codes,
        vec![ErrorCode::DuplicateData, ErrorCode::InvalidData]
    );

    let vip = tag_id(&client, "Contacts", "VIP").await;
    let mut merge = TagMerge::new();
    merge.conflict_id = Some(vip.clone());
    let res = client
        .tag(hot.clone())
        .merge_tag(merge)
        .send()
        .await
        .unwrap();
    let err = only_error(&res);
    assert_eq!(err.code, ErrorCode::InvalidData, "tags of another module");
    assert_eq!(err.details.api_name.as_deref(), Some("conflict_id"));
    let err = leads.get_tag_count(vip).send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));

    let err = client.module("Nope").get_tags().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidModule));

    // Limits the spec declares are checked before anything is sent.
    let many: Vec<Tag> = (0..51).map(|i| tag(&format!("N{i}"))).collect();
    let err = leads.create_tags(many).send().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Limit {
                limit: 50,
                got: 51,
                ..
            }
        ),
        "{err}"
    );
    let names: Vec<String> = (0..51).map(|i| format!("N{i}")).collect();
    let err = leads
        .add_tags_to_multiple_records(names, [hot.clone()])
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Limit { limit: 50, .. }), "{err}");
    let ids: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let err = leads
        .remove_tags_from_multiple_records(["Hot"], ids)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Limit { limit: 100, .. }), "{err}");
    let eleven: Vec<String> = (0..11).map(|i| format!("N{i}")).collect();
    let err = client
        .record("Leads", hot)
        .add_tags(eleven)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Limit {
                limit: 10,
                got: 11,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        leads.get_tags().send().await.unwrap().data.len(),
        3,
        "nothing was created"
    );
}

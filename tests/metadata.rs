//! Module metadata over real HTTP against the emulator, through the generated SDK: fields,
//! layouts, custom views, related lists and module settings, with bad input for each.

mod support;

use support::{lookup, only_error, record, setup};
use zohocrm::ErrorCode;
use zohocrm::types::{Field, ModuleSettings};

fn field<'a>(fields: &'a [Field], api_name: &str) -> &'a Field {
    fields
        .iter()
        .find(|f| f.api_name.as_deref() == Some(api_name))
        .unwrap_or_else(|| panic!("no field {api_name}"))
}

#[tokio::test]
async fn fields_describe_the_module() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let fields = leads.get_fields().send().await.unwrap().data;
    let alias = leads.get_all_fields().send().await.unwrap().data;
    assert_eq!(alias, fields, "the official SDK's name is an alias");

    let last = field(&fields, "Last_Name");
    assert_eq!(
        (last.data_type.as_deref(), last.json_type.as_deref()),
        (Some("text"), Some("string"))
    );
    assert_eq!(last.system_mandatory, Some(true));
    assert_eq!(last.field_label.as_deref(), Some("Last Name"));

    let source = field(&fields, "Lead_Source");
    assert_eq!(source.data_type.as_deref(), Some("picklist"));
    let options: Vec<&str> = source
        .pick_list_values
        .iter()
        .flatten()
        .filter_map(|p| p.actual_value.as_deref())
        .collect();
    assert!(options.contains(&"Web Download") && options.contains(&"Trade Show"));
    assert!(
        field(&fields, "Email")
            .unique
            .as_ref()
            .is_some_and(|u| !u.is_empty()),
        "Email is unique"
    );
    let owner = field(&fields, "Owner");
    assert_eq!(owner.data_type.as_deref(), Some("ownerlookup"));
    assert_eq!(owner.json_type.as_deref(), Some("jsonobject"));
    let created = field(&fields, "Created_Time");
    assert_eq!(created.read_only, Some(true));

    let contacts = client
        .module("Contacts")
        .get_fields()
        .send()
        .await
        .unwrap()
        .data;
    let account = field(&contacts, "Account_Name");
    assert_eq!(account.data_type.as_deref(), Some("lookup"));
    let target = account
        .lookup
        .as_ref()
        .and_then(|l| l.module.clone())
        .unwrap();
    assert_eq!(target["api_name"], "Accounts");

    let one = leads
        .get_field(source.id.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(&one, source);
    let none = leads.get_fields().type_("unused").send().await.unwrap();
    assert!(none.data.is_empty() && none.http_status == 204);
}

/// What the metadata says about a field is what record writes enforce.
#[tokio::test]
async fn record_writes_follow_the_field_metadata() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let fields = leads.get_fields().send().await.unwrap().data;
    let mandatory: Vec<&str> = fields
        .iter()
        .filter(|f| f.system_mandatory == Some(true))
        .filter_map(|f| f.api_name.as_deref())
        .collect();
    assert_eq!(mandatory, vec!["Last_Name"]);
    for name in &mandatory {
        // Every other mandatory field is filled in, so the error can only be about this one.
        let others: Vec<(&str, &str)> = mandatory
            .iter()
            .filter(|m| *m != name)
            .map(|m| (*m, "x"))
            .collect();
        let res = leads
            .create_records([record(&others)])
            .send()
            .await
            .unwrap();
        let err = only_error(&res);
        assert_eq!(err.code, ErrorCode::MandatoryNotFound);
        assert_eq!(err.details.api_name.as_deref(), Some(*name));
    }
    for f in fields.iter().filter(|f| {
        matches!(
            f.data_type.as_deref(),
            Some("integer" | "currency" | "boolean")
        )
    }) {
        let name = f.api_name.as_deref().unwrap();
        let res = leads
            .create_records([record(&[("Last_Name", "Typed"), (name, "not a number")])])
            .send()
            .await
            .unwrap();
        let err = only_error(&res);
        assert_eq!(err.code, ErrorCode::InvalidData, "{name}");
        assert_eq!(err.details.api_name.as_deref(), Some(name));
        assert_eq!(err.details.expected_data_type, f.data_type, "{name}");
    }
    let email = field(&fields, "Email");
    assert!(email.unique.as_ref().is_some_and(|u| !u.is_empty()));
    let res = leads
        .create_records([record(&[
            ("Last_Name", "Twin"),
            ("Email", "grace@navy.example"),
        ])])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&res).code, ErrorCode::DuplicateData);
}

#[tokio::test]
async fn layouts_hold_the_fields() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let fields = leads.get_fields().send().await.unwrap().data;
    let layouts = leads.get_all_layouts().send().await.unwrap().data;
    assert_eq!(layouts.len(), 1);
    let layout = &layouts[0];
    assert_eq!(layout.name.as_deref(), Some("Standard"));
    let sections = layout.sections.clone().unwrap();
    assert_eq!(
        sections[0].display_label.as_deref(),
        Some("Lead Information")
    );
    let mut on_layout: Vec<String> = sections
        .iter()
        .flat_map(|s| s.fields.iter().flatten())
        .filter_map(|f| f.api_name.clone())
        .collect();
    let mut all: Vec<String> = fields.iter().filter_map(|f| f.api_name.clone()).collect();
    on_layout.sort();
    all.sort();
    assert_eq!(on_layout, all, "every field sits in one section");
    let profiles: Vec<_> = layout
        .profiles
        .iter()
        .flatten()
        .filter_map(|p| p.name.as_deref())
        .collect();
    assert!(profiles.contains(&"Administrator"));
    let mapping = layout.convert_mapping.clone().unwrap();
    assert!(mapping.contains_key("Contacts") && mapping.contains_key("Deals"));

    let one = leads
        .get_layout(layout.id.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(&one, layout);
    let deals = client
        .module("Deals")
        .get_all_layouts()
        .send()
        .await
        .unwrap()
        .data;
    assert_ne!(deals[0].id, layout.id, "each module has its own layout");
    assert!(deals[0].convert_mapping.is_none());
}

#[tokio::test]
async fn custom_views_and_related_lists() {
    let (_emu, client) = setup().await;
    let accounts = client.module("Accounts");
    let views = accounts.get_all_customviews().send().await.unwrap();
    let names: Vec<_> = views
        .data
        .iter()
        .filter_map(|v| v.name.as_deref())
        .collect();
    assert_eq!(
        names,
        vec!["All Accounts", "My Accounts", "Recently Created Accounts"]
    );
    let defaults: Vec<_> = views
        .data
        .iter()
        .filter(|v| v.default == Some(true))
        .collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0].system_name.as_deref(), Some("ALLVIEWS"));
    assert_eq!(views.info.as_ref().and_then(|i| i.count), Some(3));
    let mine = &views.data[1];
    assert!(
        mine.criteria
            .as_ref()
            .is_some_and(|c| c["field"]["api_name"] == "Owner")
    );
    let one = accounts
        .get_customview(mine.id.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(&one, mine);

    let lists = accounts.get_all_relatedlists().send().await.unwrap().data;
    let api_names: Vec<_> = lists.iter().filter_map(|l| l.api_name.as_deref()).collect();
    assert_eq!(api_names, vec!["Notes", "Attachments", "Contacts", "Deals"]);
    let contacts = &lists[2];
    assert_eq!(
        contacts.href.as_deref(),
        Some("Accounts/{ENTITYID}/Contacts")
    );
    assert_eq!(contacts.sequence_number.as_deref(), Some("3"));
    let one = accounts
        .get_relatedlist(contacts.id.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(&one, contacts);
}

#[tokio::test]
async fn module_settings_change_what_get_module_shows() {
    let (_emu, client) = setup().await;
    let leads = client.module("Leads");
    let before = client.get_module("Leads").send().await.unwrap();
    assert_eq!(before.per_page, Some(10));
    let views = leads.get_all_customviews().send().await.unwrap().data;
    let recent = views[2].id.clone().unwrap();

    let mut settings = ModuleSettings::new();
    settings.per_page = Some(50);
    settings.business_card_fields = Some(vec!["Email".into(), "Company".into()]);
    settings.default_custom_view = Some(lookup(&recent));
    let res = leads.update_module_settings(settings).send().await.unwrap();
    let ok = res.into_result().unwrap();
    assert_eq!(ok[0].message, "module updated successfully");
    assert_eq!(ok[0].details.id, before.id);

    let after = client.get_module("Leads").send().await.unwrap();
    assert_eq!(after.per_page, Some(50));
    assert_eq!(
        after
            .extra
            .get_as::<Vec<String>>("business_card_fields")
            .unwrap()
            .unwrap(),
        vec!["Email", "Company"]
    );
    assert!(after.modified_time > before.modified_time);
    let views = leads.get_all_customviews().send().await.unwrap().data;
    let default: Vec<_> = views
        .iter()
        .filter(|v| v.default == Some(true))
        .filter_map(|v| v.id.clone())
        .collect();
    assert_eq!(default, vec![recent], "the default view moved");
    let contacts = client.get_module("Contacts").send().await.unwrap();
    assert_eq!(contacts.per_page, Some(10), "other modules keep theirs");
}

/// Puts one bad value into module settings.
type Setter = fn(&mut ModuleSettings);

#[tokio::test]
async fn metadata_rejects_bad_input() {
    let (_emu, client) = setup().await;
    let nope = client.module("Nope");
    for err in [
        nope.get_fields().send().await.unwrap_err(),
        nope.get_all_layouts().send().await.unwrap_err(),
        nope.get_all_customviews().send().await.unwrap_err(),
        nope.get_all_relatedlists().send().await.unwrap_err(),
    ] {
        assert_eq!(err.code(), Some(&ErrorCode::InvalidModule), "{err}");
    }
    let leads = client.module("Leads");
    let unknown = "4150868000000000001";
    for err in [
        leads.get_field(unknown).send().await.unwrap_err(),
        leads.get_layout(unknown).send().await.unwrap_err(),
        leads.get_customview(unknown).send().await.unwrap_err(),
        leads.get_relatedlist(unknown).send().await.unwrap_err(),
    ] {
        assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
        assert_eq!(err.as_api().unwrap().details.id.as_deref(), Some(unknown));
    }
    let err = leads.get_fields().type_("bogus").send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));

    let cases: [(&str, Setter); 4] = [
        ("per_page", |s| s.per_page = Some(7)),
        ("default_custom_view", |s| {
            s.default_custom_view = Some(lookup("4150868000000000001"))
        }),
        ("territory", |s| {
            s.territory = Some(lookup("4150868000000000001"))
        }),
        ("business_card_fields", |s| {
            s.business_card_fields = Some(vec!["No_Such_Field".into()])
        }),
    ];
    for (api_name, set) in cases {
        let mut s = ModuleSettings::new();
        set(&mut s);
        let res = leads.update_module_settings(s).send().await.unwrap();
        let err = only_error(&res);
        assert_eq!(err.code, ErrorCode::InvalidData, "{api_name}");
        assert_eq!(err.details.api_name.as_deref(), Some(api_name));
    }
    let mut s = ModuleSettings::new();
    s.business_card_fields = Some((0..6).map(|_| "Email".to_owned()).collect());
    let res = leads.update_module_settings(s).send().await.unwrap();
    let err = only_error(&res);
    assert_eq!(err.code, ErrorCode::LimitExceeded);
    assert_eq!(err.details.limit.as_deref(), Some("5"));
    let after = client.get_module("Leads").send().await.unwrap();
    assert_eq!(after.per_page, Some(10), "failed updates change nothing");
}

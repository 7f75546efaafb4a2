//! Org-level calls over real HTTP against the emulator, through the generated SDK: users (and
//! every user listing), profiles, roles, variables and taxes, with bad input for each.

mod support;

use serde_json::json;
use support::{logins, lookup, only_error, setup};
use zohocrm::types::{OrgTax, Profile, Role, User, Variable, VariableType};
use zohocrm::{Client, Error, ErrorCode, Id};

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

async fn role_id(client: &Client, name: &str) -> Id {
    let roles = client.org().get_all_roles().send().await.unwrap();
    let role: &Role = roles
        .data
        .iter()
        .find(|r| r.name.as_deref() == Some(name))
        .expect("a seeded role");
    role.id.clone().unwrap()
}

async fn profile_id(client: &Client, name: &str) -> Id {
    let profiles = client.org().get_profiles().send().await.unwrap();
    let profile: &Profile = profiles
        .data
        .iter()
        .find(|p| p.name.as_deref() == Some(name))
        .expect("a seeded profile");
    profile.id.clone().unwrap()
}

fn new_user(email: &str, last: &str, role: &Id, profile: &Id) -> User {
    let mut u = User::new();
    u.email = Some(email.into());
    u.first_name = Some("Nia".into());
    u.last_name = Some(last.into());
    u.role = Some(lookup(role));
    u.profile = Some(lookup(profile));
    u
}

#[tokio::test]
async fn every_user_listing_selects_its_own_users() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let all = org.get_all_users().send().await.unwrap();
    assert_eq!(
        logins(&all.data),
        names(&["ada", "ben", "cy", "dee", "eli", "fay"])
    );
    let active = org.get_all_active_users().send().await.unwrap();
    assert_eq!(
        logins(&active.data),
        names(&["ada", "ben", "cy", "dee", "fay"])
    );
    let deactive = org.get_all_deactive_users().send().await.unwrap();
    assert_eq!(logins(&deactive.data), names(&["eli"]));
    assert_eq!(deactive.data[0].status.as_deref(), Some("disabled"));
    let confirmed = org.get_all_confirmed_users().send().await.unwrap();
    assert_eq!(logins(&confirmed.data), names(&["ada", "ben", "cy", "eli"]));
    let unconfirmed = org.get_all_not_confirmed_users().send().await.unwrap();
    assert_eq!(logins(&unconfirmed.data), names(&["dee", "fay"]));
    assert!(unconfirmed.data.iter().all(|u| u.confirm == Some(false)));
    let active_confirmed = org.get_all_active_confirmed_users().send().await.unwrap();
    assert_eq!(logins(&active_confirmed.data), names(&["ada", "ben", "cy"]));
    let admins = org.get_all_admin_users().send().await.unwrap();
    assert_eq!(logins(&admins.data), names(&["ada", "dee"]));
    assert!(
        admins
            .data
            .iter()
            .all(|u| u.profile.as_ref().and_then(|p| p.name.as_deref()) == Some("Administrator"))
    );
    let ready_admins = org
        .get_all_active_confirmed_admin_users()
        .send()
        .await
        .unwrap();
    assert_eq!(logins(&ready_admins.data), names(&["ada"]));
    let deleted = org.get_all_deleted_users().send().await.unwrap();
    assert_eq!(logins(&deleted.data), names(&["gus"]));

    let me = org.get_current_user().send().await.unwrap();
    assert_eq!(logins(&me.data), names(&["ada"]));
    let ben = all
        .data
        .iter()
        .find(|u| u.email.as_deref() == Some("ben@zylker.test"))
        .unwrap();
    let got = org.get_user(ben.id.clone().unwrap()).send().await.unwrap();
    assert_eq!(got.full_name.as_deref(), Some("Ben Okafor"));
    // A single user's answer carries `info` beside `users` (the Python SDK's users
    // `ResponseWrapper` has `users` and `info` for `get_user` too); it reaches the caller.
    let with_info = org
        .get_user(ben.id.clone().unwrap())
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(with_info.value.full_name.as_deref(), Some("Ben Okafor"));
    let info = with_info.info.expect("the single user's info");
    assert_eq!((info.count, info.more_records), (Some(1), Some(false)));
    assert_eq!(
        got.role.as_ref().and_then(|r| r.name.as_deref()),
        Some("Manager")
    );

    let page = org
        .get_all_users()
        .per_page(4)
        .page(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 2);
    let info = page.info.clone().unwrap();
    assert_eq!((info.page, info.more_records), (Some(2), Some(false)));
}

#[tokio::test]
async fn created_users_move_through_the_listings() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let role = role_id(&client, "Sales Rep").await;
    let profile = profile_id(&client, "Standard").await;

    let res = org
        .create_user(new_user("nia@zylker.test", "Adeyemi", &role, &profile))
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 201);
    let ok = res.into_result().unwrap();
    assert_eq!(ok[0].message, "User added");
    let id = ok[0].details.id.clone().expect("the new user's id");

    let nia = org.get_user(id.clone()).send().await.unwrap();
    assert_eq!(nia.email.as_deref(), Some("nia@zylker.test"));
    assert_eq!(nia.full_name.as_deref(), Some("Nia Adeyemi"));
    assert_eq!(
        (nia.status.as_deref(), nia.confirm),
        (Some("active"), Some(false))
    );
    assert_eq!(nia.role.as_ref().and_then(|r| r.id.clone()), Some(role));
    assert_eq!(
        nia.profile.as_ref().and_then(|p| p.name.as_deref()),
        Some("Standard")
    );
    let invited = org.get_all_not_confirmed_users().send().await.unwrap();
    assert!(logins(&invited.data).contains(&"nia".to_owned()));
    let confirmed = org.get_all_confirmed_users().send().await.unwrap();
    assert!(!logins(&confirmed.data).contains(&"nia".to_owned()));

    let mut change = User::new();
    change.last_name = Some("Adeyemi-Cole".into());
    change.status = Some("disabled".into());
    let res = org.update_user(id.clone(), change).send().await.unwrap();
    assert_eq!(res.into_result().unwrap()[0].message, "User updated");
    let nia = org.get_user(id.clone()).send().await.unwrap();
    assert_eq!(nia.full_name.as_deref(), Some("Nia Adeyemi-Cole"));
    let deactive = org.get_all_deactive_users().send().await.unwrap();
    assert_eq!(logins(&deactive.data), names(&["eli", "nia"]));

    let res = org.delete_user(id.clone()).send().await.unwrap();
    let ok = res.into_result().unwrap();
    assert_eq!(
        (ok[0].message.as_str(), ok[0].details.id.as_ref()),
        ("User deleted", Some(&id))
    );
    let deleted = org.get_all_deleted_users().send().await.unwrap();
    assert_eq!(logins(&deleted.data), names(&["gus", "nia"]));
    for live in [
        org.get_all_users().send().await.unwrap(),
        org.get_all_active_users().send().await.unwrap(),
        org.get_all_deactive_users().send().await.unwrap(),
    ] {
        assert!(!logins(&live.data).contains(&"nia".to_owned()));
    }
    let again = org.delete_user(id.clone()).send().await.unwrap();
    assert_eq!(only_error(&again).code, ErrorCode::InvalidData);
}

#[tokio::test]
async fn user_writes_reject_bad_input() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let role = role_id(&client, "Manager").await;
    let profile = profile_id(&client, "Read Only").await;

    for (missing, strip) in [
        ("email", (|u: &mut User| u.email = None) as fn(&mut User)),
        ("last_name", |u: &mut User| u.last_name = None),
        ("role", |u: &mut User| u.role = None),
        ("profile", |u: &mut User| u.profile = None),
    ] {
        let mut u = new_user("zed@zylker.test", "Zed", &role, &profile);
        strip(&mut u);
        let res = org.create_user(u).send().await.unwrap();
        assert_eq!(res.http_status, 400);
        let err = only_error(&res);
        assert_eq!(err.code, ErrorCode::MandatoryNotFound, "{missing}");
        assert_eq!(err.details.api_name.as_deref(), Some(missing));
    }

    let ben = org.get_all_users().send().await.unwrap().data[1].clone();
    let res = org
        .create_user(new_user("BEN@zylker.test", "Again", &role, &profile))
        .send()
        .await
        .unwrap();
    let err = only_error(&res);
    assert_eq!(err.code, ErrorCode::DuplicateData);
    assert_eq!(err.details.api_name.as_deref(), Some("email"));
    assert_eq!(err.details.id.as_deref(), ben.id.as_ref().map(Id::as_str));

    let res = org
        .create_user(new_user("zed@zylker.test", "Zed", &role, &Id::new("1")))
        .send()
        .await
        .unwrap();
    let err = only_error(&res);
    assert_eq!(
        (err.code.clone(), err.details.api_name.as_deref()),
        (ErrorCode::InvalidData, Some("profile"))
    );

    let res = org
        .update_user("4150868000000999999", User::new())
        .send()
        .await
        .unwrap();
    let err = only_error(&res);
    assert_eq!(err.code, ErrorCode::InvalidData);
    assert_eq!(err.details.id.as_deref(), Some("4150868000000999999"));
    let err = org
        .get_user("4150868000000999999")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
}

#[tokio::test]
async fn profiles_and_roles() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let profiles = org.get_profiles().send().await.unwrap();
    let mut profile_names: Vec<_> = profiles
        .data
        .iter()
        .filter_map(|p| p.name.clone())
        .collect();
    profile_names.sort();
    assert_eq!(
        profile_names,
        names(&["Administrator", "Read Only", "Standard"])
    );
    let alias = org.get_all_profiles().send().await.unwrap();
    assert_eq!(
        alias.data, profiles.data,
        "the official SDK's name is an alias"
    );

    let granted = |p: &Profile, label: &str| -> Vec<bool> {
        p.permissions_details
            .iter()
            .flatten()
            .filter(|d| d.display_label.as_deref() == Some(label))
            .map(|d| d.enabled == Some(true))
            .collect()
    };
    let read_only_id = profile_id(&client, "Read Only").await;
    let read_only = org.get_profile(read_only_id.clone()).send().await.unwrap();
    assert_eq!(read_only.id.as_ref(), Some(&read_only_id));
    assert!(granted(&read_only, "View").iter().all(|g| *g));
    assert!(granted(&read_only, "Delete").iter().all(|g| !*g));
    let admin = org
        .get_profile(profile_id(&client, "Administrator").await)
        .send()
        .await
        .unwrap();
    assert!(
        admin
            .permissions_details
            .iter()
            .flatten()
            .all(|d| d.enabled == Some(true))
    );
    // Every permission a section lists is one of the profile's permissions.
    let known: Vec<Id> = admin
        .permissions_details
        .iter()
        .flatten()
        .filter_map(|d| d.id.clone())
        .collect();
    let sections = admin.sections.clone().unwrap();
    let leads = sections
        .iter()
        .flat_map(|s| s.categories.iter().flatten())
        .find(|c| c.module.as_deref() == Some("Leads"))
        .expect("a Leads category");
    let ids = leads.permissions_details.clone().unwrap();
    assert_eq!(ids.len(), 4);
    assert!(ids.iter().all(|id| known.contains(id)));

    let roles = org.get_all_roles().send().await.unwrap();
    assert_eq!(roles.data.len(), 3);
    let by_name = |n: &str| {
        roles
            .data
            .iter()
            .find(|r| r.name.as_deref() == Some(n))
            .unwrap()
    };
    assert_eq!(by_name("CEO").admin_user, Some(true));
    assert!(by_name("CEO").reporting_to.is_none());
    let boss = |n: &str| {
        by_name(n)
            .reporting_to
            .as_ref()
            .and_then(|r| r.name.clone())
    };
    assert_eq!(boss("Manager").as_deref(), Some("CEO"));
    assert_eq!(boss("Sales Rep").as_deref(), Some("Manager"));
    let rep = org
        .get_role(by_name("Sales Rep").id.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        rep.reporting_to.and_then(|r| r.id),
        by_name("Manager").id.clone()
    );

    for err in [
        org.get_profile("4150868000000000001")
            .send()
            .await
            .unwrap_err(),
        org.get_role("4150868000000000001")
            .send()
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
        assert_eq!(
            err.as_api().unwrap().details.id.as_deref(),
            Some("4150868000000000001")
        );
    }
}

fn variable(name: &str, api: &str, ty: VariableType, value: serde_json::Value) -> Variable {
    let mut v = Variable::new();
    v.name = Some(name.into());
    v.api_name = Some(api.into());
    v.type_ = Some(ty);
    v.value = Some(value);
    let mut group = zohocrm::types::LookupRef::new();
    group.name = Some("General".into());
    v.variable_group = Some(group);
    v
}

#[tokio::test]
async fn variables_and_groups() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let groups = org.get_variable_groups().send().await.unwrap();
    assert_eq!(groups.data.len(), 2);
    let sales = groups
        .data
        .iter()
        .find(|g| g.api_name.as_deref() == Some("Sales_Targets"))
        .unwrap();
    let by_api = client
        .variable_group("Sales_Targets")
        .get_variable_group()
        .send()
        .await
        .unwrap();
    assert_eq!(by_api.id, sales.id);
    let by_id = client
        .variable_group(sales.id.clone().unwrap().as_str())
        .get_variable_group()
        .send()
        .await
        .unwrap();
    assert_eq!(by_id.display_label.as_deref(), Some("Sales Targets"));

    let all = org.get_variables().send().await.unwrap();
    assert_eq!(all.data.len(), 3);
    let in_sales = org
        .get_variables()
        .group("Sales_Targets")
        .send()
        .await
        .unwrap();
    assert_eq!(in_sales.data.len(), 2);
    let same = org
        .get_variables()
        .group(sales.id.clone().unwrap().as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(
        same.data, in_sales.data,
        "a group is named by id or API name"
    );

    let res = org
        .create_variables([
            variable("Seats", "Seats", VariableType::Integer, json!(42)),
            variable(
                "Go Live",
                "Go_Live",
                VariableType::Date,
                json!("2026-01-15"),
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 201);
    let ok = res.into_result().unwrap();
    assert!(ok.iter().all(|s| s.message == "variable added"));
    let seats_id = ok[0].details.id.clone().unwrap();

    let seats = client
        .variable("Seats")
        .get_variable()
        .send()
        .await
        .unwrap();
    assert_eq!(seats.id.as_ref(), Some(&seats_id));
    assert_eq!(seats.type_, Some(VariableType::Integer));
    assert_eq!(seats.value, Some(json!(42)));
    assert_eq!(
        seats.variable_group.as_ref().and_then(|g| g.id.clone()),
        groups
            .data
            .iter()
            .find(|g| g.api_name.as_deref() == Some("General"))
            .and_then(|g| g.id.clone())
    );
    let err = client
        .variable("Seats")
        .get_variable()
        .group("Sales_Targets")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::InvalidData),
        "not in that group"
    );

    let mut bump = Variable::new();
    bump.id = Some(seats_id.clone());
    bump.value = Some(json!(43));
    let res = org.update_variables([bump]).send().await.unwrap();
    assert_eq!(res.into_result().unwrap()[0].message, "variable updated");
    let mut describe = Variable::new();
    describe.description = Some("Licensed seats".into());
    let res = client
        .variable(seats_id.as_str())
        .update_variable(describe)
        .send()
        .await
        .unwrap();
    assert_eq!(res.into_result().unwrap()[0].message, "variable updated");
    let seats = client
        .variable(seats_id.as_str())
        .get_variable()
        .send()
        .await
        .unwrap();
    assert_eq!(
        (seats.value, seats.description.as_deref()),
        (Some(json!(43)), Some("Licensed seats"))
    );

    let res = client
        .variable("Seats")
        .delete_variable()
        .send()
        .await
        .unwrap();
    let ok = res.into_result().unwrap();
    assert_eq!(
        (ok[0].message.as_str(), ok[0].details.id.as_ref()),
        ("variable deleted", Some(&seats_id))
    );
    let err = client
        .variable(seats_id.as_str())
        .get_variable()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
    assert_eq!(org.get_variables().send().await.unwrap().data.len(), 4);
}

#[tokio::test]
async fn variable_writes_reject_bad_input() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let mut no_api = variable("X", "X", VariableType::Text, json!("x"));
    no_api.api_name = None;
    let mut no_group = variable("Y", "Y", VariableType::Text, json!("y"));
    no_group.variable_group = None;
    let res = org
        .create_variables([
            no_api,
            variable(
                "Colour",
                "Colour",
                VariableType::Unknown("colour".into()),
                json!("red"),
            ),
            no_group,
            variable(
                "Dup",
                "support_email",
                VariableType::Email,
                json!("a@b.test"),
            ),
            variable("Count", "Count", VariableType::Integer, json!("many")),
            variable("Fine", "Fine", VariableType::Checkbox, json!(true)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 207, "one item succeeds, the rest fail");
    let errs: Vec<(ErrorCode, Option<String>)> = res
        .errors()
        .map(|(_, e)| (e.code.clone(), e.details.api_name.clone()))
        .collect();
    assert_eq!(
        errs,
        vec![
            (ErrorCode::MandatoryNotFound, Some("api_name".into())),
            (ErrorCode::InvalidData, Some("type".into())),
            (ErrorCode::MandatoryNotFound, Some("variable_group".into())),
            (ErrorCode::DuplicateData, Some("api_name".into())),
            (ErrorCode::InvalidData, Some("value".into())),
        ]
    );
    let (_, bad_value) = res.errors().last().unwrap();
    assert_eq!(
        bad_value.details.expected_data_type.as_deref(),
        Some("integer")
    );

    let mut retype = Variable::new();
    retype.type_ = Some(VariableType::Text);
    let res = client
        .variable("Discount_Cap")
        .update_variable(retype)
        .send()
        .await
        .unwrap();
    let err = only_error(&res);
    assert_eq!(
        (err.code.clone(), err.details.api_name.as_deref()),
        (ErrorCode::InvalidData, Some("type"))
    );
    let res = org
        .update_variables([Variable::new()])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&res).details.api_name.as_deref(), Some("id"));

    let err = org.get_variables().group("Nope").send().await.unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(
        (api.code.clone(), api.details.param_name.as_deref()),
        (ErrorCode::InvalidData, Some("group"))
    );
    let err = client
        .variable_group("Nope")
        .get_variable_group()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));

    let many: Vec<Variable> = (0..101)
        .map(|i| variable("V", &format!("V{i}"), VariableType::Text, json!("v")))
        .collect();
    let err = org.create_variables(many).send().await.unwrap_err();
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
}

fn tax(name: &str, value: f64, seq: Option<i64>) -> OrgTax {
    let mut t = OrgTax::new();
    t.name = Some(name.into());
    t.value = Some(zohocrm::Decimal::try_from(value).unwrap());
    t.sequence_number = seq;
    t
}

fn tax_names(taxes: &[OrgTax]) -> Vec<String> {
    taxes.iter().filter_map(|t| t.name.clone()).collect()
}

#[tokio::test]
async fn taxes_keep_their_sequence() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let taxes = org.get_organization_taxes().send().await.unwrap();
    assert_eq!(tax_names(&taxes.data), names(&["Sales Tax", "VAT", "GST"]));
    let seqs: Vec<_> = taxes
        .data
        .iter()
        .filter_map(|t| t.sequence_number)
        .collect();
    assert_eq!(seqs, vec![1, 2, 3]);
    let vat_id = taxes.data[1].id.clone().unwrap();
    let vat = org
        .get_organization_tax(vat_id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        (vat.name.as_deref(), vat.value.as_ref().map(|v| v.as_str())),
        (Some("VAT"), Some("12.5"))
    );
    assert_eq!(vat.display_label.as_deref(), Some("VAT - 12.5 %"));

    let res = org
        .create_organization_taxes([tax("Levy", 2.0, Some(1)), tax("Duty", 7.5, None)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 201);
    let ok = res.into_result().unwrap();
    assert!(ok.iter().all(|s| s.message == "tax added"));
    let levy = ok[0].details.id.clone().unwrap();
    let duty = ok[1].details.id.clone().unwrap();
    let taxes = org.get_organization_taxes().send().await.unwrap();
    assert_eq!(
        tax_names(&taxes.data),
        names(&["Levy", "Sales Tax", "VAT", "GST", "Duty"])
    );

    let mut change = tax("Import Duty", 8.0, Some(2));
    change.id = Some(duty.clone());
    let res = org
        .update_organization_taxes([change])
        .send()
        .await
        .unwrap();
    assert_eq!(res.into_result().unwrap()[0].message, "record updated");
    let got = org.get_organization_tax(duty.clone()).send().await.unwrap();
    assert_eq!(
        (
            got.name.as_deref(),
            got.value.as_ref().map(|v| v.to_f64()),
            got.sequence_number
        ),
        (Some("Import Duty"), Some(8.0), Some(2))
    );

    let res = org
        .delete_organization_taxes([levy.clone(), duty.clone()])
        .send()
        .await
        .unwrap();
    let ok = res.into_result().unwrap();
    assert_eq!(ok.len(), 2);
    assert!(ok.iter().all(|s| s.message == "tax deleted"));
    assert_eq!(ok[0].details.id.as_ref(), Some(&levy));
    let res = org
        .delete_organization_tax(vat_id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.into_result().unwrap()[0].message, "tax deleted");
    let taxes = org.get_organization_taxes().send().await.unwrap();
    assert_eq!(tax_names(&taxes.data), names(&["Sales Tax", "GST"]));
    let seqs: Vec<_> = taxes
        .data
        .iter()
        .filter_map(|t| t.sequence_number)
        .collect();
    assert_eq!(seqs, vec![1, 2], "positions close up after deletes");
    let err = org.get_organization_tax(vat_id).send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));
}

#[tokio::test]
async fn tax_writes_reject_bad_input() {
    let (_emu, client) = setup().await;
    let org = client.org();
    let res = org
        .create_organization_taxes([tax("A", 1.0, Some(2)), tax("B", 1.0, Some(2))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 400);
    for (_, err) in res.errors() {
        assert_eq!(err.code, ErrorCode::InvalidData);
        assert_eq!(
            err.message,
            "Sequence number cannot be repeated in same request"
        );
        assert_eq!(err.details.api_name.as_deref(), Some("sequence_number"));
    }
    assert_eq!(res.errors().count(), 2);

    let mut no_value = tax("C", 0.0, None);
    no_value.value = None;
    let res = org
        .create_organization_taxes([
            tax("D", 1.0, Some(99)),
            no_value,
            tax("vat", 3.0, None),
            tax("E", 150.0, None),
        ])
        .send()
        .await
        .unwrap();
    let errs: Vec<(ErrorCode, Option<&str>, &str)> = res
        .errors()
        .map(|(_, e)| {
            (
                e.code.clone(),
                e.details.api_name.as_deref(),
                e.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        errs,
        vec![
            (
                ErrorCode::InvalidData,
                Some("sequence_number"),
                "Sequence number out of range"
            ),
            (
                ErrorCode::MandatoryNotFound,
                Some("value"),
                "required field not found"
            ),
            (ErrorCode::DuplicateData, Some("name"), "duplicate data"),
            (ErrorCode::InvalidData, Some("value"), "invalid data"),
        ]
    );
    assert_eq!(
        org.get_organization_taxes()
            .send()
            .await
            .unwrap()
            .data
            .len(),
        3
    );

    let res = org
        .delete_organization_taxes(["4150868000000999999"])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&res).code, ErrorCode::InvalidData);
    let res = org
        .update_organization_taxes([tax("Nameless", 1.0, None)])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&res).details.api_name.as_deref(), Some("id"));

    let many: Vec<OrgTax> = (0..101).map(|i| tax(&format!("T{i}"), 1.0, None)).collect();
    let err = org
        .create_organization_taxes(many)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Limit { limit: 100, .. }), "{err}");
    let ids: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let err = org.delete_organization_taxes(ids).send().await.unwrap_err();
    assert!(matches!(err, Error::Limit { limit: 100, .. }), "{err}");
}

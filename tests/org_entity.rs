//! Typed module records from the org's own field metadata: `spec/org_leads.yaml` is what
//! `cargo codegen org-entity` makes of the emulator org's Leads fields, and `types::Lead` is
//! generated from it. The first test is the drift check a CI job would run against a real org;
//! set UPDATE_ORG_SPEC=1 to rewrite the file after the org's fields change.

mod support;

use support::{create_json, setup};
use zohocrm::types::{Field, Lead};

async fn leads_fields(client: &zohocrm::Client) -> String {
    let fields = client.module("Leads").get_fields().send().await.unwrap();
    serde_json::to_string(&fields.data).unwrap()
}

#[tokio::test]
async fn org_leads_spec_matches_the_orgs_fields() {
    let (_emu, client) = setup().await;
    let json = leads_fields(&client).await;
    let metas = zohocrm_codegen::org::parse_fields(&json).unwrap();
    let yaml = zohocrm_codegen::org::entity_yaml("Lead", "Leads", &metas).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/org_leads.yaml");
    if std::env::var_os("UPDATE_ORG_SPEC").is_some() {
        std::fs::write(&path, &yaml).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        committed, yaml,
        "the org's Leads fields drifted from spec/org_leads.yaml"
    );
}

#[tokio::test]
async fn records_decode_into_the_typed_module() {
    let (_emu, client) = setup().await;
    let id = create_json(
        &client,
        "Leads",
        serde_json::json!({"Last_Name": "Typed", "Email": "typed@example.test", "Lead_Source": "Web", "No_of_Employees": 12, "Brand_New__c": "kept"}),
    )
    .await;
    let lead: Lead = client
        .module("Leads")
        .get_record(id.clone())
        .send_as()
        .await
        .unwrap();
    assert_eq!(lead.last_name.as_deref(), Some("Typed"));
    assert_eq!(lead.email.as_deref(), Some("typed@example.test"));
    assert_eq!(lead.lead_source.as_deref(), Some("Web"));
    assert_eq!(lead.no_of_employees, Some(12));
    assert!(lead.owner.as_ref().and_then(|o| o.id.as_ref()).is_some());
    assert_eq!(
        lead.extra.get_str("Brand_New__c").as_deref(),
        Some("kept"),
        "fields the org adds later land in extra"
    );

    let page = client
        .module("Leads")
        .get_records()
        .per_page(200)
        .send_as::<Lead>()
        .await
        .unwrap();
    assert!(page.data.iter().any(|l| l.id.as_ref() == Some(&id)));
    use zohocrm::stream::TryStreamExt;
    let all: Vec<Lead> = client
        .module("Leads")
        .get_records()
        .per_page(2)
        .stream_as()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), page.data.len());

    // Every field the org reports has a typed field on `Lead`.
    let fields: Vec<Field> = client
        .module("Leads")
        .get_fields()
        .send()
        .await
        .unwrap()
        .data;
    let typed = serde_json::to_value(&lead).unwrap();
    let keys: Vec<&str> = fields
        .iter()
        .filter_map(|f| f.api_name.as_deref())
        .collect();
    assert!(keys.contains(&"Last_Name") && keys.len() > 5);
    assert!(typed.get("Last_Name").is_some());
}

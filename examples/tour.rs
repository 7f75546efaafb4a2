//! A tour of the SDK, one short example per area, against the embedded emulator. The README
//! shows these functions; `tests/examples.rs` runs them all in CI. `cargo run --example tour`.

use futures_util::TryStreamExt;
use serde_json::json;
use zohocrm::chrono;
use zohocrm::types::{
    BlueprintUpdate, ConvertLead, Lead, LookupRef, Note, OrgTax, Record, SortOrder, Tag, Variable,
    VariableType,
};
use zohocrm::{Client, DateTime, Decimal, UploadFile};
use zohocrm_emulator::Emulator;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn ensure(ok: bool, what: &str) -> Result {
    if ok {
        Ok(())
    } else {
        Err(format!("tour check failed: {what}").into())
    }
}

fn record(fields: serde_json::Value) -> Result<Record> {
    Ok(serde_json::from_value(fields)?)
}

/// Organization and users.
pub async fn org_and_users(client: &Client) -> Result {
    let org = client.get_organization_details().send().await?;
    let active = client
        .org()
        .get_all_active_users()
        .per_page(50)
        .send()
        .await?;
    let roles = client.org().get_all_roles().send().await?;
    println!(
        "{}: {} active users, {} roles",
        org.company_name.unwrap_or_default(),
        active.data.len(),
        roles.data.len()
    );
    ensure(
        !active.data.is_empty() && !roles.data.is_empty(),
        "users and roles",
    )
}

/// Module metadata: fields, layouts, custom views.
pub async fn module_metadata(client: &Client) -> Result {
    let leads = client.module("Leads");
    let fields = leads.get_fields().send().await?;
    let mandatory: Vec<_> = fields
        .data
        .iter()
        .filter(|f| f.system_mandatory == Some(true))
        .filter_map(|f| f.api_name.clone())
        .collect();
    let layouts = leads.get_all_layouts().send().await?;
    println!(
        "Leads: {} fields (mandatory: {mandatory:?}), {} layouts",
        fields.data.len(),
        layouts.data.len()
    );
    ensure(
        mandatory.iter().any(|f| f == "Last_Name"),
        "Last_Name is mandatory",
    )
}

/// Records: bulk create, search, update, stream every page, delete.
pub async fn records(client: &Client) -> Result {
    let leads = client.module("Leads");
    let batch: Vec<Record> = (0..150)
        .map(|i| record(json!({"Last_Name": format!("Tour {i}"), "Company": "Tourists Inc"})))
        .collect::<Result<_>>()?;
    let created = leads.create_records(batch).send_all().await?; // two requests of at most 100
    let ids: Vec<_> = created
        .successes()
        .filter_map(|s| s.details.id.clone())
        .collect();
    let found = leads
        .search_records_by_criteria("(Company:equals:Tourists Inc)")
        .per_page(200)
        .send()
        .await?;
    let mut change = record(json!({"Company": "Tourists Ltd"}))?;
    change.id = Some(ids[0].clone());
    leads.update_records([change]).send().await?.into_result()?;
    let all: Vec<Record> = leads
        .get_records()
        .sort_order(SortOrder::Asc)
        .stream()
        .try_collect()
        .await?;
    let deleted = leads.delete_records(ids[..100].to_vec()).send().await?;
    let bin = leads.get_recyclebin_records().send().await?;
    println!(
        "created {}, found {}, streamed {}, deleted {}, recycle bin {}",
        ids.len(),
        found.data.len(),
        all.len(),
        deleted.successes().count(),
        bin.data.len()
    );
    ensure(
        ids.len() == 150 && found.data.len() == 150 && bin.data.len() >= 100,
        "bulk round trip",
    )
}

/// Typed values: exact decimals, datetimes with Zoho's offset, lookups by id, null to clear.
pub async fn typed_values(client: &Client) -> Result {
    let owner_id = client.org().get_current_user().send().await?.data[0]
        .id
        .clone()
        .ok_or("the current user has an id")?;
    let mut lead = Lead::new();
    lead.last_name.set("Typed");
    lead.annual_revenue.set("1000".parse::<Decimal>()?); // exact: 1000 stays 1000, never 1000.0
    lead.owner.set(owner_id); // a lookup by id: sent as the bare id
    lead.email.clear(); // sent as null: Zoho clears the field
    let created = client
        .module("Leads")
        .create_records([as_record(&lead)?])
        .send()
        .await?;
    let id = created.into_result()?[0]
        .details
        .id
        .clone()
        .ok_or("an id")?;
    let back: Lead = client.module("Leads").get_record(id).send_as().await?;
    let at: DateTime = back.created_time.ok_or("Created_Time")?; // keeps Zoho's offset
    let since = client
        .module("Leads")
        .get_records()
        .if_modified_since(at - chrono::Duration::hours(1))
        .send()
        .await?;
    ensure(
        back.annual_revenue.as_ref().map(Decimal::as_str) == Some("1000")
            && back.email.is_null()
            && !since.data.is_empty(),
        "typed values come back",
    )
}

/// A module type as the `Record` that write operations take (through its JSON text, unchanged).
fn as_record(lead: &Lead) -> Result<Record> {
    Ok(serde_json::from_str(&serde_json::to_string(lead)?)?)
}

/// Notes, attachments and photos.
pub async fn notes_and_files(client: &Client) -> Result {
    let leads = client.module("Leads");
    let made = leads
        .create_record(record(json!({"Last_Name": "Files"}))?)
        .send()
        .await?;
    let id = made.into_result()?.remove(0).details.id.ok_or("no id")?;
    let lead = client.record("Leads", id);
    let mut note = Note::new();
    note.note_title.set("Call");
    note.note_content.set("Asked for a quote.");
    lead.add_note(note).send().await?.into_result()?;
    let bytes = b"%PDF-1.4 quote".to_vec();
    let up = lead
        .upload_attachment(UploadFile::new("quote.pdf", bytes.clone()))
        .send()
        .await?;
    let att = up.into_result()?.remove(0).details.id.ok_or("no id")?;
    let file = lead.download_attachment(att).send().await?;
    lead.upload_photo(
        UploadFile::new("face.png", b"\x89PNG\r\n\x1a\nface".to_vec()).content_type("image/png"),
    )
    .send()
    .await?;
    let notes = lead.get_notes().send().await?;
    println!(
        "{} note(s); downloaded {:?} ({} bytes)",
        notes.data.len(),
        file.file_name,
        file.bytes.len()
    );
    ensure(
        file.bytes.as_ref() == bytes.as_slice(),
        "the same bytes come back",
    )
}

/// Related records and blueprints.
pub async fn relations_and_blueprint(client: &Client) -> Result {
    let account = client
        .module("Accounts")
        .create_record(record(json!({"Account_Name": "Tour Co"}))?)
        .send()
        .await?;
    let account = account.into_result()?.remove(0).details.id.ok_or("no id")?;
    let contact = client
        .module("Contacts")
        .create_record(record(json!({"Last_Name": "Guide"}))?)
        .send()
        .await?;
    let contact = contact.into_result()?.remove(0).details.id.ok_or("no id")?;
    let acc = client.record("Accounts", account);
    acc.add_relation("Contacts", contact, Record::new())
        .send()
        .await?
        .into_result()?;
    let related = acc.get_related_records("Contacts").send().await?;

    let deal = client
        .module("Deals")
        .create_record(record(
            json!({"Deal_Name": "Tour deal", "Stage": "Qualification"}),
        )?)
        .send()
        .await?;
    let deal = client.record(
        "Deals",
        deal.into_result()?.remove(0).details.id.ok_or("no id")?,
    );
    let bp = deal.get_blueprint().send().await?;
    let first = bp
        .transitions
        .unwrap_or_default()
        .into_iter()
        .next()
        .ok_or("no transition")?;
    let mut step = BlueprintUpdate::new();
    step.transition_id = first.id;
    step.data = json!({"Amount": 1200}).as_object().cloned();
    deal.update_blueprint(step).send().await?;
    println!(
        "{} related contact(s); blueprint moved the deal to {:?}",
        related.data.len(),
        first.next_field_value
    );
    ensure(related.data.len() == 1, "the relation is listed")
}

/// Tags on a module and on records.
pub async fn tags(client: &Client) -> Result {
    let leads = client.module("Leads");
    let mut tag = Tag::new();
    tag.name = Some("tour".into());
    let made = leads.create_tags([tag]).send().await?;
    let tag_id = made.into_result()?.remove(0).details.id.ok_or("no id")?;
    let page = leads.get_records().per_page(3).send().await?;
    let ids: Vec<_> = page.data.iter().filter_map(|r| r.id.clone()).collect();
    leads
        .add_tags_to_multiple_records(["tour"], ids.clone())
        .send()
        .await?
        .into_result()?;
    let count = leads.get_tag_count(tag_id).send().await?;
    println!("tag `tour` is on {:?} records", count.count);
    ensure(count.count == Some(ids.len() as i64), "tag count")
}

/// Org variables and taxes.
pub async fn variables_and_taxes(client: &Client) -> Result {
    let org = client.org();
    let mut v = Variable::new();
    v.name = Some("Tour seats".into());
    v.api_name = Some("Tour_Seats".into());
    v.type_ = Some(VariableType::Integer);
    v.value = Some(json!(12));
    let mut group = LookupRef::new();
    group.name = Some("General".into());
    v.variable_group = Some(group);
    org.create_variables([v]).send().await?.into_result()?;
    let fetched = client.variable("Tour_Seats").get_variable().send().await?;
    let mut tax = OrgTax::new();
    tax.name = Some("Tour VAT".into());
    tax.value = Some("7.5".parse()?);
    org.create_organization_taxes([tax])
        .send()
        .await?
        .into_result()?;
    let taxes = org.get_organization_taxes().send().await?;
    println!(
        "variable Tour_Seats = {:?}; {} taxes",
        fetched.value,
        taxes.data.len()
    );
    ensure(fetched.value == Some(json!(12)), "variable value")
}

/// Converting a lead, and a mass update.
pub async fn convert_and_mass_update(client: &Client) -> Result {
    let leads = client.module("Leads");
    let made = leads
        .create_record(record(json!({"Last_Name": "Convertible", "Company": "Tour Holdings", "Email": "convert@tour.test"}))?)
        .send()
        .await?;
    let id = made.into_result()?.remove(0).details.id.ok_or("no id")?;
    let mut how = ConvertLead::new();
    how.deals = Some(record(
        json!({"Deal_Name": "From the tour", "Stage": "Qualification"}),
    )?);
    let converted = client
        .record("Leads", id)
        .convert_record(how)
        .send()
        .await?;

    let contacts = client
        .module("Contacts")
        .get_records()
        .per_page(5)
        .send()
        .await?;
    let ids: Vec<_> = contacts.data.iter().filter_map(|r| r.id.clone()).collect();
    let job = client
        .module("Contacts")
        .mass_update_records(record(json!({"Lead_Source": "Tour"}))?)
        .ids(ids)
        .send()
        .await?;
    let job_id = job
        .into_result()?
        .remove(0)
        .details
        .job_id
        .ok_or("no job id")?;
    let status = client
        .module("Contacts")
        .get_mass_update_status(job_id)
        .send()
        .await?;
    println!(
        "converted into contact {:?} and deal {:?}; mass update {:?}",
        converted.contacts, converted.deals, status.status
    );
    ensure(
        converted.contacts.is_some() && converted.deals.is_some(),
        "conversion",
    )
}

/// Runs every area against a fresh emulator.
pub async fn run() -> Result {
    let emu = Emulator::start().await?;
    let client = Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(emu.api_base_url())
        .current_user_email("ada@zylker.test")
        .build()?;
    client
        .generate_access_token(&emu.grant_code("ada@zylker.test"))
        .await?;
    org_and_users(&client).await?;
    module_metadata(&client).await?;
    records(&client).await?;
    typed_values(&client).await?;
    notes_and_files(&client).await?;
    relations_and_blueprint(&client).await?;
    tags(&client).await?;
    variables_and_taxes(&client).await?;
    convert_and_mass_update(&client).await?;
    Ok(())
}

#[allow(dead_code)] // also compiled as a module of tests/examples.rs
#[tokio::main]
async fn main() -> Result {
    run().await
}

//! The quickstart: no Zoho account needed. Starts the embedded emulator, exchanges a grant code
//! for tokens, then creates, searches, updates, pages through and deletes Leads.
//!
//! Run with `cargo run --example quickstart`. Against real Zoho, build the client with your
//! `client_id`, `client_secret`, `redirect_uri` and `data_center` instead of the emulator's URLs.

use futures_util::TryStreamExt;
use std::time::Instant;
use zohocrm::Client;
use zohocrm::types::Record;
use zohocrm_emulator::Emulator;

/// Everything the example does; `main` runs it, and so does `tests/examples.rs`.
pub async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let emu = Emulator::start().await?;
    println!("emulator listening on {}", emu.base_url());

    let client = Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(emu.api_base_url())
        .build()?;

    // One-time step: a grant code (from the API console, or a "Login with Zoho" redirect).
    let token = client
        .generate_access_token(&emu.grant_code("ada@zylker.test"))
        .await?;
    let user = token.user_name.clone().unwrap_or_default();
    println!("exchanged a grant code; tokens saved for {user}");
    let client = client.for_user(user);

    let org = client.get_organization_details().send().await?;
    println!("org: {}", org.company_name.as_deref().unwrap_or("?"));

    let leads = client.module("Leads");
    let mut batch = Vec::new();
    for (first, last, company) in [
        ("Grace", "Hopper", "Navy Labs"),
        ("Alan", "Turing", "Bletchley"),
        ("Katherine", "Johnson", "NASA"),
    ] {
        let mut r = Record::new();
        r.set_field_value("First_Name", first)?
            .set_field_value("Last_Name", last)?
            .set_field_value("Company", company)?
            .set_field_value("Email", format!("{}@example.test", last.to_lowercase()))?;
        batch.push(r);
    }
    let created = leads.create_records(batch).send().await?;
    let ids: Vec<_> = created
        .successes()
        .filter_map(|s| s.details.id.clone())
        .collect();
    println!(
        "created {} leads: {}",
        ids.len(),
        ids.iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );

    let found = leads
        .search_records_by_criteria("((Last_Name:equals:Turing)and(Company:starts_with:Bletch))")
        .send()
        .await?;
    println!("criteria search found {} lead(s)", found.data.len());

    let mut change = Record::new();
    change.id = Some(ids[0].clone());
    change.set_field_value("Company", "Harvard Mark I")?;
    let updated = leads.update_records([change]).send().await?;
    println!(
        "updated: {}",
        updated
            .successes()
            .map(|s| s.message.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );

    let all: Vec<Record> = leads
        .get_records()
        .per_page(2)
        .stream()
        .try_collect()
        .await?;
    println!("paged through {} leads, 2 per page", all.len());

    let deleted = leads.delete_records(ids.clone()).send().await?;
    println!("deleted {} leads", deleted.successes().count());

    match leads.get_record(ids[0].clone()).send().await {
        Err(e) => println!("fetching a deleted lead fails as it should: {e}"),
        Ok(_) => return Err("a deleted lead was still there".into()),
    }
    println!("done in {:.0?}", started.elapsed());
    Ok(())
}

#[allow(dead_code)] // also compiled as a module of tests/examples.rs
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    run().await
}

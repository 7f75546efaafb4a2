//! Your own org's API, typed: the Invoices module with its custom fields, a shipments endpoint
//! of your own, and an extra operation on the SDK's `module` handle, all from `spec/org.yaml`.
//!
//! `cargo run` starts the embedded emulator with that spec loaded (so it serves the shipments
//! endpoint too) and calls every operation. Against real Zoho, build the client with your own
//! credentials instead.

// The generated modules `types`, `handles` and `prelude`, mounted here.
include!(concat!(env!("OUT_DIR"), "/zohocrm_org.rs"));

use prelude::*;
use types::{Carrier, Invoice, LookupRef, Record, Shipment};
use zohocrm::{Client, Fields, Id};
use zohocrm_emulator::{Emulator, EmulatorConfig};

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut config = EmulatorConfig::default();
    config.extra_specs.push((
        "spec/org.yaml".into(),
        include_str!("../spec/org.yaml").into(),
    ));
    let emu = Emulator::start_with(config).await?;
    let client = Client::builder()
        .client_id(emu.client_id())
        .client_secret(emu.client_secret())
        .redirect_uri(emu.redirect_uri())
        .accounts_url(emu.accounts_url())
        .api_base_url(emu.api_base_url())
        .build()?;
    let token = client
        .generate_access_token(&emu.grant_code("ada@zylker.test"))
        .await?;
    let client = client.for_user(token.user_name.unwrap_or_default());

    invoices(&client).await?;
    shipments(&client).await?;
    emu.shutdown().await;
    println!("custom-org: done");
    Ok(())
}

/// A built-in operation, decoded into this org's `Invoice` (custom field included).
async fn invoices(client: &Client) -> Result<(), Error> {
    let product = client
        .module("Products")
        .get_records()
        .send()
        .await?
        .data
        .into_iter()
        .next()
        .and_then(|p| p.id)
        .ok_or("the emulator has no product")?;
    let mut invoice = Record::new();
    invoice
        .set_field_value("Subject", "Widgets for Zylker")?
        .set_field_value("PO_Number__c", "PO-7731")?
        .set_field_value("Product_Details", [line_item(product, 3)?])?;
    client
        .module("Invoices")
        .create_records([invoice])
        .send()
        .await?
        .into_result()?;

    let page = client
        .module("Invoices")
        .get_records()
        .send_as::<Invoice>()
        .await?;
    let ours = page
        .data
        .iter()
        .find(|i| i.po_number.as_deref() == Some("PO-7731"))
        .ok_or("the new invoice is missing")?;
    println!(
        "invoice {:?}: {:?}, PO {:?}, total {:?}",
        ours.id, ours.subject, ours.po_number, ours.grand_total
    );

    // This org's extra operation on the SDK's `module` handle (ModuleHandleExt).
    let archived = client
        .module("Invoices")
        .get_archived_records()
        .per_page(10)
        .send()
        .await?;
    println!("archived invoices: {}", archived.data.len());
    Ok(())
}

/// One line of an inventory record's `Product_Details`.
fn line_item(product: Id, quantity: i64) -> Result<Fields, Error> {
    let mut product_ref = LookupRef::new();
    product_ref.id = Some(product);
    let mut line = Fields::new();
    line.set("product", &product_ref)?
        .set("quantity", quantity)?;
    Ok(line)
}

/// This org's own endpoint, through its own handle (`client.shipments()`, from ClientExt).
async fn shipments(client: &Client) -> Result<(), Error> {
    let mut parcel = Shipment::new();
    parcel.tracking_number = Some("1Z999AA10123456784".into());
    parcel.carrier = Some(Carrier::Ups);
    parcel.weight_kg = Some("2.5".parse()?);
    let created = client
        .shipments()
        .create_shipments([parcel])
        .send()
        .await?
        .into_result()?;
    let id = created[0].details.id.clone().ok_or("no shipment id")?;
    println!("shipment created: {}", id.as_str());

    let fetched = client.shipments().get_shipment(id.clone()).send().await?;
    println!(
        "shipment {}: {:?} via {:?}",
        id.as_str(),
        fetched.tracking_number,
        fetched.carrier
    );
    let listed = client.shipments().list_shipments().send().await?;
    println!("shipments listed: {}", listed.data.len());
    client
        .shipments()
        .delete_shipment(id)
        .send()
        .await?
        .into_result()?;
    println!("shipment deleted");
    Ok(())
}

//! The operations of the official zohocrmsdk2-0 6.0.0 SDK that the seed's list lacks, over real
//! HTTP against the emulator, through the generated SDK: one file per Zoho resource, each with
//! the typed results and at least one bad input.

#[path = "../support/mod.rs"]
mod support;

mod contact_roles;
mod currencies;
mod files;
mod notes;
mod notifications;
mod org_settings;
mod related;
mod sharing;

//! Typed async client for the Zoho CRM REST API v2.
//!
//! ```no_run
//! # async fn run() -> zohocrm::Result<()> {
//! use zohocrm::{Client, DataCenter};
//! let client = Client::builder()
//!     .client_id("1000.XXXX")
//!     .client_secret("secret")
//!     .redirect_uri("https://example.com/callback")
//!     .current_user_email("me@example.com")
//!     .data_center(DataCenter::EU)
//!     .build()?;
//! let page = client.module("Leads").get_records().per_page(50).send().await?;
//! for lead in &page.data {
//!     let last: Option<String> = lead.get_field_value("Last_Name").transpose()?;
//!     println!("{:?} {:?}", lead.id, last);
//! }
//! # Ok(()) }
//! ```
//!
//! Operations and entities are generated from `spec/` into `generated/`; this crate's own code is
//! the runtime around them: configuration, OAuth, token stores, errors and the one execution
//! path every call goes through.
#![warn(missing_docs)]

// Generated code names this crate `::zohocrm` (see `support`), here as in users' crates.
extern crate self as zohocrm;

mod client;
pub mod config;
mod decode;
mod entity;
pub mod error;
mod fields;
mod oauth;
mod paging;
mod request;
mod response;
mod secret;
pub mod settings;
pub mod store;
pub mod support;
mod token;

// prettyplease formats generated/, so rustfmt must leave it alone (`codegen check` compares bytes).
#[allow(missing_docs, clippy::all)]
#[rustfmt::skip]
#[path = "../generated/mod.rs"]
mod generated;

pub use client::{Client, ClientBuilder};
pub use config::{DataCenter, Environment};
pub use error::{ApiError, Error, ErrorCode, Result};
pub use fields::{Fields, Id};
pub use generated::{handles, types};
pub use request::{Method, Request, UploadFile};
pub use response::{
    ActionResults, ActionSuccess, FileDownload, FileStream, Info, Page, RawResponse,
};
pub use secret::Secret;
pub use settings::Settings;
pub use token::Token;

/// Stream traits, re-exported so `.stream()` and `FileStream` are usable without adding the
/// `futures` crate: `use zohocrm::stream::TryStreamExt;`.
pub mod stream {
    pub use futures_util::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
}

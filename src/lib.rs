#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

// Generated code names this crate `::zohocrm` (see `support`), here as in users' crates.
extern crate self as zohocrm;

mod api_domain;
mod bulk;
mod bulk_write;
mod client;
pub mod config;
mod coql;
mod criteria;
mod datetime;
mod decimal;
mod decode;
mod disposition;
mod entity;
pub mod error;
mod error_kind;
mod fields;
mod full_read;
mod id;
mod json;
mod meta;
mod nullable;
mod oauth;
mod paging;
mod raw;
mod redact;
mod report;
mod request;
mod response;
mod retry;
mod secret;
pub mod settings;
mod shared;
pub mod store;
pub mod support;
mod token;

// prettyplease formats generated/, so rustfmt must leave it alone (`codegen check` compares bytes).
#[allow(missing_docs, clippy::all)]
#[rustfmt::skip]
#[path = "../generated/mod.rs"]
mod generated;

pub use bulk::BulkRead;
pub use bulk_write::{BulkRowDetails, BulkRowResult, BulkWrite, BulkWriteOperation, MAX_ZIP_BYTES};
/// The date-time crate of [`DateTime`] and [`Date`], re-exported so its constructors and
/// formatting are at hand without a version to match.
pub use chrono;
pub use client::{Client, ClientBuilder, DEFAULT_MAX_BODY_BYTES, SMALL_BODY_BYTES};
pub use config::{DataCenter, Environment};
pub use criteria::{Comparator, Criteria};
pub use datetime::{Date, DateTime};
pub use decimal::{Decimal, DecimalError};
pub use error::{ApiError, Error, ErrorCode, OUTCOME_UNKNOWN, Result};
pub use error_kind::TimeoutKind;
pub use fields::Fields;
pub use generated::{handles, types};
pub use id::Id;
pub use meta::{ResponseMeta, WithMeta};
pub use nullable::Nullable;
pub use report::Report;
pub use request::{Method, Request, UploadFile, ZOHO_DOMAINS};
pub use response::{
    ActionResults, ActionSuccess, FileDownload, FileStream, HasId, Info, Page, RawResponse,
};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use settings::Settings;
pub use token::Token;

/// Stream traits, re-exported so `.stream()` and `FileStream` are usable without adding the
/// `futures` crate: `use zohocrm::stream::TryStreamExt;`.
pub mod stream {
    pub use futures_util::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
}

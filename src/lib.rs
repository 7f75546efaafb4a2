//! Typed async client for the Zoho CRM REST API v2.
#![warn(missing_docs)]

mod decode;
pub mod error;
mod secret;
pub mod store;
mod token;

pub use error::{Error, Result};
pub use secret::Secret;
pub use token::Token;

//! The zohocrm generator: spec YAML → IR → Rust (quote → prettyplease).
//!
//! Stages, each usable on its own: [`load`] (strict YAML with file:line:col errors, then
//! validation and lowering) → [`ir`] → `emit` (behind the default `emit` feature). [`diff`] and
//! [`coverage`] read the IR too. The library never writes to disk; the binary does.

#[cfg(feature = "emit")]
pub mod build;
pub mod builtin;
pub mod coverage;
pub mod diff;
#[cfg(feature = "emit")]
pub mod emit;
pub mod ir;
pub mod load;
mod locate;
pub mod model;
pub mod names;
#[cfg(feature = "cli")]
pub mod org;

pub use load::{load_dir, load_sources, SpecError, SpecErrors};

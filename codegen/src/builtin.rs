//! The SDK's own spec, embedded at build time (`build.rs`), so user specs load on top of it.

use crate::ir::Api;
use crate::load::{load_sources, SpecErrors};

/// `(file name, text)` of every file of the SDK's `spec/` (the reference list excepted), in
/// name order.
pub const SOURCES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/spec_sources.rs"));

/// Loads the SDK's spec alone.
pub fn load() -> Result<Api, SpecErrors> {
    load_with(&[])
}

/// Loads the SDK's spec plus `extra` `(file name, text)` files, as one spec: names are global,
/// so the extra files may use built-in entities, enums and handles, and may not redefine them.
/// Items keep their file in `source`, so callers can tell the extra ones apart.
pub fn load_with(extra: &[(String, String)]) -> Result<Api, SpecErrors> {
    let mut all: Vec<(String, String)> = SOURCES
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    all.extend(extra.iter().cloned());
    load_sources(&all)
}

/// Whether `file` names one of the SDK's own spec files.
pub fn is_builtin_file(file: &str) -> bool {
    SOURCES.iter().any(|(n, _)| *n == file)
}

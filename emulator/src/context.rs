//! What a handler gets: the validated request and who is calling.

use crate::validate::BodyInput;
use serde_json::Value;
use std::collections::HashMap;

/// A validated CRM request.
#[derive(Debug)]
pub struct Ctx {
    /// Path placeholder values.
    pub vars: HashMap<String, String>,
    /// Query parameters (validated against the spec).
    pub query: HashMap<String, String>,
    /// `If-Modified-Since`, as Unix seconds.
    pub if_modified_since: Option<i64>,
    /// The JSON body, for operations that take one.
    pub body: Option<BodyInput>,
    /// The caller's email.
    pub email: String,
    /// The caller as records embed users: `{name, id, email}`.
    pub user: Value,
    /// The module's canonical API name, for module-scoped operations.
    pub module: Option<String>,
    /// Request time, Unix seconds.
    pub now: i64,
    /// The request body as sent (COQL and bulk calls read it themselves).
    pub raw_body: axum::body::Bytes,
    /// The parts of a `multipart/form-data` body (uploads).
    pub form: Option<Vec<crate::multipart::Part>>,
}

impl Ctx {
    /// A query parameter, when sent and not blank.
    pub fn q(&self, key: &str) -> Option<&str> {
        self.query
            .get(key)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// An integer query parameter (already validated), or `default`.
    pub fn q_int(&self, key: &str, default: i64) -> i64 {
        self.q(key).and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    /// The first path placeholder among `names` that is present.
    pub fn var(&self, names: &[&str]) -> Option<&str> {
        names
            .iter()
            .find_map(|n| self.vars.get(*n))
            .map(String::as_str)
    }
}

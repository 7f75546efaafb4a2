//! Decoding helpers shared by the runtime and the generated code.

use serde::{Deserialize, Deserializer};

/// Accepts a string or a number (Zoho sends `"limit": "100"` and `"limit": 100`).
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum S {
        S(String),
        N(serde_json::Number),
        B(bool),
    }
    Ok(Option::<S>::deserialize(d)?.map(|s| match s {
        S::S(s) => s,
        S::N(n) => n.to_string(),
        S::B(b) => b.to_string(),
    }))
}

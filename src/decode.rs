//! Decoding helpers shared by the runtime and the generated code.

use serde::{Deserialize, Deserializer};

/// Accepts a string or a number (Zoho sends `"limit": "100"` and `"limit": 100`).
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        Text(String),
        Number(serde_json::Number),
        Bool(bool),
    }
    Ok(Option::<Scalar>::deserialize(d)?.map(|s| match s {
        Scalar::Text(s) => s,
        Scalar::Number(n) => n.to_string(),
        Scalar::Bool(b) => b.to_string(),
    }))
}

//! `Decimal`: a number (decimal, currency, percent) kept as the exact text Zoho sent.

use crate::raw::{RawText, serialize as serialize_raw};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An exact decimal number: the digits Zoho sent, unchanged.
///
/// Zoho's `decimal`, `currency`, `percent` and `double` fields are JSON numbers. Parsing them to
/// `f64` rounds (`0.1 + 0.2`) and re-encodes `1000` as `1000.0`; this type keeps the text, so a
/// value sent back is the value received, digit for digit. Convert on demand with
/// [`Decimal::to_f64`], [`Decimal::as_str`] or, with the `rust_decimal` feature,
/// `rust_decimal::Decimal::try_from(&d)`.
///
/// Zoho sometimes sends numbers as strings (`"12.50"`); such a value is accepted and written back
/// as a string. Equality compares the text: `1000` and `1000.0` differ.
///
/// ```
/// use zohocrm::Decimal;
/// let price: Decimal = "1000".parse()?;
/// assert_eq!(serde_json::to_string(&price)?, "1000");
/// assert_eq!(price.to_f64(), 1000.0);
/// assert!("12,5".parse::<Decimal>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    text: Box<str>,
    quoted: bool,
}

/// Text that is not a JSON number (`12,5`, `1e`, `NaN` ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a decimal number (expected JSON number syntax, like `-12.50` or `1e3`)")]
pub struct DecimalError(String);

impl Decimal {
    /// The number's text, as received or as built.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The nearest `f64` (may round).
    pub fn to_f64(&self) -> f64 {
        self.text.parse().unwrap_or(f64::NAN)
    }

    /// True when Zoho sent it as a JSON string (it is written back as one).
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// From the raw JSON text of a field: a number, or a string holding one.
    pub(crate) fn from_json(raw: &str) -> Result<Decimal, DecimalError> {
        if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            let mut d: Decimal = inner.parse()?;
            d.quoted = true;
            return Ok(d);
        }
        raw.parse()
    }
}

/// True for JSON number syntax: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

impl FromStr for Decimal {
    type Err = DecimalError;
    /// JSON number syntax only, so the text can be sent as it is.
    fn from_str(s: &str) -> Result<Self, DecimalError> {
        if is_json_number(s) {
            Ok(Decimal {
                text: s.into(),
                quoted: false,
            })
        } else {
            Err(DecimalError(s.chars().take(64).collect()))
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            fn from(v: $t) -> Self {
                Decimal { text: v.to_string().into(), quoted: false }
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl TryFrom<f64> for Decimal {
    type Error = DecimalError;
    /// The shortest text that reads back as the same `f64` (`1000.0` → `1000`); NaN and
    /// infinities are errors.
    fn try_from(v: f64) -> Result<Self, DecimalError> {
        if !v.is_finite() {
            return Err(DecimalError(v.to_string()));
        }
        v.to_string().parse()
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.quoted {
            s.serialize_str(&self.text)
        } else {
            serialize_raw(&self.text, s)
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawText::deserialize(d)?;
        Decimal::from_json(&raw.0).map_err(serde::de::Error::custom)
    }
}

impl crate::request::ToParam for Decimal {
    fn to_param(&self) -> String {
        self.text.to_string()
    }
}

#[cfg(feature = "rust_decimal")]
#[cfg_attr(docsrs, doc(cfg(feature = "rust_decimal")))]
impl TryFrom<&Decimal> for rust_decimal::Decimal {
    type Error = rust_decimal::Error;
    /// Exact when the value fits `rust_decimal`'s 96-bit mantissa.
    fn try_from(d: &Decimal) -> Result<Self, Self::Error> {
        if d.text.contains(['e', 'E']) {
            rust_decimal::Decimal::from_scientific(&d.text)
        } else {
            d.text.parse()
        }
    }
}

#[cfg(feature = "rust_decimal")]
#[cfg_attr(docsrs, doc(cfg(feature = "rust_decimal")))]
impl From<rust_decimal::Decimal> for Decimal {
    fn from(v: rust_decimal::Decimal) -> Self {
        Decimal {
            text: v.to_string().into(),
            quoted: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_number_syntax() {
        for ok in [
            "0",
            "-0",
            "1000",
            "12.50",
            "-18.458750000000002",
            "1e3",
            "2.5E-7",
        ] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "12,5", "NaN", "1 "] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn round_trips_text_and_quotes() {
        let v: Vec<Decimal> =
            serde_json::from_str(r#"[1000, 12.50, "7.10", -18.458750000000002]"#).unwrap();
        assert!(v[2].is_quoted());
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"[1000,12.50,"7.10",-18.458750000000002]"#
        );
        assert_eq!(Decimal::try_from(1000.0).unwrap().as_str(), "1000");
        assert!(Decimal::try_from(f64::NAN).is_err());
    }
}

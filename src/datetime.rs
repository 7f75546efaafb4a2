//! Zoho's `datetime` and `date` values, as `chrono` types.
//!
//! `chrono` because its `DateTime<FixedOffset>` keeps the offset a value was written with
//! (`2019-01-16T15:12:52+05:30` stays `+05:30`, not converted to UTC), writes back the same text,
//! and is what sqlx, serde and most of the ecosystem speak (`sqlx` binds it with its `chrono`
//! feature).

use serde::de::Error as _;

/// A Zoho `datetime`: ISO-8601 with the offset Zoho sent, e.g. `2019-01-16T15:12:52+05:30`.
///
/// Decoding is exact: a value whose text would not be written back unchanged (fractional
/// seconds written differently, `Z` for `+00:00`, no offset) is not typed; it stays in the
/// entity's `extra`, untouched. Build one with
/// `zohocrm::chrono::DateTime::parse_from_rfc3339("2019-01-16T15:12:52+05:30")` or
/// `chrono::Utc::now().fixed_offset()`.
pub type DateTime = chrono::DateTime<chrono::FixedOffset>;

/// A Zoho `date`: a calendar date, `YYYY-MM-DD`.
pub type Date = chrono::NaiveDate;

fn two(b: &[u8], i: usize) -> Option<u32> {
    let (h, l) = (b[i].wrapping_sub(b'0'), b[i + 1].wrapping_sub(b'0'));
    (h < 10 && l < 10).then(|| u32::from(h) * 10 + u32::from(l))
}

fn date_at(b: &[u8]) -> Option<Date> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = two(b, 0)? * 100 + two(b, 2)?;
    Date::from_ymd_opt(year as i32, two(b, 5)?, two(b, 8)?)
}

/// `YYYY-MM-DDTHH:MM:SS±HH:MM`, the only form Zoho writes, without going through a format
/// parser (this runs for every datetime of every record of a page).
fn zoho_datetime(s: &str) -> Option<DateTime> {
    let b = s.as_bytes();
    if b.len() != 25 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[22] != b':' {
        return None;
    }
    let date = date_at(b)?;
    let time = chrono::NaiveTime::from_hms_opt(two(b, 11)?, two(b, 14)?, two(b, 17)?)?;
    let secs = (two(b, 20)? * 3600 + two(b, 23)? * 60) as i32;
    let offset = match b[19] {
        b'+' => chrono::FixedOffset::east_opt(secs)?,
        b'-' if secs != 0 => chrono::FixedOffset::west_opt(secs)?,
        _ => return None,
    };
    date.and_time(time).and_local_timezone(offset).single()
}

/// The JSON string content of `raw`, when it has no escapes.
fn plain_string(raw: &str) -> Option<&str> {
    let s = raw.strip_prefix('"')?.strip_suffix('"')?;
    (!s.contains('\\')).then_some(s)
}

/// A field value: exact or an error (the caller keeps the raw value instead).
pub fn datetime_from_json(raw: &str) -> Result<DateTime, serde_json::Error> {
    let s = plain_string(raw).ok_or_else(|| serde_json::Error::custom("not a datetime string"))?;
    if let Some(v) = zoho_datetime(s) {
        return Ok(v);
    }
    let v = DateTime::parse_from_rfc3339(s).map_err(serde_json::Error::custom)?;
    if to_text(&v) == s {
        Ok(v)
    } else {
        Err(serde_json::Error::custom(format_args!(
            "`{s}` would not be written back unchanged"
        )))
    }
}

/// A field value: `YYYY-MM-DD` or an error.
pub fn date_from_json(raw: &str) -> Result<Date, serde_json::Error> {
    let s = plain_string(raw).ok_or_else(|| serde_json::Error::custom("not a date string"))?;
    match (s.len(), date_at(s.as_bytes())) {
        (10, Some(d)) => Ok(d),
        _ => Err(serde_json::Error::custom(format_args!(
            "`{s}` is not a YYYY-MM-DD date"
        ))),
    }
}

/// The text `chrono` writes for a datetime (its `Serialize` output): seconds, and fractional
/// seconds only when present.
pub(crate) fn to_text(v: &DateTime) -> String {
    v.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// Serializes a datetime as Zoho writes it: `+00:00`, never `Z` (chrono's own `Serialize`
/// writes `Z` for a zero offset).
pub struct ZohoDateTime<'a>(pub &'a DateTime);

impl serde::Serialize for ZohoDateTime<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&to_text(self.0))
    }
}

impl crate::request::ToParam for DateTime {
    fn to_param(&self) -> String {
        to_text(self)
    }
}

impl crate::request::ToParam for Date {
    fn to_param(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_round_trips() {
        for text in [
            "2019-01-16T15:12:52+05:30",
            "2026-05-14T12:51:54-03:00",
            "2026-05-14T12:51:54+00:00",
            "2026-05-14T12:51:54.250+00:00",
        ] {
            let raw = format!("\"{text}\"");
            let v = datetime_from_json(&raw).unwrap();
            assert_eq!(serde_json::to_string(&ZohoDateTime(&v)).unwrap(), raw);
            assert_eq!(crate::request::ToParam::to_param(&v), text);
        }
        let v = datetime_from_json("\"2019-01-16T15:12:52+05:30\"").unwrap();
        assert_eq!(v.offset().local_minus_utc(), 5 * 3600 + 1800);
        for kept_raw in [
            "\"2026-05-14T12:51:54Z\"",
            "\"2016-01-11T16:45:33\"",
            "\"2026-05-14T12:51:54.25+00:00\"",
            "\"2026-02-30T12:51:54+00:00\"",
            "\"2026-05-14T12:51:54-00:00\"",
            "1",
        ] {
            assert!(datetime_from_json(kept_raw).is_err(), "{kept_raw}");
        }
        let d = date_from_json("\"2019-01-16\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2019-01-16\"");
        assert!(date_from_json("\"2019-1-16\"").is_err());
    }
}

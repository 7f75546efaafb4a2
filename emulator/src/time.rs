//! ISO-8601 timestamps without a date crate: Zoho only needs `YYYY-MM-DDTHH:MM:SS±HH:MM`, and the
//! emulator keeps every time in UTC so comparisons are plain integer comparisons.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Formats Unix seconds as `2026-11-25T10:00:00+00:00`.
pub fn format_iso(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Parses `YYYY-MM-DDTHH:MM:SS` followed by `Z`, `±HH:MM` or nothing (UTC), with optional
/// fractional seconds, into Unix seconds.
pub fn parse_iso(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = s.split_at_checked(10)?;
    let days = parse_date_days(date)?;
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let (clock, mut tail) = rest.split_at_checked(8)?;
    let mut parts = clock.split(':');
    let h: i64 = num(parts.next()?, 2)?;
    let mi: i64 = num(parts.next()?, 2)?;
    let se: i64 = num(parts.next()?, 2)?;
    if h > 23 || mi > 59 || se > 60 {
        return None;
    }
    if let Some(frac) = tail.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        tail = &frac[n..];
    }
    let offset = match tail {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match tail.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let body = &tail[1..];
            let (oh, om) = match body.len() {
                5 if body.as_bytes()[2] == b':' => {
                    (num(body.get(..2)?, 2)?, num(body.get(3..)?, 2)?)
                }
                4 => (num(body.get(..2)?, 2)?, num(body.get(2..)?, 2)?),
                2 => (num(body, 2)?, 0),
                _ => return None,
            };
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days * 86_400 + h * 3600 + mi * 60 + se - offset)
}

/// Parses `YYYY-MM-DD` into days since the epoch.
pub fn parse_date_days(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = num(&s[..4], 4)?;
    let m: i64 = num(&s[5..7], 2)?;
    let d: i64 = num(&s[8..], 2)?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn num(s: &str, len: usize) -> Option<i64> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

// Howard Hinnant's algorithms: exact for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let t = parse_iso("2026-11-25T10:00:00+00:00").unwrap();
        assert_eq!(format_iso(t), "2026-11-25T10:00:00+00:00");
        assert_eq!(
            parse_iso("2019-07-25T15:26:49+05:30"),
            parse_iso("2019-07-25T09:56:49Z")
        );
        assert_eq!(parse_iso("1970-01-01T00:00:00Z"), Some(0));
        assert!(parse_iso("2019-13-25T15:26:49+05:30").is_none());
        assert!(parse_iso("yesterday").is_none());
        assert!(parse_iso("2019-07-25T15:26:49+0").is_none());
    }
}

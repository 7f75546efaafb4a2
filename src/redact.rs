//! Scrubbing secrets out of bodies before any part of them reaches an error message or a log.
//!
//! It works on bytes, not on parsed JSON, so a body that does not parse (truncated, trailing
//! garbage, an array, form-encoded) is scrubbed exactly like a well-formed one. Three rules:
//! the value after a secret key (`access_token`, `refresh_token` ...), anything shaped like a
//! Zoho OAuth token (`1000.` then at least 8 token characters; Zoho's are `1000.<32 hex>.<32
//! hex>`), and any run of hex digits and dots holding 10 or more hex digits with a letter among
//! them (a piece of such a token that a stray byte split off). Record ids and numbers, which have
//! no letter, are kept.

/// How far past an excerpt's cut scrubbing looks, so a secret straddling the cut is seen whole.
pub(crate) const LOOKAHEAD: usize = 512;

const REDACTED: &[u8] = b"[redacted]";

/// Keys whose values are secrets, in token responses, store rows and form bodies.
const SECRET_KEYS: &[&[u8]] = &[
    b"access_token",
    b"refresh_token",
    b"id_token",
    b"grant_token",
    b"client_secret",
    b"password",
];

/// `body` with every secret-shaped part replaced by `[redacted]`.
pub(crate) fn scrub(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if let Some(end) = secret_key_value(body, i) {
            // Keep the key and its separator; drop the value.
            let (key_end, value_end) = end;
            out.extend_from_slice(&body[i..key_end]);
            out.extend_from_slice(REDACTED);
            i = value_end;
            continue;
        }
        if let Some(end) = token_shaped(body, i) {
            out.extend_from_slice(b"1000.");
            out.extend_from_slice(REDACTED);
            i = end;
            continue;
        }
        if let Some(end) = hex_run(body, i) {
            out.extend_from_slice(REDACTED);
            i = end;
            continue;
        }
        out.push(body[i]);
        i += 1;
    }
    out
}

fn is_value_end(b: u8) -> bool {
    matches!(
        b,
        b'"' | b'\'' | b',' | b'}' | b']' | b'&' | b' ' | b'\t' | b'\r' | b'\n'
    )
}

/// At a secret key: (end of key and separator, end of value).
fn secret_key_value(body: &[u8], at: usize) -> Option<(usize, usize)> {
    let key = SECRET_KEYS
        .iter()
        .find(|k| body.len() >= at + k.len() && body[at..at + k.len()].eq_ignore_ascii_case(k))?;
    // Not the tail of a longer name (`my_access_token` is still a secret; `xaccess_token` too).
    let mut j = at + key.len();
    while j < body.len() && matches!(body[j], b'"' | b'\'' | b' ' | b'\t' | b'\r' | b'\n') {
        j += 1;
    }
    if j >= body.len() || !matches!(body[j], b':' | b'=') {
        return None;
    }
    j += 1;
    while j < body.len() && matches!(body[j], b' ' | b'\t' | b'\r' | b'\n') {
        j += 1;
    }
    let value_start = j;
    if j < body.len() && matches!(body[j], b'"' | b'\'') {
        let quote = body[j];
        j += 1;
        while j < body.len() && body[j] != quote {
            // An escaped quote stays inside the value.
            j += if body[j] == b'\\' { 2 } else { 1 };
        }
        // The closing quote (if any) is kept, so the excerpt still reads as JSON.
        return Some((value_start + 1, j.min(body.len())));
    }
    while j < body.len() && !is_value_end(body[j]) {
        j += 1;
    }
    (j > value_start).then_some((value_start, j))
}

/// At `1000.` followed by at least 8 token characters, not inside a longer number: the end.
fn token_shaped(body: &[u8], at: usize) -> Option<usize> {
    const PREFIX: &[u8] = b"1000.";
    if !body[at..].starts_with(PREFIX) || (at > 0 && body[at - 1].is_ascii_digit()) {
        return None;
    }
    let start = at + PREFIX.len();
    let mut j = start;
    while j < body.len() && !is_value_end(body[j]) {
        j += 1;
    }
    (j - start >= 8).then_some(j)
}

/// At a run of hex digits and dots holding 10+ hex digits with a letter among them: the end.
/// Such a run is a token, or a piece of one that a stray byte split off or glued to other text
/// (no word boundary is required). Numbers, decimals and record ids (no letter) never match.
fn hex_run(body: &[u8], at: usize) -> Option<usize> {
    let (mut j, mut hex, mut letter) = (at, 0, false);
    while j < body.len() && (body[j].is_ascii_hexdigit() || body[j] == b'.') {
        if body[j] != b'.' {
            hex += 1;
            letter |= body[j].is_ascii_alphabetic();
        }
        j += 1;
    }
    (hex >= 10 && letter).then_some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: &str = "1000.8f3a9c2e7b1d4f6a0c5e8b2d9f4a7c1e.3b8e1f6a9d2c5e0b7f4a1d8c3e6b9f2a";
    const RT: &str = "1000.d4e9a2f7c1b8e3a6f0d5c2b9e4a7f1c8.a6c1f8e3b0d7a2c9f4e1b6d3a8c5f0e2";

    fn clean(body: &str) -> String {
        String::from_utf8(scrub(body.as_bytes())).unwrap()
    }

    fn assert_clean(body: &str) {
        let out = clean(body);
        for secret in [AT, RT] {
            let tail = &secret[5..];
            for w in tail.as_bytes().windows(12) {
                let w = std::str::from_utf8(w).unwrap();
                assert!(!out.contains(w), "{w} leaked from {body:?}: {out}");
            }
        }
    }

    #[test]
    fn broken_token_bodies_are_scrubbed() {
        let whole =
            format!(r#"{{"access_token":"{AT}","refresh_token":"{RT}","expires_in":3600}}"#);
        assert_clean(&whole);
        // Truncated inside the refresh token, trailing garbage, an array, form-encoded.
        assert_clean(&whole[..whole.len() - 40]);
        assert_clean(&format!("{whole}}}garbage"));
        assert_clean(&format!("[{whole}]"));
        assert_clean(&format!("access_token={AT}&refresh_token={RT}"));
        // A stray quote splitting a token; a token's tail glued to a key.
        assert_clean(&format!(r#"{{"x":"{}"{}"}}"#, &AT[..30], &AT[30..]));
        assert_clean(&format!(r#"{{"acces{}","n":1}}"#, &AT[40..]));
        assert_clean(&format!(r#"{{"x":"{}"}}"#, &RT[26..]));
        assert_clean(&format!(r#"{{"x":true{}"}}"#, &AT[30..45]));
    }

    #[test]
    fn ordinary_values_survive() {
        let body =
            r#"{"code":"INVALID_DATA","details":{"id":"3477061000000419001","price":1000.5}}"#;
        assert_eq!(clean(body), body);
        assert_eq!(
            clean(r#"{"access_token" : "abc", "n":1}"#),
            r#"{"access_token" : "[redacted]", "n":1}"#
        );
    }
}

//! The file name of a download, from its `Content-Disposition` header: RFC 6266, with the
//! `filename*` extended form of RFC 8187 (which replaced RFC 5987).
//!
//! Why our own parser: the crates that parse this header split on every `;` (so a quoted name
//! holding `;` breaks), drop backslash escapes, or panic on bad input; the grammar is small and
//! is tested below against the RFCs' own examples and the usual malformed headers. Percent
//! decoding is the `percent-encoding` crate's.

use percent_encoding::percent_decode;

/// The file name `header` gives, or `None` when it gives no usable one.
///
/// - `filename*=UTF-8''na%C3%AFve.txt` (RFC 8187 ext-value, charset `UTF-8` or `ISO-8859-1`,
///   any language tag) is preferred over `filename=` when both are present and it decodes
///   (RFC 6266 §4.3).
/// - `filename="a \"b\"; c.pdf"` (a quoted-string: `;` inside is part of the name, `\x` is `x`)
///   and `filename=plain.txt` (a token) are read as is; raw UTF-8 in the header reads as UTF-8,
///   other bytes as ISO-8859-1.
/// - Parameter names are case-insensitive; whitespace around `=` and `;` is allowed.
///
/// Malformed input never panics and falls back as follows (documented in `FileDownload`):
/// a `filename*` with an unknown charset, a bad `%` escape or bytes that are not UTF-8 is
/// ignored and `filename=` is used; an unterminated quoted name runs to the end of the header;
/// a parameter without `=` is skipped. Only the last path segment is kept (`/` and `\` are
/// separators) and control characters are dropped, as RFC 6266 §4.3 asks of recipients; a name
/// that is then empty, `.` or `..` gives `None`.
pub(crate) fn file_name(header: &[u8]) -> Option<String> {
    let text = match std::str::from_utf8(header) {
        Ok(s) => s.to_owned(),
        // HTTP's historical header charset (RFC 9110 §5.5, obs-text).
        Err(_) => header.iter().map(|&b| char::from(b)).collect(),
    };
    let (mut plain, mut extended) = (None, None);
    for (name, value) in params(&text) {
        if name.eq_ignore_ascii_case("filename*") {
            if extended.is_none() {
                extended = decode_ext_value(&value);
            }
        } else if name.eq_ignore_ascii_case("filename") && plain.is_none() {
            plain = Some(value);
        }
    }
    extended
        .and_then(|n| sanitize(&n))
        .or_else(|| plain.and_then(|n| sanitize(&n)))
}

/// The `name=value` parameters after the disposition type, values unquoted.
fn params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = match text.find(';') {
        Some(i) => &text[i + 1..],
        None => return out,
    };
    loop {
        rest = rest.trim_start_matches(|c: char| c == ';' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return out;
        }
        let name_end = rest.find(['=', ';']).unwrap_or(rest.len());
        let name = rest[..name_end].trim().to_owned();
        if !rest[name_end..].starts_with('=') {
            // No `=`: not a parameter; skip it.
            rest = &rest[name_end..];
            continue;
        }
        let value = rest[name_end + 1..].trim_start();
        let (value, after) = if let Some(quoted) = value.strip_prefix('"') {
            quoted_string(quoted)
        } else {
            let end = value.find(';').unwrap_or(value.len());
            (value[..end].trim_end().to_owned(), &value[end..])
        };
        out.push((name, value));
        rest = after;
    }
}

/// Reads a quoted-string body (after the opening quote): `\x` is `x`; it ends at the next
/// unescaped `"`, or at the end of the text when the quote is never closed.
fn quoted_string(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &s[i + 1..]),
            '\\' => match chars.next() {
                Some((_, escaped)) => out.push(escaped),
                None => break,
            },
            c => out.push(c),
        }
    }
    (out, "")
}

/// `charset'language'percent-encoded` → the text, or `None` when it cannot be decoded.
fn decode_ext_value(v: &str) -> Option<String> {
    let (charset, rest) = v.split_once('\'')?;
    let (_language, encoded) = rest.split_once('\'')?;
    // A bare `%` not followed by two hex digits is an error in RFC 8187's grammar;
    // percent_decode would pass it through, so check first.
    let bytes = encoded.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    let raw: Vec<u8> = percent_decode(bytes).collect();
    if charset.eq_ignore_ascii_case("utf-8") {
        String::from_utf8(raw).ok()
    } else if charset.eq_ignore_ascii_case("iso-8859-1") {
        Some(raw.into_iter().map(char::from).collect())
    } else {
        None
    }
}

/// The last path segment, without control characters or surrounding whitespace.
fn sanitize(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        None
    } else {
        Some(clean.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    fn name(h: &str) -> Option<String> {
        file_name(h.as_bytes())
    }

    #[test]
    fn rfc_6266_section_5_examples() {
        assert_eq!(
            name("Attachment; filename=example.html").as_deref(),
            Some("example.html")
        );
        assert_eq!(
            name("INLINE; FILENAME= \"an example.html\"").as_deref(),
            Some("an example.html")
        );
        assert_eq!(
            name("attachment; filename*= UTF-8''%e2%82%ac%20rates").as_deref(),
            Some("€ rates")
        );
        assert_eq!(
            name("attachment; filename=\"EURO rates\"; filename*=utf-8''%e2%82%ac%20rates")
                .as_deref(),
            Some("€ rates")
        );
    }

    #[test]
    fn rfc_8187_section_3_2_examples() {
        // RFC 8187 §3.2.3 (as RFC 5987 §3.2.2): the ISO-8859-1 and UTF-8 pound sign.
        assert_eq!(
            name("attachment; filename*=iso-8859-1'en'%A3%20rates").as_deref(),
            Some("£ rates")
        );
        assert_eq!(
            name("attachment; filename*=UTF-8''%c2%a3%20and%20%e2%82%ac%20rates").as_deref(),
            Some("£ and € rates")
        );
    }

    #[test]
    fn quoted_names_keep_semicolons_and_escaped_quotes() {
        assert_eq!(
            name("attachment; filename=\"Here's a semicolon;.html\"").as_deref(),
            Some("Here's a semicolon;.html")
        );
        assert_eq!(
            name(r#"attachment; filename="\"quoting\" tested.html""#).as_deref(),
            Some("\"quoting\" tested.html")
        );
        assert_eq!(
            name(r#"attachment; filename="a\\b; c.pdf"; size=3"#).as_deref(),
            Some("b; c.pdf"),
            "an escaped backslash is a path separator, and only the last segment stays"
        );
        // filename* after filename= still wins; order does not matter.
        assert_eq!(
            name("attachment; filename*=UTF-8''foo-%c3%a4.html; filename=\"foo-ae.html\"")
                .as_deref(),
            Some("foo-ä.html")
        );
    }

    #[test]
    fn raw_utf8_and_latin1_bytes() {
        assert_eq!(
            file_name("attachment; filename=\"résumé 日本.pdf\"".as_bytes()).as_deref(),
            Some("résumé 日本.pdf")
        );
        assert_eq!(
            file_name(b"attachment; filename=\"caf\xe9.txt\"").as_deref(),
            Some("café.txt")
        );
    }

    #[test]
    fn malformed_headers_fall_back_without_panicking() {
        // Bad ext-values are ignored in favour of filename=.
        for bad in [
            "attachment; filename*=UTF-8''a%zzb.txt; filename=fallback.txt",
            "attachment; filename*=UTF-8''a%e2%82.txt; filename=fallback.txt",
            "attachment; filename*=''foo.txt; filename=fallback.txt",
            "attachment; filename*=koi8-r''foo.txt; filename=fallback.txt",
            "attachment; filename*=foo.txt; filename=fallback.txt",
            "attachment; filename*=UTF-8''a%; filename=fallback.txt",
        ] {
            assert_eq!(name(bad).as_deref(), Some("fallback.txt"), "{bad}");
        }
        assert_eq!(
            name("attachment; filename=\"never closed; x.pdf").as_deref(),
            Some("never closed; x.pdf")
        );
        assert_eq!(
            name("attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            name("attachment; filename=\"a\tb\u{7f}.txt\"").as_deref(),
            Some("ab.txt")
        );
        for none in [
            "",
            "attachment",
            "attachment;",
            "attachment; filename",
            "attachment; filename=",
            "attachment; filename=\"\"",
            "attachment; filename=\"..\"",
            "attachment; filename=\"dir/\"",
            ";;;===\"\\",
            "attachment; filename*=UTF-8''",
            "attachment; filename=\"\\",
        ] {
            assert_eq!(name(none), None, "{none:?}");
        }
        // Every prefix of a tricky header parses without panicking (char boundaries included).
        let tricky = "attachment; filename*=UTF-8''%C3%A9t%C3%A9; filename=\"é\\\"t;é\"; x=\"";
        for end in 0..=tricky.len() {
            let _ = file_name(&tricky.as_bytes()[..end]);
        }
    }
}

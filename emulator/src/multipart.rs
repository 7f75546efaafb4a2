//! `multipart/form-data` decoding for uploads. Hand-written and synchronous because handlers run
//! under the state lock with the whole body already read; parts are zero-copy slices of it.

use axum::body::Bytes;

/// One form part.
#[derive(Debug, Clone)]
pub struct Part {
    /// The form field name (`file`, `attachmentUrl` ...).
    pub name: String,
    /// The file name, for file parts.
    pub file_name: Option<String>,
    /// The part's `Content-Type`, when sent.
    pub content_type: Option<String>,
    /// The content.
    pub data: Bytes,
}

impl Part {
    /// The content as text (lossy), for plain fields.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// The boundary of a `multipart/form-data` content type; `None` for any other type.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let kind = params.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

/// Splits a body into its parts; `Err` names what is malformed.
pub fn parse(boundary: &str, body: &Bytes) -> Result<Vec<Part>, &'static str> {
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    let mut pos = find(body, delim, 0).ok_or("no boundary in the body")?;
    let mut parts = Vec::new();
    loop {
        pos += delim.len();
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        pos = skip_crlf(body, pos);
        let head_end = find(body, b"\r\n\r\n", pos).ok_or("part headers never end")?;
        let head = String::from_utf8_lossy(&body[pos..head_end]).into_owned();
        let data_start = head_end + 4;
        let mut closing = Vec::with_capacity(delim.len() + 2);
        closing.extend_from_slice(b"\r\n");
        closing.extend_from_slice(delim);
        let data_end = find(body, &closing, data_start).ok_or("a part is not terminated")?;
        parts.push(part(&head, body.slice(data_start..data_end))?);
        pos = data_end + 2;
    }
}

fn skip_crlf(b: &[u8], mut pos: usize) -> usize {
    // Transport padding after a boundary is allowed before its line break.
    while pos < b.len() && (b[pos] == b' ' || b[pos] == b'\t') {
        pos += 1;
    }
    if b[pos..].starts_with(b"\r\n") {
        pos + 2
    } else {
        pos
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= hay.len() {
        match hay[i..=hay.len() - needle.len()]
            .iter()
            .position(|&b| b == first)
        {
            Some(off) => {
                let at = i + off;
                if hay[at..].starts_with(needle) {
                    return Some(at);
                }
                i = at + 1;
            }
            None => return None,
        }
    }
    None
}

fn part(head: &str, data: Bytes) -> Result<Part, &'static str> {
    let mut name = None;
    let mut file_name = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let k = k.trim();
        if k.eq_ignore_ascii_case("content-type") {
            content_type = Some(v.trim().to_owned());
        } else if k.eq_ignore_ascii_case("content-disposition") {
            let params = disposition_params(v);
            for (pk, pv) in params {
                match pk.to_ascii_lowercase().as_str() {
                    "name" => name = Some(pv),
                    "filename" if file_name.is_none() => file_name = Some(pv),
                    "filename*" => file_name = Some(ext_value(&pv)),
                    _ => {}
                }
            }
        }
    }
    Ok(Part {
        name: name.ok_or("a part has no name")?,
        file_name,
        content_type,
        data,
    })
}

// `form-data; name="file"; filename="a \"b\".txt"`: quoted strings keep `;` and unescape `\x`.
fn disposition_params(v: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = v.chars().peekable();
    loop {
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' {
                break;
            }
            key.push(c);
            chars.next();
        }
        match chars.next() {
            None => break,
            Some(';') => continue,
            _ => {}
        }
        let mut value = String::new();
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n);
                        }
                    }
                    c => value.push(c),
                }
            }
        }
        for c in chars.by_ref() {
            if c == ';' {
                break;
            }
            value.push(c);
        }
        out.push((key.trim().to_owned(), value.trim().to_owned()));
    }
    out
}

// RFC 5987 `UTF-8''na%C3%AFve.txt`.
fn ext_value(v: &str) -> String {
    let encoded = v.rsplit('\'').next().unwrap_or(v);
    crate::params::percent_decode(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_and_file_parts() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"attachmentUrl\"\r\n\r\nhttps://a.test/x\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"na\\\"me;1.bin\"\r\nContent-Type: application/pdf\r\n\r\n\x00\r\n--X\xff\r\n--XyZ--\r\n",
        );
        let b = boundary("multipart/form-data; boundary=\"XyZ\"").unwrap();
        let parts = parse(&b, &body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "attachmentUrl");
        assert_eq!(parts[0].text(), "https://a.test/x");
        assert_eq!(parts[1].file_name.as_deref(), Some("na\"me;1.bin"));
        assert_eq!(parts[1].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(&parts[1].data[..], b"\x00\r\n--X\xff");
    }

    #[test]
    fn rejects_other_types_and_broken_bodies() {
        assert_eq!(boundary("application/json"), None);
        let b =
            Bytes::from_static(b"--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end");
        assert!(parse("B", &b).is_err());
        let ext = Bytes::from_static(
            b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''%C3%A9.txt\r\n\r\nx\r\n--B--",
        );
        let p = parse("B", &ext).unwrap();
        assert_eq!(p[0].file_name.as_deref(), Some("é.txt"));
    }
}

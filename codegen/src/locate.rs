//! Where a YAML error really is. serde-saphyr reports some errors far from their cause: a missing
//! key at the mapping's last key, an unclosed flow collection where the next block key trips
//! over it, a mis-indented key as a problem of the mapping before it. This module reads the text
//! itself (a small scanner for the block and flow structure, not a YAML parser) and moves those
//! errors to the cause: the start of the mapping, the opening bracket, the mis-indented line.

use crate::load::{first_line, SpecError};
use serde_saphyr::Error as YamlError;

/// A position, 1-based line and column (in characters).
type Pos = (u64, u64);

/// Decodes a spec file's bytes; invalid UTF-8 is reported at the first bad byte.
pub fn decode_source(file: &str, bytes: Vec<u8>) -> Result<String, SpecError> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The prefix is valid UTF-8 by definition, so this never loses anything.
        let before = String::from_utf8_lossy(valid);
        let line = before.matches('\n').count() as u64 + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1;
        let byte = e.as_bytes()[valid.len()];
        SpecError {
            file: file.to_owned(),
            line,
            column,
            message: format!("invalid UTF-8 (byte 0x{byte:02X}): spec files must be UTF-8"),
        }
    })
}

/// The spec error for a serde-saphyr failure on `text`, at the cause's position.
pub(crate) fn parse_error(file: &str, text: &str, e: &YamlError) -> SpecError {
    let raw = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((0, 0));
    let mut message = first_line(&e.to_string());
    let whole = Scan::run(text, None);
    // The flow collections open where the parser stopped.
    let open = Scan::run(text, Some(raw)).open;
    let mut at = raw;
    if let Some(bad) = whole.misindented().filter(|b| explains(text, raw, b.at.0)) {
        at = bad.at;
        message = bad.message;
    } else {
        match e.without_snippet() {
            // The parser's syntax errors: an unclosed `{` or `[` is the likely cause of whatever
            // it tripped over later.
            YamlError::ExternalMessage { .. } => {
                if let Some(open) = open.last().filter(|o| o.at < raw) {
                    at = open.at;
                    message = format!("`{}` is never closed ({message})", open.bracket);
                }
            }
            // Reported at the mapping's last key: move it to the mapping's start.
            YamlError::SerdeMissingField { .. } => {
                at = whole.mapping_start(raw, &open).unwrap_or(raw);
            }
            _ => {}
        }
    }
    SpecError {
        file: file.to_owned(),
        line: at.0,
        column: at.1,
        message,
    }
}

/// Whether a mis-indented line `bad` explains an error reported at `raw`: it comes first, or only
/// the reported key's own (more indented) value lies between them, so the mis-indented line is
/// where the parser's mapping ended early.
fn explains(text: &str, raw: Pos, bad: u64) -> bool {
    if bad <= raw.0 || raw.0 == 0 {
        return true;
    }
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let Some(reported) = lines.get(raw.0.saturating_sub(1) as usize) else {
        return false;
    };
    let base = indent(reported);
    lines[raw.0 as usize..(bad - 1) as usize]
        .iter()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .all(|l| indent(l) > base)
}

/// A block-structure item that starts a line: a key, or a sequence entry's `-`.
#[derive(Debug, Clone)]
struct Item {
    at: Pos,
    /// The key, or `-`.
    name: String,
}

/// An open flow collection.
#[derive(Debug, Clone)]
struct Open {
    at: Pos,
    bracket: char,
}

/// A key whose indentation matches no enclosing block.
#[derive(Debug)]
struct Misindent {
    at: Pos,
    message: String,
}

#[derive(Default)]
struct Scan {
    /// Block items in text order; several per line for `- key:`.
    items: Vec<Item>,
    /// Flow collections still open where the scan stopped.
    open: Vec<Open>,
    /// Lines indented with a tab, at the tab.
    tabs: Vec<Pos>,
}

/// What the scanner is inside of when a line ends.
#[derive(Clone, Copy)]
enum Carry {
    None,
    /// A block scalar (`|`, `>`) whose owner is indented this much: more indented lines belong to it.
    Block(usize),
    /// A quoted scalar that continues on the next line.
    Quote(char),
}

impl Scan {
    /// Scans `text` up to `stop` (exclusive), or all of it.
    fn run(text: &str, stop: Option<Pos>) -> Scan {
        let mut scan = Scan::default();
        let mut carry = Carry::None;
        for (n, line) in text.lines().enumerate() {
            let no = n as u64 + 1;
            let chars: Vec<char> = line.chars().collect();
            let indent = chars.iter().take_while(|c| **c == ' ').count();
            let blank = chars.iter().all(|c| c.is_whitespace());
            let mut i = 0;
            match carry {
                Carry::Block(owner) if blank || indent > owner => continue,
                Carry::Quote(q) => match close_quote(&chars, 0, q) {
                    Some(end) => {
                        i = end;
                        carry = Carry::None;
                    }
                    None => continue,
                },
                _ => carry = Carry::None,
            }
            let flow = !scan.open.is_empty() || i > 0;
            if !flow && (line.starts_with("---") || line.starts_with("...")) {
                continue;
            }
            if !flow && !blank && chars.get(indent) == Some(&'\t') {
                scan.tabs.push((no, indent as u64 + 1));
            }
            let mut at_start = i == 0;
            let mut scalar: Option<usize> = None;
            let mut first_key = true;
            while i < chars.len() {
                let pos = (no, i as u64 + 1);
                if stop.is_some_and(|s| pos >= s) {
                    return scan;
                }
                let c = chars[i];
                let in_flow = !scan.open.is_empty();
                let next_blank = chars.get(i + 1).is_none_or(|c| *c == ' ');
                if c == ' ' {
                    i += 1;
                    continue;
                }
                if c == '#' && (i == 0 || chars[i - 1] == ' ') {
                    break;
                }
                if at_start && scalar.is_none() {
                    match c {
                        '-' if !in_flow && next_blank => {
                            scan.items.push(Item {
                                at: pos,
                                name: "-".to_owned(),
                            });
                            i += 1;
                            continue;
                        }
                        '"' | '\'' => {
                            scalar = Some(i);
                            match close_quote(&chars, i + 1, c) {
                                Some(end) => i = end,
                                None => {
                                    carry = Carry::Quote(c);
                                    break;
                                }
                            }
                            at_start = false;
                            continue;
                        }
                        '{' | '[' => {
                            scan.open.push(Open {
                                at: pos,
                                bracket: c,
                            });
                            i += 1;
                            continue;
                        }
                        '|' | '>' if !in_flow => {
                            let owner = scan
                                .items
                                .iter()
                                .rev()
                                .find(|it| it.at.0 == no)
                                .map_or(indent, |it| it.at.1 as usize - 1);
                            carry = Carry::Block(owner);
                            break;
                        }
                        _ => {}
                    }
                }
                match c {
                    ':' if next_blank
                        || (in_flow && matches!(chars.get(i + 1), Some(',' | '}' | ']'))) =>
                    {
                        if !in_flow && first_key {
                            let start = scalar.unwrap_or(i);
                            let name: String = chars[start..i].iter().collect();
                            scan.items.push(Item {
                                at: (no, start as u64 + 1),
                                name: name.trim().trim_matches(['"', '\'']).to_owned(),
                            });
                            first_key = false;
                        }
                        at_start = true;
                        scalar = None;
                    }
                    ',' if in_flow => {
                        at_start = true;
                        scalar = None;
                    }
                    '}' | ']' if in_flow => {
                        scan.open.pop();
                        at_start = false;
                        scalar = None;
                    }
                    _ => {
                        if scalar.is_none() {
                            scalar = Some(i);
                        }
                        at_start = false;
                    }
                }
                i += 1;
            }
        }
        scan
    }

    /// The first key (or `-`) whose indentation matches no enclosing block: YAML only lets a line
    /// go back to the indentation of a mapping or sequence it is inside of.
    fn misindented(&self) -> Option<Misindent> {
        let tab = self.tabs.first().map(|&at| Misindent {
            at,
            message: "mis-indented line: it is indented with a tab; YAML indents with spaces only"
                .to_owned(),
        });
        match (tab, self.misindented_key()) {
            (Some(t), Some(k)) => Some(if t.at < k.at { t } else { k }),
            (t, k) => t.or(k),
        }
    }

    fn misindented_key(&self) -> Option<Misindent> {
        // (indentation, the key that opened the block)
        let mut levels: Vec<(u64, String)> = Vec::new();
        let mut last_key = String::new();
        for it in &self.items {
            let col = it.at.1 - 1;
            let mut inner = None;
            while levels.last().is_some_and(|(l, _)| *l > col) {
                inner = levels.pop();
            }
            match (levels.last(), inner) {
                (Some((l, _)), _) if *l == col => {}
                (outer, Some((l, owner))) => {
                    let around = match outer {
                        Some((o, o_owner)) if o_owner.is_empty() => {
                            format!(" and the top-level keys {o}")
                        }
                        Some((o, o_owner)) => format!(" and those of `{o_owner}` {o}"),
                        None => String::new(),
                    };
                    let what = if it.name == "-" {
                        "sequence entry `-`".to_owned()
                    } else {
                        format!("key `{}`", it.name)
                    };
                    return Some(Misindent {
                        at: it.at,
                        message: format!(
                            "mis-indented {what}: it is indented {col} spaces, but the keys of `{owner}` are indented {l}{around}"
                        ),
                    });
                }
                _ => levels.push((col, last_key.clone())),
            }
            if it.name != "-" {
                last_key.clone_from(&it.name);
            }
        }
        None
    }

    /// The first key of the block mapping whose key is at `last`, or the `{` of the flow mapping
    /// open at `last`.
    fn mapping_start(&self, last: Pos, open: &[Open]) -> Option<Pos> {
        if let Some(open) = open.last() {
            return Some(open.at);
        }
        let idx = self.items.iter().position(|it| it.at == last)?;
        let col = last.1;
        let mut first = last;
        for it in self.items[..idx].iter().rev() {
            if it.at.1 < col {
                break;
            }
            if it.at.1 == col {
                first = it.at;
            }
        }
        Some(first)
    }
}

/// The index just past the quote that closes a `q`-quoted scalar whose text starts at `from`.
fn close_quote(chars: &[char], from: usize, q: char) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '\\' if q == '"' => i += 2,
            c if c == q => {
                if q == '\'' && chars.get(i + 1) == Some(&'\'') {
                    i += 2;
                } else {
                    return Some(i + 1);
                }
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SDK's own spec is well formed: the scanner must find nothing wrong in it, or it would
    /// blame a good line when a later error happens.
    #[test]
    fn the_sdk_spec_scans_clean() {
        for (name, text) in crate::builtin::SOURCES {
            let scan = Scan::run(text, None);
            assert!(
                scan.misindented().is_none(),
                "{name}: {:?}",
                scan.misindented()
            );
            assert!(scan.open.is_empty(), "{name}: {:?}", scan.open);
        }
    }
}

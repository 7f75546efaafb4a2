//! The one place identifiers are made safe for Rust.

/// Rust keywords (strict and reserved) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// A snake_case field or param name, with a trailing `_` when it is a keyword (`type` → `type_`).
pub fn field_ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// A PascalCase enum variant for a wire value (`ActiveUsers`, `asc` → `Asc`, `3d` → `V3d`).
pub fn variant_ident(value: &str) -> String {
    use heck::ToUpperCamelCase;
    let mut s: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .to_upper_camel_case();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    // `Unknown` is the catch-all arm every enum gets.
    if s == "Unknown" || s == "Self" {
        s.push('_');
    }
    s
}

/// A builder type name for an operation (`get_records` → `GetRecords`).
pub fn type_ident(snake: &str) -> String {
    use heck::ToUpperCamelCase;
    let s = snake.to_upper_camel_case();
    if s == "Self" {
        "Self_".to_owned()
    } else {
        s
    }
}

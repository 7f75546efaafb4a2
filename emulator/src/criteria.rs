//! Zoho's v2 search criteria: `(Field:operator:value)` groups joined by `and`/`or`, nested with
//! parentheses; `\` escapes `(`, `)` and `,` inside values; a comma separates several values.

use crate::time::{parse_date_days, parse_iso};
use serde_json::Value;
use std::cmp::Ordering;

/// Most conditions Zoho accepts in one criteria string.
pub const MAX_CONDITIONS: usize = 10;

/// A parsed criteria expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// One condition.
    Cond(Cond),
    /// All must hold.
    And(Vec<Expr>),
    /// One must hold.
    Or(Vec<Expr>),
}

/// `(field:op:values)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// Field API name.
    pub field: String,
    /// Operator.
    pub op: Op,
    /// Unescaped values.
    pub values: Vec<String>,
}

/// The operators the emulator evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Equal to any of the values (case-insensitive for text).
    Equals,
    /// Equal to none of the values.
    NotEqual,
    /// Starts with any of the values.
    StartsWith,
    /// Equal to any of the values.
    In,
    /// `>`.
    GreaterThan,
    /// `>=`.
    GreaterEqual,
    /// `<`.
    LessThan,
    /// `<=`.
    LessEqual,
    /// Between two values, inclusive.
    Between,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s.to_ascii_lowercase().as_str() {
            "equals" => Op::Equals,
            "not_equal" => Op::NotEqual,
            "starts_with" => Op::StartsWith,
            "in" => Op::In,
            "greater_than" => Op::GreaterThan,
            "greater_equal" => Op::GreaterEqual,
            "less_than" => Op::LessThan,
            "less_equal" => Op::LessEqual,
            "between" => Op::Between,
            _ => return None,
        })
    }
}

/// Why criteria were rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CriteriaError {
    /// Not well formed (Zoho: INVALID_QUERY); the reason says where.
    Invalid(String),
    /// More than [`MAX_CONDITIONS`] conditions (Zoho: LIMIT_EXCEEDED).
    TooMany(usize),
}

/// Parses a criteria string.
pub fn parse(input: &str) -> Result<Expr, CriteriaError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(CriteriaError::Invalid("criteria is empty".into()));
    }
    // A bare `Field:op:value` is accepted as one group, as Zoho does.
    let text = if trimmed.starts_with('(') {
        trimmed.to_owned()
    } else {
        format!("({trimmed})")
    };
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        conds: 0,
    };
    let e = p.expr(0)?;
    p.ws();
    if p.pos < p.chars.len() {
        return Err(p.invalid("unexpected text after the criteria"));
    }
    if p.conds > MAX_CONDITIONS {
        return Err(CriteriaError::TooMany(p.conds));
    }
    Ok(e)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    conds: usize,
}

impl Parser {
    fn invalid(&self, what: &str) -> CriteriaError {
        CriteriaError::Invalid(format!("{what} (at character {})", self.pos + 1))
    }

    fn ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn keyword(&mut self) -> Option<bool> {
        for (kw, is_and) in [("and", true), ("or", false)] {
            let end = self.pos + kw.len();
            if end <= self.chars.len() {
                let word: String = self.chars[self.pos..end].iter().collect();
                if word.eq_ignore_ascii_case(kw) {
                    self.pos = end;
                    return Some(is_and);
                }
            }
        }
        None
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, CriteriaError> {
        if depth > 32 {
            return Err(self.invalid("criteria nested too deeply"));
        }
        // `and` binds tighter than `or`: collect or-separated groups of and-ed terms.
        let mut ors: Vec<Vec<Expr>> = vec![vec![self.term(depth)?]];
        loop {
            self.ws();
            let save = self.pos;
            let Some(is_and) = self.keyword() else {
                break;
            };
            self.ws();
            if self.chars.get(self.pos) != Some(&'(') {
                self.pos = save;
                return Err(self.invalid("expected `(` after and/or"));
            }
            let t = self.term(depth)?;
            if is_and {
                if let Some(last) = ors.last_mut() {
                    last.push(t);
                }
            } else {
                ors.push(vec![t]);
            }
        }
        let mut groups: Vec<Expr> = ors
            .into_iter()
            .map(|mut g| {
                if g.len() == 1 {
                    g.remove(0)
                } else {
                    Expr::And(g)
                }
            })
            .collect();
        Ok(if groups.len() == 1 {
            groups.remove(0)
        } else {
            Expr::Or(groups)
        })
    }

    fn term(&mut self, depth: usize) -> Result<Expr, CriteriaError> {
        self.ws();
        if self.chars.get(self.pos) != Some(&'(') {
            return Err(self.invalid("expected `(`"));
        }
        self.pos += 1;
        self.ws();
        if self.chars.get(self.pos) == Some(&'(') {
            let e = self.expr(depth + 1)?;
            self.ws();
            if self.chars.get(self.pos) != Some(&')') {
                return Err(self.invalid("expected `)`"));
            }
            self.pos += 1;
            return Ok(e);
        }
        self.cond()
    }

    fn cond(&mut self) -> Result<Expr, CriteriaError> {
        // Raw text up to the unescaped `)`, escapes kept so commas can still split values.
        let mut raw = String::new();
        loop {
            match self.chars.get(self.pos) {
                None => return Err(self.invalid("missing `)`")),
                Some('\\') => {
                    raw.push('\\');
                    self.pos += 1;
                    match self.chars.get(self.pos) {
                        Some(c) => raw.push(*c),
                        None => return Err(self.invalid("dangling `\\`")),
                    }
                    self.pos += 1;
                }
                Some(')') => {
                    self.pos += 1;
                    break;
                }
                Some('(') => return Err(self.invalid("unescaped `(` in a value")),
                Some(c) => {
                    raw.push(*c);
                    self.pos += 1;
                }
            }
        }
        let mut parts = raw.splitn(3, ':');
        let field = parts.next().unwrap_or("").trim().to_owned();
        let op_text = parts.next();
        let value = parts.next();
        let (Some(op_text), Some(value)) = (op_text, value) else {
            return Err(self.invalid("a condition needs `field:operator:value`"));
        };
        let valid_field = !field.is_empty()
            && field
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '.'));
        if !valid_field {
            return Err(self.invalid("invalid field name"));
        }
        let Some(op) = Op::parse(op_text.trim()) else {
            return Err(CriteriaError::Invalid(format!(
                "invalid operator `{}`",
                op_text.trim()
            )));
        };
        let values = split_values(value);
        if values.iter().all(|v| v.is_empty()) {
            return Err(self.invalid("a condition needs a value"));
        }
        let count_ok = match op {
            Op::Between => values.len() == 2,
            Op::GreaterThan | Op::GreaterEqual | Op::LessThan | Op::LessEqual => values.len() == 1,
            _ => true,
        };
        if !count_ok {
            return Err(self.invalid("wrong number of values for the operator"));
        }
        self.conds += 1;
        Ok(Expr::Cond(Cond { field, op, values }))
    }
}

fn split_values(raw: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(last)) = (chars.next(), out.last_mut()) {
                    last.push(n);
                }
            }
            ',' => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

/// Whether `record` satisfies `expr`.
pub fn eval(expr: &Expr, record: &Value) -> bool {
    match expr {
        Expr::And(v) => v.iter().all(|e| eval(e, record)),
        Expr::Or(v) => v.iter().any(|e| eval(e, record)),
        Expr::Cond(c) => eval_cond(c, record),
    }
}

fn eval_cond(c: &Cond, record: &Value) -> bool {
    let field = lookup(record, &c.field);
    let scalars = scalars(field);
    let any = |f: &dyn Fn(&str, &str) -> bool| {
        scalars
            .iter()
            .any(|s| c.values.iter().any(|v| f(s, v.trim())))
    };
    match c.op {
        Op::Equals | Op::In => any(&|s, v| equal(s, v)),
        Op::NotEqual => !any(&|s, v| equal(s, v)),
        Op::StartsWith => any(&|s, v| s.to_lowercase().starts_with(&v.to_lowercase())),
        Op::GreaterThan => any(&|s, v| compare(s, v) == Some(Ordering::Greater)),
        Op::GreaterEqual => {
            any(&|s, v| matches!(compare(s, v), Some(Ordering::Greater | Ordering::Equal)))
        }
        Op::LessThan => any(&|s, v| compare(s, v) == Some(Ordering::Less)),
        Op::LessEqual => {
            any(&|s, v| matches!(compare(s, v), Some(Ordering::Less | Ordering::Equal)))
        }
        Op::Between => {
            let (lo, hi) = (c.values[0].trim(), c.values[1].trim());
            scalars.iter().any(|s| {
                matches!(compare(s, lo), Some(Ordering::Greater | Ordering::Equal))
                    && matches!(compare(s, hi), Some(Ordering::Less | Ordering::Equal))
            })
        }
    }
}

fn lookup<'a>(record: &'a Value, field: &str) -> &'a Value {
    if let Some(v) = record.get(field) {
        return v;
    }
    // `Owner.name`-style paths into lookups.
    let mut cur = record;
    for part in field.split('.') {
        match cur.get(part) {
            Some(v) => cur = v,
            None => return &Value::Null,
        }
    }
    cur
}

// A field's comparable texts: lookups compare by id and by name, lists by any element.
fn scalars(v: &Value) -> Vec<String> {
    match v {
        Value::Null => vec![],
        Value::String(s) => vec![s.clone()],
        Value::Number(n) => vec![n.to_string()],
        Value::Bool(b) => vec![b.to_string()],
        Value::Object(o) => ["id", "name"]
            .iter()
            .filter_map(|k| o.get(*k))
            .flat_map(scalars)
            .collect(),
        Value::Array(a) => a.iter().flat_map(scalars).collect(),
    }
}

fn equal(s: &str, v: &str) -> bool {
    match (s.parse::<f64>(), v.parse::<f64>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => s.eq_ignore_ascii_case(v) || s.to_lowercase() == v.to_lowercase(),
    }
}

fn compare(s: &str, v: &str) -> Option<Ordering> {
    if let (Ok(a), Ok(b)) = (s.parse::<f64>(), v.parse::<f64>()) {
        return a.partial_cmp(&b);
    }
    let when = |x: &str| parse_iso(x).or_else(|| parse_date_days(x).map(|d| d * 86_400));
    if let (Some(a), Some(b)) = (when(s), when(v)) {
        return Some(a.cmp(&b));
    }
    Some(s.to_lowercase().cmp(&v.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cond(field: &str, op: Op, values: &[&str]) -> Expr {
        Expr::Cond(Cond {
            field: field.into(),
            op,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        })
    }

    #[test]
    fn single_and_escapes() {
        assert_eq!(
            parse("(Last_Name:equals:Burns\\,B)").unwrap(),
            cond("Last_Name", Op::Equals, &["Burns,B"])
        );
        assert_eq!(
            parse("(Company:equals:Smith \\(Jr\\))").unwrap(),
            cond("Company", Op::Equals, &["Smith (Jr)"])
        );
        assert_eq!(
            parse("Last_Name:in:a,b").unwrap(),
            cond("Last_Name", Op::In, &["a", "b"])
        );
        assert_eq!(
            parse("(Created_Time:greater_than:2020-01-01T00:00:00+05:30)").unwrap(),
            cond(
                "Created_Time",
                Op::GreaterThan,
                &["2020-01-01T00:00:00+05:30"]
            )
        );
    }

    #[test]
    fn nesting_and_precedence() {
        let e = parse("((A:equals:1)and((B:equals:2)or(C:equals:3)))").unwrap();
        assert_eq!(
            e,
            Expr::And(vec![
                cond("A", Op::Equals, &["1"]),
                Expr::Or(vec![
                    cond("B", Op::Equals, &["2"]),
                    cond("C", Op::Equals, &["3"])
                ])
            ])
        );
        let e = parse("(A:equals:1)or(B:equals:2)and(C:equals:3)").unwrap();
        assert_eq!(
            e,
            Expr::Or(vec![
                cond("A", Op::Equals, &["1"]),
                Expr::And(vec![
                    cond("B", Op::Equals, &["2"]),
                    cond("C", Op::Equals, &["3"])
                ])
            ])
        );
        assert!(parse("( (A:equals:1) AND (B:equals:2) )").is_ok());
    }

    #[test]
    fn malformed() {
        for bad in [
            "",
            "(A:equals:1",
            "(A:equals)",
            "(A:bogus:1)",
            "(A:equals:1)and",
            "(A:equals:1)xor(B:equals:2)",
            "(A:equals:a(b)",
            "(A:between:1)",
            "(:equals:1)",
            "(A:equals:)",
            "((A:equals:1)",
            "(A:equals:1))",
            "(A:equals:1\\",
        ] {
            assert!(
                matches!(parse(bad), Err(CriteriaError::Invalid(_))),
                "{bad:?} should be invalid"
            );
        }
        let many: Vec<String> = (0..11).map(|i| format!("(F{i}:equals:x)")).collect();
        assert_eq!(
            parse(&format!("({})", many.join("and"))),
            Err(CriteriaError::TooMany(11))
        );
        let ten: Vec<String> = (0..10).map(|i| format!("(F{i}:equals:x)")).collect();
        assert!(parse(&format!("({})", ten.join("or"))).is_ok());
    }

    #[test]
    fn evaluates() {
        let rec = json!({"Last_Name": "Burns,B", "Company": "Zylker", "Amount": 50.5,
            "Owner": {"name": "Ada Lovelace", "id": "1"}, "Closing_Date": "2025-09-30", "Tags": ["x", "y"]});
        let t = |c: &str| eval(&parse(c).unwrap(), &rec);
        assert!(t("(Last_Name:equals:burns\\,b)"));
        assert!(t(
            "((Last_Name:equals:Burns\\,B)and(Company:starts_with:zy))"
        ));
        assert!(!t("((Last_Name:equals:Nope)and(Company:starts_with:zy))"));
        assert!(t("((Last_Name:equals:Nope)or(Company:starts_with:zy))"));
        assert!(t("(Amount:greater_than:50)"));
        assert!(t("(Amount:between:50,51)"));
        assert!(!t("(Amount:less_equal:50)"));
        assert!(t("(Owner:equals:1)"));
        assert!(t("(Owner.name:equals:Ada Lovelace)"));
        assert!(t("(Closing_Date:between:2025-09-01,2025-10-01)"));
        assert!(t("(Company:in:Acme,Zylker)"));
        assert!(t("(Company:not_equal:Acme)"));
        assert!(t("(Missing:not_equal:Acme)"));
        assert!(!t("(Missing:equals:Acme)"));
        assert!(t("(Tags:equals:y)"));
    }
}

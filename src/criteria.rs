//! [`Criteria`]: search criteria built from values, escaped the way Zoho requires.
//!
//! Zoho's v2 syntax is `(Field:comparator:value)`, conditions joined with `and` / `or` and
//! grouped with parentheses, at most 10 conditions. Inside a value, `(`, `)` and `,` must be
//! escaped with `\` (search-records docs, zoho-api-v2.md §5); `\` itself is escaped too, so a
//! value can end in a backslash. Several values of `in` and `between` are separated by commas.

use std::fmt;

/// A comparator of Zoho's v2 search criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Comparator {
    /// `equals`: the field equals the value (the only comparator for encrypted fields).
    Equals,
    /// `not_equal`.
    NotEqual,
    /// `starts_with`: text fields.
    StartsWith,
    /// `in`: equals any of the values.
    In,
    /// `greater_than`: numbers, dates and datetimes.
    GreaterThan,
    /// `greater_equal`.
    GreaterEqual,
    /// `less_than`.
    LessThan,
    /// `less_equal`.
    LessEqual,
    /// `between`: two values, inclusive.
    Between,
}

impl Comparator {
    /// The comparator as Zoho spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Equals => "equals",
            Comparator::NotEqual => "not_equal",
            Comparator::StartsWith => "starts_with",
            Comparator::In => "in",
            Comparator::GreaterThan => "greater_than",
            Comparator::GreaterEqual => "greater_equal",
            Comparator::LessThan => "less_than",
            Comparator::LessEqual => "less_equal",
            Comparator::Between => "between",
        }
    }
}

/// Search criteria: one condition, or conditions combined with [`Criteria::and`] /
/// [`Criteria::or`]. `Display` (and `String::from`) gives the text Zoho expects, with every
/// value escaped; pass it wherever a criteria string goes.
///
/// ```
/// use zohocrm::Criteria;
///
/// let c = Criteria::equals("Company", "Burns, Smith (UK)")
///     .and(Criteria::starts_with("Last_Name", "O\\").or(Criteria::in_("Lead_Source", ["Web", "Ads"])));
/// assert_eq!(
///     c.to_string(),
///     r"((Company:equals:Burns\, Smith \(UK\))and((Last_Name:starts_with:O\\)or(Lead_Source:in:Web,Ads)))"
/// );
/// assert_eq!(c.conditions(), 3);
/// ```
///
/// A hand-written string still works wherever criteria are taken: builders accept any
/// `Into<String>`, so `search_records_by_criteria("(Company:equals:Zylker)")` is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criteria(Node);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Cond {
        field: String,
        op: Comparator,
        values: Vec<String>,
    },
    All(Vec<Node>),
    Any(Vec<Node>),
}

impl Criteria {
    /// `(field:op:value1,value2...)` with each value escaped.
    pub fn condition<V: ToString>(
        field: impl Into<String>,
        op: Comparator,
        values: impl IntoIterator<Item = V>,
    ) -> Criteria {
        Criteria(Node::Cond {
            field: field.into(),
            op,
            values: values.into_iter().map(|v| v.to_string()).collect(),
        })
    }

    /// `field` equals `value`.
    pub fn equals(field: impl Into<String>, value: impl ToString) -> Criteria {
        Self::condition(field, Comparator::Equals, [value])
    }

    /// `field` does not equal `value`.
    pub fn not_equal(field: impl Into<String>, value: impl ToString) -> Criteria {
        Self::condition(field, Comparator::NotEqual, [value])
    }

    /// `field` starts with `value`.
    pub fn starts_with(field: impl Into<String>, value: impl ToString) -> Criteria {
        Self::condition(field, Comparator::StartsWith, [value])
    }

    /// `field` equals one of `values` (`in_`, because `in` is a keyword).
    pub fn in_<V: ToString>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Criteria {
        Self::condition(field, Comparator::In, values)
    }

    /// `field` > `value`.
    pub fn greater_than(field: impl Into<String>, value: impl ToString) -> Criteria {
        Self::condition(field, Comparator::GreaterThan, [value])
    }

    /// `field` >= `value`.
    pub fn greater_equal(field: impl Into<String>, value: impl ToString) -> Criteria {
        Self::condition(field, Comparator::GreaterEqual, [value])
    }

    /// `field` < `value`.
    pub fn less_than(field: impl Into<String>, value: impl ToString) -> Criteria {
        Self::condition(field, Comparator::LessThan, [value])
    }

    /// `field` <= `value`.
    pub fn less_equal(field: impl Into<String>, value: impl ToString) -> Criteria {
        Self::condition(field, Comparator::LessEqual, [value])
    }

    /// `low` <= `field` <= `high`.
    pub fn between(field: impl Into<String>, low: impl ToString, high: impl ToString) -> Criteria {
        Self::condition(
            field,
            Comparator::Between,
            [low.to_string(), high.to_string()],
        )
    }

    /// Both hold. Chained `and`s stay one flat group.
    pub fn and(self, other: Criteria) -> Criteria {
        Criteria(join(self.0, other.0, true))
    }

    /// Either holds. Chained `or`s stay one flat group.
    pub fn or(self, other: Criteria) -> Criteria {
        Criteria(join(self.0, other.0, false))
    }

    /// All of `items` hold (`None` for no items).
    pub fn all(items: impl IntoIterator<Item = Criteria>) -> Option<Criteria> {
        items.into_iter().reduce(Criteria::and)
    }

    /// One of `items` holds (`None` for no items).
    pub fn any(items: impl IntoIterator<Item = Criteria>) -> Option<Criteria> {
        items.into_iter().reduce(Criteria::or)
    }

    /// How many conditions there are (Zoho accepts at most 10).
    pub fn conditions(&self) -> usize {
        fn count(n: &Node) -> usize {
            match n {
                Node::Cond { .. } => 1,
                Node::All(v) | Node::Any(v) => v.iter().map(count).sum(),
            }
        }
        count(&self.0)
    }
}

fn join(a: Node, b: Node, and: bool) -> Node {
    let mut items = Vec::new();
    for n in [a, b] {
        match n {
            Node::All(v) if and => items.extend(v),
            Node::Any(v) if !and => items.extend(v),
            other => items.push(other),
        }
    }
    if and {
        Node::All(items)
    } else {
        Node::Any(items)
    }
}

/// Escapes `\`, `(`, `)` and `,` with a backslash.
fn escape(value: &str, out: &mut fmt::Formatter<'_>) -> fmt::Result {
    for c in value.chars() {
        if matches!(c, '\\' | '(' | ')' | ',') {
            out.write_str("\\")?;
        }
        write!(out, "{c}")?;
    }
    Ok(())
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Cond { field, op, values } => {
                write!(f, "({field}:{}:", op.as_str())?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    escape(v, f)?;
                }
                f.write_str(")")
            }
            Node::All(items) | Node::Any(items) => {
                let sep = if matches!(self, Node::All(_)) {
                    "and"
                } else {
                    "or"
                };
                f.write_str("(")?;
                for (i, n) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    write!(f, "{n}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Criteria {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Criteria> for String {
    fn from(c: Criteria) -> String {
        c.to_string()
    }
}

impl From<&Criteria> for String {
    fn from(c: &Criteria) -> String {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_comparator_and_escape() {
        let cases = [
            (Criteria::equals("A", "x"), "(A:equals:x)"),
            (Criteria::not_equal("A", "x"), "(A:not_equal:x)"),
            (Criteria::starts_with("A", "x"), "(A:starts_with:x)"),
            (Criteria::in_("A", ["x,1", "y"]), r"(A:in:x\,1,y)"),
            (Criteria::greater_than("A", 5), "(A:greater_than:5)"),
            (Criteria::greater_equal("A", 5.5), "(A:greater_equal:5.5)"),
            (
                Criteria::less_than("A", "2025-01-01"),
                "(A:less_than:2025-01-01)",
            ),
            (Criteria::less_equal("A", -1), "(A:less_equal:-1)"),
            (Criteria::between("A", 1, 9), "(A:between:1,9)"),
            (
                Criteria::equals("A", r"a\b(c),d"),
                r"(A:equals:a\\b\(c\)\,d)",
            ),
        ];
        for (c, want) in cases {
            assert_eq!(c.to_string(), want);
        }
    }

    #[test]
    fn grouping_flattens_same_operator_and_nests_different() {
        let (a, b, c) = (
            Criteria::equals("A", 1),
            Criteria::equals("B", 2),
            Criteria::equals("C", 3),
        );
        assert_eq!(
            a.clone().and(b.clone()).and(c.clone()).to_string(),
            "((A:equals:1)and(B:equals:2)and(C:equals:3))"
        );
        assert_eq!(
            a.clone().or(b.clone()).and(c.clone()).to_string(),
            "(((A:equals:1)or(B:equals:2))and(C:equals:3))"
        );
        assert_eq!(Criteria::any([a, b, c]).unwrap().conditions(), 3);
        assert_eq!(Criteria::all([]), None);
    }
}

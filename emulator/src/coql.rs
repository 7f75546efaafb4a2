//! `POST /crm/v2/coql`: Zoho's CRM Object Query Language, parsed by recursive descent and
//! evaluated over the stored records.
//!
//! The v2 subset (source: zoho.com/crm/developer/docs/api/v2/COQL-Limitations.html and
//! COQL-Overview): `select` up to 50 fields (lookup dot notation one level deep), `from` one
//! module, `where` with `=`, `!=`, `<`, `>`, `<=`, `>=`, `like`, `not like`, `in`, `not in` (up to 50
//! values), `between .. and ..`, `is null`, `is not null`, joined by `and`/`or` with parentheses
//! (up to 25 criteria), `order by`, and `limit count`, `limit offset, count` or
//! `limit count offset offset`, at most 200 rows per call. Without `order by` rows come in
//! ascending id order, as the overview page states. Keywords are case-insensitive.

use crate::context::Ctx;
use crate::errors::Reply;
use crate::store::Crm;
use crate::time::parse_iso;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Rows per call in v2.
pub const MAX_LIMIT: u64 = 200;
/// Fields in the select list.
pub const MAX_FIELDS: usize = 50;
/// Criteria in the where clause.
pub const MAX_CRITERIA: usize = 25;
/// Values of one `in` / `not in`.
pub const MAX_IN_VALUES: usize = 50;

/// A field reference: `Last_Name`, or `Account_Name.Industry` through a lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The field of the queried module.
    pub field: String,
    /// The field of the looked-up record, for dot notation.
    pub lookup: Option<String>,
}

impl Column {
    fn key(&self) -> String {
        match &self.lookup {
            Some(l) => format!("{}.{l}", self.field),
            None => self.field.clone(),
        }
    }
}

/// A literal of the query.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `'text'`, or a bare word.
    Text(String),
    /// `42`, `-1.5`, as written (ids have 19 digits, more than an f64 holds).
    Number(String),
    /// `true` / `false`.
    Bool(bool),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

/// A where-clause expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// `a and b`
    And(Box<Cond>, Box<Cond>),
    /// `a or b`
    Or(Box<Cond>, Box<Cond>),
    /// `col op literal`
    Cmp(Column, Op, Literal),
    /// `col [not] like 'pattern'`
    Like(Column, String, bool),
    /// `col [not] in (a, b)`
    In(Column, Vec<Literal>, bool),
    /// `col between a and b`
    Between(Column, Literal, Literal),
    /// `col is [not] null`
    Null(Column, bool),
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The select list.
    pub columns: Vec<Column>,
    /// The module.
    pub module: String,
    /// The where clause.
    pub filter: Option<Cond>,
    /// `order by` columns with ascending flags.
    pub order: Vec<(Column, bool)>,
    /// Rows skipped.
    pub offset: u64,
    /// Rows returned (200 when absent).
    pub limit: u64,
}

/// Why a query was refused, with Zoho's code.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryError {
    /// `SYNTAX_ERROR`: the text does not parse. `clause` is where, `near` the offending token.
    Syntax { clause: &'static str, near: String },
    /// `LIMIT_EXCEEDED`: more than a documented maximum.
    Limit { clause: &'static str, limit: u64 },
}

impl QueryError {
    fn reply(&self) -> Reply {
        match self {
            QueryError::Syntax { clause, near } => Reply::error(
                StatusCode::BAD_REQUEST,
                "SYNTAX_ERROR",
                "error occured while parsing the query",
                json!({"clause": clause, "near": near}),
            ),
            QueryError::Limit { clause, limit } => Reply::error(
                StatusCode::BAD_REQUEST,
                "LIMIT_EXCEEDED",
                "limit exceeded",
                json!({"clause": clause, "limit": limit}),
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(String),
    Sym(&'static str),
}

impl Tok {
    fn text(&self) -> String {
        match self {
            Tok::Word(w) => w.clone(),
            Tok::Str(s) => format!("'{s}'"),
            Tok::Num(n) => n.clone(),
            Tok::Sym(s) => (*s).to_owned(),
        }
    }
}

fn lex(s: &str) -> Result<Vec<Tok>, QueryError> {
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let bad = |near: String| QueryError::Syntax {
        clause: "select",
        near,
    };
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '\'' || ch == '"' {
            // A doubled quote inside a string is a literal quote, as in SQL.
            let mut v = String::new();
            i += 1;
            loop {
                match c.get(i) {
                    None => return Err(bad(format!("{ch}{v}"))),
                    Some(&q) if q == ch && c.get(i + 1) == Some(&ch) => {
                        v.push(ch);
                        i += 2;
                    }
                    Some(&q) if q == ch => {
                        i += 1;
                        break;
                    }
                    Some(&o) => {
                        v.push(o);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(v));
        } else if ch.is_ascii_digit()
            || (ch == '-' && c.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while c.get(i).is_some_and(|d| d.is_ascii_digit() || *d == '.') {
                i += 1;
            }
            let t: String = c[start..i].iter().collect();
            // A digit run glued to letters is a name (custom fields can start with digits).
            if c.get(i).is_some_and(|d| d.is_alphanumeric() || *d == '_') {
                while c.get(i).is_some_and(|d| d.is_alphanumeric() || *d == '_') {
                    i += 1;
                }
                out.push(Tok::Word(c[start..i].iter().collect()));
            } else {
                if t.parse::<f64>().is_err() {
                    return Err(bad(t));
                }
                out.push(Tok::Num(t));
            }
        } else if ch.is_alphanumeric() || ch == '_' || ch == '$' {
            let start = i;
            while c
                .get(i)
                .is_some_and(|d| d.is_alphanumeric() || *d == '_' || *d == '$')
            {
                i += 1;
            }
            out.push(Tok::Word(c[start..i].iter().collect()));
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            let sym = match two.as_str() {
                "<=" => Some("<="),
                ">=" => Some(">="),
                "!=" => Some("!="),
                "<>" => Some("!="),
                _ => None,
            };
            if let Some(s) = sym {
                out.push(Tok::Sym(s));
                i += 2;
                continue;
            }
            let one = match ch {
                '=' => "=",
                '<' => "<",
                '>' => ">",
                '(' => "(",
                ')' => ")",
                ',' => ",",
                '.' => ".",
                '*' => "*",
                _ => return Err(bad(ch.to_string())),
            };
            out.push(Tok::Sym(one));
            i += 1;
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    clause: &'static str,
    criteria: usize,
}

const RESERVED: &[&str] = &[
    "select", "from", "where", "order", "by", "limit", "offset", "and", "or", "not", "like", "in",
    "between", "is", "null", "asc", "desc",
];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn err(&self) -> QueryError {
        QueryError::Syntax {
            clause: self.clause,
            near: self
                .peek()
                .map(Tok::text)
                .unwrap_or_else(|| "end of query".into()),
        }
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(kw);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), QueryError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn eat_sym(&mut self, s: &str) -> bool {
        let hit = matches!(self.peek(), Some(Tok::Sym(x)) if *x == s);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn name(&mut self) -> Result<String, QueryError> {
        match self.peek() {
            Some(Tok::Word(w)) if !RESERVED.iter().any(|r| w.eq_ignore_ascii_case(r)) => {
                let w = w.clone();
                self.pos += 1;
                Ok(w)
            }
            _ => Err(self.err()),
        }
    }

    fn column(&mut self) -> Result<Column, QueryError> {
        let field = self.name()?;
        let lookup = if self.eat_sym(".") {
            Some(self.name()?)
        } else {
            None
        };
        // Only one level of lookup is supported in v2.
        if matches!(self.peek(), Some(Tok::Sym("."))) {
            return Err(self.err());
        }
        Ok(Column { field, lookup })
    }

    fn literal(&mut self) -> Result<Literal, QueryError> {
        let lit = match self.peek() {
            Some(Tok::Str(s)) => Literal::Text(s.clone()),
            Some(Tok::Num(n)) => Literal::Number(n.clone()),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => Literal::Bool(false),
            // Zoho accepts bare words for picklist values (`Lead_Source = Advertisement`).
            Some(Tok::Word(w)) if !RESERVED.iter().any(|r| w.eq_ignore_ascii_case(r)) => {
                Literal::Text(w.clone())
            }
            _ => return Err(self.err()),
        };
        self.pos += 1;
        Ok(lit)
    }

    fn or(&mut self) -> Result<Cond, QueryError> {
        let mut left = self.and()?;
        while self.eat_kw("or") {
            let right = self.and()?;
            left = Cond::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Cond, QueryError> {
        let mut left = self.atom()?;
        while self.eat_kw("and") {
            let right = self.atom()?;
            left = Cond::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn atom(&mut self) -> Result<Cond, QueryError> {
        if self.eat_sym("(") {
            let c = self.or()?;
            if !self.eat_sym(")") {
                return Err(self.err());
            }
            return Ok(c);
        }
        self.criteria += 1;
        if self.criteria > MAX_CRITERIA {
            return Err(QueryError::Limit {
                clause: "where",
                limit: MAX_CRITERIA as u64,
            });
        }
        let col = self.column()?;
        if self.eat_kw("is") {
            let not = self.eat_kw("not");
            self.expect_kw("null")?;
            return Ok(Cond::Null(col, !not));
        }
        let not = self.eat_kw("not");
        if self.eat_kw("like") {
            return match self.literal()? {
                Literal::Text(p) => Ok(Cond::Like(col, p, not)),
                _ => Err(QueryError::Syntax {
                    clause: self.clause,
                    near: "like".into(),
                }),
            };
        }
        if self.eat_kw("in") {
            if !self.eat_sym("(") {
                return Err(self.err());
            }
            let mut vals = vec![self.literal()?];
            while self.eat_sym(",") {
                vals.push(self.literal()?);
            }
            if !self.eat_sym(")") {
                return Err(self.err());
            }
            if vals.len() > MAX_IN_VALUES {
                return Err(QueryError::Limit {
                    clause: "where",
                    limit: MAX_IN_VALUES as u64,
                });
            }
            return Ok(Cond::In(col, vals, not));
        }
        if not {
            return Err(self.err());
        }
        if self.eat_kw("between") {
            let lo = self.literal()?;
            self.expect_kw("and")?;
            let hi = self.literal()?;
            return Ok(Cond::Between(col, lo, hi));
        }
        let op = match self.peek() {
            Some(Tok::Sym("=")) => Op::Eq,
            Some(Tok::Sym("!=")) => Op::Ne,
            Some(Tok::Sym("<")) => Op::Lt,
            Some(Tok::Sym(">")) => Op::Gt,
            Some(Tok::Sym("<=")) => Op::Le,
            Some(Tok::Sym(">=")) => Op::Ge,
            _ => return Err(self.err()),
        };
        self.pos += 1;
        Ok(Cond::Cmp(col, op, self.literal()?))
    }

    fn count(&mut self) -> Result<u64, QueryError> {
        match self.peek() {
            Some(Tok::Num(n)) => {
                let n = n.parse::<u64>().map_err(|_| self.err())?;
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.err()),
        }
    }
}

/// Parses a select query.
pub fn parse(text: &str) -> Result<Query, QueryError> {
    let mut p = Parser {
        toks: lex(text)?,
        pos: 0,
        clause: "select",
        criteria: 0,
    };
    p.expect_kw("select")?;
    let mut columns = vec![p.column()?];
    while p.eat_sym(",") {
        columns.push(p.column()?);
    }
    if columns.len() > MAX_FIELDS {
        return Err(QueryError::Limit {
            clause: "select",
            limit: MAX_FIELDS as u64,
        });
    }
    p.clause = "from";
    p.expect_kw("from")?;
    let module = p.name()?;
    let mut filter = None;
    if p.eat_kw("where") {
        p.clause = "where";
        filter = Some(p.or()?);
    }
    let mut order = Vec::new();
    if p.eat_kw("order") {
        p.clause = "order by";
        p.expect_kw("by")?;
        loop {
            let col = p.column()?;
            let asc = if p.eat_kw("desc") {
                false
            } else {
                p.eat_kw("asc");
                true
            };
            order.push((col, asc));
            if !p.eat_sym(",") {
                break;
            }
        }
    }
    let (mut offset, mut limit) = (0, MAX_LIMIT);
    if p.eat_kw("limit") {
        p.clause = "limit";
        let first = p.count()?;
        if p.eat_sym(",") {
            offset = first;
            limit = p.count()?;
        } else if p.eat_kw("offset") {
            limit = first;
            offset = p.count()?;
        } else {
            limit = first;
        }
        if limit > MAX_LIMIT {
            return Err(QueryError::Limit {
                clause: "limit",
                limit: MAX_LIMIT,
            });
        }
    }
    if p.peek().is_some() {
        return Err(p.err());
    }
    Ok(Query {
        columns,
        module,
        filter,
        order,
        offset,
        limit,
    })
}

// Fields every record has besides the module's own.
const SYSTEM_FIELDS: &[&str] = &[
    "id",
    "Owner",
    "Created_Time",
    "Modified_Time",
    "Created_By",
    "Modified_By",
    "Tag",
    "Last_Activity_Time",
];

/// `POST /coql`.
pub fn query(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let body: Option<Value> = serde_json::from_slice(&ctx.raw_body).ok();
    let Some(text) = body
        .as_ref()
        .and_then(|b| b.get("select_query"))
        .and_then(Value::as_str)
    else {
        return crate::errors::missing_param("select_query");
    };
    let q = match parse(text) {
        Ok(q) => q,
        Err(e) => return e.reply(),
    };
    let Some(module) = crm.module(&q.module).cloned() else {
        return invalid_query(
            "module",
            &q.module,
            "the module name given seems to be invalid",
        );
    };
    let known = |f: &str| {
        SYSTEM_FIELDS.contains(&f)
            || module.field(f).is_some()
            || crm
                .records_of(&module.api_name)
                .iter()
                .any(|r| r.get(f).is_some())
    };
    let used = q
        .columns
        .iter()
        .chain(q.order.iter().map(|(c, _)| c))
        .chain(q.filter.iter().flat_map(columns_of));
    for c in used {
        if !known(&c.field) {
            return invalid_query("column_name", &c.field, "column given seems to be invalid");
        }
    }
    let lookups = q.columns.iter().any(|c| c.lookup.is_some())
        || q.filter
            .iter()
            .flat_map(columns_of)
            .any(|c| c.lookup.is_some())
        || q.order.iter().any(|(c, _)| c.lookup.is_some());
    let index: HashMap<&str, &Value> = if lookups {
        crm.all_records()
            .map(|r| (crate::records::id_of(r), r))
            .collect()
    } else {
        HashMap::new()
    };
    let get = |r: &'_ Value, c: &Column| -> Value { value_of(r, c, &index) };
    let order: Vec<(Column, bool)> = if q.order.is_empty() {
        vec![(id_column(), true)]
    } else {
        q.order.clone()
    };
    let page_end = usize::try_from(q.offset.saturating_add(q.limit)).unwrap_or(usize::MAX);
    let matches = |r: &&Value| {
        q.filter
            .as_ref()
            .is_none_or(|f| eval(f, &|c: &Column| get(r, c)))
    };
    let records = crm.records_of(&module.api_name);
    // The rows up to one past the page's end, in order: `more_records` is whether that one exists.
    let rows: Vec<&Value> = if order == [(id_column(), true)] && crm.ids_ascending(&module.api_name)
    {
        // Keyset paging (`where id > X order by id asc`, the SDK's `.stream()` past 2,000) asks
        // for 200 rows out of a whole module many times over. Stored rows already in id order
        // need no sort, and a monotone id bound is found by binary search, so a call costs the
        // page, not the module. Same rows as the general path below.
        let from = q
            .filter
            .as_ref()
            .and_then(id_lower_bound)
            .map_or(0, |bound| {
                records.partition_point(|r| !eval(bound, &|c: &Column| get(r, c)))
            });
        records[from..]
            .iter()
            .filter(matches)
            .take(page_end.saturating_add(1))
            .collect()
    } else {
        // Sort keys are taken once per row, and only the rows up to the page's end are fully
        // ordered.
        let mut keyed: Vec<(Vec<Value>, &Value)> = records
            .iter()
            .filter(matches)
            .map(|r| {
                let mut k: Vec<Value> = order.iter().map(|(c, _)| get(r, c)).collect();
                k.push(get(r, &id_column()));
                (k, r)
            })
            .collect();
        let cmp = |a: &(Vec<Value>, &Value), b: &(Vec<Value>, &Value)| {
            for (i, (_, asc)) in order.iter().enumerate() {
                let o = compare_values(&a.0[i], &b.0[i]);
                let o = if *asc { o } else { o.reverse() };
                if o != Ordering::Equal {
                    return o;
                }
            }
            compare_values(&a.0[order.len()], &b.0[order.len()])
        };
        if page_end < keyed.len() {
            keyed.select_nth_unstable_by(page_end, cmp);
            keyed.truncate(page_end + 1);
        }
        keyed.sort_by(cmp);
        keyed.into_iter().map(|(_, r)| r).collect()
    };
    let start = usize::try_from(q.offset)
        .unwrap_or(usize::MAX)
        .min(rows.len());
    let end = start
        .saturating_add(usize::try_from(q.limit).unwrap_or(usize::MAX))
        .min(rows.len());
    if start == end {
        return Reply::empty(StatusCode::NO_CONTENT);
    }
    let data: Vec<Value> = rows[start..end]
        .iter()
        .map(|r| {
            let mut row = Map::new();
            for c in &q.columns {
                row.insert(c.key(), get(r, c));
            }
            row.insert("id".into(), get(r, &id_column()));
            Value::Object(row)
        })
        .collect();
    let count = data.len();
    Reply::json(
        StatusCode::OK,
        json!({"data": data, "info": {"count": count, "more_records": end < rows.len()}}),
    )
}

/// True when every id is digits and ids increase in storage order (as [`compare_text`] orders
/// them: as numbers). The store keeps this per module ([`Crm::ids_ascending`]) rather than
/// paying a pass over the module per query.
pub(crate) fn ids_ascending(records: &[Value]) -> bool {
    records.first().is_none_or(|r| id_follows(None, r))
        && records.windows(2).all(|w| id_follows(Some(&w[0]), &w[1]))
}

/// True when `next`'s id is digits and, after `prev`, keeps ids ascending as [`ids_ascending`]
/// asks.
pub(crate) fn id_follows(prev: Option<&Value>, next: &Value) -> bool {
    let id = crate::records::id_of(next);
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && prev.is_none_or(|p| compare_text(crate::records::id_of(p), id) == Ordering::Less)
}

/// A conjunct of the filter, `id > N` or `id >= N` with N all digits, that is false for a prefix
/// of id-ordered rows and true after it (ids are digit strings and compare as numbers).
fn id_lower_bound(c: &Cond) -> Option<&Cond> {
    match c {
        Cond::And(a, b) => id_lower_bound(a).or_else(|| id_lower_bound(b)),
        Cond::Cmp(col, Op::Gt | Op::Ge, Literal::Number(n) | Literal::Text(n))
            if *col == id_column() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(c)
        }
        _ => None,
    }
}

fn id_column() -> Column {
    Column {
        field: "id".into(),
        lookup: None,
    }
}

fn invalid_query(key: &str, value: &str, reason: &str) -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "INVALID_QUERY",
        "Invalid query formed",
        json!({key: value, "reason": reason}),
    )
}

fn columns_of(c: &Cond) -> Vec<&Column> {
    match c {
        Cond::And(a, b) | Cond::Or(a, b) => {
            let mut v = columns_of(a);
            v.extend(columns_of(b));
            v
        }
        Cond::Cmp(col, ..)
        | Cond::Like(col, ..)
        | Cond::In(col, ..)
        | Cond::Between(col, ..)
        | Cond::Null(col, _) => vec![col],
    }
}

fn value_of(r: &Value, c: &Column, index: &HashMap<&str, &Value>) -> Value {
    let v = r.get(&c.field).cloned().unwrap_or(Value::Null);
    let Some(sub) = &c.lookup else {
        return v;
    };
    let target = v
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| index.get(id));
    match (sub.as_str(), target) {
        ("id", _) => v.get("id").cloned().unwrap_or(Value::Null),
        (_, Some(t)) => t.get(sub).cloned().unwrap_or(Value::Null),
        // Lookups to users (Owner) carry name and email inline.
        (_, None) => v.get(sub).cloned().unwrap_or(Value::Null),
    }
}

fn eval(c: &Cond, get: &dyn Fn(&Column) -> Value) -> bool {
    match c {
        Cond::And(a, b) => eval(a, get) && eval(b, get),
        Cond::Or(a, b) => eval(a, get) || eval(b, get),
        Cond::Null(col, is_null) => blank(&get(col)) == *is_null,
        Cond::Cmp(col, op, lit) => {
            let v = get(col);
            if blank(&v) {
                return *op == Op::Ne;
            }
            let o = compare_literal(&v, lit);
            match op {
                Op::Eq => o == Some(Ordering::Equal),
                Op::Ne => o != Some(Ordering::Equal),
                Op::Lt => o == Some(Ordering::Less),
                Op::Gt => o == Some(Ordering::Greater),
                Op::Le => matches!(o, Some(Ordering::Less | Ordering::Equal)),
                Op::Ge => matches!(o, Some(Ordering::Greater | Ordering::Equal)),
            }
        }
        Cond::Like(col, pat, not) => {
            let v = get(col);
            let hit = text_of(&v).is_some_and(|s| like(&s.to_lowercase(), &pat.to_lowercase()));
            hit != *not
        }
        Cond::In(col, vals, not) => {
            let v = get(col);
            let hit = !blank(&v)
                && vals
                    .iter()
                    .any(|l| compare_literal(&v, l) == Some(Ordering::Equal));
            hit != *not
        }
        Cond::Between(col, lo, hi) => {
            let v = get(col);
            !blank(&v)
                && matches!(
                    compare_literal(&v, lo),
                    Some(Ordering::Greater | Ordering::Equal)
                )
                && matches!(
                    compare_literal(&v, hi),
                    Some(Ordering::Less | Ordering::Equal)
                )
        }
    }
}

fn blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

// A lookup compares by its id; a multi-select by its `;`-joined values, as COQL writes them.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        Value::Array(a) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(";"),
        ),
        Value::Null => None,
    }
}

fn compare_literal(v: &Value, lit: &Literal) -> Option<Ordering> {
    let s = text_of(v)?;
    match lit {
        Literal::Bool(b) => match v {
            Value::Bool(x) => Some(x.cmp(b)),
            _ => Some(if s.eq_ignore_ascii_case(&b.to_string()) {
                Ordering::Equal
            } else {
                Ordering::Less
            }),
        },
        Literal::Number(n) => {
            s.parse::<f64>().ok()?;
            Some(compare_text(&s, n))
        }
        Literal::Text(t) => Some(compare_text(&s, t)),
    }
}

fn compare_values(a: &Value, b: &Value) -> Ordering {
    if let (Value::String(x), Value::String(y)) = (a, b) {
        return compare_text(x, y);
    }
    match (text_of(a), text_of(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => match (a, b) {
            (Value::Number(p), Value::Number(q)) => p
                .as_f64()
                .partial_cmp(&q.as_f64())
                .unwrap_or(Ordering::Equal),
            _ => compare_text(&x, &y),
        },
    }
}

// Ids compare as numbers, datetimes as instants, numbers as numbers, other text without regard
// to case.
pub(crate) fn compare_text(a: &str, b: &str) -> Ordering {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if digits(a) && digits(b) {
        let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
        return a.len().cmp(&b.len()).then_with(|| a.cmp(b));
    }
    if let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) {
        return x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    }
    if let (Some(x), Some(y)) = (parse_iso(a), parse_iso(b)) {
        return x.cmp(&y);
    }
    a.to_lowercase().cmp(&b.to_lowercase())
}

// `%` matches any run of characters; everything else matches itself.
fn like(s: &str, pat: &str) -> bool {
    let parts: Vec<&str> = pat.split('%').collect();
    if parts.len() == 1 {
        return s == pat;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !s.starts_with(first) || !s[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(f: &str) -> Column {
        Column {
            field: f.into(),
            lookup: None,
        }
    }

    #[test]
    fn select_from_limit_forms() {
        let q = parse("SELECT Last_Name, Email FROM Leads limit 5").unwrap();
        assert_eq!(q.columns, vec![col("Last_Name"), col("Email")]);
        assert_eq!((q.module.as_str(), q.offset, q.limit), ("Leads", 0, 5));
        let q = parse("select id from Leads limit 10, 20").unwrap();
        assert_eq!((q.offset, q.limit), (10, 20));
        let q = parse("select id from Leads limit 20 offset 10").unwrap();
        assert_eq!((q.offset, q.limit), (10, 20));
        assert_eq!(parse("select id from Leads").unwrap().limit, 200);
    }

    #[test]
    fn every_comparison_and_operator() {
        let q = parse(
            "select id from Leads where ((a = 'x' and b != 2) or (c < 1 and d > 2)) and (e <= 3 or f >= 4) and g <> 'y'",
        )
        .unwrap();
        let Some(Cond::And(left, last)) = q.filter else {
            panic!("and at the top: {:?}", q.filter)
        };
        assert_eq!(
            *last,
            Cond::Cmp(col("g"), Op::Ne, Literal::Text("y".into()))
        );
        assert!(matches!(*left, Cond::And(..)));
        let q = parse("select id from Leads where a like 'ab%' and b not like '%c'").unwrap();
        assert_eq!(
            q.filter,
            Some(Cond::And(
                Box::new(Cond::Like(col("a"), "ab%".into(), false)),
                Box::new(Cond::Like(col("b"), "%c".into(), true))
            ))
        );
        let q = parse("select id from Leads where a in ('x', 'y') or b not in (1)").unwrap();
        assert!(matches!(q.filter, Some(Cond::Or(..))));
        let q = parse("select id from Leads where a between 1 and 5").unwrap();
        assert_eq!(
            q.filter,
            Some(Cond::Between(
                col("a"),
                Literal::Number("1".into()),
                Literal::Number("5".into())
            ))
        );
        let q = parse("select id from Leads where a is null or b is not null").unwrap();
        assert_eq!(
            q.filter,
            Some(Cond::Or(
                Box::new(Cond::Null(col("a"), true)),
                Box::new(Cond::Null(col("b"), false))
            ))
        );
    }

    #[test]
    fn lookup_dot_notation_one_level() {
        let q = parse(
            "select Account_Name.Industry from Contacts where Account_Name.Account_Name = 'Zylker'",
        )
        .unwrap();
        assert_eq!(q.columns[0].lookup.as_deref(), Some("Industry"));
        assert!(matches!(
            parse("select a.b.c from Contacts"),
            Err(QueryError::Syntax { .. })
        ));
    }

    #[test]
    fn order_by_columns_and_directions() {
        let q = parse("select id from Leads order by Last_Name desc, Email asc, id").unwrap();
        assert_eq!(
            q.order,
            vec![
                (col("Last_Name"), false),
                (col("Email"), true),
                (col("id"), true)
            ]
        );
    }

    #[test]
    fn syntax_errors_name_clause_and_token() {
        let e = parse("select from Leads").unwrap_err();
        assert_eq!(
            e,
            QueryError::Syntax {
                clause: "select",
                near: "from".into()
            }
        );
        let e = parse("select id from Leads where (a = 1").unwrap_err();
        assert_eq!(
            e,
            QueryError::Syntax {
                clause: "where",
                near: "end of query".into()
            }
        );
        assert!(matches!(
            parse("select id Leads"),
            Err(QueryError::Syntax { .. })
        ));
        assert!(matches!(
            parse("select id from Leads where a = 'open"),
            Err(QueryError::Syntax { .. })
        ));
        assert!(matches!(
            parse("select id from Leads limit x"),
            Err(QueryError::Syntax {
                clause: "limit",
                ..
            })
        ));
        assert!(matches!(
            parse("select id from Leads where a ~ 1"),
            Err(QueryError::Syntax { .. })
        ));
    }

    #[test]
    fn limits() {
        let many: Vec<String> = (0..51).map(|i| format!("f{i}")).collect();
        let e = parse(&format!("select {} from Leads", many.join(","))).unwrap_err();
        assert_eq!(
            e,
            QueryError::Limit {
                clause: "select",
                limit: 50
            }
        );
        let e = parse("select id from Leads limit 201").unwrap_err();
        assert_eq!(
            e,
            QueryError::Limit {
                clause: "limit",
                limit: 200
            }
        );
        let crit: Vec<String> = (0..26).map(|i| format!("a = {i}")).collect();
        let e = parse(&format!("select id from Leads where {}", crit.join(" or "))).unwrap_err();
        assert_eq!(
            e,
            QueryError::Limit {
                clause: "where",
                limit: 25
            }
        );
        let vals: Vec<String> = (0..51).map(|i| i.to_string()).collect();
        let e = parse(&format!(
            "select id from Leads where a in ({})",
            vals.join(",")
        ))
        .unwrap_err();
        assert_eq!(
            e,
            QueryError::Limit {
                clause: "where",
                limit: 50
            }
        );
    }

    #[test]
    fn like_patterns() {
        assert!(like("zylker", "zyl%"));
        assert!(like("zylker", "%ker"));
        assert!(like("zylker", "%lk%"));
        assert!(!like("zylker", "%xx%"));
        assert!(like("abc", "abc"));
        assert!(like("a-b-c", "a%b%c"));
    }

    // The keyset fast path (ids already in order) answers exactly what the general path (a
    // sort) answers for the same records stored out of order.
    #[test]
    fn keyset_fast_path_matches_the_sorting_path() {
        let run = |crm: &mut Crm, text: &str| -> Value {
            let mut ctx = Ctx {
                vars: HashMap::new(),
                query: HashMap::new(),
                if_modified_since: None,
                body: None,
                email: String::new(),
                user: Value::Null,
                module: None,
                now: 0,
                raw_body: serde_json::to_vec(&json!({ "select_query": text }))
                    .unwrap()
                    .into(),
                form: None,
            };
            let reply = query(crm, &mut ctx);
            json!({"status": reply.status.as_u16(), "body": reply.body})
        };
        let mut sorted = Crm::seeded_with(300);
        let ids: Vec<String> = sorted
            .records_of("Leads")
            .iter()
            .map(|r| crate::records::id_of(r).to_owned())
            .collect();
        assert!(ids_ascending(sorted.records_of("Leads")));
        assert!(sorted.ids_ascending("Leads"));
        let mut shuffled = Crm::seeded_with(300);
        shuffled.records_mut("Leads").reverse();
        assert!(!ids_ascending(shuffled.records_of("Leads")));
        assert!(!shuffled.ids_ascending("Leads"));
        let mid = &ids[ids.len() / 2];
        let last = &ids[ids.len() - 1];
        for text in [
            "select id from Leads where id is not null order by id asc limit 200".to_owned(),
            format!("select id from Leads where id > {mid} order by id asc limit 200"),
            format!("select id from Leads where id >= '{mid}' and Last_Name is not null limit 7"),
            format!("select id from Leads where (Company like '%a%') and id > {mid} limit 2, 5"),
            format!("select id from Leads where id > {last} order by id asc limit 200"),
            format!(
                "select id from Leads where id > {} limit 200",
                ids[ids.len() - 3]
            ),
            "select id from Leads limit 150, 200".to_owned(),
        ] {
            let fast = run(&mut sorted, &text);
            assert_eq!(fast, run(&mut shuffled, &text), "{text}");
            assert_ne!(fast["status"], 400, "{text}: {fast}");
        }
    }

    #[test]
    fn ids_compare_as_numbers() {
        assert_eq!(compare_text("999", "1000"), Ordering::Less);
        assert_eq!(compare_text("Ab", "ab"), Ordering::Equal);
    }
}

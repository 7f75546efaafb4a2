//! Stage 1 and 2: read YAML files, then validate and lower them into the IR. Every problem is
//! reported with file, line and column; all problems are reported at once.

use crate::ir::{self, Api, Source, Type};
use crate::model::{self, Location, ResponseKind, SpecFile};
use indexmap::IndexMap;
use serde_saphyr::Spanned;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;

pub use crate::locate::decode_source;

/// The file `coverage` reads; `load` skips it.
pub const REFERENCE_FILE: &str = "reference-operations.yaml";

/// One problem in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// File name.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// 1-based column (0 when unknown).
    pub column: u64,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem found, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

/// Reads every `*.yaml` in `dir` (except the reference list), sorted by name, and lowers it.
pub fn load_dir(dir: &Path) -> Result<Api, SpecErrors> {
    let io_err = |file: &Path, e: std::io::Error| {
        SpecErrors(vec![SpecError {
            file: file.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read: {e}"),
        }])
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let path = entry.map_err(|e| io_err(dir, e))?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if name.ends_with(".yaml") && name != REFERENCE_FILE {
            names.push(name);
        }
    }
    names.sort();
    let mut sources = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let bytes = std::fs::read(&path).map_err(|e| io_err(&path, e))?;
        let text = decode_source(&name, bytes).map_err(|e| SpecErrors(vec![e]))?;
        sources.push((name, text));
    }
    load_sources(&sources)
}

/// Parses and lowers `(file name, text)` pairs, in the order given.
pub fn load_sources(sources: &[(String, String)]) -> Result<Api, SpecErrors> {
    let mut errors = Vec::new();
    let mut files = Vec::new();
    for (name, text) in sources {
        match serde_saphyr::from_str::<SpecFile>(text) {
            Ok(f) => files.push((name.as_str(), f)),
            Err(e) => errors.push(crate::locate::parse_error(name, text, &e)),
        }
    }
    if !errors.is_empty() {
        return Err(SpecErrors(errors));
    }
    let mut lower = Lower::default();
    lower.run(&files);
    if lower.errors.is_empty() {
        Ok(lower.api)
    } else {
        Err(SpecErrors(lower.errors))
    }
}

/// serde-saphyr's message without its snippet and location prefix (we print our own location).
pub(crate) fn first_line(msg: &str) -> String {
    let mut s = msg.lines().next().unwrap_or(msg).trim();
    s = s.strip_prefix("error: ").unwrap_or(s);
    if let Some(rest) = s.strip_prefix("line ") {
        if let Some((_, after)) = rest.split_once(": ") {
            s = after;
        }
    }
    s.to_owned()
}

#[derive(Default)]
struct Lower {
    api: Api,
    errors: Vec<SpecError>,
}

struct At<'a> {
    file: &'a str,
    line: u64,
    column: u64,
}

impl<'a> At<'a> {
    fn of<T>(file: &'a str, s: &Spanned<T>) -> Self {
        At {
            file,
            line: s.referenced.line(),
            column: s.referenced.column(),
        }
    }
    fn source(&self) -> Source {
        Source {
            file: self.file.to_owned(),
            line: self.line,
        }
    }
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
/// Names the generated builders use themselves.
const RESERVED_PARAMS: &[&str] = &["send", "client", "into_request", "stream", "new", "handle"];

impl Lower {
    fn err(&mut self, at: &At<'_>, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: at.file.to_owned(),
            line: at.line,
            column: at.column,
            message: message.into(),
        });
    }

    fn run(&mut self, files: &[(&str, SpecFile)]) {
        // Names first, so references can point forward and across files.
        let mut defined: BTreeMap<String, (&str, u64, &'static str)> = BTreeMap::new();
        for (file, f) in files {
            for (name, e) in &f.entities {
                self.define(&mut defined, file, name, e, "entity");
            }
            for (name, e) in &f.enums {
                self.define(&mut defined, file, name, e, "enum");
            }
        }
        let kinds: BTreeMap<String, &'static str> =
            defined.iter().map(|(k, v)| (k.clone(), v.2)).collect();
        for (file, f) in files {
            for (name, h) in &f.handles {
                self.handle(file, name, h, &kinds);
            }
        }
        for (file, f) in files {
            for (name, e) in &f.enums {
                self.enum_(file, name, e);
            }
            for (name, e) in &f.entities {
                self.entity(file, name, e, &kinds);
            }
        }
        let mut op_names: IndexMap<String, Source> = IndexMap::new();
        for (file, f) in files {
            for (name, op) in &f.operations {
                self.operation(file, name, op, &kinds, &mut op_names);
            }
        }
        let mut accessors = HashSet::new();
        for h in &self.api.handles {
            if let Some(a) = &h.accessor {
                if !accessors.insert(a.clone()) {
                    self.errors.push(SpecError {
                        file: h.source.file.clone(),
                        line: h.source.line,
                        column: 1,
                        message: format!("accessor `{a}` is used by two handles"),
                    });
                }
            }
        }
    }

    fn define<'f, T>(
        &mut self,
        defined: &mut BTreeMap<String, (&'f str, u64, &'static str)>,
        file: &'f str,
        name: &str,
        s: &Spanned<T>,
        kind: &'static str,
    ) {
        let at = At::of(file, s);
        if let Some((f0, l0, k0)) = defined.get(name) {
            self.err(
                &at,
                format!("duplicate name `{name}`: already defined as {k0} at {f0}:{l0}"),
            );
            return;
        }
        if !is_pascal(name) {
            self.err(
                &at,
                format!(
                    "{kind} name `{name}` must be PascalCase (A-Z first, then letters and digits)"
                ),
            );
        }
        defined.insert(name.to_owned(), (file, at.line, kind));
    }

    fn ty(
        &mut self,
        file: &str,
        s: &Spanned<String>,
        kinds: &BTreeMap<String, &'static str>,
    ) -> Type {
        match parse_type(&s.value, kinds) {
            Ok(t) => t,
            Err(m) => {
                self.err(&At::of(file, s), m);
                Type::Any
            }
        }
    }

    fn handle(
        &mut self,
        file: &str,
        name: &str,
        h: &Spanned<model::Handle>,
        kinds: &BTreeMap<String, &'static str>,
    ) {
        let at = At::of(file, h);
        if let Some(prev) = self.api.handle(name) {
            let msg = format!(
                "duplicate handle `{name}`: already defined at {}:{}",
                prev.source.file, prev.source.line
            );
            self.err(&at, msg);
            return;
        }
        check_snake(self, &at, "handle", name);
        let mut scope = Vec::new();
        for p in &h.value.scope {
            let ty = self.ty(file, &p.ty, kinds);
            scope.push(ir::ScopeParam {
                name: p.name.clone(),
                ty,
                doc: p.doc.clone(),
            });
        }
        self.api.handles.push(ir::Handle {
            name: name.to_owned(),
            doc: h.value.doc.clone(),
            accessor: h.value.accessor.clone(),
            scope,
            source: at.source(),
        });
    }

    fn enum_(&mut self, file: &str, name: &str, e: &Spanned<model::Enum>) {
        let at = At::of(file, e);
        let mut seen = HashSet::new();
        for v in &e.value.values {
            if !seen.insert(v.as_str()) {
                self.err(&at, format!("enum `{name}` lists `{v}` twice"));
            }
        }
        if e.value.values.is_empty() {
            self.err(&at, format!("enum `{name}` has no values"));
        }
        self.api.enums.push(ir::Enum {
            name: name.to_owned(),
            doc: e.value.doc.clone(),
            values: e.value.values.clone(),
            source: at.source(),
        });
    }

    fn entity(
        &mut self,
        file: &str,
        name: &str,
        e: &Spanned<model::Entity>,
        kinds: &BTreeMap<String, &'static str>,
    ) {
        let at = At::of(file, e);
        let mut fields = Vec::new();
        let mut keys = HashSet::new();
        let mut idents = HashSet::new();
        for (fname, f) in &e.value.fields {
            let fat = At::of(file, f);
            check_snake(self, &fat, "field", fname);
            let ident = crate::names::field_ident(fname);
            if !idents.insert(ident.clone()) {
                self.err(
                    &fat,
                    format!("field `{fname}` of `{name}` clashes with another field named `{ident}` after sanitizing"),
                );
            }
            let key = f.value.key.clone().unwrap_or_else(|| fname.clone());
            if !keys.insert(key.clone()) {
                self.err(&fat, format!("JSON key `{key}` appears twice in `{name}`"));
            }
            let ty = self.ty(file, &f.value.ty, kinds);
            fields.push(ir::Field {
                name: ident,
                key,
                ty,
                optional: f.value.optional,
                read_only: f.value.read_only,
                sensitive: f.value.sensitive,
                doc: f.value.doc.clone(),
            });
        }
        if e.value.bare_id && !fields.iter().any(|f| f.key == "id" && f.ty == ir::Type::Id) {
            self.err(
                &at,
                format!("entity `{name}` has `bare_id: true` but no `id` field of type `id` to hold the id"),
            );
        }
        self.api.entities.push(ir::Entity {
            name: name.to_owned(),
            doc: e.value.doc.clone(),
            fields,
            bare_id: e.value.bare_id,
            nullable: e.value.nullable,
            source: at.source(),
        });
    }

    fn operation(
        &mut self,
        file: &str,
        name: &str,
        op: &Spanned<model::Operation>,
        kinds: &BTreeMap<String, &'static str>,
        op_names: &mut IndexMap<String, Source>,
    ) {
        let at = At::of(file, op);
        let o = &op.value;
        check_snake(self, &at, "operation", name);
        // Names are unique per handle: `client.get_current_user()` and
        // `client.org().get_current_user()` are both operations of the official SDK's tables.
        for n in std::iter::once(name).chain(o.aliases.iter().map(String::as_str)) {
            let qualified = format!("{}.{n}", o.handle.value);
            if let Some(prev) = op_names.get(&qualified) {
                let msg = format!(
                    "operation name `{n}` is already used on handle `{}` at {}:{}",
                    o.handle.value, prev.file, prev.line
                );
                self.err(&at, msg);
            } else {
                op_names.insert(qualified, at.source());
            }
        }
        let handle = match self.api.handle(&o.handle.value) {
            Some(h) => h.clone(),
            None => {
                let known: Vec<_> = self.api.handles.iter().map(|h| h.name.as_str()).collect();
                let msg = format!(
                    "unknown handle `{}` (known: {})",
                    o.handle.value,
                    known.join(", ")
                );
                self.err(&At::of(file, &o.handle), msg);
                return;
            }
        };
        let method = o.method.value.to_ascii_uppercase();
        if !METHODS.contains(&method.as_str()) {
            self.err(
                &At::of(file, &o.method),
                format!("unknown HTTP method `{}`", o.method.value),
            );
        }
        let mut params = Vec::new();
        let mut keys = HashSet::new();
        for (pname, p) in &o.params {
            let pat = At::of(file, p);
            check_snake(self, &pat, "param", pname);
            if RESERVED_PARAMS.contains(&pname.as_str()) {
                self.err(
                    &pat,
                    format!("param name `{pname}` is reserved by the generated builder; pick another Rust name and keep the wire name in `key`"),
                );
            }
            if handle.scope.iter().any(|s| &s.name == pname) {
                self.err(
                    &pat,
                    format!(
                        "param `{pname}` shadows a scope value of handle `{}`",
                        handle.name
                    ),
                );
            }
            let key = p.value.key.clone().unwrap_or_else(|| pname.clone());
            if !keys.insert((p.value.location, key.clone())) {
                self.err(&pat, format!("wire name `{key}` is used twice"));
            }
            let ty = self.ty(file, &p.value.ty, kinds);
            if let Some(sc) = &p.value.from_scope {
                if !handle.scope.iter().any(|s| &s.name == sc) {
                    self.err(
                        &pat,
                        format!("param `{pname}` takes `from_scope: {sc}`, but handle `{}` has no such scope value", handle.name),
                    );
                }
            }
            if p.value.location == Location::Path && p.value.optional {
                self.err(
                    &pat,
                    format!("path param `{pname}` must have `optional: false`"),
                );
            }
            params.push(ir::Param {
                name: crate::names::field_ident(pname),
                key,
                location: p.value.location,
                ty,
                optional: p.value.optional,
                fixed: p.value.fixed.clone(),
                from_scope: p.value.from_scope.clone(),
                max: p.value.max,
                min: p.value.min,
                server_min: p.value.server_min.or(p.value.min),
                doc: p.value.doc.clone(),
            });
        }
        // Every placeholder resolves, and every path param is used.
        let path = o.path.value.clone();
        let pat = At::of(file, &o.path);
        if !path.starts_with('/') {
            self.err(&pat, format!("path `{path}` must start with `/`"));
        }
        let mut used = HashSet::new();
        for seg in ir::split_path(&path) {
            if let ir::PathSegment::Var(v) = seg {
                let in_scope = handle.scope.iter().any(|s| s.name == v);
                let in_params = params
                    .iter()
                    .any(|p| p.location == Location::Path && p.key == v);
                if !in_scope && !in_params {
                    self.err(
                        &pat,
                        format!("path placeholder `{{{v}}}` is neither a scope value of handle `{}` nor a path param", handle.name),
                    );
                }
                used.insert(v);
            }
        }
        for p in &params {
            if p.location == Location::Path && !used.contains(&p.key) {
                self.err(
                    &pat,
                    format!("path param `{}` is not used in the path", p.key),
                );
            }
        }
        let body = o.body.as_ref().map(|b| {
            let e = &b.value.entity;
            if kinds.get(&e.value) != Some(&"entity") {
                self.err(
                    &At::of(file, e),
                    format!("body entity `{}` is not a defined entity", e.value),
                );
            }
            ir::Body {
                entity: e.value.clone(),
                key: b.value.key.clone(),
                items: b.value.items,
                max_items: b.value.max_items,
            }
        });
        if body.is_some() && params.iter().any(|p| p.location == Location::Form) {
            self.err(
                &at,
                "an operation has either a JSON body or form params, not both",
            );
        }
        let r = &o.response.value;
        let rat = At::of(file, &o.response);
        let entity = r.entity.as_ref().map(|e| {
            if kinds.get(&e.value) != Some(&"entity") {
                self.err(
                    &At::of(file, e),
                    format!("response entity `{}` is not a defined entity", e.value),
                );
            }
            e.value.clone()
        });
        let needs_entity = matches!(
            r.kind,
            ResponseKind::Single | ResponseKind::List | ResponseKind::Object
        );
        if needs_entity && entity.is_none() {
            self.err(
                &rat,
                format!("response kind `{:?}` needs `entity`", r.kind).to_lowercase(),
            );
        }
        let needs_key = matches!(
            r.kind,
            ResponseKind::Single | ResponseKind::List | ResponseKind::Action
        );
        if needs_key && r.key.is_none() {
            self.err(
                &rat,
                format!("response kind `{:?}` needs `key`", r.kind).to_lowercase(),
            );
        }
        if o.paginated {
            for needed in ["page", "per_page"] {
                if !params
                    .iter()
                    .any(|p| p.key == needed && p.location == Location::Query)
                {
                    self.err(
                        &at,
                        format!("paginated operation needs a `{needed}` query param"),
                    );
                }
            }
            if r.kind != ResponseKind::List {
                self.err(&at, "paginated operation must have a `list` response");
            }
        }
        if !o.modules.is_empty() && !handle.scope.iter().any(|s| s.name == "module_api_name") {
            self.err(
                &at,
                format!(
                    "`modules` needs a handle with a `module_api_name` scope; `{}` has none",
                    handle.name
                ),
            );
        }
        let base = match &o.base {
            None => ir::Base::Crm,
            Some(b) => match b.value.as_str() {
                "crm" => ir::Base::Crm,
                "bulk" => ir::Base::Bulk,
                "upload" => ir::Base::Upload,
                "url" => {
                    let one_string_param =
                        match path.strip_prefix("/{").and_then(|r| r.strip_suffix('}')) {
                            Some(v) if !v.contains(['/', '{', '}']) => params.iter().any(|p| {
                                p.location == Location::Path && p.key == v && p.ty == Type::String
                            }),
                            _ => false,
                        };
                    if !one_string_param {
                        self.err(
                            &At::of(file, b),
                            format!("`base: url` needs a path of one string path param, `/{{download_url}}`; got `{path}`"),
                        );
                    }
                    ir::Base::Url
                }
                other => {
                    self.err(
                        &At::of(file, b),
                        format!("`base` is `{other}`; expected crm, bulk, upload or url"),
                    );
                    ir::Base::Crm
                }
            },
        };
        let idempotent = o
            .idempotent
            .unwrap_or(matches!(method.as_str(), "GET" | "PUT" | "DELETE"));
        self.api.operations.push(ir::Operation {
            name: name.to_owned(),
            handle: handle.name.clone(),
            doc: o.doc.clone(),
            aliases: o.aliases.clone(),
            method,
            path,
            base,
            params,
            body,
            response: ir::Response {
                kind: r.kind,
                entity,
                key: r.key.clone(),
            },
            paginated: o.paginated,
            idempotent,
            modules: o.modules.clone(),
            scope: o.scope.clone(),
            source: at.source(),
        });
    }
}

fn check_snake(l: &mut Lower, at: &At<'_>, what: &str, name: &str) {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        l.err(at, format!("{what} name `{name}` must be snake_case"));
    }
}

fn is_pascal(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Parses a type expression against the defined names.
pub fn parse_type(s: &str, kinds: &BTreeMap<String, &'static str>) -> Result<Type, String> {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
        return Ok(Type::List(Box::new(parse_type(inner, kinds)?)));
    }
    Ok(match s {
        "string" => Type::String,
        "integer" => Type::Integer,
        "decimal" => Type::Decimal,
        "boolean" => Type::Boolean,
        "date" => Type::Date,
        "datetime" => Type::DateTime,
        "id" => Type::Id,
        "map" => Type::Map,
        "any" => Type::Any,
        "file" => Type::File,
        other => match kinds.get(other) {
            Some(&"enum") => Type::Enum(other.to_owned()),
            Some(_) => Type::Entity(other.to_owned()),
            None => {
                return Err(format!(
                    "unknown type `{other}`: not a primitive (string, integer, decimal, boolean, date, datetime, id, map, any, list<T>) nor a defined entity or enum"
                ))
            }
        },
    })
}

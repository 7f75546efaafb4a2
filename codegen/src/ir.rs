//! The validated, resolved API (stage 3: the IR). Emitters, the emulator, `diff` and `coverage`
//! all read this; none of them read YAML.

use serde::Serialize;

/// The whole API, in a deterministic order (files by name, then declaration order).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Api {
    /// Handles.
    pub handles: Vec<Handle>,
    /// Enums.
    pub enums: Vec<Enum>,
    /// Entities.
    pub entities: Vec<Entity>,
    /// Operations.
    pub operations: Vec<Operation>,
}

impl Api {
    /// The entity named `name`.
    pub fn entity(&self, name: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.name == name)
    }

    /// The enum named `name`.
    pub fn enum_(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The handle named `name`.
    pub fn handle(&self, name: &str) -> Option<&Handle> {
        self.handles.iter().find(|h| h.name == name)
    }

    /// The operation of `handle` named `name` (or with that alias).
    pub fn operation(&self, handle: &str, name: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|o| o.handle == handle && (o.name == name || o.aliases.iter().any(|a| a == name)))
    }
}

/// Where a definition came from, for messages and the generated index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Source {
    /// Spec file name (relative to the spec directory).
    pub file: String,
    /// 1-based line.
    pub line: u64,
}

/// A handle.
#[derive(Debug, Clone, Serialize)]
pub struct Handle {
    /// Spec name (`module`).
    pub name: String,
    /// Docs.
    pub doc: String,
    /// Client accessor, or `None` for operations on `Client` itself.
    pub accessor: Option<String>,
    /// Scope values.
    pub scope: Vec<ScopeParam>,
    /// Definition site.
    pub source: Source,
}

/// A value a handle carries.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeParam {
    /// Rust name.
    pub name: String,
    /// Type.
    pub ty: Type,
    /// Docs.
    pub doc: String,
}

/// A tolerant enum.
#[derive(Debug, Clone, Serialize)]
pub struct Enum {
    /// Rust type name.
    pub name: String,
    /// Docs.
    pub doc: String,
    /// Wire values.
    pub values: Vec<String>,
    /// Definition site.
    pub source: Source,
}

/// An entity.
#[derive(Debug, Clone, Serialize)]
pub struct Entity {
    /// Rust type name.
    pub name: String,
    /// Docs.
    pub doc: String,
    /// Fields.
    pub fields: Vec<Field>,
    /// Decodes from a bare id string too (lookups, users), writing back the form it was given.
    pub bare_id: bool,
    /// Writable fields are tri-state (absent, null, value): Zoho clears a field sent as `null`.
    pub nullable: bool,
    /// Definition site.
    pub source: Source,
}

impl Entity {
    /// True when `f` is tri-state (`Nullable<T>`) rather than `Option<T>`.
    pub fn tri_state(&self, f: &Field) -> bool {
        self.nullable && !f.read_only
    }
}

/// An entity field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Rust name (already sanitized).
    pub name: String,
    /// JSON key.
    pub key: String,
    /// Type.
    pub ty: Type,
    /// False: mandatory on create.
    pub optional: bool,
    /// Server-set.
    pub read_only: bool,
    /// Redacted in `Debug`.
    pub sensitive: bool,
    /// Docs.
    pub doc: String,
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "lowercase")]
pub enum Type {
    /// Text.
    String,
    /// 64-bit integer.
    Integer,
    /// Floating point.
    Decimal,
    /// true / false.
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// ISO-8601 with offset.
    DateTime,
    /// A Zoho id (numeric string).
    Id,
    /// A JSON object of anything.
    Map,
    /// Any JSON value.
    Any,
    /// File content for a multipart upload (form params only).
    File,
    /// A list.
    List(Box<Type>),
    /// An enum by name.
    Enum(String),
    /// An entity by name.
    Entity(String),
}

impl Type {
    /// The spec spelling (`list<Record>`).
    pub fn spelling(&self) -> String {
        match self {
            Type::String => "string".into(),
            Type::Integer => "integer".into(),
            Type::Decimal => "decimal".into(),
            Type::Boolean => "boolean".into(),
            Type::Date => "date".into(),
            Type::DateTime => "datetime".into(),
            Type::Id => "id".into(),
            Type::Map => "map".into(),
            Type::Any => "any".into(),
            Type::File => "file".into(),
            Type::List(t) => format!("list<{}>", t.spelling()),
            Type::Enum(n) | Type::Entity(n) => n.clone(),
        }
    }
}

pub use crate::model::{Items, Location, ResponseKind};

/// An operation.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// Method name (`get_records`).
    pub name: String,
    /// Handle name.
    pub handle: String,
    /// Docs.
    pub doc: String,
    /// Other names.
    pub aliases: Vec<String>,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template under `/crm/v2` (or the bulk / upload base).
    pub path: String,
    /// Where the path lives (left out of the IR's JSON when `crm`, so older IR compares equal).
    #[serde(skip_serializing_if = "Base::is_crm")]
    pub base: Base,
    /// Parameters (path params that come from the handle scope are not listed).
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// Response.
    pub response: Response,
    /// Page-based pagination.
    pub paginated: bool,
    /// Safe to retry.
    pub idempotent: bool,
    /// Modules it is limited to (empty: all).
    pub modules: Vec<String>,
    /// OAuth scope.
    pub scope: String,
    /// Definition site.
    pub source: Source,
}

/// The URL root of an operation's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Base {
    /// `{api domain}/crm/v2`.
    #[default]
    Crm,
    /// `{api domain}/crm/bulk/v2` (bulk jobs).
    Bulk,
    /// `{file-upload host}/crm/v2` (Bulk Write's zip upload).
    Upload,
    /// An absolute URL Zoho handed out (a Bulk Write result's `download_url`): the path is one
    /// placeholder, `/{param}`, whose value is the whole URL. The runtime sends it only to a
    /// Zoho host over https or to the configured API host.
    Url,
}

impl Base {
    fn is_crm(&self) -> bool {
        *self == Base::Crm
    }
}

impl Operation {
    /// True when the body is a list that may be sent in chunks of `max_items`.
    pub fn chunkable(&self) -> bool {
        self.response.kind == ResponseKind::Action
            && self
                .body
                .as_ref()
                .is_some_and(|b| b.items == Items::Many && b.max_items.is_some())
    }

    /// The path split into literal and placeholder segments.
    pub fn path_segments(&self) -> Vec<PathSegment> {
        split_path(&self.path)
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Literal text between slashes.
    Literal(String),
    /// `{name}`.
    Var(String),
}

/// Splits `/{module}/search` into segments.
pub fn split_path(path: &str) -> Vec<PathSegment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                Some(v) => PathSegment::Var(v.to_owned()),
                None => PathSegment::Literal(s.to_owned()),
            },
        )
        .collect()
}

/// An operation parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// Rust name.
    pub name: String,
    /// Wire name.
    pub key: String,
    /// Where it goes.
    pub location: Location,
    /// Type.
    pub ty: Type,
    /// False: a required method argument.
    pub optional: bool,
    /// Constant value.
    pub fixed: Option<String>,
    /// Handle scope value it takes.
    pub from_scope: Option<String>,
    /// Upper bound (value or item count).
    pub max: Option<u64>,
    /// Lower bound, checked by the client before sending.
    pub min: Option<u64>,
    /// Lower bound Zoho enforces (defaults to `min`); the emulator checks this one.
    pub server_min: Option<u64>,
    /// Docs.
    pub doc: String,
}

/// A JSON body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    /// Item entity.
    pub entity: String,
    /// Envelope key.
    pub key: String,
    /// One item or many.
    pub items: Items,
    /// Most items per call.
    pub max_items: Option<u64>,
}

/// A response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// Shape.
    pub kind: ResponseKind,
    /// Entity (items, or action details).
    pub entity: Option<String>,
    /// Envelope key.
    pub key: Option<String>,
}

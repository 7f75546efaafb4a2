//! The YAML spec as written (stage 1: load). Every struct denies unknown keys, and names that
//! other parts refer to are `Spanned` so validation can point at file, line and column.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

/// One spec file. Every section is optional; the loader merges all files of a directory.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// Handles: the nouns operations hang on (`module`, `record` ...).
    #[serde(default)]
    pub handles: IndexMap<String, Spanned<Handle>>,
    /// Closed value sets that decode tolerantly.
    #[serde(default)]
    pub enums: IndexMap<String, Spanned<Enum>>,
    /// JSON objects.
    #[serde(default)]
    pub entities: IndexMap<String, Spanned<Entity>>,
    /// HTTP operations.
    #[serde(default)]
    pub operations: IndexMap<String, Spanned<Operation>>,
}

/// A noun that carries scope, like `client.module("Leads")`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handle {
    /// One line of docs.
    pub doc: String,
    /// The `Client` method that returns the handle. Absent: operations go on `Client` itself.
    #[serde(default)]
    pub accessor: Option<String>,
    /// Values the handle carries, in argument order; path templates use them by name.
    #[serde(default)]
    pub scope: Vec<ScopeParam>,
}

/// A value a handle carries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeParam {
    /// Rust name.
    pub name: String,
    /// Type (`string` or `id`).
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    /// One line of docs.
    pub doc: String,
}

/// A tolerant enum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enum {
    /// One line of docs.
    pub doc: String,
    /// The wire values.
    pub values: Vec<String>,
}

/// A JSON object type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// One line of docs.
    pub doc: String,
    /// Fields, keyed by Rust name.
    #[serde(default)]
    pub fields: IndexMap<String, Spanned<Field>>,
    /// A reference to another object: decodes from a bare id string as well as an object, and
    /// writes back the form it was given.
    #[serde(default)]
    pub bare_id: bool,
    /// Zoho reads `null` as "clear this field" on writes: writable fields are tri-state.
    #[serde(default)]
    pub nullable: bool,
}

/// A field of an entity.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// JSON key; defaults to the Rust name.
    #[serde(default)]
    pub key: Option<String>,
    /// Type expression: `string`, `integer`, `decimal`, `boolean`, `date`, `datetime`, `id`,
    /// `map`, `any`, `list<T>`, or an enum or entity name.
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    /// `false`: the API requires it when creating (the emulator answers MANDATORY_NOT_FOUND).
    /// Decoding always tolerates its absence.
    #[serde(default = "yes")]
    pub optional: bool,
    /// Set by the server; ignored on writes.
    #[serde(default)]
    pub read_only: bool,
    /// A secret: `Debug` prints `[redacted]`.
    #[serde(default)]
    pub sensitive: bool,
    /// One line of docs.
    pub doc: String,
}

fn yes() -> bool {
    true
}

/// An HTTP operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The handle it hangs on.
    pub handle: Spanned<String>,
    /// One line of docs.
    pub doc: String,
    /// Other names users know it by (the official SDK's real name, say).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// HTTP method.
    pub method: Spanned<String>,
    /// Path under `/crm/v2`, with `{name}` placeholders from the handle scope or path params.
    pub path: Spanned<String>,
    /// Where the path lives: `crm` (`/crm/v2`, the default), `bulk` (`/crm/bulk/v2`), `upload`
    /// (`/crm/v2` on the file-upload host, `content.zohoapis.*`) or `url` (the path is one string
    /// path param holding an absolute URL Zoho handed out, `/{download_url}`).
    #[serde(default)]
    pub base: Option<Spanned<String>>,
    /// Parameters, keyed by Rust name.
    #[serde(default)]
    pub params: IndexMap<String, Spanned<Param>>,
    /// The request body.
    #[serde(default)]
    pub body: Option<Spanned<Body>>,
    /// The response.
    pub response: Spanned<Response>,
    /// Pages with `page`/`per_page` and `info.more_records`.
    #[serde(default)]
    pub paginated: bool,
    /// Safe to retry; defaults to true for GET, PUT and DELETE.
    #[serde(default)]
    pub idempotent: Option<bool>,
    /// Only these modules support it (checked against the handle's `module_api_name` before
    /// sending); empty means every module.
    #[serde(default)]
    pub modules: Vec<String>,
    /// The OAuth scope it needs.
    pub scope: String,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// A `{name}` in the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A top-level key of the JSON body, beside the envelope array.
    Body,
    /// A multipart form field.
    Form,
}

/// An operation parameter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// Where it goes.
    #[serde(rename = "in")]
    pub location: Location,
    /// Wire name; defaults to the Rust name.
    #[serde(default)]
    pub key: Option<String>,
    /// Type expression, as for fields. Lists go comma-joined in queries.
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    /// `false`: a required method argument.
    #[serde(default = "yes")]
    pub optional: bool,
    /// A constant the operation always sends (no setter).
    #[serde(default)]
    pub fixed: Option<String>,
    /// Takes its value from this scope value of the handle (no setter), e.g. a `module` query
    /// param filled from `module_api_name`.
    #[serde(default)]
    pub from_scope: Option<String>,
    /// Largest allowed value (integers) or item count (lists), checked before sending.
    #[serde(default)]
    pub max: Option<u64>,
    /// Smallest allowed value or item count.
    #[serde(default)]
    pub min: Option<u64>,
    /// Smallest value Zoho itself accepts, when it is looser than `min` (the client's own
    /// check): the emulator enforces this one. `page: {min: 1, server_min: 0}`.
    #[serde(default)]
    pub server_min: Option<u64>,
    /// One line of docs.
    pub doc: String,
}

/// A JSON request body: `{ "<key>": [entity...], <body params> }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// The item type.
    pub entity: Spanned<String>,
    /// The envelope key (`data`, `users`, `tags` ...).
    pub key: String,
    /// `one`: the method takes one item; `many`: a list.
    #[serde(default)]
    pub items: Items,
    /// Most items per call (checked before sending).
    #[serde(default)]
    pub max_items: Option<u64>,
}

/// How many body items a method takes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Items {
    /// A list.
    #[default]
    Many,
    /// Exactly one.
    One,
}

/// What comes back.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// The shape.
    pub kind: ResponseKind,
    /// The item type (for `single`, `list`, `object`) or the success `details` type (`action`).
    #[serde(default)]
    pub entity: Option<Spanned<String>>,
    /// The envelope key.
    #[serde(default)]
    pub key: Option<String>,
}

/// Response shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseKind {
    /// One entity under the key (an array of one, or an object).
    Single,
    /// A page of entities under the key, with `info`.
    List,
    /// Per-item results (`code`, `status`, `message`, `details`) under the key.
    Action,
    /// The whole body is the entity.
    Object,
    /// A file download.
    File,
}

//! `diff OLD NEW`: operations, entities and fields added, removed or changed, each classified
//! by what it means for code written against the generated API ([`Impact`]).

use crate::ir::{Api, Entity, Operation, Param};
use serde::Serialize;
use std::fmt;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A new operation (`handle.name`).
    OperationAdded {
        /// `handle.name`.
        name: String,
    },
    /// A removed operation.
    OperationRemoved {
        /// `handle.name`.
        name: String,
    },
    /// An operation whose wire shape changed.
    OperationChanged {
        /// `handle.name`.
        name: String,
        /// What changed (`method GET -> POST`, `param page added` ...).
        what: Vec<String>,
    },
    /// A new entity or enum.
    EntityAdded {
        /// Type name.
        name: String,
    },
    /// A removed entity or enum.
    EntityRemoved {
        /// Type name.
        name: String,
    },
    /// A new field.
    FieldAdded {
        /// Entity.
        entity: String,
        /// Field (JSON key).
        field: String,
        /// Mandatory on create (existing creates now lack it).
        required: bool,
    },
    /// A removed field.
    FieldRemoved {
        /// Entity.
        entity: String,
        /// Field (JSON key).
        field: String,
    },
    /// Enum values added or removed.
    EnumChanged {
        /// Enum.
        name: String,
        /// Values added.
        added: Vec<String>,
        /// Values removed.
        removed: Vec<String>,
    },
    /// Only documentation changed (an operation's, entity's or field's `doc`).
    DocsChanged {
        /// `handle.operation`, `Entity` or `Entity.field`.
        name: String,
    },
    /// A field whose type or flags changed.
    FieldChanged {
        /// Entity.
        entity: String,
        /// Field (JSON key).
        field: String,
        /// What changed.
        what: String,
    },
}

/// What a change means for users of the generated API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Only docs changed.
    DocsOnly,
    /// New things; existing code keeps compiling and working.
    Additive,
    /// Existing code may stop compiling or calls may start failing: a removed operation, field,
    /// entity or enum value, a changed type, wire path or shape, something optional made
    /// required.
    Breaking,
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Impact::DocsOnly => "docs-only",
            Impact::Additive => "additive",
            Impact::Breaking => "breaking",
        })
    }
}

/// A change with its impact, as `diff --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classified {
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// What it means for users.
    pub impact: Impact,
}

impl Change {
    /// What this change means for code written against the generated API.
    pub fn impact(&self) -> Impact {
        match self {
            Change::OperationAdded { .. } | Change::EntityAdded { .. } => Impact::Additive,
            Change::OperationRemoved { .. }
            | Change::EntityRemoved { .. }
            | Change::FieldRemoved { .. } => Impact::Breaking,
            Change::OperationChanged { what, .. } => {
                // Only new optional parameters (a new setter) leave existing calls intact.
                if what.iter().all(|w| w.ends_with(" added (optional)")) {
                    Impact::Additive
                } else {
                    Impact::Breaking
                }
            }
            Change::FieldAdded { required, .. } => {
                if *required {
                    Impact::Breaking
                } else {
                    Impact::Additive
                }
            }
            Change::EnumChanged { removed, .. } => {
                if removed.is_empty() {
                    Impact::Additive
                } else {
                    Impact::Breaking
                }
            }
            Change::DocsChanged { .. } => Impact::DocsOnly,
            Change::FieldChanged { what, .. } => {
                let loosening = ["optional false -> true", "read_only true -> false"];
                if what.split(", ").all(|w| loosening.contains(&w)) {
                    Impact::Additive
                } else {
                    Impact::Breaking
                }
            }
        }
    }
}

/// Every change of [`diff`] with its impact.
pub fn classify(old: &Api, new: &Api) -> Vec<Classified> {
    diff(old, new)
        .into_iter()
        .map(|change| Classified {
            impact: change.impact(),
            change,
        })
        .collect()
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::OperationAdded { name } => write!(f, "+ operation {name}"),
            Change::OperationRemoved { name } => write!(f, "- operation {name}"),
            Change::OperationChanged { name, what } => {
                write!(f, "~ operation {name}: {}", what.join("; "))
            }
            Change::EntityAdded { name } => write!(f, "+ entity {name}"),
            Change::EntityRemoved { name } => write!(f, "- entity {name}"),
            Change::FieldAdded { entity, field, .. } => write!(f, "+ field {entity}.{field}"),
            Change::EnumChanged {
                name,
                added,
                removed,
            } => {
                let mut parts: Vec<String> = added.iter().map(|v| format!("+{v}")).collect();
                parts.extend(removed.iter().map(|v| format!("-{v}")));
                write!(f, "~ enum {name}: {}", parts.join(" "))
            }
            Change::DocsChanged { name } => write!(f, "~ docs {name}"),
            Change::FieldRemoved { entity, field } => write!(f, "- field {entity}.{field}"),
            Change::FieldChanged {
                entity,
                field,
                what,
            } => write!(f, "~ field {entity}.{field}: {what}"),
        }
    }
}

fn qualified(o: &Operation) -> String {
    format!("{}.{}", o.handle, o.name)
}

/// Every change from `old` to `new`, operations first, then types, each in name order.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut out = Vec::new();
    let mut ops_old: Vec<_> = old.operations.iter().map(|o| (qualified(o), o)).collect();
    let mut ops_new: Vec<_> = new.operations.iter().map(|o| (qualified(o), o)).collect();
    ops_old.sort_by(|a, b| a.0.cmp(&b.0));
    ops_new.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, o) in &ops_new {
        match ops_old.iter().find(|(n, _)| n == name) {
            None => out.push(Change::OperationAdded { name: name.clone() }),
            Some((_, prev)) => {
                let what = op_changes(prev, o);
                if !what.is_empty() {
                    out.push(Change::OperationChanged {
                        name: name.clone(),
                        what,
                    });
                } else if prev.doc != o.doc
                    || prev
                        .params
                        .iter()
                        .zip(&o.params)
                        .any(|(a, b)| a.doc != b.doc)
                {
                    out.push(Change::DocsChanged { name: name.clone() });
                }
            }
        }
    }
    for (name, _) in &ops_old {
        if !ops_new.iter().any(|(n, _)| n == name) {
            out.push(Change::OperationRemoved { name: name.clone() });
        }
    }
    let names = |api: &Api| {
        let mut v: Vec<String> = api
            .entities
            .iter()
            .map(|e| e.name.clone())
            .chain(api.enums.iter().map(|e| e.name.clone()))
            .collect();
        v.sort();
        v
    };
    let (old_names, new_names) = (names(old), names(new));
    for n in &new_names {
        if !old_names.contains(n) {
            out.push(Change::EntityAdded { name: n.clone() });
        }
    }
    for n in &old_names {
        if !new_names.contains(n) {
            out.push(Change::EntityRemoved { name: n.clone() });
        }
    }
    for e in &new.enums {
        if let Some(prev) = old.enum_(&e.name) {
            let added: Vec<String> = e
                .values
                .iter()
                .filter(|v| !prev.values.contains(v))
                .cloned()
                .collect();
            let removed: Vec<String> = prev
                .values
                .iter()
                .filter(|v| !e.values.contains(v))
                .cloned()
                .collect();
            if !added.is_empty() || !removed.is_empty() {
                out.push(Change::EnumChanged {
                    name: e.name.clone(),
                    added,
                    removed,
                });
            } else if prev.doc != e.doc {
                out.push(Change::DocsChanged {
                    name: e.name.clone(),
                });
            }
        }
    }
    for e in &new.entities {
        if let Some(prev) = old.entity(&e.name) {
            if prev.doc != e.doc {
                out.push(Change::DocsChanged {
                    name: e.name.clone(),
                });
            }
            field_changes(prev, e, &mut out);
        }
    }
    out
}

fn op_changes(a: &Operation, b: &Operation) -> Vec<String> {
    let mut what = Vec::new();
    if a.method != b.method {
        what.push(format!("method {} -> {}", a.method, b.method));
    }
    if a.path != b.path {
        what.push(format!("path {} -> {}", a.path, b.path));
    }
    for p in &b.params {
        match a
            .params
            .iter()
            .find(|q| q.key == p.key && q.location == p.location)
        {
            None if p.optional || p.fixed.is_some() || p.from_scope.is_some() => {
                what.push(format!("param {} added (optional)", p.key))
            }
            None => what.push(format!("param {} added (required)", p.key)),
            Some(q)
                if q.doc != p.doc
                    && same_for_clients(
                        &Param {
                            doc: String::new(),
                            ..q.clone()
                        },
                        &Param {
                            doc: String::new(),
                            ..p.clone()
                        },
                    ) => {}
            Some(q) if !same_for_clients(q, p) => what.push(format!("param {} changed", p.key)),
            _ => {}
        }
    }
    for q in &a.params {
        if !b
            .params
            .iter()
            .any(|p| p.key == q.key && p.location == q.location)
        {
            what.push(format!("param {} removed", q.key));
        }
    }
    if a.body != b.body {
        what.push("body changed".into());
    }
    if a.response != b.response {
        what.push("response changed".into());
    }
    what
}

fn field_changes(a: &Entity, b: &Entity, out: &mut Vec<Change>) {
    for f in &b.fields {
        match a.fields.iter().find(|g| g.key == f.key) {
            None => out.push(Change::FieldAdded {
                entity: b.name.clone(),
                field: f.key.clone(),
                required: !f.optional && !f.read_only,
            }),
            Some(g) => {
                let mut what = Vec::new();
                if g.ty != f.ty {
                    what.push(format!("type {} -> {}", g.ty.spelling(), f.ty.spelling()));
                }
                if g.optional != f.optional {
                    what.push(format!("optional {} -> {}", g.optional, f.optional));
                }
                if g.read_only != f.read_only {
                    what.push(format!("read_only {} -> {}", g.read_only, f.read_only));
                }
                if !what.is_empty() {
                    out.push(Change::FieldChanged {
                        entity: b.name.clone(),
                        field: f.key.clone(),
                        what: what.join(", "),
                    });
                } else if g != f {
                    out.push(Change::DocsChanged {
                        name: format!("{}.{}", b.name, f.key),
                    });
                }
            }
        }
    }
    for g in &a.fields {
        if !b.fields.iter().any(|f| f.key == g.key) {
            out.push(Change::FieldRemoved {
                entity: b.name.clone(),
                field: g.key.clone(),
            });
        }
    }
}

// `server_min` is what Zoho accepts (the emulator's rule); no client sees it change.
fn same_for_clients(a: &crate::ir::Param, b: &crate::ir::Param) -> bool {
    let strip = |p: &crate::ir::Param| crate::ir::Param {
        server_min: None,
        ..p.clone()
    };
    strip(a) == strip(b)
}

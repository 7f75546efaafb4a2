//! `diff OLD NEW`: operations, entities and fields added, removed or changed.

use crate::ir::{Api, Entity, Operation};
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
    },
    /// A removed field.
    FieldRemoved {
        /// Entity.
        entity: String,
        /// Field (JSON key).
        field: String,
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
            Change::FieldAdded { entity, field } => write!(f, "+ field {entity}.{field}"),
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
    for e in &new.entities {
        if let Some(prev) = old.entity(&e.name) {
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
            None => what.push(format!("param {} added", p.key)),
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

//! `coverage`: which operations of the seed's tables the spec provides, per handle.

use crate::ir::Api;
use indexmap::IndexMap;
use std::fmt;

/// The reference list: handle → operation names (seed 000 §9), from
/// `spec/reference-operations.yaml`.
pub type Reference = IndexMap<String, Vec<String>>;

/// Parses the reference list.
pub fn parse_reference(file: &str, text: &str) -> Result<Reference, crate::SpecErrors> {
    serde_saphyr::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        crate::SpecErrors(vec![crate::SpecError {
            file: file.to_owned(),
            line,
            column,
            message: crate::load::first_line(&e.to_string()),
        }])
    })
}

/// Coverage of one handle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HandleCoverage {
    /// Handle name.
    pub handle: String,
    /// Reference operations the spec has (by name or alias).
    pub covered: Vec<String>,
    /// Reference operations it lacks.
    pub missing: Vec<String>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    /// Per handle, in reference order.
    pub handles: Vec<HandleCoverage>,
}

impl Coverage {
    /// Covered operations.
    pub fn covered(&self) -> usize {
        self.handles.iter().map(|h| h.covered.len()).sum()
    }

    /// Reference operations.
    pub fn total(&self) -> usize {
        self.handles
            .iter()
            .map(|h| h.covered.len() + h.missing.len())
            .sum()
    }

    /// Percentage covered, 0 to 100.
    pub fn percent(&self) -> f64 {
        if self.total() == 0 {
            return 100.0;
        }
        self.covered() as f64 * 100.0 / self.total() as f64
    }
}

/// Compares the spec with the reference list.
pub fn coverage(api: &Api, reference: &Reference) -> Coverage {
    let handles = reference
        .iter()
        .map(|(handle, ops)| {
            let (covered, missing) = ops
                .iter()
                .cloned()
                .partition(|name| api.operation(handle, name).is_some());
            HandleCoverage {
                handle: handle.clone(),
                covered,
                missing,
            }
        })
        .collect();
    Coverage { handles }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for h in &self.handles {
            let n = h.covered.len() + h.missing.len();
            writeln!(f, "{}: {}/{}", h.handle, h.covered.len(), n)?;
            for m in &h.missing {
                writeln!(f, "  missing: {m}")?;
            }
        }
        write!(
            f,
            "total: {}/{} ({:.1}%)",
            self.covered(),
            self.total(),
            self.percent()
        )
    }
}

//! `coverage`: which operations of the two reference lists the spec provides: the official
//! Python SDK's operation tables of zcrmsdk 2.0 (per handle) and the official zohocrmsdk2-0 6.0.0 SDK (per SDK package).

use crate::ir::Api;
use indexmap::IndexMap;
use std::fmt;

/// The reference lists, from `spec/reference-operations.yaml`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// zcrmsdk 2.0, the official Python SDK's operation tables: handle → operation names.
    pub zcrmsdk_2_0: IndexMap<String, Vec<String>>,
    /// zohocrmsdk2-0 6.0.0: SDK package → (SDK method name → the handle carrying it here).
    pub zohocrmsdk2_0: IndexMap<String, IndexMap<String, String>>,
}

/// Parses the reference lists.
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

/// Coverage of one group: a handle (zcrmsdk 2.0 list) or an SDK package (SDK list).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupCoverage {
    /// Handle or SDK package name.
    pub group: String,
    /// Reference operations the spec has (by name or alias).
    pub covered: Vec<String>,
    /// Reference operations it lacks, as `name` (zcrmsdk 2.0) or `handle.name` (SDK list).
    pub missing: Vec<String>,
}

/// Coverage of one reference list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    /// What the list is.
    pub title: String,
    /// Per group, in reference order.
    pub groups: Vec<GroupCoverage>,
}

/// Both lists.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// zcrmsdk 2.0's operation tables.
    pub zcrmsdk_2_0: Coverage,
    /// zohocrmsdk2-0 6.0.0.
    pub zohocrmsdk2_0: Coverage,
}

impl Coverage {
    /// Covered operations.
    pub fn covered(&self) -> usize {
        self.groups.iter().map(|h| h.covered.len()).sum()
    }

    /// Reference operations.
    pub fn total(&self) -> usize {
        self.groups
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

impl Report {
    /// The lower of the two percentages (what `--min` compares).
    pub fn percent(&self) -> f64 {
        self.zcrmsdk_2_0.percent().min(self.zohocrmsdk2_0.percent())
    }
}

/// Compares the spec with both reference lists.
pub fn coverage(api: &Api, reference: &Reference) -> Report {
    let tables = reference
        .zcrmsdk_2_0
        .iter()
        .map(|(handle, ops)| {
            let (covered, missing) = ops
                .iter()
                .cloned()
                .partition(|name| api.operation(handle, name).is_some());
            GroupCoverage {
                group: handle.clone(),
                covered,
                missing,
            }
        })
        .collect();
    let sdk = reference
        .zohocrmsdk2_0
        .iter()
        .map(|(package, ops)| {
            let mut g = GroupCoverage {
                group: package.clone(),
                covered: Vec::new(),
                missing: Vec::new(),
            };
            for (name, handle) in ops {
                if api.operation(handle, name).is_some() {
                    g.covered.push(name.clone());
                } else {
                    g.missing.push(format!("{handle}.{name}"));
                }
            }
            g
        })
        .collect();
    Report {
        zcrmsdk_2_0: Coverage {
            title: "zcrmsdk 2.0 (the official Python SDK's operation tables)".into(),
            groups: tables,
        },
        zohocrmsdk2_0: Coverage {
            title: "zohocrmsdk2-0 6.0.0 (official Python SDK)".into(),
            groups: sdk,
        },
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        for h in &self.groups {
            let n = h.covered.len() + h.missing.len();
            writeln!(f, "  {}: {}/{}", h.group, h.covered.len(), n)?;
            for m in &h.missing {
                writeln!(f, "    missing: {m}")?;
            }
        }
        write!(
            f,
            "  total: {}/{} ({:.1}%)",
            self.covered(),
            self.total(),
            self.percent()
        )
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n\n{}", self.zcrmsdk_2_0, self.zohocrmsdk2_0)
    }
}

//! The embedded spec and the route table built from it. Routing comes from the spec so a new
//! operation there is routed (and answered 501 until it has a handler) without touching this file.

use std::collections::HashMap;
use zohocrm_codegen::ir::{Api, Base, Operation, PathSegment};

/// `(file name, text)` of every spec file of the SDK this emulator was built with.
pub use zohocrm_codegen::builtin::SOURCES;

/// The URL prefix of every CRM operation.
pub const CRM_PREFIX: &str = "/crm/v2";
/// The URL prefix of Bulk Read and Bulk Write jobs (spec `base: bulk`).
pub const BULK_PREFIX: &str = "/crm/bulk/v2";

/// Loads the embedded spec.
pub fn load() -> Result<Api, zohocrm_codegen::SpecErrors> {
    zohocrm_codegen::builtin::load()
}

/// Operations indexed for matching request paths.
#[derive(Debug)]
pub struct Routes {
    ops: Vec<(Operation, Vec<PathSegment>)>,
}

/// The outcome of matching a request.
#[derive(Debug)]
pub enum Resolved<'a> {
    /// Operations that share the method and the most specific matching template (several for the
    /// search family, which differs only by query parameter), and the placeholder values.
    Found(Vec<&'a Operation>, HashMap<String, String>),
    /// The path exists with other methods.
    WrongMethod,
    /// No template matches.
    NotFound,
}

impl Routes {
    /// Builds the table from the spec's operations.
    pub fn new(api: &Api) -> Self {
        Routes {
            ops: api
                .operations
                .iter()
                .map(|o| (o.clone(), o.path_segments()))
                .collect(),
        }
    }

    /// Every operation, in spec order.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.ops.iter().map(|(o, _)| o)
    }

    /// Matches `path` (already without `/crm/v2`, or `/crm/bulk/v2` when `bulk`). Literal
    /// segments beat placeholders, earlier positions first, so `/Leads/search` is the search call
    /// and not a record id.
    pub fn resolve(&self, method: &str, path: &str, bulk: bool) -> Resolved<'_> {
        let segs: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(crate::params::percent_decode)
            .collect();
        let mut best: Option<Vec<bool>> = None;
        let mut tier: Vec<(&Operation, HashMap<String, String>)> = Vec::new();
        for (op, tpl) in &self.ops {
            // An absolute-URL operation (Bulk Write's result download) has no path of its own
            // here: the download route serves it (bulk_write.rs).
            if (op.base == Base::Bulk) != bulk || op.base == Base::Url {
                continue;
            }
            let Some((rank, vars)) = match_template(tpl, &segs) else {
                continue;
            };
            match &best {
                Some(b) if *b > rank => continue,
                Some(b) if *b == rank => {}
                _ => {
                    best = Some(rank);
                    tier.clear();
                }
            }
            tier.push((op, vars));
        }
        if tier.is_empty() {
            return Resolved::NotFound;
        }
        let mut vars_out = HashMap::new();
        let mut found = Vec::new();
        for (op, vars) in tier {
            if op.method.eq_ignore_ascii_case(method) {
                // Twins may name the same segment differently (`{module_api_name}` and
                // `{module_id}`); every name is kept so whichever twin serves finds its own.
                vars_out.extend(vars);
                found.push(op);
            }
        }
        if found.is_empty() {
            Resolved::WrongMethod
        } else {
            Resolved::Found(found, vars_out)
        }
    }
}

fn match_template(
    tpl: &[PathSegment],
    segs: &[String],
) -> Option<(Vec<bool>, HashMap<String, String>)> {
    if tpl.len() != segs.len() {
        return None;
    }
    let mut rank = Vec::with_capacity(tpl.len());
    let mut vars = HashMap::new();
    for (t, s) in tpl.iter().zip(segs) {
        match t {
            PathSegment::Literal(l) if l == s => rank.push(true),
            PathSegment::Literal(_) => return None,
            PathSegment::Var(v) => {
                rank.push(false);
                vars.insert(v.clone(), s.clone());
            }
        }
    }
    Some((rank, vars))
}

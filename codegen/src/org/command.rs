//! `cargo codegen org-entity`: its arguments and what it does with them, here rather than in
//! the binary so tests run it in-process against the emulator.

use super::fetch::{Fetcher, ModuleFields};
use super::{entity_yaml, parse_fields, FieldMeta};
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::path::{Path, PathBuf};

/// Write spec entities from the org's field metadata (the answer of `GET
/// /settings/fields?module=X`): from a saved file (`--fields`), or fetched live with a token from
/// the configured store (`--module` alone, or `--all-modules`), so records decode into typed
/// fields.
#[derive(Debug, Clone, clap::Args)]
pub struct OrgEntityArgs {
    /// A saved field metadata JSON file (`{"fields":[...]}` or `[...]`). Without it the
    /// metadata is fetched through the `zohocrm` command.
    #[arg(long, conflicts_with = "all_modules")]
    pub fields: Option<PathBuf>,
    /// The module's API name (`Leads`).
    #[arg(long, required_unless_present = "all_modules")]
    pub module: Option<String>,
    /// The entity (Rust type) name (`Lead`).
    #[arg(
        long,
        required_unless_present = "all_modules",
        conflicts_with = "all_modules"
    )]
    pub entity: Option<String>,
    /// Write here instead of stdout.
    #[arg(long, conflicts_with = "all_modules")]
    pub out: Option<PathBuf>,
    /// Fetch every module the API supports, one file each (`org_<module>.yaml` in --out-dir,
    /// entity named after the module's singular label).
    #[arg(long, requires = "out_dir", conflicts_with = "module")]
    pub all_modules: bool,
    /// With --all-modules: the directory the files go in.
    #[arg(long, requires = "all_modules")]
    pub out_dir: Option<PathBuf>,
    /// With --out or --out-dir: do not write; exit 1 and list the drifted lines when a file
    /// differs (drift detection in CI).
    #[arg(long)]
    pub check: bool,
    /// Fetching: the TOML configuration file (else `ZOHO_CONFIG`, as for `zohocrm`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Fetching: a token store URL replacing the configured one (`zohocrm auth migrate --help`).
    #[arg(long, value_name = "STORE-URL")]
    pub store: Option<String>,
    /// Fetching: the user whose token is used (else `current_user_email`).
    #[arg(long, value_name = "EMAIL")]
    pub user: Option<String>,
    /// Fetching: the `zohocrm` command line (else `$ZOHOCRM_CLI`, else `zohocrm` on PATH).
    #[arg(long, value_name = "COMMAND")]
    pub zohocrm_command: Option<String>,
}

/// Runs `org-entity`. `Ok(false)` means `--check` found drift (the files that differ and their
/// changed lines are printed on stderr); errors name the file or the command that failed.
pub fn run(args: OrgEntityArgs) -> Result<bool, String> {
    if args.check && args.out.is_none() && args.out_dir.is_none() {
        return Err("--check needs --out (or --out-dir with --all-modules)".into());
    }
    let mut fetcher = Fetcher::new(args.zohocrm_command.as_deref());
    fetcher.config = args.config.clone();
    fetcher.store = args.store.clone();
    fetcher.user = args.user.clone();
    if args.all_modules {
        let dir = args.out_dir.as_deref().unwrap_or(Path::new("."));
        return all_modules(&fetcher, dir, args.check);
    }
    let (Some(module), Some(entity)) = (&args.module, &args.entity) else {
        return Err("--module and --entity are needed without --all-modules".into());
    };
    let metas = match &args.fields {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            parse_fields(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => fetcher.module_fields(module)?,
    };
    let yaml = entity_yaml(entity, module, &metas)?;
    match args.out {
        None => {
            print!("{yaml}");
            Ok(true)
        }
        Some(path) => deliver(&path, &yaml, &metas, module, args.check),
    }
}

/// Writes `yaml` to `path`, or with `check` compares it; false on drift.
fn deliver(
    path: &Path,
    yaml: &str,
    metas: &[FieldMeta],
    module: &str,
    check: bool,
) -> Result<bool, String> {
    if check {
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        if committed == yaml {
            println!("{} matches the org's {module} fields", path.display());
            return Ok(true);
        }
        eprintln!(
            "{} differs from the org's {module} fields; rerun without --check to update it:",
            path.display()
        );
        for line in drift(&committed, yaml) {
            eprintln!("  {line}");
        }
        return Ok(false);
    }
    std::fs::write(path, yaml).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {} ({} fields)", path.display(), metas.len());
    Ok(true)
}

fn all_modules(fetcher: &Fetcher, dir: &Path, check: bool) -> Result<bool, String> {
    let modules = fetcher.all_modules()?;
    let files = module_files(&modules)?;
    if !check {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut in_sync = true;
    for (file, m, yaml) in files {
        in_sync &= deliver(&dir.join(file), &yaml, &m.fields, &m.api_name, check)?;
    }
    Ok(in_sync)
}

/// `(file name, module, YAML)` for each module: `org_<module in snake_case>.yaml` with an entity
/// named after the module's singular label (`Price_Books` → `PriceBook` in
/// `org_price_books.yaml`). A name another entity or enum of the SDK's spec has (outside these
/// files) gets the prefix `Org` (`Notes` → `OrgNote`), so the files load beside that spec.
///
/// # Errors
/// Two modules would get the same entity name.
pub fn module_files(
    modules: &[ModuleFields],
) -> Result<Vec<(String, &ModuleFields, String)>, String> {
    let file_of = |m: &ModuleFields| format!("org_{}.yaml", m.api_name.to_snake_case());
    let ours: Vec<String> = modules.iter().map(file_of).collect();
    let sdk = crate::builtin::load().map_err(|e| format!("the SDK's own spec: {e}"))?;
    let taken = |name: &str| {
        sdk.entities
            .iter()
            .any(|e| e.name == name && !ours.contains(&e.source.file))
            || sdk.enums.iter().any(|e| e.name == name)
    };
    let mut named: Vec<(String, &ModuleFields, String)> = Vec::new();
    for m in modules {
        let label = m.singular_label.as_deref().unwrap_or(&m.api_name);
        let cleaned: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
            .collect();
        let mut entity = cleaned.to_upper_camel_case();
        if !entity.starts_with(|c: char| c.is_ascii_uppercase()) || taken(&entity) {
            entity = format!("Org{entity}");
        }
        if let Some((_, other, _)) = named.iter().find(|(_, _, e)| *e == entity) {
            return Err(format!(
                "modules {} and {} would both become entity {entity}; fetch them one at a time \
                 with --module and --entity",
                other.api_name, m.api_name
            ));
        }
        named.push((file_of(m), m, entity));
    }
    named
        .into_iter()
        .map(|(file, m, entity)| Ok((file, m, entity_yaml(&entity, &m.api_name, &m.fields)?)))
        .collect()
}

/// The lines only in `new` (`+ ...`) and only in `old` (`- ...`): the fields that changed.
pub fn drift(old: &str, new: &str) -> Vec<String> {
    let removed = old
        .lines()
        .filter(|l| !new.lines().any(|n| n == *l))
        .map(|l| format!("- {}", l.trim()));
    let added = new
        .lines()
        .filter(|l| !old.lines().any(|o| o == *l))
        .map(|l| format!("+ {}", l.trim()));
    removed.chain(added).collect()
}

//! `zohocrm fields <Module>`: the module's field metadata as a table, JSON or a spec entity.

use crate::args::{FieldsArgs, Global};
use crate::config;
use crate::error::{CliError, CliResult};
use crate::output::write_atomically;
use zohocrm::Client;
use zohocrm::types::Field;

pub async fn run(global: &Global, args: FieldsArgs) -> CliResult<()> {
    let (client, _) = config::user_client(global).await?;
    let module = match (&args.module, args.all_modules) {
        (Some(module), false) => module.clone(),
        _ => return all_modules(&client).await,
    };
    let fields = fetch(&client, &module).await?;
    let json = serde_json::json!({ "fields": fields });
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
        return Ok(());
    }
    if let Some(entity) = &args.entity {
        let metas = zohocrm_codegen::org::parse_fields(&json.to_string())
            .map_err(|e| CliError::failure(format!("field metadata of {module}: {e}")))?;
        let yaml =
            zohocrm_codegen::org::entity_yaml(entity, &module, &metas).map_err(CliError::usage)?;
        match &args.output {
            Some(path) => {
                write_atomically(path, yaml.as_bytes())?;
                eprintln!("wrote {} ({} fields)", path.display(), metas.len());
            }
            None => print!("{yaml}"),
        }
        return Ok(());
    }
    let rows: Vec<Vec<String>> = fields
        .iter()
        .map(|f| {
            fn flag(b: Option<bool>, s: &'static str) -> &'static str {
                if b == Some(true) { s } else { "" }
            }
            let flags = [
                flag(f.system_mandatory, "mandatory"),
                flag(f.read_only.or(f.field_read_only), "read-only"),
                flag(f.custom_field, "custom"),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(",");
            vec![
                f.api_name.clone().unwrap_or_default(),
                f.data_type.clone().unwrap_or_default(),
                f.field_label
                    .clone()
                    .or(f.display_label.clone())
                    .unwrap_or_default(),
                flags,
            ]
        })
        .collect();
    crate::table::print(&["API NAME", "TYPE", "LABEL", "FLAGS"], &rows);
    Ok(())
}

/// `{"modules":[{"api_name","singular_label","fields":[...]}]}` for every module whose
/// metadata says `api_supported` (the others, such as Home or Reports, have no records API).
async fn all_modules(client: &Client) -> CliResult<()> {
    let modules = client
        .get_all_modules()
        .send()
        .await
        .map_err(|e| CliError::from(e).context("reading the module list"))?;
    let mut out = Vec::new();
    for m in modules.data {
        let Some(api_name) = m.api_name.filter(|_| m.api_supported == Some(true)) else {
            continue;
        };
        let fields = fetch(client, &api_name).await?;
        out.push(serde_json::json!({
            "api_name": api_name,
            "singular_label": m.singular_label,
            "fields": fields,
        }));
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({ "modules": out })).unwrap_or_default()
    );
    Ok(())
}

/// Every field of `module`, with an error naming the module when Zoho does not know it.
pub async fn fetch(client: &Client, module: &str) -> CliResult<Vec<Field>> {
    client
        .module(module)
        .get_fields()
        .send()
        .await
        .map(|p| p.data)
        .map_err(|e| CliError::from(e).context(format!("reading the fields of module {module}")))
}

//! `zohocrm fields <Module>`: the module's field metadata as a table, JSON or a spec entity.

use crate::args::{FieldsArgs, Global};
use crate::config;
use crate::error::{CliError, CliResult};
use crate::output::write_atomically;
use zohocrm::Client;
use zohocrm::types::Field;

pub async fn run(global: &Global, args: FieldsArgs) -> CliResult<()> {
    let (client, _) = config::user_client(global).await?;
    let fields = fetch(&client, &args.module).await?;
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
            .map_err(|e| CliError::failure(format!("field metadata of {}: {e}", args.module)))?;
        let yaml = zohocrm_codegen::org::entity_yaml(entity, &args.module, &metas)
            .map_err(CliError::usage)?;
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

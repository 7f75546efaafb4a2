//! `zohocrm emulator`: the local Zoho server, with a ready-made configuration file.

use crate::args::EmulatorArgs;
use crate::error::{CliError, CliResult};
use crate::output::write_atomically;
use zohocrm_emulator::{ADMIN_EMAIL, Emulator, EmulatorConfig};

pub async fn run(args: EmulatorArgs) -> CliResult<()> {
    let config = EmulatorConfig {
        port: args.port,
        records_per_module: args.records,
        separate_api_listener: args.separate_api_listener,
        crm_latency: std::time::Duration::from_millis(args.latency_ms),
        ..EmulatorConfig::default()
    };
    let emu = Emulator::start_with(config).await.map_err(|e| {
        CliError::failure(format!(
            "cannot start the emulator on port {}: {e}",
            args.port
        ))
    })?;
    let base = emu.base_url();
    // With a separate API listener nothing is pinned: the client follows the token's
    // api_domain, which is what this mode exists to show.
    let pinned_api = if args.separate_api_listener {
        String::new()
    } else {
        format!("api_base_url = \"{base}\"\n")
    };
    if let Some(path) = &args.write_config {
        let tokens = path.with_file_name("emulator-tokens.json");
        let toml = format!(
            "# zohocrm emulator at {base} (state lives in memory until it stops)\n\
             client_id = \"{}\"\nclient_secret = \"{}\"\nredirect_uri = \"{}\"\n\
             accounts_url = \"{base}\"\n{pinned_api}current_user_email = \"{ADMIN_EMAIL}\"\n\
             [token_store]\nkind = \"file\"\npath = \"{}\"\n",
            emu.client_id(),
            emu.client_secret(),
            emu.redirect_uri(),
            tokens.display()
        );
        write_atomically(path, toml.as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    // stdout: the facts a script needs, one `key: value` per line.
    println!("base_url: {base}");
    if args.separate_api_listener {
        println!("api_domain: {}", emu.api_base_url());
    }
    println!("client_id: {}", emu.client_id());
    println!("client_secret: {}", emu.client_secret());
    println!("redirect_uri: {}", emu.redirect_uri());
    println!("grant_code: {}", emu.grant_code(ADMIN_EMAIL));
    eprintln!(
        "zohocrm emulator listening on {base}; the grant code is for {ADMIN_EMAIL} and valid 2 min. Ctrl-C stops it."
    );
    tokio::signal::ctrl_c().await?;
    emu.shutdown().await;
    Ok(())
}

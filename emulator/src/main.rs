//! `zohocrm-emulator`: run a local Zoho CRM + Accounts server, like moto or LocalStack.

use clap::Parser;
use std::time::Duration;
use zohocrm_emulator::{Emulator, EmulatorConfig, ADMIN_EMAIL};

/// A local Zoho CRM (API v2) and Zoho Accounts (OAuth) server.
#[derive(Debug, Parser)]
#[command(name = "zohocrm-emulator", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Grant code lifetime in seconds.
    #[arg(long, default_value_t = 120)]
    grant_ttl_secs: u64,
    /// Access token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    token_ttl_secs: u64,
    /// Generated records per module in Leads, Contacts, Accounts and Deals (beside the
    /// hand-written seed), for benches and exports.
    #[arg(long, default_value_t = 0, value_name = "N")]
    records: u64,
    /// An extra spec file (your own entities and operations) loaded on top of the SDK's;
    /// repeatable. Standard-shaped operations in it are served from an in-memory collection.
    #[arg(long, value_name = "FILE")]
    spec: Vec<std::path::PathBuf>,
    /// Serve the CRM API on a second port, named as `api_domain` in token responses, as Zoho's
    /// accounts and API hosts differ; the first port then serves only OAuth.
    #[arg(long)]
    separate_api_listener: bool,
    /// Delay every CRM answer by this many milliseconds (OAuth is not delayed), to try
    /// timeouts and concurrency against it.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    latency_ms: u64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut config = EmulatorConfig {
        port: args.port,
        grant_code_ttl: Duration::from_secs(args.grant_ttl_secs),
        access_token_ttl: Duration::from_secs(args.token_ttl_secs),
        records_per_module: args.records,
        separate_api_listener: args.separate_api_listener,
        crm_latency: Duration::from_millis(args.latency_ms),
        ..EmulatorConfig::default()
    };
    for path in &args.spec {
        if let Err(e) = config.add_spec_file(path) {
            eprintln!("zohocrm-emulator: {e}");
            std::process::exit(1);
        }
    }
    let emu = match Emulator::start_with(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("zohocrm-emulator: cannot start: {e}");
            std::process::exit(1);
        }
    };
    println!("zohocrm-emulator listening");
    if args.separate_api_listener {
        println!("  accounts URL:              {}", emu.accounts_url());
        println!("  API URL (api_domain):      {}", emu.api_base_url());
    } else {
        println!("  base URL (accounts + API): {}", emu.base_url());
    }
    println!("  client id:                 {}", emu.client_id());
    println!("  client secret:             {}", emu.client_secret());
    println!("  redirect URI:              {}", emu.redirect_uri());
    println!(
        "  grant code ({ADMIN_EMAIL}, valid {}s): {}",
        args.grant_ttl_secs,
        emu.grant_code(ADMIN_EMAIL)
    );
    println!(
        "  more grant codes:          curl -X POST '{}{}?email=you@zylker.test&scope=ZohoCRM.modules.ALL,aaaserver.profile.READ'",
        emu.base_url(),
        zohocrm_emulator::grant_codes::PATH
    );
    println!("Press Ctrl-C to stop.");
    // The default SIGINT action ends the process; state is in memory only, so nothing to flush.
    std::future::pending::<()>().await;
}

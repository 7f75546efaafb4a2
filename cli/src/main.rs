//! `zohocrm`: everyday Zoho CRM chores from the command line (see `zohocrm --help`).

mod args;
mod auth;
mod config;
#[cfg(feature = "emulator")]
mod emulator;
mod error;
mod export;
mod fields;
mod import;
mod migrate;
mod output;
mod store_url;
mod table;
mod values;

use args::{Cli, Command};
use clap::{CommandFactory, Parser};
use std::process::ExitCode;

fn main() -> ExitCode {
    // `zohocrm export Leads | head` must end quietly when the reader goes away, as Unix tools
    // do, instead of panicking on a failed print.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("zohocrm: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zohocrm: {e}");
            ExitCode::from(e.status)
        }
    }
}

async fn run(cli: Cli) -> error::CliResult<()> {
    let global = &cli.global;
    match cli.command {
        Command::Auth(cmd) => auth::run(global, cmd).await,
        Command::Export(args) => export::run(global, args).await,
        Command::Import(args) => import::run(global, args).await,
        Command::Fields(args) => fields::run(global, args).await,
        #[cfg(feature = "emulator")]
        Command::Emulator(args) => emulator::run(args).await,
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "zohocrm",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    }
}

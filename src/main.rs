//! `samveis`: serve, migrate, load demo data and manage users. See `samveis --help`.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SAMVEIS_LOG").unwrap_or_else(|_| "samveis=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = samveis::cli::Cli::parse();
    match samveis::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("feil: {e:#}");
            ExitCode::FAILURE
        }
    }
}

//! The `ampli` binary: parse the command line, check the configuration, run the subcommand.

use std::process::ExitCode;

use clap::Parser;

use ampli::cli::Cli;
use ampli::config::Config;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(&cli.settings) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("ampli: {error}");
            return ExitCode::from(2);
        }
    };
    ampli::telemetry::init(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("ampli: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(ampli::commands::run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ampli: {error:#}");
            ExitCode::FAILURE
        }
    }
}

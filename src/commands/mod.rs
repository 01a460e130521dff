//! The subcommands: each turns the checked configuration into work.

mod admin;
mod demo;
mod migrate;
mod serve;

use crate::cli::Command;
use crate::config::Config;

pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve::run(config).await,
        Command::Migrate => migrate::run(config).await,
        Command::Admin(command) => admin::run(command, config).await,
        Command::Demo => demo::run(config).await,
        Command::ImportMongo {
            from,
            dry_run,
            report,
            quiet,
        } => {
            let options = crate::import::ImportOptions {
                from,
                dry_run,
                report,
                quiet,
            };
            crate::import::run(options, config).await
        }
    }
}

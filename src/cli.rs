//! The command line: subcommands and the settings every subcommand shares.
//!
//! Doc comments here are the `--help` text. The settings are declared, each once, in
//! `config/settings.rs`.

use clap::{Parser, Subcommand};

pub use crate::config::RawSettings;

/// Ampli: a self-hostable music streaming platform on PostgreSQL.
///
/// Every setting can be given as a flag, as the environment variable shown beside it, or as a
/// key of the TOML file named by --config (the flag's name with `_` for `-`, e.g.
/// `db_pool_max = 20`). A flag wins over the environment, which wins over the file.
#[derive(Debug, Parser)]
#[command(name = "ampli", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub settings: RawSettings,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (API under /api/v1, docs at /api/docs, health at /healthz).
    ///
    /// With no DATABASE_URL it starts a private PostgreSQL cluster in the data directory and
    /// stops it again on SIGINT or SIGTERM.
    Serve,
    /// Apply the database migrations and exit. Safe to run again: applied ones are skipped.
    ///
    /// With no DATABASE_URL it migrates the private cluster in the data directory.
    Migrate,
    /// Fill an empty instance with a few users, artists and short songs it composes itself.
    Demo,
    /// Move an earlier MongoDB-based Ampli into this one (safe to run again).
    ///
    /// --from is a mongodump directory, a folder of mongoexport files (Extended JSON, one
    /// document a line) or a mongodb:// URI naming the database. Every document is imported or
    /// listed in the report with the reason it was not.
    ImportMongo {
        /// Where the MongoDB data is.
        #[arg(long)]
        from: String,
        /// Read and check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the full JSON report here.
        #[arg(long)]
        report: Option<std::path::PathBuf>,
        /// No progress on standard error.
        #[arg(long)]
        quiet: bool,
    },
    /// Operator tasks on accounts. Passwords are read from standard input, never from flags.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an account; its password is the first line of standard input.
    CreateUser {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Email address.
        #[arg(long)]
        email: String,
        /// Mark the address verified at once.
        #[arg(long)]
        verified: bool,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Mark an account's email address verified.
    VerifyUser {
        /// The account's email address.
        email: String,
    },
    /// Set an account's password (first line of standard input) and sign out its devices.
    SetPassword {
        /// The account's email address.
        email: String,
    },
    /// Make an account an administrator, or stop it being one.
    MakeAdmin {
        /// The account's email address.
        email: String,
        /// Take the administrator flag away instead.
        #[arg(long)]
        revoke: bool,
    },
    /// Rebuild Trending, New Releases and the category lists now.
    RefreshPlaylists,
    /// List the running `ampli serve` instances that share this database.
    Instances,
    /// Remove now the media files no row points to (what a killed upload left), as the hourly
    /// sweep does, and the folders deletions left queued.
    SweepMedia {
        /// Spare files younger than this, e.g. 1h: an upload in flight on a running instance
        /// has stored its file moments before its row.
        #[arg(long, default_value = "1h", value_parser = parse_grace)]
        grace: std::time::Duration,
    },
    /// List accounts, oldest first.
    ListUsers {
        /// Most accounts to list.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
}

fn parse_grace(text: &str) -> Result<std::time::Duration, String> {
    crate::config::parse_duration(text)
}

//! The command line: subcommands and the settings every subcommand shares.
//!
//! Doc comments here are the `--help` text. Settings are read as text and parsed in
//! `config`, so that a flag, an environment variable and the TOML file are checked by the
//! same code and fail with the same one-line message.

use clap::{Args, Parser, Subcommand};

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
}

/// Settings shared by every subcommand, as given on the command line or in the environment.
/// `None` means "not given here": the TOML file or the built-in default decides.
#[derive(Debug, Default, Clone, Args)]
pub struct RawSettings {
    /// TOML file with settings (keys as the long flags, with `_` for `-`).
    #[arg(long, env = "AMPLI_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<String>,

    /// Address the HTTP server listens on. [default: 127.0.0.1:4747]
    #[arg(long, env = "AMPLI_LISTEN", global = true, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Folder for Ampli's own data: the private PostgreSQL cluster, media and the mail outbox.
    /// [default: ./ampli-data]
    #[arg(long, env = "AMPLI_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<String>,

    /// PostgreSQL server to use, e.g. postgres://ampli:secret@db.example:5432/ampli. Without it
    /// Ampli runs its own cluster in the data directory. Never printed.
    #[arg(
        long,
        env = "DATABASE_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// Fewest connections the database pool keeps open. [default: 5]
    #[arg(long, env = "AMPLI_DB_POOL_MIN", global = true, value_name = "N")]
    pub db_pool_min: Option<String>,

    /// Most connections the database pool opens. [default: 10]
    #[arg(long, env = "AMPLI_DB_POOL_MAX", global = true, value_name = "N")]
    pub db_pool_max: Option<String>,

    /// How long a request may wait for a database connection, e.g. 5s. [default: 5s]
    #[arg(
        long,
        env = "AMPLI_DB_ACQUIRE_TIMEOUT",
        global = true,
        value_name = "DURATION"
    )]
    pub db_acquire_timeout: Option<String>,

    /// Directory holding the PostgreSQL binaries (initdb, postgres) for the private cluster.
    /// [default: found on PATH or under /usr/lib/postgresql/*/bin]
    #[arg(
        long,
        env = "AMPLI_POSTGRES_BIN_DIR",
        global = true,
        value_name = "DIR"
    )]
    pub postgres_bin_dir: Option<String>,

    /// System user that runs the private cluster when Ampli runs as root (PostgreSQL refuses
    /// to run as root). [default: postgres]
    #[arg(long, env = "AMPLI_POSTGRES_USER", global = true, value_name = "USER")]
    pub postgres_user: Option<String>,

    /// Log filter in tracing's syntax, e.g. info or ampli=debug,tower_http=info.
    /// [default: info,sqlx::postgres::notice=warn]
    #[arg(long, env = "AMPLI_LOG", global = true, value_name = "FILTER")]
    pub log: Option<String>,

    /// Log format: human or json. [default: human]
    #[arg(long, env = "AMPLI_LOG_FORMAT", global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,

    /// Largest request body accepted outside uploads, in bytes (k, M suffixes allowed).
    /// [default: 1M]
    #[arg(long, env = "AMPLI_MAX_BODY_SIZE", global = true, value_name = "BYTES")]
    pub max_body_size: Option<String>,

    /// Longest time one request may take before it is answered 503, e.g. 30s. [default: 30s]
    #[arg(
        long,
        env = "AMPLI_REQUEST_TIMEOUT",
        global = true,
        value_name = "DURATION"
    )]
    pub request_timeout: Option<String>,

    /// On SIGINT or SIGTERM, how long in-flight requests may take to finish, e.g. 20s.
    /// [default: 20s]
    #[arg(
        long,
        env = "AMPLI_SHUTDOWN_TIMEOUT",
        global = true,
        value_name = "DURATION"
    )]
    pub shutdown_timeout: Option<String>,
}

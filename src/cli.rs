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
    /// List accounts, oldest first.
    ListUsers {
        /// Most accounts to list.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
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

    /// A connection where no byte moves either way for this long is closed, e.g. 60s; uploads
    /// and downloads are bounded by this, not by --request-timeout. [default: 60s]
    #[arg(
        long,
        env = "AMPLI_IDLE_TIMEOUT",
        global = true,
        value_name = "DURATION"
    )]
    pub idle_timeout: Option<String>,

    /// Longest time a client may take to send a request's headers, e.g. 10s. [default: 10s]
    #[arg(
        long,
        env = "AMPLI_HEADER_READ_TIMEOUT",
        global = true,
        value_name = "DURATION"
    )]
    pub header_read_timeout: Option<String>,

    /// On SIGINT or SIGTERM, how long in-flight requests may take to finish, e.g. 20s.
    /// [default: 20s]
    #[arg(
        long,
        env = "AMPLI_SHUTDOWN_TIMEOUT",
        global = true,
        value_name = "DURATION"
    )]
    pub shutdown_timeout: Option<String>,

    /// The address people reach Ampli at, used in links sent by mail.
    /// [default: http://<listen>]
    #[arg(long, env = "AMPLI_PUBLIC_URL", global = true, value_name = "URL")]
    pub public_url: Option<String>,

    /// SMTP server for outgoing mail. Without it, mail goes to <data dir>/outbox/ as .eml files.
    #[arg(long, env = "AMPLI_SMTP_HOST", global = true, value_name = "HOST")]
    pub smtp_host: Option<String>,

    /// SMTP port. [default: 587 with starttls, 465 with tls, 25 with none]
    #[arg(long, env = "AMPLI_SMTP_PORT", global = true, value_name = "PORT")]
    pub smtp_port: Option<String>,

    /// SMTP transport security: starttls, tls or none. [default: starttls]
    #[arg(long, env = "AMPLI_SMTP_TLS", global = true, value_name = "MODE")]
    pub smtp_tls: Option<String>,

    /// SMTP user name, when the server wants one.
    #[arg(long, env = "AMPLI_SMTP_USERNAME", global = true, value_name = "USER")]
    pub smtp_username: Option<String>,

    /// SMTP password. Never printed.
    #[arg(
        long,
        env = "AMPLI_SMTP_PASSWORD",
        global = true,
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,

    /// Sender of Ampli's mail. [default: Ampli <ampli@localhost>]
    #[arg(long, env = "AMPLI_MAIL_FROM", global = true, value_name = "ADDRESS")]
    pub mail_from: Option<String>,

    /// Password hashes computed at once; more wait their turn, so that a flood of sign-ins
    /// cannot take every core. [default: half the cores, at least 1]
    #[arg(
        long,
        env = "AMPLI_PASSWORD_HASHING_THREADS",
        global = true,
        value_name = "N"
    )]
    pub password_hashing_threads: Option<String>,

    /// Failed sign-ins allowed per hour for one account from one client network (an IPv4
    /// address or an IPv6 /64); the account as a whole allows ten times as many. [default: 100]
    #[arg(
        long,
        env = "AMPLI_SIGN_IN_FAILURES_PER_ACCOUNT",
        global = true,
        value_name = "N"
    )]
    pub sign_in_failures_per_account: Option<String>,

    /// Failed sign-ins allowed per hour from one client network, over every account.
    /// [default: 500]
    #[arg(
        long,
        env = "AMPLI_SIGN_IN_FAILURES_PER_IP",
        global = true,
        value_name = "N"
    )]
    pub sign_in_failures_per_ip: Option<String>,

    /// Verification and reset mails that may be asked for per address per hour. [default: 5]
    #[arg(
        long,
        env = "AMPLI_MAIL_REQUESTS_PER_ADDRESS",
        global = true,
        value_name = "N"
    )]
    pub mail_requests_per_address: Option<String>,

    /// Verification and reset mails that may be asked for per client IP per hour. [default: 30]
    #[arg(
        long,
        env = "AMPLI_MAIL_REQUESTS_PER_IP",
        global = true,
        value_name = "N"
    )]
    pub mail_requests_per_ip: Option<String>,

    /// Lifetime of an access token. [default: 15m]
    #[arg(
        long,
        env = "AMPLI_ACCESS_TOKEN_TTL",
        global = true,
        value_name = "DURATION"
    )]
    pub access_token_ttl: Option<String>,

    /// Lifetime of a device session without use; each refresh extends it. [default: 720h]
    #[arg(
        long,
        env = "AMPLI_SESSION_TTL",
        global = true,
        value_name = "DURATION"
    )]
    pub session_ttl: Option<String>,

    /// Largest song upload accepted (k, M, G suffixes). [default: 200M]
    #[arg(
        long,
        env = "AMPLI_MAX_UPLOAD_SIZE",
        global = true,
        value_name = "BYTES"
    )]
    pub max_upload_size: Option<String>,

    /// S3-compatible bucket for media. Without it, media lives in <data dir>/media/.
    #[arg(long, env = "AMPLI_S3_BUCKET", global = true, value_name = "NAME")]
    pub s3_bucket: Option<String>,

    /// S3 endpoint, for stores other than AWS (MinIO, Garage, …), e.g. http://127.0.0.1:9000.
    #[arg(long, env = "AMPLI_S3_ENDPOINT", global = true, value_name = "URL")]
    pub s3_endpoint: Option<String>,

    /// S3 region. [default: us-east-1]
    #[arg(long, env = "AMPLI_S3_REGION", global = true, value_name = "REGION")]
    pub s3_region: Option<String>,

    /// S3 access key id.
    #[arg(long, env = "AMPLI_S3_ACCESS_KEY_ID", global = true, value_name = "ID")]
    pub s3_access_key_id: Option<String>,

    /// S3 secret access key. Never printed.
    #[arg(
        long,
        env = "AMPLI_S3_SECRET_ACCESS_KEY",
        global = true,
        value_name = "KEY",
        hide_env_values = true
    )]
    pub s3_secret_access_key: Option<String>,

    /// Address buckets by path (endpoint/bucket/key) rather than by host name:
    /// true or false. [default: true with --s3-endpoint, else false]
    #[arg(long, env = "AMPLI_S3_PATH_STYLE", global = true, value_name = "BOOL")]
    pub s3_path_style: Option<String>,

    /// How often Trending, New Releases and the category lists are rebuilt. [default: 1h]
    #[arg(
        long,
        env = "AMPLI_PLAYLISTS_REFRESH_INTERVAL",
        global = true,
        value_name = "DURATION"
    )]
    pub playlists_refresh_interval: Option<String>,
}

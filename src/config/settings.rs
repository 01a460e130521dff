//! Every setting, declared once: its flag and TOML key (the name), environment variable, fixed
//! default and `--help` text. `settings!` (in `declare.rs`) makes `RawSettings` from this list.
//!
//! Values are text here and parsed in `Config::from_raw`, so that a flag, an environment
//! variable and the TOML file are checked by the same code and fail with the same one-line
//! message.

use super::declare::settings;

settings! {
    /// TOML file with settings (keys as the long flags, with `_` for `-`).
    #[arg(env = "AMPLI_CONFIG", value_name = "FILE")]
    config;

    /// Address the HTTP server listens on.
    #[arg(env = "AMPLI_LISTEN", value_name = "ADDR")]
    listen = "127.0.0.1:4747",

    /// Folder for Ampli's own data: the private PostgreSQL cluster, media and the mail outbox.
    #[arg(env = "AMPLI_DATA_DIR", value_name = "DIR")]
    data_dir = "./ampli-data",

    /// PostgreSQL server to use, e.g. postgres://ampli:secret@db.example:5432/ampli. Without it
    /// Ampli runs its own cluster in the data directory. Never printed.
    #[arg(env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database_url,

    /// Read replicas of that server, comma-separated postgres:// URLs: reads that tolerate a
    /// little lag (search, browsing, discovery, public profiles) go to them. Never printed.
    #[arg(env = "AMPLI_DATABASE_REPLICA_URLS", value_name = "URL,…", hide_env_values = true)]
    database_replica_url,

    /// A replica further behind its primary than this is skipped until it catches up, e.g. 5s.
    #[arg(env = "AMPLI_REPLICA_MAX_LAG", value_name = "DURATION")]
    replica_max_lag = "5s",

    /// Redis server that instances share limits, play de-duplication, now-playing and cache
    /// invalidation through, e.g. redis://127.0.0.1:6379/. Needed to run several instances;
    /// without it that state lives in this process. Never printed.
    #[arg(env = "AMPLI_REDIS_URL", value_name = "URL", hide_env_values = true)]
    redis_url,

    /// Fewest connections the database pool keeps open.
    #[arg(env = "AMPLI_DB_POOL_MIN", value_name = "N")]
    db_pool_min = "5",

    /// Most connections the database pool opens.
    #[arg(env = "AMPLI_DB_POOL_MAX", value_name = "N")]
    db_pool_max = "10",

    /// How long a request may wait for a database connection, e.g. 5s.
    #[arg(env = "AMPLI_DB_ACQUIRE_TIMEOUT", value_name = "DURATION")]
    db_acquire_timeout = "5s",

    /// Directory holding the PostgreSQL binaries (initdb, postgres) for the private cluster.
    /// [default: found on PATH or under /usr/lib/postgresql/*/bin]
    #[arg(env = "AMPLI_POSTGRES_BIN_DIR", value_name = "DIR")]
    postgres_bin_dir,

    /// System user that runs the private cluster when Ampli runs as root (PostgreSQL refuses
    /// to run as root).
    #[arg(env = "AMPLI_POSTGRES_USER", value_name = "USER")]
    postgres_user = "postgres",

    /// Proxies whose X-Forwarded-For names the client (for sign-in and mail limits), as
    /// addresses or ranges, comma-separated, e.g. 10.0.0.0/8,127.0.0.1. Without it the
    /// connection's own address counts, and behind a load balancer every client is the
    /// balancer.
    #[arg(env = "AMPLI_TRUSTED_PROXIES", value_name = "ADDR,…")]
    trusted_proxies,

    /// Log filter in tracing's syntax, e.g. info or ampli=debug,tower_http=info.
    // Informative by default; sqlx's notices ("relation already exists, skipping" on every
    // migration check) are noise at that level.
    #[arg(env = "AMPLI_LOG", value_name = "FILTER")]
    log = "info,sqlx::postgres::notice=warn",

    /// Log format: human or json.
    #[arg(env = "AMPLI_LOG_FORMAT", value_name = "FORMAT")]
    log_format = "human",

    /// Largest request body accepted outside uploads, in bytes (k, M suffixes allowed).
    #[arg(env = "AMPLI_MAX_BODY_SIZE", value_name = "BYTES")]
    max_body_size = "1M",

    /// Longest time one request may take before it is answered 503, e.g. 30s.
    #[arg(env = "AMPLI_REQUEST_TIMEOUT", value_name = "DURATION")]
    request_timeout = "30s",

    /// A connection where no byte moves either way for this long while it waits on the client
    /// is closed, e.g. 60s (the server's own work on a whole request does not count); uploads
    /// and downloads are bounded by this, not by --request-timeout.
    #[arg(env = "AMPLI_IDLE_TIMEOUT", value_name = "DURATION")]
    idle_timeout = "60s",

    /// Longest time a client may take to send a request's headers, e.g. 10s.
    #[arg(env = "AMPLI_HEADER_READ_TIMEOUT", value_name = "DURATION")]
    header_read_timeout = "10s",

    /// On SIGINT or SIGTERM, how long in-flight requests may take to finish, e.g. 20s.
    #[arg(env = "AMPLI_SHUTDOWN_TIMEOUT", value_name = "DURATION")]
    shutdown_timeout = "20s",

    /// The address people reach Ampli at, used in links sent by mail.
    /// [default: http://<listen>]
    #[arg(env = "AMPLI_PUBLIC_URL", value_name = "URL")]
    public_url,

    /// SMTP server for outgoing mail. Without it, mail goes to <data dir>/outbox/ as .eml files.
    #[arg(env = "AMPLI_SMTP_HOST", value_name = "HOST")]
    smtp_host,

    /// SMTP port. [default: 587 with starttls, 465 with tls, 25 with none]
    #[arg(env = "AMPLI_SMTP_PORT", value_name = "PORT")]
    smtp_port,

    /// SMTP transport security: starttls, tls or none.
    #[arg(env = "AMPLI_SMTP_TLS", value_name = "MODE")]
    smtp_tls = "starttls",

    /// SMTP user name, when the server wants one.
    #[arg(env = "AMPLI_SMTP_USERNAME", value_name = "USER")]
    smtp_username,

    /// SMTP password. Never printed.
    #[arg(env = "AMPLI_SMTP_PASSWORD", value_name = "PASSWORD", hide_env_values = true)]
    smtp_password,

    /// Sender of Ampli's mail.
    #[arg(env = "AMPLI_MAIL_FROM", value_name = "ADDRESS")]
    mail_from = "Ampli <ampli@localhost>",

    /// Password hashes computed at once; more wait their turn, so that a flood of sign-ins
    /// cannot take every core. [default: half the cores, at least 1]
    #[arg(env = "AMPLI_PASSWORD_HASHING_THREADS", value_name = "N")]
    password_hashing_threads,

    /// Failed sign-ins allowed per hour for one account from one client network (an IPv4
    /// address or an IPv6 /64); the account as a whole allows ten times as many.
    #[arg(env = "AMPLI_SIGN_IN_FAILURES_PER_ACCOUNT", value_name = "N")]
    sign_in_failures_per_account = "100",

    /// Failed sign-ins allowed per hour from one client network, over every account.
    #[arg(env = "AMPLI_SIGN_IN_FAILURES_PER_IP", value_name = "N")]
    sign_in_failures_per_ip = "500",

    /// Verification and reset mails that may be asked for per address per hour.
    #[arg(env = "AMPLI_MAIL_REQUESTS_PER_ADDRESS", value_name = "N")]
    mail_requests_per_address = "5",

    /// Verification and reset mails that may be asked for per client IP per hour.
    #[arg(env = "AMPLI_MAIL_REQUESTS_PER_IP", value_name = "N")]
    mail_requests_per_ip = "30",

    /// Lifetime of an access token.
    #[arg(env = "AMPLI_ACCESS_TOKEN_TTL", value_name = "DURATION")]
    access_token_ttl = "15m",

    /// Lifetime of a device session without use; each refresh extends it.
    #[arg(env = "AMPLI_SESSION_TTL", value_name = "DURATION")]
    session_ttl = "720h",

    /// Largest song upload accepted (k, M, G suffixes).
    #[arg(env = "AMPLI_MAX_UPLOAD_SIZE", value_name = "BYTES")]
    max_upload_size = "200M",

    /// S3-compatible bucket for media. Without it, media lives in <data dir>/media/.
    #[arg(env = "AMPLI_S3_BUCKET", value_name = "NAME")]
    s3_bucket,

    /// S3 endpoint, for stores other than AWS (MinIO, Garage, …), e.g. http://127.0.0.1:9000.
    #[arg(env = "AMPLI_S3_ENDPOINT", value_name = "URL")]
    s3_endpoint,

    /// S3 region.
    #[arg(env = "AMPLI_S3_REGION", value_name = "REGION")]
    s3_region = "us-east-1",

    /// S3 access key id.
    #[arg(env = "AMPLI_S3_ACCESS_KEY_ID", value_name = "ID")]
    s3_access_key_id,

    /// S3 secret access key. Never printed.
    #[arg(env = "AMPLI_S3_SECRET_ACCESS_KEY", value_name = "KEY", hide_env_values = true)]
    s3_secret_access_key,

    /// Address buckets by path (endpoint/bucket/key) rather than by host name:
    /// true or false. [default: true with --s3-endpoint, else false]
    #[arg(env = "AMPLI_S3_PATH_STYLE", value_name = "BOOL")]
    s3_path_style,

    /// How often Trending, New Releases and the category lists are rebuilt.
    #[arg(env = "AMPLI_PLAYLISTS_REFRESH_INTERVAL", value_name = "DURATION")]
    playlists_refresh_interval = "1h",
}

//! The one typed configuration, built at start from flags, environment and an optional TOML
//! file, and checked before anything else happens.

mod parse;

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::RawSettings;
pub use parse::{parse_duration, parse_size};

/// A setting that could not be accepted. Displays as one line naming the setting.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {setting}: {message}")]
pub struct ConfigError {
    pub setting: String,
    pub message: String,
}

impl ConfigError {
    fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            setting: describe(key),
            message: message.into(),
        }
    }
}

/// "--db-pool-max (AMPLI_DB_POOL_MAX)": how a user finds the setting again.
fn describe(key: &str) -> String {
    let flag = key.replace('_', "-");
    let env = if key == "database_url" {
        "DATABASE_URL".to_owned()
    } else {
        format!("AMPLI_{}", key.to_uppercase())
    };
    format!("--{flag} ({env})")
}

/// Informative by default; sqlx's notices ("relation already exists, skipping" on every
/// migration check) are noise at that level.
pub const DEFAULT_LOG_FILTER: &str = "info,sqlx::postgres::notice=warn";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    StartTls,
    Tls,
    None,
}

/// Where mail goes.
#[derive(Clone)]
pub enum MailTransport {
    /// `<data dir>/outbox/`, one .eml file per message.
    Outbox,
    Smtp {
        host: String,
        port: u16,
        tls: SmtpTls,
        username: Option<String>,
        password: Option<String>,
    },
}

impl fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Outbox => f.write_str("Outbox"),
            Self::Smtp {
                host,
                port,
                tls,
                username,
                password,
            } => f
                .debug_struct("Smtp")
                .field("host", host)
                .field("port", port)
                .field("tls", tls)
                .field("username", username)
                .field("password", &password.as_ref().map(|_| "***"))
                .finish(),
        }
    }
}

/// An S3-compatible store for media.
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub path_style: bool,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "***"),
            )
            .field("path_style", &self.path_style)
            .finish()
    }
}

/// Per-hour allowances against guessing and mail bombing.
#[derive(Clone, Copy, Debug)]
pub struct AbuseLimits {
    pub sign_in_failures_per_account: u32,
    pub sign_in_failures_per_ip: u32,
    pub mail_requests_per_address: u32,
    pub mail_requests_per_ip: u32,
}

#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub db_pool_min: u32,
    pub db_pool_max: u32,
    pub db_acquire_timeout: Duration,
    pub postgres_bin_dir: Option<PathBuf>,
    pub postgres_user: String,
    pub log: String,
    pub log_format: LogFormat,
    pub max_body_size: usize,
    pub request_timeout: Duration,
    pub idle_timeout: Duration,
    pub header_read_timeout: Duration,
    pub shutdown_timeout: Duration,
    pub public_url: String,
    pub mail: MailTransport,
    pub mail_from: String,
    pub password_hashing_threads: usize,
    pub limits: AbuseLimits,
    pub access_token_ttl: Duration,
    pub session_ttl: Duration,
    pub max_upload_size: u64,
    pub s3: Option<S3Config>,
    pub playlists_refresh_interval: Duration,
}

/// Hand-written so that the database URL's password can never reach a log line.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_deref().map(redact_url),
            )
            .field("db_pool_min", &self.db_pool_min)
            .field("db_pool_max", &self.db_pool_max)
            .field("db_acquire_timeout", &self.db_acquire_timeout)
            .field("postgres_bin_dir", &self.postgres_bin_dir)
            .field("postgres_user", &self.postgres_user)
            .field("log", &self.log)
            .field("log_format", &self.log_format)
            .field("max_body_size", &self.max_body_size)
            .field("request_timeout", &self.request_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("public_url", &self.public_url)
            .field("mail", &self.mail)
            .field("mail_from", &self.mail_from)
            .field("password_hashing_threads", &self.password_hashing_threads)
            .field("limits", &self.limits)
            .field("access_token_ttl", &self.access_token_ttl)
            .field("session_ttl", &self.session_ttl)
            .field("max_upload_size", &self.max_upload_size)
            .field("s3", &self.s3)
            .field(
                "playlists_refresh_interval",
                &self.playlists_refresh_interval,
            )
            .finish()
    }
}

/// The URL with any password replaced by `***`, for logs and error messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let query_free_tail = tail.split('?').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{query_free_tail}")
        }
        None => format!(
            "{scheme}://{authority}{}",
            tail.split('?').next().unwrap_or("")
        ),
    }
}

impl Config {
    /// Builds the configuration: flags and environment (already merged by clap) over the TOML
    /// file over the defaults.
    pub fn load(cli: &RawSettings) -> Result<Self, ConfigError> {
        let mut raw = cli.clone();
        if let Some(path) = cli.config.as_deref() {
            let file = read_file(Path::new(path))?;
            raw.fill_missing_from(file)?;
        }
        Self::from_raw(&raw)
    }

    fn from_raw(raw: &RawSettings) -> Result<Self, ConfigError> {
        let db_pool_min = parse_with(&raw.db_pool_min, "db_pool_min", "5", parse_count)?;
        let db_pool_max = parse_with(&raw.db_pool_max, "db_pool_max", "10", parse_count)?;
        if db_pool_max == 0 {
            return Err(ConfigError::new("db_pool_max", "must be at least 1"));
        }
        if db_pool_min > db_pool_max {
            return Err(ConfigError::new(
                "db_pool_min",
                format!("{db_pool_min} is more than db-pool-max ({db_pool_max})"),
            ));
        }
        let database_url = match raw.database_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Some(url.to_owned())
            }
            Some(url) => {
                return Err(ConfigError::new(
                    "database_url",
                    format!(
                        "expected postgres://… or postgresql://…, got {}",
                        redact_url(url)
                    ),
                ));
            }
        };
        let log_format = match raw.log_format.as_deref().unwrap_or("human") {
            "human" => LogFormat::Human,
            "json" => LogFormat::Json,
            other => {
                return Err(ConfigError::new(
                    "log_format",
                    format!("expected human or json, got {other:?}"),
                ));
            }
        };
        let log = raw
            .log
            .clone()
            .unwrap_or_else(|| DEFAULT_LOG_FILTER.to_owned());
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&log) {
            return Err(ConfigError::new("log", error.to_string()));
        }
        let data_dir = raw.data_dir.as_deref().unwrap_or("./ampli-data");
        if data_dir.trim().is_empty() {
            return Err(ConfigError::new("data_dir", "must not be empty"));
        }
        let max_body_size = parse_with(&raw.max_body_size, "max_body_size", "1M", parse_size)?;
        if max_body_size < 1024 {
            return Err(ConfigError::new("max_body_size", "must be at least 1k"));
        }
        let listen = parse_with(&raw.listen, "listen", "127.0.0.1:4747", |text| {
            text.parse::<SocketAddr>()
                .map_err(|_| format!("expected an address such as 127.0.0.1:4747, got {text:?}"))
        })?;
        let public_url = match raw.public_url.as_deref().map(str::trim) {
            None | Some("") => format!("http://{listen}"),
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                url.trim_end_matches('/').to_owned()
            }
            Some(url) => {
                return Err(ConfigError::new(
                    "public_url",
                    format!("expected http://… or https://…, got {url:?}"),
                ));
            }
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let default_threads = (cores / 2).max(1).to_string();
        let password_hashing_threads = parse_with(
            &raw.password_hashing_threads,
            "password_hashing_threads",
            &default_threads,
            parse_count,
        )?;
        if password_hashing_threads == 0 {
            return Err(ConfigError::new(
                "password_hashing_threads",
                "must be at least 1",
            ));
        }
        let limit = |value: &Option<String>, key: &str, default: &str| {
            parse_with(value, key, default, parse_count)
        };
        let limits = AbuseLimits {
            sign_in_failures_per_account: limit(
                &raw.sign_in_failures_per_account,
                "sign_in_failures_per_account",
                "100",
            )?,
            sign_in_failures_per_ip: limit(
                &raw.sign_in_failures_per_ip,
                "sign_in_failures_per_ip",
                "500",
            )?,
            mail_requests_per_address: limit(
                &raw.mail_requests_per_address,
                "mail_requests_per_address",
                "5",
            )?,
            mail_requests_per_ip: limit(&raw.mail_requests_per_ip, "mail_requests_per_ip", "30")?,
        };
        let mail_from = parse_with(
            &raw.mail_from,
            "mail_from",
            "Ampli <ampli@localhost>",
            |text| {
                text.parse::<lettre::message::Mailbox>()
                    .map(|_| text.to_owned())
                    .map_err(|_| {
                        format!(
                            "expected an address such as Ampli <ampli@example.org>, got {text:?}"
                        )
                    })
            },
        )?;
        Ok(Self {
            listen,
            public_url,
            mail: mail_transport(raw)?,
            mail_from,
            password_hashing_threads: password_hashing_threads as usize,
            limits,
            access_token_ttl: parse_with(
                &raw.access_token_ttl,
                "access_token_ttl",
                "15m",
                parse_positive_duration,
            )?,
            s3: s3_config(raw)?,
            playlists_refresh_interval: parse_with(
                &raw.playlists_refresh_interval,
                "playlists_refresh_interval",
                "1h",
                parse_positive_duration,
            )?,
            max_upload_size: parse_with(
                &raw.max_upload_size,
                "max_upload_size",
                "200M",
                parse_size,
            )? as u64,
            session_ttl: parse_with(
                &raw.session_ttl,
                "session_ttl",
                "720h",
                parse_positive_duration,
            )?,
            data_dir: PathBuf::from(data_dir),
            database_url,
            db_pool_min,
            db_pool_max,
            db_acquire_timeout: parse_with(
                &raw.db_acquire_timeout,
                "db_acquire_timeout",
                "5s",
                parse_positive_duration,
            )?,
            postgres_bin_dir: raw.postgres_bin_dir.as_deref().map(PathBuf::from),
            postgres_user: raw
                .postgres_user
                .clone()
                .unwrap_or_else(|| "postgres".to_owned()),
            log,
            log_format,
            max_body_size,
            request_timeout: parse_with(
                &raw.request_timeout,
                "request_timeout",
                "30s",
                parse_positive_duration,
            )?,
            idle_timeout: parse_with(
                &raw.idle_timeout,
                "idle_timeout",
                "60s",
                parse_positive_duration,
            )?,
            header_read_timeout: parse_with(
                &raw.header_read_timeout,
                "header_read_timeout",
                "10s",
                parse_positive_duration,
            )?,
            shutdown_timeout: parse_with(
                &raw.shutdown_timeout,
                "shutdown_timeout",
                "20s",
                parse_duration,
            )?,
        })
    }
}

fn parse_with<T>(
    value: &Option<String>,
    key: &str,
    default: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, ConfigError> {
    parse(value.as_deref().unwrap_or(default).trim())
        .map_err(|message| ConfigError::new(key, message))
}

fn s3_config(raw: &RawSettings) -> Result<Option<S3Config>, ConfigError> {
    let Some(bucket) = raw
        .s3_bucket
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    else {
        return Ok(None);
    };
    let endpoint = raw
        .s3_endpoint
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    if let Some(endpoint) = endpoint
        && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
    {
        return Err(ConfigError::new(
            "s3_endpoint",
            format!("expected http://… or https://…, got {endpoint:?}"),
        ));
    }
    let path_style = match raw.s3_path_style.as_deref() {
        None => endpoint.is_some(),
        Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(ConfigError::new(
                "s3_path_style",
                format!("expected true or false, got {other:?}"),
            ));
        }
    };
    Ok(Some(S3Config {
        bucket: bucket.to_owned(),
        endpoint: endpoint.map(|e| e.trim_end_matches('/').to_owned()),
        region: raw
            .s3_region
            .clone()
            .unwrap_or_else(|| "us-east-1".to_owned()),
        access_key_id: raw.s3_access_key_id.clone(),
        secret_access_key: raw.s3_secret_access_key.clone(),
        path_style,
    }))
}

fn mail_transport(raw: &RawSettings) -> Result<MailTransport, ConfigError> {
    let Some(host) = raw
        .smtp_host
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
    else {
        return Ok(MailTransport::Outbox);
    };
    let tls = match raw.smtp_tls.as_deref().unwrap_or("starttls") {
        "starttls" => SmtpTls::StartTls,
        "tls" => SmtpTls::Tls,
        "none" => SmtpTls::None,
        other => {
            return Err(ConfigError::new(
                "smtp_tls",
                format!("expected starttls, tls or none, got {other:?}"),
            ));
        }
    };
    let default_port = match tls {
        SmtpTls::StartTls => "587",
        SmtpTls::Tls => "465",
        SmtpTls::None => "25",
    };
    let port = parse_with(&raw.smtp_port, "smtp_port", default_port, |text| {
        text.parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("expected a port number, got {text:?}"))
    })?;
    Ok(MailTransport::Smtp {
        host: host.to_owned(),
        port,
        tls,
        username: raw.smtp_username.clone(),
        password: raw.smtp_password.clone(),
    })
}

fn parse_count(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .map_err(|_| format!("expected a whole number, got {text:?}"))
}

fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    let duration = parse_duration(text)?;
    if duration.is_zero() {
        return Err("must be more than zero".to_owned());
    }
    Ok(duration)
}

fn read_file(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        ConfigError::new("config", format!("cannot read {}: {error}", path.display()))
    })?;
    text.parse::<toml::Table>().map_err(|error| {
        let message = error.message().to_owned();
        let line = error
            .span()
            .map(|span| text[..span.start].lines().count().max(1));
        ConfigError::new(
            "config",
            match line {
                Some(line) => format!("{} line {line}: {message}", path.display()),
                None => format!("{}: {message}", path.display()),
            },
        )
    })
}

impl RawSettings {
    /// Takes from the file every setting that flags and environment left unset.
    fn fill_missing_from(&mut self, file: toml::Table) -> Result<(), ConfigError> {
        for (key, value) in file {
            let text = match value {
                toml::Value::String(text) => text,
                toml::Value::Integer(number) => number.to_string(),
                toml::Value::Boolean(flag) => flag.to_string(),
                other => {
                    return Err(ConfigError::new(
                        &key,
                        format!(
                            "in the config file, expected text or a number, got a {}",
                            other.type_str()
                        ),
                    ));
                }
            };
            let Some(slot) = self.slot(&key) else {
                return Err(ConfigError::new(
                    "config",
                    format!("unknown key {key:?} in the config file"),
                ));
            };
            slot.get_or_insert(text);
        }
        Ok(())
    }

    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "listen" => &mut self.listen,
            "data_dir" => &mut self.data_dir,
            "database_url" => &mut self.database_url,
            "db_pool_min" => &mut self.db_pool_min,
            "db_pool_max" => &mut self.db_pool_max,
            "db_acquire_timeout" => &mut self.db_acquire_timeout,
            "postgres_bin_dir" => &mut self.postgres_bin_dir,
            "postgres_user" => &mut self.postgres_user,
            "log" => &mut self.log,
            "log_format" => &mut self.log_format,
            "max_body_size" => &mut self.max_body_size,
            "request_timeout" => &mut self.request_timeout,
            "idle_timeout" => &mut self.idle_timeout,
            "header_read_timeout" => &mut self.header_read_timeout,
            "shutdown_timeout" => &mut self.shutdown_timeout,
            "public_url" => &mut self.public_url,
            "smtp_host" => &mut self.smtp_host,
            "smtp_port" => &mut self.smtp_port,
            "smtp_tls" => &mut self.smtp_tls,
            "smtp_username" => &mut self.smtp_username,
            "smtp_password" => &mut self.smtp_password,
            "mail_from" => &mut self.mail_from,
            "password_hashing_threads" => &mut self.password_hashing_threads,
            "sign_in_failures_per_account" => &mut self.sign_in_failures_per_account,
            "sign_in_failures_per_ip" => &mut self.sign_in_failures_per_ip,
            "mail_requests_per_address" => &mut self.mail_requests_per_address,
            "mail_requests_per_ip" => &mut self.mail_requests_per_ip,
            "access_token_ttl" => &mut self.access_token_ttl,
            "session_ttl" => &mut self.session_ttl,
            "max_upload_size" => &mut self.max_upload_size,
            "s3_bucket" => &mut self.s3_bucket,
            "s3_endpoint" => &mut self.s3_endpoint,
            "s3_region" => &mut self.s3_region,
            "s3_access_key_id" => &mut self.s3_access_key_id,
            "s3_secret_access_key" => &mut self.s3_secret_access_key,
            "s3_path_style" => &mut self.s3_path_style,
            "playlists_refresh_interval" => &mut self.playlists_refresh_interval,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests;

//! The one typed configuration, built at start from flags, environment and an optional TOML
//! file, and checked before anything else happens.
//!
//! Each setting is declared once, in `settings.rs`; `Config::from_raw` below turns the text
//! values into typed ones.

mod declare;
mod file;
mod mail;
mod parse;
mod proxies;
mod s3;
mod secret;
mod settings;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use mail::{MailTransport, SmtpTls};
pub use parse::{parse_duration, parse_size};
pub use proxies::TrustedProxies;
pub use s3::S3Config;
pub use secret::{DatabaseUrl, Secret, redact_url};
pub use settings::{RawSettings, Settings};

use parse::{parse_count, parse_positive_duration};

/// A setting that could not be accepted. Displays as one line naming the setting.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {setting}: {message}")]
pub struct ConfigError {
    pub setting: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

/// Per-hour allowances against guessing and mail bombing.
#[derive(Clone, Copy, Debug)]
pub struct AbuseLimits {
    pub sign_in_failures_per_account: u32,
    pub sign_in_failures_per_ip: u32,
    pub mail_requests_per_address: u32,
    pub mail_requests_per_ip: u32,
}

/// Debug is safe to log: secrets are `Secret` or `DatabaseUrl`, which hide themselves.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<DatabaseUrl>,
    /// Read replicas of `database_url`; empty without one.
    pub database_replica_urls: Vec<DatabaseUrl>,
    pub replica_max_lag: Duration,
    pub redis_url: Option<Secret>,
    pub trusted_proxies: TrustedProxies,
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

impl Config {
    /// Builds the configuration: flags and environment (already merged by clap) over the TOML
    /// file over the defaults.
    pub fn load(cli: &RawSettings) -> Result<Self, ConfigError> {
        let mut raw = cli.clone();
        raw.fill_missing_from_file()?;
        Self::from_raw(&raw)
    }

    fn from_raw(raw: &RawSettings) -> Result<Self, ConfigError> {
        let s = raw.settings();
        let db_pool_min = s.db_pool_min.parse(parse_count)?;
        let db_pool_max = s.db_pool_max.parse(parse_count)?;
        if db_pool_max == 0 {
            return Err(s.db_pool_max.invalid("must be at least 1"));
        }
        if db_pool_min > db_pool_max {
            return Err(s.db_pool_min.invalid(format!(
                "{db_pool_min} is more than db-pool-max ({db_pool_max})"
            )));
        }
        let database_url = match s.database_url.non_blank() {
            None => None,
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Some(DatabaseUrl::new(url))
            }
            Some(url) => {
                return Err(s.database_url.invalid(format!(
                    "expected postgres://… or postgresql://…, got {}",
                    redact_url(url)
                )));
            }
        };
        let database_replica_urls = replica_urls(&s)?;
        if !database_replica_urls.is_empty() && database_url.is_none() {
            return Err(s
                .database_replica_url
                .invalid("replicas need DATABASE_URL: the private cluster has none"));
        }
        let redis_url = match s.redis_url.non_blank() {
            None => None,
            Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
                Some(Secret::new(url))
            }
            Some(url) => {
                return Err(s
                    .redis_url
                    .invalid(format!("expected redis://…, got {}", redact_url(url))));
            }
        };
        let log_format = match s.log_format.text() {
            "human" => LogFormat::Human,
            "json" => LogFormat::Json,
            other => {
                return Err(s
                    .log_format
                    .invalid(format!("expected human or json, got {other:?}")));
            }
        };
        let log = s.log.text().to_owned();
        if let Err(error) = tracing_subscriber::EnvFilter::try_new(&log) {
            return Err(s.log.invalid(error.to_string()));
        }
        let data_dir = s.data_dir.text();
        if data_dir.trim().is_empty() {
            return Err(s.data_dir.invalid("must not be empty"));
        }
        let max_body_size = s.max_body_size.parse(parse_size)?;
        if max_body_size < 1024 {
            return Err(s.max_body_size.invalid("must be at least 1k"));
        }
        let listen = s.listen.parse(|text| {
            text.parse::<SocketAddr>()
                .map_err(|_| format!("expected an address such as 127.0.0.1:4747, got {text:?}"))
        })?;
        let public_url = match s.public_url.non_blank() {
            None => format!("http://{listen}"),
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                url.trim_end_matches('/').to_owned()
            }
            Some(url) => {
                return Err(s
                    .public_url
                    .invalid(format!("expected http://… or https://…, got {url:?}")));
            }
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let half_the_cores = (cores / 2).max(1).to_string();
        let password_hashing_threads = s
            .password_hashing_threads
            .parse_or(&half_the_cores, parse_count)?;
        if password_hashing_threads == 0 {
            return Err(s.password_hashing_threads.invalid("must be at least 1"));
        }
        let limits = AbuseLimits {
            sign_in_failures_per_account: s.sign_in_failures_per_account.parse(parse_count)?,
            sign_in_failures_per_ip: s.sign_in_failures_per_ip.parse(parse_count)?,
            mail_requests_per_address: s.mail_requests_per_address.parse(parse_count)?,
            mail_requests_per_ip: s.mail_requests_per_ip.parse(parse_count)?,
        };
        let mail_from = s.mail_from.parse(|text| {
            text.parse::<lettre::message::Mailbox>()
                .map(|_| text.to_owned())
                .map_err(|_| {
                    format!("expected an address such as Ampli <ampli@example.org>, got {text:?}")
                })
        })?;
        Ok(Self {
            listen,
            public_url,
            mail: MailTransport::from_settings(&s)?,
            mail_from,
            password_hashing_threads: password_hashing_threads as usize,
            limits,
            access_token_ttl: s.access_token_ttl.parse(parse_positive_duration)?,
            s3: S3Config::from_settings(&s)?,
            playlists_refresh_interval: s
                .playlists_refresh_interval
                .parse(parse_positive_duration)?,
            max_upload_size: s.max_upload_size.parse(parse_size)? as u64,
            session_ttl: s.session_ttl.parse(parse_positive_duration)?,
            data_dir: PathBuf::from(data_dir),
            database_url,
            database_replica_urls,
            replica_max_lag: s.replica_max_lag.parse(parse_positive_duration)?,
            redis_url,
            trusted_proxies: match s.trusted_proxies.given() {
                None => TrustedProxies::default(),
                Some(list) => {
                    TrustedProxies::parse(list).map_err(|m| s.trusted_proxies.invalid(m))?
                }
            },
            db_pool_min,
            db_pool_max,
            db_acquire_timeout: s.db_acquire_timeout.parse(parse_positive_duration)?,
            postgres_bin_dir: s.postgres_bin_dir.given().map(PathBuf::from),
            postgres_user: s.postgres_user.text().to_owned(),
            log,
            log_format,
            max_body_size,
            request_timeout: s.request_timeout.parse(parse_positive_duration)?,
            idle_timeout: s.idle_timeout.parse(parse_positive_duration)?,
            header_read_timeout: s.header_read_timeout.parse(parse_positive_duration)?,
            shutdown_timeout: s.shutdown_timeout.parse(parse_duration)?,
        })
    }
}

/// `database_replica_url`: comma-separated postgres:// URLs (a comma inside one is written
/// %2C), each checked like DATABASE_URL.
fn replica_urls(s: &Settings<'_>) -> Result<Vec<DatabaseUrl>, ConfigError> {
    let Some(list) = s.database_replica_url.non_blank() else {
        return Ok(Vec::new());
    };
    list.split(',')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(|url| {
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                Ok(DatabaseUrl::new(url))
            } else {
                Err(s.database_replica_url.invalid(format!(
                    "expected postgres://… or postgresql://…, got {}",
                    redact_url(url)
                )))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;

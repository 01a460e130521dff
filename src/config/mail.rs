//! Where Ampli's mail goes: the outbox folder, or an SMTP server from the `smtp_*` settings.

use super::parse::parse_port;
use super::{ConfigError, Secret, Settings};

/// Where mail goes.
#[derive(Clone, Debug)]
pub enum MailTransport {
    /// `<data dir>/outbox/`, one .eml file per message.
    Outbox,
    Smtp {
        host: String,
        port: u16,
        tls: SmtpTls,
        username: Option<String>,
        password: Option<Secret>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    StartTls,
    Tls,
    None,
}

impl MailTransport {
    /// SMTP when `smtp_host` is given, else the outbox.
    pub(super) fn from_settings(s: &Settings<'_>) -> Result<Self, ConfigError> {
        let Some(host) = s.smtp_host.non_blank() else {
            return Ok(Self::Outbox);
        };
        let tls = match s.smtp_tls.text() {
            "starttls" => SmtpTls::StartTls,
            "tls" => SmtpTls::Tls,
            "none" => SmtpTls::None,
            other => {
                return Err(s
                    .smtp_tls
                    .invalid(format!("expected starttls, tls or none, got {other:?}")));
            }
        };
        let default_port = match tls {
            SmtpTls::StartTls => "587",
            SmtpTls::Tls => "465",
            SmtpTls::None => "25",
        };
        Ok(Self::Smtp {
            host: host.to_owned(),
            port: s.smtp_port.parse_or(default_port, parse_port)?,
            tls,
            username: s.smtp_username.given().map(str::to_owned),
            password: s.smtp_password.given().map(Secret::new),
        })
    }
}

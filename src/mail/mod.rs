//! Outgoing mail: to an outbox folder by default, so that a new instance works with no mail
//! server, or through SMTP when configured.

mod templates;

use std::path::PathBuf;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Config, MailTransport, SmtpTls};
pub use templates::Template;

/// A message ready to go, in both bodies. Its links carry tokens, so a message is never logged:
/// `Debug` names only its subject.
#[derive(Clone)]
pub struct Mail {
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Outbox(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .context("invalid setting --mail-from (AMPLI_MAIL_FROM)")?;
        let transport = match &config.mail {
            MailTransport::Outbox => Transport::Outbox(config.data_dir.join("outbox")),
            MailTransport::Smtp {
                host,
                port,
                tls,
                username,
                password,
            } => {
                let parameters = || TlsParameters::new(host.clone());
                let tls = match tls {
                    SmtpTls::None => Tls::None,
                    SmtpTls::StartTls => Tls::Required(parameters()?),
                    SmtpTls::Tls => Tls::Wrapper(parameters()?),
                };
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    .port(*port)
                    .tls(tls)
                    .timeout(Some(std::time::Duration::from_secs(20)));
                if let Some(username) = username {
                    builder = builder.credentials(Credentials::new(
                        username.clone(),
                        password
                            .as_ref()
                            .map(|password| password.expose().to_owned())
                            .unwrap_or_default(),
                    ));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Self { from, transport })
    }

    pub async fn send(&self, mail: Mail) -> anyhow::Result<()> {
        let to = Mailbox::new(
            Some(mail.to_name.clone()),
            mail.to_address.parse().context("recipient address")?,
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .context("building the message")?;
        match &self.transport {
            Transport::Outbox(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let name = format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
                    uuid::Uuid::new_v4().simple()
                );
                let path = dir.join(name);
                tokio::fs::write(&path, message.formatted())
                    .await
                    .with_context(|| format!("writing {}", path.display()))?;
                // The outbox stands in for a mail server on a new instance: its operator opens
                // the file. Its link is not logged: it holds a token, and logs travel further.
                tracing::info!(file = %path.display(), subject = mail.subject, "mail written to the outbox");
            }
            Transport::Smtp(transport) => {
                transport
                    .send(message)
                    .await
                    .context("sending mail by SMTP")?;
                tracing::info!(subject = mail.subject, "mail sent");
            }
        }
        Ok(())
    }
}

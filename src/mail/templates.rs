//! The messages Ampli sends, each as plain text and as HTML. Names are escaped in HTML.

use super::Mail;

pub enum Template<'a> {
    VerifyEmail {
        link: &'a str,
    },
    ResetPassword {
        link: &'a str,
    },
    PasswordChanged,
    /// Someone tried to sign up with an address that already has an account.
    AccountExists {
        link: &'a str,
    },
}

impl Template<'_> {
    pub fn render(&self, to_name: &str, to_address: &str) -> Mail {
        let (subject, intro, link, outro) = match self {
            Self::VerifyEmail { link } => (
                "Confirm your email address for Ampli",
                "Welcome to Ampli! Confirm that this address is yours to start publishing music.",
                Some(*link),
                "The link works once and expires in 24 hours. If you did not sign up, ignore this mail.",
            ),
            Self::ResetPassword { link } => (
                "Reset your Ampli password",
                "Someone (we hope you) asked to reset the password of your Ampli account.",
                Some(*link),
                "The link works once and expires in 30 minutes. If you did not ask, ignore this mail: your password stays as it is.",
            ),
            Self::PasswordChanged => (
                "Your Ampli password was changed",
                "The password of your Ampli account was just changed, and every device was signed out.",
                None,
                "If this was not you, reset your password at once and tell your Ampli operator.",
            ),
            Self::AccountExists { link } => (
                "Someone tried to sign up to Ampli with your address",
                "Someone (perhaps you) tried to make a new Ampli account with this address, which already has one. If you forgot your password, reset it here:",
                Some(*link),
                "If this was not you, ignore this mail: nothing changed.",
            ),
        };
        let mut text = format!("Hello {to_name},\n\n{intro}\n\n");
        let mut html = format!(
            "<!doctype html><html><body><p>Hello {},</p><p>{}</p>",
            escape(to_name),
            escape(intro)
        );
        if let Some(link) = link {
            text.push_str(&format!("{link}\n\n"));
            html.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>", escape(link)));
        }
        text.push_str(&format!("{outro}\n\n— Ampli\n"));
        html.push_str(&format!(
            "<p>{}</p><p>— Ampli</p></body></html>",
            escape(outro)
        ));
        Mail {
            to_name: to_name.to_owned(),
            to_address: to_address.to_owned(),
            subject: subject.to_owned(),
            text,
            html,
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

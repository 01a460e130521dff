//! Who a Subsonic request comes from: `u` + `p` (plain or `enc:` hex), `u` + `t` + `s`, or
//! `apiKey`, each checked against the user's app passwords (never the account password).
//! None of these values is ever logged or echoed: errors say only which rule was broken.

use super::error::SubsonicError;
use super::params::Params;
use crate::accounts::Accounts;
use crate::accounts::AccountsError;
use crate::accounts::app_passwords::{AppCaller, AppCredential};

/// The credential the parameters carry, with `p`'s `enc:` hex decoded into `decoded`.
fn credential<'a>(
    params: &'a Params,
    decoded: &'a mut Vec<u8>,
) -> Result<AppCredential<'a>, SubsonicError> {
    let user = params.get("u");
    if let Some(key) = params.get("apiKey") {
        if user.is_some() || params.has("p") || params.has("t") {
            return Err(SubsonicError::new(
                SubsonicError::MULTIPLE_AUTH_MECHANISMS,
                "Give either apiKey or u with p or t, not both.",
            ));
        }
        return Ok(AppCredential::ApiKey(key));
    }
    let user = user.ok_or(SubsonicError::missing("u"))?;
    match (params.get("p"), params.get("t"), params.get("s")) {
        (Some(_), Some(_), _) => Err(SubsonicError::new(
            SubsonicError::MULTIPLE_AUTH_MECHANISMS,
            "Give either p or t and s, not both.",
        )),
        (Some(password), None, _) => {
            *decoded = match password.strip_prefix("enc:") {
                Some(hex) => hex::decode(hex).map_err(|_| SubsonicError::wrong_credentials())?,
                None => password.as_bytes().to_vec(),
            };
            Ok(AppCredential::Password {
                user,
                password: decoded,
            })
        }
        (None, Some(token), Some(salt)) => Ok(AppCredential::Token { user, token, salt }),
        (None, Some(_), None) => Err(SubsonicError::missing("s")),
        (None, None, _) => Err(SubsonicError::missing("p")),
    }
}

/// The caller, or the Subsonic error saying why not.
pub async fn authenticate(
    accounts: &Accounts,
    params: &Params,
    client_ip: &str,
) -> Result<AppCaller, SubsonicError> {
    let mut decoded = Vec::new();
    let credential = credential(params, &mut decoded)?;
    let by_key = matches!(credential, AppCredential::ApiKey(_));
    accounts
        .authenticate_app(&credential, client_ip)
        .await
        .map_err(|error| match error {
            AccountsError::InvalidCredentials if by_key => {
                SubsonicError::new(SubsonicError::INVALID_API_KEY, "Invalid API key.")
            }
            AccountsError::InvalidCredentials => SubsonicError::wrong_credentials(),
            AccountsError::TooManyAttempts { .. } => SubsonicError::new(
                SubsonicError::WRONG_CREDENTIALS,
                "Too many failed sign-ins. Wait a while and try again.",
            ),
            other => other.into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(query: &str) -> Option<u16> {
        let params = Params::parse(Some(query), None).unwrap();
        let mut decoded = Vec::new();
        credential(&params, &mut decoded).err().map(|e| e.code)
    }

    #[test]
    fn schemes_are_told_apart_and_mixing_them_is_43() {
        assert_eq!(code("u=a&p=x"), None);
        assert_eq!(code("u=a&t=x&s=y"), None);
        assert_eq!(code("apiKey=k"), None);
        assert_eq!(code("apiKey=k&u=a"), Some(43));
        assert_eq!(code("apiKey=k&p=x"), Some(43));
        assert_eq!(code("u=a&p=x&t=y&s=z"), Some(43));
        assert_eq!(code("p=x"), Some(10));
        assert_eq!(code("u=a"), Some(10));
        assert_eq!(code("u=a&t=x"), Some(10));
        assert_eq!(code("u=a&p=enc:zz"), Some(40));
    }

    #[test]
    fn enc_passwords_are_hex_in_either_case() {
        let params = Params::parse(Some("u=a&p=enc:536573616D65"), None).unwrap();
        let mut decoded = Vec::new();
        match credential(&params, &mut decoded).unwrap() {
            AppCredential::Password { password, .. } => assert_eq!(password, b"Sesame"),
            _ => panic!("a password credential"),
        }
    }
}

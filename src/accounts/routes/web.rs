//! /api/v1/auth/web: sign-in for the web app. The refresh token travels only in an HttpOnly,
//! SameSite=Strict cookie scoped to these routes (Secure when the public URL is HTTPS), so no
//! page script can read it; the access token is in the answer and the app keeps it in memory.
//! Every route also wants the `X-Ampli-Web` header, which a cross-site form cannot send: with
//! SameSite it keeps another site from using the cookie.

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AccountView;
use super::auth::{LoginRequest, sign_in_device};
use crate::accounts::{Accounts, AuthUser, SignedIn};
use crate::http::client_ip::ClientIp;
use crate::http::{ApiError, ApiJson, ErrorKind, Problem};

const COOKIE: &str = "ampli_refresh";
const COOKIE_PATH: &str = "/api/v1/auth/web";
const WEB_HEADER: &str = "x-ampli-web";

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(web_login))
        .routes(routes!(web_refresh))
        .routes(routes!(web_logout))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebTokensView {
    access_token: String,
    token_type: &'static str,
    /// Seconds until the access token expires.
    expires_in: u64,
    session_id: uuid::Uuid,
    user: AccountView,
}

fn require_web_header(headers: &HeaderMap) -> Result<(), ApiError> {
    if headers.contains_key(WEB_HEADER) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorKind::Forbidden,
            "web_header_missing",
            "These routes are for the Ampli web app, which sends X-Ampli-Web.".to_owned(),
        ))
    }
}

fn set_cookie(accounts: &Accounts, value: &str, max_age_seconds: u64) -> HeaderValue {
    let secure = if accounts.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path={COOKIE_PATH}; Max-Age={max_age_seconds}; HttpOnly; SameSite=Strict{secure}"
    ))
    .expect("a cookie of token characters is a valid header")
}

fn read_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

fn answer(accounts: &Accounts, signed_in: SignedIn) -> impl IntoResponse + use<> {
    let cookie = set_cookie(
        accounts,
        &signed_in.refresh_token,
        accounts.session_ttl.as_secs(),
    );
    let view = WebTokensView {
        access_token: signed_in.access_token,
        token_type: "Bearer",
        expires_in: accounts.access_tokens.ttl.as_secs(),
        session_id: signed_in.session.tokenid,
        user: signed_in.user.into(),
    };
    (AppendHeaders([(header::SET_COOKIE, cookie)]), ApiJson(view))
}

/// Signs the web app in: the access token in the answer, the refresh token in a cookie.
#[utoipa::path(post, path = "/api/v1/auth/web/login", tag = "accounts", request_body = LoginRequest,
    params(("X-Ampli-Web" = String, Header, description = "Any value: says the web app sends this.")),
    responses((status = 200, body = WebTokensView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 429, body = Problem)))]
async fn web_login(
    State(accounts): State<Arc<Accounts>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<impl IntoResponse, ApiError> {
    require_web_header(&headers)?;
    let signed_in = sign_in_device(&accounts, &ip, &headers, &body, Some("Web browser")).await?;
    Ok(answer(&accounts, signed_in))
}

/// A new access token for the web app, from its cookie (which is rotated).
#[utoipa::path(post, path = "/api/v1/auth/web/refresh", tag = "accounts",
    params(("X-Ampli-Web" = String, Header, description = "Any value: says the web app sends this.")),
    responses((status = 200, body = WebTokensView), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn web_refresh(
    State(accounts): State<Arc<Accounts>>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    require_web_header(&headers)?;
    let Some(token) = read_cookie(&headers) else {
        return Err(ApiError::new(
            ErrorKind::Unauthorized,
            "not_signed_in",
            "This browser is not signed in.".to_owned(),
        ));
    };
    let signed_in = accounts.refresh(&token).await?;
    Ok(answer(&accounts, signed_in))
}

/// Signs the web app out: ends its session and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/web/logout", tag = "accounts", security(("bearer" = [])),
    params(("X-Ampli-Web" = String, Header, description = "Any value: says the web app sends this.")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn web_logout(
    State(accounts): State<Arc<Accounts>>,
    headers: HeaderMap,
    caller: AuthUser,
) -> Result<impl IntoResponse, ApiError> {
    require_web_header(&headers)?;
    accounts.sign_out(&caller).await?;
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(header::SET_COOKIE, set_cookie(&accounts, "", 0))]),
    ))
}

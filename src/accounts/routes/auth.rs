//! /api/v1/auth: sign-up, verification, sign-in, refresh, sign-out and password recovery.

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AccountView;
use crate::accounts::sign_in::Device;
use crate::accounts::{Accounts, AuthUser, SignedIn};
use crate::http::client_ip::ClientIp;
use crate::http::{ApiError, ApiJson, Problem};

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(logout_all))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        .routes(routes!(change_password))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(schema_with = crate::accounts::fields::schema::name)]
    name: String,
    #[schema(schema_with = crate::accounts::fields::schema::email)]
    email: String,
    #[schema(schema_with = crate::accounts::fields::schema::new_password)]
    password: String,
}

/// What a sign-up answers, whether or not the address already had an account.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignUpAccepted {
    /// The address, trimmed, that the mail went to.
    email: String,
}

/// Creates an account and mails a link to confirm the address. The answer is the same for an
/// address that already has an account (its owner is mailed instead), so it tells no one
/// which addresses are registered.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts", request_body = RegisterRequest,
    responses((status = 202, body = SignUpAccepted), (status = 422, body = Problem)))]
async fn register(
    State(accounts): State<Arc<Accounts>>,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, ApiJson<SignUpAccepted>), ApiError> {
    accounts
        .register(&body.name, &body.email, &body.password)
        .await?;
    let email = body.email.trim().to_owned();
    Ok((StatusCode::ACCEPTED, ApiJson(SignUpAccepted { email })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    token: String,
}

#[derive(Serialize, ToSchema)]
pub struct Verified {
    verified: bool,
}

/// Confirms an email address with the token from the verification mail.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "accounts", request_body = TokenRequest,
    responses((status = 200, body = Verified), (status = 400, body = Problem)))]
async fn verify_email(
    State(accounts): State<Arc<Accounts>>,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<ApiJson<Verified>, ApiError> {
    accounts.verify_email(&body.token).await?;
    Ok(ApiJson(Verified { verified: true }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    #[schema(schema_with = crate::accounts::fields::schema::email)]
    email: String,
}

#[derive(Serialize, ToSchema)]
pub struct Accepted {
    message: &'static str,
}

/// Mails a new verification link to an unverified account. Answers alike for any address.
#[utoipa::path(post, path = "/api/v1/auth/resend-verification", tag = "accounts", request_body = EmailRequest,
    responses((status = 202, body = Accepted), (status = 429, body = Problem)))]
async fn resend_verification(
    State(accounts): State<Arc<Accounts>>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<EmailRequest>,
) -> Result<(StatusCode, ApiJson<Accepted>), ApiError> {
    accounts.resend_verification(&body.email, &ip).await?;
    Ok((
        StatusCode::ACCEPTED,
        ApiJson(Accepted {
            message: "If this address has an unverified account, a new link is on its way.",
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LoginRequest {
    #[schema(schema_with = crate::accounts::fields::schema::email)]
    pub(super) email: String,
    pub(super) password: String,
    /// A name for this device in the list of sessions, e.g. "Kitchen speaker".
    pub(super) device_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokensView {
    access_token: String,
    refresh_token: String,
    token_type: &'static str,
    /// Seconds until the access token expires.
    expires_in: u64,
    session_id: uuid::Uuid,
    user: AccountView,
}

impl TokensView {
    fn new(signed_in: SignedIn, expires_in: u64) -> Self {
        Self {
            access_token: signed_in.access_token,
            refresh_token: signed_in.refresh_token,
            token_type: "Bearer",
            expires_in,
            session_id: signed_in.session.tokenid,
            user: signed_in.user.into(),
        }
    }
}

/// Signs in on this device: a short-lived access token and this device's refresh token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = TokensView), (status = 401, body = Problem), (status = 429, body = Problem)))]
async fn login(
    State(accounts): State<Arc<Accounts>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<ApiJson<TokensView>, ApiError> {
    let signed_in = sign_in_device(&accounts, &ip, &headers, &body, None).await?;
    let ttl = accounts.access_tokens.ttl.as_secs();
    Ok(ApiJson(TokensView::new(signed_in, ttl)))
}

/// Signs `body`'s account in on the device the request comes from, named by the body or else
/// `default_name`. Shared by the API's and the web app's sign-in.
pub(super) async fn sign_in_device(
    accounts: &Accounts,
    ip: &str,
    headers: &HeaderMap,
    body: &LoginRequest,
    default_name: Option<&str>,
) -> Result<SignedIn, ApiError> {
    let device = Device {
        name: body.device_name.as_deref().or(default_name),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
        client_ip: ip,
    };
    Ok(accounts
        .sign_in(&body.email, &body.password, device)
        .await?)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RefreshRequest {
    refresh_token: String,
}

/// Exchanges a refresh token for new tokens. Each refresh token works once: presenting a used
/// one ends its session.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "accounts", request_body = RefreshRequest,
    responses((status = 200, body = TokensView), (status = 401, body = Problem)))]
async fn refresh(
    State(accounts): State<Arc<Accounts>>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<ApiJson<TokensView>, ApiError> {
    let signed_in = accounts.refresh(&body.refresh_token).await?;
    let ttl = accounts.access_tokens.ttl.as_secs();
    Ok(ApiJson(TokensView::new(signed_in, ttl)))
}

/// Signs this device out.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
async fn logout(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
) -> Result<StatusCode, ApiError> {
    accounts.sign_out(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs every device out, this one included.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
async fn logout_all(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
) -> Result<StatusCode, ApiError> {
    accounts.sign_out_everywhere(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mails a reset link to the account with this address, if there is one. Answers alike
/// (status, body and time) whether or not there is.
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "accounts", request_body = EmailRequest,
    responses((status = 202, body = Accepted), (status = 429, body = Problem)))]
async fn forgot_password(
    State(accounts): State<Arc<Accounts>>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<EmailRequest>,
) -> Result<(StatusCode, ApiJson<Accepted>), ApiError> {
    accounts.forgot_password(&body.email, &ip).await?;
    Ok((
        StatusCode::ACCEPTED,
        ApiJson(Accepted {
            message: "If this address has an account, a reset link is on its way.",
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    token: String,
    #[schema(schema_with = crate::accounts::fields::schema::new_password)]
    password: String,
}

/// Sets a new password with the token from the reset mail; every device is signed out.
#[utoipa::path(post, path = "/api/v1/auth/reset-password", tag = "accounts", request_body = ResetRequest,
    responses((status = 204), (status = 400, body = Problem), (status = 422, body = Problem)))]
async fn reset_password(
    State(accounts): State<Arc<Accounts>>,
    ApiJson(body): ApiJson<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    accounts.reset_password(&body.token, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    current_password: String,
    #[schema(schema_with = crate::accounts::fields::schema::new_password)]
    new_password: String,
}

/// Changes the password; the other devices are signed out, this one stays.
#[utoipa::path(post, path = "/api/v1/auth/change-password", tag = "accounts", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn change_password(
    State(accounts): State<Arc<Accounts>>,
    caller: AuthUser,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    accounts
        .change_password(&caller, &body.current_password, &body.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

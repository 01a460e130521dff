//! `ApiJson<T>`: axum's JSON extractor with its rejections turned into problems, so a
//! malformed body gets the same error shape as everything else.

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::body::too_large;
use super::error::{ApiError, ErrorKind};

/// A JSON request body (extractor) or response body (responder).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers()) {
            return Err(rejection_to_error(JsonRejection::MissingJsonContentType(
                Default::default(),
            )));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    ApiError::new(
                        ErrorKind::BadRequest,
                        "unreadable_body",
                        rejection.body_text(),
                    )
                }
            })?;
        // Every Ampli body is an object; serde would also fill a struct from an array.
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return Err(
                match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
                    Ok(_) => ApiError::new(
                        ErrorKind::Unprocessable,
                        "invalid_body",
                        "The request body must be a JSON object.",
                    ),
                    Err(_) => malformed(),
                },
            );
        }
        if let Some(field) = super::text::nul_field_in_json(&bytes) {
            return Err(ApiError::validation(vec![super::text::nul_error(&field)]));
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_to_error(rejection)),
        }
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn malformed() -> ApiError {
    ApiError::new(
        ErrorKind::BadRequest,
        "malformed_json",
        "The request body is not valid JSON.",
    )
}

fn rejection_to_error(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(error) => ApiError::new(
            ErrorKind::Unprocessable,
            "invalid_body",
            // serde's message names the field and what was expected; it holds no secrets.
            error.body_text(),
        ),
        JsonRejection::JsonSyntaxError(_) => malformed(),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            ErrorKind::UnsupportedMediaType,
            "unsupported_media_type",
            "Send the body as JSON with Content-Type: application/json.",
        ),
        JsonRejection::BytesRejection(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            too_large()
        }
        other => ApiError::new(ErrorKind::BadRequest, "unreadable_body", other.body_text()),
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Integer fields of JSON bodies. JSON has one number type: `-17.0` is the integer -17 to
/// JSON Schema (and so to the OpenAPI document), while serde's `i64` refuses it. These take
/// any number with no fractional part (`#[serde(deserialize_with = "whole_number::required")]`,
/// or `optional` with `default`).
pub mod whole_number {
    use serde::de::{Deserialize, Deserializer, Error};

    pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        if let Some(whole) = number.as_i64() {
            return Ok(whole);
        }
        match number.as_f64() {
            // Bounds as f64: i64::MAX itself rounds up to 2^63, which does not fit.
            Some(value)
                if value.fract() == 0.0 && value >= -(2f64.powi(63)) && value < 2f64.powi(63) =>
            {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "whole and within i64, checked above"
                )]
                Ok(value as i64)
            }
            _ => Err(D::Error::custom(format!(
                "invalid value: {number}, expected a whole number"
            ))),
        }
    }

    pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
        #[derive(serde::Deserialize)]
        struct Whole(#[serde(deserialize_with = "required")] i64);
        Ok(Option::<Whole>::deserialize(deserializer)?.map(|Whole(value)| value))
    }

    /// A field that may be left out (`None`, with `default`) or set to null to clear it
    /// (`Some(None)`).
    pub fn nullable<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<i64>>, D::Error> {
        optional(deserializer).map(Some)
    }
}

/// A field of any type that may be left out (`None`, with `#[serde(default)]`) or set to
/// null to clear it (`Some(None)`), as PATCH bodies tell the two apart.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

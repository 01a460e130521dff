//! An S3-compatible store for media, from the `s3_*` settings.

use super::{ConfigError, Secret, Settings};

#[derive(Clone, Debug)]
pub struct S3Config {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
    pub path_style: bool,
}

impl S3Config {
    /// A store when `s3_bucket` is given; without one, media stays in the data directory.
    pub(super) fn from_settings(s: &Settings<'_>) -> Result<Option<Self>, ConfigError> {
        let Some(bucket) = s.s3_bucket.non_blank() else {
            return Ok(None);
        };
        let endpoint = s.s3_endpoint.non_blank();
        if let Some(endpoint) = endpoint
            && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
        {
            return Err(s
                .s3_endpoint
                .invalid(format!("expected http://… or https://…, got {endpoint:?}")));
        }
        let path_style = match s.s3_path_style.given() {
            None => endpoint.is_some(),
            Some("true") => true,
            Some("false") => false,
            Some(other) => {
                return Err(s
                    .s3_path_style
                    .invalid(format!("expected true or false, got {other:?}")));
            }
        };
        Ok(Some(Self {
            bucket: bucket.to_owned(),
            endpoint: endpoint.map(|e| e.trim_end_matches('/').to_owned()),
            region: s.s3_region.text().to_owned(),
            access_key_id: s.s3_access_key_id.given().map(str::to_owned),
            secret_access_key: s.s3_secret_access_key.given().map(Secret::new),
            path_style,
        }))
    }
}

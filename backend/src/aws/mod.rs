//! What every AWS call shares: the region, an optional endpoint (moto, `MinIO`, `LocalStack`)
//! and the credentials, read from the standard `AWS_*` environment as Lambda sets it.
//! Signing lives in [`sign`], the JSON 1.0 protocol (`DynamoDB`, SQS) in [`json`], S3's XML
//! in [`xml`].

pub mod json;
pub mod sign;
pub mod xml;

use std::fmt;
use std::time::Duration;

pub use self::sign::{Service, SignError};

/// How long one control call (a listing, a `DynamoDB` or SQS call) may take, connect to
/// last byte. The API Lambda has 28 s in all, so no single call may eat them.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(20);

/// How long moving an object's bytes may take (up to `max_pdf_bytes` in the worker,
/// whose Lambda has 120 s).
pub const TRANSFER_TIMEOUT: Duration = Duration::from_secs(90);

#[derive(Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct AwsConfig {
    pub region: String,
    /// `None`: the service's public endpoint for the region.
    pub endpoint: Option<url::Url>,
    pub credentials: Credentials,
    pub http: reqwest::Client,
}

/// Why the `AWS_*` environment cannot make an [`AwsConfig`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("AWS_ENDPOINT_URL is not a URL ({value:?}): {reason}")]
    Endpoint { value: String, reason: String },
    #[error("cannot make the HTTP client: {0}")]
    Http(String),
}

/// A region that makes no endpoint URL (only possible with a hand-made [`AwsConfig`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the region {0:?} makes no AWS endpoint URL")]
pub struct BadRegion(pub String);

impl AwsConfig {
    /// A config with its own HTTP client (connect timeout 5 s; each call sets its own
    /// overall timeout).
    pub fn new(
        region: String,
        endpoint: Option<url::Url>,
        credentials: Credentials,
    ) -> Result<Self, ConfigError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| ConfigError::Http(e.to_string()))?;
        Ok(Self {
            region,
            endpoint,
            credentials,
            http,
        })
    }

    /// Reads `AWS_REGION` (or `AWS_DEFAULT_REGION`), `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (optional) and `AWS_ENDPOINT_URL`
    /// (optional: one endpoint for every service, as moto and `LocalStack` serve them).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Self::from_env`] over any lookup, so it is testable without touching the
    /// process environment. Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let region = get("AWS_REGION")
            .or_else(|| get("AWS_DEFAULT_REGION"))
            .ok_or(ConfigError::Missing("AWS_REGION"))?;
        let access_key_id =
            get("AWS_ACCESS_KEY_ID").ok_or(ConfigError::Missing("AWS_ACCESS_KEY_ID"))?;
        let secret_access_key =
            get("AWS_SECRET_ACCESS_KEY").ok_or(ConfigError::Missing("AWS_SECRET_ACCESS_KEY"))?;
        let endpoint = get("AWS_ENDPOINT_URL")
            .map(|value| {
                url::Url::parse(&value).map_err(|e| ConfigError::Endpoint {
                    value: value.clone(),
                    reason: e.to_string(),
                })
            })
            .transpose()?;
        Self::new(
            region,
            endpoint,
            Credentials {
                access_key_id,
                secret_access_key,
                session_token: get("AWS_SESSION_TOKEN"),
            },
        )
    }

    /// The service's base URL: the configured endpoint, or the public one for the region
    /// (`https://{s3,sqs,dynamodb}.{region}.amazonaws.com/`).
    pub fn service_url(&self, service: Service) -> Result<url::Url, BadRegion> {
        if let Some(endpoint) = &self.endpoint {
            return Ok(endpoint.clone());
        }
        url::Url::parse(&format!(
            "https://{}.{}.amazonaws.com/",
            service.name(),
            self.region
        ))
        .map_err(|_| BadRegion(self.region.clone()))
    }

    /// Signs `request` for `service` now, in its headers (see [`sign::sign_request`]).
    pub fn sign(&self, service: Service, request: &mut reqwest::Request) -> Result<(), SignError> {
        sign::sign_request(
            &self.credentials,
            &self.region,
            service,
            request,
            std::time::SystemTime::now(),
        )
    }

    /// A URL for `method` on `url` that needs no other credentials for `ttl` (see
    /// [`sign::presign_url`]).
    pub fn presign(
        &self,
        service: Service,
        method: &http::Method,
        url: &url::Url,
        ttl: Duration,
    ) -> Result<url::Url, SignError> {
        sign::presign_url(
            &self.credentials,
            &self.region,
            service,
            method,
            url,
            ttl,
            std::time::SystemTime::now(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn the_environment_makes_a_config_with_the_public_endpoints() {
        let config = AwsConfig::from_lookup(env(&[
            ("AWS_DEFAULT_REGION", "ap-northeast-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", ""),
        ]))
        .unwrap();
        assert_eq!(config.region, "ap-northeast-1");
        assert_eq!(config.credentials.session_token, None);
        assert_eq!(
            config.service_url(Service::S3).unwrap().as_str(),
            "https://s3.ap-northeast-1.amazonaws.com/"
        );
        assert_eq!(
            config.service_url(Service::DynamoDb).unwrap().as_str(),
            "https://dynamodb.ap-northeast-1.amazonaws.com/"
        );
        assert_eq!(
            config.service_url(Service::Sqs).unwrap().as_str(),
            "https://sqs.ap-northeast-1.amazonaws.com/"
        );
        assert!(!format!("{config:?}").contains("secret"));
    }

    #[test]
    fn an_endpoint_serves_every_service_and_missing_keys_are_named() {
        let config = AwsConfig::from_lookup(env(&[
            ("AWS_REGION", "us-east-1"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ]))
        .unwrap();
        assert_eq!(config.region, "us-east-1");
        assert_eq!(
            config.service_url(Service::Sqs).unwrap().as_str(),
            "http://127.0.0.1:5000/"
        );
        let missing = AwsConfig::from_lookup(env(&[("AWS_REGION", "us-east-1")])).unwrap_err();
        assert_eq!(missing, ConfigError::Missing("AWS_ACCESS_KEY_ID"));
        assert_eq!(missing.to_string(), "AWS_ACCESS_KEY_ID is not set");
    }
}

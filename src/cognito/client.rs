//! A client for one app client of one user pool: its HTTP client with the timeouts,
//! its client secret (for `SECRET_HASH`); the operations live in `sign_in`, `refresh`,
//! `sign_out` and `user`, the call itself in `transport`.

use std::time::Duration;

use reqwest::Url;

use super::{CognitoError, is_client_id, wire};
use crate::credentials::ClientSecret;

/// Connect timeout for every call.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Whole-call timeout for every call.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Per-call limits; the defaults are what a desktop app should use.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub call: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: CONNECT_TIMEOUT,
            call: CALL_TIMEOUT,
        }
    }
}

/// A client for one app client of one user pool.
#[derive(Debug, Clone)]
pub struct CognitoClient {
    pub(super) http: reqwest::Client,
    pub(super) endpoint: Url,
    pub(super) client_id: String,
    pub(super) secret: Option<ClientSecret>,
    pub(super) timeouts: Timeouts,
}

impl CognitoClient {
    /// `endpoint` is [`region_endpoint`](super::region_endpoint) or an override (moto, the local stack).
    pub fn new(
        endpoint: Url,
        client_id: &str,
        secret: Option<ClientSecret>,
        timeouts: Timeouts,
    ) -> Result<Self, CognitoError> {
        if !matches!(endpoint.scheme(), "http" | "https") {
            return Err(CognitoError::InvalidInput(format!(
                "the Cognito endpoint must be an http(s) URL, not {endpoint}"
            )));
        }
        if !is_client_id(client_id) {
            return Err(CognitoError::InvalidInput(format!(
                "\"{client_id}\" is not an app client id (letters and digits, up to 128)"
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.call)
            .pool_idle_timeout(crate::HTTP_IDLE)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("receipt-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CognitoError::InvalidInput(format!("HTTP client: {e}")))?;
        Ok(Self {
            http,
            endpoint,
            client_id: client_id.to_owned(),
            secret: secret.filter(|s| !s.is_empty()),
            timeouts,
        })
    }

    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The app client's secret, for the token endpoint of a browser sign-in.
    pub fn client_secret(&self) -> Option<&ClientSecret> {
        self.secret.as_ref()
    }

    /// `SECRET_HASH` for `username`, when the app client has a secret.
    pub(super) fn secret_hash(&self, username: &str) -> Option<String> {
        self.secret
            .as_ref()
            .map(|s| wire::secret_hash(s.expose(), username, &self.client_id))
    }
}

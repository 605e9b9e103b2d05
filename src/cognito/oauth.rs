//! Browser sign-in: Cognito's managed login (or any `OpenID` provider) with the OAuth 2.0
//! authorization-code flow and PKCE, redirecting to a loopback port (RFC 8252).
//!
//! Hand-written on our reqwest: PKCE S256, `state` and `nonce`, the authorize URL, a
//! one-shot listener on 127.0.0.1 that answers the browser with a ja/en page, the code
//! exchange and refresh at the token endpoint, revocation, and the `/logout` URL that ends
//! the managed-login cookie. Cognito matches callback URLs exactly, port included: the
//! listener tries the registered ports in turn.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Url;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use tokio::sync::oneshot;

use super::loopback::{serve_one_callback, serve_page, signed_out_page};
use super::wire::{self, AuthenticationResult};
use super::{Operation, Tokens};
use crate::credentials::{ClientSecret, RefreshToken};

/// How long the whole browser sign-in may take, as `aws sso login` allows.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_mins(10);

/// The scopes asked for by default: `aws.cognito.signin.user.admin` keeps the access
/// token good for `GetUser`, `GlobalSignOut` and `RevokeToken`.
pub const DEFAULT_SCOPES: &[&str] = &["openid", "email", "aws.cognito.signin.user.admin"];

/// The loopback ports tried by default (each must be registered as a callback URL,
/// `http://127.0.0.1:PORT/callback`).
pub const DEFAULT_PORTS: &[u16] = &[47615, 47616, 47617];

/// Why a browser sign-in did not end in tokens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error("no callback port is free on 127.0.0.1 (tried {0:?})")]
    NoFreePort(Vec<u16>),
    #[error("the sign-in in the browser did not finish within 10 minutes")]
    TimedOut,
    #[error("the browser came back with a different state: not this sign-in")]
    StateMismatch,
    #[error("the sign-in was refused: {error} {description}")]
    Refused { error: String, description: String },
    #[error("the token endpoint refused the code: {error} {description}")]
    Token { error: String, description: String },
    #[error("the ID token's nonce does not match this sign-in")]
    NonceMismatch,
    #[error("the provider could not be reached: {0}")]
    Network(String),
    #[error("the provider answered something unexpected: {0}")]
    Unexpected(String),
    #[error("the provider's settings are not usable: {0}")]
    Config(String),
}

/// Where the provider's endpoints are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub authorize: Url,
    pub token: Url,
    pub revoke: Option<Url>,
    pub logout: Option<Url>,
}

impl Endpoints {
    /// Cognito's managed-login domain (`https://NAME.auth.REGION.amazoncognito.com`, or
    /// the local stack's URL).
    pub fn cognito(domain: &Url) -> Result<Self, OAuthError> {
        let join = |path: &str| {
            domain
                .join(path)
                .map_err(|e| OAuthError::Config(format!("{domain}: {e}")))
        };
        Ok(Self {
            authorize: join("/oauth2/authorize")?,
            token: join("/oauth2/token")?,
            revoke: Some(join("/oauth2/revoke")?),
            logout: Some(join("/logout")?),
        })
    }

    /// From an `OpenID` provider's discovery document (`ISSUER/.well-known/openid-configuration`).
    pub async fn discover(http: &reqwest::Client, issuer: &Url) -> Result<Self, OAuthError> {
        #[derive(Deserialize)]
        #[expect(clippy::struct_field_names, reason = "the discovery document's names")]
        struct Discovery {
            authorization_endpoint: String,
            token_endpoint: String,
            revocation_endpoint: Option<String>,
            end_session_endpoint: Option<String>,
        }
        let parse = |text: &str| {
            Url::parse(text).map_err(|e| OAuthError::Unexpected(format!("discovery: {text}: {e}")))
        };
        let url = Url::parse(&format!(
            "{}/.well-known/openid-configuration",
            issuer.as_str().trim_end_matches('/')
        ))
        .map_err(|e| OAuthError::Config(e.to_string()))?;
        let response = http
            .get(url)
            .send()
            .await
            .map_err(|e| OAuthError::Network(e.without_url().to_string()))?;
        let discovery: Discovery = response
            .json()
            .await
            .map_err(|e| OAuthError::Unexpected(format!("discovery: {}", e.without_url())))?;
        Ok(Self {
            authorize: parse(&discovery.authorization_endpoint)?,
            token: parse(&discovery.token_endpoint)?,
            revoke: discovery
                .revocation_endpoint
                .as_deref()
                .map(parse)
                .transpose()?,
            logout: discovery
                .end_session_endpoint
                .as_deref()
                .map(parse)
                .transpose()?,
        })
    }
}

/// A PKCE pair (RFC 7636, S256 only).
pub struct Pkce {
    verifier: String,
    pub challenge: String,
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}

impl Pkce {
    pub fn new() -> Self {
        Self::from_verifier(random_token(32))
    }

    /// For a given verifier (the RFC's vector).
    pub fn from_verifier(verifier: String) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// `n` random bytes, base64url without padding.
fn random_token(n: usize) -> String {
    let mut bytes = vec![0_u8; n];
    aws_lc_rs::rand::fill(&mut bytes).unwrap_or_else(|_| unreachable!("the system RNG works"));
    URL_SAFE_NO_PAD.encode(bytes)
}

/// One app client of one provider, signing in through the browser.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    http: reqwest::Client,
    pub endpoints: Endpoints,
    pub client_id: String,
    secret: Option<ClientSecret>,
    pub scopes: Vec<String>,
    /// Straight to a federated identity provider (`identity_provider=`).
    pub identity_provider: Option<String>,
    /// `lang=ja` gives Japanese managed-login pages.
    pub lang: Option<String>,
    pub ports: Vec<u16>,
}

/// A browser sign-in under way: the URL to open, and the listener waiting for it.
pub struct Pending {
    pub url: Url,
    redirect_uri: String,
    state: String,
    nonce: String,
    pkce: Pkce,
    /// Bound (and listening) from the start; served once [`OAuthClient::finish`] runs.
    listener: Option<std::net::TcpListener>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl fmt::Debug for Pending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending")
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        // Cancelled or done: the port is given back.
        if let Some(server) = &self.server {
            server.abort();
        }
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    id_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
}

#[derive(Deserialize, Default)]
struct ErrorAnswer {
    error: Option<String>,
    error_description: Option<String>,
}

/// A form-encoded POST (`application/x-www-form-urlencoded`).
fn form_post(http: &reqwest::Client, url: &Url, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    http.post(url.clone())
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
}

impl OAuthClient {
    pub fn new(
        endpoints: Endpoints,
        client_id: &str,
        secret: Option<ClientSecret>,
    ) -> Result<Self, OAuthError> {
        let http = reqwest::Client::builder()
            .connect_timeout(super::CONNECT_TIMEOUT)
            .timeout(super::CALL_TIMEOUT)
            .pool_idle_timeout(crate::HTTP_IDLE)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("receipt-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| OAuthError::Config(e.to_string()))?;
        Ok(Self {
            http,
            endpoints,
            client_id: client_id.to_owned(),
            secret: secret.filter(|s| !s.is_empty()),
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            identity_provider: None,
            lang: None,
            ports: DEFAULT_PORTS.to_vec(),
        })
    }

    /// Binds the loopback port (the first free registered one) and builds the URL for
    /// the browser. Quick and without a runtime, so a window can show the link at once.
    pub fn start(&self) -> Result<Pending, OAuthError> {
        let mut bound = None;
        for port in &self.ports {
            if let Ok(listener) =
                std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], *port)))
                && listener.set_nonblocking(true).is_ok()
            {
                bound = Some((listener, *port));
                break;
            }
        }
        let (listener, port) = bound.ok_or_else(|| OAuthError::NoFreePort(self.ports.clone()))?;
        // Port 0 (tests) means the one the system picked.
        let port = listener.local_addr().map_or(port, |a| a.port());
        let redirect_uri = format!("http://127.0.0.1:{port}/callback");
        let state = random_token(24);
        let nonce = random_token(24);
        let pkce = Pkce::new();
        let mut url = self.endpoints.authorize.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &self.client_id)
                .append_pair("redirect_uri", &redirect_uri)
                .append_pair("scope", &self.scopes.join(" "))
                .append_pair("state", &state)
                .append_pair("nonce", &nonce)
                .append_pair("code_challenge", &pkce.challenge)
                .append_pair("code_challenge_method", "S256");
            if let Some(idp) = &self.identity_provider {
                query.append_pair("identity_provider", idp);
            }
            if let Some(lang) = &self.lang {
                query.append_pair("lang", lang);
            }
        }
        Ok(Pending {
            url,
            redirect_uri,
            state,
            nonce,
            pkce,
            listener: Some(listener),
            server: None,
        })
    }

    /// Waits for the browser (up to [`SIGN_IN_TIMEOUT`]), checks `state`, exchanges the
    /// code with the PKCE verifier, and checks the ID token's `nonce`.
    pub async fn finish(&self, mut pending: Pending) -> Result<Tokens, OAuthError> {
        let listener = pending
            .listener
            .take()
            .ok_or_else(|| OAuthError::Unexpected("the sign-in was finished already".into()))?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| OAuthError::Unexpected(format!("the loopback listener: {e}")))?;
        let (sender, receiver) = oneshot::channel();
        let (stop, stopped) = oneshot::channel();
        pending.server = Some(tokio::spawn(serve_one_callback(listener, sender, stopped)));
        let callback = tokio::time::timeout(SIGN_IN_TIMEOUT, receiver)
            .await
            .map_err(|_| OAuthError::TimedOut)?
            .map_err(|_| OAuthError::Unexpected("the loopback listener stopped".to_owned()))?;
        // The browser gets its page, then the port is given back.
        let _ = stop.send(());
        if let Some(server) = pending.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
        let query = callback.query;
        let state_ok = query.get("state").is_some_and(|s| {
            s.len() == pending.state.len()
                && s.bytes()
                    .zip(pending.state.bytes())
                    .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        });
        if !state_ok {
            return Err(OAuthError::StateMismatch);
        }
        if let Some(error) = query.get("error") {
            return Err(OAuthError::Refused {
                error: error.clone(),
                description: query.get("error_description").cloned().unwrap_or_default(),
            });
        }
        let code = query
            .get("code")
            .filter(|c| !c.is_empty())
            .ok_or_else(|| OAuthError::Unexpected("the browser came back without a code".into()))?;
        let tokens = self
            .token_request(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &pending.redirect_uri),
                ("client_id", &self.client_id),
                ("code_verifier", &pending.pkce.verifier),
            ])
            .await?;
        let nonce = wire::decode_claims(tokens.id.expose()).and_then(|c| c.nonce);
        if nonce.as_deref() != Some(pending.nonce.as_str()) {
            return Err(OAuthError::NonceMismatch);
        }
        let mut tokens = tokens;
        tokens.via = Some(std::sync::Arc::new(self.clone()));
        Ok(tokens)
    }

    /// New tokens for `previous` from its refresh token at the token endpoint. What
    /// does not come back is kept: the refresh token, and the ID token (`OpenID` lets a
    /// refresh answer leave it out; the expiry is then the access token's).
    pub async fn refresh(&self, previous: &Tokens) -> Result<Tokens, OAuthError> {
        let refresh = previous
            .refresh
            .clone()
            .ok_or_else(|| OAuthError::Config("there is no refresh token".to_owned()))?;
        let mut tokens = self
            .token_request_keeping(
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.expose()),
                    ("client_id", &self.client_id),
                ],
                Some(previous),
            )
            .await?;
        if tokens.refresh.is_none() {
            tokens.refresh = Some(refresh);
        }
        tokens.via.clone_from(&previous.via);
        Ok(tokens)
    }

    /// Revokes a refresh token (and what was made from it) at the revocation endpoint.
    pub async fn revoke(&self, refresh: &RefreshToken) -> Result<(), OAuthError> {
        let Some(url) = &self.endpoints.revoke else {
            return Ok(());
        };
        let request = form_post(
            &self.http,
            url,
            &[
                ("token", refresh.expose()),
                ("client_id", self.client_id.as_str()),
            ],
        );
        let response = self
            .authenticate(request)
            .send()
            .await
            .map_err(|e| OAuthError::Network(e.without_url().to_string()))?;
        if response.status().is_success() {
            return Ok(());
        }
        let status = response.status().as_u16();
        let answer: ErrorAnswer = response.json().await.unwrap_or_default();
        Err(OAuthError::Token {
            error: answer.error.unwrap_or_else(|| format!("HTTP {status}")),
            description: answer.error_description.unwrap_or_default(),
        })
    }

    /// The browser URL that ends the managed-login session (its cookie would sign the
    /// next browser sign-in in silently); `logout_uri` must be a registered sign-out URL.
    pub fn logout_url(&self, logout_uri: &str) -> Option<Url> {
        let mut url = self.endpoints.logout.clone()?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("logout_uri", logout_uri);
        Some(url)
    }

    /// Ends the managed-login session in the browser: a listener on the first free
    /// registered port shows "signed out" when the provider sends the browser back
    /// (`http://127.0.0.1:PORT/signed-out`, a registered sign-out URL), for 2 minutes.
    /// The URL to open, or `None` when the provider has no logout endpoint or no port
    /// is free.
    pub fn browser_logout(&self) -> Option<Url> {
        self.endpoints.logout.as_ref()?;
        let (listener, port) = self.ports.iter().find_map(|port| {
            let listener =
                std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], *port))).ok()?;
            listener.set_nonblocking(true).ok()?;
            let port = listener.local_addr().map_or(*port, |a| a.port());
            Some((listener, port))
        })?;
        let listener = tokio::net::TcpListener::from_std(listener).ok()?;
        tokio::spawn(async move {
            let (sender, receiver) = oneshot::channel();
            let (stop, stopped) = oneshot::channel();
            let server = tokio::spawn(serve_page(
                listener,
                "/signed-out",
                signed_out_page(),
                sender,
                stopped,
            ));
            let _ = tokio::time::timeout(Duration::from_mins(2), receiver).await;
            // The page reaches the browser, then the port closes.
            let _ = stop.send(());
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        });
        self.logout_url(&format!("http://127.0.0.1:{port}/signed-out"))
    }

    /// A confidential app client authenticates at the token endpoint with HTTP Basic.
    fn authenticate(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.secret {
            Some(secret) => request.basic_auth(&self.client_id, Some(secret.expose())),
            None => request,
        }
    }

    async fn token_request(&self, form: &[(&str, &str)]) -> Result<Tokens, OAuthError> {
        self.token_request_keeping(form, None).await
    }

    async fn token_request_keeping(
        &self,
        form: &[(&str, &str)],
        previous: Option<&Tokens>,
    ) -> Result<Tokens, OAuthError> {
        let request = form_post(&self.http, &self.endpoints.token, form);
        let response = self
            .authenticate(request)
            .send()
            .await
            .map_err(|e| OAuthError::Network(e.without_url().to_string()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| OAuthError::Network(e.without_url().to_string()))?;
        if !status.is_success() {
            let answer: ErrorAnswer = serde_json::from_slice(&body).unwrap_or_default();
            return Err(OAuthError::Token {
                error: answer
                    .error
                    .unwrap_or_else(|| format!("HTTP {}", status.as_u16())),
                description: answer.error_description.unwrap_or_default(),
            });
        }
        let answer: TokenAnswer = serde_json::from_slice(&body)
            .map_err(|e| OAuthError::Unexpected(format!("the token answer: {e}")))?;
        let fallback = answer
            .id_token
            .as_deref()
            .and_then(wire::decode_claims)
            .and_then(|c| c.sub)
            .or_else(|| previous.map(|p| p.username.clone()))
            .unwrap_or_default();
        // A refresh without an ID token: the expiry comes from the access token alone,
        // and the previous ID token is kept.
        let kept_id = match (&answer.id_token, previous) {
            (None, Some(previous)) => Some(previous.id.clone()),
            _ => None,
        };
        let id_token = answer
            .id_token
            .or_else(|| kept_id.as_ref().and(answer.access_token.clone()));
        let mut tokens = Tokens::from_result(
            Operation::OAuthToken,
            AuthenticationResult {
                access_token: answer.access_token,
                id_token,
                refresh_token: answer.refresh_token,
                expires_in: answer.expires_in,
                new_device_metadata: None,
            },
            None,
            &fallback,
        )
        .map_err(|e| OAuthError::Unexpected(e.to_string()))?;
        if let Some(id) = kept_id {
            tokens.id = id;
            if let Some(previous) = previous {
                tokens.email.clone_from(&previous.email);
            }
        }
        Ok(tokens)
    }
}

impl From<OAuthError> for super::CognitoError {
    /// As the session and the front ends word Cognito's errors: a refused refresh token
    /// signs out, a network problem is one.
    fn from(error: OAuthError) -> Self {
        use super::{CognitoError, ErrorKind, ServiceError};
        match error {
            OAuthError::Token { error, description } => CognitoError::Service(ServiceError {
                operation: Operation::OAuthToken,
                kind: if error == "invalid_grant" {
                    ErrorKind::InvalidRefreshToken
                } else {
                    ErrorKind::NotAuthorized
                },
                code: error,
                message: description,
                status: 400,
                request_id: None,
            }),
            OAuthError::Network(detail) => CognitoError::Network {
                operation: Operation::OAuthToken,
                endpoint: String::new(),
                detail,
            },
            other => CognitoError::Browser(other),
        }
    }
}

#[cfg(test)]
#[path = "oauth_tests.rs"]
mod tests;

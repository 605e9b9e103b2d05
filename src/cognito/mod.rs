//! The Cognito Identity Provider JSON protocol, as a desktop client speaks it.
//!
//! One `POST /` per operation with `X-Amz-Target`, no `SigV4`: sign-in with
//! `USER_PASSWORD_AUTH`, the challenges a real pool can send, refresh, sign-out. Every
//! answer — JSON, HTML, empty, cut off, late — becomes a value; nothing here panics.

pub mod error;
pub mod wire;

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::Url;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use self::error::{CognitoError, ErrorKind, Operation, ServiceError};
use self::wire::{AuthResponse, AuthenticationResult, Claims};
use crate::credentials::{
    AccessToken, ChallengeSession, ClientSecret, IdToken, Password, RefreshToken, scrub,
};

/// Connect timeout for every call.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Whole-call timeout for every call.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// A Cognito answer is a few kilobytes; anything past this is not Cognito.
const MAX_BODY_BYTES: usize = 1024 * 1024;
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// The Cognito endpoint of an AWS region: `https://cognito-idp.REGION.amazonaws.com/`.
pub fn region_endpoint(region: &str) -> Result<Url, CognitoError> {
    if !is_region_name(region) {
        return Err(CognitoError::InvalidInput(format!(
            "\"{region}\" is not an AWS region name (like ap-northeast-1)"
        )));
    }
    let domain = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    Url::parse(&format!("https://cognito-idp.{region}.{domain}/"))
        .map_err(|e| CognitoError::InvalidInput(format!("bad region endpoint: {e}")))
}

/// `ap-northeast-1`, `us-gov-west-1`, `eu-central-2`: lowercase words and a number.
pub fn is_region_name(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// An app client id: 1–128 word characters (AWS issues 26 lowercase alphanumerics).
pub fn is_client_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+')
}

/// Tokens from a sign-in or a refresh.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: AccessToken,
    pub id: IdToken,
    /// Absent only when a refresh returned none and there was none to keep.
    pub refresh: Option<RefreshToken>,
    /// The earlier `exp` of the access and ID tokens.
    pub expires_at: Timestamp,
    /// When the tokens were issued (`iat`), or when they were received.
    pub issued_at: Timestamp,
    /// The internal Cognito username (the `username` / `cognito:username` claim), which
    /// is what `SECRET_HASH` must use on refresh; a UUID when e-mail is the username.
    pub username: String,
    /// The ID token's `email` claim, for showing who is signed in.
    pub email: Option<String>,
}

impl Tokens {
    /// How long the tokens are valid from issue to expiry.
    pub fn lifetime(&self) -> Duration {
        Duration::from_secs(
            (self.expires_at.as_second() - self.issued_at.as_second()).max(0) as u64,
        )
    }

    fn from_result(
        operation: Operation,
        result: AuthenticationResult,
        kept_refresh: Option<&RefreshToken>,
        fallback_username: &str,
    ) -> Result<Self, CognitoError> {
        let received = Timestamp::now();
        let unreadable = |what: &str| CognitoError::UnexpectedResponse {
            operation,
            status: 200,
            detail: what.to_owned(),
            request_id: None,
        };
        let access = result
            .access_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unreadable("the answer has no AccessToken"))?;
        let id = result
            .id_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unreadable("the answer has no IdToken"))?;
        let access_claims = wire::decode_claims(&access).unwrap_or_default();
        let id_claims = wire::decode_claims(&id).unwrap_or_default();

        // Expiry from the tokens themselves; `ExpiresIn` only when they carry no `exp`.
        let exp = [access_claims.exp, id_claims.exp]
            .into_iter()
            .flatten()
            .min();
        let expires_at = match (exp, result.expires_in) {
            (Some(exp), _) => Timestamp::from_second(exp).ok(),
            (None, Some(seconds)) => received
                .checked_add(jiff::SignedDuration::from_secs(seconds))
                .ok(),
            (None, None) => None,
        }
        .ok_or_else(|| unreadable("the tokens carry no usable expiry (exp)"))?;
        let issued_at = access_claims
            .iat
            .and_then(|iat| Timestamp::from_second(iat).ok())
            .filter(|iat| *iat <= expires_at)
            .unwrap_or(received);
        let username = internal_username(&access_claims, &id_claims)
            .unwrap_or(fallback_username)
            .to_owned();
        let refresh = result
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(RefreshToken::new)
            .or_else(|| kept_refresh.cloned());
        Ok(Self {
            access: AccessToken::new(access),
            id: IdToken::new(id),
            refresh,
            expires_at,
            issued_at,
            username,
            email: id_claims.email,
        })
    }
}

fn internal_username<'a>(access: &'a Claims, id: &'a Claims) -> Option<&'a str> {
    access.internal_username().or(id.internal_username())
}

/// What a sign-in step led to.
#[derive(Debug)]
pub enum AuthStep {
    SignedIn(Tokens),
    Challenge(Challenge),
}

/// A question Cognito asks before it hands out tokens.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub kind: ChallengeKind,
    /// The username to answer with: Cognito's own (`USERNAME` / `USER_ID_FOR_SRP`
    /// parameter), which may differ from the alias that was typed.
    pub username: String,
    /// The challenge name exactly as Cognito sent it.
    pub name: String,
    session: ChallengeSession,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeKind {
    /// A first sign-in with a temporary password: choose a new one.
    NewPasswordRequired {
        /// Attribute names (without `userAttributes.`) the pool needs a value for.
        required_attributes: Vec<String>,
        /// What the user already has, for showing.
        user_attributes: BTreeMap<String, String>,
    },
    /// A code from an authenticator app.
    SoftwareTokenMfa { device_name: Option<String> },
    /// A code sent by SMS.
    SmsMfa { destination: Option<String> },
    /// A code sent by e-mail (`EMAIL_OTP`, also spelt `EMAIL_MFA`).
    EmailOtp { destination: Option<String> },
    /// Pick one of several MFA methods; the answer is one of `options`.
    SelectMfaType { options: Vec<String> },
}

impl ChallengeKind {
    /// Whether the answer is a one-time code.
    pub fn wants_code(&self) -> bool {
        matches!(
            self,
            Self::SoftwareTokenMfa { .. } | Self::SmsMfa { .. } | Self::EmailOtp { .. }
        )
    }
}

/// An answer to a [`Challenge`].
#[derive(Debug)]
pub enum ChallengeAnswer {
    NewPassword {
        password: Password,
        /// Values for required attributes, by name without `userAttributes.`.
        attributes: BTreeMap<String, String>,
    },
    /// A one-time code; spaces and dashes (as pasted from an app) are removed.
    Code(String),
    /// One of `SelectMfaType`'s options.
    MfaType(String),
}

impl Challenge {
    fn parse(
        name: String,
        session: String,
        parameters: &BTreeMap<String, serde_json::Value>,
        typed_username: &str,
    ) -> Result<Self, CognitoError> {
        let text = |key: &str| parameters.get(key).map(wire::parameter_text);
        let destination = text("CODE_DELIVERY_DESTINATION");
        let kind = match name.as_str() {
            "NEW_PASSWORD_REQUIRED" => ChallengeKind::NewPasswordRequired {
                required_attributes: wire::string_list(parameters.get("requiredAttributes"))
                    .into_iter()
                    .map(|a| {
                        a.strip_prefix("userAttributes.")
                            .map_or_else(|| a.clone(), str::to_owned)
                    })
                    .collect(),
                user_attributes: wire::string_map(parameters.get("userAttributes")),
            },
            "SOFTWARE_TOKEN_MFA" => ChallengeKind::SoftwareTokenMfa {
                device_name: text("FRIENDLY_DEVICE_NAME"),
            },
            "SMS_MFA" => ChallengeKind::SmsMfa { destination },
            "EMAIL_OTP" | "EMAIL_MFA" => ChallengeKind::EmailOtp { destination },
            "SELECT_MFA_TYPE" => ChallengeKind::SelectMfaType {
                options: wire::string_list(parameters.get("MFAS_CAN_CHOOSE")),
            },
            _ => return Err(CognitoError::UnsupportedChallenge { name }),
        };
        let username = text("USERNAME")
            .or_else(|| text("USER_ID_FOR_SRP"))
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| typed_username.to_owned());
        Ok(Self {
            kind,
            username,
            name,
            session: ChallengeSession::new(session),
        })
    }
}

/// What `RevokeToken` achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    Revoked,
    /// The server has no `RevokeToken`, or revocation is off for the app client.
    NotSupported,
}

/// `GetUser`'s answer.
#[derive(Debug, Clone)]
pub struct UserInfo {
    pub username: String,
    pub attributes: BTreeMap<String, String>,
}

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
    http: reqwest::Client,
    endpoint: Url,
    client_id: String,
    secret: Option<ClientSecret>,
    timeouts: Timeouts,
}

impl CognitoClient {
    /// `endpoint` is [`region_endpoint`] or an override (moto, the local stack).
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

    fn secret_hash(&self, username: &str) -> Option<String> {
        self.secret
            .as_ref()
            .map(|s| wire::secret_hash(s.expose(), username, &self.client_id))
    }

    /// Signs in with `USER_PASSWORD_AUTH`.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &Password,
    ) -> Result<AuthStep, CognitoError> {
        let username = username.trim();
        if username.is_empty() {
            return Err(CognitoError::InvalidInput(
                "the username is empty".to_owned(),
            ));
        }
        let hash = self.secret_hash(username);
        let mut parameters =
            BTreeMap::from([("USERNAME", username), ("PASSWORD", password.expose())]);
        if let Some(hash) = &hash {
            parameters.insert("SECRET_HASH", hash);
        }
        let request = wire::InitiateAuthRequest {
            auth_flow: "USER_PASSWORD_AUTH",
            client_id: &self.client_id,
            auth_parameters: parameters,
        };
        let response: AuthResponse = self
            .call(
                Operation::InitiateAuth,
                &request,
                &[password.expose(), hash.as_deref().unwrap_or_default()],
            )
            .await?;
        Self::step(Operation::InitiateAuth, response, username)
    }

    /// Answers a challenge with its session; the result may be another challenge.
    pub async fn respond(
        &self,
        challenge: &Challenge,
        answer: &ChallengeAnswer,
    ) -> Result<AuthStep, CognitoError> {
        let code;
        let hash = self.secret_hash(&challenge.username);
        let mut responses: BTreeMap<String, &str> =
            BTreeMap::from([("USERNAME".to_owned(), challenge.username.as_str())]);
        if let Some(hash) = &hash {
            responses.insert("SECRET_HASH".to_owned(), hash);
        }
        match (&challenge.kind, answer) {
            (
                ChallengeKind::NewPasswordRequired { .. },
                ChallengeAnswer::NewPassword {
                    password,
                    attributes,
                },
            ) => {
                if password.is_empty() {
                    return Err(CognitoError::InvalidInput(
                        "the new password is empty".to_owned(),
                    ));
                }
                responses.insert("NEW_PASSWORD".to_owned(), password.expose());
                for (name, value) in attributes {
                    responses.insert(format!("userAttributes.{name}"), value);
                }
            }
            (kind, ChallengeAnswer::Code(typed)) if kind.wants_code() => {
                code = typed
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '-')
                    .collect::<String>();
                if code.is_empty() {
                    return Err(CognitoError::InvalidInput("the code is empty".to_owned()));
                }
                // SMS_MFA_CODE, SOFTWARE_TOKEN_MFA_CODE, EMAIL_OTP_CODE, EMAIL_MFA_CODE
                responses.insert(format!("{}_CODE", challenge.name), &code);
            }
            (ChallengeKind::SelectMfaType { options }, ChallengeAnswer::MfaType(choice)) => {
                if !options.is_empty() && !options.contains(choice) {
                    return Err(CognitoError::InvalidInput(format!(
                        "{choice} is not one of the offered methods ({})",
                        options.join(", ")
                    )));
                }
                responses.insert("ANSWER".to_owned(), choice);
            }
            (_, answer) => {
                return Err(CognitoError::InvalidInput(format!(
                    "{answer:?} does not answer the challenge {}",
                    challenge.name
                )));
            }
        }
        let request = wire::RespondToAuthChallengeRequest {
            client_id: &self.client_id,
            challenge_name: &challenge.name,
            session: challenge.session.expose(),
            challenge_responses: responses,
        };
        let mut secrets = vec![
            challenge.session.expose(),
            hash.as_deref().unwrap_or_default(),
        ];
        if let ChallengeAnswer::NewPassword { password, .. } = answer {
            secrets.push(password.expose());
        }
        let response: AuthResponse = self
            .call(Operation::RespondToAuthChallenge, &request, &secrets)
            .await?;
        Self::step(
            Operation::RespondToAuthChallenge,
            response,
            &challenge.username,
        )
    }

    /// New access and ID tokens with `REFRESH_TOKEN_AUTH`. Cognito returns no new refresh
    /// token here, so the given one is kept. `username` must be the internal username
    /// ([`Tokens::username`]): with a client secret, `SECRET_HASH` is computed over it.
    pub async fn refresh(
        &self,
        refresh: &RefreshToken,
        username: &str,
    ) -> Result<Tokens, CognitoError> {
        if refresh.is_empty() {
            return Err(CognitoError::InvalidInput(
                "there is no refresh token".to_owned(),
            ));
        }
        let hash = self.secret_hash(username);
        let mut parameters = BTreeMap::from([("REFRESH_TOKEN", refresh.expose())]);
        if let Some(hash) = &hash {
            parameters.insert("SECRET_HASH", hash);
        }
        let request = wire::InitiateAuthRequest {
            auth_flow: "REFRESH_TOKEN_AUTH",
            client_id: &self.client_id,
            auth_parameters: parameters,
        };
        let response: AuthResponse = self
            .call(
                Operation::Refresh,
                &request,
                &[refresh.expose(), hash.as_deref().unwrap_or_default()],
            )
            .await?;
        match Self::step(Operation::Refresh, response, username)? {
            AuthStep::SignedIn(mut tokens) => {
                if tokens.refresh.is_none() {
                    tokens.refresh = Some(refresh.clone());
                }
                Ok(tokens)
            }
            AuthStep::Challenge(c) => Err(CognitoError::UnsupportedChallenge { name: c.name }),
        }
    }

    /// Signs the user out everywhere: every token of theirs stops working with Cognito.
    pub async fn global_sign_out(&self, access: &AccessToken) -> Result<(), CognitoError> {
        let request = wire::AccessTokenRequest {
            access_token: access.expose(),
        };
        let _: serde::de::IgnoredAny = self
            .call(Operation::GlobalSignOut, &request, &[access.expose()])
            .await?;
        Ok(())
    }

    /// Revokes a refresh token and the access tokens made from it, where the server
    /// supports it.
    pub async fn revoke_token(&self, refresh: &RefreshToken) -> Result<Revocation, CognitoError> {
        let request = wire::RevokeTokenRequest {
            token: refresh.expose(),
            client_id: &self.client_id,
            client_secret: self.secret.as_ref().map(ClientSecret::expose),
        };
        let mut secrets = vec![refresh.expose()];
        if let Some(secret) = &self.secret {
            secrets.push(secret.expose());
        }
        match self
            .call::<_, serde::de::IgnoredAny>(Operation::RevokeToken, &request, &secrets)
            .await
        {
            Ok(_) => Ok(Revocation::Revoked),
            Err(CognitoError::Service(e)) if e.kind == ErrorKind::Unsupported => {
                Ok(Revocation::NotSupported)
            }
            // A server without the operation answers with its generic error page (moto:
            // HTML 500); Cognito's own failures are JSON.
            Err(CognitoError::UnexpectedResponse { status, .. }) if status >= 400 => {
                Ok(Revocation::NotSupported)
            }
            Err(e) => Err(e),
        }
    }

    /// The user's name and attributes; also proves an access token is accepted.
    pub async fn get_user(&self, access: &AccessToken) -> Result<UserInfo, CognitoError> {
        let request = wire::AccessTokenRequest {
            access_token: access.expose(),
        };
        let response: wire::GetUserResponse = self
            .call(Operation::GetUser, &request, &[access.expose()])
            .await?;
        Ok(UserInfo {
            username: response.username,
            attributes: response
                .user_attributes
                .into_iter()
                .map(|a| (a.name, a.value.unwrap_or_default()))
                .collect(),
        })
    }

    fn step(
        operation: Operation,
        response: AuthResponse,
        username: &str,
    ) -> Result<AuthStep, CognitoError> {
        if let Some(result) = response.authentication_result {
            return Tokens::from_result(operation, result, None, username).map(AuthStep::SignedIn);
        }
        match (response.challenge_name, response.session) {
            (Some(name), Some(session)) if !name.is_empty() => Challenge::parse(
                name,
                session,
                &response.challenge_parameters.unwrap_or_default(),
                username,
            )
            .map(AuthStep::Challenge),
            (Some(name), None) if !name.is_empty() => Err(CognitoError::UnexpectedResponse {
                operation,
                status: 200,
                detail: format!("the challenge {name} came without a Session"),
                request_id: None,
            }),
            _ => Err(CognitoError::UnexpectedResponse {
                operation,
                status: 200,
                detail: "the answer has neither tokens nor a challenge".to_owned(),
                request_id: None,
            }),
        }
    }

    /// One JSON 1.1 call. `secrets` are the sensitive values in the request, removed from
    /// anything the server echoes back into an error.
    async fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        operation: Operation,
        request: &Req,
        secrets: &[&str],
    ) -> Result<Resp, CognitoError> {
        let body = serde_json::to_vec(request)
            .map_err(|e| CognitoError::InvalidInput(format!("request encoding: {e}")))?;
        tracing::debug!(%operation, endpoint = %self.endpoint, "cognito call");
        let response = self
            .http
            .post(self.endpoint.clone())
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header(
                "X-Amz-Target",
                format!("{TARGET_PREFIX}.{}", operation.target()),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| self.transport_error(operation, &e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let request_id = header_text(&headers, "x-amzn-requestid");
        let bytes = read_limited(response).await.map_err(|e| match e {
            BodyError::Transport(e) => self.transport_error(operation, &e),
            BodyError::TooLarge => CognitoError::UnexpectedResponse {
                operation,
                status,
                detail: format!("the answer is larger than {MAX_BODY_BYTES} bytes"),
                request_id: request_id.clone(),
            },
        })?;
        let mut secrets = secrets.to_vec();
        if let Some(secret) = &self.secret {
            secrets.push(secret.expose());
        }
        let unreadable = |what: &str| CognitoError::UnexpectedResponse {
            operation,
            status,
            detail: format!("{what}: {}", snippet(&bytes, &secrets)),
            request_id: request_id.clone(),
        };

        if (200..300).contains(&status) {
            let json: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
                b"{}"
            } else {
                &bytes
            };
            return serde_json::from_slice(json).map_err(|e| {
                tracing::debug!(%operation, error = %e, "unreadable success body");
                unreadable("not Cognito's JSON")
            });
        }

        let parsed: Option<wire::ErrorBody> = serde_json::from_slice(&bytes).ok();
        let code = parsed
            .as_ref()
            .and_then(|b| b.error_type.clone())
            .or_else(|| header_text(&headers, "x-amzn-errortype"))
            .map(|raw| error::sanitize_error_code(&raw).to_owned())
            .filter(|c| !c.is_empty());
        let Some(code) = code else {
            let what = if bytes.is_empty() {
                "an empty body".to_owned()
            } else {
                "not Cognito's JSON".to_owned()
            };
            return Err(unreadable(&what));
        };
        let message = parsed
            .and_then(|b| b.message)
            .or_else(|| header_text(&headers, "x-amzn-errormessage"))
            .unwrap_or_default();
        let message = scrub(&message, &secrets);
        let mut kind = error::classify(operation, &code, &message);
        if kind == ErrorKind::Other && status >= 500 {
            kind = ErrorKind::ServiceFailure;
        }
        Err(CognitoError::Service(ServiceError {
            operation,
            kind,
            code,
            message,
            status,
            request_id,
        }))
    }

    fn transport_error(&self, operation: Operation, error: &reqwest::Error) -> CognitoError {
        let endpoint = self.endpoint.to_string();
        if error.is_timeout() {
            let while_connecting = error.is_connect();
            let limit = if while_connecting {
                self.timeouts.connect
            } else {
                self.timeouts.call
            };
            return CognitoError::Timeout {
                operation,
                endpoint,
                while_connecting,
                seconds: limit.as_secs().max(1),
            };
        }
        if error.is_connect() && io_kind(error) == Some(std::io::ErrorKind::ConnectionRefused) {
            return CognitoError::ConnectionRefused {
                operation,
                endpoint,
            };
        }
        CognitoError::Network {
            operation,
            endpoint,
            detail: error_chain(error),
        }
    }
}

enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn header_text(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .filter(|v| !v.is_empty())
}

/// The start of a body for an error message: one line, scrubbed, at most 160 characters.
fn snippet(bytes: &[u8], secrets: &[&str]) -> String {
    if bytes.is_empty() {
        return "(empty)".to_owned();
    }
    let text = String::from_utf8_lossy(bytes);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let clean = scrub(&flat, secrets);
    let mut cut: String = clean.chars().take(160).collect();
    if clean.chars().count() > 160 {
        cut.push('…');
    }
    cut
}

fn io_kind(error: &reqwest::Error) -> Option<std::io::ErrorKind> {
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = e.source();
    }
    None
}

fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_endpoints_follow_the_aws_pattern() {
        assert_eq!(
            region_endpoint("ap-northeast-1").expect("ok").as_str(),
            "https://cognito-idp.ap-northeast-1.amazonaws.com/"
        );
        assert_eq!(
            region_endpoint("cn-north-1").expect("ok").as_str(),
            "https://cognito-idp.cn-north-1.amazonaws.com.cn/"
        );
        for bad in [
            "",
            "tokyo",
            "ap-northeast",
            "AP-NORTHEAST-1",
            "ap-northeast-1/x",
            "a..b-1",
        ] {
            assert!(region_endpoint(bad).is_err(), "{bad}");
        }
        assert!(is_region_name("us-gov-west-1"));
    }

    #[test]
    fn client_ids_are_word_characters() {
        assert!(is_client_id("4b2q8ojjvq1h7pbm0k7rbf8cr5"));
        assert!(!is_client_id(""));
        assert!(!is_client_id("has space"));
        assert!(!is_client_id(&"a".repeat(129)));
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, serde_json::Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
            .collect()
    }

    #[test]
    fn new_password_challenge_reads_its_json_strings() {
        let p = params(&[
            ("USER_ID_FOR_SRP", "alice-internal"),
            ("requiredAttributes", "[\"userAttributes.name\"]"),
            ("userAttributes", "{\"email\":\"alice@example.com\"}"),
        ]);
        let c = Challenge::parse(
            "NEW_PASSWORD_REQUIRED".to_owned(),
            "s".repeat(20),
            &p,
            "alice@example.com",
        )
        .expect("parse");
        assert_eq!(c.username, "alice-internal");
        assert_eq!(
            c.kind,
            ChallengeKind::NewPasswordRequired {
                required_attributes: vec!["name".to_owned()],
                user_attributes: BTreeMap::from([(
                    "email".to_owned(),
                    "alice@example.com".to_owned()
                )]),
            }
        );
    }

    #[test]
    fn mfa_challenges_are_recognised() {
        let sms = Challenge::parse(
            "SMS_MFA".to_owned(),
            "s".to_owned(),
            &params(&[("CODE_DELIVERY_DESTINATION", "+*******0100")]),
            "bob",
        )
        .expect("parse");
        assert_eq!(
            sms.kind,
            ChallengeKind::SmsMfa {
                destination: Some("+*******0100".to_owned())
            }
        );
        assert_eq!(sms.username, "bob");
        let select = Challenge::parse(
            "SELECT_MFA_TYPE".to_owned(),
            "s".to_owned(),
            &params(&[("MFAS_CAN_CHOOSE", "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]")]),
            "bob",
        )
        .expect("parse");
        assert_eq!(
            select.kind,
            ChallengeKind::SelectMfaType {
                options: vec!["SMS_MFA".to_owned(), "SOFTWARE_TOKEN_MFA".to_owned()]
            }
        );
        for name in ["EMAIL_OTP", "EMAIL_MFA"] {
            let c = Challenge::parse(name.to_owned(), "s".to_owned(), &BTreeMap::new(), "b")
                .expect("parse");
            assert!(matches!(c.kind, ChallengeKind::EmailOtp { .. }));
        }
    }

    #[test]
    fn an_unknown_challenge_is_an_error_that_names_it() {
        let err = Challenge::parse(
            "CUSTOM_CHALLENGE".to_owned(),
            "s".to_owned(),
            &BTreeMap::new(),
            "bob",
        )
        .expect_err("unknown");
        assert!(err.to_string().contains("CUSTOM_CHALLENGE"), "{err}");
    }

    fn jwt(payload: &str) -> String {
        use base64::Engine as _;
        let p = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload);
        format!("eyJhbGciOiJSUzI1NiJ9.{p}.c2ln")
    }

    #[test]
    fn expiry_comes_from_the_exp_claim_not_expires_in() {
        let result = AuthenticationResult {
            access_token: Some(jwt(
                r#"{"exp":2000000000,"iat":1999996400,"username":"u-1"}"#,
            )),
            id_token: Some(jwt(r#"{"exp":2000000100,"cognito:username":"u-1"}"#)),
            refresh_token: None,
            expires_in: Some(5),
        };
        let kept = RefreshToken::new("kept-refresh-token");
        let tokens =
            Tokens::from_result(Operation::Refresh, result, Some(&kept), "typed").expect("ok");
        assert_eq!(tokens.expires_at.as_second(), 2_000_000_000);
        assert_eq!(tokens.lifetime(), Duration::from_hours(1));
        assert_eq!(tokens.username, "u-1");
        assert_eq!(
            tokens.refresh.as_ref().map(RefreshToken::expose),
            Some("kept-refresh-token")
        );
    }

    #[test]
    fn opaque_tokens_fall_back_to_expires_in() {
        let result = AuthenticationResult {
            access_token: Some("opaque-a".to_owned()),
            id_token: Some("opaque-i".to_owned()),
            refresh_token: Some("r".to_owned()),
            expires_in: Some(300),
        };
        let tokens =
            Tokens::from_result(Operation::InitiateAuth, result, None, "alice").expect("ok");
        assert_eq!(tokens.username, "alice");
        assert_eq!(tokens.lifetime(), Duration::from_mins(5));
    }

    #[test]
    fn tokens_without_any_expiry_are_refused() {
        let result = AuthenticationResult {
            access_token: Some("opaque-a".to_owned()),
            id_token: Some("opaque-i".to_owned()),
            refresh_token: None,
            expires_in: None,
        };
        assert!(Tokens::from_result(Operation::InitiateAuth, result, None, "a").is_err());
        let missing = AuthenticationResult {
            access_token: None,
            id_token: Some("i".to_owned()),
            refresh_token: None,
            expires_in: Some(60),
        };
        let err = Tokens::from_result(Operation::InitiateAuth, missing, None, "a")
            .expect_err("no access token");
        assert!(err.to_string().contains("AccessToken"), "{err}");
    }

    #[test]
    fn snippets_are_short_flat_and_scrubbed() {
        let body = b"<html>\n<title>500</title>\n secret-session-value </html>";
        assert_eq!(
            snippet(body, &["secret-session-value"]),
            "<html> <title>500</title> *** </html>"
        );
        assert_eq!(snippet(b"", &[]), "(empty)");
        assert!(snippet(&[b'x'; 400], &[]).ends_with('…'));
    }
}

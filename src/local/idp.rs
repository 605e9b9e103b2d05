//! A Cognito user pool on loopback: the JSON 1.1 operations the client uses, with
//! Cognito's error `__type`s, messages and HTTP 400.
//!
//! Users and app clients come from a TOML file (or the demo defaults). Refresh tokens
//! are self-contained (HMAC-signed), so they survive a restart; revocations are kept in
//! the data folder. Changed passwords live in memory only.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use super::Clock;
use super::authorizer::{self, Accept, Rejection, TokenRules};
use super::tokens::{TokenMint, TokenUse, write_private};
use crate::cognito::wire::secret_hash;
use crate::totp;

pub const DEMO_USERNAME: &str = "demo";
/// A loopback demo's password: printed at start and shown on the app's sign-in screen.
pub const DEMO_PASSWORD: &str = "Receipts-r6!";
pub const DEMO_CLIENT_ID: &str = "receiptdeskdemo00000000001";
pub const DEFAULT_POOL_ID: &str = "ap-northeast-1_LocalDesk";

/// Consecutive failed sign-ins before a lockout, as Cognito does.
const FAILURES_BEFORE_LOCKOUT: u32 = 5;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PoolConfig {
    pub pool_id: String,
    pub password_policy: PasswordPolicy,
    /// Other attributes users may sign in with (`email`); the internal username stays.
    pub sign_in_aliases: Vec<String>,
    /// Attributes a new-password challenge must collect when the user lacks them.
    pub required_attributes: Vec<String>,
    pub clients: Vec<ClientConfig>,
    pub users: Vec<UserConfig>,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            pool_id: DEFAULT_POOL_ID.to_owned(),
            password_policy: PasswordPolicy::default(),
            sign_in_aliases: vec!["email".to_owned()],
            required_attributes: Vec::new(),
            clients: vec![ClientConfig::default()],
            users: vec![UserConfig {
                username: DEMO_USERNAME.to_owned(),
                password: DEMO_PASSWORD.to_owned(),
                email: Some("demo@example.com".to_owned()),
                ..UserConfig::default()
            }],
        }
    }
}

impl PoolConfig {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let config: Self = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if config.clients.is_empty() {
            return Err(format!(
                "{}: at least one [[clients]] is needed",
                path.display()
            ));
        }
        Ok(config)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "Cognito's password policy has these four switches"
)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
        }
    }
}

impl PasswordPolicy {
    /// Cognito's wording for the first rule a password breaks.
    pub fn check(&self, password: &str) -> Result<(), &'static str> {
        if password.chars().count() < self.min_length {
            Err("Password does not conform to policy: Password not long enough")
        } else if self.require_uppercase && !password.chars().any(char::is_uppercase) {
            Err("Password does not conform to policy: Password must have uppercase characters")
        } else if self.require_lowercase && !password.chars().any(char::is_lowercase) {
            Err("Password does not conform to policy: Password must have lowercase characters")
        } else if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            Err("Password does not conform to policy: Password must have numeric characters")
        } else if self.require_symbols
            && !password
                .chars()
                .any(|c| c.is_ascii_punctuation() || c == ' ')
        {
            Err("Password does not conform to policy: Password must have symbol characters")
        } else {
            Ok(())
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientConfig {
    pub id: String,
    pub secret: Option<String>,
    pub access_token_seconds: i64,
    pub id_token_seconds: i64,
    pub refresh_token_seconds: i64,
    /// How long a challenge session lasts (Cognito: 3 to 15 minutes).
    pub auth_session_seconds: i64,
    pub explicit_auth_flows: Vec<String>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            id: DEMO_CLIENT_ID.to_owned(),
            secret: None,
            access_token_seconds: 3600,
            id_token_seconds: 3600,
            refresh_token_seconds: 30 * 24 * 3600,
            auth_session_seconds: 180,
            explicit_auth_flows: vec![
                "ALLOW_USER_PASSWORD_AUTH".to_owned(),
                "ALLOW_REFRESH_TOKEN_AUTH".to_owned(),
            ],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    #[default]
    Confirmed,
    ForceChangePassword,
    Unconfirmed,
    ResetRequired,
    Disabled,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UserConfig {
    pub username: String,
    /// The password (the temporary one for `force_change_password`).
    pub password: String,
    pub email: Option<String>,
    pub status: UserStatus,
    /// A base32 TOTP secret: with it, sign-in asks for `SOFTWARE_TOKEN_MFA`.
    pub totp_secret: Option<String>,
    pub attributes: BTreeMap<String, String>,
}

struct User {
    config: UserConfig,
    sub: String,
    failures: u32,
    locked_until: i64,
}

struct Session {
    username: String,
    client_id: String,
    challenge: &'static str,
    expires_at: i64,
}

#[derive(Default, serde::Serialize, Deserialize)]
struct Revocations {
    /// `origin_jti`s of revoked refresh tokens (and the tokens made from them).
    origins: HashSet<String>,
    /// Per user: tokens with `auth_time` up to this moment were signed out.
    signed_out: HashMap<String, i64>,
}

struct State {
    users: BTreeMap<String, User>,
    sessions: HashMap<String, Session>,
    revocations: Revocations,
}

/// A refused call: Cognito's `__type` and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpError {
    pub error_type: &'static str,
    pub message: String,
}

fn refuse(error_type: &'static str, message: impl Into<String>) -> IdpError {
    IdpError {
        error_type,
        message: message.into(),
    }
}

fn not_authorized(message: impl Into<String>) -> IdpError {
    refuse("NotAuthorizedException", message)
}

pub struct Idp {
    pub pool_id: String,
    pub issuer: String,
    policy: PasswordPolicy,
    aliases: Vec<String>,
    required_attributes: Vec<String>,
    clients: HashMap<String, ClientConfig>,
    mint: TokenMint,
    refresh_key: Vec<u8>,
    revocations_path: PathBuf,
    clock: Clock,
    state: Mutex<State>,
}

impl Idp {
    pub fn new(
        config: PoolConfig,
        base_url: &str,
        data_dir: &Path,
        clock: Clock,
    ) -> std::io::Result<Self> {
        let keys = data_dir.join("keys");
        let mint = TokenMint::load_or_create(&keys)?;
        let refresh_key = super::tokens::load_or_create_secret(&keys.join("refresh.key"))?;
        let revocations_path = data_dir.join("revocations.json");
        let revocations = std::fs::read(&revocations_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let users = config
            .users
            .into_iter()
            .map(|u| {
                let sub = stable_sub(&config.pool_id, &u.username);
                (
                    u.username.clone(),
                    User {
                        config: u,
                        sub,
                        failures: 0,
                        locked_until: 0,
                    },
                )
            })
            .collect();
        Ok(Self {
            issuer: format!("{}/{}", base_url.trim_end_matches('/'), config.pool_id),
            pool_id: config.pool_id,
            policy: config.password_policy,
            aliases: config.sign_in_aliases,
            required_attributes: config.required_attributes,
            clients: config
                .clients
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect(),
            mint,
            refresh_key,
            revocations_path,
            clock,
            state: Mutex::new(State {
                users,
                sessions: HashMap::new(),
                revocations,
            }),
        })
    }

    pub fn jwks(&self) -> Value {
        self.mint.jwks()
    }

    /// The rules that accept this pool's own tokens.
    pub fn own_rules(&self) -> TokenRules {
        TokenRules {
            issuer: self.issuer.clone(),
            jwks: authorizer::Jwks::from_json(&self.mint.jwks())
                .unwrap_or_else(|_| unreachable!("our own JWKS has RSA keys")),
            client_ids: self.clients.keys().cloned().collect(),
        }
    }

    pub fn client_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.clients.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// Runs one operation by its `X-Amz-Target` name.
    pub fn call(&self, operation: &str, body: &Value) -> Result<Value, IdpError> {
        match operation {
            "InitiateAuth" => self.initiate_auth(body),
            "RespondToAuthChallenge" => self.respond_to_auth_challenge(body),
            "GlobalSignOut" => self.global_sign_out(body),
            "RevokeToken" => self.revoke_token(body),
            "GetUser" => self.get_user(body),
            _ => Err(refuse(
                "UnknownOperationException",
                format!("The operation {operation} is not supported by the local stack"),
            )),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn client(&self, body: &Value) -> Result<&ClientConfig, IdpError> {
        let id = text(body, "ClientId")?;
        self.clients.get(id).ok_or_else(|| {
            refuse(
                "ResourceNotFoundException",
                format!("User pool client {id} does not exist."),
            )
        })
    }

    fn check_secret_hash(
        client: &ClientConfig,
        hashed_username: &str,
        sent: Option<&str>,
        mismatch: &str,
    ) -> Result<(), IdpError> {
        let Some(secret) = &client.secret else {
            return Ok(());
        };
        let Some(sent) = sent else {
            return Err(not_authorized(format!(
                "Client {} is configured for secret but secret was not received",
                client.id
            )));
        };
        if secret_hash(secret, hashed_username, &client.id) == sent {
            Ok(())
        } else {
            Err(not_authorized(mismatch.to_owned()))
        }
    }

    /// The internal username for what was typed: the username, or an alias's owner.
    fn resolve(&self, state: &State, typed: &str) -> Option<String> {
        if state.users.contains_key(typed) {
            return Some(typed.to_owned());
        }
        state
            .users
            .iter()
            .find(|(_, u)| {
                self.aliases.iter().any(|alias| match alias.as_str() {
                    "email" => u.config.email.as_deref() == Some(typed),
                    other => u.config.attributes.get(other).map(String::as_str) == Some(typed),
                })
            })
            .map(|(name, _)| name.clone())
    }

    fn initiate_auth(&self, body: &Value) -> Result<Value, IdpError> {
        let client = self.client(body)?;
        let flow = text(body, "AuthFlow")?;
        let parameters = &body["AuthParameters"];
        let allowed = |f: &str| client.explicit_auth_flows.iter().any(|a| a == f);
        match flow {
            "USER_PASSWORD_AUTH" => {
                if !allowed("ALLOW_USER_PASSWORD_AUTH") {
                    return Err(refuse(
                        "InvalidParameterException",
                        "USER_PASSWORD_AUTH flow not enabled for this client",
                    ));
                }
                self.password_auth(client, parameters)
            }
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
                if !allowed("ALLOW_REFRESH_TOKEN_AUTH") {
                    return Err(refuse(
                        "InvalidParameterException",
                        "REFRESH_TOKEN_AUTH flow not enabled for this client",
                    ));
                }
                self.refresh_auth(client, parameters)
            }
            other => Err(refuse(
                "InvalidParameterException",
                format!("The auth flow {other} is not supported by the local stack"),
            )),
        }
    }

    fn password_auth(&self, client: &ClientConfig, parameters: &Value) -> Result<Value, IdpError> {
        let typed = text(parameters, "USERNAME")?;
        let password = text(parameters, "PASSWORD")?;
        let now = self.clock.now();
        let mut state = self.lock();
        let username = self
            .resolve(&state, typed)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
        // Cognito hashes the identifier as typed at sign-in.
        Self::check_secret_hash(
            client,
            typed,
            parameters["SECRET_HASH"].as_str(),
            &format!("Unable to verify secret hash for client {}", client.id),
        )?;
        let user = state
            .users
            .get_mut(&username)
            .unwrap_or_else(|| unreachable!("resolved above"));
        match user.config.status {
            UserStatus::Disabled => return Err(not_authorized("User is disabled.")),
            UserStatus::Unconfirmed => {
                return Err(refuse(
                    "UserNotConfirmedException",
                    "User is not confirmed.",
                ));
            }
            _ => {}
        }
        if now < user.locked_until {
            return Err(not_authorized("Password attempts exceeded"));
        }
        if !constant_time_eq(user.config.password.as_bytes(), password.as_bytes()) {
            user.failures += 1;
            if user.failures >= FAILURES_BEFORE_LOCKOUT {
                // 1 s, then doubling, up to 15 minutes.
                let exponent = (user.failures - FAILURES_BEFORE_LOCKOUT).min(10);
                user.locked_until = now + (1_i64 << exponent).min(900);
                return Err(not_authorized("Password attempts exceeded"));
            }
            return Err(not_authorized("Incorrect username or password."));
        }
        user.failures = 0;
        if user.config.status == UserStatus::ResetRequired {
            return Err(refuse(
                "PasswordResetRequiredException",
                "Password reset required for the user",
            ));
        }
        if user.config.status == UserStatus::ForceChangePassword {
            let mut attributes = user.config.attributes.clone();
            if let Some(email) = &user.config.email {
                attributes.insert("email".to_owned(), email.clone());
            }
            let missing: Vec<String> = self
                .required_attributes
                .iter()
                .filter(|a| !attributes.contains_key(*a))
                .map(|a| format!("userAttributes.{a}"))
                .collect();
            let session =
                Self::open_session(&mut state, &username, client, "NEW_PASSWORD_REQUIRED", now);
            return Ok(json!({
                "ChallengeName": "NEW_PASSWORD_REQUIRED",
                "Session": session,
                "ChallengeParameters": {
                    "USER_ID_FOR_SRP": username,
                    "requiredAttributes": serde_json::to_string(&missing).unwrap_or_default(),
                    "userAttributes": serde_json::to_string(&attributes).unwrap_or_default(),
                },
            }));
        }
        self.after_password(&mut state, &username, client, now)
    }

    /// Either the MFA challenge or the tokens.
    fn after_password(
        &self,
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        now: i64,
    ) -> Result<Value, IdpError> {
        let has_totp = state
            .users
            .get(username)
            .is_some_and(|u| u.config.totp_secret.is_some());
        if has_totp {
            let session = Self::open_session(state, username, client, "SOFTWARE_TOKEN_MFA", now);
            return Ok(json!({
                "ChallengeName": "SOFTWARE_TOKEN_MFA",
                "Session": session,
                "ChallengeParameters": {"USER_ID_FOR_SRP": username, "FRIENDLY_DEVICE_NAME": "Authenticator"},
            }));
        }
        self.signed_in(state, username, client, now)
    }

    /// A completed sign-in: new access, ID and refresh tokens from a new origin.
    fn signed_in(
        &self,
        state: &State,
        username: &str,
        client: &ClientConfig,
        now: i64,
    ) -> Result<Value, IdpError> {
        let origin = random_id();
        let mut result = self.issue(state, username, client, now, &origin, now)?;
        result["RefreshToken"] =
            Value::String(self.refresh_token(username, client, now, &origin, now));
        Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
    }

    fn open_session(
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        challenge: &'static str,
        now: i64,
    ) -> String {
        state.sessions.retain(|_, s| s.expires_at > now);
        let id = URL_SAFE_NO_PAD.encode(random_bytes(48));
        state.sessions.insert(
            id.clone(),
            Session {
                username: username.to_owned(),
                client_id: client.id.clone(),
                challenge,
                expires_at: now + client.auth_session_seconds,
            },
        );
        id
    }

    /// Access and ID tokens (no refresh token).
    fn issue(
        &self,
        state: &State,
        username: &str,
        client: &ClientConfig,
        auth_time: i64,
        origin: &str,
        now: i64,
    ) -> Result<Value, IdpError> {
        let user = state
            .users
            .get(username)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
        let event_id = random_id();
        let access_claims = json!({
            "sub": user.sub, "iss": self.issuer, "client_id": client.id,
            "origin_jti": origin, "event_id": event_id, "token_use": "access",
            "scope": "aws.cognito.signin.user.admin", "auth_time": auth_time,
            "iat": now, "exp": now + client.access_token_seconds, "jti": random_id(),
            "username": username,
        });
        let mut id_claims = json!({
            "sub": user.sub, "iss": self.issuer, "aud": client.id,
            "origin_jti": origin, "event_id": event_id, "token_use": "id",
            "auth_time": auth_time, "iat": now, "exp": now + client.id_token_seconds,
            "jti": random_id(), "cognito:username": username,
        });
        if let Some(email) = &user.config.email {
            id_claims["email"] = json!(email);
            id_claims["email_verified"] = json!(true);
        }
        for (name, value) in &user.config.attributes {
            id_claims[name] = json!(value);
        }
        let internal = |e: std::io::Error| refuse("InternalErrorException", e.to_string());
        Ok(json!({
            "AccessToken": self.mint.sign(TokenUse::Access, &access_claims).map_err(internal)?,
            "IdToken": self.mint.sign(TokenUse::Id, &id_claims).map_err(internal)?,
            "ExpiresIn": client.access_token_seconds,
            "TokenType": "Bearer",
        }))
    }

    fn refresh_token(
        &self,
        username: &str,
        client: &ClientConfig,
        auth_time: i64,
        origin: &str,
        now: i64,
    ) -> String {
        let payload = URL_SAFE_NO_PAD.encode(
            json!({"u": username, "c": client.id, "o": origin, "a": auth_time,
                   "e": now + client.refresh_token_seconds})
            .to_string(),
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.refresh_key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(payload.as_bytes());
        format!(
            "{payload}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    /// The refresh token's (username, client, origin, auth time, expiry), if it is ours.
    fn open_refresh_token(&self, token: &str) -> Option<(String, String, String, i64, i64)> {
        let (payload, tag) = token.split_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.refresh_key).ok()?;
        mac.update(payload.as_bytes());
        mac.verify_slice(&tag).ok()?;
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        Some((
            claims["u"].as_str()?.to_owned(),
            claims["c"].as_str()?.to_owned(),
            claims["o"].as_str()?.to_owned(),
            claims["a"].as_i64()?,
            claims["e"].as_i64()?,
        ))
    }

    fn refresh_auth(&self, client: &ClientConfig, parameters: &Value) -> Result<Value, IdpError> {
        let token = text(parameters, "REFRESH_TOKEN")?;
        let now = self.clock.now();
        let invalid = || not_authorized("Invalid Refresh Token.");
        let (username, client_id, origin, auth_time, expires_at) =
            self.open_refresh_token(token).ok_or_else(invalid)?;
        if client_id != client.id {
            return Err(invalid());
        }
        let state = self.lock();
        if is_revoked(&state.revocations, &username, &origin, auth_time) {
            return Err(not_authorized("Refresh Token has been revoked"));
        }
        if now >= expires_at {
            return Err(not_authorized("Refresh Token has expired"));
        }
        // Cognito hashes the internal username on refresh, not the alias typed at sign-in.
        Self::check_secret_hash(
            client,
            &username,
            parameters["SECRET_HASH"].as_str(),
            &format!("SecretHash does not match for the client: {}", client.id),
        )?;
        match state.users.get(&username).map(|u| u.config.status) {
            Some(UserStatus::Disabled) => return Err(not_authorized("User is disabled.")),
            None => return Err(refuse("UserNotFoundException", "User does not exist.")),
            _ => {}
        }
        let tokens = self.issue(&state, &username, client, auth_time, &origin, now)?;
        Ok(json!({"AuthenticationResult": tokens, "ChallengeParameters": {}}))
    }

    fn respond_to_auth_challenge(&self, body: &Value) -> Result<Value, IdpError> {
        let client = self.client(body)?;
        let name = text(body, "ChallengeName")?;
        let session_id = text(body, "Session")?;
        let responses = &body["ChallengeResponses"];
        let now = self.clock.now();
        let mut state = self.lock();
        let invalid = || not_authorized("Invalid session for the user.");
        let session = state.sessions.get(session_id).ok_or_else(invalid)?;
        if session.expires_at <= now {
            state.sessions.remove(session_id);
            return Err(not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
        if session.client_id != client.id {
            return Err(invalid());
        }
        if session.challenge != name {
            return Err(refuse(
                "InvalidParameterException",
                format!(
                    "The challenge {name} does not match the session's {}",
                    session.challenge
                ),
            ));
        }
        let username = session.username.clone();
        let answered_as = text(responses, "USERNAME")?;
        if self.resolve(&state, answered_as).as_deref() != Some(username.as_str()) {
            return Err(invalid());
        }
        Self::check_secret_hash(
            client,
            answered_as,
            responses["SECRET_HASH"].as_str(),
            &format!("Unable to verify secret hash for client {}", client.id),
        )?;
        match name {
            "NEW_PASSWORD_REQUIRED" => {
                let password = text(responses, "NEW_PASSWORD")?;
                self.policy
                    .check(password)
                    .map_err(|m| refuse("InvalidPasswordException", m))?;
                let user = state
                    .users
                    .get_mut(&username)
                    .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
                for required in &self.required_attributes {
                    let key = format!("userAttributes.{required}");
                    let given = responses[key.as_str()]
                        .as_str()
                        .filter(|v| !v.trim().is_empty());
                    let present = user.config.attributes.contains_key(required)
                        || (required == "email" && user.config.email.is_some());
                    match given {
                        Some(value) => {
                            user.config
                                .attributes
                                .insert(required.clone(), value.to_owned());
                        }
                        None if present => {}
                        None => {
                            return Err(refuse(
                                "InvalidParameterException",
                                format!(
                                    "Invalid user attributes: {required}: The attribute is required"
                                ),
                            ));
                        }
                    }
                }
                password.clone_into(&mut user.config.password);
                user.config.status = UserStatus::Confirmed;
                state.sessions.remove(session_id);
                self.after_password(&mut state, &username, client, now)
            }
            "SOFTWARE_TOKEN_MFA" => {
                let code = text(responses, "SOFTWARE_TOKEN_MFA_CODE")?;
                let secret = state
                    .users
                    .get(&username)
                    .and_then(|u| u.config.totp_secret.as_deref())
                    .and_then(totp::base32_decode)
                    .ok_or_else(invalid)?;
                // The current step and one either side, for clock skew.
                let matches = [-1_i64, 0, 1].iter().any(|step| {
                    let at = (now + step * totp::STEP_SECONDS.cast_signed()).max(0) as u64;
                    constant_time_eq(totp::code(&secret, at, 6).as_bytes(), code.as_bytes())
                });
                if !matches {
                    return Err(refuse(
                        "CodeMismatchException",
                        "Invalid code received for user",
                    ));
                }
                state.sessions.remove(session_id);
                self.signed_in(&state, &username, client, now)
            }
            other => Err(refuse(
                "InvalidParameterException",
                format!("The challenge {other} is not supported by the local stack"),
            )),
        }
    }

    /// Checks an access token for the user APIs: signature, expiry and revocation.
    fn access_user(&self, state: &State, body: &Value) -> Result<String, IdpError> {
        let token = text(body, "AccessToken")?;
        let verified = authorizer::verify(
            token,
            &self.own_rules(),
            Accept::Access,
            self.clock.now(),
            authorizer::LEEWAY_SECONDS,
        )
        .map_err(|r| match r {
            Rejection::Expired => not_authorized("Access Token has expired"),
            _ => not_authorized("Invalid Access Token"),
        })?;
        let username = verified.username().to_owned();
        if is_revoked(
            &state.revocations,
            &username,
            verified.text("origin_jti"),
            verified.int("auth_time"),
        ) {
            return Err(not_authorized("Access Token has been revoked"));
        }
        Ok(username)
    }

    fn global_sign_out(&self, body: &Value) -> Result<Value, IdpError> {
        let mut state = self.lock();
        let username = self.access_user(&state, body)?;
        state
            .revocations
            .signed_out
            .insert(username, self.clock.now());
        self.save_revocations(&state);
        Ok(json!({}))
    }

    fn revoke_token(&self, body: &Value) -> Result<Value, IdpError> {
        let client = self.client(body)?;
        if let Some(secret) = &client.secret
            && body["ClientSecret"].as_str() != Some(secret.as_str())
        {
            return Err(not_authorized(format!(
                "Client secret is invalid for client {}",
                client.id
            )));
        }
        let token = text(body, "Token")?;
        let Some((_, client_id, origin, _, _)) = self.open_refresh_token(token) else {
            return Err(refuse(
                "UnsupportedTokenTypeException",
                "The token is not a refresh token.",
            ));
        };
        if client_id != client.id {
            return Err(not_authorized("Invalid Refresh Token."));
        }
        let mut state = self.lock();
        state.revocations.origins.insert(origin);
        self.save_revocations(&state);
        Ok(json!({}))
    }

    fn get_user(&self, body: &Value) -> Result<Value, IdpError> {
        let state = self.lock();
        let username = self.access_user(&state, body)?;
        let user = state
            .users
            .get(&username)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
        let mut attributes = vec![json!({"Name": "sub", "Value": user.sub})];
        if let Some(email) = &user.config.email {
            attributes.push(json!({"Name": "email", "Value": email}));
        }
        for (name, value) in &user.config.attributes {
            attributes.push(json!({"Name": name, "Value": value}));
        }
        Ok(json!({"Username": username, "UserAttributes": attributes}))
    }

    fn save_revocations(&self, state: &State) {
        match serde_json::to_vec(&state.revocations) {
            Ok(bytes) => {
                if let Err(e) = write_private(&self.revocations_path, &bytes) {
                    tracing::warn!(error = %e, "could not keep the revocations");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not encode the revocations"),
        }
    }
}

fn is_revoked(revocations: &Revocations, username: &str, origin: &str, auth_time: i64) -> bool {
    revocations.origins.contains(origin)
        || revocations
            .signed_out
            .get(username)
            .is_some_and(|at| auth_time <= *at)
}

/// A required string member, or Cognito's complaint about it.
fn text<'a>(body: &'a Value, name: &str) -> Result<&'a str, IdpError> {
    body[name]
        .as_str()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            refuse(
                "InvalidParameterException",
                format!("Missing required parameter {name}"),
            )
        })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0; n];
    aws_lc_rs::rand::fill(&mut bytes).unwrap_or_else(|_| unreachable!("the system RNG works"));
    bytes
}

/// A random UUID-shaped id (version 4 layout).
fn random_id() -> String {
    let mut b = random_bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    format!(
        "{}-{}-{}-{}-{}",
        hex(&b[0..4]),
        hex(&b[4..6]),
        hex(&b[6..8]),
        hex(&b[8..10]),
        hex(&b[10..16])
    )
}

/// The same `sub` for the same user across restarts.
fn stable_sub(pool: &str, username: &str) -> String {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        format!("{pool}/{username}").as_bytes(),
    );
    let b = digest.as_ref();
    format!(
        "{}-{}-4{}-a{}-{}",
        hex(&b[0..4]),
        hex(&b[4..6]),
        &hex(&b[6..8])[1..],
        &hex(&b[8..10])[1..],
        hex(&b[10..16])
    )
}

pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_policy_names_the_first_broken_rule() {
        let policy = PasswordPolicy::default();
        assert!(policy.check("Receipts-r6!").is_ok());
        assert!(
            policy
                .check("Sh0rt!")
                .expect_err("short")
                .contains("long enough")
        );
        assert!(
            policy
                .check("receipts-r6!")
                .expect_err("upper")
                .contains("uppercase")
        );
        assert!(
            policy
                .check("RECEIPTS-R6!")
                .expect_err("lower")
                .contains("lowercase")
        );
        assert!(
            policy
                .check("Receipts-rx!")
                .expect_err("digit")
                .contains("numeric")
        );
        assert!(
            policy
                .check("Receipts6r6")
                .expect_err("symbol")
                .contains("symbol")
        );
    }

    #[test]
    fn the_demo_password_meets_the_default_policy() {
        assert!(PasswordPolicy::default().check(DEMO_PASSWORD).is_ok());
    }

    #[test]
    fn subs_are_stable_and_uuid_shaped() {
        let sub = stable_sub("pool", "alice");
        assert_eq!(sub, stable_sub("pool", "alice"));
        assert_ne!(sub, stable_sub("pool", "bob"));
        assert_eq!(sub.len(), 36);
        assert_eq!(random_id().len(), 36);
    }

    #[test]
    fn pool_files_reject_unknown_fields() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("pool.toml");
        std::fs::write(&path, "[[clients]]\nid = \"c1\"\nsecrt = \"typo\"\n").expect("write");
        assert!(PoolConfig::load(&path).expect_err("typo").contains("secrt"));
        std::fs::write(
            &path,
            "pool_id = \"p\"\n[[clients]]\nid = \"c1\"\naccess_token_seconds = 5\n\
             [[users]]\nusername = \"u\"\npassword = \"Pw-12345\"\nstatus = \"force_change_password\"\n",
        )
        .expect("write");
        let config = PoolConfig::load(&path).expect("valid");
        assert_eq!(config.clients[0].access_token_seconds, 5);
        assert_eq!(config.users[0].status, UserStatus::ForceChangePassword);
    }
}

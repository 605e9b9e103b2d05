//! A Cognito user pool on loopback: the JSON 1.1 operations the client uses, with
//! Cognito's error `__type`s, messages and HTTP 400.
//!
//! Users and app clients come from a TOML file (or the demo defaults). Refresh tokens
//! are self-contained (HMAC-signed), so they survive a restart; revocations are kept in
//! the data folder. Changed passwords live in memory only. This file holds the pool's
//! state and sends each operation to its module.

mod challenges;
mod config;
mod devices;
mod error;
mod issue;
mod lockout;
mod mfa;
mod oauth;
mod password_policy;
mod refresh;
mod reset;
mod secret_hash;
mod sign_in;
mod sign_out;
mod users;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

pub use self::config::{
    ClientConfig, DEFAULT_POOL_ID, DEMO_CLIENT_ID, DEMO_PASSWORD, DEMO_USERNAME, DeviceTracking,
    Mfa, PoolConfig, UserConfig, UserStatus,
};
pub use self::error::IdpError;
use self::error::{refuse, text};
pub use self::oauth::{LoginStep, OAuthRefusal};
pub use self::password_policy::PasswordPolicy;
pub use self::reset::{Mail, Mailbox};
use self::users::User;
use super::Clock;
use super::authorizer::{self, TokenRules};
use super::tokens::TokenMint;

struct State {
    users: BTreeMap<String, User>,
    sessions: HashMap<String, challenges::Session>,
    resets: HashMap<String, reset::PendingReset>,
    devices: HashMap<String, devices::DeviceRecord>,
    logins: HashMap<String, oauth::PendingLogin>,
    codes: HashMap<String, oauth::IssuedCode>,
    revocations: sign_out::Revocations,
}

pub struct Idp {
    pub pool_id: String,
    pub issuer: String,
    policy: PasswordPolicy,
    aliases: Vec<String>,
    required_attributes: Vec<String>,
    mfa: Mfa,
    clients: HashMap<String, ClientConfig>,
    mint: TokenMint,
    refresh_key: Vec<u8>,
    revocations_path: PathBuf,
    clock: Clock,
    /// The codes the pool would have e-mailed.
    pub mailbox: std::sync::Arc<Mailbox>,
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
            .map(|u| (u.username.clone(), User::new(&config.pool_id, u)))
            .collect();
        Ok(Self {
            issuer: format!("{}/{}", base_url.trim_end_matches('/'), config.pool_id),
            pool_id: config.pool_id,
            policy: config.password_policy,
            aliases: config.sign_in_aliases,
            required_attributes: config.required_attributes,
            mfa: config.mfa,
            clients: config
                .clients
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect(),
            mint,
            refresh_key,
            revocations_path,
            clock,
            mailbox: std::sync::Arc::new(Mailbox::new(data_dir.join("mail"))),
            state: Mutex::new(State {
                users,
                sessions: HashMap::new(),
                resets: HashMap::new(),
                devices: HashMap::new(),
                logins: HashMap::new(),
                codes: HashMap::new(),
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
            "AssociateSoftwareToken" => self.associate_software_token(body),
            "VerifySoftwareToken" => self.verify_software_token(body),
            "SetUserMFAPreference" => self.set_user_mfa_preference(body),
            "ForgotPassword" => self.forgot_password(body),
            "ConfirmForgotPassword" => self.confirm_forgot_password(body),
            "ChangePassword" => self.change_password(body),
            "ConfirmDevice" => self.confirm_device(body),
            "UpdateDeviceStatus" => self.update_device_status(body),
            "ForgetDevice" => self.forget_device(body),
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
}

/// Compares passwords and codes without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

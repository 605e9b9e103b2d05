//! The pool's settings, from a TOML file or the demo defaults: its app clients, its users
//! (with their status and TOTP secret), sign-in aliases and required attributes.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::password_policy::PasswordPolicy;

pub const DEMO_USERNAME: &str = "demo";
/// A loopback demo's password: printed at start and shown on the app's sign-in screen.
pub const DEMO_PASSWORD: &str = "Receipts-r6!";
pub const DEMO_CLIENT_ID: &str = "receiptdeskdemo00000000001";
pub const DEFAULT_POOL_ID: &str = "ap-northeast-1_LocalDesk";

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
    /// `required`: a user without an authenticator app sets one up at sign-in
    /// (`MFA_SETUP`), as in a pool whose MFA is "required".
    pub mfa: Mfa,
}

/// The pool's MFA setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mfa {
    /// Users who enrolled an app are asked for its code; nobody else.
    #[default]
    Optional,
    /// Everyone: users without an app enrol one at sign-in.
    Required,
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
            mfa: Mfa::Optional,
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
pub struct ClientConfig {
    pub id: String,
    pub secret: Option<String>,
    pub access_token_seconds: i64,
    pub id_token_seconds: i64,
    pub refresh_token_seconds: i64,
    /// How long a challenge session lasts (Cognito: 3 to 15 minutes).
    pub auth_session_seconds: i64,
    pub explicit_auth_flows: Vec<String>,
    /// As new AWS app clients: an unknown user is refused as a wrong password is, and
    /// a reset for one seems to be sent. `false` answers `UserNotFoundException`.
    pub prevent_user_existence_errors: bool,
    /// Device tracking, as a pool's "remember user devices": `off`, `always`, or
    /// `user_opt_in` (remembered only after `UpdateDeviceStatus`).
    pub device_tracking: DeviceTracking,
    /// Managed login's "Allowed callback URLs": matched exactly, port included.
    pub callback_urls: Vec<String>,
    /// Managed login's "Allowed sign-out URLs" (`/logout?logout_uri=`).
    pub logout_urls: Vec<String>,
}

/// The loopback callback and sign-out URLs the app registers for browser sign-in.
fn loopback_urls(path: &str) -> Vec<String> {
    crate::cognito::oauth::DEFAULT_PORTS
        .iter()
        .map(|port| format!("http://127.0.0.1:{port}/{path}"))
        .collect()
}

/// Whether sign-ins name devices, and when a confirmed one is remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceTracking {
    #[default]
    Off,
    Always,
    UserOptIn,
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
                "ALLOW_USER_SRP_AUTH".to_owned(),
                "ALLOW_USER_PASSWORD_AUTH".to_owned(),
                "ALLOW_REFRESH_TOKEN_AUTH".to_owned(),
            ],
            prevent_user_existence_errors: true,
            device_tracking: DeviceTracking::Off,
            callback_urls: loopback_urls("callback"),
            logout_urls: loopback_urls("signed-out"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_password_meets_the_default_policy() {
        assert!(PasswordPolicy::default().check(DEMO_PASSWORD).is_ok());
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

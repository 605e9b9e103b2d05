//! A profile from the config, checked, with a Cognito client for its user pool and the
//! app client secret (from the environment for scripts, else the keyring).

use crate::cli::{CliError, Context};
use crate::cognito::{CognitoClient, Timeouts};
use crate::config::{Config, Profile};
use crate::credentials::ClientSecret;
use crate::secrets;

/// The environment variable that holds an app client secret, for clients that have one.
pub const CLIENT_SECRET_ENV: &str = "RECEIPT_DESK_CLIENT_SECRET";

/// A profile, checked, with a client for its user pool.
pub(super) struct OpenedProfile {
    pub(super) config: Config,
    pub(super) name: String,
    pub(super) profile: Profile,
    pub(super) client: CognitoClient,
}

impl OpenedProfile {
    /// Whose keyring entries are this profile's: its name and app client.
    pub(super) fn owner(&self) -> secrets::Owner {
        secrets::Owner::new(&self.name, self.client.client_id())
    }
}

pub(super) async fn open_profile(context: &Context) -> Result<OpenedProfile, CliError> {
    let lang = context.lang;
    let config = context.load_config()?;
    let (name, profile) = config
        .profile(context.profile.as_deref())
        .map_err(|e| CliError::from_config(&e, lang))?;
    let (name, profile) = (name, profile.clone());
    profile
        .validate(&name)
        .map_err(|e| CliError::from_config(&e, lang))?;
    let endpoint = profile
        .cognito_endpoint(&name)
        .map_err(|e| CliError::from_config(&e, lang))?;
    // The client secret: the environment for scripts, else the keyring.
    let secret = match std::env::var(CLIENT_SECRET_ENV)
        .ok()
        .filter(|s| !s.is_empty())
    {
        Some(secret) => Some(ClientSecret::new(secret)),
        None => crate::secrets::Secrets::Keyring
            .get_account(&secrets::Owner::new(&name, &profile.client_id).client_secret())
            .await
            .ok()
            .flatten()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(ClientSecret::new),
    };
    let client = CognitoClient::new(endpoint, &profile.client_id, secret, Timeouts::default())
        .map_err(|e| CliError::from_cognito(&e, lang))?;
    Ok(OpenedProfile {
        config,
        name,
        profile,
        client,
    })
}

//! A sign-in as both front ends keep it: remembered in the secret store (the refresh
//! token and Cognito's internal username, never in a file), restored with a refresh
//! (one the server refused is forgotten), and forgotten at sign-out.

use crate::cognito::{CognitoClient, CognitoError, Device, ErrorKind, Tokens};
use crate::secrets::{Owner, RememberedSignIn, SecretError, Secrets};

/// Keeps `tokens`' refresh token for `username` with `owner`.
pub async fn remember(
    secrets: &Secrets,
    owner: &Owner,
    username: &str,
    tokens: &Tokens,
) -> Result<(), SecretError> {
    let refresh = tokens
        .refresh
        .clone()
        .ok_or_else(|| SecretError::Failed("Cognito returned no refresh token".to_owned()))?;
    let remembered = RememberedSignIn {
        refresh,
        username: tokens.username.clone(),
        device_key: tokens.device_key.clone(),
    };
    secrets
        .set(owner.session(username).name, remembered.to_bytes())
        .await
}

/// The device `username` signs in from with `owner`, when one was confirmed here.
pub async fn device(secrets: &Secrets, owner: &Owner, username: &str) -> Option<Device> {
    let bytes = secrets.get_account(&owner.device(username)).await.ok()??;
    Device::from_bytes(&bytes)
}

/// The name Cognito shows for this device.
pub fn device_name() -> String {
    format!("Receipt Desk ({})", std::env::consts::OS)
}

/// After a sign-in in a pool that tracks devices: confirms the device it named (so its
/// tokens refresh), marks it remembered when asked (MFA is skipped from it next time),
/// and keeps its keys and password in the secret store. The problem, if any, as text.
pub async fn keep_device(
    client: &CognitoClient,
    secrets: &Secrets,
    owner: &Owner,
    username: &str,
    tokens: &Tokens,
    remember: bool,
) -> Result<(), String> {
    let Some(new) = &tokens.new_device else {
        return Ok(());
    };
    let confirmed = client
        .confirm_device(&tokens.access, new, &device_name())
        .await
        .map_err(|e| e.to_string())?;
    if remember && confirmed.user_confirmation_necessary {
        client
            .remember_device(&tokens.access, &confirmed.device.key, true)
            .await
            .map_err(|e| e.to_string())?;
    }
    secrets
        .set(owner.device(username).name, confirmed.device.to_bytes())
        .await
        .map_err(|e| e.to_string())
}

/// Forgets this machine's device for `username` here and, with `tokens`, on the server.
pub async fn forget_device(
    client: &CognitoClient,
    secrets: &Secrets,
    owner: &Owner,
    username: &str,
    access: &crate::credentials::AccessToken,
) -> Result<(), String> {
    if let Some(device) = device(secrets, owner, username).await {
        client
            .forget_device(access, &device.key)
            .await
            .map_err(|e| e.to_string())?;
    }
    secrets
        .delete_account(&owner.device(username))
        .await
        .map_err(|e| e.to_string())
}

/// What restoring a remembered sign-in gave.
#[derive(Debug)]
pub enum Restored {
    Tokens(Tokens),
    /// Nothing is remembered for this user and profile.
    Nothing,
    /// The secret store could not be asked (no keyring in this session, or locked).
    StoreUnavailable(SecretError),
    /// The server refused the refresh; a revoked or expired one was forgotten.
    Refused(CognitoError),
}

/// Fresh tokens from the sign-in remembered for `username` with `owner`.
pub async fn restore(
    secrets: &Secrets,
    client: &CognitoClient,
    owner: &Owner,
    username: &str,
) -> Restored {
    let account = owner.session(username);
    let remembered = match secrets.remembered(&account).await {
        Ok(Some(remembered)) => remembered,
        Ok(None) => return Restored::Nothing,
        Err(e) => return Restored::StoreUnavailable(e),
    };
    match client
        .refresh_for_device(
            &remembered.refresh,
            &remembered.username,
            remembered.device_key.as_deref(),
        )
        .await
    {
        Ok(tokens) => Restored::Tokens(tokens),
        Err(e) => {
            if e.kind() == Some(ErrorKind::InvalidRefreshToken)
                && let Err(problem) = secrets.delete_account(&account).await
            {
                tracing::info!(error = %problem, "a refused remembered sign-in could not be deleted");
            }
            Restored::Refused(e)
        }
    }
}

/// Forgets the sign-in remembered for `username` with `owner` (nothing remembered is
/// not an error).
pub async fn forget(secrets: &Secrets, owner: &Owner, username: &str) -> Result<(), SecretError> {
    secrets.delete_account(&owner.session(username)).await
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::secrets::{MemoryStore, SecretStore as _};

    #[tokio::test]
    async fn nothing_remembered_and_a_store_that_is_not_there_are_told_apart() {
        let store = Arc::new(MemoryStore::default());
        let secrets = Secrets::Store(store.clone());
        let client = CognitoClient::new(
            url::Url::parse("http://127.0.0.1:9/").expect("url"),
            "1example23456789abcdefghij",
            None,
            crate::cognito::Timeouts::default(),
        )
        .expect("client");
        let owner = Owner::new("p", client.client_id());
        assert!(matches!(
            restore(&secrets, &client, &owner, "alice").await,
            Restored::Nothing
        ));
        forget(&secrets, &owner, "alice")
            .await
            .expect("forgetting nothing is fine");
        store
            .set(&owner.session("alice").name, b"not a remembered sign-in")
            .expect("set");
        assert!(matches!(
            restore(&secrets, &client, &owner, "alice").await,
            Restored::Nothing
        ));
    }
}

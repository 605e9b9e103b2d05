//! Refreshing: new access and ID tokens from a refresh token (`REFRESH_TOKEN_AUTH`).

use std::collections::BTreeMap;

use super::wire::{self, AuthResponse};
use super::{AuthStep, CognitoClient, CognitoError, Operation, Tokens};
use crate::credentials::RefreshToken;

impl CognitoClient {
    /// New access and ID tokens with `REFRESH_TOKEN_AUTH`. Cognito returns no new refresh
    /// token here, so the given one is kept. `username` must be the internal username
    /// ([`Tokens::username`]): with a client secret, `SECRET_HASH` is computed over it.
    pub async fn refresh(
        &self,
        refresh: &RefreshToken,
        username: &str,
    ) -> Result<Tokens, CognitoError> {
        self.refresh_for_device(refresh, username, None).await
    }

    /// [`Self::refresh`] for tokens a device got: a pool that tracks devices refuses a
    /// refresh without its `DEVICE_KEY`.
    pub async fn refresh_for_device(
        &self,
        refresh: &RefreshToken,
        username: &str,
        device_key: Option<&str>,
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
        if let Some(key) = device_key {
            parameters.insert("DEVICE_KEY", key);
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
                tokens.device_key = device_key.map(str::to_owned);
                Ok(tokens)
            }
            AuthStep::Challenge(c) => Err(CognitoError::UnsupportedChallenge { name: c.name }),
        }
    }
}

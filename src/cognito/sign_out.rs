//! Signing out: `GlobalSignOut` (every token of the user) and `RevokeToken` (one
//! refresh token, where the server supports it).

use super::wire;
use super::{CognitoClient, CognitoError, ErrorKind, Operation};
use crate::credentials::{AccessToken, ClientSecret, RefreshToken};

/// What `RevokeToken` achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    Revoked,
    /// The server has no `RevokeToken`, or revocation is off for the app client.
    NotSupported,
}

impl CognitoClient {
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
}

//! Issuing tokens: the RS256 access and ID tokens with Cognito's claims, and a completed
//! sign-in's set (those two and a refresh token from a new origin).

use serde_json::{Value, json};

use super::config::ClientConfig;
use super::error::{IdpError, refuse};
use super::{Idp, State};
use crate::local::ids::random_uuid;
use crate::local::tokens::TokenUse;

/// The sign-in tokens come from: its id (`origin_jti`), its time, and a browser
/// sign-in's `nonce`.
#[derive(Clone, Copy)]
pub(super) struct Origin<'a> {
    pub(super) id: &'a str,
    pub(super) auth_time: i64,
    pub(super) nonce: Option<&'a str>,
}

impl Idp {
    /// A completed sign-in: new access, ID and refresh tokens from a new origin.
    /// With device tracking, the tokens belong to the device the sign-in named, or to a
    /// new one (`NewDeviceMetadata`).
    pub(super) fn signed_in(
        &self,
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        device: Option<&str>,
        now: i64,
    ) -> Result<Value, IdpError> {
        self.signed_in_with_nonce(state, username, client, device, None, now)
    }

    /// [`Self::signed_in`] with the ID token carrying a browser sign-in's `nonce`.
    pub(super) fn signed_in_with_nonce(
        &self,
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        device: Option<&str>,
        nonce: Option<&str>,
        now: i64,
    ) -> Result<Value, IdpError> {
        let origin = random_uuid();
        let from = Origin {
            id: &origin,
            auth_time: now,
            nonce,
        };
        let mut result = self.issue(state, username, client, &from, now)?;
        let (device, metadata) = self.device_for_tokens(state, client, username, device);
        result["RefreshToken"] = Value::String(self.refresh_token(
            username,
            client,
            now,
            &origin,
            device.as_deref(),
            now,
        ));
        if let Some(metadata) = metadata {
            result["NewDeviceMetadata"] = metadata;
        }
        state
            .revocations
            .given(username, &origin, now + client.refresh_token_seconds, now);
        self.save_revocations(state);
        Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
    }

    /// Access and ID tokens (no refresh token).
    pub(super) fn issue(
        &self,
        state: &State,
        username: &str,
        client: &ClientConfig,
        from: &Origin<'_>,
        now: i64,
    ) -> Result<Value, IdpError> {
        let Origin {
            id: origin,
            auth_time,
            nonce,
        } = *from;
        let user = state
            .users
            .get(username)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
        let event_id = random_uuid();
        let access_claims = json!({
            "sub": user.sub, "iss": self.issuer, "client_id": client.id,
            "origin_jti": origin, "event_id": event_id, "token_use": "access",
            "scope": "aws.cognito.signin.user.admin", "auth_time": auth_time,
            "iat": now, "exp": now + client.access_token_seconds, "jti": random_uuid(),
            "username": username,
        });
        let mut id_claims = json!({
            "sub": user.sub, "iss": self.issuer, "aud": client.id,
            "origin_jti": origin, "event_id": event_id, "token_use": "id",
            "auth_time": auth_time, "iat": now, "exp": now + client.id_token_seconds,
            "jti": random_uuid(), "cognito:username": username,
        });
        if let Some(email) = &user.config.email {
            id_claims["email"] = json!(email);
            id_claims["email_verified"] = json!(true);
        }
        for (name, value) in &user.config.attributes {
            id_claims[name] = json!(value);
        }
        if let Some(nonce) = nonce {
            id_claims["nonce"] = json!(nonce);
        }
        let internal = |e: std::io::Error| refuse("InternalErrorException", e.to_string());
        Ok(json!({
            "AccessToken": self.mint.sign(TokenUse::Access, &access_claims).map_err(internal)?,
            "IdToken": self.mint.sign(TokenUse::Id, &id_claims).map_err(internal)?,
            "ExpiresIn": client.access_token_seconds,
            "TokenType": "Bearer",
        }))
    }
}

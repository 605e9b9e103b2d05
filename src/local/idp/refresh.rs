//! Refresh tokens: self-contained and HMAC-signed (so they survive a restart), and
//! `REFRESH_TOKEN_AUTH`, which turns one into new access and ID tokens.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde_json::{Value, json};
use sha2::Sha256;

use super::Idp;
use super::config::{ClientConfig, UserStatus};
use super::error::{IdpError, not_authorized, refuse, text};
use super::secret_hash::check_secret_hash;
use super::sign_out::is_revoked;

/// What a refresh token of ours says.
pub(super) struct RefreshClaims {
    pub(super) username: String,
    pub(super) client_id: String,
    /// The sign-in it came from (`origin_jti` of the tokens made from it).
    pub(super) origin: String,
    pub(super) auth_time: i64,
    pub(super) expires_at: i64,
    /// The device the sign-in belonged to: a refresh must name it.
    pub(super) device: Option<String>,
}

impl Idp {
    pub(super) fn refresh_token(
        &self,
        username: &str,
        client: &ClientConfig,
        auth_time: i64,
        origin: &str,
        device: Option<&str>,
        now: i64,
    ) -> String {
        let mut claims = json!({"u": username, "c": client.id, "o": origin, "a": auth_time,
                                "e": now + client.refresh_token_seconds});
        if let Some(device) = device {
            claims["d"] = json!(device);
        }
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.refresh_key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(payload.as_bytes());
        format!(
            "{payload}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    /// The refresh token's claims, if it is ours.
    pub(super) fn open_refresh_token(&self, token: &str) -> Option<RefreshClaims> {
        let (payload, tag) = token.split_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.refresh_key).ok()?;
        mac.update(payload.as_bytes());
        mac.verify_slice(&tag).ok()?;
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        Some(RefreshClaims {
            username: claims["u"].as_str()?.to_owned(),
            client_id: claims["c"].as_str()?.to_owned(),
            origin: claims["o"].as_str()?.to_owned(),
            auth_time: claims["a"].as_i64()?,
            expires_at: claims["e"].as_i64()?,
            device: claims["d"].as_str().map(str::to_owned),
        })
    }

    pub(super) fn refresh_auth(
        &self,
        client: &ClientConfig,
        parameters: &Value,
    ) -> Result<Value, IdpError> {
        self.refresh_auth_for(client, parameters, false)
    }

    /// Refresh; `client_authenticated` when the caller proved the client secret itself
    /// (the token endpoint's HTTP Basic), so no `SECRET_HASH` is asked.
    pub(super) fn refresh_auth_for(
        &self,
        client: &ClientConfig,
        parameters: &Value,
        client_authenticated: bool,
    ) -> Result<Value, IdpError> {
        let token = text(parameters, "REFRESH_TOKEN")?;
        let now = self.clock.now();
        let invalid = || not_authorized("Invalid Refresh Token.");
        let RefreshClaims {
            username,
            client_id,
            origin,
            auth_time,
            expires_at,
            device,
        } = self.open_refresh_token(token).ok_or_else(invalid)?;
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
        // A device's tokens refresh only with its confirmed key, as Cognito's do.
        if let Some(device) = &device
            && !Self::device_may_refresh(&state, device, parameters["DEVICE_KEY"].as_str())
        {
            return Err(invalid());
        }
        // Cognito hashes the internal username on refresh, not the alias typed at sign-in.
        if !client_authenticated {
            check_secret_hash(
                client,
                &username,
                parameters["SECRET_HASH"].as_str(),
                &format!("SecretHash does not match for the client: {}", client.id),
            )?;
        }
        match state.users.get(&username).map(|u| u.config.status) {
            Some(UserStatus::Disabled) => return Err(not_authorized("User is disabled.")),
            None => return Err(refuse("UserNotFoundException", "User does not exist.")),
            _ => {}
        }
        let from = super::issue::Origin {
            id: &origin,
            auth_time,
            nonce: None,
        };
        let tokens = self.issue(&state, &username, client, &from, now)?;
        Ok(json!({"AuthenticationResult": tokens, "ChallengeParameters": {}}))
    }
}

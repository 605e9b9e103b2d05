//! Tokens from a sign-in or a refresh, read from Cognito's `AuthenticationResult`:
//! expiry and issue time from the JWTs' own claims, the internal username for later
//! `SECRET_HASH`es, and the refresh token kept when a refresh returns none.

use std::time::Duration;

use jiff::Timestamp;

use super::wire::{self, AuthenticationResult, Claims};
use super::{CognitoError, Operation};
use crate::credentials::{AccessToken, IdToken, RefreshToken};

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
    /// A pool that tracks devices gave this sign-in a new device to confirm.
    pub new_device: Option<wire::NewDeviceMetadata>,
    /// The device these tokens belong to: refreshes must send it (`DEVICE_KEY`).
    pub device_key: Option<String>,
    /// Tokens from a browser sign-in refresh where they came from (the token endpoint).
    pub via: Option<std::sync::Arc<super::oauth::OAuthClient>>,
}

impl Tokens {
    /// How long the tokens are valid from issue to expiry.
    pub fn lifetime(&self) -> Duration {
        Duration::from_secs(
            (self.expires_at.as_second() - self.issued_at.as_second()).max(0) as u64,
        )
    }

    pub(super) fn from_result(
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
            device_key: result
                .new_device_metadata
                .as_ref()
                .map(|d| d.device_key.clone()),
            new_device: result.new_device_metadata,
            via: None,
        })
    }
}

fn internal_username<'a>(access: &'a Claims, id: &'a Claims) -> Option<&'a str> {
    access.internal_username().or(id.internal_username())
}
#[cfg(test)]
mod tests {
    use super::*;

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
            new_device_metadata: None,
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
            new_device_metadata: None,
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
            new_device_metadata: None,
        };
        assert!(Tokens::from_result(Operation::InitiateAuth, result, None, "a").is_err());
        let missing = AuthenticationResult {
            access_token: None,
            id_token: Some("i".to_owned()),
            refresh_token: None,
            expires_in: Some(60),
            new_device_metadata: None,
        };
        let err = Tokens::from_result(Operation::InitiateAuth, missing, None, "a")
            .expect_err("no access token");
        assert!(err.to_string().contains("AccessToken"), "{err}");
    }
}

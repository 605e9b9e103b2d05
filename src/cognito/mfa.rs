//! Authenticator-app enrolment: during sign-in, when a pool that requires MFA sends
//! `MFA_SETUP` (with the challenge's session), and when signed in, from Settings (with
//! the access token). `AssociateSoftwareToken` gives the shared secret, a code from the
//! app proves it (`VerifySoftwareToken`), and `SetUserMFAPreference` turns it on.

use serde::Deserialize;
use serde_json::json;

use super::{Challenge, CognitoClient, CognitoError, Operation};
use crate::credentials::{AccessToken, ChallengeSession, TotpSecret};

/// The name Cognito keeps for the authenticator (shown in `SOFTWARE_TOKEN_MFA`).
pub const DEVICE_NAME: &str = "Receipt Desk";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AssociateResponse {
    secret_code: Option<String>,
    session: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VerifyResponse {
    status: Option<String>,
    session: Option<String>,
}

fn unexpected(operation: Operation, detail: &str) -> CognitoError {
    CognitoError::UnexpectedResponse {
        operation,
        status: 200,
        detail: detail.to_owned(),
        request_id: None,
    }
}

/// A code as typed or pasted: digits only.
pub(super) fn clean_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// The key in groups of four, as authenticator apps show theirs.
pub fn grouped(key: &TotpSecret) -> String {
    key.expose()
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…`, what authenticator apps scan.
pub fn otpauth_uri(secret: &TotpSecret, account: &str) -> String {
    let encode = |s: &str| -> String {
        url::form_urlencoded::byte_serialize(s.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}",
        issuer = encode(DEVICE_NAME),
        account = encode(account),
        secret = secret.expose(),
    )
}

impl CognitoClient {
    /// Starts enrolment inside an `MFA_SETUP` challenge: the secret to show, and the
    /// challenge with the session Cognito handed back.
    pub async fn associate_in_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<(TotpSecret, Challenge), CognitoError> {
        let operation = Operation::AssociateSoftwareToken;
        let session = challenge.session.expose();
        let response: AssociateResponse = self
            .call(operation, &json!({"Session": session}), &[session])
            .await?;
        let secret = response
            .secret_code
            .filter(|s| !s.is_empty())
            .ok_or_else(|| unexpected(operation, "no SecretCode in the answer"))?;
        let mut next = challenge.clone();
        if let Some(session) = response.session.filter(|s| !s.is_empty()) {
            next.session = ChallengeSession::new(session);
        }
        Ok((TotpSecret::new(secret), next))
    }

    /// Proves the app inside an `MFA_SETUP` challenge; returns the next session.
    pub(super) async fn verify_in_challenge(
        &self,
        challenge: &Challenge,
        code: &str,
    ) -> Result<ChallengeSession, CognitoError> {
        let operation = Operation::VerifySoftwareToken;
        let session = challenge.session.expose();
        let response: VerifyResponse = self
            .call(
                operation,
                &json!({"Session": session, "UserCode": code, "FriendlyDeviceName": DEVICE_NAME}),
                &[session],
            )
            .await?;
        if response.status.as_deref() != Some("SUCCESS") {
            return Err(unexpected(operation, "the code was not accepted"));
        }
        Ok(ChallengeSession::new(
            response
                .session
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| session.to_owned()),
        ))
    }

    /// Starts enrolment for a signed-in user (Settings): the secret to show.
    pub async fn associate_software_token(
        &self,
        access: &AccessToken,
    ) -> Result<TotpSecret, CognitoError> {
        let operation = Operation::AssociateSoftwareToken;
        let response: AssociateResponse = self
            .call(
                operation,
                &json!({"AccessToken": access.expose()}),
                &[access.expose()],
            )
            .await?;
        response
            .secret_code
            .filter(|s| !s.is_empty())
            .map(TotpSecret::new)
            .ok_or_else(|| unexpected(operation, "no SecretCode in the answer"))
    }

    /// Proves the app with a code from it, then makes it the preferred MFA method.
    pub async fn enable_software_token(
        &self,
        access: &AccessToken,
        typed_code: &str,
    ) -> Result<(), CognitoError> {
        let code = clean_code(typed_code);
        if code.is_empty() {
            return Err(CognitoError::InvalidInput("the code is empty".to_owned()));
        }
        let response: VerifyResponse = self
            .call(
                Operation::VerifySoftwareToken,
                &json!({"AccessToken": access.expose(), "UserCode": code,
                        "FriendlyDeviceName": DEVICE_NAME}),
                &[access.expose()],
            )
            .await?;
        if response.status.as_deref() != Some("SUCCESS") {
            return Err(unexpected(
                Operation::VerifySoftwareToken,
                "the code was not accepted",
            ));
        }
        self.call::<_, serde::de::IgnoredAny>(
            Operation::SetUserMfaPreference,
            &json!({"AccessToken": access.expose(),
                    "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
            &[access.expose()],
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_otpauth_uri_names_the_app_and_the_user() {
        let uri = otpauth_uri(&TotpSecret::new("JBSWY3DPEHPK3PXP"), "alice@example.com");
        assert_eq!(
            uri,
            "otpauth://totp/Receipt%20Desk:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Receipt%20Desk"
        );
    }

    #[test]
    fn keys_are_grouped_in_fours() {
        assert_eq!(
            grouped(&TotpSecret::new("JBSWY3DPEHPK3PXP")),
            "JBSW Y3DP EHPK 3PXP"
        );
        assert_eq!(grouped(&TotpSecret::new("ABCDE")), "ABCD E");
    }

    #[test]
    fn codes_lose_spaces_and_dashes() {
        assert_eq!(clean_code(" 123-456 "), "123456");
    }
}

//! A forgotten password (`ForgotPassword` → a code → `ConfirmForgotPassword`) and a
//! changed one (`ChangePassword`, signed in).

use serde::Deserialize;
use serde_json::json;

use super::{CognitoClient, CognitoError, Operation};
use crate::credentials::{AccessToken, Password};

/// Where Cognito sent the reset code: a masked address or number, and by what.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CodeDelivery {
    /// `a***@e***`, `+*******0100`; empty when Cognito did not say.
    pub destination: String,
    /// `EMAIL` or `SMS`.
    pub medium: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ForgotResponse {
    code_delivery_details: Option<DeliveryDetails>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeliveryDetails {
    destination: Option<String>,
    delivery_medium: Option<String>,
}

impl CognitoClient {
    /// Asks Cognito to send a reset code to the user's verified e-mail or phone.
    pub async fn forgot_password(&self, username: &str) -> Result<CodeDelivery, CognitoError> {
        let username = username.trim();
        if username.is_empty() {
            return Err(CognitoError::InvalidInput(
                "the username is empty".to_owned(),
            ));
        }
        let hash = self.secret_hash(username);
        let mut body = json!({"ClientId": self.client_id, "Username": username});
        if let Some(hash) = &hash {
            body["SecretHash"] = json!(hash);
        }
        let response: ForgotResponse = self
            .call(
                Operation::ForgotPassword,
                &body,
                &[hash.as_deref().unwrap_or_default()],
            )
            .await?;
        Ok(response
            .code_delivery_details
            .map(|d| CodeDelivery {
                destination: d.destination.unwrap_or_default(),
                medium: d.delivery_medium.unwrap_or_default(),
            })
            .unwrap_or_default())
    }

    /// Sets a new password with the code `forgot_password` sent.
    pub async fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        new_password: &Password,
    ) -> Result<(), CognitoError> {
        let username = username.trim();
        let code: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
        if code.is_empty() {
            return Err(CognitoError::InvalidInput("the code is empty".to_owned()));
        }
        if new_password.is_empty() {
            return Err(CognitoError::InvalidInput(
                "the new password is empty".to_owned(),
            ));
        }
        let hash = self.secret_hash(username);
        let mut body = json!({"ClientId": self.client_id, "Username": username,
                              "ConfirmationCode": code, "Password": new_password.expose()});
        if let Some(hash) = &hash {
            body["SecretHash"] = json!(hash);
        }
        self.call::<_, serde::de::IgnoredAny>(
            Operation::ConfirmForgotPassword,
            &body,
            &[
                new_password.expose(),
                &code,
                hash.as_deref().unwrap_or_default(),
            ],
        )
        .await?;
        Ok(())
    }

    /// Changes a signed-in user's password.
    pub async fn change_password(
        &self,
        access: &AccessToken,
        previous: &Password,
        proposed: &Password,
    ) -> Result<(), CognitoError> {
        if previous.is_empty() || proposed.is_empty() {
            return Err(CognitoError::InvalidInput(
                "both passwords are needed".to_owned(),
            ));
        }
        self.call::<_, serde::de::IgnoredAny>(
            Operation::ChangePassword,
            &json!({"AccessToken": access.expose(), "PreviousPassword": previous.expose(),
                    "ProposedPassword": proposed.expose()}),
            &[access.expose(), previous.expose(), proposed.expose()],
        )
        .await?;
        Ok(())
    }
}

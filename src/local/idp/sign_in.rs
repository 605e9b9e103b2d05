//! `InitiateAuth`: the auth flows an app client allows, and the password sign-in with
//! Cognito's refusals (unknown user, disabled, unconfirmed, locked out, reset required).

use serde_json::Value;

use super::config::{ClientConfig, UserStatus};
use super::error::{IdpError, not_authorized, refuse, text};
use super::secret_hash::check_secret_hash;
use super::{Idp, constant_time_eq};

impl Idp {
    pub(super) fn initiate_auth(&self, body: &Value) -> Result<Value, IdpError> {
        let client = self.client(body)?;
        let flow = text(body, "AuthFlow")?;
        let parameters = &body["AuthParameters"];
        let allowed = |f: &str| client.explicit_auth_flows.iter().any(|a| a == f);
        match flow {
            "USER_PASSWORD_AUTH" => {
                if !allowed("ALLOW_USER_PASSWORD_AUTH") {
                    return Err(refuse(
                        "InvalidParameterException",
                        "USER_PASSWORD_AUTH flow not enabled for this client",
                    ));
                }
                self.password_auth(client, parameters)
            }
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
                if !allowed("ALLOW_REFRESH_TOKEN_AUTH") {
                    return Err(refuse(
                        "InvalidParameterException",
                        "REFRESH_TOKEN_AUTH flow not enabled for this client",
                    ));
                }
                self.refresh_auth(client, parameters)
            }
            other => Err(refuse(
                "InvalidParameterException",
                format!("The auth flow {other} is not supported by the local stack"),
            )),
        }
    }

    fn password_auth(&self, client: &ClientConfig, parameters: &Value) -> Result<Value, IdpError> {
        let typed = text(parameters, "USERNAME")?;
        let password = text(parameters, "PASSWORD")?;
        let now = self.clock.now();
        let mut state = self.lock();
        let username = self
            .resolve(&state, typed)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
        // Cognito hashes the identifier as typed at sign-in.
        check_secret_hash(
            client,
            typed,
            parameters["SECRET_HASH"].as_str(),
            &format!("Unable to verify secret hash for client {}", client.id),
        )?;
        let user = state
            .users
            .get_mut(&username)
            .unwrap_or_else(|| unreachable!("resolved above"));
        match user.config.status {
            UserStatus::Disabled => return Err(not_authorized("User is disabled.")),
            UserStatus::Unconfirmed => {
                return Err(refuse(
                    "UserNotConfirmedException",
                    "User is not confirmed.",
                ));
            }
            _ => {}
        }
        if user.lockout.is_locked(now) {
            return Err(not_authorized("Password attempts exceeded"));
        }
        if !constant_time_eq(user.config.password.as_bytes(), password.as_bytes()) {
            if user.lockout.wrong_password(now) {
                return Err(not_authorized("Password attempts exceeded"));
            }
            return Err(not_authorized("Incorrect username or password."));
        }
        user.lockout.right_password();
        if user.config.status == UserStatus::ResetRequired {
            return Err(refuse(
                "PasswordResetRequiredException",
                "Password reset required for the user",
            ));
        }
        if user.config.status == UserStatus::ForceChangePassword {
            let mut attributes = user.config.attributes.clone();
            if let Some(email) = &user.config.email {
                attributes.insert("email".to_owned(), email.clone());
            }
            return Ok(self.new_password_challenge(
                &mut state,
                &username,
                client,
                &attributes,
                now,
            ));
        }
        self.after_password(&mut state, &username, client, now)
    }
}

//! `InitiateAuth`: the auth flows an app client allows, the password sign-in and the SRP
//! one (`USER_SRP_AUTH`, then `PASSWORD_VERIFIER` checked in `challenges`), with
//! Cognito's refusals (unknown user, disabled, unconfirmed, locked out, reset required).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::challenges::SrpPending;
use super::config::{ClientConfig, UserStatus};
use super::error::{IdpError, not_authorized, refuse, text};
use super::secret_hash::check_secret_hash;
use super::users::User;
use super::{Idp, State, constant_time_eq};
use crate::cognito::srp;
use crate::local::ids::random_bytes;

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
            "USER_SRP_AUTH" => {
                if !allowed("ALLOW_USER_SRP_AUTH") {
                    return Err(refuse(
                        "InvalidParameterException",
                        "USER_SRP_AUTH is not enabled for this client.",
                    ));
                }
                self.srp_auth(client, parameters)
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

    /// The user behind what was typed, after the secret hash and the lockout: the only
    /// checks before the password. An unknown user is `None` when the client hides who
    /// has an account (the caller then refuses as for a wrong password); the account's
    /// state (disabled, unconfirmed) is told only after the password (`right_password`).
    fn sign_in_user(
        &self,
        state: &State,
        client: &ClientConfig,
        parameters: &Value,
        now: i64,
    ) -> Result<Option<String>, IdpError> {
        let typed = text(parameters, "USERNAME")?;
        // Cognito hashes the identifier as typed at sign-in; checked first, so that
        // without the client's secret nothing tells a user from a stranger.
        check_secret_hash(
            client,
            typed,
            parameters["SECRET_HASH"].as_str(),
            &format!("Unable to verify secret hash for client {}", client.id),
        )?;
        let Some(username) = self.resolve(state, typed) else {
            return if client.prevent_user_existence_errors {
                Ok(None)
            } else {
                Err(refuse("UserNotFoundException", "User does not exist."))
            };
        };
        if state.users[&username].lockout.is_locked(now) {
            return Err(not_authorized("Password attempts exceeded"));
        }
        Ok(Some(username))
    }

    fn password_auth(&self, client: &ClientConfig, parameters: &Value) -> Result<Value, IdpError> {
        let password = text(parameters, "PASSWORD")?;
        let now = self.clock.now();
        let mut state = self.lock();
        let Some(username) = self.sign_in_user(&state, client, parameters, now)? else {
            // As a wrong password, so nobody learns who has an account.
            return Err(not_authorized("Incorrect username or password."));
        };
        let user = state
            .users
            .get_mut(&username)
            .unwrap_or_else(|| unreachable!("resolved above"));
        if !constant_time_eq(user.config.password.as_bytes(), password.as_bytes()) {
            return Err(Self::wrong_password(user, now));
        }
        let device = parameters["DEVICE_KEY"].as_str();
        self.right_password(&mut state, &username, client, device, now)
    }

    /// `USER_SRP_AUTH`: a verifier from the user's password with a fresh salt, the
    /// server's `B`, and a random secret block, all kept in the challenge session.
    fn srp_auth(&self, client: &ClientConfig, parameters: &Value) -> Result<Value, IdpError> {
        let a_hex = text(parameters, "SRP_A")?;
        let device = parameters["DEVICE_KEY"].as_str().map(str::to_owned);
        // Bounded before any arithmetic: a huge SRP_A would cost seconds of modpow.
        if !srp::acceptable_a(a_hex) {
            return Err(refuse(
                "InvalidParameterException",
                "SRP_A is not a valid SRP value",
            ));
        }
        let now = self.clock.now();
        let mut state = self.lock();
        let found = self.sign_in_user(&state, client, parameters, now)?;
        let pool_name = srp::pool_name(&self.pool_id).unwrap_or(&self.pool_id);
        // A stranger gets a challenge like anyone else's (a verifier of a password
        // nobody knows), and the proof is then refused as a wrong password.
        let decoy = found.is_none();
        let username =
            found.unwrap_or_else(|| text(parameters, "USERNAME").unwrap_or_default().to_owned());
        let password = match state.users.get(&username) {
            Some(user) => user.config.password.clone(),
            None => STANDARD.encode(random_bytes(32)),
        };
        let verifier = srp::Verifier::new(pool_name, &username, &password);
        let server = srp::ServerEphemeral::new(&verifier);
        let block = random_bytes(64);
        let parameters = json!({
            "SALT": verifier.salt_hex(),
            "SRP_B": server.public_hex(),
            "SECRET_BLOCK": STANDARD.encode(&block),
            "USER_ID_FOR_SRP": username,
            "USERNAME": username,
        });
        let session = Self::open_srp_session(
            &mut state,
            &username,
            client,
            "PASSWORD_VERIFIER",
            SrpPending {
                verifier,
                server,
                a_hex: a_hex.to_owned(),
                block,
            },
            device.as_deref(),
            now,
        );
        if let Some(open) = state.sessions.get_mut(&session) {
            open.decoy = decoy;
        }
        Ok(json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "Session": session,
            "ChallengeParameters": parameters,
        }))
    }

    /// A wrong password (or SRP proof): counted towards the lockout.
    pub(super) fn wrong_password(user: &mut User, now: i64) -> IdpError {
        if user.lockout.wrong_password(now) {
            not_authorized("Password attempts exceeded")
        } else {
            not_authorized("Incorrect username or password.")
        }
    }

    /// The password was right (sent, or proven by SRP): a reset, a new password, MFA,
    /// or the tokens.
    pub(super) fn right_password(
        &self,
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        device: Option<&str>,
        now: i64,
    ) -> Result<Value, IdpError> {
        let user = state
            .users
            .get_mut(username)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
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
                state,
                username,
                client,
                &attributes,
                device,
                now,
            ));
        }
        self.after_password(state, username, client, device, now)
    }
}

//! Challenges: the sessions that carry a sign-in between steps, the questions asked
//! after a correct password (`NEW_PASSWORD_REQUIRED`, `SOFTWARE_TOKEN_MFA`), and
//! `RespondToAuthChallenge`, which checks the answers (TOTP with one step of skew).

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::config::{ClientConfig, UserStatus};
use super::error::{IdpError, not_authorized, refuse, text};
use super::secret_hash::check_secret_hash;
use super::{Idp, State, constant_time_eq};
use crate::local::ids::random_bytes;
use crate::totp;

/// A sign-in waiting for the answer to `challenge`.
pub(super) struct Session {
    username: String,
    client_id: String,
    challenge: &'static str,
    expires_at: i64,
}

impl Idp {
    fn open_session(
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        challenge: &'static str,
        now: i64,
    ) -> String {
        state.sessions.retain(|_, s| s.expires_at > now);
        let id = URL_SAFE_NO_PAD.encode(random_bytes(48));
        state.sessions.insert(
            id.clone(),
            Session {
                username: username.to_owned(),
                client_id: client.id.clone(),
                challenge,
                expires_at: now + client.auth_session_seconds,
            },
        );
        id
    }

    /// A temporary password was right: ask for a new one and the required attributes
    /// missing from `attributes` (what the user has).
    pub(super) fn new_password_challenge(
        &self,
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        attributes: &BTreeMap<String, String>,
        now: i64,
    ) -> Value {
        let missing: Vec<String> = self
            .required_attributes
            .iter()
            .filter(|a| !attributes.contains_key(*a))
            .map(|a| format!("userAttributes.{a}"))
            .collect();
        let session = Self::open_session(state, username, client, "NEW_PASSWORD_REQUIRED", now);
        json!({
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": session,
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": username,
                "requiredAttributes": serde_json::to_string(&missing).unwrap_or_default(),
                "userAttributes": serde_json::to_string(attributes).unwrap_or_default(),
            },
        })
    }

    /// Either the MFA challenge or the tokens.
    pub(super) fn after_password(
        &self,
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        now: i64,
    ) -> Result<Value, IdpError> {
        let has_totp = state
            .users
            .get(username)
            .is_some_and(|u| u.config.totp_secret.is_some());
        if has_totp {
            let session = Self::open_session(state, username, client, "SOFTWARE_TOKEN_MFA", now);
            return Ok(json!({
                "ChallengeName": "SOFTWARE_TOKEN_MFA",
                "Session": session,
                "ChallengeParameters": {"USER_ID_FOR_SRP": username, "FRIENDLY_DEVICE_NAME": "Authenticator"},
            }));
        }
        self.signed_in(state, username, client, now)
    }

    pub(super) fn respond_to_auth_challenge(&self, body: &Value) -> Result<Value, IdpError> {
        let client = self.client(body)?;
        let name = text(body, "ChallengeName")?;
        let session_id = text(body, "Session")?;
        let responses = &body["ChallengeResponses"];
        let now = self.clock.now();
        let mut state = self.lock();
        let invalid = || not_authorized("Invalid session for the user.");
        let session = state.sessions.get(session_id).ok_or_else(invalid)?;
        if session.expires_at <= now {
            state.sessions.remove(session_id);
            return Err(not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
        if session.client_id != client.id {
            return Err(invalid());
        }
        if session.challenge != name {
            return Err(refuse(
                "InvalidParameterException",
                format!(
                    "The challenge {name} does not match the session's {}",
                    session.challenge
                ),
            ));
        }
        let username = session.username.clone();
        let answered_as = text(responses, "USERNAME")?;
        if self.resolve(&state, answered_as).as_deref() != Some(username.as_str()) {
            return Err(invalid());
        }
        check_secret_hash(
            client,
            answered_as,
            responses["SECRET_HASH"].as_str(),
            &format!("Unable to verify secret hash for client {}", client.id),
        )?;
        match name {
            "NEW_PASSWORD_REQUIRED" => {
                let password = text(responses, "NEW_PASSWORD")?;
                self.policy
                    .check(password)
                    .map_err(|m| refuse("InvalidPasswordException", m))?;
                let user = state
                    .users
                    .get_mut(&username)
                    .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
                for required in &self.required_attributes {
                    let key = format!("userAttributes.{required}");
                    let given = responses[key.as_str()]
                        .as_str()
                        .filter(|v| !v.trim().is_empty());
                    let present = user.config.attributes.contains_key(required)
                        || (required == "email" && user.config.email.is_some());
                    match given {
                        Some(value) => {
                            user.config
                                .attributes
                                .insert(required.clone(), value.to_owned());
                        }
                        None if present => {}
                        None => {
                            return Err(refuse(
                                "InvalidParameterException",
                                format!(
                                    "Invalid user attributes: {required}: The attribute is required"
                                ),
                            ));
                        }
                    }
                }
                password.clone_into(&mut user.config.password);
                user.config.status = UserStatus::Confirmed;
                state.sessions.remove(session_id);
                self.after_password(&mut state, &username, client, now)
            }
            "SOFTWARE_TOKEN_MFA" => {
                let code = text(responses, "SOFTWARE_TOKEN_MFA_CODE")?;
                let secret = state
                    .users
                    .get(&username)
                    .and_then(|u| u.config.totp_secret.as_deref())
                    .and_then(totp::base32_decode)
                    .ok_or_else(invalid)?;
                // The current step and one either side, for clock skew.
                let matches = [-1_i64, 0, 1].iter().any(|step| {
                    let at = (now + step * totp::STEP_SECONDS.cast_signed()).max(0) as u64;
                    constant_time_eq(totp::code(&secret, at, 6).as_bytes(), code.as_bytes())
                });
                if !matches {
                    return Err(refuse(
                        "CodeMismatchException",
                        "Invalid code received for user",
                    ));
                }
                state.sessions.remove(session_id);
                self.signed_in(&state, &username, client, now)
            }
            other => Err(refuse(
                "InvalidParameterException",
                format!("The challenge {other} is not supported by the local stack"),
            )),
        }
    }
}

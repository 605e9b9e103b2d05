//! Challenges: the sessions that carry a sign-in between steps, the questions asked
//! after a correct password (`NEW_PASSWORD_REQUIRED`, `SOFTWARE_TOKEN_MFA`), and
//! `RespondToAuthChallenge`, which checks the answers (TOTP with one step of skew).

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::config::{ClientConfig, Mfa, UserStatus};
use super::error::{IdpError, not_authorized, refuse, text};
use super::secret_hash::check_secret_hash;
use super::{Idp, State, constant_time_eq};
use crate::cognito::srp;
use crate::local::ids::random_bytes;

/// A sign-in waiting for the answer to `challenge`.
pub(super) struct Session {
    pub(super) username: String,
    client_id: String,
    pub(super) challenge: &'static str,
    pub(super) expires_at: i64,
    /// For `PASSWORD_VERIFIER`: what the proof is checked against.
    srp: Option<Box<SrpPending>>,
    /// For `MFA_SETUP`: the secret given by `AssociateSoftwareToken`, and whether a code
    /// from it was verified.
    pub(super) totp_pending: Option<String>,
    pub(super) totp_verified: bool,
    /// The `DEVICE_KEY` the sign-in came with: the tokens at the end are this device's.
    pub(super) device_key: Option<String>,
    /// An SRP challenge given for a user who does not exist (a client that hides who
    /// has an account): its proof is refused as a wrong password.
    pub(super) decoy: bool,
}

/// An SRP sign-in between `USER_SRP_AUTH` and `PASSWORD_VERIFIER`.
pub(super) struct SrpPending {
    pub(super) verifier: srp::Verifier,
    pub(super) server: srp::ServerEphemeral,
    pub(super) a_hex: String,
    /// The `SECRET_BLOCK` sent (base64 of these bytes), which the claim signs.
    pub(super) block: Vec<u8>,
}

impl Idp {
    fn open_session(
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        challenge: &'static str,
        device: Option<&str>,
        now: i64,
    ) -> String {
        Self::insert_session(state, username, client, challenge, None, device, now)
    }

    pub(super) fn open_srp_session(
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        challenge: &'static str,
        pending: SrpPending,
        device: Option<&str>,
        now: i64,
    ) -> String {
        let pending = Some(Box::new(pending));
        Self::insert_session(state, username, client, challenge, pending, device, now)
    }

    fn insert_session(
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        challenge: &'static str,
        srp: Option<Box<SrpPending>>,
        device: Option<&str>,
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
                srp,
                totp_pending: None,
                totp_verified: false,
                device_key: device.map(str::to_owned),
                decoy: false,
            },
        );
        id
    }

    /// Moves a live session to a new id (as Cognito hands back a new `Session` after
    /// each MFA setup step); `None` when it is unknown or expired.
    pub(super) fn rotate_session(state: &mut State, id: &str, now: i64) -> Option<String> {
        let session = state.sessions.remove(id).filter(|s| s.expires_at > now)?;
        let new_id = URL_SAFE_NO_PAD.encode(random_bytes(48));
        state.sessions.insert(new_id.clone(), session);
        Some(new_id)
    }

    /// The session an answer belongs to: its `Session`, or (pycognito answers
    /// `PASSWORD_VERIFIER` without one) the session whose secret block it returns.
    fn answered_session(state: &State, body: &Value) -> Result<String, IdpError> {
        if let Some(id) = body["Session"].as_str().filter(|s| !s.is_empty()) {
            return Ok(id.to_owned());
        }
        let block = body["ChallengeResponses"]["PASSWORD_CLAIM_SECRET_BLOCK"]
            .as_str()
            .filter(|_| body["ChallengeName"] == "PASSWORD_VERIFIER")
            .and_then(|b| srp::decode_secret_block(b).ok());
        if let Some(block) = block {
            let found = state.sessions.iter().find(|(_, s)| {
                s.srp
                    .as_ref()
                    .is_some_and(|p| constant_time_eq(&p.block, &block))
            });
            if let Some((id, _)) = found {
                return Ok(id.clone());
            }
        }
        text(body, "Session").map(str::to_owned)
    }

    /// A temporary password was right: ask for a new one and the required attributes
    /// missing from `attributes` (what the user has).
    pub(super) fn new_password_challenge(
        &self,
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        attributes: &BTreeMap<String, String>,
        device: Option<&str>,
        now: i64,
    ) -> Value {
        let missing: Vec<String> = self
            .required_attributes
            .iter()
            .filter(|a| !attributes.contains_key(*a))
            .map(|a| format!("userAttributes.{a}"))
            .collect();
        let session = Self::open_session(
            state,
            username,
            client,
            "NEW_PASSWORD_REQUIRED",
            device,
            now,
        );
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

    /// A remembered device's own proof, the MFA challenge, or the tokens.
    pub(super) fn after_password(
        &self,
        state: &mut State,
        username: &str,
        client: &ClientConfig,
        device: Option<&str>,
        now: i64,
    ) -> Result<Value, IdpError> {
        if let Some(key) = device
            && Self::remembered_device(state, client, username, key).is_some()
        {
            let session =
                Self::open_session(state, username, client, "DEVICE_SRP_AUTH", device, now);
            return Ok(json!({
                "ChallengeName": "DEVICE_SRP_AUTH",
                "Session": session,
                "ChallengeParameters": {"USERNAME": username},
            }));
        }
        let has_totp = state
            .users
            .get(username)
            .is_some_and(|u| u.config.totp_secret.is_some());
        if has_totp {
            let session =
                Self::open_session(state, username, client, "SOFTWARE_TOKEN_MFA", device, now);
            return Ok(json!({
                "ChallengeName": "SOFTWARE_TOKEN_MFA",
                "Session": session,
                "ChallengeParameters": {"USER_ID_FOR_SRP": username, "FRIENDLY_DEVICE_NAME": "Authenticator"},
            }));
        }
        if self.mfa == Mfa::Required {
            let session = Self::open_session(state, username, client, "MFA_SETUP", device, now);
            return Ok(json!({
                "ChallengeName": "MFA_SETUP",
                "Session": session,
                "ChallengeParameters": {"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]", "USER_ID_FOR_SRP": username},
            }));
        }
        self.signed_in(state, username, client, device, now)
    }

    pub(super) fn respond_to_auth_challenge(&self, body: &Value) -> Result<Value, IdpError> {
        let client = self.client(body)?;
        let name = text(body, "ChallengeName")?;
        let responses = &body["ChallengeResponses"];
        let now = self.clock.now();
        let mut state = self.lock();
        let session_id = &Self::answered_session(&state, body)?;
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
        if session.decoy {
            state.sessions.remove(session_id);
            return Err(not_authorized("Incorrect username or password."));
        }
        let username = session.username.clone();
        let device = session.device_key.clone();
        let device = device.as_deref();
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
            "PASSWORD_VERIFIER" => {
                // One proof per challenge, right or wrong.
                let pending = state
                    .sessions
                    .remove(session_id)
                    .and_then(|s| s.srp)
                    .ok_or_else(invalid)?;
                // Locked out or disabled since the challenge began: no proof is checked
                // (many challenges opened before a lockout must not each get a guess).
                // (The account's state is told after the proof, in `right_password`.)
                if state
                    .users
                    .get(&username)
                    .is_some_and(|u| u.lockout.is_locked(now))
                {
                    return Err(not_authorized("Password attempts exceeded"));
                }
                let block =
                    srp::decode_secret_block(text(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?)
                        .ok()
                        .filter(|b| constant_time_eq(b, &pending.block))
                        .ok_or_else(invalid)?;
                let pool_name = srp::pool_name(&self.pool_id).unwrap_or(&self.pool_id);
                let context = srp::ClaimContext {
                    pool_name,
                    user_id: &username,
                    timestamp: text(responses, "TIMESTAMP")?,
                };
                let proven = pending.server.verify(
                    &pending.verifier,
                    &pending.a_hex,
                    context,
                    &block,
                    text(responses, "PASSWORD_CLAIM_SIGNATURE")?,
                );
                let user = state
                    .users
                    .get_mut(&username)
                    .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
                if !proven {
                    return Err(Self::wrong_password(user, now));
                }
                self.right_password(&mut state, &username, client, device, now)
            }
            "DEVICE_SRP_AUTH" => {
                state.sessions.remove(session_id);
                Self::device_srp_auth(&mut state, client, &username, device, responses, now)
            }
            "DEVICE_PASSWORD_VERIFIER" => {
                let pending = state
                    .sessions
                    .remove(session_id)
                    .and_then(|s| s.srp)
                    .ok_or_else(invalid)?;
                let key = device.ok_or_else(invalid)?;
                if !Self::device_proven(&state, key, &pending, responses)? {
                    return Err(not_authorized("Incorrect username or password."));
                }
                // A remembered device stands in for MFA.
                self.signed_in(&mut state, &username, client, device, now)
            }
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
                self.after_password(&mut state, &username, client, device, now)
            }
            "SOFTWARE_TOKEN_MFA" => {
                let code = text(responses, "SOFTWARE_TOKEN_MFA_CODE")?;
                let user = state
                    .users
                    .get_mut(&username)
                    .filter(|u| u.config.totp_secret.is_some())
                    .ok_or_else(invalid)?;
                match super::mfa::check_sign_in_code(user, code, now) {
                    Ok(()) => {}
                    Err(super::mfa::CodeRefused::Locked) => {
                        state.sessions.remove(session_id);
                        return Err(not_authorized("Password attempts exceeded"));
                    }
                    Err(super::mfa::CodeRefused::Mismatch) => {
                        return Err(refuse(
                            "CodeMismatchException",
                            "Invalid code received for user",
                        ));
                    }
                }
                state.sessions.remove(session_id);
                self.signed_in(&mut state, &username, client, device, now)
            }
            "MFA_SETUP" => {
                let verified = state
                    .sessions
                    .get(session_id)
                    .is_some_and(|s| s.totp_verified);
                if !verified {
                    return Err(refuse(
                        "InvalidParameterException",
                        "Software token MFA has not been verified for this session",
                    ));
                }
                state.sessions.remove(session_id);
                self.signed_in(&mut state, &username, client, device, now)
            }
            other => Err(refuse(
                "InvalidParameterException",
                format!("The challenge {other} is not supported by the local stack"),
            )),
        }
    }
}

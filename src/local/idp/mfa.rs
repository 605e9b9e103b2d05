//! Authenticator-app enrolment: `AssociateSoftwareToken` and `VerifySoftwareToken` with
//! an `MFA_SETUP` session (sign-in in a pool that requires MFA) or an access token
//! (a signed-in user), and `SetUserMFAPreference`.

use serde_json::{Value, json};

use super::error::{IdpError, not_authorized, refuse, text};
use super::{Idp, State, constant_time_eq};
use crate::local::ids::random_bytes;
use crate::totp;

/// The time step whose code `code` is: now, or one step either side (clock skew).
fn matching_step(secret: &str, code: &str, now: i64) -> Option<u64> {
    let key = totp::base32_decode(secret)?;
    let code = code.trim();
    [-1_i64, 0, 1].iter().find_map(|step| {
        let at = (now + step * totp::STEP_SECONDS.cast_signed()).max(0) as u64;
        constant_time_eq(totp::code(&key, at, 6).as_bytes(), code.as_bytes())
            .then_some(at / totp::STEP_SECONDS)
    })
}

fn code_matches(secret: &str, code: &str, now: i64) -> bool {
    matching_step(secret, code, now).is_some()
}

/// Why a sign-in's authenticator code was refused.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum CodeRefused {
    /// Too many wrong codes lately (the same schedule as wrong passwords).
    Locked,
    /// Wrong, or a code already used (each code signs in once).
    Mismatch,
}

/// Checks a sign-in's authenticator code for `user`: wrong codes count towards a
/// lockout of their own (a right password does not end it), and a code, once used,
/// is refused, as is any older one.
pub(super) fn check_sign_in_code(
    user: &mut super::users::User,
    code: &str,
    now: i64,
) -> Result<(), CodeRefused> {
    if user.code_lockout.is_locked(now) {
        return Err(CodeRefused::Locked);
    }
    let secret = user.config.totp_secret.as_deref().unwrap_or_default();
    match matching_step(secret, code, now) {
        Some(step) if user.last_code_step.is_none_or(|used| step > used) => {
            user.last_code_step = Some(step);
            user.code_lockout.right_password();
            Ok(())
        }
        Some(_) => Err(CodeRefused::Mismatch),
        None => {
            user.code_lockout.wrong_password(now);
            Err(CodeRefused::Mismatch)
        }
    }
}

fn mismatch() -> IdpError {
    refuse(
        "EnableSoftwareTokenMFAException",
        "Code mismatch and fail enable Software Token MFA",
    )
}

impl Idp {
    /// The `MFA_SETUP` session a call names, after checking it is one.
    fn setup_session<'s>(
        state: &'s mut State,
        id: &str,
        now: i64,
    ) -> Result<&'s mut super::challenges::Session, IdpError> {
        state
            .sessions
            .get_mut(id)
            .filter(|s| s.challenge == "MFA_SETUP" && s.expires_at > now)
            .ok_or_else(|| not_authorized("Invalid session for the user."))
    }

    pub(super) fn associate_software_token(&self, body: &Value) -> Result<Value, IdpError> {
        let now = self.clock.now();
        let secret = totp::base32_encode(&random_bytes(20));
        let mut state = self.lock();
        if let Some(id) = body["Session"].as_str().filter(|s| !s.is_empty()) {
            Self::setup_session(&mut state, id, now)?.totp_pending = Some(secret.clone());
            let next = Self::rotate_session(&mut state, id, now)
                .ok_or_else(|| not_authorized("Invalid session for the user."))?;
            return Ok(json!({"SecretCode": secret, "Session": next}));
        }
        let username = self.access_user(&state, body)?;
        let user = state
            .users
            .get_mut(&username)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
        user.pending_totp = Some(secret.clone());
        Ok(json!({"SecretCode": secret}))
    }

    pub(super) fn verify_software_token(&self, body: &Value) -> Result<Value, IdpError> {
        let code = text(body, "UserCode")?;
        let now = self.clock.now();
        let mut state = self.lock();
        if let Some(id) = body["Session"].as_str().filter(|s| !s.is_empty()) {
            let session = Self::setup_session(&mut state, id, now)?;
            let secret = session.totp_pending.clone().ok_or_else(|| {
                refuse(
                    "InvalidParameterException",
                    "AssociateSoftwareToken was not called for this session",
                )
            })?;
            if !code_matches(&secret, code, now) {
                return Err(mismatch());
            }
            session.totp_verified = true;
            let username = session.username.clone();
            if let Some(user) = state.users.get_mut(&username) {
                user.config.totp_secret = Some(secret);
            }
            let next = Self::rotate_session(&mut state, id, now)
                .ok_or_else(|| not_authorized("Invalid session for the user."))?;
            return Ok(json!({"Status": "SUCCESS", "Session": next}));
        }
        let username = self.access_user(&state, body)?;
        let user = state
            .users
            .get_mut(&username)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
        let secret = user.pending_totp.clone().ok_or_else(|| {
            refuse(
                "InvalidParameterException",
                "AssociateSoftwareToken was not called for this user",
            )
        })?;
        if !code_matches(&secret, code, now) {
            return Err(mismatch());
        }
        user.pending_totp = None;
        user.config.totp_secret = Some(secret);
        Ok(json!({"Status": "SUCCESS"}))
    }

    pub(super) fn set_user_mfa_preference(&self, body: &Value) -> Result<Value, IdpError> {
        let mut state = self.lock();
        let username = self.access_user(&state, body)?;
        let settings = &body["SoftwareTokenMfaSettings"];
        let user = state
            .users
            .get_mut(&username)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
        match settings["Enabled"].as_bool() {
            Some(true) if user.config.totp_secret.is_none() => Err(refuse(
                "InvalidParameterException",
                "User has not verified software token mfa",
            )),
            Some(false) if self.mfa == super::Mfa::Required => Err(refuse(
                "InvalidParameterException",
                "MFA is required for this user pool",
            )),
            Some(false) => {
                user.config.totp_secret = None;
                Ok(json!({}))
            }
            _ => Ok(json!({})),
        }
    }
}

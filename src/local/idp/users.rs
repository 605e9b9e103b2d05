//! The pool's users: a stable `sub` each, the internal username behind an alias typed
//! at sign-in, and the user APIs that take an access token (`GetUser`).

use serde_json::{Value, json};

use super::config::UserConfig;
use super::error::{IdpError, not_authorized, refuse, text};
use super::lockout::Lockout;
use super::sign_out::is_revoked;
use super::{Idp, State};
use crate::local::authorizer::{self, Accept, Rejection};
use crate::local::ids::hex;

pub(super) struct User {
    pub(super) config: UserConfig,
    pub(super) sub: String,
    pub(super) lockout: Lockout,
    /// A secret from `AssociateSoftwareToken` (signed in) waiting for its first code.
    pub(super) pending_totp: Option<String>,
    /// Wrong authenticator codes at sign-in, and the time step of the last code used.
    pub(super) code_lockout: Lockout,
    pub(super) last_code_step: Option<u64>,
}

impl User {
    pub(super) fn new(pool_id: &str, config: UserConfig) -> Self {
        Self {
            sub: stable_sub(pool_id, &config.username),
            config,
            lockout: Lockout::default(),
            pending_totp: None,
            code_lockout: Lockout::for_codes(),
            last_code_step: None,
        }
    }
}

impl Idp {
    /// The internal username for what was typed: the username, or an alias's owner.
    pub(super) fn resolve(&self, state: &State, typed: &str) -> Option<String> {
        if state.users.contains_key(typed) {
            return Some(typed.to_owned());
        }
        state
            .users
            .iter()
            .find(|(_, u)| {
                self.aliases.iter().any(|alias| match alias.as_str() {
                    "email" => u.config.email.as_deref() == Some(typed),
                    other => u.config.attributes.get(other).map(String::as_str) == Some(typed),
                })
            })
            .map(|(name, _)| name.clone())
    }

    /// Checks an access token for the user APIs: signature, expiry and revocation.
    pub(super) fn access_user(&self, state: &State, body: &Value) -> Result<String, IdpError> {
        let token = text(body, "AccessToken")?;
        let verified = authorizer::verify(
            token,
            &self.own_rules(),
            Accept::Access,
            self.clock.now(),
            authorizer::LEEWAY_SECONDS,
        )
        .map_err(|r| match r {
            Rejection::Expired => not_authorized("Access Token has expired"),
            _ => not_authorized("Invalid Access Token"),
        })?;
        let username = verified.username().to_owned();
        if is_revoked(
            &state.revocations,
            &username,
            verified.text("origin_jti"),
            verified.int("auth_time"),
        ) {
            return Err(not_authorized("Access Token has been revoked"));
        }
        Ok(username)
    }

    pub(super) fn get_user(&self, body: &Value) -> Result<Value, IdpError> {
        let state = self.lock();
        let username = self.access_user(&state, body)?;
        let user = state
            .users
            .get(&username)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
        let mut attributes = vec![json!({"Name": "sub", "Value": user.sub})];
        if let Some(email) = &user.config.email {
            attributes.push(json!({"Name": "email", "Value": email}));
        }
        for (name, value) in &user.config.attributes {
            attributes.push(json!({"Name": name, "Value": value}));
        }
        Ok(json!({"Username": username, "UserAttributes": attributes}))
    }
}

/// The same `sub` for the same user across restarts.
fn stable_sub(pool: &str, username: &str) -> String {
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        format!("{pool}/{username}").as_bytes(),
    );
    let b = digest.as_ref();
    format!(
        "{}-{}-4{}-a{}-{}",
        hex(&b[0..4]),
        hex(&b[4..6]),
        &hex(&b[6..8])[1..],
        &hex(&b[8..10])[1..],
        hex(&b[10..16])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subs_are_stable_and_uuid_shaped() {
        let sub = stable_sub("pool", "alice");
        assert_eq!(sub, stable_sub("pool", "alice"));
        assert_ne!(sub, stable_sub("pool", "bob"));
        assert_eq!(sub.len(), 36);
    }
}

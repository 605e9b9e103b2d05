//! Signing out: `GlobalSignOut` (every token a user has been given so far), `RevokeToken`
//! (one refresh token and what was made from it), and the revocations kept in the data
//! folder. Both revoke by token id (`origin_jti`), never by time: a sign-in in the same
//! second as a sign-out gets tokens that work.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{IdpError, not_authorized, refuse, text};
use super::refresh::RefreshClaims;
use super::{Idp, State};
use crate::local::tokens::write_private;

#[derive(Default, serde::Serialize, Deserialize)]
#[serde(default)]
pub(super) struct Revocations {
    /// `origin_jti`s of revoked refresh tokens (and the tokens made from them).
    origins: HashSet<String>,
    /// Per user: the `origin_jti`s given out and not revoked, with when their refresh
    /// token expires (a global sign-out revokes them all; expired ones are dropped).
    live: HashMap<String, Vec<(String, i64)>>,
    /// Per user: tokens signed in before this moment were signed out (kept from files
    /// written before revocation by id).
    signed_out: HashMap<String, i64>,
}

impl Revocations {
    /// Notes a sign-in's `origin_jti`, so that a global sign-out can revoke it.
    pub(super) fn given(&mut self, username: &str, origin: &str, expires_at: i64, now: i64) {
        let live = self.live.entry(username.to_owned()).or_default();
        live.retain(|(_, expires)| *expires > now);
        live.push((origin.to_owned(), expires_at));
    }
}

pub(super) fn is_revoked(
    revocations: &Revocations,
    username: &str,
    origin: &str,
    auth_time: i64,
) -> bool {
    revocations.origins.contains(origin)
        || revocations
            .signed_out
            .get(username)
            .is_some_and(|at| auth_time < *at)
}

impl Idp {
    pub(super) fn global_sign_out(&self, body: &Value) -> Result<Value, IdpError> {
        let mut state = self.lock();
        let username = self.access_user(&state, body)?;
        let now = self.clock.now();
        let revocations = &mut state.revocations;
        for (origin, expires) in revocations.live.remove(&username).unwrap_or_default() {
            if expires > now {
                revocations.origins.insert(origin);
            }
        }
        self.save_revocations(&state);
        Ok(json!({}))
    }

    pub(super) fn revoke_token(&self, body: &Value) -> Result<Value, IdpError> {
        let client = self.client(body)?;
        if let Some(secret) = &client.secret
            && body["ClientSecret"].as_str() != Some(secret.as_str())
        {
            return Err(not_authorized(format!(
                "Client secret is invalid for client {}",
                client.id
            )));
        }
        let token = text(body, "Token")?;
        let Some(RefreshClaims {
            client_id, origin, ..
        }) = self.open_refresh_token(token)
        else {
            return Err(refuse(
                "UnsupportedTokenTypeException",
                "The token is not a refresh token.",
            ));
        };
        if client_id != client.id {
            return Err(not_authorized("Invalid Refresh Token."));
        }
        let mut state = self.lock();
        state.revocations.origins.insert(origin);
        self.save_revocations(&state);
        Ok(json!({}))
    }

    pub(super) fn save_revocations(&self, state: &State) {
        match serde_json::to_vec(&state.revocations) {
            Ok(bytes) => {
                if let Err(e) = write_private(&self.revocations_path, &bytes) {
                    tracing::warn!(error = %e, "could not keep the revocations");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not encode the revocations"),
        }
    }
}

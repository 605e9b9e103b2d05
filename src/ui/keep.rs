//! What a finished sign-in keeps: the device a pool that tracks devices named, the
//! session (remembered in the secret store when asked), and who signed in.

use std::sync::Arc;

use super::Secrets;
use super::sign_in::Outcome;
use crate::account;
use crate::cognito::AuthStep;
use crate::session::Session;

/// What a person asked a sign-in to keep.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Remember {
    /// The session, in the secret store ("remember me").
    pub(super) session: bool,
    /// This device, where the pool tracks devices: no MFA from it next time.
    pub(super) device: bool,
}

/// Who is signing in with which profile, for what a sign-in keeps: the session (when
/// remember-me is on) and the device (in a pool that tracks devices).
#[derive(Clone)]
pub(super) struct Keep {
    pub(super) client: crate::cognito::CognitoClient,
    pub(super) secrets: Secrets,
    pub(super) owner: crate::secrets::Owner,
    pub(super) username: String,
    pub(super) remember_session: bool,
    pub(super) remember_device: bool,
}

/// What the sign-in task does after Cognito answered: keep the device (in a pool that
/// tracks devices), begin the session (and remember it in the secret store when asked),
/// or hand back the challenge.
pub(super) async fn finish(step: AuthStep, session: Arc<Session>, keep: Keep) -> Outcome {
    match step {
        AuthStep::Challenge(challenge) => Outcome::Challenge(challenge),
        AuthStep::SignedIn(tokens) => {
            // The device first: the remembered session must carry the confirmed key.
            if let Err(problem) = account::keep_device(
                &keep.client,
                &keep.secrets,
                &keep.owner,
                &keep.username,
                &tokens,
                keep.remember_device,
            )
            .await
            {
                crate::logging::note_problem(format!("this device could not be kept: {problem}"));
            }
            let username = keep.username.clone();
            let remember = keep.remember_session.then_some((keep.secrets, keep.owner));
            let mut remember_problem = None;
            let asked = remember.is_some();
            if let Some((secrets, owner)) = remember
                && let Err(e) = account::remember(&secrets, &owner, &username, &tokens).await
            {
                remember_problem = Some(e.to_string());
            }
            session.begin(tokens).await;
            Outcome::SignedIn {
                remembered: asked && remember_problem.is_none(),
                remember_problem,
                username,
            }
        }
    }
}

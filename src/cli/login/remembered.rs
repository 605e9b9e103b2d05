//! Remember me: a sign-in kept in the keyring (refresh token and internal username),
//! restored with a refresh, deleted when the server refuses it; and the config's note of
//! which sign-ins are remembered (names only).

use super::open_profile::OpenedProfile;
use super::prompt_say;
use super::sign_in::SignedIn;
use crate::account;
use crate::cli::Context;
use crate::cli::prompt::Spinner;
use crate::cognito::{ErrorKind, Tokens};
use crate::config::Config;
use crate::i18n::cli::login as t;
use crate::i18n::{self, Lang};
use crate::secrets::{SecretError, Secrets};

/// Keeps the config's note of which sign-ins are in the keyring (names only) in step.
pub(super) fn mark_remembered(context: &Context, profile: &str, username: &str, remembered: bool) {
    if let Err(e) = Config::mark_remembered(&context.config_path, profile, username, remembered) {
        tracing::warn!(error = %e, "could not note the remembered sign-in in the config");
    }
}

/// The sentence for a remembered sign-in the keyring would not give back.
pub(super) fn keyring_problem(error: &SecretError, lang: Lang) -> String {
    match error {
        SecretError::Unavailable(detail) => {
            format!("{} ({detail})", i18n::keyring_unreachable(lang))
        }
        other => format!("{} ({other})", lang.text(t::KEYRING_KEPT_IT)),
    }
}

pub(super) async fn remember(signed_in: &SignedIn) -> Result<(), SecretError> {
    account::remember(
        &Secrets::Keyring,
        &signed_in.owner,
        &signed_in.username,
        &signed_in.tokens,
    )
    .await
}

/// What a remembered sign-in gave.
pub(super) enum Restored {
    Tokens(Tokens),
    /// Nothing remembered (or no keyring, or a password was given).
    Nothing,
    /// One was remembered and the server refused it (a refused one is deleted).
    Refused,
    /// The config notes one in the keyring, and the keyring cannot be reached.
    Unreachable(SecretError),
}

/// Fresh tokens from a remembered sign-in.
pub(super) async fn restore(
    context: &Context,
    opened: &OpenedProfile,
    username: Option<&str>,
    password_given: bool,
) -> Restored {
    if password_given {
        return Restored::Nothing;
    }
    let Some(username) = username
        .map(str::to_owned)
        .or_else(|| opened.profile.username.clone())
    else {
        return Restored::Nothing;
    };
    let noted = opened.config.is_remembered(&opened.name, &username);
    let spinner = Spinner::start(context.lang.text(t::RESTORING));
    let restored = account::restore(
        &Secrets::Keyring,
        &opened.client,
        &opened.owner(),
        &username,
    )
    .await;
    drop(spinner);
    match restored {
        account::Restored::Tokens(tokens) => Restored::Tokens(tokens),
        account::Restored::Nothing => {
            if noted {
                mark_remembered(context, &opened.name, &username, false);
            }
            Restored::Nothing
        }
        account::Restored::StoreUnavailable(e) if noted => Restored::Unreachable(e),
        account::Restored::StoreUnavailable(e) => {
            tracing::info!(error = %e, "no keyring, so no remembered sign-in");
            Restored::Nothing
        }
        account::Restored::Refused(e) => {
            prompt_say(&format!(
                "{} {}",
                context.lang.text(t::REMEMBERED_UNUSABLE),
                i18n::cognito_error(&e, context.lang)
            ));
            // `account::restore` forgot a revoked or expired one; the note goes too.
            if e.kind() == Some(ErrorKind::InvalidRefreshToken) {
                mark_remembered(context, &opened.name, &username, false);
            }
            Restored::Refused
        }
    }
}

//! `receipt-desk logout`: deletes the remembered sign-in first, then tells the server
//! (global sign-out, refresh token revoked); a server that cannot be reached is reported,
//! not fatal.

use super::open_profile::open_profile;
use super::prompt_say;
use super::remembered::{keyring_problem, mark_remembered};
use crate::cli::{CliError, Context, LogoutArgs, print_line};
use crate::cognito::{CognitoError, ErrorKind, Revocation};
use crate::i18n;
use crate::i18n::cli::logout as t;

use crate::secrets::Secrets;

pub(in crate::cli) async fn logout(context: &Context, args: &LogoutArgs) -> Result<(), CliError> {
    let lang = context.lang;
    let opened = open_profile(context).await?;
    let Some(username) = args
        .username
        .clone()
        .or_else(|| opened.profile.username.clone())
    else {
        return Err(CliError::usage(lang.text(t::NO_ONE_SIGNED_IN)));
    };
    let account = opened.owner().session(&username);
    let stored = match Secrets::Keyring.remembered(&account).await {
        Ok(stored) => stored,
        Err(e) if opened.config.is_remembered(&opened.name, &username) => {
            return Err(CliError::failure(keyring_problem(&e, lang)));
        }
        Err(e) => {
            tracing::info!(error = %e, "no keyring, so no remembered sign-in");
            None
        }
    };
    let Some(remembered) = stored else {
        mark_remembered(context, &opened.name, &username, false);
        print_line(&t::nothing_remembered(&username, &opened.name, lang));
        return Ok(());
    };
    // The local part always happens: the keyring entry goes first.
    let deleted = Secrets::Keyring.delete_account(&account).await;
    let mut remote_problems = Vec::new();
    match opened
        .client
        .refresh_for_device(
            &remembered.refresh,
            &remembered.username,
            remembered.device_key.as_deref(),
        )
        .await
    {
        Ok(tokens) => {
            if let Err(e) = opened.client.global_sign_out(&tokens.access).await {
                remote_problems.push(i18n::cognito_error(&e, lang));
            }
        }
        // Already invalid on the server: nothing left to end there.
        Err(CognitoError::Service(e)) if e.kind == ErrorKind::InvalidRefreshToken => {}
        Err(e) => remote_problems.push(i18n::cognito_error(&e, lang)),
    }
    match opened.client.revoke_token(&remembered.refresh).await {
        Ok(Revocation::Revoked | Revocation::NotSupported) => {}
        Err(CognitoError::Service(e)) if e.kind == ErrorKind::InvalidRefreshToken => {}
        Err(e) => remote_problems.push(i18n::cognito_error(&e, lang)),
    }
    if let Err(e) = deleted {
        return Err(CliError::failure(t::not_deleted(&e, lang)));
    }
    mark_remembered(context, &opened.name, &username, false);
    print_line(&t::signed_out(&username, &opened.name, lang));
    for problem in remote_problems {
        prompt_say(&format!("{} {problem}", lang.text(t::SERVER_NOT_TOLD)));
    }
    Ok(())
}

//! `receipt-desk logout`: deletes the remembered sign-in first, then tells the server
//! (global sign-out, refresh token revoked); a server that cannot be reached is reported,
//! not fatal.

use super::keyring::{keyring_delete, keyring_get};
use super::open_profile::open_profile;
use super::prompt_say;
use super::remembered::{keyring_problem, mark_remembered};
use crate::cli::{CliError, Context, LogoutArgs, print_line};
use crate::cognito::{CognitoError, ErrorKind, Revocation};
use crate::i18n::{self, Lang};
use crate::secrets;

pub(in crate::cli) async fn logout(context: &Context, args: &LogoutArgs) -> Result<(), CliError> {
    let lang = context.lang;
    let opened = open_profile(context).await?;
    let Some(username) = args
        .username
        .clone()
        .or_else(|| opened.profile.username.clone())
    else {
        return Err(CliError::usage(lang.pick(
            "No one has signed in with this profile: nothing to sign out.",
            "このプロファイルでサインインしたユーザーがいません。サインアウトするものはありません。",
        )));
    };
    let account = secrets::session_account(&opened.name, &username);
    let stored = match keyring_get(account.clone()).await {
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
        print_line(&match lang {
            Lang::En => format!(
                "{username} has no remembered sign-in with profile {}; nothing to do.",
                opened.name
            ),
            Lang::Ja => format!(
                "{username} にはプロファイル {} で記憶されたサインインがありません。何もしません。",
                opened.name
            ),
        });
        return Ok(());
    };
    // The local part always happens: the keyring entry goes first.
    let deleted = keyring_delete(account).await;
    let mut remote_problems = Vec::new();
    match opened
        .client
        .refresh(&remembered.refresh, &remembered.username)
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
        return Err(CliError::failure(match lang {
            Lang::En => format!("the remembered sign-in could not be deleted: {e}"),
            Lang::Ja => format!("記憶されたサインインを削除できませんでした: {e}"),
        }));
    }
    mark_remembered(context, &opened.name, &username, false);
    print_line(&match lang {
        Lang::En => format!(
            "Signed out {username} (profile {}); the remembered sign-in is deleted.",
            opened.name
        ),
        Lang::Ja => format!(
            "{username} をサインアウトしました（プロファイル {}）。記憶されたサインインを削除しました。",
            opened.name
        ),
    });
    for problem in remote_problems {
        prompt_say(&format!(
            "{} {problem}",
            lang.pick(
                "The server could not be told (the sign-out on this computer is done):",
                "サーバーへの通知はできませんでした（このコンピューターでのサインアウトは完了しています）:",
            )
        ));
    }
    Ok(())
}

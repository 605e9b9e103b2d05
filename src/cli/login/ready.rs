//! The sign-in a command that calls the API needs: the remembered one when the keyring
//! gives it back, else a fresh one — or, for a script that cannot be asked, exit 3 with
//! the reason.

use super::open_profile::open_profile;
use super::prompt_say;
use super::remembered::{Restored, keyring_problem, restore};
use super::sign_in::sign_in;
use crate::cli::{CliError, Context, SignInArgs};
use crate::cognito::{CognitoClient, Tokens};
use crate::config::Profile;
use crate::i18n::cli::login as t;

/// A signed-in profile for a command that calls the API: its name, settings and tokens,
/// from the remembered sign-in when there is one, else after signing in.
pub(in crate::cli) struct Ready {
    pub name: String,
    pub profile: Profile,
    pub client: CognitoClient,
    pub tokens: Tokens,
}

pub(in crate::cli) async fn ready(context: &Context, args: &SignInArgs) -> Result<Ready, CliError> {
    let opened = open_profile(context).await?;
    let restored = restore(
        context,
        &opened,
        args.username.as_deref(),
        args.password_stdin,
    )
    .await;
    let (name, profile, client) = (
        opened.name.clone(),
        opened.profile.clone(),
        opened.client.clone(),
    );
    let tokens = match restored {
        Restored::Tokens(tokens) => tokens,
        // A script (no terminal, no --password-stdin) cannot sign in again: say so with the
        // authentication exit code rather than failing to read a password.
        Restored::Refused
            if !args.password_stdin && !std::io::IsTerminal::is_terminal(&std::io::stdin()) =>
        {
            return Err(CliError {
                code: crate::cli::EXIT_AUTH,
                message: context.lang.text(t::REFUSED_AND_NO_TERMINAL).to_owned(),
            });
        }
        // Remembered, but in a keyring this session cannot reach (cron): say where it is
        // instead of asking for a password nobody will type.
        Restored::Unreachable(e)
            if !args.password_stdin && !std::io::IsTerminal::is_terminal(&std::io::stdin()) =>
        {
            return Err(CliError {
                code: crate::cli::EXIT_AUTH,
                message: keyring_problem(&e, context.lang),
            });
        }
        Restored::Unreachable(e) => {
            prompt_say(&keyring_problem(&e, context.lang));
            sign_in(context, opened, args, false).await?.tokens
        }
        Restored::Refused | Restored::Nothing => {
            sign_in(context, opened, args, false).await?.tokens
        }
    };
    Ok(Ready {
        name,
        profile,
        client,
        tokens,
    })
}

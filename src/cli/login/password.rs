//! `receipt-desk password forgot|change`: a reset code and a new password, or the
//! current password and a new one (signed in first, from the remembered sign-in when
//! there is one). With `--password-stdin`, the answers come one per line.

use clap::Subcommand;

use super::open_profile::open_profile;
use super::ready::ready;
use crate::cli::prompt::{self, Prompter, Spinner};
use crate::cli::{CliError, Context, SignInArgs, print_line};
use crate::credentials::Password;
use crate::i18n::Lang;
use crate::i18n::cli::login as t;

#[derive(Debug, Subcommand)]
pub enum PasswordAction {
    /// Have a reset code sent to the user's e-mail or phone, then give it with a new
    /// password (stdin lines: the code, the new password).
    Forgot(SignInArgs),
    /// Sign in (or use the remembered sign-in), then give the current password and a new
    /// one (stdin lines: the password to sign in with when needed, the current password,
    /// the new one).
    Change(SignInArgs),
}

pub(in crate::cli) async fn password(
    context: &Context,
    action: PasswordAction,
) -> Result<(), CliError> {
    match action {
        PasswordAction::Forgot(args) => forgot(context, &args).await,
        PasswordAction::Change(args) => change(context, &args).await,
    }
}

/// A new password, twice at a terminal.
fn new_password(prompter: &mut dyn Prompter, lang: Lang) -> Result<Password, CliError> {
    let io_error = |e: std::io::Error| CliError::usage(e.to_string());
    loop {
        let first = prompter
            .secret(lang.text(t::NEW_PASSWORD))
            .map_err(io_error)?;
        if !prompter.is_interactive() {
            return Ok(first);
        }
        let again = prompter
            .secret(lang.text(t::NEW_PASSWORD_AGAIN))
            .map_err(io_error)?;
        if first == again {
            return Ok(first);
        }
        prompter.say(lang.text(t::PASSWORDS_DIFFER));
    }
}

async fn forgot(context: &Context, args: &SignInArgs) -> Result<(), CliError> {
    let lang = context.lang;
    let opened = open_profile(context).await?;
    let mut prompter = prompt::for_stdin(args.password_stdin, lang);
    let io_error = |e: std::io::Error| CliError::usage(e.to_string());
    let username = match args
        .username
        .clone()
        .or_else(|| opened.profile.username.clone())
    {
        Some(u) if !u.trim().is_empty() => u.trim().to_owned(),
        _ => prompter
            .line(lang.text(t::USERNAME))
            .map_err(io_error)?
            .trim()
            .to_owned(),
    };
    let client = &opened.client;
    let delivery = client
        .forgot_password(&username)
        .await
        .map_err(|e| CliError::from_cognito(&e, lang))?;
    prompter.say(&t::code_sent(&delivery.destination, lang));
    let code = prompter.line(lang.text(t::RESET_CODE)).map_err(io_error)?;
    let password = new_password(prompter.as_mut(), lang)?;
    let spinner = Spinner::start(lang.text(t::SIGNING_IN));
    let done = client
        .confirm_forgot_password(&username, code.trim(), &password)
        .await;
    drop(spinner);
    done.map_err(|e| CliError::from_cognito(&e, lang))?;
    print_line(&t::password_reset(&username, lang));
    Ok(())
}

async fn change(context: &Context, args: &SignInArgs) -> Result<(), CliError> {
    let lang = context.lang;
    let signed_in = ready(context, args).await?;
    let mut prompter = prompt::for_stdin(args.password_stdin, lang);
    let io_error = |e: std::io::Error| CliError::usage(e.to_string());
    let current = prompter
        .secret(lang.text(t::CURRENT_PASSWORD))
        .map_err(io_error)?;
    let proposed = new_password(prompter.as_mut(), lang)?;
    signed_in
        .client
        .change_password(&signed_in.tokens.access, &current, &proposed)
        .await
        .map_err(|e| CliError::from_cognito(&e, lang))?;
    print_line(&t::password_changed(&signed_in.tokens.username, lang));
    Ok(())
}

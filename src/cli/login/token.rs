//! `receipt-desk token`: prints a current token (the one command that does, on purpose).

use super::ready::{self, Ready};
use crate::cli::{CliError, Context, TokenArgs, print_line};
use crate::config::TokenKind;

pub(in crate::cli) async fn token(context: &Context, args: &TokenArgs) -> Result<(), CliError> {
    // A remembered sign-in serves without a password, unless one is being given.
    let Ready {
        profile, tokens, ..
    } = ready::ready(context, &args.sign_in).await?;
    let kind = args.kind(profile.token_kind);
    let token = match kind {
        TokenKind::Id => tokens.id.expose().to_owned(),
        TokenKind::Access => tokens.access.expose().to_owned(),
    };
    print_line(&token);
    Ok(())
}

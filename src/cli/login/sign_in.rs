//! A fresh sign-in at the terminal (or from `--password-stdin`): username and password,
//! then every challenge until there are tokens; the username is kept in the profile.

use super::challenge::answer_challenge;
use super::open_profile::OpenedProfile;
use crate::cli::prompt::{self, Spinner};
use crate::cli::{CliError, Context, SignInArgs};
use crate::cognito::{AuthStep, Tokens};
use crate::i18n::cli::login as t;

/// Who signed in with which profile, and their tokens.
pub(super) struct SignedIn {
    pub(super) profile: String,
    /// Whose keyring entries the sign-in's are (the profile and its app client).
    pub(super) owner: crate::secrets::Owner,
    pub(super) username: String,
    pub(super) tokens: Tokens,
}

pub(super) async fn sign_in(
    context: &Context,
    opened: OpenedProfile,
    args: &SignInArgs,
    remember_device: bool,
) -> Result<SignedIn, CliError> {
    let lang = context.lang;
    let OpenedProfile {
        mut config,
        name,
        profile,
        client,
    } = opened;
    let mut prompter = prompt::for_stdin(args.password_stdin, lang);
    let io_error = |e: std::io::Error| CliError::usage(e.to_string());
    let username = match args.username.clone().or_else(|| profile.username.clone()) {
        Some(u) if !u.trim().is_empty() => u.trim().to_owned(),
        _ => prompter
            .line(lang.text(t::USERNAME))
            .map_err(io_error)?
            .trim()
            .to_owned(),
    };
    let password = prompter
        .secret(&t::password_for(&username, lang))
        .map_err(io_error)?;

    tracing::info!(profile = %name, endpoint = %client.endpoint(), "signing in");
    let spinner = Spinner::start(lang.text(t::SIGNING_IN));
    let secrets = crate::secrets::Secrets::Keyring;
    let owner = crate::secrets::Owner::new(&name, client.client_id());
    let device = crate::account::device(&secrets, &owner, &username).await;
    let (mut step, flow) = client
        .sign_in_from_device(&profile.flow_plan(), &username, &password, device.as_ref())
        .await
        .map_err(|e| CliError::from_cognito(&e, lang))?;
    drop(spinner);
    drop(password);
    let tokens = loop {
        match step {
            AuthStep::SignedIn(tokens) => break tokens,
            AuthStep::Challenge(challenge) => {
                step = answer_challenge(&client, &challenge, prompter.as_mut(), lang).await?;
            }
        }
    };

    tracing::info!(profile = %name, user = %tokens.username, expires_at = %tokens.expires_at, "signed in");
    // A pool that tracks devices: confirm this one (its tokens refresh only then).
    if let Err(problem) = crate::account::keep_device(
        &client,
        &secrets,
        &owner,
        &username,
        &tokens,
        remember_device,
    )
    .await
    {
        tracing::warn!(%problem, "this device could not be kept");
    }
    // Remember who signed in last and, for `auto`, the flow that worked (conveniences;
    // not secrets).
    if let Some(p) = config.profiles.get_mut(&name) {
        let learned = p.learn_flow(flow);
        let new_user = p.username.as_deref() != Some(username.as_str());
        p.username = Some(username.clone());
        if (learned || new_user)
            && let Err(e) = config.save(&context.config_path)
        {
            tracing::warn!(error = %e, "could not remember the username");
        }
    }
    Ok(SignedIn {
        profile: name,
        owner,
        username,
        tokens,
    })
}

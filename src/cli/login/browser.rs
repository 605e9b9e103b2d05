//! `receipt-desk login --browser`: the profile's managed login in the system browser,
//! back to a loopback port; the link is printed too, for when no browser opens (SSH:
//! open it on this machine, or forward the port).

use super::open_profile::OpenedProfile;
use super::sign_in::SignedIn;
use crate::cli::prompt::Spinner;
use crate::cli::{CliError, Context};
use crate::cognito::CognitoError;
use crate::i18n::Lang;
use crate::i18n::cli::login as t;

pub(super) async fn sign_in(
    context: &Context,
    opened: OpenedProfile,
) -> Result<SignedIn, CliError> {
    let lang = context.lang;
    let OpenedProfile {
        mut config,
        name,
        profile,
        client,
    } = opened;
    let code = match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    };
    let oauth = match profile.browser_login(&name, client.client_secret().cloned(), code) {
        Some(Ok(oauth)) => oauth,
        Some(Err(e)) => return Err(CliError::from_config(&e, lang)),
        None => return Err(CliError::usage(t::no_hosted_ui_domain(&name, lang))),
    };
    let waiting = oauth
        .start()
        .map_err(|e| CliError::from_cognito(&CognitoError::Browser(e), lang))?;
    let url = waiting.url.to_string();
    super::prompt_say(&t::open_this_link(&url, lang));
    // A desktop session gets the browser; elsewhere (SSH, a script) the link is enough.
    let has_display = std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
        || !cfg!(target_os = "linux");
    if has_display && let Err(e) = webbrowser::open(&url) {
        tracing::info!(error = %e, "no browser opened");
    }
    let spinner = Spinner::start(lang.text(t::WAITING_FOR_THE_BROWSER));
    let finished = oauth.finish(waiting).await;
    drop(spinner);
    let tokens = finished.map_err(|e| CliError::from_cognito(&CognitoError::Browser(e), lang))?;
    tracing::info!(profile = %name, user = %tokens.username, "signed in with the browser");
    let username = tokens.username.clone();
    if let Some(p) = config.profiles.get_mut(&name)
        && p.username.as_deref() != Some(username.as_str())
    {
        p.username = Some(username.clone());
        if let Err(e) = config.save(&context.config_path) {
            tracing::warn!(error = %e, "could not remember the username");
        }
    }
    Ok(SignedIn {
        owner: crate::secrets::Owner::new(&name, client.client_id()),
        profile: name,
        username,
        tokens,
    })
}

//! Signing a command in and reaching the profile's services: the API client and the
//! route to the bucket (the API's `/prefixes` or an identity pool), and how API errors
//! become exit codes.

use std::sync::Arc;

use super::login::{self, Ready};
use super::{CliError, Context, EXIT_NETWORK, EXIT_REFUSED, EXIT_USAGE, SignInArgs};
use crate::api::{ApiClient, ApiError};
use crate::config;
use crate::i18n::{self, Lang};
use crate::identity::IdentityError;
use crate::session::{Session, SessionError};
use crate::storage::{BrowseError, Source};
use backend::storage::StorageError;

/// A signed-in command's reach.
pub(super) struct Connected {
    pub name: String,
    /// `None` when the profile has no API URL.
    pub api: Option<Arc<ApiClient>>,
    /// Where listings and results come from; `None` with neither an API nor a pool.
    pub source: Option<Source>,
}

/// Signs in (asking for the password when nothing is remembered) and builds the
/// profile's clients.
pub(super) async fn connect(
    context: &Context,
    profile: &config::Profile,
    sign_in: &SignInArgs,
) -> Result<Connected, CliError> {
    let lang = context.lang;
    let api_url = profile
        .api_url
        .as_deref()
        .map(|url| {
            config::service_url(url).map_err(|p| CliError {
                code: EXIT_USAGE,
                message: format!("api_url: {}", i18n::url_problem(&p, lang)),
            })
        })
        .transpose()?;
    let Ready {
        name,
        profile,
        client,
        tokens,
    } = login::ready(context, sign_in).await?;
    let session = Session::new(client);
    session.begin(tokens).await;
    let api = api_url
        .map(|url| {
            ApiClient::new(
                url,
                Arc::clone(&session),
                profile.token_kind,
                profile.header_style,
            )
            .map(Arc::new)
            .map_err(|e| from_api(&e, lang))
        })
        .transpose()?;
    let source = Source::for_profile(&profile, api.clone(), &session);
    Ok(Connected { name, api, source })
}

/// A listing's error as the exit code and sentence a script sees.
pub(super) fn from_browse(error: &BrowseError, lang: Lang) -> CliError {
    let code = match error {
        BrowseError::Api(e) => return from_api(e, lang),
        BrowseError::Session(SessionError::Cognito(e)) => return CliError::from_cognito(e, lang),
        BrowseError::Session(SessionError::SignedOut) => super::EXIT_AUTH,
        BrowseError::NoIdentityPool => EXIT_USAGE,
        BrowseError::Identity(IdentityError::Refused { .. })
        | BrowseError::Storage(StorageError::Denied(_) | StorageError::NoSuchBucket(_)) => {
            EXIT_REFUSED
        }
        BrowseError::Identity(_) | BrowseError::Storage(_) => EXIT_NETWORK,
    };
    CliError {
        code,
        message: i18n::browse_error(error, lang),
    }
}

/// An API error as the exit code and sentence a script sees.
pub(super) fn from_api(error: &ApiError, lang: Lang) -> CliError {
    let code = match error {
        ApiError::Network(_) | ApiError::Timeout { .. } | ApiError::Unreadable { .. } => {
            EXIT_NETWORK
        }
        ApiError::Session(SessionError::Cognito(e)) => return CliError::from_cognito(e, lang),
        ApiError::Session(SessionError::SignedOut) => super::EXIT_AUTH,
        ApiError::NotOurContract { .. } => super::EXIT_NOT_OUR_CONTRACT,
        ApiError::Unauthorized { .. }
        | ApiError::Refused { .. }
        | ApiError::ForeignStatusUrl { .. } => EXIT_REFUSED,
    };
    let mut message = i18n::api_error(error, lang);
    if let ApiError::NotOurContract { body, .. } = error {
        message.push('\n');
        message.push_str(body);
    }
    CliError { code, message }
}

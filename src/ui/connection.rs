//! The connection to the chosen profile: its Cognito client, session and API client,
//! the embedded local stack when the profile wants it, remembered sign-ins, sign-out.

use std::sync::Arc;

use poll_promise::Promise;
use tokio::sync::watch;

use super::navigation::Event;
use super::sign_in::Restore;
use super::{App, convert};
use crate::account::{self, Restored};
use crate::api::ApiClient;
use crate::cognito::{CognitoClient, Timeouts};
use crate::config::{self, Profile};
use crate::credentials::ClientSecret;
use crate::i18n::ui::app as t;
use crate::i18n::{self, Lang};
use crate::local::{self, RunningStack, StackOptions};
use crate::secrets::{self, Secrets};
use crate::session::{Session, SessionState};

/// The embedded local stack, when a profile wants it.
pub(super) enum StackSlot {
    Off,
    Starting(Promise<Result<RunningStack, String>>),
    Running(RunningStack),
    Failed(String),
}

/// The chosen profile, ready to talk to its pool and API.
pub struct Connection {
    pub profile_name: String,
    /// With the local stack's URLs filled in.
    pub profile: Profile,
    pub client: CognitoClient,
    pub session: Arc<Session>,
    /// `None` when the profile has no API URL yet.
    pub api: Option<Arc<ApiClient>>,
    /// Where listings and results come from: the API's `/prefixes`, or S3 through the
    /// profile's identity pool.
    pub source: Option<Arc<crate::storage::Source>>,
    pub(super) session_rx: watch::Receiver<SessionState>,
    pub(super) refresher: Option<tokio::task::JoinHandle<()>>,
}

impl Connection {
    /// Whose secrets this connection's are: its profile and app client.
    pub fn owner(&self) -> crate::secrets::Owner {
        crate::secrets::Owner::new(&self.profile_name, self.client.client_id())
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(refresher) = self.refresher.take() {
            refresher.abort();
        }
    }
}

pub(super) enum ConnSlot {
    None,
    Connecting(Promise<Result<Connection, String>>),
    Ready(Connection),
    Failed(String),
}

impl App {
    // ----- profile, local stack and connection -----

    /// Switches to another profile: the current session ends here (the remembered
    /// sign-in, if any, stays in the secret store).
    pub(super) fn switch_profile(&mut self, name: &str) {
        if name == self.profile_name && !matches!(self.conn, ConnSlot::Failed(_)) {
            return;
        }
        name.clone_into(&mut self.profile_name);
        self.config.default_profile = Some(name.to_owned());
        self.save_config();
        self.conn = ConnSlot::None;
        self.session = SessionState::SignedOut { reason: None };
        self.reset_sign_in();
        self.convert = convert::ConvertState::default();
        self.forget_listings();
        self.go(Event::ProfileSwitched);
        self.connect();
    }

    /// The profile in use changed how it connects (endpoints, client, secret): the
    /// session ends here and a new connection starts.
    pub(super) fn reconnect(&mut self) {
        self.conn = ConnSlot::None;
        self.session = SessionState::SignedOut { reason: None };
        self.reset_sign_in();
        self.connect();
    }

    /// Builds the connection for the current profile (starting the local stack first
    /// when the profile is the embedded demo).
    pub(super) fn connect(&mut self) {
        let Some(profile) = self.profile().cloned() else {
            return;
        };
        let mut effective = profile;
        if effective.local_stack {
            match &self.stack {
                StackSlot::Running(stack) => {
                    effective.cognito_endpoint = Some(stack.cognito_endpoint().to_string());
                    effective.api_url = Some(stack.api_url().to_string());
                    effective.user_pool_id = Some(stack.pool_id.clone());
                    effective.hosted_ui_domain = Some(stack.cognito_endpoint().to_string());
                }
                StackSlot::Off => {
                    self.start_stack();
                    return;
                }
                StackSlot::Starting(_) | StackSlot::Failed(_) => return,
            }
        }
        let name = self.profile_name.clone();
        let secrets = self.secrets.clone();
        let ctx = self.tasks.ctx().clone();
        let lang = self.lang;
        self.conn = ConnSlot::Connecting(
            self.tasks
                .spawn(async move { open_connection(name, effective, secrets, ctx, lang).await }),
        );
    }

    pub(super) fn start_stack(&mut self) {
        let mut options = StackOptions::new(self.data_dir.join("local-stack"));
        if let Some(convert) = &self.local_convert {
            options.convert = *convert;
        }
        self.stack = StackSlot::Starting(
            self.tasks
                .spawn(async move { local::start(options).await.map_err(|e| e.to_string()) }),
        );
    }

    /// Takes in finished background work; called at the start of every frame.
    pub(super) fn poll(&mut self) {
        if let StackSlot::Starting(promise) = &self.stack
            && let Some(result) = promise.ready()
        {
            let started = match result {
                Ok(_) => None,
                Err(e) => Some(e.clone()),
            };
            let slot = std::mem::replace(&mut self.stack, StackSlot::Off);
            self.stack = match (slot, started) {
                (StackSlot::Starting(p), None) => match p.try_take() {
                    Ok(Ok(stack)) => StackSlot::Running(stack),
                    Ok(Err(e)) => StackSlot::Failed(e),
                    Err(_) => StackSlot::Failed("the local stack did not start".to_owned()),
                },
                (_, Some(e)) => StackSlot::Failed(e),
                (other, None) => other,
            };
            if let StackSlot::Running(stack) = &self.stack {
                tracing::info!(url = %stack.url, "local demo stack running");
                self.connect();
            }
        }
        if let ConnSlot::Connecting(promise) = &self.conn
            && promise.ready().is_some()
        {
            let ConnSlot::Connecting(promise) = std::mem::replace(&mut self.conn, ConnSlot::None)
            else {
                return;
            };
            self.conn = match promise.try_take() {
                Ok(Ok(conn)) => ConnSlot::Ready(conn),
                Ok(Err(e)) => ConnSlot::Failed(e),
                Err(_) => ConnSlot::Failed("the connection was not made".to_owned()),
            };
            if let ConnSlot::Ready(conn) = &self.conn {
                self.session = conn.session_rx.borrow().clone();
                self.try_restore();
            }
        }
        self.poll_session();
        self.poll_jobs();
        self.poll_results();
        self.poll_sign_in();
        self.poll_settings();
        let ctx = self.tasks.ctx().clone();
        self.poll_gallery(&ctx);
    }

    /// Follows the session: signed in → start refreshing, go to the form; signed out with
    /// a reason (refresh refused) → back to sign-in with the reason.
    pub(super) fn poll_session(&mut self) {
        let ConnSlot::Ready(conn) = &mut self.conn else {
            return;
        };
        if !conn.session_rx.has_changed().unwrap_or(false) {
            return;
        }
        let state = conn.session_rx.borrow_and_update().clone();
        let was_signed_in = matches!(self.session, SessionState::SignedIn { .. });
        match &state {
            SessionState::SignedIn { refreshes, .. } => {
                if let SessionState::SignedIn {
                    refreshes: before, ..
                } = &self.session
                    && refreshes > before
                {
                    self.last_refresh = Some(jiff::Timestamp::now());
                }
                if conn.refresher.is_none() {
                    let session = Arc::clone(&conn.session);
                    conn.refresher = Some(self.tasks.background(session.keep_fresh()));
                }
                if !was_signed_in {
                    self.go(Event::SignedIn);
                }
            }
            SessionState::SignedOut { reason } => {
                if let Some(refresher) = conn.refresher.take() {
                    refresher.abort();
                }
                if was_signed_in {
                    self.sign_in.signed_out(reason.as_deref(), self.lang);
                    self.go(Event::SessionEnded);
                }
            }
        }
        self.session = state;
    }

    /// Signs in with the remembered refresh token, if there is one.
    pub(super) fn try_restore(&mut self) {
        let ConnSlot::Ready(conn) = &self.conn else {
            return;
        };
        let Some(username) = conn.profile.username.clone() else {
            return;
        };
        let owner = conn.owner();
        let secrets = self.secrets.clone();
        let client = conn.client.clone();
        let session = Arc::clone(&conn.session);
        let lang = self.lang;
        self.sign_in.restoring = Some(self.tasks.spawn(async move {
            match account::restore(&secrets, &client, &owner, &username).await {
                Restored::Tokens(tokens) => {
                    session.begin(tokens).await;
                    None
                }
                Restored::Nothing => None,
                Restored::StoreUnavailable(e) => {
                    tracing::info!(error = %e, "no remembered sign-in");
                    None
                }
                // Offline: kept, and tried again later.
                Restored::Refused(e) if e.is_transient() => Some(Restore::Offline),
                Restored::Refused(e) => Some(Restore::Refused(format!(
                    "{} {}",
                    lang.text(t::THE_REMEMBERED_SIGN_IN_COULD_NOT),
                    i18n::cognito_error(&e, lang)
                ))),
            }
        }));
    }

    /// Ends the session here and on the server, and forgets the remembered sign-in.
    pub(super) fn sign_out(&mut self) {
        let ConnSlot::Ready(conn) = &mut self.conn else {
            return;
        };
        if let Some(refresher) = conn.refresher.take() {
            refresher.abort();
        }
        let session = Arc::clone(&conn.session);
        let secrets = self.secrets.clone();
        let remembered = conn.profile.username.clone().map(|u| (conn.owner(), u));
        // The note that a sign-in is remembered goes with it (the CLI reads it to
        // explain a secret store out of reach).
        if let Some(username) = conn.profile.username.clone()
            && let Some(users) = self.config.remembered.get_mut(&conn.profile_name)
            && users.remove(&username)
        {
            if users.is_empty() {
                self.config.remembered.remove(&conn.profile_name);
            }
            self.save_config();
        }
        let ctx = self.tasks.ctx().clone();
        self.tasks.detach(async move {
            if let Some((owner, username)) = remembered
                && let Err(e) = account::forget(&secrets, &owner, &username).await
            {
                tracing::info!(error = %e, "the remembered sign-in could not be deleted");
            }
            let browser = session.browser_client().await;
            if let Err(e) = session.sign_out().await {
                tracing::warn!(error = %e, "the server was not told about the sign-out");
            }
            // The managed login's own session (a cookie) ends in the browser, or the next
            // browser sign-in would be silent.
            if let Some(url) = browser.and_then(|oauth| oauth.browser_logout()) {
                ctx.open_url(egui::OpenUrl::new_tab(url.as_str()));
            }
        });
        self.session = SessionState::SignedOut { reason: None };
        self.reset_sign_in();
        self.forget_listings();
        self.go(Event::SignedOut);
    }
}

/// The profile a first start creates: the embedded local stack with the demo pool.
pub fn demo_profile() -> Profile {
    Profile {
        client_id: local::idp::DEMO_CLIENT_ID.to_owned(),
        bucket: Some(local::demo::BUCKET.to_owned()),
        pdf_prefix: Some(local::demo::PDF_PREFIX.to_owned()),
        upload_prefix: Some(local::demo::UPLOAD_PREFIX.to_owned()),
        username: Some(local::idp::DEMO_USERNAME.to_owned()),
        local_stack: true,
        // The local stack's authorizer takes the access token, as the seed's curl sends.
        token_kind: config::TokenKind::Access,
        ..Profile::default()
    }
}

pub(super) async fn open_connection(
    name: String,
    profile: Profile,
    secrets: Secrets,
    ctx: egui::Context,
    lang: Lang,
) -> Result<Connection, String> {
    let endpoint = profile
        .cognito_endpoint(&name)
        .map_err(|e| i18n::config_error(&e, lang))?;
    let secret = if profile.local_stack {
        None
    } else {
        match secrets
            .get_account(&secrets::Owner::new(&name, &profile.client_id).client_secret())
            .await
        {
            Ok(Some(mut bytes)) => {
                let secret = String::from_utf8(bytes.clone()).ok().map(ClientSecret::new);
                zeroize::Zeroize::zeroize(&mut bytes);
                secret
            }
            Ok(None) => None,
            Err(e) => {
                tracing::info!(error = %e, "no client secret stored");
                None
            }
        }
    };
    let client = CognitoClient::new(endpoint, &profile.client_id, secret, Timeouts::default())
        .map_err(|e| e.to_string())?;
    let session = Session::new(client.clone());
    session.set_on_change(move || ctx.request_repaint());
    let api = match &profile.api_url {
        Some(url) => {
            let url = config::service_url(url).map_err(|p| i18n::url_problem(&p, lang))?;
            Some(Arc::new(
                ApiClient::new(
                    url,
                    Arc::clone(&session),
                    profile.token_kind,
                    profile.header_style,
                )
                .map_err(|e| e.to_string())?,
            ))
        }
        None => None,
    };
    let session_rx = session.watch();
    let source = crate::storage::Source::for_profile(&profile, api.clone(), &session).map(Arc::new);
    Ok(Connection {
        profile_name: name,
        profile,
        client,
        session,
        api,
        source,
        session_rx,
        refresher: None,
    })
}

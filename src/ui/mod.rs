//! The desktop app (eframe/egui 0.37). One file per screen; this file holds the app's
//! state, the connection to the chosen profile, and the jobs in flight.
//!
//! The UI thread never waits: every network, keyring and file call runs on the tokio
//! runtime through [`tasks::Tasks`], and its result is picked up on a later frame.

pub mod convert;
pub mod dialogs;
pub mod fonts;
pub mod gallery;
pub mod jobs;
pub mod look;
pub mod settings;
pub mod sign_in;
pub mod status;
pub mod tasks;
pub mod viewer;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use poll_promise::Promise;
use tokio::sync::watch;

use crate::api::{ApiClient, ConvertRequest};
use crate::cognito::{CognitoClient, ErrorKind, Timeouts};
use crate::config::{self, Config, LanguagePref, Profile, ThemePref};
use crate::credentials::ClientSecret;
use crate::i18n::{self, Lang};
use crate::jobs::{self as job_model, Finished, JobFile, JobRecord, Live};
use crate::local::{self, RunningStack, StackOptions};
use crate::secrets::{self, KeyringStore, RememberedSignIn, SecretError, SecretStore};
use crate::session::{Session, SessionState};
use crate::thumbs::{DiskCache, Thumbnailer};

pub use dialogs::{Dialogs, FixedDialogs, NativeDialogs};
use tasks::{Tasks, Writer};

/// The name of the profile a first start creates.
pub const DEMO_PROFILE: &str = "Local demo";

/// Where secrets go: the OS keyring, or a given store (tests).
#[derive(Clone)]
pub enum Secrets {
    Keyring,
    Store(Arc<dyn SecretStore>),
}

impl Secrets {
    async fn call<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn SecretStore) -> Result<T, SecretError> + Send + 'static,
    ) -> Result<T, SecretError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || match this {
            Self::Keyring => call(&KeyringStore::platform()?),
            Self::Store(store) => call(store.as_ref()),
        })
        .await
        .map_err(|e| SecretError::Failed(e.to_string()))?
    }

    pub async fn get(&self, account: String) -> Result<Option<Vec<u8>>, SecretError> {
        self.call(move |s| s.get(&account)).await
    }

    pub async fn set(&self, account: String, mut secret: Vec<u8>) -> Result<(), SecretError> {
        self.call(move |s| {
            let result = s.set(&account, &secret);
            zeroize::Zeroize::zeroize(&mut secret);
            result
        })
        .await
    }

    pub async fn delete(&self, account: String) -> Result<(), SecretError> {
        self.call(move |s| s.delete(&account)).await
    }
}

/// How the app is set up; `main` fills it from the platform, tests from temp dirs.
pub struct AppOptions {
    pub config_path: PathBuf,
    /// Jobs file and the local stack's folder.
    pub data_dir: PathBuf,
    /// Overrides the config's and the system's language.
    pub lang: Option<Lang>,
    /// Overrides the config's theme.
    pub theme: Option<ThemePref>,
    /// Opens this profile instead of the config's default.
    pub profile: Option<String>,
    /// The thumbnail cache (default: the platform cache dir).
    pub cache_dir: Option<PathBuf>,
    /// The embedded local stack's conversion settings (tests make jobs answer 202).
    pub local_convert: Option<local::convert::ConvertSettings>,
    pub secrets: Secrets,
    pub dialogs: Arc<dyn Dialogs>,
    pub runtime: tokio::runtime::Handle,
}

impl AppOptions {
    /// The platform's places, the OS keyring and native dialogs.
    pub fn platform(runtime: tokio::runtime::Handle) -> Result<Self, String> {
        let config_path = Config::path(None).map_err(|e| e.to_string())?;
        let data_dir = directories::ProjectDirs::from("", "", "receipt-desk")
            .map(|d| d.data_dir().to_owned())
            .ok_or("no data directory could be found for this user")?;
        Ok(Self {
            config_path,
            data_dir,
            lang: None,
            theme: None,
            profile: None,
            cache_dir: None,
            local_convert: None,
            secrets: Secrets::Keyring,
            dialogs: Arc::new(NativeDialogs::default()),
            runtime,
        })
    }
}

/// Opens the window and runs until it is closed.
pub fn run(options: AppOptions) -> Result<(), String> {
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/256.png"))
        .map_err(|e| format!("the icon: {e}"))?;
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Receipt Desk")
            .with_app_id("io.github.receiptdesk.ReceiptDesk")
            .with_inner_size([1040.0, 720.0])
            .with_min_inner_size([MIN_WIDTH, MIN_HEIGHT])
            .with_icon(icon),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "Receipt Desk",
        native,
        Box::new(move |cc| Ok(Box::new(App::new(&cc.egui_ctx, options)))),
    )
    .map_err(|e| e.to_string())
}

/// The smallest window at which nothing is cut off.
pub const MIN_WIDTH: f32 = 760.0;
pub const MIN_HEIGHT: f32 = 540.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    SignIn,
    Convert,
    Jobs,
    Settings,
}

/// The embedded local stack, when a profile wants it.
enum StackSlot {
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
    session_rx: watch::Receiver<SessionState>,
    refresher: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(refresher) = self.refresher.take() {
            refresher.abort();
        }
    }
}

enum ConnSlot {
    None,
    Connecting(Promise<Result<Connection, String>>),
    Ready(Connection),
    Failed(String),
}

struct RunningJob {
    live: watch::Receiver<Live>,
    promise: Promise<Finished>,
    abort: tokio::task::AbortHandle,
    started: std::time::Instant,
}

pub struct App {
    tasks: Tasks,
    lang: Lang,
    lang_override: Option<Lang>,
    theme_override: Option<ThemePref>,
    data_dir: PathBuf,
    local_convert: Option<local::convert::ConvertSettings>,
    secrets: Secrets,
    dialogs: Arc<dyn Dialogs>,
    config: Config,
    config_writer: Writer<Config>,
    jobs: JobFile,
    jobs_writer: Writer<Vec<u8>>,
    /// A problem to show at the top until dismissed (unreadable files, a write failure).
    banner: Option<String>,
    screen: Screen,
    profile_name: String,
    stack: StackSlot,
    conn: ConnSlot,
    session: SessionState,
    last_refresh: Option<jiff::Timestamp>,
    running: HashMap<String, RunningJob>,
    title: String,
    sign_in: sign_in::SignInState,
    settings: settings::SettingsState,
    convert: convert::ConvertState,
    jobs_view: jobs::JobsViewState,
    thumbnailer: Arc<Thumbnailer>,
    gallery: gallery::GalleryState,
}

impl App {
    pub fn new(ctx: &egui::Context, options: AppOptions) -> Self {
        fonts::install(ctx);
        look::install(ctx);
        let tasks = Tasks::new(options.runtime.clone(), ctx.clone());
        options.dialogs.attach(ctx);
        let mut banner = None;
        let mut config = match Config::load(&options.config_path) {
            Ok(config) => config,
            Err(e) => {
                banner = Some(e.to_string());
                Config::default()
            }
        };
        let first_start = config.profiles.is_empty() && banner.is_none();
        if first_start {
            config
                .profiles
                .insert(DEMO_PROFILE.to_owned(), demo_profile());
            config.default_profile = Some(DEMO_PROFILE.to_owned());
        }
        let (jobs, jobs_problem) = JobFile::load(&JobFile::path(&options.data_dir));
        banner = banner.or(jobs_problem);
        let config_path = options.config_path.clone();
        let config_writer = Writer::new(&tasks, move |config: &Config| {
            config.save(&config_path).map_err(|e| e.to_string())
        });
        let jobs_path = JobFile::path(&options.data_dir);
        let jobs_writer = Writer::new(&tasks, move |bytes: &Vec<u8>| {
            crate::fsutil::write_private_atomic(&jobs_path, bytes)
                .map_err(|e| format!("{}: {e}", jobs_path.display()))
        });
        let lang = options
            .lang
            .unwrap_or_else(|| resolve_lang(config.ui.language));
        let profile_name = config
            .profile(options.profile.as_deref())
            .map(|(name, _)| name)
            .or_else(|_| config.profiles.keys().next().cloned().ok_or(()))
            .unwrap_or_default();
        let mut app = Self {
            tasks,
            lang,
            lang_override: options.lang,
            theme_override: options.theme,
            data_dir: options.data_dir,
            local_convert: options.local_convert,
            secrets: options.secrets,
            dialogs: options.dialogs,
            config,
            config_writer,
            jobs,
            jobs_writer,
            banner,
            screen: Screen::SignIn,
            profile_name,
            stack: StackSlot::Off,
            conn: ConnSlot::None,
            session: SessionState::SignedOut { reason: None },
            last_refresh: None,
            running: HashMap::new(),
            title: String::new(),
            sign_in: sign_in::SignInState::default(),
            settings: settings::SettingsState::default(),
            convert: convert::ConvertState::default(),
            jobs_view: jobs::JobsViewState::default(),
            thumbnailer: Thumbnailer::new(
                options
                    .cache_dir
                    .map(DiskCache::new)
                    .or_else(DiskCache::platform),
            ),
            gallery: gallery::GalleryState::default(),
        };
        if first_start {
            app.save_config();
        }
        app.apply_theme(ctx);
        app.reset_sign_in();
        app.connect();
        app
    }

    // ----- what tests and the screens read -----

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn session_state(&self) -> &SessionState {
        &self.session
    }

    pub fn is_signed_in(&self) -> bool {
        matches!(self.session, SessionState::SignedIn { .. })
    }

    pub fn jobs(&self) -> &[JobRecord] {
        &self.jobs.jobs
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }

    /// The embedded local stack, once running.
    pub fn local_stack(&self) -> Option<&RunningStack> {
        match &self.stack {
            StackSlot::Running(stack) => Some(stack),
            _ => None,
        }
    }

    pub fn connection(&self) -> Option<&Connection> {
        match &self.conn {
            ConnSlot::Ready(conn) => Some(conn),
            _ => None,
        }
    }

    /// Work in flight (network calls, keyring calls, file writes) and thumbnails waiting
    /// for their upload in a coming frame.
    pub fn in_flight(&self) -> usize {
        self.tasks.in_flight() + self.gallery.uploads_waiting()
    }

    /// Resolves when no work is in flight.
    pub fn idle(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        self.tasks.idle()
    }

    /// The gallery of the selected job (thumbnails, viewer, saves).
    pub fn gallery_state(&self) -> &gallery::GalleryState {
        &self.gallery
    }

    pub fn thumbnailer(&self) -> &Thumbnailer {
        &self.thumbnailer
    }

    pub fn banner(&self) -> Option<&str> {
        self.banner.as_deref()
    }

    fn reset_sign_in(&mut self) {
        self.sign_in = sign_in::SignInState::default();
        let profile = self.config.profiles.get(&self.profile_name).cloned();
        self.sign_in.prefill(profile.as_ref());
    }

    fn profile(&self) -> Option<&Profile> {
        self.config.profiles.get(&self.profile_name)
    }

    fn t<'a>(&self, en: &'a str, ja: &'a str) -> &'a str {
        self.lang.pick(en, ja)
    }

    // ----- persistence -----

    fn save_config(&mut self) {
        self.config_writer.set(&self.tasks, self.config.clone());
    }

    fn save_jobs(&mut self) {
        self.jobs_writer.set(&self.tasks, self.jobs.to_json());
    }

    fn apply_theme(&self, ctx: &egui::Context) {
        let pref = self.theme_override.unwrap_or(self.config.ui.theme);
        ctx.set_theme(match pref {
            ThemePref::System => egui::ThemePreference::System,
            ThemePref::Light => egui::ThemePreference::Light,
            ThemePref::Dark => egui::ThemePreference::Dark,
        });
    }

    fn set_language(&mut self, pref: LanguagePref) {
        // A choice made in the window wins over `--lang`.
        self.config.ui.language = pref;
        self.lang_override = None;
        self.lang = resolve_lang(pref);
        self.save_config();
    }

    // ----- profile, local stack and connection -----

    /// Switches to another profile: the current session ends here (the remembered
    /// sign-in, if any, stays in the keyring).
    fn switch_profile(&mut self, name: &str) {
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
        self.screen = Screen::SignIn;
        self.connect();
    }

    /// Builds the connection for the current profile (starting the local stack first
    /// when the profile is the embedded demo).
    fn connect(&mut self) {
        let Some(profile) = self.profile().cloned() else {
            return;
        };
        let mut effective = profile;
        if effective.local_stack {
            match &self.stack {
                StackSlot::Running(stack) => {
                    effective.cognito_endpoint = Some(stack.cognito_endpoint().to_string());
                    effective.api_url = Some(stack.api_url().to_string());
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

    fn start_stack(&mut self) {
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
    fn poll(&mut self) {
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
        self.poll_sign_in();
        self.poll_settings();
        let ctx = self.tasks.ctx().clone();
        self.poll_gallery(&ctx);
    }

    /// Follows the session: signed in → start refreshing, go to the form; signed out with
    /// a reason (refresh refused) → back to sign-in with the reason.
    fn poll_session(&mut self) {
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
                if !was_signed_in && self.screen == Screen::SignIn {
                    self.screen = Screen::Convert;
                }
            }
            SessionState::SignedOut { reason } => {
                if let Some(refresher) = conn.refresher.take() {
                    refresher.abort();
                }
                if was_signed_in {
                    self.sign_in.signed_out(reason.as_deref(), self.lang);
                    if self.screen == Screen::Convert {
                        self.screen = Screen::SignIn;
                    }
                }
            }
        }
        self.session = state;
    }

    /// Signs in with the refresh token remembered in the keyring, if there is one.
    fn try_restore(&mut self) {
        let ConnSlot::Ready(conn) = &self.conn else {
            return;
        };
        let Some(username) = conn.profile.username.clone() else {
            return;
        };
        let account = secrets::session_account(&conn.profile_name, &username);
        let secrets = self.secrets.clone();
        let client = conn.client.clone();
        let session = Arc::clone(&conn.session);
        let lang = self.lang;
        self.sign_in.restoring = Some(self.tasks.spawn(async move {
            let mut bytes = match secrets.get(account.clone()).await {
                Ok(Some(bytes)) => bytes,
                Ok(None) => return None,
                Err(e) => {
                    tracing::info!(error = %e, "no remembered sign-in (keyring)");
                    return None;
                }
            };
            let remembered = RememberedSignIn::from_bytes(&bytes);
            zeroize::Zeroize::zeroize(&mut bytes);
            let remembered = remembered?;
            match client
                .refresh(&remembered.refresh, &remembered.username)
                .await
            {
                Ok(tokens) => {
                    session.begin(tokens).await;
                    None
                }
                Err(e) => {
                    if e.kind() == Some(ErrorKind::InvalidRefreshToken) {
                        let _ = secrets.delete(account).await;
                    }
                    Some(format!(
                        "{} {}",
                        lang.pick(
                            "The remembered sign-in could not be used; sign in again.",
                            "記憶されたサインインは使えませんでした。もう一度サインインしてください。",
                        ),
                        i18n::cognito_error(&e, lang)
                    ))
                }
            }
        }));
    }

    /// Ends the session here and on the server, and forgets the remembered sign-in.
    fn sign_out(&mut self) {
        let ConnSlot::Ready(conn) = &mut self.conn else {
            return;
        };
        if let Some(refresher) = conn.refresher.take() {
            refresher.abort();
        }
        let session = Arc::clone(&conn.session);
        let secrets = self.secrets.clone();
        let account = conn
            .profile
            .username
            .as_ref()
            .map(|u| secrets::session_account(&conn.profile_name, u));
        // The note that a sign-in is in the keyring goes with it (the CLI reads it to
        // explain a keyring out of reach).
        if let Some(username) = conn.profile.username.clone()
            && let Some(users) = self.config.remembered.get_mut(&conn.profile_name)
            && users.remove(&username)
        {
            if users.is_empty() {
                self.config.remembered.remove(&conn.profile_name);
            }
            self.config_writer.set(&self.tasks, self.config.clone());
        }
        self.tasks.detach(async move {
            if let Some(account) = account
                && let Err(e) = secrets.delete(account).await
            {
                tracing::info!(error = %e, "the remembered sign-in could not be deleted");
            }
            if let Err(e) = session.sign_out().await {
                tracing::warn!(error = %e, "the server was not told about the sign-out");
            }
        });
        self.session = SessionState::SignedOut { reason: None };
        self.reset_sign_in();
        self.screen = Screen::SignIn;
    }

    // ----- jobs -----

    fn start_job(&mut self, request: ConvertRequest) {
        let ConnSlot::Ready(conn) = &self.conn else {
            return;
        };
        let Some(api) = conn.api.clone() else {
            return;
        };
        let now = jiff::Timestamp::now().as_second();
        let id = job_id(now);
        self.jobs.add(JobRecord::new(
            id.clone(),
            self.profile_name.clone(),
            request.clone(),
            now,
        ));
        self.save_jobs();
        let (live_tx, live_rx) = watch::channel(Live::default());
        let (promise, abort) = self
            .tasks
            .spawn_abortable(async move { job_model::run(&api, &request, &live_tx).await });
        self.running.insert(
            id.clone(),
            RunningJob {
                live: live_rx,
                promise,
                abort,
                started: std::time::Instant::now(),
            },
        );
        self.jobs_view.selected = Some(id);
        self.screen = Screen::Jobs;
    }

    fn poll_jobs(&mut self) {
        let ids: Vec<String> = self.running.keys().cloned().collect();
        let mut changed = false;
        for id in ids {
            let Some(running) = self.running.remove(&id) else {
                continue;
            };
            let live = running.live.borrow().clone();
            let record = self.jobs.jobs.iter_mut().find(|j| j.id == id);
            match running.promise.try_take() {
                Ok(finished) => {
                    let switched = finished.as_ref().ok().and_then(|(_, d)| d.switched_to);
                    if let Some(record) = record {
                        record.server_job = live.server_job.or(record.server_job.take());
                        record.finish(finished, jiff::Timestamp::now().as_second());
                        record.elapsed_ms = Some(
                            u64::try_from(running.started.elapsed().as_millis())
                                .unwrap_or(u64::MAX),
                        );
                        if let Some(failure) = &record.failure {
                            crate::logging::note_problem(format!(
                                "job {}: {:?}: {}",
                                record.id, failure.kind, failure.message
                            ));
                        }
                    }
                    if let Some(kind) = switched
                        && let Some(profile) = self.config.profiles.get_mut(&self.profile_name)
                    {
                        profile.token_kind = kind;
                        self.save_config();
                    }
                    changed = true;
                }
                Err(promise) => {
                    if let Some(record) = record {
                        record.progress = live.progress.or(record.progress);
                        if record.server_job.is_none() && live.server_job.is_some() {
                            record.server_job = live.server_job;
                            changed = true;
                        }
                    }
                    self.running.insert(
                        id,
                        RunningJob {
                            live: running.live,
                            promise,
                            abort: running.abort,
                            started: running.started,
                        },
                    );
                }
            }
        }
        if changed {
            self.save_jobs();
        }
    }

    /// Stops waiting for a running job (the server may still finish it).
    fn cancel_job(&mut self, id: &str) {
        let Some(running) = self.running.remove(id) else {
            return;
        };
        running.abort.abort();
        let live = running.live.borrow().clone();
        if let Some(record) = self.jobs.jobs.iter_mut().find(|j| j.id == id) {
            record.phase = job_model::Phase::Cancelled;
            record.progress = live.progress.or(record.progress);
            record.server_job = live.server_job.or(record.server_job.take());
        }
        self.save_jobs();
    }

    pub fn running_jobs(&self) -> usize {
        self.running.len()
    }

    // ----- frame -----

    fn update_title(&mut self, ctx: &egui::Context) {
        let mut title = "Receipt Desk".to_owned();
        if let SessionState::SignedIn { username, .. } = &self.session {
            let _ = write!(title, " — {username}@{}", self.profile_name);
        }
        if !self.running.is_empty() {
            let _ = match self.lang {
                Lang::En => write!(title, " — converting ({})", self.running.len()),
                Lang::Ja => write!(title, " — 変換中（{}件）", self.running.len()),
            };
        }
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The tabs a person sees now, in order: Ctrl+1…N follow this list.
    fn tabs(&self) -> Vec<(Screen, &'static str)> {
        let first = if self.is_signed_in() {
            (Screen::Convert, self.t("Convert", "変換"))
        } else {
            (Screen::SignIn, self.t("Account", "アカウント"))
        };
        vec![
            first,
            (Screen::Jobs, self.t("Jobs", "ジョブ")),
            (Screen::Settings, self.t("Settings", "設定")),
        ]
    }

    /// Ctrl+1…N switch to the Nth visible tab (keyboard-only use; shown in the tabs'
    /// tooltips).
    fn screen_shortcuts(&mut self, ctx: &egui::Context) {
        const KEYS: [egui::Key; 9] = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
            egui::Key::Num9,
        ];
        for ((screen, _), key) in self.tabs().into_iter().zip(KEYS) {
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, key)) {
                self.screen = screen;
            }
        }
    }

    fn nav_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("Receipt Desk");
            ui.separator();
            let tabs = self.tabs();
            for (n, (screen, label)) in tabs.into_iter().enumerate() {
                if ui
                    .selectable_label(self.screen == screen, label)
                    .on_hover_text(format!("Ctrl+{}", n + 1))
                    .clicked()
                {
                    self.screen = screen;
                }
            }
        });
        if let Some(banner) = self.banner.clone() {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(ui.visuals().warn_fg_color, banner);
                if ui.button(self.t("Dismiss", "閉じる")).clicked() {
                    self.banner = None;
                }
            });
        }
        for problem in [self.config_writer.problem(), self.jobs_writer.problem()]
            .into_iter()
            .flatten()
        {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!(
                    "{} {problem}",
                    self.t("Could not save:", "保存できませんでした:")
                ),
            );
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll();
        let ctx = ui.ctx().clone();
        self.screen_shortcuts(&ctx);
        self.update_title(&ctx);
        egui::Panel::top("nav").show(ui, |ui| self.nav_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        self.path_prompt(&ctx);
        let screen = match self.screen {
            Screen::Convert if !self.is_signed_in() => Screen::SignIn,
            other => other,
        };
        if screen == Screen::Jobs {
            // Its own panels: the list on the left, the detail beside it.
            self.jobs_screen(ui);
            return;
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| match screen {
                    Screen::SignIn => self.sign_in_screen(ui),
                    Screen::Convert => self.convert_screen(ui),
                    Screen::Settings => self.settings_screen(ui),
                    Screen::Jobs => {}
                });
        });
    }
}

impl App {
    /// The in-app stand-in for a file dialog, when the system has none to show.
    fn path_prompt(&mut self, ctx: &egui::Context) {
        let Some(prompt) = self.dialogs.prompt() else {
            return;
        };
        let lang = self.lang;
        prompt.with_pending(|pending| {
            let Some(request) = pending else {
                return;
            };
            let mut answer = None;
            let title = match request.kind {
                dialogs::PromptKind::OpenProfile => lang.pick("Import a profile", "プロファイルを読み込む"),
                dialogs::PromptKind::SaveProfile => lang.pick("Export the profile", "プロファイルを書き出す"),
                dialogs::PromptKind::SaveImage => lang.pick("Save the page", "ページを保存"),
                dialogs::PromptKind::PickFolder => lang.pick("Save all pages into a folder", "すべてのページをフォルダーに保存"),
            };
            egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading(title);
                ui.label(lang.pick(
                    "No file dialog is available on this system (install xdg-desktop-portal-gtk or zenity to get one). Type the path instead.",
                    "このシステムではファイル選択ダイアログを使えません（xdg-desktop-portal-gtk または zenity を入れると使えます）。パスを入力してください。",
                ));
                let label = ui.label(if request.kind == dialogs::PromptKind::PickFolder {
                    lang.pick("Folder", "フォルダー")
                } else {
                    lang.pick("File", "ファイル")
                });
                let field = ui
                    .add(egui::TextEdit::singleline(&mut request.text).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                if !field.has_focus() && !field.lost_focus() {
                    field.request_focus();
                }
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let ok = ui.add_enabled(
                        !request.text.trim().is_empty(),
                        egui::Button::new(lang.pick("OK", "OK")),
                    );
                    if ok.clicked() || (entered && !request.text.trim().is_empty()) {
                        answer = Some(Some(request.text.clone()));
                    }
                    if ui.button(lang.pick("Cancel", "キャンセル")).clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        answer = Some(None);
                    }
                });
            });
            if let Some(answer) = answer
                && let Some(request) = pending.take()
            {
                request.answer(answer.as_deref());
            }
        });
    }
}

fn resolve_lang(pref: LanguagePref) -> Lang {
    match pref {
        LanguagePref::System => Lang::from_env(),
        LanguagePref::En => Lang::En,
        LanguagePref::Ja => Lang::Ja,
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

fn job_id(now: i64) -> String {
    let mut bytes = [0_u8; 3];
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    let stamp = jiff::Timestamp::from_second(now).map_or_else(
        |_| now.to_string(),
        |t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y%m%d-%H%M%S")
                .to_string()
        },
    );
    format!("{stamp}-{:02x}{:02x}{:02x}", bytes[0], bytes[1], bytes[2])
}

async fn open_connection(
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
        match secrets.get(secrets::client_secret_account(&name)).await {
            Ok(Some(mut bytes)) => {
                let secret = String::from_utf8(bytes.clone()).ok().map(ClientSecret::new);
                zeroize::Zeroize::zeroize(&mut bytes);
                secret
            }
            Ok(None) => None,
            Err(e) => {
                tracing::info!(error = %e, "no client secret from the keyring");
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
    Ok(Connection {
        profile_name: name,
        profile,
        client,
        session,
        api,
        session_rx,
        refresher: None,
    })
}

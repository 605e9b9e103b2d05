//! The desktop app (eframe/egui 0.37). One file per screen; this file holds the app's
//! state, the connection to the chosen profile, and the jobs in flight.
//!
//! The UI thread never waits: every network, secret-store and file call runs on the tokio
//! runtime through [`tasks::Tasks`], and its result is picked up on a later frame.

mod account;
mod action;
mod browse;
mod browser;
mod challenge;
mod connection;
pub mod convert;
pub mod dialogs;
pub mod fonts;
mod forgot;
mod frame;
pub mod gallery;
pub mod jobs;
mod keep;
mod links;
pub mod look;
pub mod navigation;
mod profile_form;
mod qr;
mod results;
mod running;
mod save_all;
pub mod settings;
pub mod sign_in;
pub mod startup;
pub mod status;
pub mod tasks;
#[cfg(test)]
mod test_app;
pub mod viewer;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use poll_promise::Promise;

use crate::config::{Config, LanguagePref, Profile, ThemePref};
use crate::i18n::Lang;
use crate::jobs::{JobFile, JobRecord};
use crate::local::RunningStack;
pub use crate::secrets::Secrets;
use crate::session::SessionState;
use crate::thumbs::{DiskCache, Thumbnailer};

pub use action::Action;
use connection::{ConnSlot, StackSlot};
pub use connection::{Connection, demo_profile};
pub use dialogs::{Dialogs, FixedDialogs, NativeDialogs};
pub use navigation::Event;
use running::RunningJob;
use tasks::{Tasks, Writer};

/// The name of the profile a first start creates.
pub const DEMO_PROFILE: &str = "Local demo";

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
    pub local_convert: Option<backend::ConvertSettings>,
    pub secrets: Secrets,
    pub dialogs: Arc<dyn Dialogs>,
    pub runtime: tokio::runtime::Handle,
}

impl AppOptions {
    /// The platform's places, the system's secret store and native dialogs.
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
        renderer: renderer(),
        ..eframe::NativeOptions::default()
    };
    startup::Trace::window_requested();
    eframe::run_native(
        "Receipt Desk",
        native,
        Box::new(move |cc| Ok(Box::new(App::new(&cc.egui_ctx, options)))),
    )
    .map_err(|e| e.to_string())
}

/// The window's renderer: glow (OpenGL) unless `RECEIPT_DESK_RENDERER=wgpu` in a build
/// with the `wgpu` feature.
fn renderer() -> eframe::Renderer {
    match std::env::var("RECEIPT_DESK_RENDERER").as_deref() {
        #[cfg(feature = "wgpu")]
        Ok("wgpu") => eframe::Renderer::Wgpu,
        #[cfg(not(feature = "wgpu"))]
        Ok("wgpu") => {
            tracing::warn!(
                "RECEIPT_DESK_RENDERER=wgpu: this build has no wgpu (cargo build --features wgpu); using glow"
            );
            eframe::Renderer::Glow
        }
        _ => eframe::Renderer::Glow,
    }
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

/// What the app starts from: the config (or why it could not be read) and the jobs.
struct StartState {
    /// `Err`: unreadable and not moved aside, so it must not be written.
    config: Result<(Config, Option<String>), String>,
    jobs: JobFile,
    jobs_problem: Option<String>,
}

impl StartState {
    fn read(config_path: &std::path::Path, data_dir: &std::path::Path) -> Self {
        let (jobs, jobs_problem) = JobFile::load(&JobFile::path(data_dir));
        Self {
            config: Config::load_keeping(config_path),
            jobs,
            jobs_problem,
        }
    }
}

pub struct App {
    tasks: Tasks,
    lang: Lang,
    lang_override: Option<Lang>,
    theme_override: Option<ThemePref>,
    data_dir: PathBuf,
    local_convert: Option<backend::ConvertSettings>,
    secrets: Secrets,
    dialogs: Arc<dyn Dialogs>,
    config: Config,
    config_writer: Writer<Config>,
    /// The config file could be neither read nor moved aside: nothing overwrites it.
    config_frozen: bool,
    jobs: JobFile,
    jobs_writer: Writer<JobFile>,
    /// The config and jobs files being read at start (`None` once taken in).
    loading: Option<Promise<StartState>>,
    /// `--profile`, applied once the config is read.
    profile_choice: Option<String>,
    /// What the screens asked for this frame (see `action`).
    actions: Vec<action::Action>,
    /// A problem to show at the top until dismissed (unreadable files, a write failure).
    banner: Option<String>,
    screen: Screen,
    profile_name: String,
    stack: StackSlot,
    conn: ConnSlot,
    session: SessionState,
    last_refresh: Option<jiff::Timestamp>,
    running: HashMap<String, RunningJob>,
    /// Jobs whose pages are being read from their upload prefix.
    results_loading:
        HashMap<String, poll_promise::Promise<Result<crate::api::ConvertResult, String>>>,
    title: String,
    sign_in: sign_in::SignInState,
    settings: settings::SettingsState,
    convert: convert::ConvertState,
    browse: browse::BrowseState,
    jobs_view: jobs::JobsViewState,
    thumbnailer: Arc<Thumbnailer>,
    gallery: gallery::GalleryState,
    startup: startup::Trace,
}

impl App {
    pub fn new(ctx: &egui::Context, options: AppOptions) -> Self {
        let trace = startup::Trace::from_env();
        trace.app_begins();
        fonts::install(ctx);
        look::install(ctx);
        let tasks = Tasks::new(options.runtime.clone(), ctx.clone());
        options.dialogs.attach(ctx);
        let config_path = options.config_path.clone();
        let config_writer = Writer::new(&tasks, move |config: &Config| {
            config.save(&config_path).map_err(|e| e.to_string())
        });
        let jobs_path = JobFile::path(&options.data_dir);
        // The jobs file is serialised here, off the UI thread, not on each change.
        let jobs_writer = Writer::new(&tasks, move |jobs: &JobFile| {
            crate::fsutil::write_private_atomic(&jobs_path, &jobs.to_json())
                .map_err(|e| format!("{}: {e}", jobs_path.display()))
        });
        // The config and jobs files are read on the runtime: the first frame does not
        // wait on the disk.
        let (config_path, data_dir) = (options.config_path.clone(), options.data_dir.clone());
        let loading = tasks.spawn(async move {
            crate::save::blocking(move || StartState::read(&config_path, &data_dir))
                .await
                .unwrap_or_else(|e| StartState {
                    config: Err(e),
                    jobs: JobFile::default(),
                    jobs_problem: None,
                })
        });
        let app = Self {
            tasks,
            lang: options.lang.unwrap_or_else(Lang::from_env),
            lang_override: options.lang,
            theme_override: options.theme,
            profile_choice: options.profile,
            actions: Vec::new(),
            loading: Some(loading),
            config_frozen: false,
            data_dir: options.data_dir,
            local_convert: options.local_convert,
            secrets: options.secrets,
            dialogs: options.dialogs,
            config: Config::default(),
            config_writer,
            jobs: JobFile::default(),
            jobs_writer,
            banner: None,
            screen: Screen::SignIn,
            profile_name: String::new(),
            stack: StackSlot::Off,
            conn: ConnSlot::None,
            session: SessionState::SignedOut { reason: None },
            last_refresh: None,
            running: HashMap::new(),
            results_loading: HashMap::new(),
            title: String::new(),
            sign_in: sign_in::SignInState::default(),
            settings: settings::SettingsState::default(),
            convert: convert::ConvertState::default(),
            browse: browse::BrowseState::default(),
            jobs_view: jobs::JobsViewState::default(),
            thumbnailer: Thumbnailer::new(
                options
                    .cache_dir
                    .map(DiskCache::new)
                    .or_else(DiskCache::platform),
            ),
            gallery: gallery::GalleryState::default(),
            startup: trace,
        };
        app.apply_theme(ctx);
        app.startup.app_created();
        app
    }

    /// Takes in the config and jobs files once read: the first start's demo profile,
    /// the language, the profile to open, and the connection to it.
    fn start_with(&mut self, state: StartState) {
        let (mut config, banner) = match state.config {
            Ok((config, problem)) => (config, problem),
            Err(problem) => {
                self.config_frozen = true;
                (Config::default(), Some(problem))
            }
        };
        let first_start = config.profiles.is_empty() && banner.is_none();
        if first_start {
            config
                .profiles
                .insert(DEMO_PROFILE.to_owned(), demo_profile());
            config.default_profile = Some(DEMO_PROFILE.to_owned());
        }
        self.banner = banner.or(state.jobs_problem);
        self.lang = self
            .lang_override
            .unwrap_or_else(|| resolve_lang(config.ui.language));
        self.profile_name = config
            .profile(self.profile_choice.as_deref())
            .map(|(name, _)| name)
            .or_else(|_| config.profiles.keys().next().cloned().ok_or(()))
            .unwrap_or_default();
        self.thumbnailer
            .set_cache_limit(u64::from(config.ui.thumbnail_cache_mb) << 20);
        self.config = config;
        self.jobs = state.jobs;
        if first_start {
            self.save_config();
        }
        self.apply_theme(&self.tasks.ctx().clone());
        self.reset_sign_in();
        self.connect();
    }

    /// Whether the config and jobs files are still being read.
    fn poll_loading(&mut self) -> bool {
        let Some(loading) = &self.loading else {
            return false;
        };
        if loading.ready().is_none() {
            return true;
        }
        if let Some(Ok(state)) = self.loading.take().map(Promise::try_take) {
            self.start_with(state);
        }
        false
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

    /// Work in flight (network calls, secret-store calls, file writes) and thumbnails waiting
    /// for their upload in a coming frame.
    /// The link a waiting browser sign-in opened (tests play the browser with it).
    pub fn browser_sign_in_url(&self) -> Option<String> {
        self.browser_link()
    }

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
        // What was typed for the account of the one who signed out.
        self.settings.account.clear();
        let profile = self.config.profiles.get(&self.profile_name).cloned();
        self.sign_in.prefill(profile.as_ref());
    }

    fn profile(&self) -> Option<&Profile> {
        self.config.profiles.get(&self.profile_name)
    }

    // ----- persistence -----

    fn save_config(&mut self) {
        if self.config_frozen {
            return;
        }
        self.config_writer.set(&self.tasks, self.config.clone());
    }

    fn save_jobs(&mut self) {
        self.jobs_writer.set(&self.tasks, self.jobs.clone());
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
}

fn resolve_lang(pref: LanguagePref) -> Lang {
    match pref {
        LanguagePref::System => Lang::from_env(),
        LanguagePref::En => Lang::En,
        LanguagePref::Ja => Lang::Ja,
    }
}

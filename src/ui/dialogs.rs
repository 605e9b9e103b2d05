//! File dialogs behind a trait: the app uses rfd (XDG portal, then zenity, or the
//! platform's own); where none of those exists it asks for the path inside the window
//! ([`PathPrompt`]), so Save…, Save all…, Import… and Export… always work. Tests answer
//! with fixed paths. `None` is a real cancel, never an error.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use tokio::sync::oneshot;

pub type Answer = Pin<Box<dyn Future<Output = Option<PathBuf>> + Send>>;

pub trait Dialogs: Send + Sync {
    /// Pick a profile file (TOML) to import.
    fn open_profile(&self) -> Answer;
    /// Where to export a profile; `default_name` is offered.
    fn save_profile(&self, default_name: String) -> Answer;
    /// Where to save one JPEG page; `default_name` is offered.
    fn save_image(&self, default_name: String) -> Answer;
    /// A folder to save all of a job's pages into.
    fn pick_folder(&self) -> Answer;
    /// The in-app path prompt these dialogs fall back to; the window draws it.
    fn prompt(&self) -> Option<&PathPrompt> {
        None
    }
    /// Called once with the window's context, so a prompt can wake the window.
    fn attach(&self, _ctx: &egui::Context) {}
}

/// What the in-app prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    OpenProfile,
    SaveProfile,
    SaveImage,
    PickFolder,
}

/// One question to the person: the path typed so far (starting at a default) and where
/// the answer goes.
pub struct PathRequest {
    pub kind: PromptKind,
    pub text: String,
    reply: oneshot::Sender<Option<PathBuf>>,
}

impl PathRequest {
    /// The person's answer: `None` cancels. A leading `~/` means the home folder.
    pub fn answer(self, path: Option<&str>) {
        let path = path
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(expand_home);
        let _ = self.reply.send(path);
    }
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), directories::BaseDirs::new()) {
        (Some(rest), Some(base)) => base.home_dir().join(rest),
        _ => PathBuf::from(path),
    }
}

/// The in-app stand-in for a file dialog: at most one question at a time.
#[derive(Default)]
pub struct PathPrompt {
    pending: Mutex<Option<PathRequest>>,
    window: Mutex<Option<egui::Context>>,
}

impl PathPrompt {
    /// Asks for a path, starting from `default`; a question still open is cancelled.
    pub fn ask(&self, kind: PromptKind, default: &Path) -> Answer {
        let (reply, answer) = oneshot::channel();
        let request = PathRequest {
            kind,
            text: default.display().to_string(),
            reply,
        };
        *self.pending.lock().unwrap_or_else(PoisonError::into_inner) = Some(request);
        if let Some(ctx) = &*self.window.lock().unwrap_or_else(PoisonError::into_inner) {
            ctx.request_repaint();
        }
        Box::pin(async move { answer.await.ok().flatten() })
    }

    /// The open question, to draw and edit (on the UI thread; the lock is brief).
    pub fn with_pending<R>(&self, f: impl FnOnce(&mut Option<PathRequest>) -> R) -> R {
        f(&mut self.pending.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn attach(&self, ctx: &egui::Context) {
        *self.window.lock().unwrap_or_else(PoisonError::into_inner) = Some(ctx.clone());
    }
}

/// Where the prompt starts for pages: the Pictures (else Downloads, else home) folder.
/// It reads `user-dirs.dirs`, so it runs off the UI thread.
fn default_folder() -> PathBuf {
    let user = directories::UserDirs::new();
    user.as_ref()
        .and_then(|u| u.picture_dir().or_else(|| u.download_dir()))
        .map(Path::to_owned)
        .or_else(|| user.as_ref().map(|u| u.home_dir().to_owned()))
        .unwrap_or_default()
        .join("Receipt Desk")
}

fn home() -> PathBuf {
    directories::BaseDirs::new()
        .map(|b| b.home_dir().to_owned())
        .unwrap_or_default()
}

const UNKNOWN: u8 = 0;
const NATIVE: u8 = 1;
const IN_APP: u8 = 2;

/// The platform's dialogs through rfd, or the in-app prompt where the system has no
/// dialog to show (a Linux desktop without xdg-desktop-portal or zenity).
pub struct NativeDialogs {
    prompt: Arc<PathPrompt>,
    /// Whether the system can show a dialog: looked up once, off the UI thread.
    mode: Arc<AtomicU8>,
    /// The prompt's folder for pages ([`default_folder`]): looked up once, off the UI
    /// thread.
    folder: Arc<OnceLock<PathBuf>>,
}

impl Default for NativeDialogs {
    fn default() -> Self {
        Self {
            prompt: Arc::default(),
            mode: Arc::new(AtomicU8::new(UNKNOWN)),
            folder: Arc::default(),
        }
    }
}

impl NativeDialogs {
    /// Always the in-app prompt (tests; systems known to have no dialog). Made before
    /// the window opens: it looks the folder up at once.
    pub fn in_app_only() -> Self {
        Self {
            prompt: Arc::default(),
            mode: Arc::new(AtomicU8::new(IN_APP)),
            folder: Arc::new(OnceLock::from(default_folder())),
        }
    }

    /// The native dialog when the system has one, else the in-app prompt starting at
    /// `default` (given the folder for pages).
    fn either(
        &self,
        kind: PromptKind,
        default: impl FnOnce(&Path) -> PathBuf + Send + 'static,
        native: impl FnOnce() -> Answer + Send + 'static,
    ) -> Answer {
        if self.mode.load(Ordering::Relaxed) == IN_APP
            && let Some(folder) = self.folder.get()
        {
            return self.prompt.ask(kind, &default(folder));
        }
        let mode = Arc::clone(&self.mode);
        let prompt = Arc::clone(&self.prompt);
        let folder = Arc::clone(&self.folder);
        Box::pin(async move {
            if mode.load(Ordering::Relaxed) == UNKNOWN {
                let found = crate::save::blocking(system_has_file_dialogs)
                    .await
                    .unwrap_or(true);
                if !found {
                    tracing::warn!(
                        "no file dialog on this system (no xdg-desktop-portal, no zenity): asking in the window"
                    );
                }
                mode.store(if found { NATIVE } else { IN_APP }, Ordering::Relaxed);
            }
            if mode.load(Ordering::Relaxed) == IN_APP {
                let found = match folder.get() {
                    Some(found) => found.clone(),
                    None => match crate::save::blocking(default_folder).await {
                        Ok(found) => folder.get_or_init(|| found).clone(),
                        // Not kept: the next prompt looks again.
                        Err(_) => home().join("Receipt Desk"),
                    },
                };
                prompt.ask(kind, &default(&found)).await
            } else {
                native().await
            }
        })
    }
}

impl Dialogs for NativeDialogs {
    fn open_profile(&self) -> Answer {
        self.either(
            PromptKind::OpenProfile,
            |_| home(),
            || {
                let dialog = rfd::AsyncFileDialog::new()
                    .set_title("Receipt Desk")
                    .add_filter("TOML", &["toml"]);
                Box::pin(async move { dialog.pick_file().await.map(|f| f.path().to_owned()) })
            },
        )
    }

    fn save_profile(&self, default_name: String) -> Answer {
        let offered = default_name.clone();
        self.either(
            PromptKind::SaveProfile,
            move |_| home().join(offered),
            || {
                let dialog = rfd::AsyncFileDialog::new()
                    .set_title("Receipt Desk")
                    .add_filter("TOML", &["toml"])
                    .set_file_name(default_name);
                Box::pin(async move { dialog.save_file().await.map(|f| f.path().to_owned()) })
            },
        )
    }

    fn save_image(&self, default_name: String) -> Answer {
        let offered = default_name.clone();
        self.either(
            PromptKind::SaveImage,
            move |folder| folder.join(offered),
            || {
                let dialog = rfd::AsyncFileDialog::new()
                    .set_title("Receipt Desk")
                    .add_filter("JPEG", &["jpg", "jpeg"])
                    .set_file_name(default_name);
                Box::pin(async move { dialog.save_file().await.map(|f| f.path().to_owned()) })
            },
        )
    }

    fn pick_folder(&self) -> Answer {
        self.either(PromptKind::PickFolder, Path::to_owned, || {
            let dialog = rfd::AsyncFileDialog::new().set_title("Receipt Desk");
            Box::pin(async move { dialog.pick_folder().await.map(|f| f.path().to_owned()) })
        })
    }

    fn prompt(&self) -> Option<&PathPrompt> {
        Some(&self.prompt)
    }

    fn attach(&self, ctx: &egui::Context) {
        self.prompt.attach(ctx);
    }
}

/// Whether rfd can show a dialog here. On Linux and the BSDs it needs the desktop
/// portal on the session bus, or `zenity`; elsewhere the platform always has one.
fn system_has_file_dialogs() -> bool {
    if !cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    )) {
        return true;
    }
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let data_dirs = env("XDG_DATA_DIRS").map_or_else(
        || {
            vec![
                PathBuf::from("/usr/local/share"),
                PathBuf::from("/usr/share"),
            ]
        },
        |v| std::env::split_paths(&v).collect(),
    );
    let path = env("PATH").map(|v| std::env::split_paths(&v).collect::<Vec<_>>());
    has_file_dialogs(
        env("DBUS_SESSION_BUS_ADDRESS").is_some(),
        &data_dirs,
        path.as_deref().unwrap_or_default(),
    )
}

/// The check behind [`system_has_file_dialogs`], with the environment passed in.
fn has_file_dialogs(session_bus: bool, data_dirs: &[PathBuf], path: &[PathBuf]) -> bool {
    let portal = session_bus
        && data_dirs.iter().any(|dir| {
            dir.join("dbus-1/services/org.freedesktop.portal.Desktop.service")
                .is_file()
        })
        && data_dirs.iter().any(|dir| {
            std::fs::read_dir(dir.join("xdg-desktop-portal/portals")).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|e| e.path().extension().is_some_and(|x| x == "portal"))
            })
        });
    portal || path.iter().any(|dir| dir.join("zenity").is_file())
}

/// Answers every dialog with the given paths (tests, scripted runs).
pub struct FixedDialogs {
    pub open: Option<PathBuf>,
    pub save: Option<PathBuf>,
    pub folder: Option<PathBuf>,
}

impl Dialogs for FixedDialogs {
    fn open_profile(&self) -> Answer {
        let path = self.open.clone();
        Box::pin(async move { path })
    }

    fn save_profile(&self, _default_name: String) -> Answer {
        let path = self.save.clone();
        Box::pin(async move { path })
    }

    fn save_image(&self, default_name: String) -> Answer {
        let path = self.folder.as_ref().map(|f| f.join(default_name));
        Box::pin(async move { path })
    }

    fn pick_folder(&self) -> Answer {
        let path = self.folder.clone();
        Box::pin(async move { path })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialogs_need_a_portal_with_a_backend_on_the_bus_or_zenity() {
        let dir = tempfile::tempdir().expect("tempdir");
        let share = dir.path().join("share");
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(share.join("dbus-1/services")).expect("mkdir");
        std::fs::create_dir_all(share.join("xdg-desktop-portal/portals")).expect("mkdir");
        std::fs::create_dir_all(&bin).expect("mkdir");
        let dirs = [share.clone()];
        let path = [bin.clone()];
        assert!(!has_file_dialogs(true, &dirs, &path), "nothing installed");
        std::fs::write(
            share.join("dbus-1/services/org.freedesktop.portal.Desktop.service"),
            "",
        )
        .expect("write");
        assert!(
            !has_file_dialogs(true, &dirs, &path),
            "the portal without a backend shows no dialog"
        );
        std::fs::write(share.join("xdg-desktop-portal/portals/gtk.portal"), "").expect("write");
        assert!(has_file_dialogs(true, &dirs, &path));
        assert!(!has_file_dialogs(false, &dirs, &path), "no session bus");
        std::fs::write(bin.join("zenity"), "").expect("write");
        assert!(has_file_dialogs(false, &dirs, &path), "zenity needs no bus");
    }

    #[test]
    fn the_prompt_answers_the_typed_path_and_cancel_is_none() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let prompt = PathPrompt::default();
        let answer = prompt.ask(PromptKind::SaveImage, Path::new("/tmp/a.jpg"));
        let request = prompt.with_pending(Option::take).expect("a question");
        assert_eq!(request.text, "/tmp/a.jpg");
        request.answer(Some(" /tmp/b.jpg "));
        assert_eq!(runtime.block_on(answer), Some(PathBuf::from("/tmp/b.jpg")));
        let answer = prompt.ask(PromptKind::PickFolder, Path::new("/tmp"));
        prompt
            .with_pending(Option::take)
            .expect("a question")
            .answer(None);
        assert_eq!(runtime.block_on(answer), None);
    }
}

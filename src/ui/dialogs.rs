//! File dialogs behind a trait: the app uses rfd (XDG portal, zenity, or the platform's
//! own), tests answer with fixed paths. A dialog that cannot open reads as "cancelled".

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

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
}

/// The platform's dialogs through rfd.
pub struct NativeDialogs;

impl Dialogs for NativeDialogs {
    fn open_profile(&self) -> Answer {
        let dialog = rfd::AsyncFileDialog::new()
            .set_title("Receipt Desk")
            .add_filter("TOML", &["toml"]);
        Box::pin(async move { dialog.pick_file().await.map(|f| f.path().to_owned()) })
    }

    fn save_profile(&self, default_name: String) -> Answer {
        let dialog = rfd::AsyncFileDialog::new()
            .set_title("Receipt Desk")
            .add_filter("TOML", &["toml"])
            .set_file_name(default_name);
        Box::pin(async move { dialog.save_file().await.map(|f| f.path().to_owned()) })
    }

    fn save_image(&self, default_name: String) -> Answer {
        let dialog = rfd::AsyncFileDialog::new()
            .set_title("Receipt Desk")
            .add_filter("JPEG", &["jpg", "jpeg"])
            .set_file_name(default_name);
        Box::pin(async move { dialog.save_file().await.map(|f| f.path().to_owned()) })
    }

    fn pick_folder(&self) -> Answer {
        let dialog = rfd::AsyncFileDialog::new().set_title("Receipt Desk");
        Box::pin(async move { dialog.pick_folder().await.map(|f| f.path().to_owned()) })
    }
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

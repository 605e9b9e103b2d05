//! Keeping what the person asked to keep: every page of a job in a folder (Save all),
//! one page or a profile export at a path they chose, a page handed to the system's
//! viewer. Nothing is written over an existing file unless they said so.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::thumbs::{self, Item, Thumbnailer};

/// What Save all did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveReport {
    pub saved: usize,
    pub skipped: usize,
    /// File name and why it failed.
    pub failed: Vec<(String, String)>,
    pub cancelled: bool,
    pub folder: PathBuf,
}

/// Progress of a Save all that another thread watches and may stop.
#[derive(Debug, Clone, Default)]
pub struct SaveProgress {
    pub done: Arc<AtomicUsize>,
    pub cancel: Arc<AtomicBool>,
}

/// Which of `names` already exist in `folder`.
pub async fn existing_names(folder: PathBuf, names: Vec<String>) -> Vec<String> {
    tokio::task::spawn_blocking(move || {
        names
            .into_iter()
            .filter(|n| folder.join(n).exists())
            .collect()
    })
    .await
    .unwrap_or_default()
}

/// Saves every item into `folder` under its file name; existing files are kept unless
/// `overwrite`. `on_page` is called after each page (the window repaints).
pub async fn pages_into_folder(
    thumbnailer: Arc<Thumbnailer>,
    items: Vec<Item>,
    folder: PathBuf,
    overwrite: bool,
    progress: SaveProgress,
    on_page: impl Fn() + Send,
) -> SaveReport {
    let mut report = SaveReport {
        folder: folder.clone(),
        ..SaveReport::default()
    };
    for item in items {
        if progress.cancel.load(Ordering::Relaxed) {
            report.cancelled = true;
            break;
        }
        let name = thumbs::file_name(&item.key);
        let path = folder.join(&name);
        let exists = tokio::fs::try_exists(&path).await.unwrap_or(false);
        if exists && !overwrite {
            report.skipped += 1;
        } else {
            match thumbnailer.save(&item.url, &path).await {
                Ok(()) => report.saved += 1,
                Err(e) => report.failed.push((name, e.to_string())),
            }
        }
        progress.done.fetch_add(1, Ordering::Relaxed);
        on_page();
    }
    report
}

/// Downloads a page into a private temporary folder, for the system's image viewer.
pub async fn page_for_viewer(
    thumbnailer: Arc<Thumbnailer>,
    url: String,
    name: String,
) -> Result<PathBuf, String> {
    let user = std::env::var("USER").unwrap_or_else(|_| "user".to_owned());
    let folder = std::env::temp_dir().join(format!("receipt-desk-{user}"));
    let path = folder.join(name);
    let dir = folder.clone();
    tokio::task::spawn_blocking(move || private_dir(&dir))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("{}: {e}", folder.display()))?;
    thumbnailer
        .save(&url, &path)
        .await
        .map(|()| path)
        .map_err(|e| e.to_string())
}

/// Creates `dir` readable by its owner only.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates the folder pages are saved into (and its parents); errors name it.
pub async fn create_folder(dir: PathBuf) -> Result<(), String> {
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| format!("{}: {e}", dir.display()))
}

/// Reads a file the person picked (a profile to import); errors name the file.
pub async fn read_text(path: PathBuf) -> Result<String, String> {
    tokio::fs::read_to_string(&path)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes a file the person named (a profile export); errors name the file.
pub async fn write_text(path: PathBuf, text: String) -> Result<(), String> {
    tokio::fs::write(&path, text)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs file or system work off the async threads (and off the UI thread).
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())
}

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

/// Where each page of a batch goes under the chosen folder: its key below the folder
/// all the keys share, each part made a safe file name, so same-named receipts from
/// different folders keep apart. A name that still repeats (two keys that clean up
/// alike) gets `-2`, `-3`… before its extension: nothing in a batch lands on another.
pub fn relative_names(keys: &[&str]) -> Vec<String> {
    let shared = keys.first().map_or(0, |first| {
        let mut end = first.rfind('/').map_or(0, |i| i + 1);
        for key in &keys[1..] {
            while !key.starts_with(&first[..end]) {
                end = first[..end.saturating_sub(1)]
                    .rfind('/')
                    .map_or(0, |i| i + 1);
            }
        }
        end
    });
    let mut taken = std::collections::HashSet::new();
    keys.iter()
        .map(|key| {
            let parts: Vec<String> = key[shared.min(key.len())..]
                .split('/')
                .filter(|part| !part.is_empty() && *part != "." && *part != "..")
                .map(thumbs::file_name)
                .collect();
            let name = if parts.is_empty() {
                "page.jpg".to_owned()
            } else {
                parts.join("/")
            };
            let mut unique = name.clone();
            let mut n = 2;
            while !taken.insert(unique.to_lowercase()) {
                unique = match name.rsplit_once('.') {
                    Some((stem, ext)) if !stem.ends_with('/') => format!("{stem}-{n}.{ext}"),
                    _ => format!("{name}-{n}"),
                };
                n += 1;
            }
            unique
        })
        .collect()
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

/// The pages of an answer that can be fetched (those with a URL), each with its page
/// number in its PDF: what the gallery shows and what Save all and `--download` save.
pub fn result_pages(result: &crate::api::ConvertResult) -> Vec<(Item, Option<u32>)> {
    result
        .converted
        .iter()
        .filter_map(|page| {
            let url = page.url.clone()?;
            let item = Item {
                key: page.key.clone(),
                url,
                bytes: page.bytes,
            };
            Some((item, page.page))
        })
        .collect()
}

/// Saves every item into `folder` under its [`relative_names`]; existing files are kept unless
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
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    let names = relative_names(&keys);
    for (item, name) in items.iter().zip(names) {
        if progress.cancel.load(Ordering::Relaxed) {
            report.cancelled = true;
            break;
        }
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

#[cfg(test)]
mod tests {
    use super::relative_names;

    #[test]
    fn pages_keep_their_folders_below_the_shared_one_and_never_collide() {
        let keys = [
            "api/receipts/r6/jpeg/shop-a/receipt-1.jpg",
            "api/receipts/r6/jpeg/shop-b/receipt-1.jpg",
            "api/receipts/r6/jpeg/receipt:2.jpg",
            "api/receipts/r6/jpeg/receipt_2.jpg",
            "api/receipts/r6/jpeg/shop-a/../RECEIPT-1.JPG",
        ];
        assert_eq!(
            relative_names(&keys),
            [
                "shop-a/receipt-1.jpg",
                "shop-b/receipt-1.jpg",
                "receipt_2.jpg",
                "receipt_2-2.jpg",
                "shop-a/RECEIPT-1-2.JPG",
            ]
        );
    }

    #[test]
    fn one_folder_gives_plain_names_and_odd_keys_stay_inside() {
        assert_eq!(relative_names(&["p/a.jpg", "p/b.jpg"]), ["a.jpg", "b.jpg"]);
        assert_eq!(
            relative_names(&["x/a.jpg", "y/a.jpg"]),
            ["x/a.jpg", "y/a.jpg"]
        );
        assert_eq!(relative_names(&["../../etc/passwd"]), ["passwd"]);
        assert_eq!(
            relative_names(&["a/", "/", "//"]),
            ["a", "page.jpg", "page-2.jpg"]
        );
        assert!(relative_names(&[]).is_empty());
    }
}

//! PDF pages to JPEGs within a budget. hayro can neither be interrupted nor told how much
//! memory it may take, and a 400-byte PDF can ask it for gigabytes (an allocation failure
//! aborts a Rust process), so renders run where they can be abandoned: a child process of
//! a render-capable executable (`child.rs`), under an address-space limit, killed at its
//! deadline and replaced.
//!
//! Which executable renders, first match wins:
//! 1. [`ConvertSettings::render_exe`] (tests name `env!("CARGO_BIN_EXE_receipt-desk")`);
//! 2. the `RECEIPT_DESK_RENDER_EXE` environment variable;
//! 3. this process's own executable, when its `main` called
//!    [`render_child_main_if_requested`] first thing (`receipt-desk`, the `api` and
//!    `worker` Lambdas), which is what the app, `serve` and AWS use;
//! 4. none (a test or bench binary that names no executable): pages render on a blocking
//!    thread here, as before the render process existed. The cheap checks (file size,
//!    page count, pixel limit) still hold and the deadline still answers the caller, but
//!    a runaway render keeps its thread and nothing bounds its memory.

mod child;
mod page;
mod pdf;
mod process;
mod wire;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

pub use self::child::COMMAND;
pub use self::page::{count_pages, render_page};
pub use self::pdf::{PagesFailed, Rendered, count_pages_within, render_pages_within};
use crate::ConvertSettings;

/// Why a PDF or page failed: a [`reason`](crate::contract::reason) code and English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    pub reason: &'static str,
    pub error: String,
}

impl PageError {
    pub fn new(reason: &'static str, error: impl Into<String>) -> Self {
        Self {
            reason,
            error: error.into(),
        }
    }
}

/// A rendered page: the JPEG and its size in pixels.
pub struct Jpeg {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// What the render process needs to know of [`ConvertSettings`].
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub(crate) struct PageSettings {
    pub dpi: f32,
    pub quality: u8,
    pub max_side_pixels: u32,
}

impl From<&ConvertSettings> for PageSettings {
    fn from(settings: &ConvertSettings) -> Self {
        Self {
            dpi: settings.dpi,
            quality: settings.quality,
            max_side_pixels: settings.max_side_pixels,
        }
    }
}

/// Set once this process is known to serve [`COMMAND`] (its `main` asked).
static SERVES_RENDERS: AtomicBool = AtomicBool::new(false);

/// Call first thing in `main`: when the first argument is [`COMMAND`], this process is a
/// render process — it serves its parent over stdin/stdout and exits without returning.
/// Otherwise it returns, and remembers that this executable can render, so renders
/// started here run in children of it.
pub fn render_child_main_if_requested() {
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|first| first == COMMAND) {
        let code = child::serve(std::io::stdin().lock(), std::io::stdout().lock());
        std::process::exit(code);
    }
    SERVES_RENDERS.store(true, Ordering::Relaxed);
}

/// The executable renders run in, or `None` for this process (see the module doc).
pub(crate) fn render_exe(settings: &ConvertSettings) -> Option<PathBuf> {
    if let Some(exe) = settings.render_exe {
        return Some(exe.to_path_buf());
    }
    if let Some(exe) = std::env::var_os("RECEIPT_DESK_RENDER_EXE").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(exe));
    }
    if SERVES_RENDERS.load(Ordering::Relaxed) {
        return std::env::current_exe().ok();
    }
    None
}

//! What a job reports: each JPEG written, each PDF or page that failed, and the stable
//! `reason` codes of failures (part of the contract).

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Converted {
    pub source_key: String,
    pub page: usize,
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// A PDF (or one of its pages) that could not be converted: English text for people and
/// logs, and a stable `reason` code clients translate (see [`reason`]).
#[derive(Debug, Clone, Serialize)]
pub struct Failed {
    pub source_key: String,
    pub error: String,
    pub reason: &'static str,
}

/// The `reason` codes of `failed[]` items: part of the `/convert` contract, never renamed.
pub mod reason {
    /// No `%PDF-` header: some other file with a `.pdf` name.
    pub const NOT_PDF: &str = "not_pdf";
    pub const ENCRYPTED_PDF: &str = "encrypted_pdf";
    pub const DAMAGED_PDF: &str = "damaged_pdf";
    pub const NO_PAGES: &str = "no_pages";
    /// A page beyond the pixel limit (a hostile or mistaken `MediaBox`).
    pub const TOO_LARGE: &str = "too_large";
    /// The file could not be read from the bucket.
    pub const UNREADABLE: &str = "unreadable";
    /// Rendering this page took longer than allowed (Lambda's limit; not the local stack).
    pub const RENDER_TIMEOUT: &str = "render_timeout";
    /// The renderer failed or crashed on the page.
    pub const RENDER_FAILED: &str = "render_failed";
    pub const ENCODE_FAILED: &str = "encode_failed";
    pub const WRITE_FAILED: &str = "write_failed";
}

/// Why a PDF or page failed: a [`reason`] code and the English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    pub reason: &'static str,
    pub error: String,
}

impl PageError {
    pub(super) fn new(reason: &'static str, error: impl Into<String>) -> Self {
        Self {
            reason,
            error: error.into(),
        }
    }
}

//! Receipt Desk's backend: the `/convert` contract ([`contract`]), its handlers as plain
//! async functions ([`Backend`]), the PDF renderer ([`render`]), and the places a job
//! lives — storage ([`storage`]: S3 or folders), job records ([`jobs`]: DynamoDB or
//! memory) and the work queue ([`queue`]: SQS or in-process workers).
//!
//! The Lambdas (`src/bin/api.rs`, `src/bin/worker.rs`, feature `lambda`) and the app's
//! local stack (an axum adapter in the app crate) call the same handlers, so the demo and
//! AWS cannot drift apart.

pub mod aws;
pub mod browse;
pub mod contract;
mod env;
pub mod files;
mod handlers;
mod ids;
pub mod jobs;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod queue;
pub mod render;
pub mod storage;

pub use self::handlers::{Answer, Backend, Caller, MAX_RECEIVES, WorkError};
pub use self::render::render_child_main_if_requested;

/// How pages are rendered and how big a job may be before it is queued.
#[derive(Debug, Clone, Copy)]
pub struct ConvertSettings {
    pub dpi: f32,
    pub quality: u8,
    /// A job of at most `inline_max_pdfs` PDFs and at most this many pages is converted
    /// while the request waits (`200`); anything bigger is queued (`202`).
    pub async_threshold_pages: usize,
    /// More PDFs than this are queued without opening them.
    pub inline_max_pdfs: usize,
    /// A job converted while the request waits that has not finished by then (from the
    /// request's start) is queued instead, so the answer comes before API Gateway's
    /// 29 s; pages already written are written again, under the same keys.
    pub inline_deadline: std::time::Duration,
    /// How long a result URL stays valid.
    pub url_ttl_seconds: u64,
    /// Pages larger than this many pixels on a side are refused (a hostile `MediaBox`).
    pub max_side_pixels: u32,
    /// PDFs larger than this are refused (`too_large`) without being read.
    pub max_pdf_bytes: u64,
    /// PDFs with more pages than this are refused (`too_many_pages`).
    pub max_pages_per_pdf: u32,
    /// In-process workers (the local stack); Lambda scales by concurrency instead.
    pub workers: usize,
    /// How long all page renders of one PDF may take together, from the moment its first
    /// render starts; pages left then fail with `render_timeout`.
    pub render_budget_per_pdf: std::time::Duration,
    /// How long one page (or counting the pages) may take.
    pub render_budget_per_page: std::time::Duration,
    /// The render process's address space (`RLIMIT_AS`); a page that needs more fails
    /// with `too_large`. 0 sets no limit.
    pub render_memory_bytes: u64,
    /// The executable whose render processes render pages; `None` looks further (see
    /// [`render`]). `&'static` keeps these settings `Copy`: tests pass
    /// `Path::new(env!("CARGO_BIN_EXE_receipt-desk"))`.
    pub render_exe: Option<&'static std::path::Path>,
}

impl Default for ConvertSettings {
    fn default() -> Self {
        Self {
            dpi: 150.0,
            quality: 85,
            async_threshold_pages: 20,
            inline_max_pdfs: 10,
            inline_deadline: std::time::Duration::from_secs(20),
            url_ttl_seconds: 15 * 60,
            max_side_pixels: 12_000,
            max_pdf_bytes: 100 * 1024 * 1024,
            max_pages_per_pdf: 1000,
            workers: std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            render_budget_per_pdf: std::time::Duration::from_secs(10),
            render_budget_per_page: std::time::Duration::from_secs(5),
            render_memory_bytes: 1 << 30,
            render_exe: None,
        }
    }
}

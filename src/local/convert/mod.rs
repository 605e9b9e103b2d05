//! `/convert`: every PDF under a prefix becomes one JPEG per page under another.
//!
//! Pages are rendered with hayro (pure Rust, so the embedded demo needs no system
//! library) and encoded with jpeg-encoder, off the request path on a pool bounded to the
//! machine's cores. A broken PDF or page lands in `failed` with a reason and never stops
//! the others. Big jobs answer `202` and are followed through their job status.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::files;

/// How pages are rendered and when a job goes asynchronous.
#[derive(Debug, Clone, Copy)]
pub struct ConvertSettings {
    pub dpi: f32,
    pub quality: u8,
    /// Jobs with more pages than this answer 202 and run in the background.
    pub async_threshold_pages: usize,
    /// How long a signed result URL stays valid.
    pub url_ttl_seconds: i64,
    /// Pages larger than this many pixels on a side are refused (a hostile `MediaBox`).
    pub max_side_pixels: u32,
}

impl Default for ConvertSettings {
    fn default() -> Self {
        Self {
            dpi: 150.0,
            quality: 85,
            async_threshold_pages: 20,
            url_ttl_seconds: 15 * 60,
            max_side_pixels: 12_000,
        }
    }
}

/// The contract's request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertRequest {
    pub bucket: String,
    pub pdf_prefix: String,
    pub upload_prefix: String,
}

#[derive(Deserialize)]
struct RequestBody {
    source_bucket: Option<serde_json::Value>,
    pdf_prefix: Option<serde_json::Value>,
    upload_prefix: Option<serde_json::Value>,
}

/// Reads and checks a request body; the error names the field that is wrong.
pub fn parse_request(body: &[u8]) -> Result<ConvertRequest, String> {
    let parsed: RequestBody = serde_json::from_slice(body).map_err(|e| {
        format!("The request body must be a JSON object with source_bucket, pdf_prefix and upload_prefix ({e})")
    })?;
    let field = |value: Option<serde_json::Value>, name: &str| match value {
        Some(serde_json::Value::String(s)) => Ok(s),
        Some(_) => Err(format!("{name} must be a string")),
        None => Err(format!("{name} is missing")),
    };
    let bucket = field(parsed.source_bucket, "source_bucket")?;
    let pdf_prefix = field(parsed.pdf_prefix, "pdf_prefix")?;
    let upload_prefix = field(parsed.upload_prefix, "upload_prefix")?;
    files::check_bucket(&bucket).map_err(|e| format!("source_bucket: {e}"))?;
    files::check_prefix(&pdf_prefix).map_err(|e| format!("pdf_prefix: {e}"))?;
    files::check_prefix(&upload_prefix).map_err(|e| format!("upload_prefix: {e}"))?;
    if pdf_prefix == upload_prefix {
        return Err("upload_prefix must differ from pdf_prefix".to_owned());
    }
    Ok(ConvertRequest {
        bucket,
        pdf_prefix,
        upload_prefix,
    })
}

/// One JPEG written.
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
    fn new(reason: &'static str, error: impl Into<String>) -> Self {
        Self {
            reason,
            error: error.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Succeeded,
    Failed,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub bucket: String,
    pub state: JobState,
    pub done: usize,
    pub total: usize,
    pub converted: Vec<Converted>,
    pub failed: Vec<Failed>,
}

/// Jobs by id; kept in memory for the stack's lifetime. Every change is announced on a
/// watch channel, so status requests can wait for progress instead of polling.
pub struct Jobs {
    jobs: Mutex<HashMap<String, Job>>,
    changed: tokio::sync::watch::Sender<u64>,
}

impl Default for Jobs {
    fn default() -> Self {
        Self {
            jobs: Mutex::default(),
            changed: tokio::sync::watch::Sender::new(0),
        }
    }
}

impl Jobs {
    /// A receiver that wakes on the next change to any job.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Job>> {
        self.jobs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn get(&self, id: &str) -> Option<Job> {
        self.lock().get(id).cloned()
    }

    fn update(&self, id: &str, change: impl FnOnce(&mut Job)) {
        if let Some(job) = self.lock().get_mut(id) {
            change(job);
        }
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// A PDF ready to render: its key, bytes and page count.
struct Source {
    key: String,
    bytes: Arc<Vec<u8>>,
    pages: usize,
}

/// Finds the PDFs under the prefix and counts their pages; broken ones come back as
/// failures. Blocking: call on a blocking thread.
fn survey(root: &Path, request: &ConvertRequest) -> std::io::Result<(Vec<Source>, Vec<Failed>)> {
    let mut sources = Vec::new();
    let mut failed = Vec::new();
    for (key, path) in files::list(root, &request.bucket, &request.pdf_prefix)? {
        if !key.to_ascii_lowercase().ends_with(".pdf") {
            continue;
        }
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                failed.push(Failed {
                    source_key: key,
                    error: format!("cannot read the file: {e}"),
                    reason: reason::UNREADABLE,
                });
                continue;
            }
        };
        match count_pages(&bytes) {
            Ok(0) => failed.push(Failed {
                source_key: key,
                error: "the PDF has no pages".to_owned(),
                reason: reason::NO_PAGES,
            }),
            Ok(pages) => sources.push(Source {
                key,
                bytes: Arc::new(bytes),
                pages,
            }),
            Err(e) => failed.push(Failed {
                source_key: key,
                error: e.error,
                reason: e.reason,
            }),
        }
    }
    Ok((sources, failed))
}

fn count_pages(bytes: &[u8]) -> Result<usize, PageError> {
    if !bytes.starts_with(b"%PDF-") && !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(PageError::new(
            reason::NOT_PDF,
            "not a PDF (no %PDF- header)",
        ));
    }
    let pdf = hayro::hayro_syntax::Pdf::new(bytes.to_vec()).map_err(|e| match e {
        hayro::hayro_syntax::LoadPdfError::Decryption(_) => PageError::new(
            reason::ENCRYPTED_PDF,
            "the PDF is encrypted or password-protected",
        ),
        hayro::hayro_syntax::LoadPdfError::Invalid => {
            PageError::new(reason::DAMAGED_PDF, "the PDF is damaged and cannot be read")
        }
    })?;
    Ok(pdf.pages().len())
}

/// Renders page `index` (0-based) to an RGBA pixmap and encodes it as JPEG.
pub fn render_page(
    bytes: &Arc<Vec<u8>>,
    index: usize,
    settings: &ConvertSettings,
) -> Result<(Vec<u8>, u32, u32), PageError> {
    use hayro::vello_cpu::color::palette::css::WHITE;
    let pdf = hayro::hayro_syntax::Pdf::new(Arc::clone(bytes)).map_err(|_| {
        PageError::new(reason::DAMAGED_PDF, "the PDF is damaged and cannot be read")
    })?;
    let page = pdf.pages().get(index).ok_or_else(|| {
        PageError::new(
            reason::RENDER_FAILED,
            format!("page {} does not exist", index + 1),
        )
    })?;
    let scale = settings.dpi / 72.0;
    let (width_pt, height_pt) = page.render_dimensions();
    let (width, height) = (width_pt * scale, height_pt * scale);
    let limit = settings.max_side_pixels as f32;
    if !(width >= 1.0 && height >= 1.0 && width <= limit && height <= limit) {
        return Err(PageError::new(
            reason::TOO_LARGE,
            format!(
                "page {} is {width:.0}×{height:.0} px at {} dpi, beyond the {} px limit",
                index + 1,
                settings.dpi,
                settings.max_side_pixels
            ),
        ));
    }
    let interpreter = hayro::hayro_interpret::InterpreterSettings::default();
    let cache = hayro::RenderCache::new();
    let pixmap = hayro::render(
        page,
        &cache,
        &interpreter,
        &hayro::RenderSettings::default(),
        &hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    let (w, h) = (pixmap.width(), pixmap.height());
    let mut jpeg = Vec::new();
    // The background is opaque white, so premultiplied RGBA is plain RGBA here.
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, settings.quality);
    // Record the resolution, so viewers and printers size the page right.
    encoder.set_density(jpeg_encoder::PixelDensity::dpi(settings.dpi.round() as u16));
    encoder
        .encode(
            pixmap.data_as_u8_slice(),
            w,
            h,
            jpeg_encoder::ColorType::Rgba,
        )
        .map_err(|e| PageError::new(reason::ENCODE_FAILED, format!("JPEG encoding failed: {e}")))?;
    Ok((jpeg, u32::from(w), u32::from(h)))
}

/// `upload_prefix` + the PDF's path below `pdf_prefix`, without `.pdf`, + `-pN.jpg`.
pub fn output_key(request: &ConvertRequest, source_key: &str, page: usize) -> String {
    let relative = source_key
        .strip_prefix(&request.pdf_prefix)
        .unwrap_or(source_key)
        .trim_start_matches('/');
    let stem = relative
        .len()
        .checked_sub(4)
        .filter(|&cut| {
            relative.is_char_boundary(cut) && relative[cut..].eq_ignore_ascii_case(".pdf")
        })
        .map_or(relative, |cut| &relative[..cut]);
    let separator = if request.upload_prefix.is_empty() || request.upload_prefix.ends_with('/') {
        ""
    } else {
        "/"
    };
    format!("{}{separator}{stem}-p{page}.jpg", request.upload_prefix)
}

fn write_atomically(bucket_dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    files::prepare_write(bucket_dir, path)?;
    let tmp = path.with_extension("jpg.part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// The converter the server holds: where buckets live, how to render, the pool bound.
pub struct Converter {
    pub root: PathBuf,
    pub settings: ConvertSettings,
    pub jobs: Jobs,
    pool: Arc<tokio::sync::Semaphore>,
}

/// What `start` decided.
pub enum Started {
    /// Small job: finished; the job id's record holds the results.
    Finished(String),
    /// Big job: running in the background.
    Accepted(String),
}

impl Converter {
    pub fn new(root: PathBuf, settings: ConvertSettings) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self {
            root,
            settings,
            jobs: Jobs::default(),
            pool: Arc::new(tokio::sync::Semaphore::new(cores)),
        }
    }

    /// Checks the bucket, surveys the PDFs and runs (or starts) the job.
    pub async fn start(self: &Arc<Self>, request: ConvertRequest) -> Result<Started, String> {
        let bucket_dir = self.root.join(&request.bucket);
        let is_bucket = tokio::fs::symlink_metadata(&bucket_dir)
            .await
            .is_ok_and(|m| m.is_dir());
        if !is_bucket {
            return Err(format!(
                "source_bucket: the bucket \"{}\" does not exist",
                request.bucket
            ));
        }
        let root = self.root.clone();
        let survey_request = request.clone();
        let (sources, failed) = tokio::task::spawn_blocking(move || survey(&root, &survey_request))
            .await
            .map_err(|e| format!("the survey of the PDFs failed: {e}"))?
            .map_err(|e| format!("cannot list the PDFs: {e}"))?;
        let total: usize = sources.iter().map(|s| s.pages).sum();
        let id = super::ids::random_hex_id();
        self.jobs.lock().insert(
            id.clone(),
            Job {
                bucket: request.bucket.clone(),
                state: JobState::Running,
                done: 0,
                total,
                converted: Vec::new(),
                failed,
            },
        );
        // The job runs in its own task, so it finishes even if the caller goes away.
        let this = Arc::clone(self);
        let job_id = id.clone();
        let job = tokio::spawn(async move { this.run(&job_id, &request, sources).await });
        if total > self.settings.async_threshold_pages {
            Ok(Started::Accepted(id))
        } else {
            job.await
                .map_err(|e| format!("the conversion stopped: {e}"))?;
            Ok(Started::Finished(id))
        }
    }

    async fn run(self: &Arc<Self>, id: &str, request: &ConvertRequest, sources: Vec<Source>) {
        let mut tasks = tokio::task::JoinSet::new();
        for source in sources {
            for index in 0..source.pages {
                let Ok(permit) = Arc::clone(&self.pool).acquire_owned().await else {
                    break;
                };
                let bytes = Arc::clone(&source.bytes);
                let key = source.key.clone();
                let output = output_key(request, &source.key, index + 1);
                let path = files::object_path(&self.root, &request.bucket, &output);
                let settings = self.settings;
                let bucket_dir = self.root.join(&request.bucket);
                tasks.spawn_blocking(move || {
                    let _permit = permit;
                    let result = path
                        .map_err(|e| PageError::new(reason::WRITE_FAILED, e.to_string()))
                        .and_then(|path| {
                            let (jpeg, width, height) = render_page(&bytes, index, &settings)?;
                            write_atomically(&bucket_dir, &path, &jpeg).map_err(|e| {
                                PageError::new(
                                    reason::WRITE_FAILED,
                                    format!("cannot write {output}: {e}"),
                                )
                            })?;
                            Ok(Converted {
                                source_key: key.clone(),
                                page: index + 1,
                                key: output,
                                width,
                                height,
                                bytes: jpeg.len() as u64,
                            })
                        });
                    (key, index, result)
                });
            }
        }
        while let Some(joined) = tasks.join_next().await {
            let (source_key, page, result) = match joined {
                Ok((key, index, result)) => (key, index + 1, result),
                Err(e) => {
                    tracing::error!(error = %e, "a page render crashed");
                    (
                        String::new(),
                        0,
                        Err(PageError::new(
                            reason::RENDER_FAILED,
                            "the renderer crashed on this page",
                        )),
                    )
                }
            };
            self.jobs.update(id, |job| {
                job.done += 1;
                match result {
                    Ok(converted) => job.converted.push(converted),
                    Err(PageError { reason, error }) => job.failed.push(Failed {
                        source_key,
                        error: if page == 0 {
                            error
                        } else {
                            format!("page {page}: {error}")
                        },
                        reason,
                    }),
                }
            });
        }
        self.jobs.update(id, |job| {
            job.converted
                .sort_by(|a, b| (&a.source_key, a.page).cmp(&(&b.source_key, b.page)));
            job.state = if job.converted.is_empty() && !job.failed.is_empty() {
                JobState::Failed
            } else {
                JobState::Succeeded
            };
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str) -> Result<ConvertRequest, String> {
        parse_request(body.as_bytes())
    }

    #[test]
    fn the_seed_request_parses() {
        let parsed = request(
            r#"{"source_bucket":"shitadan","pdf_prefix":"api/receipts/r6/pdf/","upload_prefix":"api/receipts/r6/jpeg/"}"#,
        )
        .expect("valid");
        assert_eq!(parsed.bucket, "shitadan");
    }

    #[test]
    fn bad_requests_name_the_field() {
        let cases = [
            ("{not json", "JSON object"),
            (
                r#"{"pdf_prefix":"a/","upload_prefix":"b/"}"#,
                "source_bucket is missing",
            ),
            (
                r#"{"source_bucket":"Bad_Bucket","pdf_prefix":"a/","upload_prefix":"b/"}"#,
                "source_bucket:",
            ),
            (
                r#"{"source_bucket":"demo","pdf_prefix":"../a/","upload_prefix":"b/"}"#,
                "pdf_prefix:",
            ),
            (
                r#"{"source_bucket":"demo","pdf_prefix":"a/","upload_prefix":"/b/"}"#,
                "upload_prefix:",
            ),
            (
                r#"{"source_bucket":"demo","pdf_prefix":"a/","upload_prefix":"a/"}"#,
                "must differ",
            ),
            (
                r#"{"source_bucket":7,"pdf_prefix":"a/","upload_prefix":"b/"}"#,
                "must be a string",
            ),
        ];
        for (body, expected) in cases {
            let err = request(body).expect_err(body);
            assert!(err.contains(expected), "{body}: {err}");
        }
    }

    #[test]
    fn output_keys_keep_subfolders_and_number_pages() {
        let r = request(
            r#"{"source_bucket":"demo","pdf_prefix":"r6/pdf/","upload_prefix":"r6/jpeg/"}"#,
        )
        .expect("valid");
        assert_eq!(output_key(&r, "r6/pdf/a.pdf", 1), "r6/jpeg/a-p1.jpg");
        assert_eq!(
            output_key(&r, "r6/pdf/5月/領収書.PDF", 3),
            "r6/jpeg/5月/領収書-p3.jpg"
        );
        let r =
            request(r#"{"source_bucket":"demo","pdf_prefix":"r6/pdf","upload_prefix":"r6/jpeg"}"#)
                .expect("valid");
        assert_eq!(output_key(&r, "r6/pdf/a.pdf", 2), "r6/jpeg/a-p2.jpg");
    }

    #[test]
    fn non_pdfs_and_broken_pdfs_are_told_apart() {
        let not_pdf = count_pages(b"hello").expect_err("not pdf");
        assert!(not_pdf.error.contains("not a PDF"));
        assert_eq!(not_pdf.reason, reason::NOT_PDF);
        let broken = count_pages(b"%PDF-1.7\n1 0 obj garbage").expect_err("broken");
        assert!(broken.error.contains("damaged"));
        assert_eq!(broken.reason, reason::DAMAGED_PDF);
    }
}

//! `/convert`: every PDF under a prefix becomes one JPEG per page under another.
//!
//! Pages are rendered with hayro (pure Rust, so the embedded demo needs no system
//! library) and encoded with jpeg-encoder, off the request path on a pool bounded to the
//! machine's cores. A broken PDF or page lands in `failed` with a reason and never stops
//! the others. Big jobs answer `202` and are followed through their job status.
//!
//! `request` (the body, output keys), `survey` (the PDFs and their pages), `render` (a
//! page to a JPEG), `jobs` and `results`; this file runs a job on the bounded pool.

mod jobs;
mod render;
mod request;
mod results;
mod survey;

use std::path::PathBuf;
use std::sync::Arc;

pub use self::jobs::{Job, JobState, Jobs};
pub use self::render::render_page;
use self::render::write_atomically;
pub use self::request::{ConvertRequest, output_key, parse_request};
pub use self::results::{Converted, Failed, PageError, reason};
use self::survey::{Source, survey};
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

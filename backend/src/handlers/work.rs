//! One PDF of a job: read it, render every page, write the JPEGs under `upload_prefix`
//! with deterministic keys, and record the outcome once. A PDF that cannot be converted
//! is a `failed` entry with a reason; only infrastructure trouble (the job store, a
//! storage outage) is an error, so the queue delivers the PDF again.

use std::sync::Arc;

use super::Backend;
use crate::contract::{ConvertRequest, ConvertedPage, FailedPdf, WorkItem, reason};
use crate::jobs::PdfOutcome;
use crate::render::{self, PageError, PagesFailed, Rendered};
use crate::storage::StorageError;

/// Why a queued PDF should be delivered again.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Store(#[from] crate::jobs::StoreError),
}

impl Backend {
    /// The worker's handler: converts the item's PDF and records it in its job. Delivered
    /// twice, it writes the same keys again and is counted once.
    pub async fn work(&self, item: &WorkItem) -> Result<(), WorkError> {
        let outcome = match self.read_pdf(&item.request, &item.source_key).await {
            Ok(Ok(bytes)) => {
                self.convert_pdf(&item.request, &item.source_key, bytes)
                    .await
            }
            Ok(Err(failed)) => PdfOutcome {
                source_key: item.source_key.clone(),
                pages: Vec::new(),
                failed: vec![failed],
            },
            Err(e) => return Err(e.into()),
        };
        let counted = self.jobs.record(&item.job_id, &outcome).await?;
        if !counted {
            tracing::info!(job = %item.job_id, key = %item.source_key, "delivered again; counted before");
        }
        Ok(())
    }

    /// Records a queued PDF as failed after the local stack's workers gave up on it.
    pub(super) async fn give_up(&self, item: &WorkItem, error: &WorkError) {
        let outcome = PdfOutcome {
            source_key: item.source_key.clone(),
            pages: Vec::new(),
            failed: vec![FailedPdf::new(
                &item.source_key,
                reason::UNREADABLE,
                format!("gave up after three tries: {error}"),
            )],
        };
        if let Err(e) = self.jobs.record(&item.job_id, &outcome).await {
            tracing::error!(error = %e, job = %item.job_id, "the failure could not be recorded");
        }
    }

    /// The PDF's bytes, `Ok(Err(failed))` when the file itself is the problem (gone, too
    /// large, refused), or `Err` for trouble worth a retry.
    pub(super) async fn read_pdf(
        &self,
        request: &ConvertRequest,
        key: &str,
    ) -> Result<Result<Arc<Vec<u8>>, FailedPdf>, StorageError> {
        match self
            .storage
            .get(&request.source_bucket, key, self.settings.max_pdf_bytes)
            .await
        {
            Ok(bytes) => Ok(Ok(Arc::new(bytes))),
            Err(StorageError::TooLarge { limit, .. }) => Ok(Err(FailedPdf::new(
                key,
                reason::TOO_LARGE,
                format!("the file is larger than {} MB", limit / (1024 * 1024)),
            ))),
            Err(
                e @ (StorageError::NoSuchKey(_)
                | StorageError::Denied(_)
                | StorageError::InvalidName(_)),
            ) => Ok(Err(FailedPdf::new(
                key,
                reason::UNREADABLE,
                format!("cannot read the file: {e}"),
            ))),
            Err(e) => Err(e),
        }
    }

    /// Renders every page of one PDF (pages in parallel, bounded to the cores, within
    /// the render budget) and writes them; broken pages are failures, the others land.
    pub(super) async fn convert_pdf(
        &self,
        request: &ConvertRequest,
        key: &str,
        bytes: Arc<Vec<u8>>,
    ) -> PdfOutcome {
        let counted = self.count_pages(&bytes).await;
        self.convert_counted(request, key, bytes, counted).await
    }

    /// Counts a PDF's pages in a render process, within one page's budget.
    pub(super) async fn count_pages(&self, bytes: &Arc<Vec<u8>>) -> Result<u32, PageError> {
        render::count_pages_within(&self.settings, &self.renders, bytes).await
    }

    /// [`Self::convert_pdf`] once the pages are counted.
    pub(super) async fn convert_counted(
        &self,
        request: &ConvertRequest,
        key: &str,
        bytes: Arc<Vec<u8>>,
        counted: Result<u32, PageError>,
    ) -> PdfOutcome {
        let mut outcome = PdfOutcome {
            source_key: key.to_owned(),
            ..PdfOutcome::default()
        };
        let pages = match counted {
            Ok(pages) => pages,
            Err(e) => {
                outcome.failed.push(FailedPdf::new(key, e.reason, e.error));
                return outcome;
            }
        };
        if pages > self.settings.max_pages_per_pdf {
            outcome.failed.push(FailedPdf::new(
                key,
                reason::TOO_MANY_PAGES,
                format!(
                    "the PDF has {pages} pages; at most {} are converted",
                    self.settings.max_pages_per_pdf
                ),
            ));
            return outcome;
        }
        let Rendered {
            pages: rendered,
            failed,
        } = render::render_pages_within(&self.settings, &self.renders, &bytes, pages).await;
        drop(bytes);
        for PagesFailed { first, last, error } in failed {
            let pages = if first == last {
                format!("page {first}")
            } else {
                format!("pages {first}–{last}")
            };
            outcome.failed.push(FailedPdf::new(
                key,
                error.reason,
                format!("{pages}: {}", error.error),
            ));
        }
        for (page, jpeg) in rendered {
            let output = request.output_key(key, page);
            let (width, height, size) = (jpeg.width, jpeg.height, jpeg.bytes.len() as u64);
            match self
                .storage
                .put(&request.source_bucket, &output, jpeg.bytes, "image/jpeg")
                .await
            {
                Ok(()) => outcome.pages.push(ConvertedPage {
                    source_key: key.to_owned(),
                    page: Some(page),
                    key: output,
                    url: None,
                    width: Some(width),
                    height: Some(height),
                    bytes: Some(size),
                }),
                Err(e) => outcome.failed.push(FailedPdf::new(
                    key,
                    reason::WRITE_FAILED,
                    format!("page {page}: cannot write {output}: {e}"),
                )),
            }
        }
        outcome
    }
}

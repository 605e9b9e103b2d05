//! `POST {stage}/convert`: small jobs are converted while the request waits (200 with the
//! pages); bigger ones are recorded and queued, one message per PDF (202 with the job's
//! status URL), so no request comes near API Gateway's 29 s.

use super::{Answer, Backend, Caller};
use crate::contract::{Accepted, ConvertRequest, ConvertResult, WorkItem};
use crate::jobs::{JobRecord, PdfOutcome};
use crate::storage::StorageError;

/// How many keys a job may hold; beyond it the request is refused, not cut silently.
const MAX_OBJECTS: usize = 10_000;
/// Job records are kept this long after they start (DynamoDB TTL).
const JOB_TTL_SECONDS: i64 = 7 * 24 * 3600;

impl Backend {
    /// `status_base` is the API stage's URL (`https://…/Prod`): a queued job's status URL
    /// is `{status_base}/jobs/{id}`.
    pub async fn convert(&self, caller: &Caller, body: &[u8], status_base: &str) -> Answer {
        let deadline = tokio::time::Instant::now() + self.settings.inline_deadline;
        let request = match ConvertRequest::parse(body) {
            Ok(request) => request,
            Err(message) => return Answer::error(400, message),
        };
        if let Some(refused) = self.refuse_bucket(&request.source_bucket) {
            return refused;
        }
        let pdfs = match self.pdf_keys(&request).await {
            Ok(pdfs) => pdfs,
            Err(answer) => return answer,
        };
        tracing::info!(bucket = %request.source_bucket, prefix = %request.pdf_prefix, pdfs = pdfs.len(), "convert");
        if pdfs.len() <= self.settings.inline_max_pdfs {
            match tokio::time::timeout_at(deadline, self.convert_inline(&request, &pdfs)).await {
                Ok(Some(answer)) => return answer,
                Ok(None) => {}
                Err(_) => {
                    // Render processes are killed as their futures drop.
                    tracing::info!(
                        pdfs = pdfs.len(),
                        "the inline conversion ran out of time: queued"
                    );
                }
            }
        }
        self.enqueue(caller, request, pdfs, status_base).await
    }

    /// A few PDFs of a few pages, converted right away; `None` when they hold more pages
    /// than that (the job is queued).
    async fn convert_inline(&self, request: &ConvertRequest, pdfs: &[String]) -> Option<Answer> {
        {
            let mut opened = Vec::new();
            let mut outcomes = Vec::new();
            let mut pages = 0_usize;
            for key in pdfs {
                match self.read_pdf(request, key).await {
                    Ok(Ok(bytes)) => {
                        // Counted in a render process, within a page's budget.
                        let counted = self.count_pages(&bytes).await;
                        pages += counted.as_ref().map_or(0, |&n| n as usize);
                        opened.push((key.clone(), bytes, counted));
                    }
                    Ok(Err(failed)) => outcomes.push(PdfOutcome {
                        source_key: key.clone(),
                        pages: Vec::new(),
                        failed: vec![failed],
                    }),
                    Err(e) => return Some(Answer::error(502, format!("cannot read {key}: {e}"))),
                }
            }
            if pages <= self.settings.async_threshold_pages {
                let converted = opened.into_iter().map(|(key, bytes, counted)| async move {
                    self.convert_counted(request, &key, bytes, counted).await
                });
                outcomes.extend(futures_join_all(converted).await);
                outcomes.sort_by(|a, b| a.source_key.cmp(&b.source_key));
                return Some(Answer::ok(self.results(&request.source_bucket, &outcomes)));
            }
        }
        None
    }

    /// Every `.pdf` key under the prefix, in key order.
    async fn pdf_keys(&self, request: &ConvertRequest) -> Result<Vec<String>, Answer> {
        let mut keys = Vec::new();
        let mut continuation: Option<String> = None;
        let mut seen = 0_usize;
        loop {
            let listing = self
                .storage
                .list(
                    &request.source_bucket,
                    &request.pdf_prefix,
                    false,
                    continuation.as_deref(),
                    1000,
                )
                .await
                .map_err(|e| match e {
                    StorageError::NoSuchBucket(_) => {
                        Answer::error(400, format!("source_bucket: {e}"))
                    }
                    StorageError::InvalidName(_) => Answer::error(400, e),
                    StorageError::Denied(_) => Answer::error(403, e),
                    _ => Answer::error(502, format!("cannot list the PDFs: {e}")),
                })?;
            seen += listing.objects.len();
            if seen > MAX_OBJECTS {
                return Err(Answer::error(
                    400,
                    format!("pdf_prefix: more than {MAX_OBJECTS} objects; pick a narrower prefix"),
                ));
            }
            keys.extend(
                listing
                    .objects
                    .into_iter()
                    .map(|o| o.key)
                    .filter(|k| super::prefixes::is_pdf(k)),
            );
            match listing.next {
                Some(next) => continuation = Some(next),
                None => return Ok(keys),
            }
        }
    }

    async fn enqueue(
        &self,
        caller: &Caller,
        request: ConvertRequest,
        pdfs: Vec<String>,
        status_base: &str,
    ) -> Answer {
        let id = crate::ids::random_hex_id();
        let record = JobRecord {
            id: id.clone(),
            owner_sub: caller.sub.clone(),
            request: request.clone(),
            total: pdfs.len() as u64,
            done: 0,
            expires_at: jiff::Timestamp::now().as_second() + JOB_TTL_SECONDS,
        };
        if let Err(e) = self.jobs.create(&record).await {
            return Answer::error(502, e);
        }
        let items: Vec<WorkItem> = pdfs
            .into_iter()
            .map(|source_key| WorkItem {
                job_id: id.clone(),
                request: request.clone(),
                source_key,
            })
            .collect();
        if let Err(e) = self.queue.send(&items).await {
            return Answer::error(503, e);
        }
        let status_url = format!("{}/jobs/{id}", status_base.trim_end_matches('/'));
        Answer::with(
            202,
            Accepted {
                job_id: id,
                status_url,
            },
        )
    }

    /// The contract's `converted`/`failed` for these outcomes, with fresh result URLs.
    pub(super) fn results(&self, bucket: &str, outcomes: &[PdfOutcome]) -> ConvertResult {
        let mut result = ConvertResult::default();
        for outcome in outcomes {
            for page in &outcome.pages {
                let mut page = page.clone();
                page.url = self
                    .storage
                    .presign_get(bucket, &page.key, self.settings.url_ttl_seconds)
                    .ok();
                result.converted.push(page);
            }
            result.failed.extend(outcome.failed.iter().cloned());
        }
        result
    }
}

/// Runs the futures concurrently and returns their outputs in order.
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

//! The handlers, as plain async functions on a [`Backend`]: `POST /convert`,
//! `GET /jobs/{id}`, `GET /prefixes`, and the worker's one PDF. They take the caller as
//! the authorizer saw it and answer a status and a JSON body; adapters (Lambda, axum)
//! carry them over HTTP.

mod convert;
mod events;
mod prefixes;
mod status;
mod work;

use std::sync::Arc;

use serde_json::{Value, json};

pub use self::events::MAX_RECEIVES;
pub use self::work::WorkError;
use crate::ConvertSettings;
use crate::jobs::JobStore;
use crate::queue::Queue;
use crate::storage::Storage;

/// Who is calling, as the Cognito authorizer verified it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's `sub`: jobs belong to it.
    pub sub: String,
}

/// A handler's answer: an HTTP status and a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    fn ok(body: impl serde::Serialize) -> Self {
        Self::with(200, body)
    }

    fn with(status: u16, body: impl serde::Serialize) -> Self {
        Self {
            status,
            body: serde_json::to_value(body).unwrap_or(Value::Null),
        }
    }

    /// An error answer in the contract's shape, `{"message": …}`.
    fn error(status: u16, message: impl std::fmt::Display) -> Self {
        Self {
            status,
            body: json!({ "message": message.to_string() }),
        }
    }
}

/// Everything a handler needs: where PDFs and pages live, where jobs are recorded and
/// queued, and the limits.
pub struct Backend {
    pub storage: Storage,
    pub jobs: JobStore,
    pub queue: Queue,
    pub settings: ConvertSettings,
    /// The buckets this API may touch; `None` allows any (the local stack). On AWS it is
    /// the stack's one bucket, so the function's role cannot be aimed elsewhere.
    pub allowed_buckets: Option<Vec<String>>,
    /// Bounds page renders running at once to the machine's cores.
    renders: Arc<tokio::sync::Semaphore>,
}

impl Backend {
    pub fn new(storage: Storage, jobs: JobStore, queue: Queue, settings: ConvertSettings) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self {
            storage,
            jobs,
            queue,
            settings,
            allowed_buckets: None,
            renders: Arc::new(tokio::sync::Semaphore::new(cores)),
        }
    }

    #[must_use]
    pub fn allow_only(mut self, buckets: Vec<String>) -> Self {
        self.allowed_buckets = Some(buckets);
        self
    }

    /// `None` when the bucket may be used; else the 403 answer.
    fn refuse_bucket(&self, bucket: &str) -> Option<Answer> {
        let allowed = self.allowed_buckets.as_ref()?;
        if allowed.iter().any(|b| b == bucket) {
            None
        } else {
            Some(Answer::error(
                403,
                format!("source_bucket: this API does not serve the bucket \"{bucket}\""),
            ))
        }
    }

    /// Runs `workers` tasks that take queued PDFs from the in-process queue until it
    /// closes (the local stack's stand-in for the SQS-triggered worker Lambda).
    pub fn start_workers(
        self: &Arc<Self>,
        receiver: tokio::sync::mpsc::Receiver<crate::contract::WorkItem>,
    ) -> tokio::task::JoinHandle<()> {
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let mut workers = tokio::task::JoinSet::new();
            for _ in 0..this.settings.workers.max(1) {
                let (this, receiver) = (Arc::clone(&this), Arc::clone(&receiver));
                workers.spawn(async move {
                    loop {
                        let next = receiver.lock().await.recv().await;
                        let Some(item) = next else { break };
                        // An infrastructure error retries, as SQS redelivers; after three
                        // tries the PDF is recorded as failed (SQS's dead-letter queue).
                        for attempt in 1..=3 {
                            match this.work(&item).await {
                                Ok(()) => break,
                                Err(e) => {
                                    tracing::warn!(error = %e, attempt, job = %item.job_id, key = %item.source_key, "a queued PDF failed");
                                    if attempt == 3 {
                                        this.give_up(&item, &e).await;
                                    }
                                }
                            }
                        }
                    }
                });
            }
            while workers.join_next().await.is_some() {}
        })
    }
}

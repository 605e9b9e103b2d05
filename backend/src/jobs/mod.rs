//! Job records: who started a job, what it asked for, how many PDFs it has and how many
//! are finished, and each finished PDF's outcome, recorded exactly once even when a PDF
//! is delivered twice. DynamoDB on AWS; memory in the local stack.

mod dynamo;
mod memory;

pub use self::dynamo::DynamoJobs;
pub use self::memory::MemoryJobs;

use serde::{Deserialize, Serialize};

use crate::contract::{ConvertRequest, ConvertedPage, FailedPdf};

/// A job as recorded when it is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: String,
    /// The authorizer's `sub` of the caller who started it: the only one who may read it.
    pub owner_sub: String,
    pub request: ConvertRequest,
    /// PDFs queued.
    pub total: u64,
    /// PDFs finished (converted or failed), each counted once.
    pub done: u64,
    /// Unix seconds after which the record may be deleted (DynamoDB TTL).
    pub expires_at: i64,
}

/// What one PDF of a job came to: its pages (without URLs; those are made fresh for each
/// status answer) and what failed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdfOutcome {
    pub source_key: String,
    pub pages: Vec<ConvertedPage>,
    pub failed: Vec<FailedPdf>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("job store: {0}")]
pub struct StoreError(pub String);

pub enum JobStore {
    Memory(MemoryJobs),
    Dynamo(DynamoJobs),
}

impl JobStore {
    pub async fn create(&self, record: &JobRecord) -> Result<(), StoreError> {
        match self {
            Self::Memory(s) => s.create(record),
            Self::Dynamo(s) => s.create(record).await,
        }
    }

    /// Records a PDF's outcome and counts it as done, once: `Ok(false)` when this PDF of
    /// this job was recorded before (an SQS redelivery).
    pub async fn record(&self, job_id: &str, outcome: &PdfOutcome) -> Result<bool, StoreError> {
        match self {
            Self::Memory(s) => s.record(job_id, outcome),
            Self::Dynamo(s) => s.record(job_id, outcome).await,
        }
    }

    /// The job and the outcomes so far, in source-key order.
    pub async fn get(
        &self,
        job_id: &str,
    ) -> Result<Option<(JobRecord, Vec<PdfOutcome>)>, StoreError> {
        match self {
            Self::Memory(s) => Ok(s.get(job_id)),
            Self::Dynamo(s) => s.get(job_id).await,
        }
    }

    /// Watches for changes from now on: take it *before* reading a job, so a change in
    /// between is not missed ([`Self::changed`]).
    pub fn watch(&self) -> Option<tokio::sync::watch::Receiver<u64>> {
        match self {
            Self::Memory(s) => Some(s.subscribe()),
            Self::Dynamo(_) => None,
        }
    }

    /// Returns when some job may have changed since `watch` was taken (or last
    /// returned), or at `deadline`.
    pub async fn changed(
        &self,
        watch: &mut Option<tokio::sync::watch::Receiver<u64>>,
        deadline: tokio::time::Instant,
    ) {
        match (self, watch) {
            (Self::Memory(_), Some(changes)) => {
                let _ = tokio::time::timeout_at(deadline, changes.changed()).await;
            }
            (Self::Memory(s), None) => s.changed(deadline).await,
            (Self::Dynamo(_), _) => {
                let soon = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
                tokio::time::sleep_until(soon.min(deadline)).await;
            }
        }
    }
}

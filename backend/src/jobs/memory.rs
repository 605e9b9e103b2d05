//! Jobs in memory, for the local stack's lifetime, with a watch channel that wakes status
//! requests waiting on progress.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{JobRecord, PdfOutcome, StoreError};

#[derive(Default)]
struct Entry {
    record: Option<JobRecord>,
    outcomes: BTreeMap<String, PdfOutcome>,
}

pub struct MemoryJobs {
    jobs: Mutex<HashMap<String, Entry>>,
    changed: tokio::sync::watch::Sender<u64>,
}

impl Default for MemoryJobs {
    fn default() -> Self {
        Self {
            jobs: Mutex::default(),
            changed: tokio::sync::watch::Sender::new(0),
        }
    }
}

impl MemoryJobs {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn announce(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub(super) fn create(&self, record: &JobRecord) -> Result<(), StoreError> {
        let mut jobs = self.lock();
        if jobs.contains_key(&record.id) {
            return Err(StoreError(format!("the job {} exists", record.id)));
        }
        jobs.insert(
            record.id.clone(),
            Entry {
                record: Some(record.clone()),
                outcomes: BTreeMap::new(),
            },
        );
        drop(jobs);
        self.announce();
        Ok(())
    }

    pub(super) fn record(&self, job_id: &str, outcome: &PdfOutcome) -> Result<bool, StoreError> {
        let mut jobs = self.lock();
        let entry = jobs
            .get_mut(job_id)
            .ok_or_else(|| StoreError(format!("there is no job {job_id}")))?;
        if entry.outcomes.contains_key(&outcome.source_key) {
            return Ok(false);
        }
        entry
            .outcomes
            .insert(outcome.source_key.clone(), outcome.clone());
        if let Some(record) = &mut entry.record {
            record.done += 1;
        }
        drop(jobs);
        self.announce();
        Ok(true)
    }

    pub(super) fn get(&self, job_id: &str) -> Option<(JobRecord, Vec<PdfOutcome>)> {
        let jobs = self.lock();
        let entry = jobs.get(job_id)?;
        Some((
            entry.record.clone()?,
            entry.outcomes.values().cloned().collect(),
        ))
    }

    pub(super) fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    pub(super) async fn changed(&self, deadline: tokio::time::Instant) {
        let mut changes = self.changed.subscribe();
        let _ = tokio::time::timeout_at(deadline, changes.changed()).await;
    }
}

//! Jobs in memory, for the local stack's lifetime, with a watch channel that wakes status
//! requests waiting on progress. Bounded: a job goes at its record's expiry (as the
//! DynamoDB TTL does), and beyond [`MAX_KEPT`] jobs the longest-finished go first.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{JobRecord, PdfOutcome, StoreError};

/// Jobs kept at most; each holds its pages' keys, so memory stays bounded.
pub const MAX_KEPT: usize = 1_000;

#[derive(Default)]
struct Entry {
    record: Option<JobRecord>,
    outcomes: BTreeMap<String, PdfOutcome>,
    /// When the last PDF was recorded (Unix seconds).
    finished_at: Option<i64>,
}

impl Entry {
    fn expired(&self, now: i64) -> bool {
        self.record.as_ref().is_none_or(|r| r.expires_at <= now)
    }
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
        let now = jiff::Timestamp::now().as_second();
        let mut jobs = self.lock();
        if jobs.contains_key(&record.id) {
            return Err(StoreError(format!("the job {} exists", record.id)));
        }
        jobs.retain(|_, entry| !entry.expired(now));
        if jobs.len() >= MAX_KEPT {
            let mut finished: Vec<(i64, String)> = jobs
                .iter()
                .filter_map(|(id, e)| e.finished_at.map(|at| (at, id.clone())))
                .collect();
            finished.sort_unstable();
            let excess = jobs.len() + 1 - MAX_KEPT;
            for (_, id) in finished.into_iter().take(excess) {
                jobs.remove(&id);
            }
        }
        jobs.insert(
            record.id.clone(),
            Entry {
                record: Some(record.clone()),
                outcomes: BTreeMap::new(),
                finished_at: None,
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
            if record.done >= record.total {
                entry.finished_at = Some(jiff::Timestamp::now().as_second());
            }
        }
        drop(jobs);
        self.announce();
        Ok(true)
    }

    pub(super) fn get(&self, job_id: &str) -> Option<(JobRecord, Vec<PdfOutcome>)> {
        let jobs = self.lock();
        let entry = jobs
            .get(job_id)
            .filter(|e| !e.expired(jiff::Timestamp::now().as_second()))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::ConvertRequest;

    fn job(id: &str, total: u64, expires_at: i64) -> JobRecord {
        JobRecord {
            id: id.to_owned(),
            owner_sub: "sub".to_owned(),
            request: serde_json::from_str::<ConvertRequest>(
                r#"{"source_bucket":"demo","pdf_prefix":"a/","upload_prefix":"b/"}"#,
            )
            .expect("request"),
            total,
            done: 0,
            expires_at,
        }
    }

    fn done(jobs: &MemoryJobs, id: &str) {
        let outcome = PdfOutcome {
            source_key: "a/x.pdf".to_owned(),
            ..PdfOutcome::default()
        };
        assert_eq!(jobs.record(id, &outcome), Ok(true));
    }

    #[test]
    fn expired_jobs_go_and_the_longest_finished_make_room() {
        let jobs = MemoryJobs::default();
        let later = jiff::Timestamp::now().as_second() + 3600;
        jobs.create(&job("old", 1, 0)).expect("create");
        assert!(jobs.get("old").is_none(), "expired is gone");
        jobs.create(&job("running", 5, later)).expect("create");
        for n in 0..MAX_KEPT - 1 {
            let id = format!("finished-{n}");
            jobs.create(&job(&id, 1, later)).expect("create");
            done(&jobs, &id);
        }
        assert_eq!(jobs.lock().len(), MAX_KEPT);
        jobs.create(&job("new", 1, later)).expect("create");
        let kept = jobs.lock();
        assert_eq!(kept.len(), MAX_KEPT);
        assert!(
            kept.contains_key("running"),
            "a running job is never dropped"
        );
        assert!(kept.contains_key("new") && !kept.contains_key("old"));
    }
}

//! `GET {stage}/jobs/{id}[?wait=…]`: the job's progress and pages so far, with fresh
//! result URLs. Only the job's owner may read it; anyone else is told it does not exist.
//! `wait` holds the answer until the job moves (at most 20 s, under API Gateway's 29 s).

use std::time::Duration;

use super::{Answer, Backend, Caller};
use crate::contract::{JobState, JobStatus};

/// The longest a `wait` request is held.
pub const LONG_POLL: Duration = Duration::from_secs(20);

impl Backend {
    pub async fn job_status(&self, caller: &Caller, job_id: &str, wait: bool) -> Answer {
        let not_found = || Answer::error(404, format!("There is no job {job_id}"));
        let deadline = tokio::time::Instant::now() + LONG_POLL;
        let mut seen = None;
        // Taken before the first read, so a PDF finishing in between wakes the wait.
        let mut watch = self.jobs.watch();
        loop {
            let (record, outcomes) = match self.jobs.get(job_id).await {
                Ok(Some(found)) => found,
                Ok(None) => return not_found(),
                Err(e) => return Answer::error(502, e),
            };
            if record.owner_sub != caller.sub {
                return not_found();
            }
            let running = record.done < record.total;
            let first = *seen.get_or_insert(record.done);
            if wait && running && record.done == first && tokio::time::Instant::now() < deadline {
                self.jobs.changed(&mut watch, deadline).await;
                continue;
            }
            let results = self.results(&record.request.source_bucket, &outcomes);
            let state = if running {
                JobState::Running
            } else if results.converted.is_empty() && !results.failed.is_empty() {
                JobState::Failed
            } else {
                JobState::Succeeded
            };
            return Answer::ok(JobStatus {
                job_id: Some(record.id),
                state,
                done: record.done,
                total: record.total,
                results,
            });
        }
    }
}

//! Conversion jobs as the person sees them: what was asked, what the API answered, and
//! how it ended. Kept across restarts in one JSON file in the data dir (with the convert
//! form's recent values), written atomically.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::api::{
    ApiClient, ApiError, ConvertOutcome, ConvertRequest, ConvertResult, Diagnostics, JobState,
};

/// How many jobs the list keeps (oldest are dropped).
pub const MAX_JOBS: usize = 200;
/// How many recent values each form field offers.
pub const MAX_RECENT: usize = 10;
/// Between status polls when the server does not hold the answer (`?wait=1` ignored).
const POLL_PAUSE: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Running,
    /// Every PDF converted (or there was none under the prefix).
    Succeeded,
    /// Some PDFs converted, some failed.
    Partial,
    Failed,
    /// The app closed while the job ran; the server may have finished it.
    Interrupted,
    /// The person stopped waiting for it; the server may still finish it.
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// 401: the authorizer refused the token.
    Unauthorized,
    /// 403: no such route or stage, or the authorizer denied access.
    Forbidden,
    /// 504: API Gateway stopped waiting at 29 s; the Lambda may still finish.
    GatewayTimeout,
    /// Another non-2xx answer.
    Refused,
    /// A 2xx whose body does not follow the contract.
    Unreadable,
    /// A 2xx from a backend that isn't Receipt Desk's: no `converted`/`failed`.
    NotOurContract,
    Network,
    /// The API took the connection and did not answer in time (API Gateway stops at 29 s).
    Timeout,
    /// The session ended (sign-in needed).
    SignedOut,
    /// Every PDF failed.
    AllFailed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    /// The body as received when it could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerJob {
    pub job_id: String,
    pub status_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// One run of `/convert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: String,
    pub profile: String,
    pub request: ConvertRequest,
    /// Unix seconds.
    pub started_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<i64>,
    /// How long the run took, measured on a monotonic clock (milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
    pub phase: Phase,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_job: Option<ServerJob>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    /// Shared, so the window's per-frame copy of a job doesn't copy 10,000 pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Arc<ConvertResult>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Diagnostics>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

impl JobRecord {
    pub fn new(id: String, profile: String, request: ConvertRequest, now: i64) -> Self {
        Self {
            id,
            profile,
            request,
            started_at: now,
            finished_at: None,
            elapsed_ms: None,
            phase: Phase::Running,
            server_job: None,
            progress: None,
            result: None,
            diagnostics: None,
            failure: None,
        }
    }

    /// The pages a backend that isn't ours wrote, read from the upload prefix: the job
    /// shows them (and counts as succeeded when there are any); the failure stays as the
    /// record of what the API answered.
    pub fn found_results(&mut self, result: ConvertResult) {
        if !result.converted.is_empty() {
            self.phase = Phase::Succeeded;
        }
        self.result = Some(Arc::new(result));
    }

    pub fn converted_count(&self) -> usize {
        self.result.as_ref().map_or(0, |r| r.converted.len())
    }

    pub fn failed_count(&self) -> usize {
        self.result.as_ref().map_or(0, |r| r.failed.len())
    }

    /// Seconds from start to finish (or to `now` while running).
    pub fn duration(&self, now: i64) -> i64 {
        self.finished_at
            .unwrap_or(now)
            .saturating_sub(self.started_at)
    }

    /// Takes in what the run ended with.
    pub fn finish(&mut self, outcome: Finished, now: i64) {
        self.finished_at = Some(now);
        match outcome {
            Ok((result, diagnostics)) => {
                self.phase = match (result.converted.is_empty(), result.failed.is_empty()) {
                    (_, true) => Phase::Succeeded,
                    (false, false) => Phase::Partial,
                    (true, false) => Phase::Failed,
                };
                if self.phase == Phase::Failed {
                    self.failure = Some(Failure {
                        kind: FailureKind::AllFailed,
                        message: format!("{} PDF(s) failed", result.failed.len()),
                        raw_body: None,
                    });
                }
                self.result = Some(Arc::new(result));
                self.diagnostics = Some(diagnostics);
            }
            Err(error) => {
                self.phase = Phase::Failed;
                let (failure, diagnostics) = describe(&error);
                self.failure = Some(failure);
                self.diagnostics = diagnostics.or_else(|| self.diagnostics.take());
            }
        }
    }
}

/// What a run ends with.
pub type Finished = Result<(ConvertResult, Diagnostics), ApiError>;

fn describe(error: &ApiError) -> (Failure, Option<Diagnostics>) {
    let failure = |kind, raw_body| Failure {
        kind,
        message: error.to_string(),
        raw_body,
    };
    match error {
        ApiError::Unauthorized { diagnostics, .. } => (
            failure(FailureKind::Unauthorized, None),
            Some(diagnostics.clone()),
        ),
        ApiError::Refused { diagnostics, .. } => {
            let kind = match diagnostics.status {
                401 => FailureKind::Unauthorized,
                403 => FailureKind::Forbidden,
                504 => FailureKind::GatewayTimeout,
                _ => FailureKind::Refused,
            };
            (failure(kind, None), Some(diagnostics.clone()))
        }
        ApiError::Unreadable {
            body, diagnostics, ..
        } => (
            failure(FailureKind::Unreadable, Some(body.clone())),
            Some(diagnostics.clone()),
        ),
        ApiError::NotOurContract { body, diagnostics } => (
            failure(FailureKind::NotOurContract, Some(body.clone())),
            Some(diagnostics.clone()),
        ),
        ApiError::Network(_) => (failure(FailureKind::Network, None), None),
        ApiError::Timeout { .. } => (failure(FailureKind::Timeout, None), None),
        ApiError::ForeignStatusUrl { .. } => (failure(FailureKind::Refused, None), None),
        ApiError::Session(_) => (failure(FailureKind::SignedOut, None), None),
    }
}

/// What a running job reports while it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Live {
    pub server_job: Option<ServerJob>,
    pub progress: Option<Progress>,
    pub diagnostics: Option<Diagnostics>,
}

/// Runs one conversion to the end: `/convert`, then for a 202 the job status until the
/// job stops running. `live` carries the job id and progress as they arrive.
pub async fn run(
    api: &ApiClient,
    request: &ConvertRequest,
    live: &watch::Sender<Live>,
) -> Finished {
    let (outcome, diagnostics) = api.convert(request).await?;
    let (job_id, status_url) = match outcome {
        ConvertOutcome::Done(result) => return Ok((result, diagnostics)),
        ConvertOutcome::Accepted { job_id, status_url } => (job_id, status_url),
    };
    live.send_modify(|l| {
        l.server_job = Some(ServerJob {
            job_id,
            status_url: status_url.clone(),
        });
        l.diagnostics = Some(diagnostics.clone());
    });
    let result = follow(api, &status_url, |progress| {
        live.send_modify(|l| l.progress = Some(progress));
    })
    .await?;
    Ok((result, diagnostics))
}

/// Follows a 202 job through its status URL (long-polled) until it stops running;
/// `on_progress` hears each count. The window and the command line both use it.
pub async fn follow(
    api: &ApiClient,
    status_url: &str,
    on_progress: impl FnMut(Progress),
) -> Result<ConvertResult, ApiError> {
    follow_with(api, status_url, StatusRetry::default(), on_progress).await
}

/// How failed status requests are asked again: up to `tries` in a row, pausing from
/// `first_pause`, doubling.
#[derive(Debug, Clone, Copy)]
pub struct StatusRetry {
    pub tries: u32,
    pub first_pause: Duration,
}

impl Default for StatusRetry {
    /// Seven tries, about a minute of pauses.
    fn default() -> Self {
        Self {
            tries: 7,
            first_pause: Duration::from_secs(1),
        }
    }
}

/// [`follow`] with another [`StatusRetry`] (tests pause for milliseconds).
pub async fn follow_with(
    api: &ApiClient,
    status_url: &str,
    retry: StatusRetry,
    mut on_progress: impl FnMut(Progress),
) -> Result<ConvertResult, ApiError> {
    let mut last = None;
    let mut failures = 0;
    loop {
        // The job runs on whatever happens to one status request: a dropped connection,
        // a 5xx or 429, a cut answer is asked again (with a growing pause).
        let status = match api.job_status(status_url, true).await {
            Ok(status) => {
                failures = 0;
                status
            }
            Err(e) if e.is_transient() && failures + 1 < retry.tries => {
                tracing::info!(error = %e, failures, "the job status failed; asking again");
                let pause = crate::session::backoff(failures, 0.75);
                tokio::time::sleep(pause.mul_f64(retry.first_pause.as_secs_f64())).await;
                failures += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        let progress = Progress {
            done: status.done,
            total: status.total,
        };
        on_progress(progress);
        if status.state != JobState::Running {
            return Ok(status.results);
        }
        // A server that answers at once (no long poll) and shows no movement gets a pause.
        if last == Some(progress) {
            tokio::time::sleep(POLL_PAUSE).await;
        }
        last = Some(progress);
    }
}

/// The recent values of the convert form's fields, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Recent {
    pub bucket: Vec<String>,
    pub pdf_prefix: Vec<String>,
    pub upload_prefix: Vec<String>,
}

impl Recent {
    pub fn remember(&mut self, request: &ConvertRequest) {
        push_recent(&mut self.bucket, &request.source_bucket);
        push_recent(&mut self.pdf_prefix, &request.pdf_prefix);
        push_recent(&mut self.upload_prefix, &request.upload_prefix);
    }
}

fn push_recent(list: &mut Vec<String>, value: &str) {
    list.retain(|v| v != value);
    list.insert(0, value.to_owned());
    list.truncate(MAX_RECENT);
}

/// Everything in the jobs file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobFile {
    pub version: u32,
    /// Newest first.
    pub jobs: Vec<JobRecord>,
    pub recent: Recent,
}

impl JobFile {
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("jobs.json")
    }

    /// Reads the file. A missing file is empty. A file that cannot be read is moved aside
    /// (kept, never lost) and the reason returned with an empty list. Jobs that were
    /// running when the app stopped are marked interrupted.
    pub fn load(path: &Path) -> (Self, Option<String>) {
        crate::fsutil::remove_stale_temps(path);
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Self::default(), None),
            Err(e) => return (Self::default(), Some(format!("{}: {e}", path.display()))),
        };
        match serde_json::from_slice::<Self>(&bytes) {
            Ok(mut file) => {
                for job in &mut file.jobs {
                    if job.phase == Phase::Running {
                        job.phase = Phase::Interrupted;
                    }
                }
                (file, None)
            }
            Err(e) => {
                let kept = crate::fsutil::set_aside(path).map_or_else(
                    |r| format!("(could not move it aside: {r})"),
                    |aside| format!("(kept as {})", aside.display()),
                );
                (
                    Self::default(),
                    Some(format!("{} is not readable: {e} {kept}", path.display())),
                )
            }
        }
    }

    pub fn add(&mut self, job: JobRecord) {
        self.recent.remember(&job.request);
        self.jobs.insert(0, job);
        self.jobs.truncate(MAX_JOBS);
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut file = self.clone();
        file.version = 1;
        serde_json::to_vec_pretty(&file).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ConvertedPage, FailedPdf};

    fn request(n: usize) -> ConvertRequest {
        ConvertRequest {
            source_bucket: format!("bucket{n}"),
            pdf_prefix: "a/pdf/".to_owned(),
            upload_prefix: "a/jpeg/".to_owned(),
        }
    }

    fn page() -> ConvertedPage {
        ConvertedPage {
            source_key: "a.pdf".to_owned(),
            page: Some(1),
            key: "a-1.jpg".to_owned(),
            url: None,
            width: None,
            height: None,
            bytes: None,
        }
    }

    #[test]
    fn phases_follow_the_counts() {
        let failed = FailedPdf {
            source_key: "b.pdf".to_owned(),
            error: "broken".to_owned(),
            reason: None,
        };
        let cases = [
            (vec![page()], vec![], Phase::Succeeded),
            (vec![page()], vec![failed.clone()], Phase::Partial),
            (vec![], vec![failed], Phase::Failed),
            (vec![], vec![], Phase::Succeeded),
        ];
        for (converted, failed, phase) in cases {
            let mut job = JobRecord::new("1".into(), "p".into(), request(1), 10);
            job.finish(
                Ok((ConvertResult { converted, failed }, Diagnostics::default())),
                15,
            );
            assert_eq!(job.phase, phase);
            assert_eq!(job.duration(99), 5);
        }
    }

    #[test]
    fn a_504_is_told_apart() {
        let mut job = JobRecord::new("1".into(), "p".into(), request(1), 10);
        job.finish(
            Err(ApiError::Refused {
                message: "Endpoint request timed out".into(),
                diagnostics: Diagnostics {
                    status: 504,
                    ..Diagnostics::default()
                },
            }),
            40,
        );
        assert_eq!(
            job.failure.as_ref().map(|f| f.kind),
            Some(FailureKind::GatewayTimeout)
        );
        assert_eq!(job.diagnostics.map(|d| d.status), Some(504));
    }

    #[test]
    fn an_api_that_never_answers_is_a_timeout_not_a_network_failure() {
        let mut job = JobRecord::new("1".into(), "p".into(), request(1), 10);
        job.finish(Err(ApiError::Timeout { seconds: 35 }), 45);
        assert_eq!(
            job.failure.as_ref().map(|f| f.kind),
            Some(FailureKind::Timeout)
        );
    }

    #[test]
    fn the_file_round_trips_keeps_ten_recent_and_marks_interrupted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = JobFile::path(dir.path());
        let mut file = JobFile::default();
        for n in 0..12 {
            file.add(JobRecord::new(n.to_string(), "p".into(), request(n), 1));
        }
        assert_eq!(file.recent.bucket.len(), MAX_RECENT);
        assert_eq!(file.recent.bucket[0], "bucket11");
        assert_eq!(file.jobs[0].id, "11");
        crate::fsutil::write_private_atomic(&path, &file.to_json()).expect("write");
        let (loaded, problem) = JobFile::load(&path);
        assert_eq!(problem, None);
        assert_eq!(loaded.jobs.len(), 12);
        assert!(loaded.jobs.iter().all(|j| j.phase == Phase::Interrupted));
    }

    #[test]
    fn an_unreadable_file_is_kept_aside_not_lost() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = JobFile::path(dir.path());
        std::fs::write(&path, b"{ not json").expect("write");
        let (loaded, problem) = JobFile::load(&path);
        assert!(loaded.jobs.is_empty());
        assert!(problem.expect("a problem").contains("not readable"));
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("unreadable"))
            .collect();
        assert_eq!(kept.len(), 1);
    }
}

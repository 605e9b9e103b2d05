//! Conversions in flight: started from the form or Retry, followed to their end on the
//! runtime, cancelled, and recorded in the jobs file.

use poll_promise::Promise;
use tokio::sync::watch;

use super::navigation::Event;
use super::{App, ConnSlot};
use crate::api::ConvertRequest;
use crate::jobs::{self as job_model, Finished, JobRecord, Live};

pub(super) struct RunningJob {
    pub(super) live: watch::Receiver<Live>,
    pub(super) promise: Promise<Finished>,
    pub(super) abort: tokio::task::AbortHandle,
    pub(super) started: std::time::Instant,
}

impl App {
    // ----- jobs -----

    pub(super) fn start_job(&mut self, request: ConvertRequest) {
        let ConnSlot::Ready(conn) = &self.conn else {
            return;
        };
        let Some(api) = conn.api.clone() else {
            return;
        };
        let now = jiff::Timestamp::now().as_second();
        let id = job_id(now);
        self.jobs.add(JobRecord::new(
            id.clone(),
            self.profile_name.clone(),
            request.clone(),
            now,
        ));
        self.save_jobs();
        let (live_tx, live_rx) = watch::channel(Live::default());
        let (promise, abort) = self
            .tasks
            .spawn_abortable(async move { job_model::run(&api, &request, &live_tx).await });
        self.running.insert(
            id.clone(),
            RunningJob {
                live: live_rx,
                promise,
                abort,
                started: std::time::Instant::now(),
            },
        );
        self.jobs_view.selected = Some(id);
        self.go(Event::JobStarted);
    }

    pub(super) fn poll_jobs(&mut self) {
        let ids: Vec<String> = self.running.keys().cloned().collect();
        let mut changed = false;
        for id in ids {
            let Some(running) = self.running.remove(&id) else {
                continue;
            };
            let live = running.live.borrow().clone();
            let record = self.jobs.jobs.iter_mut().find(|j| j.id == id);
            match running.promise.try_take() {
                Ok(finished) => {
                    let switched = finished.as_ref().ok().and_then(|(_, d)| d.switched_to);
                    if let Some(record) = record {
                        record.server_job = live.server_job.or(record.server_job.take());
                        record.finish(finished, jiff::Timestamp::now().as_second());
                        record.elapsed_ms = Some(
                            u64::try_from(running.started.elapsed().as_millis())
                                .unwrap_or(u64::MAX),
                        );
                        if let Some(failure) = &record.failure {
                            crate::logging::note_problem(format!(
                                "job {}: {:?}: {}",
                                record.id, failure.kind, failure.message
                            ));
                            // A backend that isn't ours: its pages are looked for in S3.
                            if failure.kind == job_model::FailureKind::NotOurContract {
                                self.actions
                                    .push(super::Action::LoadResults(record.id.clone(), false));
                            }
                        }
                    }
                    if let Some(kind) = switched
                        && let Some(profile) = self.config.profiles.get_mut(&self.profile_name)
                    {
                        profile.token_kind = kind;
                        self.save_config();
                    }
                    changed = true;
                }
                Err(promise) => {
                    if let Some(record) = record {
                        record.progress = live.progress.or(record.progress);
                        if record.server_job.is_none() && live.server_job.is_some() {
                            record.server_job = live.server_job;
                            changed = true;
                        }
                    }
                    self.running.insert(
                        id,
                        RunningJob {
                            live: running.live,
                            promise,
                            abort: running.abort,
                            started: running.started,
                        },
                    );
                }
            }
        }
        if changed {
            self.save_jobs();
        }
    }

    /// Stops waiting for a running job (the server may still finish it).
    pub(super) fn cancel_job(&mut self, id: &str) {
        let Some(running) = self.running.remove(id) else {
            return;
        };
        running.abort.abort();
        let live = running.live.borrow().clone();
        if let Some(record) = self.jobs.jobs.iter_mut().find(|j| j.id == id) {
            record.phase = job_model::Phase::Cancelled;
            record.progress = live.progress.or(record.progress);
            record.server_job = live.server_job.or(record.server_job.take());
        }
        self.save_jobs();
    }

    pub fn running_jobs(&self) -> usize {
        self.running.len()
    }
}

fn job_id(now: i64) -> String {
    let mut bytes = [0_u8; 3];
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    let stamp = jiff::Timestamp::from_second(now).map_or_else(
        |_| now.to_string(),
        |t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y%m%d-%H%M%S")
                .to_string()
        },
    );
    format!("{stamp}-{:02x}{:02x}{:02x}", bytes[0], bytes[1], bytes[2])
}

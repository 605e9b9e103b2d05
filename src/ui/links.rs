//! Signed result URLs expire (15 minutes on S3 and the local stack): a thumbnail that
//! meets an expired link asks the job status for fresh ones, once per job, and every tile
//! that failed that way is asked for again with them. A request still on its way with an
//! old link when the fresh ones arrive is asked for again too, not left failed.

use poll_promise::Promise;

use super::App;
use super::gallery::Tile;

impl App {
    /// Signed URLs expire: ask the job status for fresh ones (202 jobs have one).
    pub(super) fn refresh_urls(&mut self) {
        let Some(job_id) = self.gallery.job_id.clone() else {
            return;
        };
        if self.gallery.refresh.is_some()
            || self.gallery.refreshed_for.as_deref() == Some(job_id.as_str())
        {
            return;
        }
        let Some(status_url) = self
            .jobs
            .jobs
            .iter()
            .find(|j| j.id == job_id)
            .and_then(|j| j.server_job.as_ref())
            .map(|s| s.status_url.clone())
        else {
            return;
        };
        let Some(api) = self.connection().and_then(|c| c.api.clone()) else {
            return;
        };
        self.gallery.refreshed_for = Some(job_id);
        self.gallery.refresh = Some(self.tasks.spawn(async move {
            match api.job_status(&status_url, false).await {
                Ok(status) => Some(status.results),
                Err(e) => {
                    tracing::warn!(error = %e, "could not refresh the result URLs");
                    None
                }
            }
        }));
    }

    pub(super) fn poll_url_refresh(&mut self) {
        if self
            .gallery
            .refresh
            .as_ref()
            .is_none_or(|p| p.ready().is_none())
        {
            return;
        }
        let Some(Ok(Some(result))) = self.gallery.refresh.take().map(Promise::try_take) else {
            return;
        };
        let Some(job_id) = self.gallery.job_id.clone() else {
            return;
        };
        if let Some(job) = self.jobs.jobs.iter_mut().find(|j| j.id == job_id) {
            job.result = Some(std::sync::Arc::new(result));
            self.gallery.links += 1;
            self.gallery.tiles.retain(|_, t| *t != Tile::Expired);
            self.save_jobs();
        }
    }
}

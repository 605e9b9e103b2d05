//! Results from any backend: when `/convert` answered without the contract's pages (a
//! backend that isn't ours), the job's pages are read from its upload prefix in S3 with
//! the profile's identity pool — only objects written since the job started — and shown
//! in the same gallery.

use poll_promise::Promise;

use super::App;
use crate::i18n::ui::jobs as t;
use crate::jobs::JobRecord;

impl App {
    /// What the signed-in user listed goes with them (sign-out, another profile).
    pub(super) fn forget_listings(&mut self) {
        self.browse = super::browse::BrowseState::default();
        self.results_loading.clear();
    }

    /// Starts reading job `id`'s pages from its upload prefix (when the profile can):
    /// those written since it started, or with `all` every page there.
    pub(super) fn load_results(&mut self, id: &str, all: bool) {
        let Some(source) = self.connection().and_then(|c| c.source.clone()) else {
            return;
        };
        if !source.is_identity_pool() || self.results_loading.contains_key(id) {
            return;
        }
        // Only with the profile the job ran on: another's pool reads another bucket.
        let Some(job) = self
            .jobs
            .jobs
            .iter()
            .find(|j| j.id == id && j.profile == self.profile_name)
        else {
            return;
        };
        let (bucket, prefix, since) = (
            job.request.source_bucket.clone(),
            job.request.upload_prefix.clone(),
            (!all).then_some(job.started_at),
        );
        let lang = self.lang;
        let promise = self.tasks.spawn(async move {
            source
                .results(&bucket, &prefix, since)
                .await
                .map_err(|e| crate::i18n::browse_error(&e, lang))
        });
        self.results_loading.insert(id.to_owned(), promise);
    }

    pub(super) fn poll_results(&mut self) {
        let done: Vec<String> = self
            .results_loading
            .iter()
            .filter(|(_, p)| p.ready().is_some())
            .map(|(id, _)| id.clone())
            .collect();
        for id in done {
            let Some(Ok(loaded)) = self.results_loading.remove(&id).map(Promise::try_take) else {
                continue;
            };
            let Some(job) = self.jobs.jobs.iter_mut().find(|j| j.id == id) else {
                continue;
            };
            match loaded {
                Ok(result) => job.found_results(result),
                Err(message) => {
                    if let Some(failure) = &mut job.failure {
                        failure.message = format!("{}\n{message}", failure.message);
                    }
                }
            }
            self.save_jobs();
        }
    }

    /// Under a "not our contract" failure: where the pages came from, or how to see them.
    pub(super) fn foreign_results_note(&mut self, ui: &mut egui::Ui, job: &JobRecord) {
        let lang = self.lang;
        let can_read = job.profile == self.profile_name
            && self
                .connection()
                .and_then(|c| c.source.as_ref())
                .is_some_and(|s| s.is_identity_pool());
        if self.results_loading.contains_key(&job.id) {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(lang.text(t::READING_THE_UPLOAD_PREFIX));
            });
        } else if can_read {
            if job.converted_count() > 0 {
                ui.label(t::read_from_upload_prefix(job.converted_count(), lang));
            }
            ui.horizontal(|ui| {
                if job.converted_count() == 0
                    && ui.button(lang.text(t::LOOK_IN_THE_UPLOAD_PREFIX)).clicked()
                {
                    self.ask(super::Action::LoadResults(job.id.clone(), false));
                }
                if ui.button(lang.text(t::SHOW_EVERY_PAGE_THERE)).clicked() {
                    self.ask(super::Action::LoadResults(job.id.clone(), true));
                }
            });
        } else {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                lang.text(t::SET_AN_IDENTITY_POOL),
            );
        }
    }
}

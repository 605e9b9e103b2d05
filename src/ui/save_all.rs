//! Save all: pick a folder, ask before overwriting what is there, save every page with
//! progress and Cancel (the copying itself is `crate::save`), and say what happened.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use poll_promise::Promise;

use super::App;
use super::gallery::items;
use crate::i18n::ui::gallery as t;
use crate::save;
use crate::thumbs::Item;

/// Save all: progress, cancel, and what happened.
pub struct SaveAll {
    pub total: usize,
    pub done: Arc<AtomicUsize>,
    pub cancel: Arc<AtomicBool>,
    pub promise: Promise<SaveReport>,
}

use crate::save::SaveReport;

/// The folder chosen and the files in it that already exist, awaiting the person's answer.
pub struct Conflict {
    pub(super) folder: PathBuf,
    pub(super) existing: Vec<String>,
}

pub(super) type FolderPick = Promise<Option<(PathBuf, Vec<String>)>>;

impl App {
    pub(super) fn pick_save_folder(&mut self, shown: &[(Item, Option<u32>)]) {
        let dialog = self.dialogs.pick_folder();
        let keys: Vec<&str> = shown.iter().map(|(i, _)| i.key.as_str()).collect();
        let names = save::relative_names(&keys);
        self.gallery.report = None;
        self.gallery.folder_pick = Some(self.tasks.spawn(async move {
            let folder = dialog.await?;
            let existing = save::existing_names(folder.clone(), names).await;
            Some((folder, existing))
        }));
    }

    pub(super) fn poll_saves(&mut self) {
        if self
            .gallery
            .folder_pick
            .as_ref()
            .is_some_and(|p| p.ready().is_some())
            && let Some(Ok(picked)) = self.gallery.folder_pick.take().map(Promise::try_take)
            && let Some((folder, existing)) = picked
        {
            if existing.is_empty() {
                self.start_save_all(folder, false);
            } else {
                self.gallery.conflict = Some(Conflict { folder, existing });
            }
        }
        if self
            .gallery
            .save_all
            .as_ref()
            .is_some_and(|s| s.promise.ready().is_some())
            && let Some(save) = self.gallery.save_all.take()
            && let Ok(report) = save.promise.try_take()
        {
            self.gallery.report = Some(report);
        }
    }

    pub(super) fn start_save_all(&mut self, folder: PathBuf, overwrite: bool) {
        let Some(job) = self
            .gallery
            .job_id
            .as_ref()
            .and_then(|id| self.jobs.jobs.iter().find(|j| &j.id == id))
        else {
            return;
        };
        let work: Vec<Item> = items(job).into_iter().map(|(i, _)| i).collect();
        let progress = save::SaveProgress::default();
        let (done, cancel) = (Arc::clone(&progress.done), Arc::clone(&progress.cancel));
        let thumbnailer = Arc::clone(&self.thumbnailer);
        let ctx = self.tasks.ctx().clone();
        let total = work.len();
        let promise = self.tasks.spawn(save::pages_into_folder(
            thumbnailer,
            work,
            folder,
            overwrite,
            progress,
            move || ctx.request_repaint(),
        ));
        self.gallery.save_all = Some(SaveAll {
            total,
            done,
            cancel,
            promise,
        });
    }

    pub(super) fn save_progress(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        if let Some(conflict) = &self.gallery.conflict {
            let folder = conflict.folder.clone();
            let count = conflict.existing.len();
            let mut answer = None;
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    t::files_exist(count, &folder, lang),
                );
                if ui.button(lang.text(t::OVERWRITE_THEM)).clicked() {
                    answer = Some(Some(true));
                }
                if ui.button(lang.text(t::KEEP_THEM_SKIP)).clicked() {
                    answer = Some(Some(false));
                }
                if ui.button(lang.text(t::CANCEL)).clicked() {
                    answer = Some(None);
                }
            });
            if let Some(answer) = answer {
                self.gallery.conflict = None;
                if let Some(overwrite) = answer {
                    self.start_save_all(folder, overwrite);
                }
            }
        }
        if let Some(save) = &self.gallery.save_all {
            let done = save.done.load(Ordering::Relaxed);
            let cancel = Arc::clone(&save.cancel);
            ui.horizontal(|ui| {
                ui.add(
                    egui::ProgressBar::new(done as f32 / save.total.max(1) as f32)
                        .text(format!("{done} / {}", save.total))
                        .desired_width(240.0),
                );
                if ui.button(lang.text(t::CANCEL_SAVING)).clicked() {
                    cancel.store(true, Ordering::Relaxed);
                }
            });
        }
        if let Some(report) = &self.gallery.report {
            let text = t::save_report(
                report.saved,
                &report.folder,
                report.skipped,
                report.failed.len(),
                report.cancelled,
                lang,
            );
            let folder = report.folder.clone();
            ui.horizontal_wrapped(|ui| {
                ui.label(text);
                if ui.button(lang.text(t::OPEN_FOLDER)).clicked() {
                    ui.ctx().open_url(egui::OpenUrl::new_tab(format!(
                        "file://{}",
                        folder.display()
                    )));
                }
            });
            for (name, reason) in &report.failed {
                ui.colored_label(ui.visuals().error_fg_color, format!("{name}: {reason}"));
            }
        }
    }
}

//! The convert form: bucket, PDF prefix and upload prefix, checked as they are typed;
//! recent values offered; Start (or Ctrl+Enter) runs the job.

use super::{Action, App};
use crate::api::ConvertRequest;
use crate::drafts::ConvertDraft;
use crate::i18n::ui::convert as t;
use crate::i18n::{self, Lang};
use crate::validate::{Hint, Problem};

#[derive(Default)]
pub struct ConvertState {
    bucket: String,
    pdf_prefix: String,
    upload_prefix: String,
    /// The profile whose defaults were filled in.
    pub(super) filled_for: Option<String>,
}

#[derive(Clone, Copy)]
enum Field {
    Bucket,
    PdfPrefix,
    UploadPrefix,
}

impl ConvertState {
    fn value(&mut self, field: Field) -> &mut String {
        match field {
            Field::Bucket => &mut self.bucket,
            Field::PdfPrefix => &mut self.pdf_prefix,
            Field::UploadPrefix => &mut self.upload_prefix,
        }
    }

    /// The bucket browser picked a folder: its PDFs are converted, the pages go where
    /// the seed's layout puts them (editable).
    pub(super) fn use_folder(&mut self, prefix: &str) {
        prefix.clone_into(&mut self.pdf_prefix);
        self.upload_prefix = super::browse::upload_prefix_for(prefix);
    }

    fn draft(&self) -> ConvertDraft {
        ConvertDraft {
            bucket: self.bucket.clone(),
            pdf_prefix: self.pdf_prefix.clone(),
            upload_prefix: self.upload_prefix.clone(),
        }
    }
}

impl App {
    fn fill_form_defaults(&mut self) {
        if self.convert.filled_for.as_deref() == Some(self.profile_name.as_str()) {
            return;
        }
        let profile = self.profile().cloned().unwrap_or_default();
        let recent = &self.jobs.recent;
        let prefer = |own: Option<String>, recent: &[String]| {
            own.or_else(|| recent.first().cloned()).unwrap_or_default()
        };
        self.convert.bucket = prefer(profile.bucket, &recent.bucket);
        self.convert.pdf_prefix = prefer(profile.pdf_prefix, &recent.pdf_prefix);
        self.convert.upload_prefix = prefer(profile.upload_prefix, &recent.upload_prefix);
        self.convert.filled_for = Some(self.profile_name.clone());
    }

    pub(super) fn convert_screen(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        self.fill_form_defaults();
        ui.heading(lang.text(t::CONVERT_RECEIPTS));
        ui.label(lang.text(t::EVERY_PDF_UNDER_THE_PDF_PREFIX));
        ui.add_space(8.0);
        let has_api = self.connection().is_some_and(|c| c.api.is_some());
        if !has_api {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                lang.text(t::THIS_PROFILE_HAS_NO_API_URL),
            );
        }
        let checked = self.convert.draft().check();
        let rows = [
            (
                Field::Bucket,
                lang.text(t::BUCKET),
                lang.text(t::RECENT_BUCKETS),
                checked.bucket.clone(),
                None,
            ),
            (
                Field::PdfPrefix,
                lang.text(t::PDF_PREFIX),
                lang.text(t::RECENT_PDF_PREFIXES),
                checked.pdf.clone(),
                checked.pdf_hint.clone(),
            ),
            (
                Field::UploadPrefix,
                lang.text(t::UPLOAD_PREFIX),
                lang.text(t::RECENT_UPLOAD_PREFIXES),
                checked.upload.clone(),
                checked.upload_hint.clone(),
            ),
        ];
        egui::Grid::new("convert-form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for (field, label, recent_label, problem, hint) in rows {
                    self.form_row(
                        ui,
                        field,
                        label,
                        recent_label,
                        problem.as_ref(),
                        hint.as_ref(),
                    );
                }
            });
        if let Some(problem) = &checked.pair {
            ui.colored_label(
                ui.visuals().error_fg_color,
                i18n::form::problem(problem, lang),
            );
        }
        if let Some(hint) = &checked.pair_hint {
            ui.colored_label(ui.visuals().warn_fg_color, i18n::form::hint(hint, lang));
        }
        let bucket = self.convert.bucket.trim().to_owned();
        let has_source = self.connection().is_some_and(|c| c.source.is_some());
        let can_browse = has_source && self.is_signed_in() && checked.bucket.is_none();
        if !self.browse.open
            && ui
                .add_enabled(can_browse, egui::Button::new(lang.text(t::BROWSE)))
                .clicked()
        {
            // From the PDF prefix in the form when it is one, else the bucket's top.
            let from = if checked.pdf.is_none() {
                self.convert.pdf_prefix.clone()
            } else {
                String::new()
            };
            self.ask(Action::Browse(bucket.clone(), from));
        }
        self.browse_panel(ui, &bucket);
        if let Some(summary) = self.browse_summary(&bucket, &self.convert.pdf_prefix) {
            ui.label(summary);
        }
        ui.add_space(8.0);
        let ready = checked.request().is_some() && has_api && self.is_signed_in();
        let shortcut = ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter));
        let clicked = ui
            .horizontal(|ui| {
                let clicked = ui
                    .add_enabled(
                        ready,
                        egui::Button::new(lang.text(t::START)).min_size([120.0, 28.0].into()),
                    )
                    .clicked();
                ui.weak(lang.text(t::CTRL_ENTER));
                clicked
            })
            .inner;
        if checked.request().is_none() {
            ui.weak(lang.text(t::START_IS_AVAILABLE_ONCE_EVERY_FIELD));
        }
        // What would be sent, shown even while a field is still wrong.
        let request = checked
            .request()
            .cloned()
            .unwrap_or_else(|| ConvertRequest {
                source_bucket: self.convert.bucket.trim().to_owned(),
                pdf_prefix: self.convert.pdf_prefix.clone(),
                upload_prefix: self.convert.upload_prefix.clone(),
            });
        ui.add_space(8.0);
        egui::CollapsingHeader::new(lang.text(t::REQUEST_BODY))
            .default_open(false)
            .show(ui, |ui| {
                let body = serde_json::to_string_pretty(&request).unwrap_or_default();
                ui.monospace(body);
            });
        if ready
            && (clicked || shortcut)
            && let Some(request) = checked.request()
        {
            self.ask(Action::StartJob(request.clone()));
        }
    }

    fn form_row(
        &mut self,
        ui: &mut egui::Ui,
        field: Field,
        label: &str,
        recent_label: &str,
        problem: Option<&Problem>,
        hint: Option<&Hint>,
    ) {
        let lang = self.lang;
        let label = ui.label(label);
        let recent: Vec<String> = match field {
            Field::Bucket => self.jobs.recent.bucket.clone(),
            Field::PdfPrefix => self.jobs.recent.pdf_prefix.clone(),
            Field::UploadPrefix => self.jobs.recent.upload_prefix.clone(),
        };
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                let value = self.convert.value(field);
                ui.add(egui::TextEdit::singleline(value).desired_width(360.0))
                    .labelled_by(label.id);
                ui.add_enabled_ui(!recent.is_empty(), |ui| {
                    ui.menu_button(recent_label, |ui| {
                        for item in &recent {
                            if ui.button(item).clicked() {
                                self.convert.value(field).clone_from(item);
                                ui.close();
                            }
                        }
                    });
                });
            });
            if let Some(problem) = problem {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    i18n::form::problem(problem, lang),
                );
            }
            if let Some(hint) = hint {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(ui.visuals().warn_fg_color, i18n::form::hint(hint, lang));
                    if let Hint::NoTrailingSlash { fixed } = hint
                        && ui.button(fix_label(lang)).clicked()
                    {
                        self.convert.value(field).clone_from(fixed);
                    }
                });
            }
        });
        ui.end_row();
    }
}

fn fix_label(lang: Lang) -> &'static str {
    lang.text(t::ADD_THE_TRAILING)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Profile};
    use crate::ui::navigation::Event;
    use crate::ui::test_app::{app_with, unreachable_profile};
    use crate::ui::{Action, Screen};

    #[test]
    fn a_picked_folder_fills_the_pdf_prefix_and_proposes_the_upload_prefix() {
        let mut state = ConvertState {
            bucket: "shitadan".to_owned(),
            upload_prefix: "typed/".to_owned(),
            ..ConvertState::default()
        };
        state.use_folder("api/receipts/r6/pdf/");
        assert_eq!(state.pdf_prefix, "api/receipts/r6/pdf/");
        assert_eq!(state.upload_prefix, "api/receipts/r6/jpeg/");
        let checked = state.draft().check();
        assert_eq!(
            checked.request().map(|r| r.source_bucket.as_str()),
            Some("shitadan")
        );
        // A bad bucket makes no request, whatever the prefixes.
        state.bucket = "Not_A_Bucket".to_owned();
        assert!(state.draft().check().request().is_none());
    }

    #[test]
    fn the_form_takes_a_profile_s_defaults_once_and_then_keeps_what_was_typed() {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::default();
        config.profiles.insert(
            "first".to_owned(),
            Profile {
                bucket: Some("shitadan".to_owned()),
                pdf_prefix: Some("api/receipts/r6/pdf/".to_owned()),
                ..unreachable_profile()
            },
        );
        config
            .profiles
            .insert("second".to_owned(), unreachable_profile());
        config.default_profile = Some("first".to_owned());
        let mut app = app_with(&runtime, dir.path(), &config);
        app.jobs.recent.upload_prefix = vec!["recent/jpeg/".to_owned()];
        app.jobs.recent.bucket = vec!["recent-bucket".to_owned()];

        // The profile's own defaults first, the most recent value where it has none.
        app.fill_form_defaults();
        assert_eq!(
            (
                app.convert.bucket.as_str(),
                app.convert.pdf_prefix.as_str(),
                app.convert.upload_prefix.as_str()
            ),
            ("shitadan", "api/receipts/r6/pdf/", "recent/jpeg/")
        );
        // What the person typed stays while the form is drawn again and tabs change.
        app.convert.bucket = "typed-bucket".to_owned();
        app.apply(Action::Go(Event::Chosen(Screen::Jobs)));
        app.fill_form_defaults();
        assert_eq!(app.convert.bucket, "typed-bucket");
        // Another profile fills the form with its own.
        app.apply(Action::SwitchProfile("second".to_owned()));
        app.fill_form_defaults();
        assert_eq!(
            (app.convert.bucket.as_str(), app.convert.pdf_prefix.as_str()),
            ("recent-bucket", "")
        );
    }
}

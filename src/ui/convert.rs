//! The convert form: bucket, PDF prefix and upload prefix, checked as they are typed;
//! recent values offered; Start (or Ctrl+Enter) runs the job.

use super::App;
use crate::api::ConvertRequest;
use crate::i18n::Lang;
use crate::validate::{self, Hint, Problem};

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

    /// The request when every field is valid, else the problems by field.
    fn check(&self) -> Checked {
        let bucket = validate::bucket(self.bucket.trim()).err();
        let (pdf, pdf_hint) = split(validate::prefix(&self.pdf_prefix));
        let (upload, upload_hint) = split(validate::prefix(&self.upload_prefix));
        let (pair, pair_hint) = if pdf.is_none() && upload.is_none() {
            split(validate::prefix_pair(&self.pdf_prefix, &self.upload_prefix))
        } else {
            (None, None)
        };
        Checked {
            bucket,
            pdf,
            pdf_hint,
            upload,
            upload_hint,
            pair,
            pair_hint,
        }
    }
}

fn split(result: Result<Option<Hint>, Problem>) -> (Option<Problem>, Option<Hint>) {
    match result {
        Ok(hint) => (None, hint),
        Err(problem) => (Some(problem), None),
    }
}

struct Checked {
    bucket: Option<Problem>,
    pdf: Option<Problem>,
    pdf_hint: Option<Hint>,
    upload: Option<Problem>,
    upload_hint: Option<Hint>,
    pair: Option<Problem>,
    pair_hint: Option<Hint>,
}

impl Checked {
    fn valid(&self) -> bool {
        self.bucket.is_none() && self.pdf.is_none() && self.upload.is_none() && self.pair.is_none()
    }
}

impl App {
    fn fill_form_defaults(&mut self) {
        if self.convert.filled_for.as_deref() == Some(self.profile_name.as_str()) {
            return;
        }
        let profile = self.profile().cloned().unwrap_or_default();
        let recent = &self.jobs.recent;
        let pick = |own: Option<String>, recent: &[String]| {
            own.or_else(|| recent.first().cloned()).unwrap_or_default()
        };
        self.convert.bucket = pick(profile.bucket, &recent.bucket);
        self.convert.pdf_prefix = pick(profile.pdf_prefix, &recent.pdf_prefix);
        self.convert.upload_prefix = pick(profile.upload_prefix, &recent.upload_prefix);
        self.convert.filled_for = Some(self.profile_name.clone());
    }

    pub(super) fn convert_screen(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        self.fill_form_defaults();
        ui.heading(lang.pick("Convert receipts", "領収書を変換"));
        ui.label(lang.pick(
            "Every PDF under the PDF prefix becomes JPEG pages under the upload prefix.",
            "PDF プレフィックス以下のすべての PDF を、ページごとの JPEG にしてアップロード先に保存します。",
        ));
        ui.add_space(8.0);
        let has_api = self.connection().is_some_and(|c| c.api.is_some());
        if !has_api {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                lang.pick(
                    "This profile has no API URL yet: add it in Settings.",
                    "このプロファイルには API の URL がありません。設定で追加してください。",
                ),
            );
        }
        let checked = self.convert.check();
        let rows = [
            (
                Field::Bucket,
                lang.pick("Bucket", "バケット"),
                lang.pick("Recent buckets", "最近のバケット"),
                checked.bucket.clone(),
                None,
            ),
            (
                Field::PdfPrefix,
                lang.pick("PDF prefix", "PDF プレフィックス"),
                lang.pick("Recent PDF prefixes", "最近の PDF プレフィックス"),
                checked.pdf.clone(),
                checked.pdf_hint.clone(),
            ),
            (
                Field::UploadPrefix,
                lang.pick("Upload prefix", "アップロード先プレフィックス"),
                lang.pick("Recent upload prefixes", "最近のアップロード先"),
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
            ui.colored_label(ui.visuals().error_fg_color, problem.sentence(lang));
        }
        if let Some(hint) = &checked.pair_hint {
            ui.colored_label(ui.visuals().warn_fg_color, hint.sentence(lang));
        }
        ui.add_space(8.0);
        let ready = checked.valid() && has_api && self.is_signed_in();
        let shortcut = ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter));
        let clicked = ui
            .horizontal(|ui| {
                let clicked = ui
                    .add_enabled(
                        ready,
                        egui::Button::new(lang.pick("Start", "開始"))
                            .min_size([120.0, 28.0].into()),
                    )
                    .clicked();
                ui.weak(lang.pick("Ctrl+Enter", "Ctrl+Enter で開始"));
                clicked
            })
            .inner;
        if !checked.valid() {
            ui.weak(lang.pick(
                "Start is available once every field is valid.",
                "すべての欄が正しく入力されると開始できます。",
            ));
        }
        let request = ConvertRequest {
            source_bucket: self.convert.bucket.trim().to_owned(),
            pdf_prefix: self.convert.pdf_prefix.clone(),
            upload_prefix: self.convert.upload_prefix.clone(),
        };
        ui.add_space(8.0);
        egui::CollapsingHeader::new(lang.pick("Request body", "送信する内容"))
            .default_open(false)
            .show(ui, |ui| {
                let body = serde_json::to_string_pretty(&request).unwrap_or_default();
                ui.monospace(body);
            });
        if ready && (clicked || shortcut) {
            self.start_job(request);
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
                ui.colored_label(ui.visuals().error_fg_color, problem.sentence(lang));
            }
            if let Some(hint) = hint {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(ui.visuals().warn_fg_color, hint.sentence(lang));
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
    lang.pick("Add the trailing \"/\"", "末尾に「/」を付ける")
}

//! The jobs view: every conversion (newest first, kept across restarts) and one job's
//! detail with its diagnostics, failed files, an explanation of what went wrong, and Retry.

use super::{Action, App};
use crate::i18n::Lang;
use crate::i18n::ui::jobs as t;
use crate::jobs::{FailureKind, JobRecord, Phase};

#[derive(Default)]
pub struct JobsViewState {
    pub(super) selected: Option<String>,
}

pub fn phase_label(phase: Phase, lang: Lang) -> &'static str {
    match phase {
        Phase::Running => lang.text(t::RUNNING),
        Phase::Succeeded => lang.text(t::DONE),
        Phase::Partial => lang.text(t::PARTLY_FAILED),
        Phase::Failed => lang.text(t::FAILED),
        Phase::Interrupted => lang.text(t::INTERRUPTED),
        Phase::Cancelled => lang.text(t::CANCELLED),
    }
}

/// What a failure means and what to do next.
pub fn explain(kind: FailureKind, lang: Lang) -> &'static str {
    match kind {
        FailureKind::Unauthorized => lang.text(t::N_401_THE_API_S_AUTHORIZER_REFUSED),
        FailureKind::Forbidden => lang.text(t::N_403_API_GATEWAY_REFUSED_THE_REQUEST),
        FailureKind::GatewayTimeout => lang.text(t::N_504_API_GATEWAY_STOPS_WAITING_AFTER),
        FailureKind::Refused => lang.text(t::THE_API_ANSWERED_WITH_AN_ERROR),
        FailureKind::Unreadable => lang.text(t::THE_API_ANSWERED_BUT_NOT_IN),
        FailureKind::NotOurContract => lang.text(t::NOT_OUR_CONTRACT),
        FailureKind::Network => lang.text(t::THE_API_COULD_NOT_BE_REACHED),
        FailureKind::Timeout => crate::i18n::api_timeout(lang),
        FailureKind::SignedOut => lang.text(t::YOU_WERE_NOT_SIGNED_IN_WHEN),
        FailureKind::AllFailed => lang.text(t::NO_PDF_COULD_BE_CONVERTED_EACH),
    }
}

fn local_time(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map_or_else(
        |_| seconds.to_string(),
        |t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string()
        },
    )
}

/// How long a job took: milliseconds under 10 s (a demo converts in about one), then
/// seconds, then minutes.
fn duration_text(job: &JobRecord, now: i64) -> String {
    match job.elapsed_ms {
        Some(ms) if ms < 10_000 => format!("{ms} ms"),
        _ => {
            let seconds = job.elapsed_ms.map_or_else(
                || job.duration(now),
                |ms| i64::try_from(ms / 1000).unwrap_or(i64::MAX),
            );
            if seconds < 60 {
                format!("{seconds} s")
            } else {
                format!("{}:{:02} min", seconds / 60, seconds % 60)
            }
        }
    }
}

/// A size as people read it: 980 B, 12.3 KB, 4.5 MB.
fn size_text(bytes: u64) -> String {
    match bytes {
        b if b < 1000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1000.0),
        b => format!("{:.1} MB", b as f64 / 1_000_000.0),
    }
}

/// The answer at a glance, like an HTTP client shows it: "200 OK · 812 ms · 3.4 KB".
fn answer_line(
    job: &JobRecord,
    d: &crate::api::Diagnostics,
    now: i64,
    lang: Lang,
) -> Option<String> {
    if d.status == 0 {
        return None;
    }
    let reason = match d.status {
        200 => " OK",
        202 => " Accepted",
        400 => " Bad Request",
        401 => " Unauthorized",
        403 => " Forbidden",
        404 => " Not Found",
        429 => " Too Many Requests",
        500 => " Internal Server Error",
        502 => " Bad Gateway",
        503 => " Service Unavailable",
        504 => " Gateway Timeout",
        _ => "",
    };
    let mut line = format!("{}{reason} · {}", d.status, duration_text(job, now));
    let bytes: u64 = job
        .result
        .iter()
        .flat_map(|r| &r.converted)
        .filter_map(|p| p.bytes)
        .sum();
    if bytes > 0 {
        let _ = std::fmt::Write::write_fmt(
            &mut line,
            format_args!(" · {} {}", size_text(bytes), lang.text(t::OF_JPEG_PAGES)),
        );
    }
    Some(line)
}

/// The text a person pastes into a bug report: no tokens, no passwords.
pub fn diagnostics_text(job: &JobRecord) -> String {
    let mut lines = vec![
        format!("receipt-desk {}", env!("CARGO_PKG_VERSION")),
        format!("job {} ({:?})", job.id, job.phase),
        format!("profile {}", job.profile),
        format!(
            "request {}",
            serde_json::to_string(&job.request).unwrap_or_default()
        ),
        format!("started {}", local_time(job.started_at)),
    ];
    if let Some(d) = &job.diagnostics {
        lines.push(format!("HTTP {}", d.status));
        lines.push(format!(
            "x-amzn-RequestId {}",
            d.request_id.as_deref().unwrap_or("-")
        ));
        lines.push(format!(
            "x-amz-apigw-id {}",
            d.apigw_id.as_deref().unwrap_or("-")
        ));
    }
    if let Some(server) = &job.server_job {
        lines.push(format!("server job {}", server.job_id));
    }
    if let Some(f) = &job.failure {
        lines.push(format!("failure {:?}: {}", f.kind, f.message));
    }
    for failed in job.result.iter().flat_map(|r| &r.failed) {
        lines.push(format!("failed {}: {}", failed.source_key, failed.error));
    }
    lines.join("\n")
}

/// The job whose details show: the one picked while it still exists, else the newest
/// (the list is newest first).
fn shown_job(picked: Option<&str>, jobs: &[JobRecord]) -> Option<String> {
    picked
        .filter(|id| jobs.iter().any(|j| j.id == *id))
        .or_else(|| jobs.first().map(|j| j.id.as_str()))
        .map(str::to_owned)
}

impl App {
    pub(super) fn jobs_screen(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        if self.jobs.jobs.is_empty() {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.heading(lang.text(t::JOBS));
                ui.label(lang.text(t::NO_CONVERSIONS_YET_START_ONE_FROM));
            });
            return;
        }
        let now = jiff::Timestamp::now().as_second();
        let mut selected = shown_job(self.jobs_view.selected.as_deref(), &self.jobs.jobs);
        egui::Panel::left("job-list")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| {
                ui.heading(lang.text(t::JOBS));
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for job in &self.jobs.jobs {
                        let text = format!(
                            "{}  {}\n{}/{}\n{}",
                            phase_label(job.phase, lang),
                            local_time(job.started_at),
                            job.request.source_bucket,
                            job.request.pdf_prefix,
                            t::job_summary(
                                job.converted_count(),
                                job.failed_count(),
                                &duration_text(job, now),
                                lang
                            )
                        );
                        if ui
                            .selectable_label(selected.as_deref() == Some(job.id.as_str()), text)
                            .clicked()
                        {
                            selected = Some(job.id.clone());
                        }
                        if job.phase == Phase::Running {
                            job_progress(ui, job, now, lang);
                        }
                        ui.separator();
                    }
                });
            });
        self.jobs_view.selected.clone_from(&selected);
        let Some(job) = selected.and_then(|id| self.jobs.jobs.iter().find(|j| j.id == id).cloned())
        else {
            return;
        };
        if job.phase == Phase::Running {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(1));
        }
        egui::CentralPanel::default().show(ui, |ui| self.job_detail(ui, &job, now));
    }

    fn job_detail(&mut self, ui: &mut egui::Ui, job: &JobRecord, now: i64) {
        let lang = self.lang;
        if self.gallery.viewer.is_some() {
            self.gallery(ui, job);
            return;
        }
        ui.heading(format!(
            "{} — {}/{}",
            phase_label(job.phase, lang),
            job.request.source_bucket,
            job.request.pdf_prefix
        ));
        ui.weak(local_time(job.started_at));
        if let Some(d) = &job.diagnostics
            && let Some(line) = answer_line(job, d, now, lang)
        {
            ui.label(egui::RichText::new(line).strong());
        }
        if job.phase == Phase::Running {
            ui.horizontal(|ui| {
                job_progress(ui, job, now, lang);
                if ui.button(lang.text(t::CANCEL)).clicked() {
                    self.ask(Action::CancelJob(job.id.clone()));
                }
            });
        }
        let d = job.diagnostics.clone().unwrap_or_default();
        let has_pages = job.converted_count() > 0;
        egui::CollapsingHeader::new(lang.text(t::DETAILS))
            .id_salt(("job-details", &job.id, job.phase == Phase::Running))
            .default_open(!has_pages || job.failure.is_some())
            .show(ui, |ui| self.job_facts(ui, job, &d, now));
        self.job_outcome(ui, job);
        ui.separator();
        self.gallery(ui, job);
    }

    fn job_facts(
        &mut self,
        ui: &mut egui::Ui,
        job: &JobRecord,
        d: &crate::api::Diagnostics,
        now: i64,
    ) {
        let lang = self.lang;
        egui::Grid::new("job-facts")
            .num_columns(3)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                let rows = [
                    (lang.text(t::PROFILE), job.profile.clone()),
                    (lang.text(t::BUCKET), job.request.source_bucket.clone()),
                    (lang.text(t::PDF_PREFIX), job.request.pdf_prefix.clone()),
                    (
                        lang.text(t::UPLOAD_PREFIX),
                        job.request.upload_prefix.clone(),
                    ),
                    (lang.text(t::STARTED), local_time(job.started_at)),
                    (lang.text(t::DURATION), duration_text(job, now)),
                    (
                        lang.text(t::CONVERTED_PAGES),
                        job.converted_count().to_string(),
                    ),
                    (lang.text(t::FAILED_PDFS), job.failed_count().to_string()),
                    (
                        lang.text(t::HTTP_STATUS),
                        if d.status == 0 {
                            "-".to_owned()
                        } else {
                            d.status.to_string()
                        },
                    ),
                ];
                for (name, value) in rows {
                    ui.label(name);
                    ui.label(value);
                    ui.end_row();
                }
                for (name, value) in [
                    ("x-amzn-RequestId", d.request_id.clone()),
                    ("x-amz-apigw-id", d.apigw_id.clone()),
                    (
                        lang.text(t::SERVER_JOB),
                        job.server_job.as_ref().map(|s| s.job_id.clone()),
                    ),
                ] {
                    ui.label(name);
                    let value = value.unwrap_or_else(|| "-".to_owned());
                    ui.monospace(&value);
                    if value != "-" && ui.button(t::copy_named(name, lang)).clicked() {
                        ui.ctx().copy_text(value);
                    }
                    ui.end_row();
                }
            });
        if let Some(kind) = d.switched_to {
            ui.label(t::token_switched(kind_name(kind, lang), lang));
        }
    }

    fn job_outcome(&mut self, ui: &mut egui::Ui, job: &JobRecord) {
        let lang = self.lang;
        if job.phase == Phase::Interrupted {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                lang.text(t::THE_APP_CLOSED_WHILE_THIS_JOB),
            );
        }
        if job.phase == Phase::Cancelled {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                lang.text(t::YOU_STOPPED_WAITING_FOR_THIS_JOB),
            );
        }
        if let Some(failure) = &job.failure {
            ui.add_space(6.0);
            if failure.kind == FailureKind::NotOurContract {
                self.foreign_results_note(ui, job);
            }
            if failure.kind != FailureKind::NotOurContract || job.converted_count() == 0 {
                ui.colored_label(ui.visuals().error_fg_color, explain(failure.kind, lang));
            }
            ui.label(&failure.message);
            if let Some(body) = &failure.raw_body {
                egui::CollapsingHeader::new(lang.text(t::RAW_ANSWER))
                    .default_open(true)
                    .show(ui, |ui| {
                        ui.add(
                            egui::Label::new(egui::RichText::new(body).monospace())
                                .selectable(true),
                        );
                    });
            }
        }
        if let Some(result) = &job.result {
            if !result.failed.is_empty() {
                ui.add_space(6.0);
                ui.strong(lang.text(t::FAILED_FILES));
                egui::ScrollArea::vertical()
                    .id_salt("failed-files")
                    .max_height(120.0)
                    .show(ui, |ui| {
                        for failed in &result.failed {
                            ui.label(format!(
                                "{} — {}",
                                failed.source_key,
                                crate::i18n::failure_reason(
                                    failed.reason.as_deref(),
                                    &failed.error,
                                    lang
                                )
                            ));
                        }
                    });
            }
            if result.converted.is_empty() && result.failed.is_empty() {
                ui.label(lang.text(t::NO_PDF_WAS_FOUND_UNDER_THE));
            }
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let can_retry = job.phase != Phase::Running
                && self.is_signed_in()
                && job.profile == self.profile_name;
            if ui
                .add_enabled(can_retry, egui::Button::new(lang.text(t::RETRY)))
                .clicked()
            {
                self.ask(Action::StartJob(job.request.clone()));
            }
            if ui.button(lang.text(t::COPY_DIAGNOSTICS)).clicked() {
                ui.ctx().copy_text(diagnostics_text(job));
            }
        });
        if job.profile != self.profile_name {
            ui.weak(lang.text(t::THIS_JOB_RAN_WITH_ANOTHER_PROFILE));
        }
    }
}

fn kind_name(kind: crate::config::TokenKind, lang: Lang) -> &'static str {
    match kind {
        crate::config::TokenKind::Id => lang.text(t::ID),
        crate::config::TokenKind::Access => lang.text(t::ACCESS),
    }
}

/// A running job's progress: a filled bar with "3 / 10 PDFs" once the server counts,
/// else (a synchronous answer is awaited) a moving stripe with the seconds waited, so
/// the wait visibly goes on.
fn job_progress(ui: &mut egui::Ui, job: &JobRecord, now: i64, lang: Lang) {
    let width = ui.available_width().clamp(120.0, 360.0);
    match job.progress {
        Some(p) if p.total > 0 => {
            ui.add(
                egui::ProgressBar::new(p.done as f32 / p.total as f32)
                    .desired_width(width)
                    .desired_height(18.0)
                    .corner_radius(3.0)
                    .fill(ui.visuals().selection.bg_fill)
                    .text(format!("{} / {} PDF", p.done, p.total)),
            );
        }
        _ => {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 18.0), egui::Sense::hover());
            let painter = ui.painter_at(rect);
            let visuals = ui.visuals();
            painter.rect_filled(rect, 3.0, visuals.extreme_bg_color);
            painter.rect_stroke(
                rect,
                3.0,
                visuals.widgets.inactive.bg_stroke,
                egui::StrokeKind::Inside,
            );
            // A stripe a quarter of the bar wide, sweeping across every 1.6 s.
            let t = (ui.input(|i| i.time) / 1.6).fract() as f32;
            let stripe = rect.width() * 0.25;
            let x = rect.left() - stripe + t * (rect.width() + stripe);
            let segment = egui::Rect::from_min_max(
                egui::pos2(x.max(rect.left()), rect.top()),
                egui::pos2((x + stripe).min(rect.right()), rect.bottom()),
            );
            painter.rect_filled(segment, 3.0, visuals.selection.bg_fill);
            let waited = job.duration(now);
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                t::waiting_for_api(waited, lang),
                egui::FontId::proportional(12.0),
                visuals.strong_text_color(),
            );
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(40));
        }
    }
}

#[cfg(test)]
mod answer_tests {
    use super::*;

    #[test]
    fn a_quick_answer_reads_in_milliseconds_with_status_and_size() {
        let request = crate::api::ConvertRequest {
            source_bucket: "demo".to_owned(),
            pdf_prefix: "a/".to_owned(),
            upload_prefix: "b/".to_owned(),
        };
        let mut job = JobRecord::new("j".to_owned(), "p".to_owned(), request, 100);
        job.finished_at = Some(101);
        job.elapsed_ms = Some(812);
        let d = crate::api::Diagnostics {
            status: 200,
            ..Default::default()
        };
        assert_eq!(
            answer_line(&job, &d, 200, Lang::En).as_deref(),
            Some("200 OK · 812 ms")
        );
        job.elapsed_ms = Some(65_000);
        assert_eq!(duration_text(&job, 200), "1:05 min");
        job.elapsed_ms = None;
        assert_eq!(duration_text(&job, 200), "1 s");
        assert_eq!(size_text(3_400_000), "3.4 MB");
    }

    #[test]
    fn the_picked_job_shows_until_it_is_gone_then_the_newest() {
        let request = crate::api::ConvertRequest {
            source_bucket: "demo".to_owned(),
            pdf_prefix: "a/".to_owned(),
            upload_prefix: "b/".to_owned(),
        };
        let job = |id: &str| JobRecord::new(id.to_owned(), "p".to_owned(), request.clone(), 100);
        let jobs = [job("newest"), job("older")];
        assert_eq!(shown_job(None, &jobs).as_deref(), Some("newest"));
        assert_eq!(shown_job(Some("older"), &jobs).as_deref(), Some("older"));
        assert_eq!(shown_job(Some("deleted"), &jobs).as_deref(), Some("newest"));
        assert_eq!(shown_job(Some("older"), &[]), None);
    }
}

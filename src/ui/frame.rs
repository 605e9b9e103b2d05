//! Each frame: the title, keyboard shortcuts, the tab bar, the banner, the in-app path
//! prompt, and the screen that is chosen.

use std::fmt::Write as _;

use super::navigation::{self, Event};
use super::{Action, App, Screen, dialogs};
use crate::i18n::ui::app as t;
use crate::session::SessionState;

impl App {
    // ----- frame -----

    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
        let mut title = "Receipt Desk".to_owned();
        if let SessionState::SignedIn { username, .. } = &self.session {
            let _ = write!(title, " — {username}@{}", self.profile_name);
        }
        if !self.running.is_empty() {
            title.push_str(&t::converting_title(self.running.len(), self.lang));
        }
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The tabs a person sees now, with their names: Ctrl+1…N follow this list.
    pub(super) fn tabs(&self) -> Vec<(Screen, &'static str)> {
        navigation::tabs(self.is_signed_in())
            .into_iter()
            .map(|screen| {
                let name = match screen {
                    Screen::SignIn => t::ACCOUNT,
                    Screen::Convert => t::CONVERT,
                    Screen::Jobs => t::JOBS,
                    Screen::Settings => t::SETTINGS,
                };
                (screen, self.lang.text(name))
            })
            .collect()
    }

    /// Every change of screen goes through here (`navigation::next` decides).
    pub(super) fn go(&mut self, event: Event) {
        self.screen = navigation::next(self.screen, event);
    }

    /// Ctrl+1…N switch to the Nth visible tab (keyboard-only use; shown in the tabs'
    /// tooltips).
    pub(super) fn screen_shortcuts(&mut self, ctx: &egui::Context) {
        const KEYS: [egui::Key; 9] = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
            egui::Key::Num9,
        ];
        for ((screen, _), key) in self.tabs().into_iter().zip(KEYS) {
            if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, key)) {
                self.ask(Action::Go(Event::Chosen(screen)));
            }
        }
    }

    pub(super) fn nav_bar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.heading("Receipt Desk");
            ui.separator();
            let tabs = self.tabs();
            for (n, (screen, label)) in tabs.into_iter().enumerate() {
                let shown = navigation::shown(self.screen, self.is_signed_in());
                if ui
                    .selectable_label(shown == screen, label)
                    .on_hover_text(format!("Ctrl+{}", n + 1))
                    .clicked()
                {
                    self.ask(Action::Go(Event::Chosen(screen)));
                }
            }
        });
        if let Some(banner) = self.banner.clone() {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(ui.visuals().warn_fg_color, banner);
                if ui.button(self.lang.text(t::DISMISS)).clicked() {
                    self.banner = None;
                }
            });
        }
        for problem in [self.config_writer.problem(), self.jobs_writer.problem()]
            .into_iter()
            .flatten()
        {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("{} {problem}", self.lang.text(t::COULD_NOT_SAVE)),
            );
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.startup.frame_begins(ui.ctx());
        let was_loading = self.loading.is_some();
        if self.poll_loading() {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.centered_and_justified(egui::Ui::spinner);
            });
            return;
        }
        if was_loading {
            self.startup.files_read();
        }
        self.poll();
        let ctx = ui.ctx().clone();
        self.screen_shortcuts(&ctx);
        self.update_title(&ctx);
        egui::Panel::top("nav").show(ui, |ui| self.nav_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        self.path_prompt(&ctx);
        let screen = navigation::shown(self.screen, self.is_signed_in());
        if screen == Screen::Jobs {
            // Its own panels: the list on the left, the detail beside it.
            self.jobs_screen(ui);
        } else {
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| match screen {
                        Screen::SignIn => self.sign_in_screen(ui),
                        Screen::Convert => self.convert_screen(ui),
                        Screen::Settings => self.settings_screen(ui),
                        Screen::Jobs => {}
                    });
            });
        }
        // What the screens asked for, after they were drawn.
        self.apply_actions();
        self.startup.screen_drawn(&ctx);
    }
}

impl App {
    /// The in-app stand-in for a file dialog, when the system has none to show.
    fn path_prompt(&mut self, ctx: &egui::Context) {
        let Some(prompt) = self.dialogs.prompt() else {
            return;
        };
        let lang = self.lang;
        prompt.with_pending(|pending| {
            let Some(request) = pending else {
                return;
            };
            let mut answer = None;
            let title = match request.kind {
                dialogs::PromptKind::OpenProfile => lang.text(t::IMPORT_A_PROFILE),
                dialogs::PromptKind::SaveProfile => lang.text(t::EXPORT_THE_PROFILE),
                dialogs::PromptKind::SaveImage => lang.text(t::SAVE_THE_PAGE),
                dialogs::PromptKind::PickFolder => lang.text(t::SAVE_ALL_PAGES_INTO_A_FOLDER),
            };
            egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading(title);
                ui.label(lang.text(t::NO_FILE_DIALOG_IS_AVAILABLE_ON));
                let label = ui.label(if request.kind == dialogs::PromptKind::PickFolder {
                    lang.text(t::FOLDER)
                } else {
                    lang.text(t::FILE)
                });
                let field = ui
                    .add(egui::TextEdit::singleline(&mut request.text).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                if !field.has_focus() && !field.lost_focus() {
                    field.request_focus();
                }
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let ok = ui.add_enabled(
                        !request.text.trim().is_empty(),
                        egui::Button::new(lang.text(t::OK)),
                    );
                    if ok.clicked() || (entered && !request.text.trim().is_empty()) {
                        answer = Some(Some(request.text.clone()));
                    }
                    if ui.button(lang.text(t::CANCEL)).clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        answer = Some(None);
                    }
                });
            });
            if let Some(answer) = answer
                && let Some(request) = pending.take()
            {
                request.answer(answer.as_deref());
            }
        });
    }
}

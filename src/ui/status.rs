//! The status bar: profile, who is signed in, how long the tokens stay valid (a live
//! countdown), the last background refresh, and Sign out.

use super::{Action, App};
use crate::i18n::ui::status as t;
use crate::session::SessionState;

fn clock(t: jiff::Timestamp) -> String {
    t.to_zoned_datetime(jiff::tz::TimeZone::system())
        .strftime("%H:%M:%S")
        .to_string()
}

impl App {
    pub(super) fn status_bar(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{}: {}", lang.text(t::PROFILE), self.profile_name));
            ui.separator();
            let SessionState::SignedIn {
                username,
                email,
                expires_at,
                ..
            } = self.session.clone()
            else {
                ui.label(lang.text(t::NOT_SIGNED_IN));
                return;
            };
            let who = email.map_or_else(|| username.clone(), |e| format!("{username} ({e})"));
            ui.label(t::signed_in_as(&who, lang));
            ui.separator();
            let now = jiff::Timestamp::now();
            let left = (expires_at.as_second() - now.as_second()).max(0);
            ui.label(t::valid_until(&clock(expires_at), left, lang));
            ui.separator();
            ui.label(match self.last_refresh {
                Some(at) => t::renewed_at(&clock(at), lang),
                None => lang
                    .text(t::RENEWED_AUTOMATICALLY_BEFORE_IT_EXPIRES)
                    .to_owned(),
            });
            ui.separator();
            if ui.button(lang.text(t::SIGN_OUT)).clicked() {
                self.ask(Action::SignOut);
            }
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(1));
        });
    }
}

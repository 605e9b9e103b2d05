//! The status bar: profile, who is signed in, how long the tokens stay valid (a live
//! countdown), the last background refresh, and Sign out.

use super::App;
use crate::i18n::Lang;
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
            ui.label(format!(
                "{}: {}",
                lang.pick("Profile", "プロファイル"),
                self.profile_name
            ));
            ui.separator();
            let SessionState::SignedIn {
                username,
                email,
                expires_at,
                ..
            } = self.session.clone()
            else {
                ui.label(lang.pick("Not signed in", "サインインしていません"));
                return;
            };
            let who = email.map_or_else(|| username.clone(), |e| format!("{username} ({e})"));
            ui.label(match lang {
                Lang::En => format!("Signed in as {who}"),
                Lang::Ja => format!("{who} でサインイン中"),
            });
            ui.separator();
            let now = jiff::Timestamp::now();
            let left = (expires_at.as_second() - now.as_second()).max(0);
            ui.label(match lang {
                Lang::En => format!(
                    "Token valid until {} ({}:{:02} left)",
                    clock(expires_at),
                    left / 60,
                    left % 60
                ),
                Lang::Ja => format!(
                    "トークン有効期限 {}（残り {}:{:02}）",
                    clock(expires_at),
                    left / 60,
                    left % 60
                ),
            });
            ui.separator();
            ui.label(match (self.last_refresh, lang) {
                (Some(t), Lang::En) => format!("Renewed at {}", clock(t)),
                (Some(t), Lang::Ja) => format!("{} に自動更新", clock(t)),
                (None, _) => lang
                    .pick(
                        "Renewed automatically before it expires",
                        "期限が切れる前に自動で更新します",
                    )
                    .to_owned(),
            });
            ui.separator();
            if ui.button(lang.pick("Sign out", "サインアウト")).clicked() {
                self.sign_out();
            }
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(1));
        });
    }
}

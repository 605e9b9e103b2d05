//! "Sign in with browser" on the sign-in screen: the managed login in the system's
//! browser (`cognito::oauth`), the waiting state with the link and Cancel, and the
//! session begun as after any sign-in.

use std::sync::Arc;

use super::keep::finish;
use super::sign_in::Step;
use super::{App, ConnSlot};
use crate::cognito::{AuthStep, CognitoError};
use crate::i18n::ui::sign_in as t;
use crate::i18n::{self, Lang};

impl App {
    /// "Sign in with browser": the managed login in the system's browser, back to a
    /// loopback port, then the session as after any sign-in.
    pub(super) fn start_browser_sign_in(&mut self) {
        let ConnSlot::Ready(conn) = &self.conn else {
            return;
        };
        let lang = self.lang;
        let code = match lang {
            Lang::En => "en",
            Lang::Ja => "ja",
        };
        let oauth = match conn.profile.browser_login(
            &conn.profile_name,
            conn.client.client_secret().cloned(),
            code,
        ) {
            Some(Ok(oauth)) => oauth,
            Some(Err(e)) => {
                self.sign_in.error = Some(i18n::config_error(&e, lang));
                return;
            }
            None => return,
        };
        let session = Arc::clone(&conn.session);
        let keep = self.keep(conn, "");
        // Binding the loopback port is quick: the link is known before anything waits.
        let waiting = match oauth.start() {
            Ok(waiting) => waiting,
            Err(e) => {
                self.sign_in.error = Some(i18n::cognito_error(&CognitoError::Browser(e), lang));
                return;
            }
        };
        let url = waiting.url.to_string();
        self.sign_in.browser_url = Some(url.clone());
        self.sign_in.error = None;
        self.tasks.ctx().open_url(egui::OpenUrl::new_tab(url));
        let (pending, abort) = self.tasks.spawn_abortable(async move {
            let tokens = oauth.finish(waiting).await.map_err(CognitoError::Browser)?;
            let mut keep = keep;
            keep.username.clone_from(&tokens.username);
            keep.remember_device = false;
            Ok(Step {
                outcome: finish(AuthStep::SignedIn(tokens), session, keep).await,
                flow: None,
            })
        });
        self.sign_in.pending = Some(pending);
        self.sign_in.abort = Some(abort);
    }

    /// The link a waiting browser sign-in opened, once it is known.
    pub(super) fn browser_link(&self) -> Option<String> {
        self.sign_in.browser_url.clone()
    }

    /// While the browser sign-in waits: what to do, the link, and Cancel.
    pub(super) fn browser_waiting(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(lang.text(t::FINISH_SIGNING_IN_IN_THE_BROWSER));
        });
        let link = self.browser_link();
        ui.horizontal(|ui| {
            if let Some(link) = &link {
                if ui.button(lang.text(t::COPY_THE_SIGN_IN_LINK)).clicked() {
                    ui.ctx().copy_text(link.clone());
                }
                if ui.button(lang.text(t::OPEN_THE_BROWSER_AGAIN)).clicked() {
                    ui.ctx().open_url(egui::OpenUrl::new_tab(link));
                }
            }
            if ui.button(lang.text(t::CANCEL)).clicked() {
                self.sign_in.cancel();
                self.sign_in.browser_url = None;
            }
        });
        ui.small(lang.text(t::BROWSER_LINK_EXPLAINED));
    }
}

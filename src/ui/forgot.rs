//! "Forgot your password?": the username, a code Cognito sends, a new password (twice),
//! then the sign-in with it, as one step after another on the sign-in screen. Also where
//! a `PasswordResetRequired` refusal leads.

use poll_promise::Promise;

use super::sign_in::{Step, field};
use super::{App, ConnSlot, StackSlot};
use crate::cognito::{CodeDelivery, CognitoError, ErrorKind};
use crate::credentials::Password;
use crate::i18n::ui::sign_in as t;
use crate::i18n::{self};

/// Where the reset is.
#[derive(Default)]
pub(super) struct ForgotState {
    /// Where the code went, once sent.
    pub(super) sent: Option<CodeDelivery>,
    pub(super) sending: Option<Promise<Result<CodeDelivery, CognitoError>>>,
    pub(super) code: String,
}

impl App {
    /// Opens the reset for the username in the field.
    pub(super) fn open_forgot(&mut self) {
        self.sign_in.error = None;
        self.sign_in.challenge = None;
        self.sign_in.forgot = Some(ForgotState::default());
    }

    fn send_reset_code(&mut self) {
        let ConnSlot::Ready(conn) = &self.conn else {
            return;
        };
        let client = conn.client.clone();
        let username = self.sign_in.username.trim().to_owned();
        self.sign_in.error = None;
        if let Some(forgot) = &mut self.sign_in.forgot {
            forgot.sending = Some(
                self.tasks
                    .spawn(async move { client.forgot_password(&username).await }),
            );
        }
    }

    fn poll_reset_code(&mut self) {
        let Some(forgot) = &mut self.sign_in.forgot else {
            return;
        };
        if forgot.sending.as_ref().is_none_or(|p| p.ready().is_none()) {
            return;
        }
        let Some(Ok(result)) = forgot.sending.take().map(Promise::try_take) else {
            return;
        };
        match result {
            Ok(delivery) => {
                forgot.sent = Some(delivery);
                forgot.code.clear();
            }
            Err(e) => {
                crate::logging::note_problem(format!("password reset: {e}"));
                self.sign_in.error = Some(i18n::cognito_error(&e, self.lang));
            }
        }
    }

    /// The code and the new password: set it, then sign in with it (whatever follows,
    /// MFA included, comes as after any sign-in).
    fn submit_reset(&mut self) {
        let (ConnSlot::Ready(conn), Some(forgot)) = (&self.conn, &self.sign_in.forgot) else {
            return;
        };
        let client = conn.client.clone();
        let plan = conn.profile.flow_plan();
        let session = std::sync::Arc::clone(&conn.session);
        let username = self.sign_in.username.trim().to_owned();
        let code = forgot.code.clone();
        let password = Password::new(self.sign_in.new_password.clone());
        let keep = self.keep(conn, &username);
        self.sign_in.error = None;
        let (pending, abort) = self.tasks.spawn_abortable(async move {
            client
                .confirm_forgot_password(&username, &code, &password)
                .await?;
            let device = crate::account::device(&keep.secrets, &keep.owner, &username).await;
            let (step, flow) = client
                .sign_in_from_device(&plan, &username, &password, device.as_ref())
                .await?;
            Ok(Step {
                outcome: super::keep::finish(step, session, keep).await,
                flow: Some(flow),
            })
        });
        self.sign_in.pending = Some(pending);
        self.sign_in.abort = Some(abort);
    }

    /// After a refused reset: a wrong code is typed again; a spent one needs a new one.
    pub(super) fn reset_refused(&mut self, error: &CognitoError) {
        let Some(forgot) = &mut self.sign_in.forgot else {
            return;
        };
        match error.kind() {
            Some(ErrorKind::CodeMismatch) => forgot.code.clear(),
            Some(ErrorKind::ExpiredCode) => {
                forgot.sent = None;
                forgot.code.clear();
            }
            _ => {}
        }
    }

    pub(super) fn forgot_step(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        self.poll_reset_code();
        let busy = self.sign_in.busy()
            || self
                .sign_in
                .forgot
                .as_ref()
                .is_some_and(|f| f.sending.is_some());
        ui.strong(lang.text(t::RESET_YOUR_PASSWORD));
        let sent = self.sign_in.forgot.as_ref().and_then(|f| f.sent.clone());
        match sent {
            None => {
                ui.label(lang.text(t::WE_SEND_A_CODE));
                field(
                    ui,
                    lang.text(t::USERNAME),
                    &mut self.sign_in.username,
                    false,
                );
                let ready = !busy
                    && matches!(self.conn, ConnSlot::Ready(_))
                    && !self.sign_in.username.trim().is_empty();
                if ui
                    .add_enabled(ready, egui::Button::new(lang.text(t::SEND_CODE)))
                    .clicked()
                {
                    self.send_reset_code();
                }
            }
            Some(delivery) => {
                ui.label(t::code_sent_to(&delivery.destination, lang));
                if let Some(code) = self.local_demo_code() {
                    ui.label(t::local_demo_code(&code, lang));
                }
                if let Some(forgot) = &mut self.sign_in.forgot {
                    let response = field(ui, lang.text(t::CODE), &mut forgot.code, false);
                    if response.changed() {
                        forgot.code.retain(|c| c.is_ascii_alphanumeric());
                    }
                }
                field(
                    ui,
                    lang.text(t::NEW_PASSWORD),
                    &mut self.sign_in.new_password,
                    !self.sign_in.show_password,
                );
                field(
                    ui,
                    lang.text(t::CONFIRM_NEW_PASSWORD),
                    &mut self.sign_in.confirm,
                    !self.sign_in.show_password,
                );
                ui.checkbox(&mut self.sign_in.show_password, lang.text(t::SHOW_PASSWORD));
                let matches = self.sign_in.new_password == self.sign_in.confirm;
                if !self.sign_in.confirm.is_empty() && !matches {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        lang.text(t::THE_PASSWORDS_DO_NOT_MATCH),
                    );
                }
                let has_code = self
                    .sign_in
                    .forgot
                    .as_ref()
                    .is_some_and(|f| !f.code.is_empty());
                let ready = !busy && has_code && matches && !self.sign_in.new_password.is_empty();
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(
                            ready,
                            egui::Button::new(lang.text(t::SET_NEW_PASSWORD_AND_SIGN_IN)),
                        )
                        .clicked()
                    {
                        self.submit_reset();
                    }
                    if ui
                        .add_enabled(!busy, egui::Button::new(lang.text(t::SEND_A_NEW_CODE)))
                        .clicked()
                    {
                        self.send_reset_code();
                    }
                });
            }
        }
        if ui
            .add_enabled(!busy, egui::Button::new(lang.text(t::BACK_TO_SIGN_IN)))
            .clicked()
        {
            self.sign_in.forgot = None;
            self.sign_in.error = None;
            self.sign_in.clear_secrets();
        }
    }

    /// The embedded demo's last code for the username (it has no mail to send).
    fn local_demo_code(&self) -> Option<String> {
        let StackSlot::Running(stack) = &self.stack else {
            return None;
        };
        let profile = self.profile()?;
        profile
            .local_stack
            .then(|| stack.mailbox.last_code(self.sign_in.username.trim()))
            .flatten()
    }
}

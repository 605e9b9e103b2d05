//! The steps after the password when Cognito sends a challenge: a new password (with
//! the policy and the attributes the pool requires), a one-time code, the MFA method.

use poll_promise::Promise;

use super::qr::qr_code;
use super::sign_in::field;
use super::{App, ConnSlot};
use crate::cognito::{ChallengeAnswer, ChallengeKind};
use crate::credentials::Password;
use crate::i18n::Lang;
use crate::i18n::ui::sign_in as t;

/// Cognito's default password policy, shown while choosing a new password (the pool's
/// own policy is not sent; its refusal names what is missing).
fn policy_rules(password: &str, lang: Lang) -> Vec<(bool, &'static str)> {
    vec![
        (
            password.chars().count() >= 8,
            lang.text(t::AT_LEAST_8_CHARACTERS),
        ),
        (
            password.chars().any(char::is_uppercase),
            lang.text(t::AN_UPPERCASE_LETTER),
        ),
        (
            password.chars().any(char::is_lowercase),
            lang.text(t::A_LOWERCASE_LETTER),
        ),
        (
            password.chars().any(|c| c.is_ascii_digit()),
            lang.text(t::A_NUMBER),
        ),
        (
            password.chars().any(|c| c.is_ascii_punctuation()),
            lang.text(t::A_SYMBOL),
        ),
    ]
}

impl App {
    /// Asks Cognito for an authenticator key in an `MFA_SETUP` challenge.
    pub(super) fn start_totp_setup(&mut self) {
        let (ConnSlot::Ready(conn), Some(challenge)) = (&self.conn, &self.sign_in.challenge) else {
            return;
        };
        let client = conn.client.clone();
        let challenge = challenge.clone();
        self.sign_in.error = None;
        self.sign_in.associating = Some(
            self.tasks
                .spawn(async move { client.associate_in_challenge(&challenge).await }),
        );
    }

    /// The key arrived (with the challenge's new session), or why not.
    fn poll_totp_setup(&mut self) {
        if self
            .sign_in
            .associating
            .as_ref()
            .is_none_or(|p| p.ready().is_none())
        {
            return;
        }
        let Some(Ok(result)) = self.sign_in.associating.take().map(Promise::try_take) else {
            return;
        };
        match result {
            Ok((key, challenge)) => {
                self.sign_in.totp_key = Some(key);
                self.sign_in.challenge = Some(challenge);
            }
            Err(e) => {
                crate::logging::note_problem(format!("authenticator setup: {e}"));
                self.sign_in.error = Some(crate::i18n::cognito_error(&e, self.lang));
                if e.kind() == Some(crate::cognito::ErrorKind::SessionExpired) {
                    self.sign_in.challenge = None;
                }
            }
        }
    }

    pub(super) fn challenge_step(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        self.poll_totp_setup();
        let Some(challenge) = self.sign_in.challenge.clone() else {
            return;
        };
        let busy = self.sign_in.busy();
        match &challenge.kind {
            ChallengeKind::MfaSetup { .. } => {
                ui.label(lang.text(t::SET_UP_AN_AUTHENTICATOR_APP));
                match &self.sign_in.totp_key {
                    None if self.sign_in.associating.is_some() => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(lang.text(t::SETTING_UP));
                        });
                    }
                    None => {
                        if ui
                            .add_enabled(!busy, egui::Button::new(lang.text(t::TRY_AGAIN)))
                            .clicked()
                        {
                            self.start_totp_setup();
                        }
                    }
                    Some(key) => {
                        let uri = crate::cognito::mfa::otpauth_uri(key, &challenge.username);
                        ui.add_space(4.0);
                        qr_code(ui, &uri, lang.text(t::QR_CODE_FOR_YOUR_AUTHENTICATOR_APP));
                        ui.add_space(4.0);
                        ui.horizontal(|ui| {
                            ui.label(lang.text(t::SETUP_KEY));
                            ui.monospace(crate::cognito::mfa::grouped(key));
                            if ui.button(lang.text(t::COPY_KEY)).clicked() {
                                ui.ctx().copy_text(key.expose().to_owned());
                            }
                        });
                        self.code_step(ui, busy);
                    }
                }
            }
            ChallengeKind::NewPasswordRequired { .. } => {
                ui.label(lang.text(t::THIS_IS_YOUR_FIRST_SIGN_IN));
                field(
                    ui,
                    lang.text(t::NEW_PASSWORD),
                    &mut self.sign_in.new_password,
                    !self.sign_in.show_password,
                );
                let confirm = field(
                    ui,
                    lang.text(t::CONFIRM_NEW_PASSWORD),
                    &mut self.sign_in.confirm,
                    !self.sign_in.show_password,
                );
                ui.checkbox(&mut self.sign_in.show_password, lang.text(t::SHOW_PASSWORD));
                ui.small(lang.text(t::COGNITO_S_DEFAULT_POLICY_YOUR_POOL));
                for (met, rule) in policy_rules(&self.sign_in.new_password, lang) {
                    let mark = if met { "●" } else { "○" };
                    ui.label(format!("{mark} {rule}"));
                }
                let names: Vec<String> = self.sign_in.attributes.keys().cloned().collect();
                for name in names {
                    if let Some(value) = self.sign_in.attributes.get_mut(&name) {
                        field(ui, &name, value, false);
                    }
                }
                let matches = self.sign_in.new_password == self.sign_in.confirm;
                if !self.sign_in.confirm.is_empty() && !matches {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        lang.text(t::THE_PASSWORDS_DO_NOT_MATCH),
                    );
                }
                let ready = !busy
                    && matches
                    && !self.sign_in.new_password.is_empty()
                    && self
                        .sign_in
                        .attributes
                        .values()
                        .all(|v| !v.trim().is_empty());
                let entered = confirm.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui
                    .add_enabled(ready, egui::Button::new(lang.text(t::SET_NEW_PASSWORD)))
                    .clicked()
                    || (entered && ready)
                {
                    let answer = ChallengeAnswer::NewPassword {
                        password: Password::new(self.sign_in.new_password.clone()),
                        attributes: self
                            .sign_in
                            .attributes
                            .iter()
                            .map(|(k, v)| (k.clone(), v.trim().to_owned()))
                            .collect(),
                    };
                    self.submit_answer(answer);
                }
            }
            ChallengeKind::SoftwareTokenMfa { .. }
            | ChallengeKind::SmsMfa { .. }
            | ChallengeKind::EmailOtp { .. } => {
                ui.label(t::enter_code(&challenge.kind, lang));
                self.code_step(ui, busy);
            }
            ChallengeKind::SelectMfaType { options } => {
                ui.label(lang.text(t::CHOOSE_HOW_TO_CONFIRM_IT_IS));
                for option in options {
                    ui.radio_value(
                        &mut self.sign_in.mfa_choice,
                        option.clone(),
                        crate::i18n::mfa_label(option, lang),
                    );
                }
                if ui
                    .add_enabled(
                        !busy && !self.sign_in.mfa_choice.is_empty(),
                        egui::Button::new(lang.text(t::CONTINUE)),
                    )
                    .clicked()
                {
                    self.submit_answer(ChallengeAnswer::MfaType(self.sign_in.mfa_choice.clone()));
                }
            }
        }
        if ui
            .add_enabled(!busy, egui::Button::new(lang.text(t::BACK_TO_SIGN_IN)))
            .clicked()
        {
            self.sign_in.challenge = None;
            self.sign_in.totp_key = None;
            self.sign_in.clear_secrets();
        }
    }

    /// The one-time code field and its Verify button.
    fn code_step(&mut self, ui: &mut egui::Ui, busy: bool) {
        let lang = self.lang;
        let response = field(ui, lang.text(t::CODE), &mut self.sign_in.code, false);
        if response.changed() {
            // Pasted "123 456" or "123-456" becomes "123456".
            let digits: String = self
                .sign_in
                .code
                .chars()
                .filter(char::is_ascii_digit)
                .take(8)
                .collect();
            self.sign_in.code = digits;
        }
        let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let ready = !busy && self.sign_in.code.len() >= 6;
        if ui
            .add_enabled(ready, egui::Button::new(lang.text(t::VERIFY)))
            .clicked()
            || (entered && ready)
        {
            self.submit_answer(ChallengeAnswer::Code(self.sign_in.code.clone()));
        }
    }
}

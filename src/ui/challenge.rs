//! The steps after the password when Cognito sends a challenge: a new password (with
//! the policy and the attributes the pool requires), a one-time code, the MFA method.

use super::App;
use super::sign_in::field;
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
    pub(super) fn challenge_step(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        let Some(challenge) = self.sign_in.challenge.clone() else {
            return;
        };
        let busy = self.sign_in.busy();
        match &challenge.kind {
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
                let entered =
                    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let ready = !busy && self.sign_in.code.len() >= 6;
                if ui
                    .add_enabled(ready, egui::Button::new(lang.text(t::VERIFY)))
                    .clicked()
                    || (entered && ready)
                {
                    self.submit_answer(ChallengeAnswer::Code(self.sign_in.code.clone()));
                }
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
            self.sign_in.clear_secrets();
        }
    }
}

//! Settings' account section, while signed in: change the password, and set up an
//! authenticator app (`AssociateSoftwareToken` → QR code and key → a code from the app →
//! `VerifySoftwareToken` and `SetUserMFAPreference`).

use poll_promise::Promise;

use super::qr::qr_code;
use super::sign_in::field;
use super::{App, ConnSlot};
use crate::cognito::CognitoError;
use crate::credentials::{Password, TotpSecret};
use crate::i18n;
use crate::i18n::ui::account as t;

#[derive(Default)]
pub struct AccountState {
    current: String,
    new: String,
    confirm: String,
    changing: Option<Promise<Result<(), CognitoError>>>,
    key: Option<TotpSecret>,
    code: String,
    associating: Option<Promise<Result<TotpSecret, CognitoError>>>,
    enabling: Option<Promise<Result<(), CognitoError>>>,
    forgetting: Option<Promise<Result<(), CognitoError>>>,
    /// The last outcome: (fine, sentence).
    message: Option<(bool, String)>,
}

impl AccountState {
    fn busy(&self) -> bool {
        self.changing.is_some()
            || self.associating.is_some()
            || self.enabling.is_some()
            || self.forgetting.is_some()
    }

    /// Forgets what was typed (on sign-out, and after use).
    pub(super) fn clear(&mut self) {
        for text in [
            &mut self.current,
            &mut self.new,
            &mut self.confirm,
            &mut self.code,
        ] {
            zeroize::Zeroize::zeroize(text);
        }
        self.key = None;
    }
}

/// Takes a finished promise's value.
fn take<T: Send + 'static>(slot: &mut Option<Promise<T>>) -> Option<T> {
    slot.as_ref()?.ready()?;
    slot.take().and_then(|p| p.try_take().ok())
}

impl App {
    fn poll_account(&mut self) {
        let lang = self.lang;
        let account = &mut self.settings.account;
        if let Some(result) = take(&mut account.changing) {
            account.message = Some(match result {
                Ok(()) => {
                    for text in [&mut account.current, &mut account.new, &mut account.confirm] {
                        zeroize::Zeroize::zeroize(text);
                    }
                    (true, lang.text(t::PASSWORD_CHANGED).to_owned())
                }
                Err(e) => (false, i18n::cognito_error(&e, lang)),
            });
        }
        if let Some(result) = take(&mut account.associating) {
            match result {
                Ok(key) => account.key = Some(key),
                Err(e) => account.message = Some((false, i18n::cognito_error(&e, lang))),
            }
        }
        if let Some(result) = take(&mut account.forgetting) {
            account.message = Some(match result {
                Ok(()) => (true, lang.text(t::DEVICE_FORGOTTEN).to_owned()),
                Err(e) => (false, i18n::cognito_error(&e, lang)),
            });
        }
        if let Some(result) = take(&mut account.enabling) {
            account.code.clear();
            account.message = Some(match result {
                Ok(()) => {
                    account.key = None;
                    (true, lang.text(t::AUTHENTICATOR_ON).to_owned())
                }
                Err(e) => (false, i18n::cognito_error(&e, lang)),
            });
        }
    }

    /// Runs `work` with a fresh access token, when signed in.
    fn with_access<T, F>(
        &self,
        work: impl FnOnce(crate::cognito::CognitoClient, crate::credentials::AccessToken) -> F
        + Send
        + 'static,
    ) -> Option<Promise<Result<T, CognitoError>>>
    where
        T: Send + 'static,
        F: std::future::Future<Output = Result<T, CognitoError>> + Send + 'static,
    {
        let ConnSlot::Ready(conn) = &self.conn else {
            return None;
        };
        let client = conn.client.clone();
        let session = std::sync::Arc::clone(&conn.session);
        Some(self.tasks.spawn(async move {
            let (access, _) = session
                .tokens()
                .await
                .map_err(|e| CognitoError::InvalidInput(e.to_string()))?;
            work(client, access).await
        }))
    }

    pub(super) fn account_section(&mut self, ui: &mut egui::Ui) {
        if !self.is_signed_in() {
            return;
        }
        self.poll_account();
        let lang = self.lang;
        ui.heading(lang.text(t::ACCOUNT));
        let busy = self.settings.account.busy();
        ui.collapsing(lang.text(t::CHANGE_PASSWORD), |ui| {
            let account = &mut self.settings.account;
            field(
                ui,
                lang.text(t::CURRENT_PASSWORD),
                &mut account.current,
                true,
            );
            field(ui, lang.text(t::NEW_PASSWORD), &mut account.new, true);
            field(
                ui,
                lang.text(t::CONFIRM_NEW_PASSWORD),
                &mut account.confirm,
                true,
            );
            let matches = account.new == account.confirm;
            if !account.confirm.is_empty() && !matches {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    lang.text(t::THE_PASSWORDS_DO_NOT_MATCH),
                );
            }
            let ready = !busy && matches && !account.current.is_empty() && !account.new.is_empty();
            if ui
                .add_enabled(ready, egui::Button::new(lang.text(t::SAVE_NEW_PASSWORD)))
                .clicked()
            {
                let previous = Password::new(account.current.clone());
                let proposed = Password::new(account.new.clone());
                account.message = None;
                let promise = self.with_access(move |client, access| async move {
                    client.change_password(&access, &previous, &proposed).await
                });
                self.settings.account.changing = promise;
            }
        });
        ui.collapsing(lang.text(t::SET_UP_AN_AUTHENTICATOR_APP), |ui| {
            ui.label(lang.text(t::AUTHENTICATOR_EXPLAINED));
            let key = self.settings.account.key.clone();
            match key {
                None => {
                    if ui
                        .add_enabled(!busy, egui::Button::new(lang.text(t::SHOW_A_NEW_KEY)))
                        .clicked()
                    {
                        self.settings.account.message = None;
                        let promise = self.with_access(move |client, access| async move {
                            client.associate_software_token(&access).await
                        });
                        self.settings.account.associating = promise;
                    }
                }
                Some(key) => {
                    let username = match &self.session {
                        crate::session::SessionState::SignedIn { username, .. } => username.clone(),
                        crate::session::SessionState::SignedOut { .. } => String::new(),
                    };
                    let uri = crate::cognito::mfa::otpauth_uri(&key, &username);
                    qr_code(
                        ui,
                        &uri,
                        lang.text(i18n::ui::sign_in::QR_CODE_FOR_YOUR_AUTHENTICATOR_APP),
                    );
                    ui.horizontal(|ui| {
                        ui.label(lang.text(i18n::ui::sign_in::SETUP_KEY));
                        ui.monospace(crate::cognito::mfa::grouped(&key));
                    });
                    let account = &mut self.settings.account;
                    let response = field(
                        ui,
                        lang.text(t::CODE_FROM_THE_APP),
                        &mut account.code,
                        false,
                    );
                    if response.changed() {
                        account.code.retain(|c| c.is_ascii_digit());
                    }
                    let ready = !busy && account.code.len() >= 6;
                    if ui
                        .add_enabled(ready, egui::Button::new(lang.text(t::TURN_ON)))
                        .clicked()
                    {
                        let code = account.code.clone();
                        let promise = self.with_access(move |client, access| async move {
                            client.enable_software_token(&access, &code).await
                        });
                        self.settings.account.enabling = promise;
                    }
                }
            }
        });
        if ui
            .add_enabled(!busy, egui::Button::new(lang.text(t::FORGET_THIS_DEVICE)))
            .on_hover_text(lang.text(t::FORGET_THIS_DEVICE_EXPLAINED))
            .clicked()
        {
            let secrets = self.secrets.clone();
            let owner = match &self.conn {
                ConnSlot::Ready(conn) => conn.owner(),
                _ => crate::secrets::Owner::new(&self.profile_name, ""),
            };
            let username = match &self.session {
                crate::session::SessionState::SignedIn { username, .. } => username.clone(),
                crate::session::SessionState::SignedOut { .. } => String::new(),
            };
            let typed = self.sign_in.username.trim().to_owned();
            self.settings.account.message = None;
            let promise = self.with_access(move |client, access| async move {
                // The device is kept under the name typed at sign-in.
                let name = if typed.is_empty() { username } else { typed };
                crate::account::forget_device(&client, &secrets, &owner, &name, &access)
                    .await
                    .map_err(CognitoError::InvalidInput)
            });
            self.settings.account.forgetting = promise;
        }
        if busy {
            ui.spinner();
        }
        if let Some((fine, text)) = &self.settings.account.message {
            let color = if *fine {
                ui.visuals().text_color()
            } else {
                ui.visuals().error_fg_color
            };
            ui.colored_label(color, text);
        }
        ui.separator();
    }
}

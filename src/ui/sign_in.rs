//! The sign-in screen: profile picker, username and password, remember-me, and one step
//! per Cognito challenge (new password, a one-time code, the choice of MFA method).

use std::collections::BTreeMap;
use std::sync::Arc;

use poll_promise::Promise;

use super::keep::{Keep, Remember, finish};
use super::{Action, App, ConnSlot, Event, StackSlot};
use crate::account;
use crate::cognito::{
    Challenge, ChallengeAnswer, ChallengeKind, CognitoError, ErrorKind, PasswordFlow,
};
use crate::config::Profile;
use crate::credentials::Password;
use crate::i18n::ui::app as ta;
use crate::i18n::ui::sign_in as t;
use crate::i18n::{self, Lang};
use crate::local;

/// How long the button stays off after Cognito reports too many attempts.
const LOCKOUT_SECONDS: f64 = 60.0;

pub(super) enum Outcome {
    /// `remembered`: the refresh token went to the secret store.
    SignedIn {
        remembered: bool,
        remember_problem: Option<String>,
        /// Who signed in, as the secret store keeps them: the name typed, or for a
        /// browser sign-in Cognito's username.
        username: String,
    },
    Challenge(Challenge),
}

/// A sign-in step's outcome, and the flow that the app client took (first step only).
pub(super) struct Step {
    pub(super) outcome: Outcome,
    pub(super) flow: Option<PasswordFlow>,
}

#[derive(Default)]
pub struct SignInState {
    pub(super) username: String,
    pub(super) password: String,
    pub(super) show_password: bool,
    /// The form's "remember me" and "remember this device".
    pub(super) remember: Remember,
    pub(super) challenge: Option<Challenge>,
    pub(super) pending: Option<Promise<Result<Step, CognitoError>>>,
    /// Stops the sign-in in flight (Cancel while waiting for Cognito).
    pub(super) abort: Option<tokio::task::AbortHandle>,
    pub(super) restoring: Option<Promise<Option<Restore>>>,
    /// A remembered sign-in could not reach Cognito: when (egui's clock) to try again.
    pub(super) offline_retry_at: Option<f64>,
    pub(super) error: Option<String>,
    /// The reason and the time (egui's clock) until which the button is off.
    pub(super) locked: Option<(String, f64)>,
    pub(super) new_password: String,
    pub(super) confirm: String,
    pub(super) attributes: BTreeMap<String, String>,
    pub(super) code: String,
    pub(super) mfa_choice: String,
    /// A browser sign-in is waiting: the link it opened (for "copy the link").
    pub(super) browser_url: Option<String>,
    /// "Forgot your password?" is open.
    pub(super) forgot: Option<super::forgot::ForgotState>,
    /// `MFA_SETUP`: the key Cognito gave (`AssociateSoftwareToken`), and the call for it.
    pub(super) totp_key: Option<crate::credentials::TotpSecret>,
    pub(super) associating:
        Option<Promise<Result<(crate::credentials::TotpSecret, Challenge), CognitoError>>>,
    /// The first field took the keyboard focus since the screen opened: the password
    /// when the username was filled in, else the username. Decided once, never while
    /// typing (typing a username must not jump to the password after one letter).
    pub(super) autofocused: bool,
}

/// How restoring a remembered sign-in ended, when it did not sign in.
pub(super) enum Restore {
    /// Refused: what to tell the person (a refused one was forgotten).
    Refused(String),
    /// Cognito could not be reached; the remembered sign-in is kept for another try.
    Offline,
}

/// Seconds between tries of a remembered sign-in while Cognito cannot be reached.
const OFFLINE_RETRY_SECONDS: f64 = 30.0;

impl SignInState {
    pub(super) fn prefill(&mut self, profile: Option<&Profile>) {
        if let Some(username) = profile.and_then(|p| p.username.clone()) {
            self.username = username;
        }
    }

    pub(super) fn signed_out(&mut self, reason: Option<&str>, lang: Lang) {
        self.challenge = None;
        self.autofocused = false;
        self.error =
            reason.map(|r| format!("{} ({r})", lang.text(t::YOUR_SESSION_ENDED_AND_COULD_NOT)));
    }

    /// Stops waiting for Cognito; the form keeps what was typed.
    pub(super) fn cancel(&mut self) {
        if let Some(abort) = self.abort.take() {
            abort.abort();
        }
        self.pending = None;
    }

    pub(super) fn busy(&self) -> bool {
        self.pending.is_some() || self.restoring.is_some() || self.associating.is_some()
    }

    pub(super) fn clear_secrets(&mut self) {
        for text in [
            &mut self.password,
            &mut self.new_password,
            &mut self.confirm,
            &mut self.code,
        ] {
            zeroize::Zeroize::zeroize(text);
        }
    }
}

/// The id of the [`field`] labelled `label` in `ui`. Stable: the keyboard focus must
/// survive rows appearing above the field (the local demo's box shows up once its server
/// runs), and it can be focused before it is drawn.
pub(super) fn field_id(ui: &egui::Ui, label: &str) -> egui::Id {
    ui.make_persistent_id(("field", label))
}

/// A text field with a visible label that is also its accessible name.
pub(super) fn field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    password: bool,
) -> egui::Response {
    let id = field_id(ui, label);
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .id(id)
            .password(password)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id)
}

impl App {
    pub(super) fn poll_sign_in(&mut self) {
        let lang = self.lang;
        if let Some(promise) = &self.sign_in.restoring
            && promise.ready().is_some()
            && let Some(Ok(ended)) = self.sign_in.restoring.take().map(Promise::try_take)
        {
            self.sign_in.offline_retry_at = None;
            match ended {
                None => {}
                Some(Restore::Refused(message)) => self.sign_in.error = Some(message),
                Some(Restore::Offline) => {
                    self.sign_in.error =
                        Some(lang.text(ta::OFFLINE_REMEMBERED_SIGN_IN_KEPT).to_owned());
                    let ctx = self.tasks.ctx().clone();
                    self.sign_in.offline_retry_at =
                        Some(ctx.input(|i| i.time) + OFFLINE_RETRY_SECONDS);
                    ctx.request_repaint_after(std::time::Duration::from_secs_f64(
                        OFFLINE_RETRY_SECONDS,
                    ));
                }
            }
        }
        if let Some(at) = self.sign_in.offline_retry_at
            && !self.is_signed_in()
            && self.sign_in.restoring.is_none()
            && self.tasks.ctx().input(|i| i.time) >= at
        {
            self.sign_in.offline_retry_at = None;
            self.try_restore();
        }
        let Some(promise) = &self.sign_in.pending else {
            return;
        };
        if promise.ready().is_none() {
            return;
        }
        let Some(Ok(result)) = self.sign_in.pending.take().map(Promise::try_take) else {
            return;
        };
        self.sign_in.browser_url = None;
        let result = result.map(|step| {
            if let Some(flow) = step.flow {
                self.learn_flow(flow);
            }
            step.outcome
        });
        match result {
            Ok(Outcome::SignedIn {
                remembered,
                remember_problem,
                username,
            }) => {
                self.sign_in.forgot = None;
                self.sign_in.clear_secrets();
                self.sign_in.challenge = None;
                self.sign_in.error = None;
                // Shown where the person lands (the banner over every screen), until
                // dismissed: the sign-in worked but will not outlive this window.
                if let Some(problem) = remember_problem {
                    self.banner = Some(format!(
                        "{} ({problem})",
                        i18n::remember_unavailable(lang, true)
                    ));
                }
                // Who signed in, as the secret store has them (a browser sign-in's user may
                // not be what the field holds).
                if let Some(profile) = self.config.profiles.get_mut(&self.profile_name)
                    && profile.username.as_deref() != Some(username.as_str())
                {
                    profile.username = Some(username.clone());
                    self.save_config();
                }
                // A note (never the token) that this sign-in is remembered.
                if remembered
                    && self
                        .config
                        .remembered
                        .entry(self.profile_name.clone())
                        .or_default()
                        .insert(username.clone())
                {
                    self.save_config();
                }
                if let ConnSlot::Ready(conn) = &mut self.conn {
                    conn.profile.username = Some(username);
                }
            }
            Ok(Outcome::Challenge(challenge)) => {
                self.sign_in.forgot = None;
                self.sign_in.error = None;
                self.sign_in.code.clear();
                if matches!(challenge.kind, ChallengeKind::MfaSetup { .. }) {
                    self.sign_in.totp_key = None;
                    self.sign_in.challenge = Some(challenge.clone());
                    self.start_totp_setup();
                }
                if let ChallengeKind::SelectMfaType { options } = &challenge.kind {
                    self.sign_in.mfa_choice = options.first().cloned().unwrap_or_default();
                }
                if let ChallengeKind::NewPasswordRequired {
                    required_attributes,
                    ..
                } = &challenge.kind
                {
                    self.sign_in.attributes = required_attributes
                        .iter()
                        .map(|a| (a.clone(), String::new()))
                        .collect();
                }
                self.sign_in.challenge = Some(challenge);
            }
            Err(e) => {
                crate::logging::note_problem(format!("sign-in: {e}"));
                // The keyboard goes back to the first field to fix (the password, when
                // the username is there), as when the screen opened.
                self.sign_in.autofocused = false;
                self.reset_refused(&e);
                if e.kind() == Some(ErrorKind::PasswordResetRequired) {
                    // The way forward is a reset: open it for this username.
                    self.open_forgot();
                }
                self.sign_in.error = Some(i18n::cognito_error(&e, lang));
                match e.kind() {
                    Some(ErrorKind::AttemptsExceeded | ErrorKind::TooManyRequests) => {
                        let until = self.tasks.ctx().input(|i| i.time) + LOCKOUT_SECONDS;
                        self.sign_in.locked = Some((i18n::cognito_error(&e, lang), until));
                    }
                    Some(ErrorKind::SessionExpired) => {
                        self.sign_in.challenge = None;
                    }
                    Some(ErrorKind::CodeMismatch | ErrorKind::ExpiredCode) => {
                        self.sign_in.code.clear();
                    }
                    _ => {}
                }
            }
        }
    }

    /// Remembers the flow an `auto` profile signed in with, to try it first next time.
    fn learn_flow(&mut self, flow: PasswordFlow) {
        if let Some(profile) = self.config.profiles.get_mut(&self.profile_name)
            && profile.learn_flow(flow)
        {
            self.save_config();
        }
        if let ConnSlot::Ready(conn) = &mut self.conn {
            conn.profile.learn_flow(flow);
        }
    }

    /// What this sign-in keeps, by the form's checkboxes.
    pub(super) fn keep(&self, conn: &super::Connection, username: &str) -> Keep {
        Keep {
            client: conn.client.clone(),
            secrets: self.secrets.clone(),
            owner: conn.owner(),
            username: username.to_owned(),
            remember_session: self.sign_in.remember.session,
            remember_device: self.sign_in.remember.device,
        }
    }

    fn submit_credentials(&mut self) {
        let ConnSlot::Ready(conn) = &self.conn else {
            return;
        };
        let username = self.sign_in.username.trim().to_owned();
        if username.is_empty() || self.sign_in.password.is_empty() {
            return;
        }
        let password = Password::new(self.sign_in.password.clone());
        let plan = conn.profile.flow_plan();
        let client = conn.client.clone();
        let session = Arc::clone(&conn.session);
        let keep = self.keep(conn, &username);
        self.sign_in.error = None;
        let (pending, abort) = self.tasks.spawn_abortable(async move {
            let device = account::device(&keep.secrets, &keep.owner, &username).await;
            let (step, flow) = client
                .sign_in_from_device(&plan, &username, &password, device.as_ref())
                .await?;
            Ok(Step {
                outcome: finish(step, session, keep).await,
                flow: Some(flow),
            })
        });
        self.sign_in.pending = Some(pending);
        self.sign_in.abort = Some(abort);
    }

    pub(super) fn submit_answer(&mut self, answer: ChallengeAnswer) {
        let (ConnSlot::Ready(conn), Some(challenge)) = (&self.conn, &self.sign_in.challenge) else {
            return;
        };
        let client = conn.client.clone();
        let session = Arc::clone(&conn.session);
        let challenge = challenge.clone();
        let keep = self.keep(conn, self.sign_in.username.trim());
        self.sign_in.error = None;
        let (pending, abort) = self.tasks.spawn_abortable(async move {
            let step = client.respond(&challenge, &answer).await?;
            Ok(Step {
                outcome: finish(step, session, keep).await,
                flow: None,
            })
        });
        self.sign_in.pending = Some(pending);
        self.sign_in.abort = Some(abort);
    }

    pub(super) fn sign_in_screen(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        ui.vertical_centered(|ui| {
            ui.set_max_width(420.0);
            ui.add_space(12.0);
            ui.heading(lang.text(t::SIGN_IN_TO_YOUR_USER_POOL));
            ui.add_space(8.0);
            ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                self.profile_picker(ui);
                self.connection_state(ui);
                ui.add_space(8.0);
                if self.sign_in.forgot.is_some() {
                    self.forgot_step(ui);
                } else if self.sign_in.challenge.is_some() {
                    self.challenge_step(ui);
                } else {
                    self.credentials_step(ui);
                }
                if self.sign_in.browser_url.is_some() {
                    self.browser_waiting(ui);
                } else if self.sign_in.busy() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(if self.sign_in.restoring.is_some() {
                            lang.text(t::RESTORING_YOUR_REMEMBERED_SIGN_IN)
                        } else {
                            lang.text(t::WAITING_FOR_COGNITO)
                        });
                        if self.sign_in.pending.is_some()
                            && ui.button(lang.text(t::CANCEL)).clicked()
                        {
                            self.sign_in.cancel();
                        }
                    });
                }
                if let Some(error) = &self.sign_in.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                if self.sign_in.offline_retry_at.is_some()
                    && ui.button(lang.text(t::TRY_AGAIN)).clicked()
                {
                    self.sign_in.offline_retry_at = None;
                    self.try_restore();
                }
            });
        });
    }

    fn profile_picker(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        let names: Vec<String> = self.config.profiles.keys().cloned().collect();
        let mut chosen = self.profile_name.clone();
        ui.horizontal(|ui| {
            egui::ComboBox::from_label(lang.text(t::PROFILE))
                .selected_text(chosen.clone())
                .show_ui(ui, |ui| {
                    for name in &names {
                        ui.selectable_value(&mut chosen, name.clone(), name);
                    }
                });
        });
        if chosen != self.profile_name {
            self.ask(Action::SwitchProfile(chosen));
        }
    }

    fn connection_state(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        let local = self.profile().is_some_and(|p| p.local_stack);
        if local {
            match &self.stack {
                StackSlot::Starting(_) => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(lang.text(t::STARTING_THE_LOCAL_DEMO_SERVER));
                    });
                }
                StackSlot::Failed(e) => {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("{} {e}", lang.text(t::THE_LOCAL_DEMO_SERVER_COULD_NOT)),
                    );
                }
                StackSlot::Running(stack) => {
                    let url = stack.url.to_string();
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.label(lang.text(t::LOCAL_DEMO_A_USER_POOL_AND));
                        ui.label(format!(
                            "{}: {}   {}: {}",
                            lang.text(t::USERNAME),
                            local::idp::DEMO_USERNAME,
                            lang.text(t::PASSWORD),
                            local::idp::DEMO_PASSWORD
                        ));
                        ui.small(url);
                        if self.sign_in.challenge.is_none()
                            && ui.button(lang.text(t::FILL_IN_THE_DEMO_ACCOUNT)).clicked()
                        {
                            local::idp::DEMO_USERNAME.clone_into(&mut self.sign_in.username);
                            local::idp::DEMO_PASSWORD.clone_into(&mut self.sign_in.password);
                        }
                    });
                }
                StackSlot::Off => {}
            }
        }
        if let ConnSlot::Failed(e) = &self.conn {
            let e = e.clone();
            ui.colored_label(ui.visuals().error_fg_color, e);
            if ui.button(lang.text(t::OPEN_SETTINGS)).clicked() {
                self.ask(Action::Go(Event::OpenSettings));
            }
        }
    }

    fn credentials_step(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        let now = ui.input(|i| i.time);
        if let Some((_, until)) = &self.sign_in.locked
            && *until <= now
        {
            self.sign_in.locked = None;
        }
        // When the screen opens (and the window has the keyboard), typing starts in the
        // first empty field: the password when the username was filled in already. The
        // focus is given before the fields are drawn, so the first key a person types in
        // the frame the window gains the keyboard lands in the field, not nowhere.
        let user_id = field_id(ui, lang.text(t::USERNAME));
        let password_id = field_id(ui, lang.text(t::PASSWORD));
        if !self.sign_in.autofocused && ui.input(|i| i.focused) {
            let focused = ui.memory(egui::Memory::focused);
            if focused != Some(user_id) && focused != Some(password_id) {
                let target = if self.sign_in.username.is_empty() {
                    user_id
                } else {
                    password_id
                };
                ui.memory_mut(|m| m.request_focus(target));
            }
            self.sign_in.autofocused = true;
        }
        let user = field(
            ui,
            lang.text(t::USERNAME),
            &mut self.sign_in.username,
            false,
        );
        if user.changed() {
            self.sign_in.locked = None;
        }
        let password = field(
            ui,
            lang.text(t::PASSWORD),
            &mut self.sign_in.password,
            !self.sign_in.show_password,
        );
        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
        // Enter in the username moves on to the password.
        if user.lost_focus() && enter {
            password.request_focus();
        }
        let entered = password.lost_focus() && enter;
        // Enter with no password typed keeps the focus where the password goes.
        if entered && self.sign_in.password.is_empty() {
            password.request_focus();
        }
        ui.checkbox(&mut self.sign_in.show_password, lang.text(t::SHOW_PASSWORD));
        ui.checkbox(
            &mut self.sign_in.remember.session,
            lang.text(t::REMEMBER_ME_KEPT_IN_THE_SYSTEM),
        );
        ui.checkbox(
            &mut self.sign_in.remember.device,
            lang.text(t::REMEMBER_THIS_DEVICE),
        );
        let ready = matches!(self.conn, ConnSlot::Ready(_))
            && !self.sign_in.busy()
            && self.sign_in.locked.is_none()
            && !self.sign_in.username.trim().is_empty()
            && !self.sign_in.password.is_empty();
        let clicked = ui
            .add_enabled(
                ready,
                egui::Button::new(lang.text(t::SIGN_IN)).min_size([120.0, 28.0].into()),
            )
            .clicked();
        if let Some((reason, until)) = &self.sign_in.locked {
            let seconds = (until - now).max(0.0).ceil();
            ui.colored_label(
                ui.visuals().warn_fg_color,
                t::try_again_in(reason, seconds, lang),
            );
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(1));
        }
        if clicked || (entered && ready) {
            self.submit_credentials();
        }
        if ui
            .add_enabled(
                !self.sign_in.busy(),
                egui::Button::new(lang.text(t::FORGOT_YOUR_PASSWORD)).frame(false),
            )
            .clicked()
        {
            self.open_forgot();
        }
        let has_domain = match &self.conn {
            ConnSlot::Ready(conn) => conn.profile.hosted_ui_domain.is_some(),
            _ => false,
        };
        if has_domain {
            ui.separator();
            if ui
                .add_enabled(
                    !self.sign_in.busy(),
                    egui::Button::new(lang.text(t::SIGN_IN_WITH_BROWSER)),
                )
                .on_hover_text(lang.text(t::SIGN_IN_WITH_BROWSER_EXPLAINED))
                .clicked()
            {
                self.start_browser_sign_in();
            }
        }
    }
}

#[cfg(test)]
#[path = "sign_in_tests.rs"]
mod tests;

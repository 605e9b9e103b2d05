//! Settings: language and theme, and the profiles (user pool, app client, optional client
//! secret kept in the system secret store, endpoints, token handling, form defaults), checked as they
//! are typed, saved to the config file, imported and exported as TOML.

use std::collections::BTreeMap;

use poll_promise::Promise;

use super::profile_form::Draft;
use super::{Action, App};
use crate::config::{self, Config, LanguagePref, Profile, ThemePref};
use crate::i18n::Lang;
use crate::i18n::ui::settings as t;
use crate::secrets;

/// Regions where Cognito user pools are offered (free text is accepted too).
pub const KNOWN_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "af-south-1",
    "us-gov-east-1",
    "us-gov-west-1",
];

#[derive(Default)]
pub struct SettingsState {
    pub(super) draft: Option<Draft>,
    /// A new client secret to put in the secret store on save (never shown, never in a file).
    pub(super) secret: String,
    pub(super) message: Option<(bool, String)>,
    /// Outcome sentences of secret-store writes, imports and exports.
    pub(super) pending: Option<Promise<Result<String, String>>>,
    pub(super) import: Option<Promise<Result<Option<Config>, String>>>,
    /// The profile in use reconnects once `pending` (its entries moving to a new name)
    /// is done, so the new connection finds them.
    pub(super) reconnect_after: bool,
    /// The signed-in user's password and authenticator.
    pub(super) account: super::account::AccountState,
}

impl App {
    pub(super) fn poll_settings(&mut self) {
        if self
            .settings
            .pending
            .as_ref()
            .is_some_and(|p| p.ready().is_some())
            && let Some(Ok(outcome)) = self.settings.pending.take().map(Promise::try_take)
        {
            self.settings.message = Some(match outcome {
                Ok(text) => (true, text),
                Err(text) => (false, text),
            });
            if std::mem::take(&mut self.settings.reconnect_after) {
                self.ask(Action::Reconnect);
            }
        }
        if self
            .settings
            .import
            .as_ref()
            .is_some_and(|p| p.ready().is_some())
            && let Some(Ok(outcome)) = self.settings.import.take().map(Promise::try_take)
        {
            match outcome {
                Ok(Some(imported)) => self.take_imported(imported),
                Ok(None) => {}
                Err(e) => self.settings.message = Some((false, e)),
            }
        }
    }

    fn take_imported(&mut self, imported: Config) {
        let lang = self.lang;
        let mut names = Vec::new();
        let mut refused = Vec::new();
        for (name, mut profile) in imported.profiles {
            let mut unique = name.clone();
            let mut n = 2;
            while self.config.profiles.contains_key(&unique) {
                unique = format!("{name} ({n})");
                n += 1;
            }
            profile.local_stack = false;
            profile.username = None;
            if let Err(e) = profile.validate(&unique) {
                refused.push(crate::i18n::config_error(&e, lang));
                continue;
            }
            self.config.profiles.insert(unique.clone(), profile);
            names.push(unique);
        }
        // What was imported and what was refused, together: one does not hide the other.
        let mut lines = Vec::new();
        if !names.is_empty() {
            self.save_config();
            lines.push(t::imported(&names, lang));
            if let Some(first) = names.first()
                && let Some(profile) = self.config.profiles.get(first)
            {
                self.settings.draft = Some(Draft::from_profile(first, profile));
            }
        }
        let all_taken = refused.is_empty();
        lines.extend(refused);
        if !lines.is_empty() {
            self.settings.message = Some((all_taken, lines.join("\n")));
        }
    }

    pub(super) fn settings_screen(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        ui.heading(lang.text(t::SETTINGS));
        self.preferences(ui);
        ui.horizontal(|ui| {
            if ui
                .button(lang.text(t::COPY_DIAGNOSTICS))
                .on_hover_text(lang.text(t::VERSION_SYSTEM_THE_PROFILE_NO_SECRETS))
                .clicked()
            {
                let session = match &self.session {
                    crate::session::SessionState::SignedIn {
                        expires_at,
                        refreshes,
                        ..
                    } => {
                        format!("signed in, valid until {expires_at}, {refreshes} refresh(es)")
                    }
                    crate::session::SessionState::SignedOut { reason } => {
                        format!(
                            "signed out{}",
                            reason
                                .as_ref()
                                .map(|r| format!(" ({r})"))
                                .unwrap_or_default()
                        )
                    }
                };
                let text =
                    crate::logging::diagnostics(&self.profile_name, self.profile(), &session);
                ui.ctx().copy_text(text);
                self.settings.message = Some((true, lang.text(t::DIAGNOSTICS_COPIED).to_owned()));
            }
            if let Some(dir) = crate::logging::default_dir() {
                ui.weak(t::logs_at(&dir, lang));
            }
        });
        ui.separator();
        self.account_section(ui);
        ui.heading(lang.text(t::PROFILES));
        let names: Vec<String> = self.config.profiles.keys().cloned().collect();
        ui.horizontal_wrapped(|ui| {
            for name in &names {
                let editing = self
                    .settings
                    .draft
                    .as_ref()
                    .and_then(|d| d.original.as_deref())
                    == Some(name.as_str());
                let label = if *name == self.profile_name {
                    t::in_use(name, lang)
                } else {
                    name.clone()
                };
                if ui.selectable_label(editing, label).clicked()
                    && let Some(profile) = self.config.profiles.get(name)
                {
                    self.settings.draft = Some(Draft::from_profile(name, profile));
                    self.settings.secret.clear();
                    self.settings.message = None;
                }
            }
            if ui.button(lang.text(t::NEW_PROFILE)).clicked() {
                self.settings.draft = Some(Draft {
                    region: "ap-northeast-1".to_owned(),
                    ..Draft::default()
                });
                self.settings.secret.clear();
                self.settings.message = None;
            }
            if ui.button(lang.text(t::IMPORT)).clicked() {
                let dialog = self.dialogs.open_profile();
                self.settings.import = Some(self.tasks.spawn(async move {
                    let Some(path) = dialog.await else {
                        return Ok(None);
                    };
                    let text = crate::save::read_text(path.clone()).await?;
                    toml::from_str::<Config>(&text)
                        .map(Some)
                        .map_err(|e| format!("{}: {e}", path.display()))
                }));
            }
        });
        ui.weak(lang.text(t::CLICK_A_PROFILE_TO_EDIT_IT));
        if self.settings.draft.is_none()
            && let Some(profile) = self.profile()
        {
            self.settings.draft = Some(Draft::from_profile(
                &self.profile_name.clone(),
                &profile.clone(),
            ));
        }
        if let Some((ok, message)) = &self.settings.message {
            let color = if *ok {
                ui.visuals().text_color()
            } else {
                ui.visuals().error_fg_color
            };
            ui.colored_label(color, message);
        }
        ui.add_space(6.0);
        self.profile_form(ui, &names);
    }

    fn preferences(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        // What is in effect: a `--lang`/`--theme` given at start shows as chosen.
        let shown_language = match self.lang_override {
            Some(Lang::En) => LanguagePref::En,
            Some(Lang::Ja) => LanguagePref::Ja,
            None => self.config.ui.language,
        };
        let mut language = shown_language;
        ui.horizontal(|ui| {
            ui.label(lang.text(t::LANGUAGE));
            ui.radio_value(&mut language, LanguagePref::System, lang.text(t::SYSTEM));
            ui.radio_value(&mut language, LanguagePref::En, "English");
            ui.radio_value(&mut language, LanguagePref::Ja, "日本語");
        });
        if language != shown_language {
            self.set_language(language);
        }
        let shown_theme = self.theme_override.unwrap_or(self.config.ui.theme);
        let mut theme = shown_theme;
        ui.horizontal(|ui| {
            ui.label(lang.text(t::THEME));
            ui.radio_value(&mut theme, ThemePref::System, lang.text(t::SYSTEM));
            ui.radio_value(&mut theme, ThemePref::Light, lang.text(t::LIGHT));
            ui.radio_value(&mut theme, ThemePref::Dark, lang.text(t::DARK));
        });
        if theme != shown_theme {
            self.config.ui.theme = theme;
            self.theme_override = None;
            self.save_config();
            self.apply_theme(ui.ctx());
        }
        let mut megabytes = self.config.ui.thumbnail_cache_mb;
        ui.horizontal(|ui| {
            let label = ui.label(lang.text(t::THUMBNAIL_CACHE_MB));
            ui.add(
                egui::DragValue::new(&mut megabytes)
                    .range(16..=65_536)
                    .speed(8.0),
            )
            .labelled_by(label.id)
            .on_hover_text(lang.text(t::THUMBNAIL_CACHE_EXPLAINED));
        });
        if megabytes != self.config.ui.thumbnail_cache_mb {
            self.config.ui.thumbnail_cache_mb = megabytes;
            self.save_config();
            self.thumbnailer.set_cache_limit(u64::from(megabytes) << 20);
        }
    }

    pub(super) fn save_draft(&mut self, draft: &Draft) {
        let lang = self.lang;
        let name = draft.name.trim().to_owned();
        let profile = draft.to_profile();
        let before = draft
            .original
            .as_ref()
            .and_then(|o| self.config.profiles.get(o))
            .cloned();
        let moves = match &draft.original {
            Some(original) if *original != name => {
                self.rename_profile(original, &name, before.as_ref(), &profile.client_id)
            }
            _ => Vec::new(),
        };
        self.config.profiles.insert(name.clone(), profile.clone());
        self.save_config();
        self.settings.draft = Some(Draft::from_profile(&name, &profile));
        self.settings.message = Some((true, lang.text(t::SAVED).to_owned()));
        let secret = std::mem::take(&mut self.settings.secret);
        let secret_changed = !secret.is_empty();
        if secret_changed || !moves.is_empty() {
            let secrets = self.secrets.clone();
            let account = secrets::Owner::new(&name, &profile.client_id)
                .client_secret()
                .name;
            let renamed = name.clone();
            // The move first: a new client secret typed with the rename is not then
            // overwritten by the old one. The new secret is written (and wiped from
            // memory) even when the move failed.
            self.settings.pending = Some(self.tasks.spawn(async move {
                let move_result = secrets.move_accounts(moves).await;
                let written = if secret_changed {
                    Some(secrets.set(account, secret.into_bytes()).await)
                } else {
                    None
                };
                match (move_result, written) {
                    (Err(e), _) => Err(t::secrets_not_moved(&renamed, &e.to_string(), lang)),
                    (Ok(_), Some(Err(e))) => Err(e.to_string()),
                    (Ok(_), Some(Ok(()))) => {
                        Ok(lang.text(t::SAVED_THE_CLIENT_SECRET_IS_IN).to_owned())
                    }
                    (Ok(_), None) => Ok(lang.text(t::SAVED).to_owned()),
                }
            }));
        }
        self.reconnect_if_changed(&name, before, &profile, secret_changed);
        self.convert.filled_for = None;
    }

    /// The profile `original` becomes `name`. What the secret store holds for it, and the
    /// note of whose sign-ins are remembered, go with it (else a client secret is lost
    /// and a refresh token left where no sign-out would find it); returns the entries to
    /// move. With another app client too, nothing of the old one's is any use: it is
    /// deleted instead.
    fn rename_profile(
        &mut self,
        original: &str,
        name: &str,
        before: Option<&Profile>,
        client_id: &str,
    ) -> Vec<(secrets::Account, secrets::Account)> {
        self.config.profiles.remove(original);
        let mut users = self.config.remembered.remove(original).unwrap_or_default();
        let same_client = before.is_some_and(|b| b.client_id == client_id);
        if same_client && !users.is_empty() {
            self.config
                .remembered
                .insert(name.to_owned(), users.clone());
        }
        if self.profile_name == original {
            name.clone_into(&mut self.profile_name);
            self.config.default_profile = Some(name.to_owned());
            if let super::ConnSlot::Ready(conn) = &mut self.conn {
                name.clone_into(&mut conn.profile_name);
            }
        }
        let Some(before) = before else {
            return Vec::new();
        };
        users.extend(before.username.clone());
        let from = secrets::Owner::new(original, &before.client_id).accounts(&users);
        if !same_client {
            self.delete_secrets(from);
            return Vec::new();
        }
        let to = secrets::Owner::new(name, &before.client_id).accounts(&users);
        from.into_iter().zip(to).collect()
    }

    /// The profile in use reconnects when what it connects with changed: once its
    /// entries moved, when a rename moves them.
    fn reconnect_if_changed(
        &mut self,
        name: &str,
        before: Option<Profile>,
        profile: &Profile,
        secret_changed: bool,
    ) {
        let connects_differently = before.is_none_or(|b| {
            (
                b.region,
                b.client_id,
                b.cognito_endpoint,
                b.api_url,
                b.identity_pool_id,
                b.aws_endpoint,
                b.user_pool_id,
                b.auth_flow,
                b.hosted_ui_domain,
                b.token_kind,
                b.header_style,
            ) != (
                profile.region.clone(),
                profile.client_id.clone(),
                profile.cognito_endpoint.clone(),
                profile.api_url.clone(),
                profile.identity_pool_id.clone(),
                profile.aws_endpoint.clone(),
                profile.user_pool_id.clone(),
                profile.auth_flow,
                profile.hosted_ui_domain.clone(),
                profile.token_kind,
                profile.header_style,
            )
        });
        if name == self.profile_name && (connects_differently || secret_changed) {
            if self.settings.pending.is_some() {
                self.settings.reconnect_after = true;
            } else {
                self.ask(Action::Reconnect);
            }
        }
    }

    pub(super) fn export_profile(&mut self, name: &str) {
        let lang = self.lang;
        let Some(profile) = self.config.profiles.get(name).cloned() else {
            return;
        };
        let mut profile = profile;
        profile.username = None;
        let export = Config {
            default_profile: None,
            profiles: BTreeMap::from([(name.to_owned(), profile)]),
            ui: config::UiPrefs::default(),
            remembered: BTreeMap::new(),
        };
        let dialog = self.dialogs.save_profile(format!("{name}.toml"));
        self.settings.pending = Some(self.tasks.spawn(async move {
            let Some(path) = dialog.await else {
                return Ok(lang.text(t::EXPORT_CANCELLED).to_owned());
            };
            let text = toml::to_string_pretty(&export).map_err(|e| e.to_string())?;
            crate::save::write_text(
                path.clone(),
                format!("# A Receipt Desk profile (no secrets).\n{text}"),
            )
            .await?;
            Ok(t::exported_to(&path, lang))
        }));
    }
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;

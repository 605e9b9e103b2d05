//! Settings: language and theme, and the profiles (user pool, app client, optional client
//! secret kept in the system secret store, endpoints, token handling, form defaults), checked as they
//! are typed, saved to the config file, imported and exported as TOML.

use std::collections::{BTreeMap, BTreeSet};

use poll_promise::Promise;

use super::App;
use crate::config::{self, Config, HeaderStyle, LanguagePref, Profile, ThemePref, TokenKind};
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

/// A profile being edited: every field as typed.
#[derive(Clone, Default)]
struct Draft {
    /// The name it had when editing began (`None` for a new profile).
    original: Option<String>,
    name: String,
    region: String,
    client_id: String,
    cognito_endpoint: String,
    api_url: String,
    token_kind: TokenKind,
    header_style: HeaderStyle,
    bucket: String,
    pdf_prefix: String,
    upload_prefix: String,
    local_stack: bool,
    username: Option<String>,
    /// Fields whose problems are shown: left after editing. Typing a first letter
    /// should not shout that the rest is missing.
    visited: BTreeSet<&'static str>,
    /// Save was pressed: every problem shows.
    save_tried: bool,
}

fn text(value: Option<&String>) -> String {
    value.cloned().unwrap_or_default()
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Which of a draft's problems show: a field's once it was left, all after Save.
struct FormCheck<'a> {
    visited: BTreeSet<&'static str>,
    problems: &'a BTreeMap<&'static str, String>,
    save_tried: bool,
}

impl FormCheck<'_> {
    fn shown(&self, field: &'static str) -> Option<&String> {
        (self.visited.contains(field) || self.save_tried)
            .then(|| self.problems.get(field))
            .flatten()
    }

    /// A field, and under it one line kept for its problem, so rows never jump.
    fn row(
        &mut self,
        ui: &mut egui::Ui,
        label: &str,
        value: &mut String,
        enabled: bool,
        field: &'static str,
    ) {
        let label = ui.label(label);
        ui.vertical(|ui| {
            let response = ui
                .add_enabled(
                    enabled,
                    egui::TextEdit::singleline(value).desired_width(380.0),
                )
                .labelled_by(label.id);
            if response.lost_focus() {
                self.visited.insert(field);
            }
            problem_line(ui, self.shown(field));
        });
        ui.end_row();
    }
}

/// The line under a field: its problem, or the same height left empty.
fn problem_line(ui: &mut egui::Ui, problem: Option<&String>) {
    let text = problem.map_or(" ", String::as_str);
    ui.label(
        egui::RichText::new(text)
            .small()
            .color(ui.visuals().error_fg_color),
    );
}

impl Draft {
    fn from_profile(name: &str, profile: &Profile) -> Self {
        Self {
            original: Some(name.to_owned()),
            name: name.to_owned(),
            region: text(profile.region.as_ref()),
            client_id: profile.client_id.clone(),
            cognito_endpoint: text(profile.cognito_endpoint.as_ref()),
            api_url: text(profile.api_url.as_ref()),
            token_kind: profile.token_kind,
            header_style: profile.header_style,
            bucket: text(profile.bucket.as_ref()),
            pdf_prefix: text(profile.pdf_prefix.as_ref()),
            upload_prefix: text(profile.upload_prefix.as_ref()),
            local_stack: profile.local_stack,
            username: profile.username.clone(),
            visited: BTreeSet::new(),
            save_tried: false,
        }
    }

    fn to_profile(&self) -> Profile {
        Profile {
            region: optional(&self.region),
            client_id: self.client_id.trim().to_owned(),
            cognito_endpoint: optional(&self.cognito_endpoint),
            api_url: optional(&self.api_url),
            token_kind: self.token_kind,
            header_style: self.header_style,
            bucket: optional(&self.bucket),
            pdf_prefix: optional(&self.pdf_prefix),
            upload_prefix: optional(&self.upload_prefix),
            username: self.username.clone(),
            local_stack: self.local_stack,
        }
    }

    /// Problems by field name, in the person's language: the name's own rules, then
    /// the same rules `profile set` applies (`Profile::problems`).
    fn problems(&self, taken: &[String], lang: Lang) -> BTreeMap<&'static str, String> {
        let mut problems = BTreeMap::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.insert("name", lang.text(t::REQUIRED).to_owned());
        } else if self.original.as_deref() != Some(name) && taken.iter().any(|t| t == name) {
            problems.insert(
                "name",
                lang.text(t::ANOTHER_PROFILE_HAS_THIS_NAME).to_owned(),
            );
        }
        for (field, reason) in self.to_profile().problems(name) {
            problems
                .entry(field)
                .or_insert_with(|| crate::i18n::invalid_reason(&reason, lang));
        }
        problems
    }
}

#[derive(Default)]
pub struct SettingsState {
    draft: Option<Draft>,
    /// A new client secret to put in the secret store on save (never shown, never in a file).
    secret: String,
    message: Option<(bool, String)>,
    /// Outcome sentences of secret-store writes, imports and exports.
    pending: Option<Promise<Result<String, String>>>,
    import: Option<Promise<Result<Option<Config>, String>>>,
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
                self.settings.message = Some((false, e.to_string()));
                continue;
            }
            self.config.profiles.insert(unique.clone(), profile);
            names.push(unique);
        }
        if !names.is_empty() {
            self.save_config();
            self.settings.message = Some((true, t::imported(&names, lang)));
            if let Some(first) = names.first()
                && let Some(profile) = self.config.profiles.get(first)
            {
                self.settings.draft = Some(Draft::from_profile(first, profile));
            }
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
    }

    fn profile_form(&mut self, ui: &mut egui::Ui, names: &[String]) {
        let lang = self.lang;
        let Some(mut draft) = self.settings.draft.clone() else {
            return;
        };
        let problems = draft.problems(names, lang);
        let mut check = FormCheck {
            visited: std::mem::take(&mut draft.visited),
            problems: &problems,
            save_tried: draft.save_tried,
        };
        egui::Grid::new("profile-form")
            .num_columns(2)
            .spacing([12.0, 2.0])
            .show(ui, |ui| {
                check.row(
                    ui,
                    lang.text(t::PROFILE_NAME),
                    &mut draft.name,
                    true,
                    "name",
                );
                if draft.local_stack {
                    ui.label("");
                    ui.label(lang.text(t::THE_APP_RUNS_THIS_PROFILE_S));
                    ui.end_row();
                } else {
                    let label = ui.label(lang.text(t::REGION));
                    ui.vertical(|ui| {
                        ui.horizontal(|ui| {
                            let response = ui
                                .add(
                                    egui::TextEdit::singleline(&mut draft.region)
                                        .desired_width(200.0),
                                )
                                .labelled_by(label.id);
                            if response.lost_focus() {
                                check.visited.insert("region");
                            }
                            let picker = lang.text(t::KNOWN_REGIONS);
                            egui::ComboBox::from_id_salt("known-regions")
                                .selected_text(picker)
                                .width(170.0)
                                .show_ui(ui, |ui| {
                                    for region in KNOWN_REGIONS {
                                        ui.selectable_value(
                                            &mut draft.region,
                                            (*region).to_owned(),
                                            *region,
                                        );
                                    }
                                })
                                .response
                                .widget_info(|| {
                                    egui::WidgetInfo::labeled(egui::Role::ComboBox, true, picker)
                                });
                        });
                        let region = draft.region.trim();
                        let shown = check.shown("region");
                        if shown.is_none()
                            && !region.is_empty()
                            && !problems.contains_key("region")
                            && !KNOWN_REGIONS.contains(&region)
                        {
                            ui.colored_label(
                                ui.visuals().warn_fg_color,
                                egui::RichText::new(lang.text(t::NOT_A_REGION_THIS_APP_KNOWS))
                                    .small(),
                            );
                        } else {
                            problem_line(ui, shown);
                        }
                    });
                    ui.end_row();
                }
                check.row(
                    ui,
                    lang.text(t::APP_CLIENT_ID),
                    &mut draft.client_id,
                    !draft.local_stack,
                    "client_id",
                );
                if !draft.local_stack {
                    let label = ui.label(lang.text(t::CLIENT_SECRET_OPTIONAL));
                    ui.vertical(|ui| {
                        ui.add(
                            egui::TextEdit::singleline(&mut self.settings.secret)
                                .password(true)
                                .hint_text(lang.text(t::KEPT_IN_THE_SYSTEM_KEYRING_LEAVE))
                                .desired_width(380.0),
                        )
                        .labelled_by(label.id);
                        problem_line(ui, None);
                    });
                    ui.end_row();
                    check.row(
                        ui,
                        lang.text(t::COGNITO_ENDPOINT_OPTIONAL),
                        &mut draft.cognito_endpoint,
                        true,
                        "cognito_endpoint",
                    );
                    check.row(
                        ui,
                        lang.text(t::API_URL_WITH_STAGE),
                        &mut draft.api_url,
                        true,
                        "api_url",
                    );
                }
                ui.label(lang.text(t::TOKEN_SENT_TO_THE_API));
                ui.horizontal(|ui| {
                    ui.radio_value(&mut draft.token_kind, TokenKind::Id, lang.text(t::ID_TOKEN));
                    ui.radio_value(
                        &mut draft.token_kind,
                        TokenKind::Access,
                        lang.text(t::ACCESS_TOKEN),
                    );
                });
                ui.end_row();
                ui.label(lang.text(t::AUTHORIZATION_HEADER));
                ui.horizontal(|ui| {
                    ui.radio_value(
                        &mut draft.header_style,
                        HeaderStyle::Bearer,
                        "Bearer <token>",
                    );
                    ui.radio_value(&mut draft.header_style, HeaderStyle::Bare, "<token>");
                });
                ui.end_row();
                check.row(
                    ui,
                    lang.text(t::DEFAULT_BUCKET),
                    &mut draft.bucket,
                    true,
                    "bucket",
                );
                check.row(
                    ui,
                    lang.text(t::DEFAULT_PDF_PREFIX),
                    &mut draft.pdf_prefix,
                    true,
                    "pdf_prefix",
                );
                check.row(
                    ui,
                    lang.text(t::DEFAULT_UPLOAD_PREFIX),
                    &mut draft.upload_prefix,
                    true,
                    "upload_prefix",
                );
            });
        draft.visited = check.visited;
        let valid = problems.is_empty();
        // Saving or deleting replaces the draft; the edited copy must not overwrite that.
        let mut replaced = false;
        ui.horizontal(|ui| {
            if ui.button(lang.text(t::SAVE_PROFILE)).clicked() {
                if valid {
                    self.save_draft(&draft);
                    replaced = true;
                    return;
                }
                // Say what stands in the way, at each field.
                draft.save_tried = true;
            }
            if let Some(original) = draft.original.clone() {
                if original != self.profile_name
                    && ui.button(lang.text(t::USE_THIS_PROFILE)).clicked()
                {
                    self.switch_profile(&original);
                }
                if ui.button(lang.text(t::EXPORT)).clicked() {
                    self.export_profile(&original);
                }
                if original != self.profile_name
                    && ui.button(lang.text(t::DELETE_PROFILE)).clicked()
                {
                    self.config.profiles.remove(&original);
                    self.save_config();
                    let secrets = self.secrets.clone();
                    let account = secrets::client_secret_account(&original);
                    self.tasks.detach(async move {
                        let _ = secrets.delete(account).await;
                    });
                    self.settings.draft = None;
                    replaced = true;
                    return;
                }
            }
            if !valid {
                ui.weak(lang.text(t::FIX_THE_FIELDS_MARKED_IN_RED));
            }
        });
        if !replaced && let Some(current) = &mut self.settings.draft {
            *current = draft;
        }
    }

    fn save_draft(&mut self, draft: &Draft) {
        let lang = self.lang;
        let name = draft.name.trim().to_owned();
        let profile = draft.to_profile();
        let before = draft
            .original
            .as_ref()
            .and_then(|o| self.config.profiles.get(o))
            .cloned();
        if let Some(original) = &draft.original
            && *original != name
        {
            self.config.profiles.remove(original);
            if self.profile_name == *original {
                self.profile_name.clone_from(&name);
                self.config.default_profile = Some(name.clone());
            }
        }
        self.config.profiles.insert(name.clone(), profile.clone());
        self.save_config();
        self.settings.draft = Some(Draft::from_profile(&name, &profile));
        self.settings.message = Some((true, lang.text(t::SAVED).to_owned()));
        let secret = std::mem::take(&mut self.settings.secret);
        let secret_changed = !secret.is_empty();
        if secret_changed {
            let secrets = self.secrets.clone();
            let account = secrets::client_secret_account(&name);
            self.settings.pending = Some(self.tasks.spawn(async move {
                secrets
                    .set(account, secret.into_bytes())
                    .await
                    .map(|()| lang.text(t::SAVED_THE_CLIENT_SECRET_IS_IN).to_owned())
                    .map_err(|e| e.to_string())
            }));
        }
        // The profile in use reconnects when what it connects with changed.
        let connects_differently = before.is_none_or(|b| {
            (
                b.region,
                b.client_id,
                b.cognito_endpoint,
                b.api_url,
                b.token_kind,
                b.header_style,
            ) != (
                profile.region.clone(),
                profile.client_id.clone(),
                profile.cognito_endpoint.clone(),
                profile.api_url.clone(),
                profile.token_kind,
                profile.header_style,
            )
        });
        if name == self.profile_name && (connects_differently || secret_changed) {
            self.conn = super::ConnSlot::None;
            self.session = crate::session::SessionState::SignedOut { reason: None };
            self.reset_sign_in();
            self.connect();
        }
        self.convert.filled_for = None;
    }

    fn export_profile(&mut self, name: &str) {
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

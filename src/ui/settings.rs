//! Settings: language and theme, and the profiles (user pool, app client, optional client
//! secret kept in the keyring, endpoints, token handling, form defaults), checked as they
//! are typed, saved to the config file, imported and exported as TOML.

use std::collections::{BTreeMap, BTreeSet};

use poll_promise::Promise;

use super::App;
use crate::cognito;
use crate::config::{self, Config, HeaderStyle, LanguagePref, Profile, ThemePref, TokenKind};
use crate::i18n::Lang;
use crate::secrets;
use crate::validate;

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

    /// Problems by field name, in the person's language.
    fn problems(&self, taken: &[String], lang: Lang) -> BTreeMap<&'static str, String> {
        let mut problems = BTreeMap::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.insert(
                "name",
                lang.pick("Required.", "入力してください。").to_owned(),
            );
        } else if self.original.as_deref() != Some(name) && taken.iter().any(|t| t == name) {
            problems.insert(
                "name",
                lang.pick(
                    "Another profile has this name.",
                    "同じ名前のプロファイルがあります。",
                )
                .to_owned(),
            );
        }
        if !cognito::is_client_id(self.client_id.trim()) {
            problems.insert(
                "client_id",
                lang.pick(
                    "An app client id is letters and digits (26 in Cognito), from the pool's \"App clients\" page.",
                    "アプリクライアント ID は英数字です（Cognito では 26 文字）。ユーザープールの「アプリクライアント」画面にあります。",
                )
                .to_owned(),
            );
        }
        let region = self.region.trim();
        if !self.local_stack {
            if region.is_empty() && self.cognito_endpoint.trim().is_empty() {
                problems.insert(
                    "region",
                    lang.pick(
                        "Required (or a Cognito endpoint below).",
                        "入力してください（または下の Cognito エンドポイント）。",
                    )
                    .to_owned(),
                );
            } else if !region.is_empty() && !cognito::is_region_name(region) {
                problems.insert(
                    "region",
                    lang.pick(
                        "Not a region name like ap-northeast-1.",
                        "ap-northeast-1 のようなリージョン名ではありません。",
                    )
                    .to_owned(),
                );
            }
            for (field, value) in [
                ("cognito_endpoint", &self.cognito_endpoint),
                ("api_url", &self.api_url),
            ] {
                if !value.trim().is_empty()
                    && let Err(problem) = config::service_url(value)
                {
                    problems.insert(field, crate::i18n::url_problem(&problem, lang));
                }
            }
        }
        if !self.bucket.trim().is_empty()
            && let Err(problem) = validate::bucket(self.bucket.trim())
        {
            problems.insert("bucket", problem.sentence(lang));
        }
        for (field, value) in [
            ("pdf_prefix", &self.pdf_prefix),
            ("upload_prefix", &self.upload_prefix),
        ] {
            if !value.is_empty()
                && let Err(problem) = validate::prefix(value)
            {
                problems.insert(field, problem.sentence(lang));
            }
        }
        problems
    }
}

#[derive(Default)]
pub struct SettingsState {
    draft: Option<Draft>,
    /// A new client secret to put in the keyring on save (never shown, never in a file).
    secret: String,
    message: Option<(bool, String)>,
    /// Outcome sentences of keyring writes, imports and exports.
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
            self.settings.message = Some((
                true,
                match lang {
                    Lang::En => format!("Imported: {}", names.join(", ")),
                    Lang::Ja => format!("読み込みました: {}", names.join("、")),
                },
            ));
            if let Some(first) = names.first()
                && let Some(profile) = self.config.profiles.get(first)
            {
                self.settings.draft = Some(Draft::from_profile(first, profile));
            }
        }
    }

    pub(super) fn settings_screen(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        ui.heading(lang.pick("Settings", "設定"));
        self.preferences(ui);
        ui.horizontal(|ui| {
            if ui
                .button(lang.pick("Copy diagnostics", "診断情報をコピー"))
                .on_hover_text(lang.pick(
                    "Version, system, the profile (no secrets) and the last problems, for a bug report.",
                    "バージョン、システム、プロファイル（秘密情報なし）、最近の問題。不具合の報告用です。",
                ))
                .clicked()
            {
                let session = match &self.session {
                    crate::session::SessionState::SignedIn { expires_at, refreshes, .. } => {
                        format!("signed in, valid until {expires_at}, {refreshes} refresh(es)")
                    }
                    crate::session::SessionState::SignedOut { reason } => {
                        format!("signed out{}", reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default())
                    }
                };
                let text = crate::logging::diagnostics(&self.profile_name, self.profile(), &session);
                ui.ctx().copy_text(text);
                self.settings.message = Some((true, lang.pick("Diagnostics copied.", "診断情報をコピーしました。").to_owned()));
            }
            if let Some(dir) = crate::logging::default_dir() {
                ui.weak(match lang {
                    Lang::En => format!("Logs: {}", dir.display()),
                    Lang::Ja => format!("ログ: {}", dir.display()),
                });
            }
        });
        ui.separator();
        ui.heading(lang.pick("Profiles", "プロファイル"));
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
                    match lang {
                        Lang::En => format!("{name} (in use)"),
                        Lang::Ja => format!("{name}（使用中）"),
                    }
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
            if ui
                .button(lang.pick("New profile", "新しいプロファイル"))
                .clicked()
            {
                self.settings.draft = Some(Draft {
                    region: "ap-northeast-1".to_owned(),
                    ..Draft::default()
                });
                self.settings.secret.clear();
                self.settings.message = None;
            }
            if ui.button(lang.pick("Import…", "読み込む…")).clicked() {
                let dialog = self.dialogs.open_profile();
                self.settings.import = Some(self.tasks.spawn(async move {
                    let Some(path) = dialog.await else {
                        return Ok(None);
                    };
                    let text = tokio::fs::read_to_string(&path)
                        .await
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    toml::from_str::<Config>(&text)
                        .map(Some)
                        .map_err(|e| format!("{}: {e}", path.display()))
                }));
            }
        });
        ui.weak(lang.pick(
            "Click a profile to edit it.",
            "プロファイルをクリックすると編集できます。",
        ));
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
            ui.label(lang.pick("Language", "言語"));
            ui.radio_value(
                &mut language,
                LanguagePref::System,
                lang.pick("System", "システムに従う"),
            );
            ui.radio_value(&mut language, LanguagePref::En, "English");
            ui.radio_value(&mut language, LanguagePref::Ja, "日本語");
        });
        if language != shown_language {
            self.set_language(language);
        }
        let shown_theme = self.theme_override.unwrap_or(self.config.ui.theme);
        let mut theme = shown_theme;
        ui.horizontal(|ui| {
            ui.label(lang.pick("Theme", "テーマ"));
            ui.radio_value(
                &mut theme,
                ThemePref::System,
                lang.pick("System", "システムに従う"),
            );
            ui.radio_value(&mut theme, ThemePref::Light, lang.pick("Light", "ライト"));
            ui.radio_value(&mut theme, ThemePref::Dark, lang.pick("Dark", "ダーク"));
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
                check.row(ui, lang.pick("Profile name", "プロファイル名"), &mut draft.name, true, "name");
                if draft.local_stack {
                    ui.label("");
                    ui.label(lang.pick(
                        "The app runs this profile's user pool and API on this computer and fills in their URLs.",
                        "このプロファイルのユーザープールと API はアプリがこのパソコン上で動かし、URL も自動で設定します。",
                    ));
                    ui.end_row();
                } else {
                    let label = ui.label(lang.pick("Region", "リージョン"));
                    ui.vertical(|ui| {
                        ui.horizontal(|ui| {
                            let response = ui
                                .add(egui::TextEdit::singleline(&mut draft.region).desired_width(200.0))
                                .labelled_by(label.id);
                            if response.lost_focus() {
                                check.visited.insert("region");
                            }
                            let picker = lang.pick("Known regions…", "リージョン一覧…");
                            egui::ComboBox::from_id_salt("known-regions")
                                .selected_text(picker)
                                .width(170.0)
                                .show_ui(ui, |ui| {
                                    for region in KNOWN_REGIONS {
                                        ui.selectable_value(&mut draft.region, (*region).to_owned(), *region);
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
                                egui::RichText::new(lang.pick(
                                    "Not a region this app knows Cognito in; check the spelling.",
                                    "Cognito が使えるリージョンとして登録されていません。綴りを確認してください。",
                                ))
                                .small(),
                            );
                        } else {
                            problem_line(ui, shown);
                        }
                    });
                    ui.end_row();
                }
                check.row(ui, lang.pick("App client id", "アプリクライアント ID"), &mut draft.client_id, !draft.local_stack, "client_id");
                if !draft.local_stack {
                    let label = ui.label(lang.pick("Client secret (optional)", "クライアントシークレット（任意）"));
                    ui.vertical(|ui| {
                        ui.add(
                            egui::TextEdit::singleline(&mut self.settings.secret)
                                .password(true)
                                .hint_text(lang.pick(
                                    "kept in the system keyring; leave empty to keep the current one",
                                    "システムのキーリングに保存。空欄なら現在のまま",
                                ))
                                .desired_width(380.0),
                        )
                        .labelled_by(label.id);
                        problem_line(ui, None);
                    });
                    ui.end_row();
                    check.row(ui,
                        lang.pick("Cognito endpoint (optional)", "Cognito エンドポイント（任意）"),
                        &mut draft.cognito_endpoint,
                        true,
                        "cognito_endpoint",
                    );
                    check.row(ui, lang.pick("API URL (with stage)", "API の URL（ステージまで）"), &mut draft.api_url, true, "api_url");
                }
                ui.label(lang.pick("Token sent to the API", "API に送るトークン"));
                ui.horizontal(|ui| {
                    ui.radio_value(&mut draft.token_kind, TokenKind::Id, lang.pick("ID token", "ID トークン"));
                    ui.radio_value(&mut draft.token_kind, TokenKind::Access, lang.pick("Access token", "アクセストークン"));
                });
                ui.end_row();
                ui.label(lang.pick("Authorization header", "Authorization ヘッダー"));
                ui.horizontal(|ui| {
                    ui.radio_value(&mut draft.header_style, HeaderStyle::Bearer, "Bearer <token>");
                    ui.radio_value(&mut draft.header_style, HeaderStyle::Bare, "<token>");
                });
                ui.end_row();
                check.row(ui, lang.pick("Default bucket", "既定のバケット"), &mut draft.bucket, true, "bucket");
                check.row(ui, lang.pick("Default PDF prefix", "既定の PDF プレフィックス"), &mut draft.pdf_prefix, true, "pdf_prefix");
                check.row(ui, lang.pick("Default upload prefix", "既定のアップロード先"), &mut draft.upload_prefix, true, "upload_prefix");
            });
        draft.visited = check.visited;
        let valid = problems.is_empty();
        // Saving or deleting replaces the draft; the edited copy must not overwrite that.
        let mut replaced = false;
        ui.horizontal(|ui| {
            if ui
                .button(lang.pick("Save profile", "プロファイルを保存"))
                .clicked()
            {
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
                    && ui
                        .button(lang.pick("Use this profile", "このプロファイルを使う"))
                        .clicked()
                {
                    self.switch_profile(&original);
                }
                if ui.button(lang.pick("Export…", "書き出す…")).clicked() {
                    self.export_profile(&original);
                }
                if original != self.profile_name
                    && ui
                        .button(lang.pick("Delete profile", "プロファイルを削除"))
                        .clicked()
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
                ui.weak(lang.pick(
                    "Fix the fields marked in red to save.",
                    "赤で示した欄を直すと保存できます。",
                ));
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
        self.settings.message = Some((true, lang.pick("Saved.", "保存しました。").to_owned()));
        let secret = std::mem::take(&mut self.settings.secret);
        let secret_changed = !secret.is_empty();
        if secret_changed {
            let secrets = self.secrets.clone();
            let account = secrets::client_secret_account(&name);
            self.settings.pending = Some(self.tasks.spawn(async move {
                secrets
                    .set(account, secret.into_bytes())
                    .await
                    .map(|()| {
                        lang.pick(
                            "Saved; the client secret is in the keyring.",
                            "保存しました。クライアントシークレットはキーリングにあります。",
                        )
                        .to_owned()
                    })
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
                return Ok(lang
                    .pick("Export cancelled.", "書き出しを取り消しました。")
                    .to_owned());
            };
            let text = toml::to_string_pretty(&export).map_err(|e| e.to_string())?;
            tokio::fs::write(
                &path,
                format!("# A Receipt Desk profile (no secrets).\n{text}"),
            )
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(match lang {
                Lang::En => format!("Exported to {}", path.display()),
                Lang::Ja => format!("{} に書き出しました", path.display()),
            })
        }));
    }
}

//! The profile form in Settings: every field as typed, one line under each for its
//! problem (shown once the field was left, or on Save), the region picker, and the
//! buttons that save, export, switch to or delete the profile.

use std::collections::{BTreeMap, BTreeSet};

use super::settings::KNOWN_REGIONS;
use super::{Action, App};
use crate::config::{AuthFlow, HeaderStyle, Profile, TokenKind};
use crate::i18n::Lang;
use crate::i18n::ui::settings as t;
use crate::secrets;

/// A profile being edited: every field as typed.
#[derive(Clone, Default)]
pub(super) struct Draft {
    /// The name it had when editing began (`None` for a new profile).
    pub(super) original: Option<String>,
    pub(super) name: String,
    pub(super) region: String,
    pub(super) client_id: String,
    pub(super) cognito_endpoint: String,
    pub(super) api_url: String,
    pub(super) identity_pool_id: String,
    pub(super) aws_endpoint: String,
    pub(super) user_pool_id: String,
    pub(super) hosted_ui_domain: String,
    /// Browser sign-in settings `profile set` edits; kept as they are.
    pub(super) callback_ports: Vec<u16>,
    pub(super) scopes: Vec<String>,
    pub(super) identity_provider: Option<String>,
    pub(super) auth_flow: AuthFlow,
    pub(super) learned_auth_flow: Option<AuthFlow>,
    pub(super) token_kind: TokenKind,
    pub(super) header_style: HeaderStyle,
    pub(super) bucket: String,
    pub(super) pdf_prefix: String,
    pub(super) upload_prefix: String,
    pub(super) local_stack: bool,
    pub(super) username: Option<String>,
    /// Fields whose problems are shown: left after editing. Typing a first letter
    /// should not shout that the rest is missing.
    pub(super) visited: BTreeSet<&'static str>,
    /// Save was pressed: every problem shows.
    pub(super) save_tried: bool,
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
    pub(super) visited: BTreeSet<&'static str>,
    problems: &'a BTreeMap<&'static str, String>,
    pub(super) save_tried: bool,
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

/// Where a profile connects besides its user pool: the endpoints, the API, the identity
/// pool (each optional but the API's URL for conversions).
fn endpoint_rows(
    ui: &mut egui::Ui,
    check: &mut FormCheck<'_>,
    draft: &mut Draft,
    lang: crate::i18n::Lang,
) {
    for (label, value, field) in [
        (t::USER_POOL_ID, &mut draft.user_pool_id, "user_pool_id"),
        (
            t::MANAGED_LOGIN_DOMAIN,
            &mut draft.hosted_ui_domain,
            "hosted_ui_domain",
        ),
        (
            t::COGNITO_ENDPOINT_OPTIONAL,
            &mut draft.cognito_endpoint,
            "cognito_endpoint",
        ),
        (t::API_URL_WITH_STAGE, &mut draft.api_url, "api_url"),
        (
            t::IDENTITY_POOL_OPTIONAL,
            &mut draft.identity_pool_id,
            "identity_pool_id",
        ),
        (
            t::AWS_ENDPOINT_OPTIONAL,
            &mut draft.aws_endpoint,
            "aws_endpoint",
        ),
    ] {
        check.row(ui, lang.text(label), value, true, field);
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
    pub(super) fn from_profile(name: &str, profile: &Profile) -> Self {
        Self {
            original: Some(name.to_owned()),
            name: name.to_owned(),
            region: text(profile.region.as_ref()),
            client_id: profile.client_id.clone(),
            cognito_endpoint: text(profile.cognito_endpoint.as_ref()),
            api_url: text(profile.api_url.as_ref()),
            identity_pool_id: text(profile.identity_pool_id.as_ref()),
            aws_endpoint: text(profile.aws_endpoint.as_ref()),
            user_pool_id: text(profile.user_pool_id.as_ref()),
            hosted_ui_domain: text(profile.hosted_ui_domain.as_ref()),
            callback_ports: profile.callback_ports.clone(),
            scopes: profile.scopes.clone(),
            identity_provider: profile.identity_provider.clone(),
            auth_flow: profile.auth_flow,
            learned_auth_flow: profile.learned_auth_flow,
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

    pub(super) fn to_profile(&self) -> Profile {
        Profile {
            region: optional(&self.region),
            client_id: self.client_id.trim().to_owned(),
            cognito_endpoint: optional(&self.cognito_endpoint),
            api_url: optional(&self.api_url),
            identity_pool_id: optional(&self.identity_pool_id),
            aws_endpoint: optional(&self.aws_endpoint),
            user_pool_id: optional(&self.user_pool_id),
            hosted_ui_domain: optional(&self.hosted_ui_domain),
            callback_ports: self.callback_ports.clone(),
            scopes: self.scopes.clone(),
            identity_provider: self.identity_provider.clone(),
            auth_flow: self.auth_flow,
            // What worked is forgotten when the way to sign in changed.
            learned_auth_flow: self
                .learned_auth_flow
                .filter(|_| self.auth_flow == AuthFlow::Auto),
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
    pub(super) fn problems(&self, taken: &[String], lang: Lang) -> BTreeMap<&'static str, String> {
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

impl App {
    /// Deletes a profile and everything filed for it in the secret store: the client
    /// secret and each user's remembered sign-in and device.
    fn delete_profile(&mut self, original: &str) {
        let removed = self.config.profiles.remove(original);
        let mut users = self.config.remembered.remove(original).unwrap_or_default();
        users.extend(removed.as_ref().and_then(|p| p.username.clone()));
        self.save_config();
        let owner = secrets::Owner::new(
            original,
            removed.as_ref().map_or("", |p| p.client_id.as_str()),
        );
        self.delete_secrets(owner.accounts(&users));
    }

    /// Deletes `accounts` from the secret store, in the background.
    pub(super) fn delete_secrets(&self, accounts: Vec<secrets::Account>) {
        let secrets = self.secrets.clone();
        self.tasks.detach(async move {
            for account in &accounts {
                let _ = secrets.delete_account(account).await;
            }
        });
    }

    pub(super) fn profile_form(&mut self, ui: &mut egui::Ui, names: &[String]) {
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
                    endpoint_rows(ui, &mut check, &mut draft, lang);
                    ui.label(lang.text(t::SIGN_IN_METHOD));
                    ui.horizontal(|ui| {
                        for (flow, label) in [
                            (AuthFlow::Auto, t::FLOW_AUTO),
                            (AuthFlow::Srp, t::FLOW_SRP),
                            (AuthFlow::Password, t::FLOW_PASSWORD),
                        ] {
                            ui.radio_value(&mut draft.auth_flow, flow, lang.text(label));
                        }
                    });
                    ui.end_row();
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
        // One change of the secret store at a time (a rename moves entries); and the
        // profile in use keeps its name while a sign-in files entries under it.
        let renames_in_use = draft.original.as_deref() == Some(self.profile_name.as_str())
            && draft.name.trim() != self.profile_name;
        let blocked = self.settings.pending.is_some() || (renames_in_use && self.sign_in.busy());
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!blocked, egui::Button::new(lang.text(t::SAVE_PROFILE)))
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
                    && ui.button(lang.text(t::USE_THIS_PROFILE)).clicked()
                {
                    self.ask(Action::SwitchProfile(original.clone()));
                }
                if ui.button(lang.text(t::EXPORT)).clicked() {
                    self.export_profile(&original);
                }
                if original != self.profile_name
                    && ui
                        .add_enabled(!blocked, egui::Button::new(lang.text(t::DELETE_PROFILE)))
                        .clicked()
                {
                    self.delete_profile(&original);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fields_problem_shows_once_it_was_left_and_every_one_after_save() {
        let draft = Draft {
            name: String::new(),
            client_id: "not a client id!".to_owned(),
            region: "ap-northeast-1".to_owned(),
            ..Draft::default()
        };
        let problems = draft.problems(&[], Lang::En);
        assert!(problems.contains_key("name") && problems.contains_key("client_id"));
        let mut check = FormCheck {
            visited: BTreeSet::new(),
            problems: &problems,
            save_tried: false,
        };
        assert_eq!(check.shown("client_id"), None, "not while typing");
        check.visited.insert("client_id");
        assert!(check.shown("client_id").is_some());
        assert_eq!(check.shown("name"), None);
        check.save_tried = true;
        assert!(check.shown("name").is_some());
    }

    #[test]
    fn a_name_another_profile_has_is_refused_but_its_own_is_not() {
        let mut draft = Draft {
            name: "aws".to_owned(),
            client_id: "1example23456789abcdefghij".to_owned(),
            region: "ap-northeast-1".to_owned(),
            ..Draft::default()
        };
        let taken = ["aws".to_owned()];
        assert!(draft.problems(&taken, Lang::En).contains_key("name"));
        draft.original = Some("aws".to_owned());
        assert!(draft.problems(&taken, Lang::En).is_empty());
    }
}

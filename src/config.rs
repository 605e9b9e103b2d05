//! Named profiles (which user pool, which API, which defaults) in a TOML file.
//!
//! No secret is ever stored here: client secrets and refresh tokens belong in the OS
//! keyring. The file lives in the platform config dir unless `--config` or
//! `RECEIPT_DESK_CONFIG` names another, so tests never touch a person's real settings.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::cognito;
pub use crate::prefs::{LanguagePref, ThemePref, UiPrefs};

/// The environment variable that names the config file.
pub const CONFIG_ENV: &str = "RECEIPT_DESK_CONFIG";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid config file: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("there is no profile named \"{name}\" (known: {known})")]
    UnknownProfile { name: String, known: String },
    #[error(
        "no profile is set up yet: create one with `receipt-desk profile set NAME --region … --client-id …`"
    )]
    NoProfile,
    #[error("profile \"{profile}\": {field} {reason}")]
    Invalid {
        profile: String,
        field: &'static str,
        reason: InvalidReason,
    },
    #[error("no config directory could be found for this user (set {CONFIG_ENV})")]
    NoConfigDir,
}

/// Why a profile field cannot be used; `i18n::config_error` makes it a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidReason {
    #[error("\"{0}\" is not an app client id (letters and digits, up to 128)")]
    ClientId(String),
    #[error("\"{0}\" is not a region name like ap-northeast-1")]
    Region(String),
    #[error("is not set (nor cognito_endpoint)")]
    NoRegion,
    #[error(
        "is filled in by the app, which runs this profile's local stack; from the command line, run `receipt-desk serve` and point a profile at it"
    )]
    LocalStackEndpoint,
    #[error("{0}")]
    Url(UrlProblem),
    /// A bucket or prefix the convert form would refuse too.
    #[error("{0:?}")]
    Field(crate::validate::Problem),
    #[error("\"{0}\" is not an identity pool id like ap-northeast-1:GUID")]
    IdentityPool(String),
    #[error("\"{0}\" is not a user pool id like ap-northeast-1_AbCdEf123")]
    UserPool(String),
}

/// Why a service URL cannot be used; `i18n::url_problem` makes it a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    #[error("\"{text}\" is not a URL ({detail})")]
    NotUrl { text: String, detail: String },
    #[error("\"{text}\" must use https (plain http is only for 127.0.0.1 or localhost)")]
    PlainHttp { text: String },
    #[error("\"{text}\" has the scheme {scheme}; use https")]
    Scheme { text: String, scheme: String },
}

/// Which token the API's authorizer takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// What a REST API Cognito authorizer without OAuth scopes validates.
    #[default]
    Id,
    Access,
}

/// How the password reaches Cognito.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthFlow {
    /// SRP when the pool id is known, falling back to the password flow once when the
    /// app client allows only that (and the other way round); what worked is tried
    /// first next time.
    #[default]
    Auto,
    /// `USER_SRP_AUTH` only.
    Srp,
    /// `USER_PASSWORD_AUTH` only.
    Password,
}

/// How the token goes into the `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeaderStyle {
    /// `Authorization: Bearer <token>`, as the seed's curl sends it.
    #[default]
    Bearer,
    /// `Authorization: <token>`.
    Bare,
}

/// One user pool + app client + API, and the values the convert form starts with.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// The AWS region of the user pool (`ap-northeast-1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub client_id: String,
    /// Replaces the region's Cognito endpoint (moto, the local stack).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cognito_endpoint: Option<String>,
    /// The API stage URL, e.g. `https://abc.execute-api.ap-northeast-1.amazonaws.com/Prod`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// The user pool id (`ap-northeast-1_AbCdEf`): SRP sign-in needs its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_id: Option<String>,
    pub auth_flow: AuthFlow,
    /// For [`AuthFlow::Auto`]: the flow that signed in last time, tried first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learned_auth_flow: Option<AuthFlow>,
    pub token_kind: TokenKind,
    pub header_style: HeaderStyle,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf_prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upload_prefix: Option<String>,
    /// A Cognito identity pool (`REGION:GUID`) whose credentials read S3 directly:
    /// browsing without the API's `/prefixes`, and the pages a backend that isn't ours
    /// wrote under the upload prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_pool_id: Option<String>,
    /// One endpoint instead of AWS's public ones for the identity pool and S3 (moto,
    /// LocalStack).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_endpoint: Option<String>,
    /// Managed login's domain (`https://NAME.auth.REGION.amazoncognito.com`, or a custom
    /// one): "Sign in with browser" with the authorization code and PKCE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosted_ui_domain: Option<String>,
    /// The loopback ports registered as callback URLs (`http://127.0.0.1:PORT/callback`),
    /// tried in turn; empty means 47615, 47616, 47617.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub callback_ports: Vec<u16>,
    /// OAuth scopes; empty means `openid email aws.cognito.signin.user.admin`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Go straight to this federated identity provider (`identity_provider=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    /// The last username that signed in with this profile (not a secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The app's embedded local stack: the app starts it and fills in both URLs.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub local_stack: bool,
}

impl Profile {
    /// The sign-in flows to try, in order.
    pub fn flow_plan(&self) -> cognito::FlowPlan {
        use cognito::PasswordFlow::{Password, Srp};
        let flows = match (self.auth_flow, self.learned_auth_flow) {
            (AuthFlow::Srp, _) => vec![Srp],
            (AuthFlow::Password, _) => vec![Password],
            (AuthFlow::Auto, Some(AuthFlow::Password)) => vec![Password, Srp],
            (AuthFlow::Auto, _) => vec![Srp, Password],
        };
        cognito::FlowPlan {
            flows,
            pool_id: self
                .user_pool_id
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
        }
    }

    /// The browser sign-in for this profile, when it has a managed-login domain; `lang`
    /// (`ja`, `en`) asks for pages in the person's language.
    pub fn browser_login(
        &self,
        name: &str,
        secret: Option<crate::credentials::ClientSecret>,
        lang: &str,
    ) -> Option<Result<cognito::oauth::OAuthClient, ConfigError>> {
        use cognito::oauth::{Endpoints, OAuthClient};
        let domain = self.hosted_ui_domain.as_deref()?;
        let invalid = |reason| ConfigError::Invalid {
            profile: name.to_owned(),
            field: "hosted_ui_domain",
            reason,
        };
        Some((|| {
            let url = service_url(domain).map_err(|p| invalid(InvalidReason::Url(p)))?;
            let endpoints = Endpoints::cognito(&url).map_err(|e| {
                invalid(InvalidReason::Url(UrlProblem::NotUrl {
                    text: domain.to_owned(),
                    detail: e.to_string(),
                }))
            })?;
            let mut client = OAuthClient::new(endpoints, &self.client_id, secret).map_err(|e| {
                invalid(InvalidReason::Url(UrlProblem::NotUrl {
                    text: domain.to_owned(),
                    detail: e.to_string(),
                }))
            })?;
            if !self.callback_ports.is_empty() {
                client.ports.clone_from(&self.callback_ports);
            }
            if !self.scopes.is_empty() {
                client.scopes.clone_from(&self.scopes);
            }
            client.identity_provider.clone_from(&self.identity_provider);
            client.lang = Some(lang.to_owned());
            Ok(client)
        })())
    }

    /// Remembers the flow that signed in, for `auto`; true when the profile changed.
    pub fn learn_flow(&mut self, used: cognito::PasswordFlow) -> bool {
        let used = match used {
            cognito::PasswordFlow::Srp => AuthFlow::Srp,
            cognito::PasswordFlow::Password => AuthFlow::Password,
        };
        if self.auth_flow != AuthFlow::Auto || self.learned_auth_flow == Some(used) {
            return false;
        }
        self.learned_auth_flow = Some(used);
        true
    }

    /// The Cognito endpoint: the override when set, else the region's.
    pub fn cognito_endpoint(&self, name: &str) -> Result<Url, ConfigError> {
        let invalid = |field, reason| ConfigError::Invalid {
            profile: name.to_owned(),
            field,
            reason,
        };
        if let Some(url) = &self.cognito_endpoint {
            return service_url(url)
                .map_err(|p| invalid("cognito_endpoint", InvalidReason::Url(p)));
        }
        if self.local_stack {
            return Err(invalid(
                "cognito_endpoint",
                InvalidReason::LocalStackEndpoint,
            ));
        }
        let region = self
            .region
            .as_deref()
            .ok_or_else(|| invalid("region", InvalidReason::NoRegion))?;
        cognito::region_endpoint(region)
            .map_err(|_| invalid("region", InvalidReason::Region(region.to_owned())))
    }

    /// Every field checked, the first problem: what `profile set` refuses.
    pub fn validate(&self, name: &str) -> Result<(), ConfigError> {
        match self.problems(name).into_iter().next() {
            Some((field, reason)) => Err(ConfigError::Invalid {
                profile: name.to_owned(),
                field,
                reason,
            }),
            None => Ok(()),
        }
    }

    /// Every problem by field: one set of rules for the settings screen (which shows
    /// each under its field) and `profile set` (which refuses the first).
    pub fn problems(&self, name: &str) -> Vec<(&'static str, InvalidReason)> {
        let mut problems = Vec::new();
        if let Some(region) = &self.region
            && !cognito::is_region_name(region)
        {
            problems.push(("region", InvalidReason::Region(region.clone())));
        }
        if !cognito::is_client_id(&self.client_id) {
            problems.push(("client_id", InvalidReason::ClientId(self.client_id.clone())));
        }
        if !self.local_stack {
            match self.cognito_endpoint(name) {
                Err(ConfigError::Invalid { field, reason, .. })
                    if !problems.iter().any(|(f, _)| *f == field) =>
                {
                    problems.push((field, reason));
                }
                _ => {}
            }
            if let Some(url) = &self.api_url
                && let Err(problem) = service_url(url)
            {
                problems.push(("api_url", InvalidReason::Url(problem)));
            }
            if let Some(url) = &self.aws_endpoint
                && let Err(problem) = service_url(url)
            {
                problems.push(("aws_endpoint", InvalidReason::Url(problem)));
            }
            if let Some(url) = &self.hosted_ui_domain
                && let Err(problem) = service_url(url)
            {
                problems.push(("hosted_ui_domain", InvalidReason::Url(problem)));
            }
        }
        if let Some(id) = &self.user_pool_id
            && !cognito::is_user_pool_id(id)
        {
            problems.push(("user_pool_id", InvalidReason::UserPool(id.clone())));
        }
        if let Some(id) = &self.identity_pool_id
            && !is_identity_pool_id(id)
        {
            problems.push(("identity_pool_id", InvalidReason::IdentityPool(id.clone())));
        }
        if let Some(bucket) = &self.bucket
            && let Err(problem) = crate::validate::bucket(bucket)
        {
            problems.push(("bucket", InvalidReason::Field(problem)));
        }
        for (field, value) in [
            ("pdf_prefix", &self.pdf_prefix),
            ("upload_prefix", &self.upload_prefix),
        ] {
            if let Some(value) = value
                && let Err(problem) = crate::validate::prefix(value)
            {
                problems.push((field, InvalidReason::Field(problem)));
            }
        }
        problems
    }
}

/// `REGION:GUID`, as the identity pool console shows it.
pub fn is_identity_pool_id(id: &str) -> bool {
    id.split_once(':').is_some_and(|(region, guid)| {
        cognito::is_region_name(region)
            && guid.len() == 36
            && guid.char_indices().all(|(i, c)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            })
    })
}

/// A service URL must be `https`, except on this machine (`http://127.0.0.1`, `localhost`, `[::1]`).
/// The problem is typed: `i18n::url_problem` says it in the person's language.
pub fn service_url(text: &str) -> Result<Url, UrlProblem> {
    let url = Url::parse(text.trim()).map_err(|e| UrlProblem::NotUrl {
        text: text.to_owned(),
        detail: e.to_string(),
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(UrlProblem::PlainHttp {
            text: text.to_owned(),
        }),
        other => Err(UrlProblem::Scheme {
            text: text.to_owned(),
            scheme: other.to_owned(),
        }),
    }
}

/// [`service_url`] with the problem in English (for logs and older callers; people
/// should see `i18n::url_problem`).
pub fn check_service_url(text: &str) -> Result<Url, String> {
    service_url(text).map_err(|p| p.to_string())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The whole config file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, Profile>,
    /// The window's preferences.
    #[serde(skip_serializing_if = "UiPrefs::is_default")]
    pub ui: UiPrefs,
    /// Profile → usernames whose sign-in is remembered in the OS keyring. Only names, no
    /// secret: a session that cannot reach the keyring (cron has no session bus) can then
    /// say where the sign-in is instead of asking for a password nobody will type.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub remembered: BTreeMap<String, BTreeSet<String>>,
}

impl Config {
    /// Where the config lives: `explicit`, else `$RECEIPT_DESK_CONFIG`, else the platform
    /// config dir (`~/.config/receipt-desk/config.toml` on Linux).
    pub fn path(explicit: Option<&Path>) -> Result<PathBuf, ConfigError> {
        if let Some(path) = explicit {
            return Ok(path.to_owned());
        }
        if let Some(path) = std::env::var_os(CONFIG_ENV).filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(path));
        }
        directories::ProjectDirs::from("", "", "receipt-desk")
            .map(|dirs| dirs.config_dir().join("config.toml"))
            .ok_or(ConfigError::NoConfigDir)
    }

    /// Reads the file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// Reads the file for the window, which writes it back later: temporary files of
    /// killed writes are removed, and a file that cannot be read is moved aside (kept,
    /// never overwritten) with the reason. `Err` when it could not even be moved: then
    /// nothing may write the file.
    pub fn load_keeping(path: &Path) -> Result<(Self, Option<String>), String> {
        crate::fsutil::remove_stale_temps(path);
        match Self::load(path) {
            Ok(config) => Ok((config, None)),
            Err(e) => match crate::fsutil::set_aside(path) {
                Ok(aside) => Ok((
                    Self::default(),
                    Some(format!("{e} (kept as {})", aside.display())),
                )),
                Err(r) => Err(format!("{e} (could not move it aside: {r})")),
            },
        }
    }

    /// Writes the file atomically (a temporary file renamed over it), readable by the
    /// owner only.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let write_err = |source| ConfigError::Write {
            path: path.to_owned(),
            source,
        };
        let text = toml::to_string_pretty(self)
            .map_err(|e| write_err(std::io::Error::other(e.to_string())))?;
        let text = format!("# Receipt Desk profiles. No secrets are kept in this file.\n{text}");
        crate::fsutil::write_private_atomic(path, text.as_bytes()).map_err(write_err)
    }

    /// Keeps the token kind that proved to work for a profile (after the API refused the
    /// other one): re-reads the file, changes that one field, writes it back atomically.
    pub fn remember_token_kind(
        path: &Path,
        profile: &str,
        kind: TokenKind,
    ) -> Result<(), ConfigError> {
        let mut config = Self::load(path)?;
        let known = config
            .profiles
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let entry =
            config
                .profiles
                .get_mut(profile)
                .ok_or_else(|| ConfigError::UnknownProfile {
                    name: profile.to_owned(),
                    known,
                })?;
        if entry.token_kind == kind {
            return Ok(());
        }
        entry.token_kind = kind;
        config.save(path)
    }

    /// Whether `username`'s sign-in with `profile` was remembered in the keyring (and not
    /// signed out since).
    pub fn is_remembered(&self, profile: &str, username: &str) -> bool {
        self.remembered
            .get(profile)
            .is_some_and(|users| users.contains(username))
    }

    /// Records (or forgets) that `username`'s sign-in with `profile` is in the keyring:
    /// re-reads the file, changes that one mark, writes it back atomically.
    pub fn mark_remembered(
        path: &Path,
        profile: &str,
        username: &str,
        remembered: bool,
    ) -> Result<(), ConfigError> {
        let mut config = Self::load(path)?;
        if config.is_remembered(profile, username) == remembered {
            return Ok(());
        }
        if remembered {
            config
                .remembered
                .entry(profile.to_owned())
                .or_default()
                .insert(username.to_owned());
        } else if let Some(users) = config.remembered.get_mut(profile) {
            users.remove(username);
            if users.is_empty() {
                config.remembered.remove(profile);
            }
        }
        config.save(path)
    }

    /// The profile `name`, or the default one, or the only one.
    pub fn profile(&self, name: Option<&str>) -> Result<(String, &Profile), ConfigError> {
        let chosen = match name.or(self.default_profile.as_deref()) {
            Some(name) => name.to_owned(),
            None => match self.profiles.keys().next() {
                Some(only) if self.profiles.len() == 1 => only.clone(),
                _ => return Err(ConfigError::NoProfile),
            },
        };
        self.profiles
            .get(&chosen)
            .map(|p| (chosen.clone(), p))
            .ok_or_else(|| ConfigError::UnknownProfile {
                name: chosen,
                known: if self.profiles.is_empty() {
                    "none".to_owned()
                } else {
                    self.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                },
            })
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;

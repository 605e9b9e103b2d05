//! The one place where errors become sentences for people, in English and Japanese.
//!
//! Each sentence says what happened and what to do next; technical details (the
//! `__type`, the request id) come last, so a person can quote them to an administrator.

mod api;
pub mod cli;
mod cognito;
mod config;
pub mod form;
pub mod ui;

pub use api::{api_error, api_timeout, browse_error, failure_reason};
pub use cognito::{cognito_error, error_kind_sentence, mfa_label};
pub use config::{config_error, invalid_reason, url_problem};

/// A fixed sentence or label in both languages; the screens name these (from
/// [`ui`]) and [`Lang::text`] picks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub ja: &'static str,
}

/// The language the person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// From `LC_ALL`, `LC_MESSAGES` or `LANG` (the first that is set), as POSIX orders them.
    pub fn from_env() -> Self {
        let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        Self::from_locale(&value)
    }

    /// `ja_JP.UTF-8`, `ja`, `JA` → Japanese; anything else → English.
    pub fn from_locale(locale: &str) -> Self {
        if locale
            .get(..2)
            .is_some_and(|p| p.eq_ignore_ascii_case("ja"))
        {
            Self::Ja
        } else {
            Self::En
        }
    }

    /// The sentence in this language.
    pub fn text(self, text: Text) -> &'static str {
        self.pick(text.en, text.ja)
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self {
            Self::En => en,
            Self::Ja => ja,
        }
    }
}

/// "Remember me" was asked for where no keyring is reachable: the same sentence in the
/// window and on the command line, then each says how long this sign-in lasts there.
pub fn remember_unavailable(lang: Lang, for_the_window: bool) -> String {
    let first = lang.pick(
        "Remember me is not available: there is no usable keyring on this system.",
        "「サインインを記憶」は使えません: このシステムには利用できるキーリングがありません。",
    );
    let scope = match (for_the_window, lang) {
        (true, Lang::En) => {
            "You are signed in until you close the app; nothing was written to a file."
        }
        (true, Lang::Ja) => {
            "アプリを閉じるまでサインインしています。ファイルには何も書き込んでいません。"
        }
        (false, Lang::En) => {
            "You are signed in for this command only; nothing was written to a file."
        }
        (false, Lang::Ja) => {
            "このコマンドの間だけサインインしています。ファイルには何も書き込んでいません。"
        }
    };
    match lang {
        Lang::En => format!("{first} {scope}"),
        Lang::Ja => format!("{first}{scope}"),
    }
}

/// A remembered sign-in this session cannot reach (cron has no session bus): where it is
/// and the two ways on.
pub fn keyring_unreachable(lang: Lang) -> &'static str {
    lang.pick(
        "The remembered sign-in is in the system keyring, and this session cannot reach the keyring (DBUS_SESSION_BUS_ADDRESS is not set, as under cron). Run the command with DBUS_SESSION_BUS_ADDRESS set to your desktop session's bus (for example unix:path=/run/user/$(id -u)/bus), or pass --password-stdin with the password from a file only you can read (chmod 600).",
        "記憶されたサインインはシステムのキーリングにありますが、このセッションからはキーリングに接続できません（cron のように DBUS_SESSION_BUS_ADDRESS が設定されていません）。DBUS_SESSION_BUS_ADDRESS にデスクトップセッションのバス（例: unix:path=/run/user/$(id -u)/bus）を設定して実行するか、自分だけが読めるファイル（chmod 600）のパスワードを --password-stdin で渡してください。",
    )
}

/// After `login` without `--remember`: nothing was kept, and how to keep it.
pub fn sign_in_not_remembered(lang: Lang) -> &'static str {
    lang.pick(
        "The sign-in was not remembered: later commands will ask for the password again. To keep it in the OS keyring, run `receipt-desk login --remember`.",
        "サインインは記憶していません。以後のコマンドでは再びパスワードを尋ねます。OS のキーリングに記憶するには `receipt-desk login --remember` を実行してください。",
    )
}

/// Sizes as people read them: 3.4 MB, 812 KB, 96 B.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b if b >= 1_000 => format!("{} KB", b.div_ceil(1_000)),
        b => format!("{b} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cognito::{CognitoError, ErrorKind, Operation, ServiceError};

    #[test]
    fn japanese_locales_are_recognised() {
        assert_eq!(Lang::from_locale("ja_JP.UTF-8"), Lang::Ja);
        assert_eq!(Lang::from_locale("ja"), Lang::Ja);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
        assert_eq!(Lang::from_locale(""), Lang::En);
    }

    fn refusal(kind: ErrorKind, code: &str, message: &str) -> CognitoError {
        CognitoError::Service(ServiceError {
            operation: Operation::InitiateAuth,
            kind,
            code: code.to_owned(),
            message: message.to_owned(),
            status: 400,
            request_id: Some("req-1".to_owned()),
        })
    }

    #[test]
    fn wrong_password_says_what_to_do_in_both_languages() {
        let err = refusal(
            ErrorKind::IncorrectCredentials,
            "NotAuthorizedException",
            "Incorrect username or password.",
        );
        let en = cognito_error(&err, Lang::En);
        assert!(
            en.starts_with("The username or password is incorrect."),
            "{en}"
        );
        assert!(
            en.ends_with("(NotAuthorizedException; request id req-1)"),
            "{en}"
        );
        let ja = cognito_error(&err, Lang::Ja);
        assert!(ja.contains("パスワードが正しくありません"), "{ja}");
    }

    #[test]
    fn every_kind_has_distinct_sentences_in_both_languages() {
        use ErrorKind as K;
        let kinds = [
            K::IncorrectCredentials,
            K::UserNotFound,
            K::UserNotConfirmed,
            K::PasswordResetRequired,
            K::UserDisabled,
            K::AttemptsExceeded,
            K::TooManyRequests,
            K::FlowNotEnabled,
            K::SecretHashMismatch,
            K::SecretHashMissing,
            K::InvalidRefreshToken,
            K::InvalidAccessToken,
            K::SessionExpired,
            K::CodeMismatch,
            K::ExpiredCode,
            K::InvalidPassword,
            K::ResourceNotFound,
            K::InvalidParameter,
            K::NotAuthorized,
            K::Unsupported,
            K::PoolMisconfigured,
            K::ServiceFailure,
            K::Other,
        ];
        for lang in [Lang::En, Lang::Ja] {
            let mut seen = std::collections::HashSet::new();
            for kind in kinds {
                assert!(
                    seen.insert(error_kind_sentence(kind, lang)),
                    "{kind:?} {lang:?}"
                );
            }
        }
    }

    #[test]
    fn failure_reasons_are_translated_by_code_and_unknown_ones_keep_the_text() {
        let ja = failure_reason(
            Some("damaged_pdf"),
            "the PDF is damaged and cannot be read",
            Lang::Ja,
        );
        assert!(ja.contains("壊れて"), "{ja}");
        let page = failure_reason(Some("too_large"), "page 3: page 3 is 99999×2 px", Lang::Ja);
        assert!(page.starts_with("3 ページ目: "), "{page}");
        assert_eq!(
            failure_reason(Some("brand_new_code"), "something new", Lang::Ja),
            "something new"
        );
        assert_eq!(failure_reason(None, "old server", Lang::Ja), "old server");
        for code in [
            "not_pdf",
            "encrypted_pdf",
            "damaged_pdf",
            "no_pages",
            "too_large",
            "unreadable",
            "render_timeout",
            "render_failed",
            "encode_failed",
            "write_failed",
        ] {
            let ja = failure_reason(Some(code), "x", Lang::Ja);
            assert!(!ja.is_ascii(), "{code}: {ja}");
            assert_ne!(failure_reason(Some(code), "x", Lang::En), "x", "{code}");
        }
    }

    #[test]
    fn profile_problems_read_in_japanese() {
        use crate::config::{ConfigError, InvalidReason, UrlProblem};
        let errors = [
            ConfigError::UnknownProfile {
                name: "work".into(),
                known: "a, b".into(),
            },
            ConfigError::NoProfile,
            ConfigError::Invalid {
                profile: "p".into(),
                field: "client_id",
                reason: InvalidReason::ClientId("has space".into()),
            },
            ConfigError::Invalid {
                profile: "p".into(),
                field: "api_url",
                reason: InvalidReason::Url(UrlProblem::PlainHttp {
                    text: "http://example.com".into(),
                }),
            },
        ];
        for error in &errors {
            let ja = config_error(error, Lang::Ja);
            let japanese = ja.chars().filter(|c| !c.is_ascii()).count();
            assert!(japanese > 5, "{ja}");
        }
        let url = crate::config::service_url("ftp://127.0.0.1/").expect_err("ftp");
        assert!(url_problem(&url, Lang::Ja).contains("https を使って"));
    }

    #[test]
    fn unknown_refusals_keep_the_servers_message() {
        let err = refusal(ErrorKind::Other, "NewException", "Something specific");
        assert!(cognito_error(&err, Lang::En).contains("NewException: Something specific"));
    }
}

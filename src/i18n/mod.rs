//! The one place where errors become sentences for people, in English and Japanese.
//!
//! Each sentence says what happened and what to do next; technical details (the
//! `__type`, the request id) come last, so a person can quote them to an administrator.

pub mod form;
pub mod ui;

use crate::cognito::{CognitoError, ErrorKind};

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

/// What a Cognito refusal means and what to do next, as one or two sentences.
pub fn error_kind_sentence(kind: ErrorKind, lang: Lang) -> &'static str {
    use ErrorKind as K;
    match kind {
        K::IncorrectCredentials => lang.pick(
            "The username or password is incorrect. Check both (the password is case-sensitive) and try again.",
            "ユーザー名またはパスワードが正しくありません。両方を確認して（パスワードは大文字と小文字を区別します）もう一度お試しください。",
        ),
        K::UserNotFound => lang.pick(
            "There is no user with this name in the user pool. Check the username, or ask your administrator to create the account.",
            "このユーザー名のユーザーはユーザープールに存在しません。ユーザー名を確認するか、管理者にアカウントの作成を依頼してください。",
        ),
        K::UserNotConfirmed => lang.pick(
            "This account is not confirmed yet. Confirm it with the code you were sent, or ask your administrator to confirm it.",
            "このアカウントはまだ確認されていません。届いた確認コードで確認するか、管理者に確認を依頼してください。",
        ),
        K::PasswordResetRequired => lang.pick(
            "Your administrator has required a password reset. Reset your password, then sign in with the new one.",
            "管理者によりパスワードのリセットが求められています。パスワードをリセットしてから、新しいパスワードでサインインしてください。",
        ),
        K::UserDisabled => lang.pick(
            "This account is disabled. Ask your administrator to enable it.",
            "このアカウントは無効になっています。管理者に有効化を依頼してください。",
        ),
        K::AttemptsExceeded => lang.pick(
            "Too many failed sign-in attempts: the account is locked for a while. Wait a few minutes before trying again.",
            "サインインの失敗が多すぎるため、アカウントが一時的にロックされています。数分待ってからもう一度お試しください。",
        ),
        K::TooManyRequests => lang.pick(
            "Cognito is receiving too many requests right now. Wait a moment and try again.",
            "現在 Cognito へのリクエストが多すぎます。少し待ってからもう一度お試しください。",
        ),
        K::FlowNotEnabled => lang.pick(
            "This app client does not allow password sign-in (USER_PASSWORD_AUTH). Ask your administrator to enable ALLOW_USER_PASSWORD_AUTH on the app client.",
            "このアプリクライアントではパスワードによるサインイン（USER_PASSWORD_AUTH）が許可されていません。管理者にアプリクライアントで ALLOW_USER_PASSWORD_AUTH を有効にするよう依頼してください。",
        ),
        K::SecretHashMismatch => lang.pick(
            "The app client secret does not match this app client. Check the client secret in the profile settings.",
            "アプリクライアントシークレットがこのアプリクライアントと一致しません。プロファイル設定のクライアントシークレットを確認してください。",
        ),
        K::SecretHashMissing => lang.pick(
            "This app client has a client secret, and none is set. Enter the client secret in the profile settings (or use an app client without a secret).",
            "このアプリクライアントにはクライアントシークレットがありますが、設定されていません。プロファイル設定でクライアントシークレットを入力してください（またはシークレットのないアプリクライアントを使用してください）。",
        ),
        K::InvalidRefreshToken => lang.pick(
            "Your saved session has expired or was signed out. Sign in again with your password.",
            "保存されたセッションの有効期限が切れたか、サインアウトされています。パスワードでもう一度サインインしてください。",
        ),
        K::InvalidAccessToken => lang.pick(
            "Your session is no longer valid (it was signed out or has expired). Sign in again.",
            "セッションが無効になっています（サインアウトされたか期限切れです）。もう一度サインインしてください。",
        ),
        K::SessionExpired => lang.pick(
            "The sign-in step took too long and its session expired. Start the sign-in again.",
            "サインインの手続きに時間がかかりすぎたため、セッションの有効期限が切れました。最初からサインインし直してください。",
        ),
        K::CodeMismatch => lang.pick(
            "The code is not correct. Check it and enter it again.",
            "コードが正しくありません。確認してもう一度入力してください。",
        ),
        K::ExpiredCode => lang.pick(
            "The code has expired. Request a new code and enter it.",
            "コードの有効期限が切れています。新しいコードを取得して入力してください。",
        ),
        K::InvalidPassword => lang.pick(
            "The new password does not meet the password policy. Choose a longer password with upper- and lower-case letters, digits and symbols.",
            "新しいパスワードがパスワードポリシーを満たしていません。大文字・小文字・数字・記号を含む、より長いパスワードを選んでください。",
        ),
        K::ResourceNotFound => lang.pick(
            "Cognito does not know this app client or user pool. Check the region and the app client id in the profile settings.",
            "Cognito にこのアプリクライアントまたはユーザープールが見つかりません。プロファイル設定のリージョンとアプリクライアント ID を確認してください。",
        ),
        K::InvalidParameter => lang.pick(
            "Cognito rejected a value in the request. Check the profile settings.",
            "Cognito がリクエストの値を受け付けませんでした。プロファイル設定を確認してください。",
        ),
        K::NotAuthorized => lang.pick(
            "Cognito refused the sign-in. Check your details and try again; if it keeps happening, contact your administrator.",
            "Cognito がサインインを拒否しました。入力内容を確認してもう一度お試しください。繰り返し発生する場合は管理者に連絡してください。",
        ),
        K::Unsupported => lang.pick(
            "The user pool does not support this operation.",
            "ユーザープールはこの操作に対応していません。",
        ),
        K::PoolMisconfigured => lang.pick(
            "The user pool is misconfigured, so Cognito cannot finish the sign-in. Contact your administrator.",
            "ユーザープールの設定に問題があるため、Cognito がサインインを完了できません。管理者に連絡してください。",
        ),
        K::ServiceFailure => lang.pick(
            "Cognito had an internal problem. Try again in a moment.",
            "Cognito で内部エラーが発生しました。しばらくしてからもう一度お試しください。",
        ),
        K::Other => lang.pick(
            "Cognito refused the request.",
            "Cognito がリクエストを拒否しました。",
        ),
    }
}

/// A complete message for a person: the sentence, then the details.
pub fn cognito_error(error: &CognitoError, lang: Lang) -> String {
    match error {
        CognitoError::Service(e) => {
            let mut details = e.code.clone();
            // Our own sentence covers known kinds; Cognito's text helps with the rest.
            if matches!(e.kind, ErrorKind::Other | ErrorKind::InvalidParameter | ErrorKind::NotAuthorized)
                && !e.message.is_empty()
            {
                details = format!("{details}: {}", e.message);
            }
            if let Some(id) = &e.request_id {
                details = format!("{details}; request id {id}");
            }
            format!("{} ({details})", error_kind_sentence(e.kind, lang))
        }
        CognitoError::UnexpectedResponse {
            status, detail, request_id, ..
        } => {
            let sentence = lang.pick(
                "The server's answer is not a Cognito answer. Check the Cognito endpoint in the profile settings; if it is right, try again later.",
                "サーバーの応答が Cognito の応答ではありません。プロファイル設定の Cognito エンドポイントを確認し、正しければ後でもう一度お試しください。",
            );
            let id = request_id
                .as_ref()
                .map(|id| format!("; request id {id}"))
                .unwrap_or_default();
            format!("{sentence} (HTTP {status}: {detail}{id})")
        }
        CognitoError::Timeout {
            endpoint, seconds, ..
        } => format!(
            "{} ({endpoint}, {seconds} s)",
            lang.pick(
                "Cognito did not answer in time. Check your network connection and try again.",
                "Cognito から時間内に応答がありませんでした。ネットワーク接続を確認してもう一度お試しください。",
            )
        ),
        CognitoError::ConnectionRefused { endpoint, .. } => format!(
            "{} ({endpoint})",
            lang.pick(
                "Nothing is answering at the Cognito endpoint. Check the endpoint in the profile settings, or start the local server.",
                "Cognito エンドポイントで応答するサーバーがありません。プロファイル設定のエンドポイントを確認するか、ローカルサーバーを起動してください。",
            )
        ),
        CognitoError::Network {
            endpoint, detail, ..
        } => format!(
            "{} ({endpoint}: {detail})",
            lang.pick(
                "Could not reach Cognito. Check your network connection and try again.",
                "Cognito に接続できませんでした。ネットワーク接続を確認してもう一度お試しください。",
            )
        ),
        CognitoError::UnsupportedChallenge { name } => format!(
            "{} ({name})",
            lang.pick(
                "The user pool asks for a sign-in step that Receipt Desk cannot do yet. Ask your administrator to allow password sign-in with TOTP, SMS or e-mail codes.",
                "ユーザープールが Receipt Desk ではまだ対応していないサインイン手順を要求しています。管理者に、パスワードと TOTP・SMS・メールのコードによるサインインを許可するよう依頼してください。",
            )
        ),
        CognitoError::InvalidInput(detail) => format!(
            "{} ({detail})",
            lang.pick("A setting or input is not valid.", "設定または入力が正しくありません。")
        ),
    }
}

/// A service URL's problem (profile settings, `--api-url`), in the person's language.
pub fn url_problem(problem: &crate::config::UrlProblem, lang: Lang) -> String {
    use crate::config::UrlProblem as P;
    match (problem, lang) {
        (P::NotUrl { text, detail }, Lang::En) => format!("\"{text}\" is not a URL ({detail})."),
        (P::NotUrl { text, detail }, Lang::Ja) => {
            format!("「{text}」は URL ではありません（{detail}）。")
        }
        (P::PlainHttp { text }, Lang::En) => {
            format!("\"{text}\" must use https (plain http is only for 127.0.0.1 or localhost).")
        }
        (P::PlainHttp { text }, Lang::Ja) => format!(
            "「{text}」は https にしてください（http が使えるのは 127.0.0.1 と localhost だけです）。"
        ),
        (P::Scheme { text, scheme }, Lang::En) => {
            format!("\"{text}\" has the scheme {scheme}; use https.")
        }
        (P::Scheme { text, scheme }, Lang::Ja) => {
            format!("「{text}」のスキームは {scheme} です。https を使ってください。")
        }
    }
}

/// Why a profile field is not valid, in the person's language (without the field name).
pub fn invalid_reason(reason: &crate::config::InvalidReason, lang: Lang) -> String {
    use crate::config::InvalidReason as R;
    match (reason, lang) {
        (R::ClientId(id), Lang::En) => format!(
            "\"{id}\" is not an app client id (letters and digits, up to 128; 26 in Cognito)."
        ),
        (R::ClientId(id), Lang::Ja) => format!(
            "「{id}」はアプリクライアント ID ではありません（英数字で 128 文字まで。Cognito では 26 文字）。"
        ),
        (R::Region(region), Lang::En) => {
            format!("\"{region}\" is not a region name like ap-northeast-1.")
        }
        (R::Region(region), Lang::Ja) => {
            format!("「{region}」は ap-northeast-1 のようなリージョン名ではありません。")
        }
        (R::NoRegion, _) => lang
            .pick(
                "The region is not set (nor a Cognito endpoint).",
                "リージョンが設定されていません（Cognito エンドポイントもありません）。",
            )
            .to_owned(),
        (R::LocalStackEndpoint, _) => lang
            .pick(
                "This profile's Cognito endpoint is filled in by the app, which runs its local stack; from the command line, run `receipt-desk serve` and point a profile at it.",
                "このプロファイルの Cognito エンドポイントは、ローカルスタックを動かすアプリが設定します。コマンドラインでは `receipt-desk serve` を実行し、プロファイルをそこに向けてください。",
            )
            .to_owned(),
        (R::Url(problem), _) => url_problem(problem, lang),
        (R::Field(problem), _) => form::problem(problem, lang),
    }
}

/// A config problem as a sentence with the next step.
pub fn config_error(error: &crate::config::ConfigError, lang: Lang) -> String {
    use crate::config::{CONFIG_ENV, ConfigError as E};
    if let E::Invalid {
        profile,
        field,
        reason,
    } = error
    {
        // The same sentence the settings screen shows under the field.
        return match lang {
            Lang::En => format!(
                "profile \"{profile}\", {field}: {}",
                invalid_reason(reason, lang)
            ),
            Lang::Ja => format!(
                "プロファイル「{profile}」の {field}: {}",
                invalid_reason(reason, lang)
            ),
        };
    }
    if lang == Lang::En {
        // The error's own text is the English sentence.
        return error.to_string();
    }
    match error {
        E::Read { path, source } => format!("{} を読み込めません: {source}", path.display()),
        E::Parse { path, message } => format!(
            "{} は正しい設定ファイルではありません: {message}",
            path.display()
        ),
        E::Write { path, source } => format!("{} に書き込めません: {source}", path.display()),
        E::UnknownProfile { name, known } => {
            let known = if known == "none" { "なし" } else { known };
            format!("「{name}」という名前のプロファイルはありません（あるもの: {known}）")
        }
        E::NoProfile => "プロファイルがまだありません。`receipt-desk profile set 名前 --region … --client-id …` で作成してください".to_owned(),
        E::Invalid { .. } => String::new(),
        E::NoConfigDir => format!(
            "このユーザーの設定フォルダーが見つかりません。{CONFIG_ENV} に設定ファイルのパスを指定してください"
        ),
    }
}

/// A converter's reason for a failed PDF or page: the known `reason` codes of the
/// `/convert` contract in the person's language (keeping a leading "page N: "), else the
/// server's English text as it came.
pub fn failure_reason(code: Option<&str>, english: &str, lang: Lang) -> String {
    let sentence = match code {
        Some("not_pdf") => lang.pick(
            "Not a PDF (the file has no %PDF- header).",
            "PDF ではありません（%PDF- ヘッダーがありません）。",
        ),
        Some("encrypted_pdf") => lang.pick(
            "The PDF is encrypted or password-protected: save an unprotected copy and upload it again.",
            "PDF が暗号化されているか、パスワードで保護されています。保護のないコピーを保存してアップロードし直してください。",
        ),
        Some("damaged_pdf") => lang.pick(
            "The PDF is damaged and cannot be read: scan or export it again.",
            "PDF が壊れていて読み込めません。スキャンまたは書き出しをやり直してください。",
        ),
        Some("no_pages") => lang.pick("The PDF has no pages.", "PDF にページがありません。"),
        Some("too_large") => lang.pick(
            "The page is larger than the converter allows.",
            "ページが変換できる大きさを超えています。",
        ),
        Some("unreadable") => lang.pick(
            "The file could not be read from the bucket.",
            "バケットからファイルを読み込めませんでした。",
        ),
        Some("render_timeout") => lang.pick(
            "Rendering took too long and was stopped.",
            "描画に時間がかかりすぎたため中止しました。",
        ),
        Some("render_failed") => lang.pick(
            "The page could not be rendered.",
            "ページを描画できませんでした。",
        ),
        Some("encode_failed") => lang.pick(
            "The page could not be encoded as JPEG.",
            "ページを JPEG に変換できませんでした。",
        ),
        Some("write_failed") => lang.pick(
            "The JPEG could not be written to the bucket.",
            "JPEG をバケットに書き込めませんでした。",
        ),
        _ => return english.to_owned(),
    };
    // "page 3: …" from the server keeps its page number.
    let page = english
        .strip_prefix("page ")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(n, _)| n.parse::<u32>().ok());
    match (page, lang) {
        (Some(n), Lang::En) => format!("Page {n}: {sentence}"),
        (Some(n), Lang::Ja) => format!("{n} ページ目: {sentence}"),
        (None, _) => sentence.to_owned(),
    }
}

/// What an API that took the connection and never answered means, and what to do.
pub fn api_timeout(lang: Lang) -> &'static str {
    lang.pick(
        "The API accepted the connection but did not answer in time. API Gateway stops waiting after 29 seconds, so the conversion may still be running: look at the upload prefix in a minute, or retry.",
        "API は接続を受け付けましたが、時間内に応答しませんでした。API Gateway は 29 秒で応答待ちをやめるため、変換はまだ実行中の可能性があります。少し待ってアップロード先を確認するか、再実行してください。",
    )
}

/// An API failure as a sentence with the next step; details (status, ids) last.
pub fn api_error(error: &crate::api::ApiError, lang: Lang) -> String {
    use crate::api::ApiError as E;
    use crate::session::SessionError;
    let ids = |d: &crate::api::Diagnostics| {
        let mut parts = vec![format!("HTTP {}", d.status)];
        if let Some(id) = &d.request_id {
            parts.push(format!("x-amzn-RequestId {id}"));
        }
        if let Some(id) = &d.apigw_id {
            parts.push(format!("x-amz-apigw-id {id}"));
        }
        parts.join("; ")
    };
    match error {
        E::Unauthorized {
            message,
            sent,
            diagnostics,
        } => format!(
            "{} ({message}; {sent}; {})",
            lang.pick(
                "The API's authorizer refused the token, even after a refresh and with the other token kind. The API probably trusts another user pool or app client: check the profile's client id and API URL.",
                "API のオーソライザーがトークンを拒否しました（更新後も、もう一方の種類のトークンでも）。API が別のユーザープールまたはアプリクライアントを信頼している可能性があります。プロファイルのクライアント ID と API の URL を確認してください。",
            ),
            ids(diagnostics)
        ),
        E::Refused {
            message,
            diagnostics,
        } => {
            let sentence = match diagnostics.status {
                403 => lang.pick(
                    "API Gateway refused the request. \"Missing Authentication Token\" means the URL or stage is wrong (the API URL ends with the stage, e.g. /Prod); otherwise the authorizer denied access.",
                    "API Gateway がリクエストを拒否しました。「Missing Authentication Token」は URL かステージの誤りです（API の URL は /Prod などのステージで終わります）。それ以外はオーソライザーによるアクセス拒否です。",
                ),
                504 => lang.pick(
                    "API Gateway stops waiting at 29 s; the conversion may still finish: check the upload prefix.",
                    "API Gateway は 29 秒で待つのをやめます。変換は完了している可能性があるので、アップロード先を確認してください。",
                ),
                _ => lang.pick("The API refused the request.", "API がリクエストを拒否しました。"),
            };
            format!("{sentence} ({message}; {})", ids(diagnostics))
        }
        E::Unreadable {
            detail,
            diagnostics,
            ..
        } => format!(
            "{} ({detail}; {})",
            lang.pick(
                "The API answered, but not in the form of the /convert contract (version 1).",
                "API は応答しましたが、/convert の取り決め（バージョン 1）の形式ではありません。",
            ),
            ids(diagnostics)
        ),
        E::Network(detail) => format!(
            "{} ({detail})",
            lang.pick(
                "The API could not be reached. Check the network (VPN, proxy) and the API URL, then retry.",
                "API に接続できませんでした。ネットワーク（VPN、プロキシ）と API の URL を確認して再実行してください。",
            )
        ),
        E::Timeout { seconds } => format!("{} ({seconds} s)", api_timeout(lang)),
        E::Session(SessionError::Cognito(e)) => cognito_error(e, lang),
        E::Session(SessionError::SignedOut) => lang
            .pick(
                "You are not signed in: sign in again.",
                "サインインしていません。もう一度サインインしてください。",
            )
            .to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cognito::{Operation, ServiceError};

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

//! Cognito's refusals and failures as sentences with the next step.

use super::Lang;
use crate::cognito::{CognitoError, ErrorKind};

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
            "Your administrator has required a password reset. Choose \"Forgot your password?\" to get a code and set a new password.",
            "管理者によりパスワードのリセットが求められています。「パスワードをお忘れですか？」からコードを受け取り、新しいパスワードを設定してください。",
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
            "This app client does not allow this way of signing in (USER_PASSWORD_AUTH or USER_SRP_AUTH). Set the sign-in method in the profile settings to Automatic, or ask your administrator which flows the app client allows.",
            "このアプリクライアントではこのサインイン方式（USER_PASSWORD_AUTH または USER_SRP_AUTH）が許可されていません。プロファイル設定でサインイン方式を「自動」にするか、アプリクライアントで許可されている方式を管理者に確認してください。",
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

/// An MFA method as Cognito names it (`SOFTWARE_TOKEN_MFA`…), as a person reads it;
/// an unknown one as it came.
pub fn mfa_label(option: &str, lang: Lang) -> String {
    let label = match option {
        "SOFTWARE_TOKEN_MFA" => lang.pick("Authenticator app", "認証アプリ"),
        "SMS_MFA" => lang.pick("Text message (SMS)", "SMS"),
        "EMAIL_OTP" | "EMAIL_MFA" => lang.pick("E-mail", "メール"),
        other => other,
    };
    label.to_owned()
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
        CognitoError::Browser(error) => browser_error(error, lang),
        CognitoError::InvalidInput(detail) => format!(
            "{} ({detail})",
            lang.pick("A setting or input is not valid.", "設定または入力が正しくありません。")
        ),
    }
}

/// Why a browser sign-in did not end in tokens, and what to do.
fn browser_error(error: &crate::cognito::oauth::OAuthError, lang: Lang) -> String {
    use crate::cognito::oauth::OAuthError as E;
    match (error, lang) {
        (E::NoFreePort(ports), Lang::En) => format!(
            "No callback port is free ({ports:?}): another sign-in may be waiting in a browser. Finish or cancel it, then try again."
        ),
        (E::NoFreePort(ports), Lang::Ja) => format!(
            "コールバック用のポート（{ports:?}）が空いていません。別のサインインがブラウザで待っている可能性があります。それを完了するか取り消してから、もう一度お試しください。"
        ),
        (E::TimedOut, _) => lang
            .pick(
                "The sign-in in the browser did not finish within 10 minutes. Start it again.",
                "ブラウザでのサインインが 10 分以内に完了しませんでした。もう一度始めてください。",
            )
            .to_owned(),
        (E::StateMismatch, _) => lang
            .pick(
                "The browser came back from a different sign-in. Start the sign-in again from here.",
                "ブラウザが別のサインインから戻ってきました。ここからもう一度サインインを始めてください。",
            )
            .to_owned(),
        (E::Refused { error, description }, Lang::En) => {
            format!("The sign-in was refused in the browser ({error}: {description}).")
        }
        (E::Refused { error, description }, Lang::Ja) => {
            format!("ブラウザでサインインが拒否されました（{error}: {description}）。")
        }
        (E::Token { error, description }, Lang::En) => format!(
            "The sign-in could not be completed: the token endpoint refused the code ({error}: {description}). Start it again."
        ),
        (E::Token { error, description }, Lang::Ja) => format!(
            "サインインを完了できませんでした。トークンエンドポイントがコードを拒否しました（{error}: {description}）。もう一度始めてください。"
        ),
        (E::NonceMismatch, _) => lang
            .pick(
                "The tokens do not belong to this sign-in (the nonce differs). Start it again.",
                "トークンがこのサインインのものではありません（nonce が異なります）。もう一度始めてください。",
            )
            .to_owned(),
        (E::Network(detail), Lang::En) => format!("The sign-in provider could not be reached ({detail})."),
        (E::Network(detail), Lang::Ja) => format!("サインインのプロバイダーに接続できません（{detail}）。"),
        (E::Unexpected(detail) | E::Config(detail), Lang::En) => {
            format!("The browser sign-in failed: {detail}.")
        }
        (E::Unexpected(detail) | E::Config(detail), Lang::Ja) => {
            format!("ブラウザでのサインインに失敗しました: {detail}。")
        }
    }
}

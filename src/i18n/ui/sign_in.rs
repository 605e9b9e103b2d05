//! Sentences of the sign in screen, in English and Japanese.

use crate::i18n::{Lang, Text};

pub const YOUR_SESSION_ENDED_AND_COULD_NOT: Text = Text {
    en: "Your session ended and could not be renewed; sign in again.",
    ja: "セッションが終了し、更新できませんでした。もう一度サインインしてください。",
};
pub const AUTHENTICATOR_APP: Text = Text {
    en: "Authenticator app",
    ja: "認証アプリ",
};
pub const TEXT_MESSAGE_SMS: Text = Text {
    en: "Text message (SMS)",
    ja: "SMS",
};
pub const E_MAIL: Text = Text {
    en: "E-mail",
    ja: "メール",
};
pub const AT_LEAST_8_CHARACTERS: Text = Text {
    en: "At least 8 characters",
    ja: "8 文字以上",
};
pub const AN_UPPERCASE_LETTER: Text = Text {
    en: "An uppercase letter",
    ja: "英大文字を含む",
};
pub const A_LOWERCASE_LETTER: Text = Text {
    en: "A lowercase letter",
    ja: "英小文字を含む",
};
pub const A_NUMBER: Text = Text {
    en: "A number",
    ja: "数字を含む",
};
pub const A_SYMBOL: Text = Text {
    en: "A symbol (!, $, # …)",
    ja: "記号を含む（!, $, # など）",
};
pub const SIGN_IN_TO_YOUR_USER_POOL: Text = Text {
    en: "Sign in to your user pool",
    ja: "ユーザープールにサインイン",
};
pub const RESTORING_YOUR_REMEMBERED_SIGN_IN: Text = Text {
    en: "Restoring your remembered sign-in…",
    ja: "記憶されたサインインを復元しています…",
};
pub const WAITING_FOR_COGNITO: Text = Text {
    en: "Waiting for Cognito…",
    ja: "Cognito の応答を待っています…",
};
pub const CANCEL: Text = Text {
    en: "Cancel",
    ja: "キャンセル",
};
pub const PROFILE: Text = Text {
    en: "Profile",
    ja: "プロファイル",
};
pub const STARTING_THE_LOCAL_DEMO_SERVER: Text = Text {
    en: "Starting the local demo server…",
    ja: "ローカルのデモサーバーを起動しています…",
};
pub const THE_LOCAL_DEMO_SERVER_COULD_NOT: Text = Text {
    en: "The local demo server could not start:",
    ja: "ローカルのデモサーバーを起動できませんでした:",
};
pub const LOCAL_DEMO_A_USER_POOL_AND: Text = Text {
    en: "Local demo: a user pool and converter on this computer. No AWS account needed.",
    ja: "ローカルデモ: このパソコン上のユーザープールと変換サーバーです。AWS アカウントは不要です。",
};
pub const USERNAME: Text = Text {
    en: "Username",
    ja: "ユーザー名",
};
pub const PASSWORD: Text = Text {
    en: "Password",
    ja: "パスワード",
};
pub const FILL_IN_THE_DEMO_ACCOUNT: Text = Text {
    en: "Fill in the demo account",
    ja: "デモアカウントを入力",
};
pub const OPEN_SETTINGS: Text = Text {
    en: "Open settings",
    ja: "設定を開く",
};
pub const SHOW_PASSWORD: Text = Text {
    en: "Show password",
    ja: "パスワードを表示",
};
pub const REMEMBER_ME_KEPT_IN_THE_SYSTEM: Text = Text {
    en: "Remember me (kept in the system keyring)",
    ja: "サインインを記憶する（システムのキーリングに保存）",
};
pub const SIGN_IN: Text = Text {
    en: "Sign in",
    ja: "サインイン",
};
pub const THIS_IS_YOUR_FIRST_SIGN_IN: Text = Text {
    en: "This is your first sign-in: choose a new password.",
    ja: "初回のサインインです。新しいパスワードを設定してください。",
};
pub const NEW_PASSWORD: Text = Text {
    en: "New password",
    ja: "新しいパスワード",
};
pub const CONFIRM_NEW_PASSWORD: Text = Text {
    en: "Confirm new password",
    ja: "新しいパスワード（確認）",
};
pub const COGNITO_S_DEFAULT_POLICY_YOUR_POOL: Text = Text {
    en: "Cognito's default policy (your pool may differ):",
    ja: "Cognito の既定のポリシー（プールによって異なる場合があります）:",
};
pub const THE_PASSWORDS_DO_NOT_MATCH: Text = Text {
    en: "The passwords do not match.",
    ja: "パスワードが一致しません。",
};
pub const SET_NEW_PASSWORD: Text = Text {
    en: "Set new password",
    ja: "パスワードを設定",
};
pub const CODE: Text = Text {
    en: "Code",
    ja: "コード",
};
pub const VERIFY: Text = Text {
    en: "Verify",
    ja: "確認",
};
pub const SET_UP_AN_AUTHENTICATOR_APP: Text = Text {
    en: "This user pool requires a second step at every sign-in. Set up an authenticator app: scan the QR code (or type the key), then enter the 6-digit code the app shows.",
    ja: "このユーザープールでは、サインインのたびに 2 段階目の確認が必要です。認証アプリを設定してください。QR コードを読み取る（またはキーを入力する）と、アプリに 6 桁のコードが表示されるので、それを入力してください。",
};
pub const SETTING_UP: Text = Text {
    en: "Asking Cognito for a key...",
    ja: "Cognito にキーを要求しています…",
};
pub const QR_CODE_FOR_YOUR_AUTHENTICATOR_APP: Text = Text {
    en: "QR code for your authenticator app",
    ja: "認証アプリ用の QR コード",
};
pub const SETUP_KEY: Text = Text {
    en: "Setup key",
    ja: "セットアップキー",
};
pub const COPY_KEY: Text = Text {
    en: "Copy key",
    ja: "キーをコピー",
};
pub const TRY_AGAIN: Text = Text {
    en: "Try again",
    ja: "再試行",
};
pub const SIGN_IN_WITH_BROWSER: Text = Text {
    en: "Sign in with browser",
    ja: "ブラウザでサインイン",
};
pub const SIGN_IN_WITH_BROWSER_EXPLAINED: Text = Text {
    en: "Opens your pool's sign-in page (company accounts, passkeys) in the system browser; no password is typed here.",
    ja: "プールのサインインページ（会社のアカウント、パスキーなど）をシステムのブラウザで開きます。パスワードはここでは入力しません。",
};
pub const FINISH_SIGNING_IN_IN_THE_BROWSER: Text = Text {
    en: "Finish signing in in your browser. This window continues by itself.",
    ja: "ブラウザでサインインを完了してください。このウィンドウは自動的に続行します。",
};
pub const COPY_THE_SIGN_IN_LINK: Text = Text {
    en: "Copy the sign-in link",
    ja: "サインインのリンクをコピー",
};
pub const OPEN_THE_BROWSER_AGAIN: Text = Text {
    en: "Open the browser again",
    ja: "ブラウザをもう一度開く",
};
pub const BROWSER_LINK_EXPLAINED: Text = Text {
    en: "No browser opened? Copy the link into a browser on this computer. The sign-in waits 10 minutes.",
    ja: "ブラウザが開かない場合は、リンクをコピーしてこのコンピューターのブラウザに貼り付けてください。サインインは 10 分間待ちます。",
};
pub const REMEMBER_THIS_DEVICE: Text = Text {
    en: "Remember this device (no MFA code from it next time, where the pool allows)",
    ja: "このデバイスを記憶する（プールが許可していれば、次回から MFA コードが不要）",
};
pub const FORGOT_YOUR_PASSWORD: Text = Text {
    en: "Forgot your password?",
    ja: "パスワードをお忘れですか？",
};
pub const RESET_YOUR_PASSWORD: Text = Text {
    en: "Reset your password",
    ja: "パスワードをリセット",
};
pub const WE_SEND_A_CODE: Text = Text {
    en: "Cognito sends a code to the e-mail address or phone number of this user. With it you choose a new password.",
    ja: "このユーザーのメールアドレスまたは電話番号に Cognito がコードを送ります。そのコードで新しいパスワードを設定します。",
};
pub const SEND_CODE: Text = Text {
    en: "Send code",
    ja: "コードを送信",
};
pub const SEND_A_NEW_CODE: Text = Text {
    en: "Send a new code",
    ja: "新しいコードを送信",
};
pub const SET_NEW_PASSWORD_AND_SIGN_IN: Text = Text {
    en: "Set new password and sign in",
    ja: "新しいパスワードを設定してサインイン",
};
pub const CHOOSE_HOW_TO_CONFIRM_IT_IS: Text = Text {
    en: "Choose how to confirm it is you:",
    ja: "本人確認の方法を選んでください:",
};
pub const CONTINUE: Text = Text {
    en: "Continue",
    ja: "続ける",
};
pub const BACK_TO_SIGN_IN: Text = Text {
    en: "Back to sign-in",
    ja: "サインインに戻る",
};

use crate::cognito::ChallengeKind;

pub fn try_again_in(reason: &str, seconds: f64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{reason} Try again in {seconds} s."),
        Lang::Ja => format!("{reason} {seconds} 秒後にもう一度お試しください。"),
    }
}

/// What to type for a one-time code, and where it was sent.
pub fn enter_code(kind: &ChallengeKind, lang: Lang) -> String {
    match kind {
        ChallengeKind::SoftwareTokenMfa { device_name } => match lang {
            Lang::En => format!(
                "Enter the 6-digit code from your authenticator app{}.",
                device_name
                    .as_ref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ),
            Lang::Ja => "認証アプリに表示されている 6 桁のコードを入力してください。".to_owned(),
        },
        ChallengeKind::SmsMfa { destination } => match lang {
            Lang::En => format!(
                "Enter the code sent by text message to {}.",
                destination.as_deref().unwrap_or("your phone")
            ),
            Lang::Ja => format!(
                "{} に SMS で送られたコードを入力してください。",
                destination.as_deref().unwrap_or("お使いの電話")
            ),
        },
        other => {
            let destination = match other {
                ChallengeKind::EmailOtp { destination } => destination.as_deref(),
                _ => None,
            };
            match lang {
                Lang::En => format!(
                    "Enter the code sent by e-mail to {}.",
                    destination.unwrap_or("your address")
                ),
                Lang::Ja => format!(
                    "{} にメールで送られたコードを入力してください。",
                    destination.unwrap_or("お使いのアドレス")
                ),
            }
        }
    }
}

/// Where the reset code went.
pub fn code_sent_to(destination: &str, lang: Lang) -> String {
    match (lang, destination.is_empty()) {
        (Lang::En, false) => {
            format!("A code was sent to {destination}. Enter it with a new password.")
        }
        (Lang::En, true) => "A code was sent. Enter it with a new password.".to_owned(),
        (Lang::Ja, false) => format!(
            "{destination} にコードを送信しました。新しいパスワードと一緒に入力してください。"
        ),
        (Lang::Ja, true) => {
            "コードを送信しました。新しいパスワードと一緒に入力してください。".to_owned()
        }
    }
}

/// The local demo has no mail: its code is shown, as its password is.
pub fn local_demo_code(code: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Local demo: the code is {code} (the local stack prints it too)."),
        Lang::Ja => {
            format!("ローカルデモ: コードは {code} です（ローカルスタックにも表示されます）。")
        }
    }
}

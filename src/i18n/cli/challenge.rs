//! Sentences of the questions after the password (new password, MFA codes, a choice of
//! method), as the command line asks them.

use crate::i18n::{Lang, Text};

pub const NEW_PASSWORD: Text = Text {
    en: "New password",
    ja: "新しいパスワード",
};
pub const NEW_PASSWORD_AGAIN: Text = Text {
    en: "New password again",
    ja: "新しいパスワード（確認）",
};
pub const PASSWORDS_DIFFER: Text = Text {
    en: "The two passwords differ. Try again.",
    ja: "2 つのパスワードが一致しません。もう一度入力してください。",
};
/// Above the numbered list of MFA methods.
pub const CHOOSE_METHOD: Text = Text {
    en: "Choose how to receive your sign-in code:",
    ja: "サインインコードの受け取り方法を選んでください:",
};
/// The prompt for a method's number in that list.
pub const NUMBER: Text = Text {
    en: "Number",
    ja: "番号",
};

/// The first sign-in with a temporary password.
pub fn must_choose_new_password(username: &str, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("{username} must choose a new password (the one used was temporary).")
        }
        Lang::Ja => format!(
            "{username} は新しいパスワードを設定する必要があります（使用したパスワードは一時パスワードです）。"
        ),
    }
}

/// The prompt for an attribute the pool requires with a new password.
pub fn required_attribute(attribute: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Your {attribute} (required by the user pool)"),
        Lang::Ja => format!("{attribute}（ユーザープールで必須）"),
    }
}

/// ` (name)` after a prompt when there is a device name or destination to show.
fn in_parentheses(detail: Option<&str>) -> String {
    detail.map(|d| format!(" ({d})")).unwrap_or_default()
}

/// The prompt for a TOTP code, naming the device when Cognito does.
pub fn authenticator_code(device_name: Option<&str>, lang: Lang) -> String {
    let from = in_parentheses(device_name);
    match lang {
        Lang::En => format!("6-digit code from your authenticator app{from}"),
        Lang::Ja => format!("認証アプリの 6 桁のコード{from}"),
    }
}

/// What to do when the pool requires MFA and the user has none yet: the key (grouped)
/// and the otpauth URI to paste into an app or a QR generator.
pub fn set_up_authenticator(key: &str, uri: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "This user pool requires an authenticator app. Add this key to your app:\n  {key}\nor its otpauth link:\n  {uri}"
        ),
        Lang::Ja => format!(
            "このユーザープールでは認証アプリが必要です。次のキーをアプリに追加してください:\n  {key}\nまたは otpauth リンク:\n  {uri}"
        ),
    }
}

/// The prompt for a code sent by SMS (`sms`) or e-mail, naming the masked destination.
pub fn sent_code(sms: bool, destination: Option<&str>, lang: Lang) -> String {
    let to = in_parentheses(destination);
    match (lang, sms) {
        (Lang::En, true) => format!("Code sent by SMS{to}"),
        (Lang::En, false) => format!("Code sent by e-mail{to}"),
        (Lang::Ja, true) => format!("SMS で送信されたコード{to}"),
        (Lang::Ja, false) => format!("メールで送信されたコード{to}"),
    }
}

/// A script's answer to the method list that is neither a number nor a method's name.
pub fn not_a_listed_method(choice: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("\"{choice}\" is not one of the listed methods"),
        Lang::Ja => format!("「{choice}」は一覧にある方法ではありません"),
    }
}

//! Sentences of `receipt-desk login` and of signing in for `token` and `convert`:
//! the prompts, the result, and what happens to a remembered sign-in.

use std::fmt::Display;

use crate::i18n::{Lang, Text};

pub const USERNAME: Text = Text {
    en: "Username",
    ja: "ユーザー名",
};

/// The spinner while Cognito answers the password or a challenge.
pub const SIGNING_IN: Text = Text {
    en: "Signing in…",
    ja: "サインインしています…",
};

/// The spinner while a remembered sign-in is refreshed.
pub const RESTORING: Text = Text {
    en: "Restoring the remembered sign-in…",
    ja: "記憶されたサインインを復元しています…",
};

/// Followed by Cognito's reason.
pub const REMEMBERED_UNUSABLE: Text = Text {
    en: "The remembered sign-in could not be used; sign in again.",
    ja: "記憶されたサインインは使えませんでした。もう一度サインインしてください。",
};

/// The keyring is reachable but would not hand the entry over; followed by its error.
pub const KEYRING_KEPT_IT: Text = Text {
    en: "The remembered sign-in is in the system keyring, which did not give it back (locked, or access denied). Unlock the keyring, or pass --password-stdin with the password from a file only you can read (chmod 600).",
    ja: "記憶されたサインインはシステムのキーリングにありますが、取り出せませんでした（ロック中、またはアクセス拒否）。キーリングのロックを解除するか、自分だけが読めるファイル（chmod 600）のパスワードを --password-stdin で渡してください。",
};

/// A script (no terminal, no `--password-stdin`) whose remembered sign-in was refused.
pub const REFUSED_AND_NO_TERMINAL: Text = Text {
    en: "the remembered sign-in was refused and there is no terminal to ask for a password: run `receipt-desk login --remember` again (or pass --password-stdin)",
    ja: "記憶されたサインインが拒否され、パスワードを尋ねる端末がありません。`receipt-desk login --remember` をもう一度実行してください（または --password-stdin を使ってください）",
};

pub fn password_for(username: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Password for {username}"),
        Lang::Ja => format!("{username} のパスワード"),
    }
}

/// `login`'s result on stdout: who, with which profile, until when (from [`expiry`]).
pub fn signed_in(who: &str, profile: &str, until: &str, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("Signed in as {who} (profile {profile}). The session is valid until {until}.")
        }
        Lang::Ja => format!(
            "{who} としてサインインしました（プロファイル {profile}）。セッションの有効期限は {until} です。"
        ),
    }
}

/// `2026-11-29 14:05 JST (in 59 min)`: the end of a session and the minutes left.
pub fn expiry(when: &impl Display, minutes: i64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{when} (in {minutes} min)"),
        Lang::Ja => format!("{when}（あと {minutes} 分）"),
    }
}

/// `password forgot`: where the code went.
pub fn code_sent(destination: &str, lang: Lang) -> String {
    match (lang, destination.is_empty()) {
        (Lang::En, false) => format!("A reset code was sent to {destination}."),
        (Lang::En, true) => "A reset code was sent.".to_owned(),
        (Lang::Ja, false) => format!("{destination} にリセット用のコードを送信しました。"),
        (Lang::Ja, true) => "リセット用のコードを送信しました。".to_owned(),
    }
}

pub const RESET_CODE: Text = Text {
    en: "Code",
    ja: "コード",
};
pub const NEW_PASSWORD: Text = Text {
    en: "New password",
    ja: "新しいパスワード",
};
pub const NEW_PASSWORD_AGAIN: Text = Text {
    en: "New password again",
    ja: "新しいパスワード（確認）",
};
pub const CURRENT_PASSWORD: Text = Text {
    en: "Current password",
    ja: "現在のパスワード",
};
pub const PASSWORDS_DIFFER: Text = Text {
    en: "The passwords differ; type them again.",
    ja: "パスワードが一致しません。もう一度入力してください。",
};

/// `password forgot` done.
pub fn password_reset(username: &str, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("The password of {username} was reset. Sign in with it: receipt-desk login")
        }
        Lang::Ja => format!(
            "{username} のパスワードをリセットしました。新しいパスワードでサインインしてください: receipt-desk login"
        ),
    }
}

/// `password change` done.
pub fn password_changed(username: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The password of {username} was changed."),
        Lang::Ja => format!("{username} のパスワードを変更しました。"),
    }
}

pub const WAITING_FOR_THE_BROWSER: Text = Text {
    en: "Waiting for the browser (10 minutes at most; Ctrl+C stops)",
    ja: "ブラウザを待っています（最大 10 分。Ctrl+C で中止）",
};

/// `login --browser`: the link, always printed.
pub fn open_this_link(url: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Sign in in your browser. If none opens, open this link on this computer:\n  {url}"
        ),
        Lang::Ja => format!(
            "ブラウザでサインインしてください。ブラウザが開かない場合は、このコンピューターで次のリンクを開いてください:\n  {url}"
        ),
    }
}

/// `login --browser` for a profile without a managed-login domain.
pub fn no_hosted_ui_domain(profile: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "the profile {profile} has no managed-login domain: set one with `receipt-desk profile set {profile} --hosted-ui-domain https://NAME.auth.REGION.amazoncognito.com`"
        ),
        Lang::Ja => format!(
            "プロファイル {profile} にマネージドログインのドメインがありません。`receipt-desk profile set {profile} --hosted-ui-domain https://NAME.auth.REGION.amazoncognito.com` で設定してください"
        ),
    }
}

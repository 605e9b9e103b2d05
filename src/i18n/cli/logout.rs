//! Sentences of `receipt-desk logout`, in English and Japanese.

use std::fmt::Display;

use crate::i18n::{Lang, Text};

/// No `--username` and no last user in the profile.
pub const NO_ONE_SIGNED_IN: Text = Text {
    en: "No one has signed in with this profile: nothing to sign out.",
    ja: "このプロファイルでサインインしたユーザーがいません。サインアウトするものはありません。",
};

/// Followed by Cognito's reason: the local sign-out is done, the server's is not.
pub const SERVER_NOT_TOLD: Text = Text {
    en: "The server could not be told (the sign-out on this computer is done):",
    ja: "サーバーへの通知はできませんでした（このコンピューターでのサインアウトは完了しています）:",
};

pub fn nothing_remembered(username: &str, profile: &str, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("{username} has no remembered sign-in with profile {profile}; nothing to do.")
        }
        Lang::Ja => format!(
            "{username} にはプロファイル {profile} で記憶されたサインインがありません。何もしません。"
        ),
    }
}

/// The keyring refused to delete the entry.
pub fn not_deleted(error: &impl Display, lang: Lang) -> String {
    match lang {
        Lang::En => format!("the remembered sign-in could not be deleted: {error}"),
        Lang::Ja => format!("記憶されたサインインを削除できませんでした: {error}"),
    }
}

pub fn signed_out(username: &str, profile: &str, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("Signed out {username} (profile {profile}); the remembered sign-in is deleted.")
        }
        Lang::Ja => format!(
            "{username} をサインアウトしました（プロファイル {profile}）。記憶されたサインインを削除しました。"
        ),
    }
}

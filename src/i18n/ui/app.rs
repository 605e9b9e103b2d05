//! Sentences of the app screen (the window around the screens), in English and Japanese.

use crate::i18n::{Lang, Text};

pub const THE_REMEMBERED_SIGN_IN_COULD_NOT: Text = Text {
    en: "The remembered sign-in could not be used; sign in again.",
    ja: "記憶されたサインインは使えませんでした。もう一度サインインしてください。",
};
pub const OFFLINE_REMEMBERED_SIGN_IN_KEPT: Text = Text {
    en: "Cognito cannot be reached (offline?). Your remembered sign-in is kept, and the app tries again every 30 seconds. Past jobs and saved thumbnails are under Jobs.",
    ja: "Cognito に接続できません（オフライン？）。記憶されたサインインはそのまま残し、30 秒ごとに再試行します。これまでのジョブと保存済みのサムネイルは「ジョブ」で見られます。",
};
pub const IMPORT_A_PROFILE: Text = Text {
    en: "Import a profile",
    ja: "プロファイルを読み込む",
};
pub const EXPORT_THE_PROFILE: Text = Text {
    en: "Export the profile",
    ja: "プロファイルを書き出す",
};
pub const SAVE_THE_PAGE: Text = Text {
    en: "Save the page",
    ja: "ページを保存",
};
pub const SAVE_ALL_PAGES_INTO_A_FOLDER: Text = Text {
    en: "Save all pages into a folder",
    ja: "すべてのページをフォルダーに保存",
};
pub const NO_FILE_DIALOG_IS_AVAILABLE_ON: Text = Text {
    en: "No file dialog is available on this system (install xdg-desktop-portal-gtk or zenity to get one). Type the path instead.",
    ja: "このシステムではファイル選択ダイアログを使えません（xdg-desktop-portal-gtk または zenity を入れると使えます）。パスを入力してください。",
};
pub const FOLDER: Text = Text {
    en: "Folder",
    ja: "フォルダー",
};
pub const FILE: Text = Text {
    en: "File",
    ja: "ファイル",
};
pub const OK: Text = Text { en: "OK", ja: "OK" };
pub const CANCEL: Text = Text {
    en: "Cancel",
    ja: "キャンセル",
};
pub const CONVERT: Text = Text {
    en: "Convert",
    ja: "変換",
};
pub const ACCOUNT: Text = Text {
    en: "Account",
    ja: "アカウント",
};
pub const JOBS: Text = Text {
    en: "Jobs",
    ja: "ジョブ",
};
pub const SETTINGS: Text = Text {
    en: "Settings",
    ja: "設定",
};
pub const DISMISS: Text = Text {
    en: "Dismiss",
    ja: "閉じる",
};
pub const COULD_NOT_SAVE: Text = Text {
    en: "Could not save:",
    ja: "保存できませんでした:",
};

/// The window title's note while jobs run.
pub fn converting_title(running: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!(" — converting ({running})"),
        Lang::Ja => format!(" — 変換中（{running}件）"),
    }
}

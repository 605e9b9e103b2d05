//! Sentences of the gallery screen, in English and Japanese.

use crate::i18n::{Lang, Text};

pub const FILTER: Text = Text {
    en: "Filter",
    ja: "絞り込み",
};
pub const FILE_NAME: Text = Text {
    en: "file name",
    ja: "ファイル名",
};
pub const THUMBNAIL_SIZE: Text = Text {
    en: "Thumbnail size",
    ja: "サムネイルの大きさ",
};
pub const SAVE_ALL: Text = Text {
    en: "Save all…",
    ja: "すべて保存…",
};
pub const LOADING: Text = Text {
    en: "Loading…",
    ja: "読み込み中…",
};
pub const THE_LINK_HAS_EXPIRED_JOBS_THAT: Text = Text {
    en: "The link has expired. Jobs that answered 202 get fresh links automatically; otherwise retry the job.",
    ja: "リンクの有効期限が切れました。202 で応答したジョブは自動で新しいリンクを取得します。それ以外はジョブを再実行してください。",
};
pub const OVERWRITE_THEM: Text = Text {
    en: "Overwrite them",
    ja: "上書きする",
};
pub const KEEP_THEM_SKIP: Text = Text {
    en: "Keep them (skip)",
    ja: "残す（スキップ）",
};
pub const CANCEL: Text = Text {
    en: "Cancel",
    ja: "キャンセル",
};
pub const CANCEL_SAVING: Text = Text {
    en: "Cancel saving",
    ja: "保存を中止",
};
pub const OPEN_FOLDER: Text = Text {
    en: "Open folder",
    ja: "フォルダーを開く",
};

use std::fmt::Write as _;

/// The gallery's counter: the tiles on show, of how many, and how many failed.
pub fn page_count(shown: usize, total: usize, failed: usize, lang: Lang) -> String {
    let mut text = match (lang, shown == total) {
        (Lang::En, true) => format!("{total} pages"),
        (Lang::En, false) => format!("{shown} of {total} pages"),
        (Lang::Ja, true) => format!("{total} ページ"),
        (Lang::Ja, false) => format!("{total} ページ中 {shown} ページ"),
    };
    if failed > 0 {
        let _ = match lang {
            Lang::En => write!(text, " · {failed} could not be shown"),
            Lang::Ja => write!(text, "・表示できないもの {failed}"),
        };
    }
    text
}

pub fn files_exist(count: usize, folder: &std::path::Path, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{count} file(s) already exist in {}.", folder.display()),
        Lang::Ja => format!(
            "{} に同じ名前のファイルが {count} 件あります。",
            folder.display()
        ),
    }
}

pub fn save_report(
    saved: usize,
    folder: &std::path::Path,
    skipped: usize,
    failed: usize,
    cancelled: bool,
    lang: Lang,
) -> String {
    match lang {
        Lang::En => format!(
            "Saved {saved} to {}; {skipped} kept as they were; {failed} failed{}.",
            folder.display(),
            if cancelled { " (cancelled)" } else { "" }
        ),
        Lang::Ja => format!(
            "{saved} 件を {} に保存しました。既存 {skipped} 件はそのまま、失敗 {failed} 件{}。",
            folder.display(),
            if cancelled { "（中止）" } else { "" }
        ),
    }
}

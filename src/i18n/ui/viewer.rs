//! Sentences of the viewer screen, in English and Japanese.

use crate::i18n::{Lang, Text};

pub const BACK_TO_THE_GALLERY: Text = Text {
    en: "Back to the gallery",
    ja: "ギャラリーに戻る",
};
pub const PREVIOUS: Text = Text {
    en: "Previous",
    ja: "前へ",
};
pub const NEXT: Text = Text {
    en: "Next",
    ja: "次へ",
};
pub const FIT: Text = Text {
    en: "Fit",
    ja: "全体表示",
};
pub const ZOOM_OUT: Text = Text {
    en: "Zoom out",
    ja: "縮小",
};
pub const N_100_IS_ONE_SCAN_PIXEL_PER: Text = Text {
    en: "100 % is one scan pixel per screen pixel",
    ja: "100 % はスキャンの 1 ピクセルが画面の 1 ピクセル",
};
pub const ZOOM_IN: Text = Text {
    en: "Zoom in",
    ja: "拡大",
};
pub const SAVE: Text = Text {
    en: "Save…",
    ja: "保存…",
};
pub const OPEN: Text = Text {
    en: "Open",
    ja: "開く",
};
pub const OPEN_THE_PAGE_IN_THE_SYSTEM: Text = Text {
    en: "Open the page in the system's image viewer",
    ja: "システムの画像ビューアーで開く",
};
pub const LOADING: Text = Text {
    en: "Loading…",
    ja: "読み込み中…",
};

pub fn saved_to(path: &std::path::Path, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Saved to {}", path.display()),
        Lang::Ja => format!("{} に保存しました", path.display()),
    }
}

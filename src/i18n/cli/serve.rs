//! Sentences of `receipt-desk serve`, in English and Japanese.

use crate::i18n::Text;

/// Neither `--data` nor a platform data folder.
pub const NO_DATA_FOLDER: Text = Text {
    en: "no data folder could be found: pass --data DIR",
    ja: "データフォルダーが見つかりません。--data DIR を指定してください",
};

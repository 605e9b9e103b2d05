//! Sentences of the convert screen, in English and Japanese.

use crate::i18n::Text;

pub const CONVERT_RECEIPTS: Text = Text {
    en: "Convert receipts",
    ja: "領収書を変換",
};
pub const EVERY_PDF_UNDER_THE_PDF_PREFIX: Text = Text {
    en: "Every PDF under the PDF prefix becomes JPEG pages under the upload prefix.",
    ja: "PDF プレフィックス以下のすべての PDF を、ページごとの JPEG にしてアップロード先に保存します。",
};
pub const THIS_PROFILE_HAS_NO_API_URL: Text = Text {
    en: "This profile has no API URL yet: add it in Settings.",
    ja: "このプロファイルには API の URL がありません。設定で追加してください。",
};
pub const BUCKET: Text = Text {
    en: "Bucket",
    ja: "バケット",
};
pub const RECENT_BUCKETS: Text = Text {
    en: "Recent buckets",
    ja: "最近のバケット",
};
pub const PDF_PREFIX: Text = Text {
    en: "PDF prefix",
    ja: "PDF プレフィックス",
};
pub const RECENT_PDF_PREFIXES: Text = Text {
    en: "Recent PDF prefixes",
    ja: "最近の PDF プレフィックス",
};
pub const UPLOAD_PREFIX: Text = Text {
    en: "Upload prefix",
    ja: "アップロード先プレフィックス",
};
pub const RECENT_UPLOAD_PREFIXES: Text = Text {
    en: "Recent upload prefixes",
    ja: "最近のアップロード先",
};
pub const START: Text = Text {
    en: "Start",
    ja: "開始",
};
pub const CTRL_ENTER: Text = Text {
    en: "Ctrl+Enter",
    ja: "Ctrl+Enter で開始",
};
pub const START_IS_AVAILABLE_ONCE_EVERY_FIELD: Text = Text {
    en: "Start is available once every field is valid.",
    ja: "すべての欄が正しく入力されると開始できます。",
};
pub const REQUEST_BODY: Text = Text {
    en: "Request body",
    ja: "送信する内容",
};
pub const ADD_THE_TRAILING: Text = Text {
    en: "Add the trailing \"/\"",
    ja: "末尾に「/」を付ける",
};

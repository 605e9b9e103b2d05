//! Sentences of the convert screen, in English and Japanese.

use crate::i18n::{Lang, Text};

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
pub const BROWSE: Text = Text {
    en: "Browse the bucket…",
    ja: "バケットを参照…",
};
pub const UP: Text = Text {
    en: "Up one level",
    ja: "1 つ上へ",
};
pub const USE_THIS_FOLDER: Text = Text {
    en: "Use this folder",
    ja: "このフォルダーを使う",
};
pub const FILTER: Text = Text {
    en: "Filter",
    ja: "絞り込み",
};
pub const CLOSE: Text = Text {
    en: "Close",
    ja: "閉じる",
};
pub const NOTHING_HERE: Text = Text {
    en: "No folders or PDFs here.",
    ja: "ここにはフォルダーも PDF もありません。",
};
pub const SHOW_MORE: Text = Text {
    en: "Show more",
    ja: "さらに表示",
};

/// A PDF folder whose sibling upload folder already holds pages.
pub fn converted_before(jpegs: u64, upload: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("converted before: {jpegs} JPEGs in {upload}"),
        Lang::Ja => format!("変換済み: {upload} に JPEG {jpegs} 件"),
    }
}

/// A folder's line in the browser: "6 PDFs, 1.2 MB".
pub fn pdfs_and_size(pdfs: u64, size: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{pdfs} PDFs, {size}"),
        Lang::Ja => format!("PDF {pdfs} 件、{size}"),
    }
}

/// A folder that already holds converted pages.
pub fn jpegs_here(jpegs: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{jpegs} JPEGs already"),
        Lang::Ja => format!("JPEG {jpegs} 件あり"),
    }
}

/// What Start would convert when some folders were counted only partly.
pub fn will_convert_at_least(pdfs: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Start converts at least {pdfs} PDFs (some folders hold more than were counted)."
        ),
        Lang::Ja => format!(
            "開始すると、少なくとも PDF {pdfs} 件を変換します（一部のフォルダーは数えきれていません）。"
        ),
    }
}

/// What Start would convert, under the form.
pub fn will_convert(pdfs: u64, size: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Start converts {pdfs} PDFs ({size})."),
        Lang::Ja => format!("開始すると PDF {pdfs} 件（{size}）を変換します。"),
    }
}

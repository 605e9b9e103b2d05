//! Sentences of `receipt-desk ls`.

use crate::i18n::{Lang, Text};

pub const NO_SOURCE: Text = Text {
    en: "the profile has neither an api_url nor an identity_pool_id to list the bucket with: set one with `receipt-desk profile set NAME --api-url …` or `--identity-pool-id …`",
    ja: "プロファイルに、バケットを一覧するための api_url も identity_pool_id もありません。`receipt-desk profile set NAME --api-url …` か `--identity-pool-id …` で設定してください",
};

pub const EMPTY: Text = Text {
    en: "(no folders or PDFs here)",
    ja: "（ここにはフォルダーも PDF もありません）",
};

/// A folder's PDF count; `partly` when the server stopped counting.
pub fn folder_counts(pdfs: u64, partly: bool, lang: Lang) -> String {
    let more = if partly { "+" } else { "" };
    match lang {
        Lang::En => format!("{pdfs}{more} PDFs"),
        Lang::Ja => format!("PDF {pdfs}{more} 件"),
    }
}

/// Converted pages already under a folder.
pub fn jpegs(count: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{count} JPEGs (converted)"),
        Lang::Ja => format!("JPEG {count} 件（変換済み）"),
    }
}

/// Objects at this level that are neither folders nor PDFs.
pub fn others(count: u64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("and {count} other files"),
        Lang::Ja => format!("ほかのファイル {count} 件"),
    }
}

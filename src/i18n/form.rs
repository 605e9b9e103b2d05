//! Sentences for the convert form's and profiles' field rules (`crate::validate`).

use crate::i18n::Lang;
use crate::validate::{Hint, Problem};

/// What is wrong with a form field and how to fix it.
pub fn problem(problem: &Problem, lang: Lang) -> String {
    match problem {
            Problem::Empty => lang.pick("Required.", "入力してください。").to_owned(),
            Problem::BucketLength(n) => match lang {
                Lang::En => format!("A bucket name has 3 to 63 characters (this one has {n})."),
                Lang::Ja => format!("バケット名は 3〜63 文字です（現在 {n} 文字）。"),
            },
            Problem::BucketCharacter(c) => match lang {
                Lang::En => format!(
                    "\"{c}\" is not allowed: use lowercase letters, digits, dots and hyphens."
                ),
                Lang::Ja => format!(
                    "「{c}」は使えません。小文字の英字・数字・ピリオド・ハイフンだけが使えます。"
                ),
            },
            Problem::BucketEdge => lang
                .pick(
                    "A bucket name starts and ends with a letter or digit.",
                    "バケット名の最初と最後は英字か数字にしてください。",
                )
                .to_owned(),
            Problem::BucketAdjacentDots => lang
                .pick(
                    "A bucket name cannot contain two dots in a row.",
                    "バケット名にピリオドを 2 つ続けることはできません。",
                )
                .to_owned(),
            Problem::BucketIpAddress => lang
                .pick(
                    "A bucket name cannot look like an IP address.",
                    "IP アドレスの形のバケット名は使えません。",
                )
                .to_owned(),
            Problem::BucketReservedPrefix(p) => match lang {
                Lang::En => format!("Bucket names cannot start with \"{p}\" (reserved by AWS)."),
                Lang::Ja => format!("「{p}」で始まるバケット名は AWS の予約で使えません。"),
            },
            Problem::BucketReservedSuffix(s) => match lang {
                Lang::En => format!("Bucket names cannot end with \"{s}\" (reserved by AWS)."),
                Lang::Ja => format!("「{s}」で終わるバケット名は AWS の予約で使えません。"),
            },
            Problem::PrefixLeadingSlash => lang
                .pick(
                    "A prefix does not start with \"/\": S3 keys are relative (api/receipts/…).",
                    "プレフィックスは「/」で始めません。S3 のキーは相対です（api/receipts/…）。",
                )
                .to_owned(),
            Problem::PrefixDoubleSlash => lang
                .pick(
                    "\"//\" makes an empty folder name; remove one \"/\".",
                    "「//」は空のフォルダー名になります。「/」を 1 つ消してください。",
                )
                .to_owned(),
            Problem::PrefixControl => lang
                .pick(
                    "The prefix contains a control character (a pasted tab or line break?).",
                    "制御文字（貼り付けたタブや改行など）が含まれています。",
                )
                .to_owned(),
            Problem::PrefixTooLong(n) => match lang {
                Lang::En => format!("S3 keys are at most 1024 bytes (this prefix has {n})."),
                Lang::Ja => format!("S3 のキーは 1024 バイトまでです（現在 {n} バイト）。"),
            },
            Problem::PrefixesEqual => lang
                .pick(
                    "The PDF prefix and the upload prefix must differ, or the JPEGs land among the PDFs.",
                    "PDF プレフィックスとアップロード先プレフィックスは別にしてください。",
                )
                .to_owned(),
        }
}

/// Advice on a field that does not block sending.
pub fn hint(hint: &Hint, lang: Lang) -> String {
    match hint {
            Hint::NoTrailingSlash { fixed } => match lang {
                Lang::En => format!(
                    "Without a trailing \"/\" this also matches other folders that start the same way. Use \"{fixed}\"?"
                ),
                Lang::Ja => format!(
                    "末尾に「/」がないと、同じ文字で始まる別のフォルダーも対象になります。「{fixed}」にしますか？"
                ),
            },
            Hint::Nested => lang
                .pick(
                    "One prefix lies inside the other; the next run will see the other's files.",
                    "一方のプレフィックスがもう一方の中にあります。次回の変換で互いのファイルが見えます。",
                )
                .to_owned(),
        }
}

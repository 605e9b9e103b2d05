//! Sentences of the prompts on stderr, in English and Japanese.

use crate::i18n::{Lang, Text};

/// After a prompt when answers come from stdin rather than a person at a terminal.
pub const READING_FROM_STDIN: Text = Text {
    en: "(reading from stdin)",
    ja: "（標準入力から読み込みます）",
};

/// Stdin closed before the answer to `prompt` (a script gave too few lines).
pub fn stdin_ended(prompt: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("stdin ended before an answer to \"{prompt}\""),
        Lang::Ja => format!("「{prompt}」への回答を読む前に標準入力が終わりました"),
    }
}

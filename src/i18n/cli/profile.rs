//! Sentences of `receipt-desk profile`, in English and Japanese.

use std::fmt::Display;
use std::path::Path;

use crate::i18n::{Lang, Text};

/// `profile show`'s value for a field without one.
pub const NOT_SET: Text = Text {
    en: "(not set)",
    ja: "（未設定）",
};

/// `--client-secret-stdin` could not read its line.
pub fn cannot_read_client_secret(error: &impl Display, lang: Lang) -> String {
    match lang {
        Lang::En => format!("cannot read the client secret from stdin: {error}"),
        Lang::Ja => format!("標準入力からクライアントシークレットを読み込めません: {error}"),
    }
}

/// The keyring refused the client secret; `env` is the variable to use instead.
pub fn client_secret_not_saved(error: &impl Display, env: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "the client secret was not saved: {error}. It is never written to a file; set {env} instead for this shell."
        ),
        Lang::Ja => format!(
            "クライアントシークレットを保存できませんでした: {error}。ファイルには書き込みません。代わりにこのシェルで {env} を設定してください。"
        ),
    }
}

pub fn saved(name: &str, config: &Path, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Saved profile {name} in {}", config.display()),
        Lang::Ja => format!("プロファイル {name} を {} に保存しました", config.display()),
    }
}

pub fn no_such_profile(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("there is no profile named \"{name}\""),
        Lang::Ja => format!("「{name}」という名前のプロファイルはありません"),
    }
}

pub fn removed(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Removed profile {name}"),
        Lang::Ja => format!("プロファイル {name} を削除しました"),
    }
}

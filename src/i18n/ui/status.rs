//! Sentences of the status screen, in English and Japanese.

use crate::i18n::{Lang, Text};

pub const PROFILE: Text = Text {
    en: "Profile",
    ja: "プロファイル",
};
pub const NOT_SIGNED_IN: Text = Text {
    en: "Not signed in",
    ja: "サインインしていません",
};
pub const RENEWED_AUTOMATICALLY_BEFORE_IT_EXPIRES: Text = Text {
    en: "Renewed automatically before it expires",
    ja: "期限が切れる前に自動で更新します",
};
pub const SIGN_OUT: Text = Text {
    en: "Sign out",
    ja: "サインアウト",
};

pub fn signed_in_as(who: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Signed in as {who}"),
        Lang::Ja => format!("{who} でサインイン中"),
    }
}

pub fn valid_until(clock: &str, seconds_left: i64, lang: Lang) -> String {
    let (m, s) = (seconds_left / 60, seconds_left % 60);
    match lang {
        Lang::En => format!("Token valid until {clock} ({m}:{s:02} left)"),
        Lang::Ja => format!("トークン有効期限 {clock}（残り {m}:{s:02}）"),
    }
}

pub fn renewed_at(clock: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Renewed at {clock}"),
        Lang::Ja => format!("{clock} に自動更新"),
    }
}

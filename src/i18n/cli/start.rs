//! What `main` says when the program cannot get going at all.

use std::fmt::Display;

use crate::i18n::Lang;

/// The tokio runtime could not be built (threads, file descriptors).
pub fn runtime_failed(error: &impl Display, lang: Lang) -> String {
    match lang {
        Lang::En => format!("cannot start the async runtime: {error}"),
        Lang::Ja => format!("非同期ランタイムを起動できません: {error}"),
    }
}

/// eframe could not open the desktop window (no display, no GPU context).
pub fn window_failed(error: &impl Display, lang: Lang) -> String {
    match lang {
        Lang::En => format!("the window could not open: {error}"),
        Lang::Ja => format!("ウィンドウを開けませんでした: {error}"),
    }
}

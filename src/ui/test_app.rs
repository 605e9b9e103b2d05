//! An app with no window for the screens' unit tests: its files read, its secrets in
//! memory, no file dialog, its pools unreachable unless a test says otherwise.

use std::sync::Arc;

use super::{App, AppOptions, FixedDialogs};
use crate::config::{Config, Profile};
use crate::secrets::{MemoryStore, Secrets};

/// A profile on a pool nobody answers for (port 9, discard).
pub fn unreachable_profile() -> Profile {
    Profile {
        client_id: "1example23456789abcdefghij".to_owned(),
        cognito_endpoint: Some("http://127.0.0.1:9/".to_owned()),
        ..Profile::default()
    }
}

/// An app with two profiles on unreachable pools, "first" the default.
pub fn app(runtime: &tokio::runtime::Runtime, dir: &std::path::Path) -> App {
    let mut config = Config::default();
    for name in ["first", "second"] {
        config
            .profiles
            .insert(name.to_owned(), unreachable_profile());
    }
    config.default_profile = Some("first".to_owned());
    app_with(runtime, dir, &config)
}

/// An app started on `config`, saved in `dir` first.
pub fn app_with(runtime: &tokio::runtime::Runtime, dir: &std::path::Path, config: &Config) -> App {
    let config_path = dir.join("config.toml");
    config.save(&config_path).expect("config");
    let options = AppOptions {
        config_path,
        data_dir: dir.join("data"),
        lang: Some(crate::i18n::Lang::En),
        theme: None,
        profile: None,
        cache_dir: Some(dir.join("cache")),
        local_convert: None,
        secrets: Secrets::Store(Arc::new(MemoryStore::default())),
        dialogs: Arc::new(FixedDialogs {
            open: None,
            save: None,
            folder: None,
        }),
        runtime: runtime.handle().clone(),
    };
    let mut app = App::new(&egui::Context::default(), options);
    runtime.block_on(app.idle());
    assert!(!app.poll_loading(), "the files were read");
    app
}

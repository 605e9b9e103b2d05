//! Receipt Desk: sign in to an Amazon Cognito user pool, start PDF→JPEG conversions of
//! scanned receipts through an API Gateway endpoint, and preview the results.
//!
//! The library holds everything; `main.rs` only parses the command line and picks a
//! front end (the window without a command, else the command line). Module dependencies
//! point down: `ui`/`cli` → `jobs`/`api` → `session` → `cognito` → `credentials`.

pub mod account;
pub mod api;
pub mod cli;
pub mod cognito;
pub mod config;
pub mod credentials;
pub mod drafts;
pub mod fsutil;
pub mod i18n;
pub mod identity;
pub mod jobs;
pub mod local;
pub mod logging;
pub mod prefs;
pub mod save;
pub mod secrets;
pub mod session;
pub mod storage;
pub mod thumbs;
pub mod totp;
pub mod ui;
pub mod validate;

/// How long an idle pooled connection is kept for reuse: less than servers keep one
/// open between requests (the local stack 30 s), so a request never goes out on a
/// connection the server is closing.
pub const HTTP_IDLE: std::time::Duration = std::time::Duration::from_secs(20);

/// The async runtime the app and the commands run on. Few blocking threads: they decode
/// images and talk to the keyring, and each new thread that allocates can cost a malloc
/// arena of its own (measured: 233 MB peak RSS with the default 512 against 185 MB).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("receipt-desk-io")
        .max_blocking_threads(4)
        .build()
}

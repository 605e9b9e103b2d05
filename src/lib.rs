//! Receipt Desk: sign in to an Amazon Cognito user pool, start PDF→JPEG conversions of
//! scanned receipts through an API Gateway endpoint, and preview the results.
//!
//! The library holds everything; `main.rs` only parses the command line and picks a
//! front end (the window without a command, else the command line). Module dependencies
//! point down: `ui`/`cli` → `jobs`/`api` → `session` → `cognito` → `credentials`.

pub mod api;
pub mod cli;
pub mod cognito;
pub mod config;
pub mod credentials;
pub mod i18n;
pub mod jobs;
pub mod local;
pub mod logging;
pub mod secrets;
pub mod session;
pub mod thumbs;
pub mod totp;
pub mod ui;
pub mod validate;

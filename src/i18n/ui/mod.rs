//! The window's sentences, one file per screen; the screens name them, never spell them.

pub mod account;
pub mod app;
pub mod convert;
pub mod gallery;
pub mod jobs;
pub mod settings;
pub mod sign_in;
pub mod status;
pub mod viewer;

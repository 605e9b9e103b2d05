//! The integration tests, one binary (as ripgrep does): each module is one capability,
//! all sharing `support` (moto, the local stack, the sandboxed command line).

#[path = "../support/mod.rs"]
mod support;

mod app;
